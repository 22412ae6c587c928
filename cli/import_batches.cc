#include "cli/import_batches.h"

namespace bibia::cli {

std::vector<v1::ImportRequest> MakeImportBatches(const std::vector<ImportRecord>& records,
                                                 size_t batch_size) {
  std::vector<v1::ImportRequest> batches;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i % batch_size == 0) batches.emplace_back();
    v1::ImportRequest& batch = batches.back();
    *batch.add_projects() = records[i].project;
    for (const v1::Feedback& feedback : records[i].feedback) {
      *batch.add_feedback() = feedback;
    }
  }
  // An empty catalogue is still one message: the one marked last.
  if (batches.empty()) batches.emplace_back();
  batches.back().set_last(true);
  return batches;
}

}  // namespace bibia::cli
