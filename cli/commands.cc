#include "cli/commands.h"

namespace bibia::cli {

CommandHandler FindHandler(std::string_view command) {
  struct Entry {
    std::string_view command;
    CommandHandler handler;
  };
  static constexpr Entry kHandlers[] = {
      {"project put", RunProjectPut},       {"project get", RunProjectGet},
      {"project list", RunProjectList},     {"project delete", RunProjectDelete},
      {"project redact", RunProjectRedact},
      {"search", RunSearch},                {"feedback add", RunFeedbackAdd},
      {"feedback list", RunFeedbackList},   {"import", RunImport},
      {"stats", RunStats},
      {"export", RunExport},
      {"artifact push", RunArtifactPush},   {"artifact pull", RunArtifactPull},
      {"artifact list", RunArtifactList},   {"artifact show", RunArtifactShow},
      {"artifact delete", RunArtifactDelete}, {"artifact verify", RunArtifactVerify},
      {"token issue", RunTokenIssue},       {"token revoke", RunTokenRevoke},
      {"token list", RunTokenList},         {"audit", RunAudit},
      {"roster install", RunRosterInstall}, {"roster get", RunRosterGet},
      {"roster init", RunRosterInit},       {"roster add-node", RunRosterAddNode},
      {"roster remove-node", RunRosterRemoveNode},
      {"roster show", RunRosterShow},       {"roster verify", RunRosterVerify},
      {"peer add", RunPeerAdd},             {"peer remove", RunPeerRemove},
      {"peer list", RunPeerList},           {"sync", RunSync},
      {"federation status", RunFederationStatus},
  };
  for (const Entry& entry : kHandlers) {
    if (entry.command == command) return entry.handler;
  }
  return nullptr;
}

}  // namespace bibia::cli
