// The value format of a search term's posting list and the RocksDB merge
// operator that maintains it, so that indexing a document is a blind write
// (a merge operand per term) instead of a read-modify-write of the list.
#ifndef BIBIA_CATALOG_POSTING_LIST_H_
#define BIBIA_CATALOG_POSTING_LIST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rocksdb/merge_operator.h"

namespace bibia::catalog {

// One (document, weighted term frequency) pair. In a merge operand a frequency
// of 0 removes the document from the list.
struct Posting {
  uint32_t doc;
  uint32_t tf;
  bool operator==(const Posting&) const = default;
};

// Stored lists: 8 bytes per posting (doc, tf; little-endian u32 each), sorted
// by doc with unique docs and no zero tf, so that a search can gallop through
// them in place.
inline constexpr size_t kPostingBytes = 8;

void AppendPosting(std::string* out, Posting p);
// Decodes a stored list; returns false if its size is not a multiple of 8.
bool DecodePostings(std::string_view in, std::vector<Posting>* out);

// Merge operands are most of what indexing writes (the bench's sync of 100,000
// entries writes about 2 million postings), so they have a compact encoding of their
// own: per posting, the zigzag varint of doc minus the doc before (0 for the
// first) and the varint tf, then a trailer of 1 or 2 bytes whose last byte is
// its length, chosen so that the operand's size is never a multiple of 8. An
// operand whose size is a multiple of 8 is in the stored lists' encoding (as
// stores of before this encoding wrote them); both decode. An operand may hold
// several postings (one batch of documents) in any order; later ones win.
class OperandBuilder {
 public:
  void Add(Posting p);
  bool empty() const { return bytes_.empty(); }
  // Room for about `postings` more.
  void Reserve(size_t postings) { bytes_.reserve(bytes_.size() + postings * 3 + 2); }
  // Appends the trailer and returns the operand. Add no more after it.
  std::string_view Finish();

 private:
  std::string bytes_;
  uint32_t last_doc_ = 0;
};

// Decodes an operand of either encoding, appending to `out`; returns false,
// appending nothing, if it is malformed.
bool DecodeOperand(std::string_view in, std::vector<Posting>* out);

// Read-only view over a stored (sorted) posting list, without copying.
class PostingView {
 public:
  explicit PostingView(std::string_view bytes) : bytes_(bytes) {}
  size_t size() const { return bytes_.size() / kPostingBytes; }
  const char* data() const { return bytes_.data(); }
  Posting at(size_t i) const;
  // Index of the first posting with doc >= `doc` at or after `from`
  // (galloping search, so intersecting a short list with a long one is cheap).
  size_t LowerBound(uint32_t doc, size_t from) const;

 private:
  std::string_view bytes_;
};

// Applies `operands` (in order, later wins per doc) to the sorted list `base`
// and returns the new sorted list without removed docs.
std::string MergePostings(std::string_view base, const std::vector<std::string_view>& operands);

std::shared_ptr<rocksdb::MergeOperator> NewPostingMergeOperator();

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_POSTING_LIST_H_
