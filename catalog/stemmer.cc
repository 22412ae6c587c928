#include "catalog/stemmer.h"

#include <libstemmer.h>

#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace bibia::catalog {
namespace {

// Words cached per thread and language before the cache is emptied: a few
// MiB at most, and far more than a document's distinct words.
constexpr size_t kMaxCachedWords = 1 << 16;

class ThreadStemmer {
 public:
  explicit ThreadStemmer(const char* algorithm) : stemmer_(sb_stemmer_new(algorithm, "UTF_8")) {
    if (stemmer_ == nullptr) std::abort();  // the algorithms are compiled into libstemmer
  }
  ~ThreadStemmer() { sb_stemmer_delete(stemmer_); }
  ThreadStemmer(const ThreadStemmer&) = delete;
  ThreadStemmer& operator=(const ThreadStemmer&) = delete;

  std::string_view Stem(std::string_view word) {
    auto it = cache_.find(absl::string_view(word.data(), word.size()));
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedWords) cache_.clear();
    const sb_symbol* stem = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                                            static_cast<int>(word.size()));
    std::string value = stem == nullptr ? std::string(word)  // out of memory: the word itself
                                        : std::string(reinterpret_cast<const char*>(stem),
                                                      static_cast<size_t>(sb_stemmer_length(stemmer_)));
    return cache_.emplace(std::string(word), std::move(value)).first->second;
  }

 private:
  sb_stemmer* stemmer_;
  absl::flat_hash_map<std::string, std::string> cache_;
};

}  // namespace

std::string_view Stem(StemLanguage language, std::string_view folded) {
  thread_local ThreadStemmer french("french");
  thread_local ThreadStemmer english("english");
  return language == StemLanguage::kFrench ? french.Stem(folded) : english.Stem(folded);
}

}  // namespace bibia::catalog
