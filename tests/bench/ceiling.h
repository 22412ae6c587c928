// The raw RocksDB write ceiling of the replication benchmark: the same log
// entries (and the record references they update) written as plain batches
// into a fresh database, in this process or in a fresh one.
#ifndef BIBIA_TESTS_BENCH_CEILING_H_
#define BIBIA_TESTS_BENCH_CEILING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bibia::bench {

struct KeyValue {
  std::string key, value;
};

// What one ceiling pass writes: batch i puts log[i] into the log family and
// records[i] (if records is not empty) into the records family.
struct CeilingInput {
  std::vector<std::vector<KeyValue>> log;
  std::vector<std::vector<KeyValue>> records;
};

struct Ceiling {
  int64_t ns = 0;
  int64_t batches = 0;
};

// Writes `input` into a fresh database at `path`: with RocksDB's default
// options, or through catalog::Db (the node's own options: block cache, bloom
// filters, LZ4, memtable hints), whichever `node_options` says.
absl::StatusOr<Ceiling> WriteCeiling(const std::string& path, const CeilingInput& input, bool sync,
                                     bool node_options);

// Saves `input` to `file` for WriteCeilingInFreshProcess.
absl::Status SaveCeilingInput(const CeilingInput& input, const std::string& file);

// The same pass (sync=true, node options) run by a new process: `exe` (this
// benchmark's binary) with kCeilingChildFlag, which loads `input_file` before
// it starts the clock. A control: a node syncing into an empty store is a
// fresh process, which must get all its memory from the kernel, while a pass
// in the benchmark's own process can reuse what its earlier steps freed.
absl::StatusOr<Ceiling> WriteCeilingInFreshProcess(const std::string& exe, const std::string& input_file,
                                                   const std::string& path);

// argv[1] of the child: `<exe> --ceiling-child INPUT_FILE DB_PATH`.
inline constexpr char kCeilingChildFlag[] = "--ceiling-child";

// The child's main: prints "<ns> <batches>" on stdout. Returns the exit code.
int RunCeilingChild(const std::string& input_file, const std::string& path);

}  // namespace bibia::bench

#endif  // BIBIA_TESTS_BENCH_CEILING_H_
