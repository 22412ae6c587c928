// Human-readable, multi-line view of one project (bibia project get): every
// facet the node returned, and within it the fields that are set.
#ifndef BIBIA_CLI_PROJECT_VIEW_H_
#define BIBIA_CLI_PROJECT_VIEW_H_

#include <string>

#include "bibia/v1/catalog.pb.h"

namespace bibia::cli {

std::string RenderProject(const v1::GetProjectResponse& response);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_PROJECT_VIEW_H_
