// Deterministic synthetic catalogue for the search benchmark: French titles,
// ~100-word summaries, tags and techniques drawn from territorial-AI themes
// with Zipf-like word frequencies. The same seed gives the same corpus on
// every machine (own PRNG and sampling, no std:: distributions).
#ifndef BIBIA_TESTS_BENCH_CORPUS_H_
#define BIBIA_TESTS_BENCH_CORPUS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bibia/v1/project.pb.h"

namespace bibia::bench {

// xoshiro256** seeded through splitmix64: fast, portable, reproducible.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double Uniform();                       // [0, 1)
  uint64_t Below(uint64_t n);             // [0, n), n > 0
  int Between(int lo, int hi);            // [lo, hi]
  bool Chance(double p) { return Uniform() < p; }

 private:
  uint64_t s_[4];
};

class CorpusGenerator {
 public:
  explicit CorpusGenerator(uint64_t seed);
  ~CorpusGenerator();
  CorpusGenerator(const CorpusGenerator&) = delete;
  CorpusGenerator& operator=(const CorpusGenerator&) = delete;

  // Project number `index` (1-based, id "p-%06d"); depends only on the seed
  // and the index, not on the order of calls.
  v1::Project Make(int index) const;

  // Distinct word forms the generator can emit (lists expanded with plurals,
  // feminines and verb forms), before tokenisation.
  size_t vocabulary_forms() const;
  size_t collectivity_count() const;
  size_t technique_count() const;

 private:
  struct Tables;
  uint64_t seed_;
  std::unique_ptr<Tables> tables_;
};

// The fixed query set: 1-3 words, no stop words (French or English, as bibia
// defines them), frequent and rare, accented and typed without accents.
const std::vector<std::string>& QuerySet();

}  // namespace bibia::bench

#endif  // BIBIA_TESTS_BENCH_CORPUS_H_
