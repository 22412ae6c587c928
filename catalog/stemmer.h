// Snowball stems (Debian's libstemmer) of folded words, French or English,
// for the search index: "detection", "detecter" and "detect" share the stem
// "detect". Stems are computed on folded text (no accents, lower case), the
// same way at indexing and at query time.
#ifndef BIBIA_CATALOG_STEMMER_H_
#define BIBIA_CATALOG_STEMMER_H_

#include <string>
#include <string_view>

namespace bibia::catalog {

enum class StemLanguage { kFrench, kEnglish };

// The stem of `folded` (a folded word) in `language`. Thread-safe: each
// thread has its own stemmers and a bounded cache of recent words, since an
// indexed text repeats most of its words. The view is valid until the next
// call on the same thread.
std::string_view Stem(StemLanguage language, std::string_view folded);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_STEMMER_H_
