#include "cli/admin_views.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/enum_names.h"
#include "cli/roster_file.h"
#include "cli/table.h"
#include "cli/text_format.h"

namespace bibia::cli {
namespace {

constexpr size_t kSubjectWidth = 32;
constexpr size_t kRecordsWidth = 60;  // fits a subject and a 32-hex token id
constexpr size_t kCollectivityWidth = 28;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

}  // namespace

std::string RenderTokenList(const v1::ListTokensResponse& response) {
  if (response.tokens().empty()) return "no tokens\n";
  Table table({{"ID"},
               {"SUBJECT", kSubjectWidth},
               {"TIER"},
               {"ROLE"},
               {"EXPIRES (UTC)"},
               {"REVOKED"}});
  bool claims_unknown = false;
  for (const v1::TokenInfo& info : response.tokens()) {
    const v1::Token& claims = info.claims();
    // A token revoked here that this node did not register (issued offline
    // or by another member) is known by its id alone.
    if (claims.subject().empty() && claims.tier() == v1::TIER_UNSPECIFIED) {
      claims_unknown = true;
      table.AddRow({claims.token_id(), "-", "-", "-", "-", YesNo(info.revoked())});
      continue;
    }
    table.AddRow({claims.token_id(), claims.subject(), ShortName(claims.tier()),
                  ShortName(claims.role()), FormatTableTime(claims.expires_unix_ms(), false),
                  YesNo(info.revoked())});
  }
  std::string out = table.Render();
  if (claims_unknown) {
    absl::StrAppend(&out, "\n-: revoked here, issued offline or by another node: only its id is known\n");
  }
  return out;
}

std::string RenderAudit(const v1::ListAuditResponse& response) {
  if (response.events().empty()) return "no audit events\n";
  std::vector<const v1::AuditEvent*> events;
  for (const v1::AuditEvent& event : response.events()) events.push_back(&event);
  std::stable_sort(events.begin(), events.end(),
                   [](const v1::AuditEvent* a, const v1::AuditEvent* b) {
                     return a->time_unix_ms() > b->time_unix_ms();
                   });
  Table table({{"TIME (UTC)"},
               {"SUBJECT", kSubjectWidth},
               {"TIER"},
               {"METHOD"},
               {"RECORDS", kRecordsWidth},
               {"OUTCOME"}});
  for (const v1::AuditEvent* event : events) {
    table.AddRow({FormatTableTime(event->time_unix_ms(), true), OrDash(event->subject()),
                  ShortName(event->tier()), OrDash(event->method()),
                  event->record_ids().empty() ? "-" : absl::StrJoin(event->record_ids(), ","),
                  event->count() > 0 ? absl::StrCat(event->outcome(), " (", event->count(), " calls)")
                                     : OrDash(event->outcome())});
  }
  return table.Render();
}

std::string RenderRoster(const v1::Roster& roster, std::string_view signature) {
  FieldList fields;
  fields.Add("version", absl::StrCat(roster.version()));
  fields.Add("federation", roster.federation());
  fields.Add("issued", FormatUnixMs(roster.issued_unix_ms()));
  fields.Add("signature", signature);
  fields.Add("members", absl::StrCat(roster.members_size()));
  std::string out = fields.Render("");
  if (roster.members().empty()) return out;
  Table table({{"NODE"},
               {"COLLECTIVITY", kCollectivityWidth},
               {"TIER"},
               {"ENDPOINT"},
               {"KEY"},
               {"TLS FINGERPRINT"}});
  for (const v1::RosterMember& member : roster.members()) {
    table.AddRow({member.node_id(), OrDash(member.collectivity()),
                  ShortName(member.max_tier()), OrDash(member.endpoint()),
                  ShortHex(member.public_key()), ShortHex(member.tls_fingerprint())});
  }
  return absl::StrCat(out, "\n", table.Render());
}

std::string RenderRosterInstalled(const v1::InstallRosterResponse& response, int members) {
  std::string out = absl::StrCat("installed roster version ", response.version(), " (", members, " members)\n");
  if (response.logs_dropped() > 0 || response.records_dropped() > 0) {
    absl::StrAppend(&out, "this node's tier is now ", ShortName(response.held_tier()), ": dropped what it held of ",
                    "other members above it (", response.logs_dropped(), " logs, ", response.entries_dropped(),
                    " entries, ", response.records_dropped(), " records)\n");
  }
  return out;
}

}  // namespace bibia::cli
