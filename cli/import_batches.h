// Splits converted demo records into the ImportRequest batches of the
// Contribute.Import stream; each project's feedback travels with it.
#ifndef BIBIA_CLI_IMPORT_BATCHES_H_
#define BIBIA_CLI_IMPORT_BATCHES_H_

#include <cstddef>
#include <vector>

#include "bibia/v1/catalog.pb.h"
#include "cli/demo_catalogue.h"

namespace bibia::cli {

inline constexpr size_t kImportBatchSize = 100;

// Batches of at most `batch_size` projects (> 0), in order. No batch for no
// records.
std::vector<v1::ImportRequest> MakeImportBatches(const std::vector<ImportRecord>& records,
                                                 size_t batch_size = kImportBatchSize);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_IMPORT_BATCHES_H_
