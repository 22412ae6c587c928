#include "catalog/term_table.h"

#include <cstring>

namespace bibia::catalog {

uint64_t TermTable::Hash(std::string_view term) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = term.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= term.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, term.data() + i, 8);
    h = (h ^ chunk) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t shift = 0; i < term.size(); ++i, shift += 8) {
    tail |= static_cast<uint64_t>(static_cast<uint8_t>(term[i])) << shift;
  }
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

namespace {

// Equality of two words of a few bytes: a loop the compiler keeps inline,
// cheaper than a call to memcmp for so few (and equal hashes make a match
// all but certain, so the loop runs to the end anyway).
bool SameWord(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

size_t TermTable::Find(std::string_view term, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const uint32_t entry = slots_[slot];
    if (entry == 0) return slot;
    const Term& t = terms_[entry - 1];
    if (t.hash == hash && SameWord(t.text, term)) return slot;
  }
}

void TermTable::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint32_t id = 0; id < terms_.size(); ++id) {
    size_t slot = terms_[id].hash & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = id + 1;
  }
}

}  // namespace bibia::catalog
