// Conversion of the demo catalogue file format (bibia.v1.DemoCatalogue, see
// deploy/demo/projects.json) into the Projects and Feedback a node imports.
#ifndef BIBIA_CLI_DEMO_CATALOGUE_H_
#define BIBIA_CLI_DEMO_CATALOGUE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "bibia/v1/demo_catalogue.pb.h"
#include "bibia/v1/project.pb.h"

namespace bibia::cli {

// One demo record: the project with its three facets and its feedback.
struct ImportRecord {
  v1::Project project;
  std::vector<v1::Feedback> feedback;
};

// Converts one record. Enum strings (domain, status, ethics.risk_level,
// feedback[i].kind, i from 0) are short names; an empty or null one means
// UNSPECIFIED. On failure: InvalidArgument "FIELD: PROBLEM".
absl::StatusOr<ImportRecord> ConvertDemoProject(const v1::DemoProject& demo);

// Converts every record, in order. On failure: InvalidArgument
// "record N (id X): FIELD: PROBLEM", N counting from 1.
absl::StatusOr<std::vector<ImportRecord>> ConvertDemoCatalogue(
    const v1::DemoCatalogue& catalogue);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_DEMO_CATALOGUE_H_
