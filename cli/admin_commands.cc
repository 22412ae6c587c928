// bibia token issue | revoke | list, bibia audit, bibia roster install | get:
// calls to the node's Admin service.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "access/token.h"
#include "bibia/v1/admin_service.grpc.pb.h"
#include "cli/absl_view.h"
#include "cli/admin_views.h"
#include "cli/commands.h"
#include "cli/enum_names.h"
#include "cli/errors.h"
#include "cli/file_input.h"
#include "cli/flag_values.h"
#include "cli/json_io.h"
#include "cli/roster_file.h"
#include "cli/rpc_call.h"
#include "cli/text_format.h"

namespace bibia::cli {

absl::StatusOr<std::string> RunTokenIssue(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  v1::IssueTokenRequest request;
  request.set_subject(invocation.Flag("subject").value_or(""));
  if (request.subject().empty()) {
    return UsageError("--subject: empty (who is the token for?)", invocation.command);
  }
  absl::StatusOr<v1::Tier> tier = TierFromFlags(invocation);
  if (!tier.ok()) return tier.status();
  request.set_tier(*tier);
  absl::StatusOr<v1::Role> role = RoleFromFlags(invocation);
  if (!role.ok()) return role.status();
  request.set_role(*role);
  absl::StatusOr<std::optional<int64_t>> ttl = DurationFlag(invocation, "ttl");
  if (!ttl.ok()) return ttl.status();
  if (ttl->has_value()) request.set_ttl_seconds(**ttl);

  v1::Admin::Stub stub(context.channel);
  absl::StatusOr<v1::IssueTokenResponse> response =
      CallNode(context, stub, &v1::Admin::Stub::IssueToken, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  if (context.err_is_tty) {
    // Stdout holds the token alone, for $(...); a person sees what it is.
    const v1::Token& claims = response->claims();
    context.err << "token " << claims.token_id() << " for " << claims.subject() << " ("
                << ShortName(claims.tier()) << ", " << ShortName(claims.role())
                << "), expires " << FormatUnixMs(claims.expires_unix_ms()) << "\n";
  }
  return absl::StrCat(response->token(), "\n");
}

absl::StatusOr<std::string> RunTokenRevoke(const CommandContext& context) {
  const std::string& argument = context.invocation.positionals[0];
  v1::RevokeTokenRequest request;
  if (absl::StartsWith(AbslView(argument), AbslView(access::kTokenPrefix))) {
    // A whole token: revoke it by the id in its claims. Never echo it.
    absl::StatusOr<access::ParsedToken> parsed = access::ParseToken(argument);
    if (!parsed.ok()) {
      return UsageError(absl::StrCat("TOKEN_ID: looks like a token but ",
                                     parsed.status().message()),
                        context.invocation.command);
    }
    request.set_token_id(parsed->claims.token_id());
  } else {
    request.set_token_id(argument);
  }
  if (request.token_id().empty()) {
    return UsageError("TOKEN_ID: empty", context.invocation.command);
  }
  v1::Admin::Stub stub(context.channel);
  absl::StatusOr<v1::RevokeTokenResponse> response =
      CallNode(context, stub, &v1::Admin::Stub::RevokeToken, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return absl::StrCat("revoked ", request.token_id(), "\n");
}

absl::StatusOr<std::string> RunTokenList(const CommandContext& context) {
  v1::Admin::Stub stub(context.channel);
  absl::StatusOr<v1::ListTokensResponse> response =
      CallNode(context, stub, &v1::Admin::Stub::ListTokens, v1::ListTokensRequest());
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderTokenList(*response);
}

// Most events the node returns in one page.
constexpr int32_t kMaxAuditPage = 10000;

absl::StatusOr<std::string> RunAudit(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  v1::ListAuditRequest request;
  request.set_subject(invocation.Flag("subject").value_or(""));
  request.set_method(invocation.Flag("method").value_or(""));
  absl::StatusOr<std::optional<int64_t>> since = SinceFlag(invocation, "since", absl::Now());
  if (!since.ok()) return since.status();
  if (since->has_value()) request.set_since_unix_ms(**since);
  absl::StatusOr<int32_t> limit = LimitFromFlags(invocation);
  if (!limit.ok()) return limit.status();
  request.set_limit(*limit);

  // A page holds at most 1 MiB: follow the pages until `limit` events.
  v1::Admin::Stub stub(context.channel);
  v1::ListAuditResponse all;
  do {
    request.set_limit(std::min(*limit - all.events_size(), kMaxAuditPage));
    absl::StatusOr<v1::ListAuditResponse> page = CallNode(context, stub, &v1::Admin::Stub::ListAudit, request);
    if (!page.ok()) return page.status();
    for (v1::AuditEvent& event : *page->mutable_events()) *all.add_events() = std::move(event);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty() && all.events_size() < *limit);
  if (context.global().json) return ToJson(all);
  return RenderAudit(all);
}

absl::StatusOr<std::string> RunRosterInstall(const CommandContext& context) {
  const std::string& path = context.invocation.positionals[0];
  v1::InstallRosterRequest request;
  absl::StatusOr<v1::SignedRoster> signed_roster = ReadSignedRoster(path, context.in);
  if (!signed_roster.ok()) return signed_roster.status();
  // The node checks the signature; decoding here catches a wrong file early.
  absl::StatusOr<v1::Roster> roster = DecodeRoster(*signed_roster, InputName(path));
  if (!roster.ok()) return roster.status();
  *request.mutable_roster() = *std::move(signed_roster);

  v1::Admin::Stub stub(context.channel);
  absl::StatusOr<v1::InstallRosterResponse> response =
      CallNode(context, stub, &v1::Admin::Stub::InstallRoster, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderRosterInstalled(*response, roster->members_size());
}

absl::StatusOr<std::string> RunRosterGet(const CommandContext& context) {
  v1::Admin::Stub stub(context.channel);
  absl::StatusOr<v1::GetRosterResponse> response =
      CallNode(context, stub, &v1::Admin::Stub::GetRoster, v1::GetRosterRequest());
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  if (!response->has_roster()) return "the node has no roster (a federation of one)\n";
  if (response->has_decoded()) return RenderRoster(response->decoded(), "");
  absl::StatusOr<v1::Roster> roster = DecodeRoster(response->roster(), "the node's roster");
  if (!roster.ok()) return roster.status();
  return RenderRoster(*roster, "");
}

}  // namespace bibia::cli
