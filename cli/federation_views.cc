#include "cli/federation_views.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/enum_names.h"
#include "cli/table.h"
#include "cli/text_format.h"

namespace bibia::cli {
namespace {

constexpr size_t kEndpointWidth = 32;
constexpr size_t kErrorWidth = 48;

// (origin, tier) of a log.
using LogKey = std::pair<std::string, int>;
using Frontier = std::map<LogKey, uint64_t>;

Frontier ToMap(const google::protobuf::RepeatedPtrField<v1::FrontierEntry>& entries) {
  Frontier frontier;
  for (const v1::FrontierEntry& entry : entries) {
    uint64_t& seq = frontier[{entry.origin(), entry.tier()}];
    seq = std::max(seq, entry.seq());
  }
  return frontier;
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// "118 (lag 2)": the peer's seq and how far it is behind this node (negative:
// ahead).
std::string SeqAndLag(uint64_t local, std::optional<uint64_t> peer) {
  if (!peer.has_value()) return "-";
  const int64_t lag = static_cast<int64_t>(local) - static_cast<int64_t>(*peer);
  return absl::StrCat(*peer, " (lag ", lag, ")");
}

}  // namespace

bool LastRoundFailed(const v1::PeerState& peer) {
  return peer.consecutive_failures() > 0 &&
         peer.last_attempt_unix_ms() >= peer.last_success_unix_ms();
}

std::string RenderPeerStates(const PeerStates& peers) {
  if (peers.empty()) return "no peers\n";
  Table table({{"NODE"},
               {"ENDPOINT", kEndpointWidth},
               {"LAST SUCCESS (UTC)"},
               {"FAILURES", 0, Table::Align::kRight},
               {"NEXT TRY (UTC)"},
               {"APPLIED", 0, Table::Align::kRight},
               {"REJECTED", 0, Table::Align::kRight},
               {"LAST ERROR", kErrorWidth}});
  for (const v1::PeerState& state : peers) {
    // The roster's endpoint when the peer was added without one.
    const std::string endpoint =
        !state.peer().endpoint().empty() ? state.peer().endpoint()
        : !state.endpoint_in_use().empty() ? absl::StrCat(state.endpoint_in_use(), " (roster)")
                                           : "-";
    // When a failing peer's backoff lets gossip try it again.
    const std::string next_try = state.consecutive_failures() > 0 && state.next_attempt_unix_ms() > 0
                                     ? FormatTableTime(state.next_attempt_unix_ms(), /*seconds=*/true)
                                     : "-";
    table.AddRow({state.peer().node_id(), endpoint,
                  FormatTableTime(state.last_success_unix_ms(), /*seconds=*/true, "never"),
                  absl::StrCat(state.consecutive_failures()), next_try,
                  absl::StrCat(state.entries_applied()),
                  absl::StrCat(state.entries_rejected()), OrDash(state.last_error())});
  }
  return table.Render();
}

std::string RenderPeerList(const v1::ListPeersResponse& response) {
  return RenderPeerStates(response.peers());
}

std::string RenderSyncResult(const v1::SyncNowResponse& response) {
  return absl::StrCat("applied ", response.entries_applied(), " entries\n\n",
                      RenderPeerStates(response.peers()));
}

std::string PeerHealth(const v1::PeerState& peer) {
  const std::string last_success =
      peer.last_success_unix_ms() == 0 ? "never" : FormatUnixMs(peer.last_success_unix_ms());
  if (peer.consecutive_failures() > 0) {
    std::string line = absl::StrCat("failing: ", peer.consecutive_failures(),
                                    peer.consecutive_failures() == 1 ? " failure" : " consecutive failures",
                                    ", last success ", last_success);
    if (peer.next_attempt_unix_ms() > 0) {
      absl::StrAppend(&line, ", next try ", FormatTableTime(peer.next_attempt_unix_ms(), /*seconds=*/true), " UTC");
    }
    if (!peer.last_error().empty()) absl::StrAppend(&line, ": ", peer.last_error());
    return line;
  }
  if (peer.last_attempt_unix_ms() == 0 && peer.last_success_unix_ms() == 0) {
    return "not synced yet";
  }
  return absl::StrCat("ok, last success ", last_success);
}

std::string RenderFederationStatus(const v1::FederationStatusResponse& response) {
  std::string out = absl::StrCat("node  ", OrDash(response.node_id()), "\n");
  if (response.held_tier() != v1::TIER_UNSPECIFIED) {
    absl::StrAppend(&out, "tier  ", ShortName(response.held_tier()), " (the most it holds of the other members)\n");
  }
  out.append("\n");

  const Frontier local = ToMap(response.frontier());
  std::vector<Frontier> peers;
  std::map<LogKey, bool> rows;  // ordered by origin, then tier
  for (const auto& [key, seq] : local) rows[key] = true;
  for (const v1::PeerState& state : response.peers()) {
    peers.push_back(ToMap(state.frontier()));
    for (const auto& [key, seq] : peers.back()) rows[key] = true;
  }

  if (rows.empty()) {
    out.append("no log entries yet\n");
  } else {
    std::vector<Table::Column> columns = {
        {"ORIGIN"}, {"TIER"}, {"LOCAL SEQ", 0, Table::Align::kRight}};
    for (const v1::PeerState& state : response.peers()) {
      columns.push_back({OrDash(state.peer().node_id()), 0, Table::Align::kRight});
    }
    Table table(std::move(columns));
    for (const auto& [key, unused] : rows) {
      auto found = local.find(key);
      const uint64_t local_seq = found == local.end() ? 0 : found->second;
      std::vector<std::string> cells = {key.first, ShortName(static_cast<v1::Tier>(key.second)),
                                        absl::StrCat(local_seq)};
      for (const Frontier& peer : peers) {
        auto seen = peer.find(key);
        cells.push_back(SeqAndLag(local_seq, seen == peer.end()
                                                 ? std::nullopt
                                                 : std::optional<uint64_t>(seen->second)));
      }
      table.AddRow(std::move(cells));
    }
    out.append(table.Render());
  }

  out.append("\n");
  if (response.peers().empty()) {
    out.append("no peers\n");
  } else {
    FieldList health;
    for (const v1::PeerState& state : response.peers()) {
      health.Add(OrDash(state.peer().node_id()), PeerHealth(state));
    }
    out.append("peers\n").append(health.Render("  "));
  }
  absl::StrAppend(&out, "\nrejected entries  ", response.entries_rejected(), "\n");
  // Shown only when there are some: two nodes wrote the same id.
  if (response.ownership_conflicts() > 0) {
    absl::StrAppend(&out, "ownership conflicts  ", response.ownership_conflicts(),
                    " (entries for records another node owns here: two nodes wrote the same id)\n");
  }
  return out;
}

}  // namespace bibia::cli
