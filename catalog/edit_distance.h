// Edit distance for typo tolerance in search: insertions, deletions,
// substitutions and transpositions of adjacent letters each count one
// ("solaries" -> "solaires" is one edit), on bytes of folded words.
#ifndef BIBIA_CATALOG_EDIT_DISTANCE_H_
#define BIBIA_CATALOG_EDIT_DISTANCE_H_

#include <cstdint>
#include <string_view>

namespace bibia::catalog {

// The optimal-string-alignment distance of `a` and `b` if it is at most
// `max` (<= 3), else max + 1. Cost O(len * (2 max + 1)) at most.
int BoundedEditDistance(std::string_view a, std::string_view b, int max);

// Bit i set if letter 'a' + i occurs in `word` (digits and other bytes share
// bit 26..31 by value): one edit changes at most two bits, so words with
// popcount(mask a ^ mask b) > 2 * max are further than max edits apart.
uint32_t LetterMask(std::string_view word);

// The edits a query word of `length` bytes may be corrected by: none below
// 5 bytes, 1 from 5, 2 from 9.
int AllowedTypos(size_t length);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_EDIT_DISTANCE_H_
