// Human-readable output of the Admin service and of roster files: token and
// audit tables, and a roster's header and member table.
#ifndef BIBIA_CLI_ADMIN_VIEWS_H_
#define BIBIA_CLI_ADMIN_VIEWS_H_

#include <string>
#include <string_view>

#include "bibia/v1/admin.pb.h"
#include "bibia/v1/identity.pb.h"

namespace bibia::cli {

// Table ID, SUBJECT, TIER, ROLE, EXPIRES (UTC), REVOKED; "no tokens" if empty.
std::string RenderTokenList(const v1::ListTokensResponse& response);

// Table TIME (UTC), SUBJECT, TIER, METHOD, RECORDS, OUTCOME, newest first
// (whatever order the node sent); "no audit events" if empty.
std::string RenderAudit(const v1::ListAuditResponse& response);

// "version", "federation", "issued", then `signature` (a line of its own
// when not empty), "members", and the member table NODE, COLLECTIVITY,
// TIER, ENDPOINT, KEY, TLS FINGERPRINT (keys as the first 16 hex digits).
std::string RenderRoster(const v1::Roster& roster, std::string_view signature);

// "installed roster version N (M members)", and when the roster lowered
// this node's tier, what the node dropped of other members' data above it.
std::string RenderRosterInstalled(const v1::InstallRosterResponse& response, int members);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ADMIN_VIEWS_H_
