// The handlers of bibia's commands, one per command path; each calls the
// node (or, for the offline roster commands, works on local files) and
// returns what to print on stdout (human text or one JSON document).
#ifndef BIBIA_CLI_COMMANDS_H_
#define BIBIA_CLI_COMMANDS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cli/command_context.h"

namespace bibia::cli {

absl::StatusOr<std::string> RunProjectPut(const CommandContext& context);
absl::StatusOr<std::string> RunProjectGet(const CommandContext& context);
absl::StatusOr<std::string> RunProjectList(const CommandContext& context);
absl::StatusOr<std::string> RunProjectDelete(const CommandContext& context);
absl::StatusOr<std::string> RunProjectRedact(const CommandContext& context);
absl::StatusOr<std::string> RunSearch(const CommandContext& context);
absl::StatusOr<std::string> RunFeedbackAdd(const CommandContext& context);
absl::StatusOr<std::string> RunFeedbackList(const CommandContext& context);
absl::StatusOr<std::string> RunImport(const CommandContext& context);
absl::StatusOr<std::string> RunStats(const CommandContext& context);
absl::StatusOr<std::string> RunExport(const CommandContext& context);

// Artifacts service (artifact_push.cc, artifact_pull.cc, artifact_commands.cc).
absl::StatusOr<std::string> RunArtifactPush(const CommandContext& context);
absl::StatusOr<std::string> RunArtifactPull(const CommandContext& context);
absl::StatusOr<std::string> RunArtifactList(const CommandContext& context);
absl::StatusOr<std::string> RunArtifactShow(const CommandContext& context);
absl::StatusOr<std::string> RunArtifactDelete(const CommandContext& context);
absl::StatusOr<std::string> RunArtifactVerify(const CommandContext& context);

// Admin service (admin_commands.cc).
absl::StatusOr<std::string> RunTokenIssue(const CommandContext& context);
absl::StatusOr<std::string> RunTokenRevoke(const CommandContext& context);
absl::StatusOr<std::string> RunTokenList(const CommandContext& context);
absl::StatusOr<std::string> RunAudit(const CommandContext& context);
absl::StatusOr<std::string> RunRosterInstall(const CommandContext& context);
absl::StatusOr<std::string> RunRosterGet(const CommandContext& context);

// Peers service (federation_commands.cc).
absl::StatusOr<std::string> RunPeerAdd(const CommandContext& context);
absl::StatusOr<std::string> RunPeerRemove(const CommandContext& context);
absl::StatusOr<std::string> RunPeerList(const CommandContext& context);
absl::StatusOr<std::string> RunSync(const CommandContext& context);
absl::StatusOr<std::string> RunFederationStatus(const CommandContext& context);

// The federation operator's roster file, offline (roster_commands.cc).
absl::StatusOr<std::string> RunRosterInit(const CommandContext& context);
absl::StatusOr<std::string> RunRosterAddNode(const CommandContext& context);
absl::StatusOr<std::string> RunRosterRemoveNode(const CommandContext& context);
absl::StatusOr<std::string> RunRosterShow(const CommandContext& context);
absl::StatusOr<std::string> RunRosterVerify(const CommandContext& context);

// The handler of `command` ("project list"), or nullptr for a group or an
// unknown path.
CommandHandler FindHandler(std::string_view command);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_COMMANDS_H_
