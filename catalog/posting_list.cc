#include "catalog/posting_list.h"

#include <algorithm>
#include <cstring>

namespace bibia::catalog {
namespace {

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // little-endian hosts only (x86-64, aarch64)
  return v;
}

void AppendVarint(std::string* out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

// Reads a varint of at most `max_bits` bits at `*pos` of `in`, advancing it.
bool ReadVarint(std::string_view in, size_t* pos, int max_bits, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < max_bits && *pos < in.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in[(*pos)++]);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return (*v >> max_bits) == 0;
  }
  return false;
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

bool DecodeCompactOperand(std::string_view in, std::vector<Posting>* out) {
  const auto trailer = static_cast<uint8_t>(in.back());
  if (trailer < 1 || trailer > 2 || trailer > in.size()) return false;
  const std::string_view body = in.substr(0, in.size() - trailer);
  const size_t old_size = out->size();
  int64_t doc = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    uint64_t delta = 0, tf = 0;
    bool ok = ReadVarint(body, &pos, 33, &delta) && ReadVarint(body, &pos, 32, &tf);
    doc += ok ? UnZigZag(delta) : 0;
    if (!ok || doc < 0 || doc > int64_t{UINT32_MAX}) {
      out->resize(old_size);
      return false;
    }
    out->push_back(Posting{static_cast<uint32_t>(doc), static_cast<uint32_t>(tf)});
  }
  return true;
}

// Collects `operands` into one list sorted by doc where the last operand wins;
// removals (tf 0) are kept so they can still cancel a base posting.
std::vector<Posting> CombineOperands(const std::vector<std::string_view>& operands) {
  std::vector<Posting> all;
  for (std::string_view op : operands) DecodeOperand(op, &all);  // a malformed operand adds nothing
  // Usually in order already: an operand lists new documents by increasing
  // docnum, and later operands newer documents. Then there is nothing to
  // sort, which matters when a search reads a term whose operands have not
  // been merged yet (a memtable after a sync holds dozens per term).
  bool ordered = true;
  for (size_t i = 1; i < all.size() && ordered; ++i) ordered = all[i - 1].doc < all[i].doc;
  if (ordered) return all;
  // A stable sort keeps the postings of one doc in arrival order: the last wins.
  std::stable_sort(all.begin(), all.end(), [](const Posting& a, const Posting& b) { return a.doc < b.doc; });
  std::vector<Posting> combined;
  combined.reserve(all.size());
  for (const Posting& p : all) {
    if (!combined.empty() && combined.back().doc == p.doc) {
      combined.back() = p;
    } else {
      combined.push_back(p);
    }
  }
  return combined;
}

class PostingMergeOperator : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    std::vector<std::string_view> operands;
    operands.reserve(in.operand_list.size());
    for (const auto& op : in.operand_list) operands.emplace_back(op.data(), op.size());
    std::string_view base = in.existing_value ? std::string_view(in.existing_value->data(), in.existing_value->size())
                                              : std::string_view();
    out->new_value = MergePostings(base, operands);
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice& key, const std::deque<rocksdb::Slice>& operand_list,
                         std::string* new_value, rocksdb::Logger* logger) const override {
    std::vector<std::string_view> operands;
    for (const auto& op : operand_list) operands.emplace_back(op.data(), op.size());
    OperandBuilder combined;
    for (const Posting& p : CombineOperands(operands)) combined.Add(p);
    *new_value = combined.Finish();
    return true;
  }

  const char* Name() const override { return "bibia.PostingMergeOperator"; }
};

}  // namespace

void AppendPosting(std::string* out, Posting p) {
  char buf[kPostingBytes];
  std::memcpy(buf, &p.doc, 4);
  std::memcpy(buf + 4, &p.tf, 4);
  out->append(buf, kPostingBytes);
}

void OperandBuilder::Add(Posting p) {
  AppendVarint(&bytes_, ZigZag(int64_t{p.doc} - int64_t{last_doc_}));
  AppendVarint(&bytes_, p.tf);
  last_doc_ = p.doc;
}

std::string_view OperandBuilder::Finish() {
  const char trailer = (bytes_.size() + 1) % kPostingBytes != 0 ? 1 : 2;
  if (trailer == 2) bytes_.push_back('\0');
  bytes_.push_back(trailer);
  return bytes_;
}

bool DecodeOperand(std::string_view in, std::vector<Posting>* out) {
  return in.size() % kPostingBytes == 0 ? DecodePostings(in, out) : DecodeCompactOperand(in, out);
}

bool DecodePostings(std::string_view in, std::vector<Posting>* out) {
  if (in.size() % kPostingBytes != 0) return false;
  PostingView view(in);
  out->reserve(out->size() + view.size());
  for (size_t i = 0; i < view.size(); ++i) out->push_back(view.at(i));
  return true;
}

Posting PostingView::at(size_t i) const {
  const char* p = bytes_.data() + i * kPostingBytes;
  return Posting{LoadU32(p), LoadU32(p + 4)};
}

size_t PostingView::LowerBound(uint32_t doc, size_t from) const {
  size_t n = size();
  if (from >= n || at(from).doc >= doc) return from;
  // Gallop: find a window [lo, hi] with at(lo) < doc <= at(hi).
  size_t lo = from, step = 1, hi = from + 1;
  while (hi < n && at(hi).doc < doc) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  hi = std::min(hi, n);
  while (lo + 1 < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (at(mid).doc < doc) lo = mid; else hi = mid;
  }
  return hi;
}

std::string MergePostings(std::string_view base, const std::vector<std::string_view>& operands) {
  std::vector<Posting> changes = CombineOperands(operands);
  PostingView old(base);
  std::string merged;
  merged.reserve(base.size() + changes.size() * kPostingBytes);
  size_t i = 0, j = 0;
  while (i < old.size() || j < changes.size()) {
    if (j == changes.size() || (i < old.size() && old.at(i).doc < changes[j].doc)) {
      AppendPosting(&merged, old.at(i++));
      continue;
    }
    if (i < old.size() && old.at(i).doc == changes[j].doc) ++i;  // replaced or removed
    if (changes[j].tf != 0) AppendPosting(&merged, changes[j]);
    ++j;
  }
  return merged;
}

std::shared_ptr<rocksdb::MergeOperator> NewPostingMergeOperator() {
  return std::make_shared<PostingMergeOperator>();
}

}  // namespace bibia::catalog
