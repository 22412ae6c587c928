#include "tests/integration/federation_harness.h"

#include <thread>

#include "absl/strings/str_cat.h"

namespace bibia::testing {

FederationHarness::FederationHarness(std::string root, int nodes, std::vector<std::string> serve_flags)
    : root_(std::move(root)), serve_flags_(std::move(serve_flags)) {
  for (int i = 0; i < nodes; ++i) {
    std::vector<std::string> flags = {"--anonymous-rate", "0"};
    flags.insert(flags.end(), serve_flags_.begin(), serve_flags_.end());
    nodes_.push_back(std::make_unique<NodeProcess>(absl::StrCat(root_, "/", id(i)), flags, id(i)));
  }
  admin_tokens_.resize(nodes);
  stubs_.resize(nodes);
  peers_.resize(nodes);
}

absl::Status FederationHarness::StartAll() {
  for (int i = 0; i < size(); ++i) {
    if (absl::Status s = Start(i); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status FederationHarness::Start(int i) {
  if (!operator_) {
    auto op = MakeOperator(root_);
    if (!op.ok()) return op.status();
    operator_.emplace(std::move(*op));
  }
  const std::string dir = nodes_[i]->data_dir();
  if (ReadTextFile(dir + "/node.conf").empty()) {
    std::string error = InitNodeDir(dir, id(i), operator_->public_key_file);
    if (!error.empty()) return absl::InternalError(absl::StrCat("init ", id(i), ": ", error));
  }
  if (!nodes_[i]->Start()) return absl::InternalError(absl::StrCat("start ", id(i), ": ", nodes_[i]->log()));
  if (admin_tokens_[i].empty()) admin_tokens_[i] = nodes_[i]->IssueToken("expert", "admin", "24h");
  if (admin_tokens_[i].empty()) return absl::InternalError(absl::StrCat("no admin token for ", id(i)));
  ResetStubs(i);
  return absl::OkStatus();
}

void FederationHarness::ResetStubs(int i) {
  auto channel = TlsChannel(nodes_[i]->address(), ReadTextFile(nodes_[i]->certificate_file()));
  stubs_[i] = std::make_unique<Stubs>(channel);
  peers_[i] = v1::Peers::NewStub(channel);
}

void FederationHarness::Kill9(int i) { nodes_[i]->Kill9(); }
void FederationHarness::Stop(int i) { nodes_[i]->Stop(); }
bool FederationHarness::running(int i) const { return nodes_[i]->pid() > 0; }

Stubs& FederationHarness::stubs(int i) { return *stubs_[i]; }
v1::Peers::Stub& FederationHarness::peers(int i) { return *peers_[i]; }

absl::StatusOr<v1::SignedRoster> FederationHarness::SignRoster(const std::map<std::string, v1::Tier>& tiers) {
  std::vector<v1::RosterMember> members;
  for (int i = 0; i < size(); ++i) {
    auto identity = NodeIdentityOf(nodes_[i]->data_dir());
    if (!identity.ok()) return identity.status();
    auto tier = tiers.find(id(i));
    if (tier != tiers.end() && tier->second == v1::TIER_UNSPECIFIED) continue;
    v1::RosterMember member = MemberOf(*identity, tier == tiers.end() ? v1::TIER_EXPERT : tier->second);
    member.set_endpoint(nodes_[i]->address());
    members.push_back(std::move(member));
  }
  return SignedRosterOf(members, ++roster_version_, operator_->key);
}

absl::Status FederationHarness::InstallRoster(const std::map<std::string, v1::Tier>& tiers,
                                              std::map<int, v1::InstallRosterResponse>* responses) {
  absl::StatusOr<v1::SignedRoster> signed_roster = SignRoster(tiers);
  if (!signed_roster.ok()) return signed_roster.status();
  for (int i = 0; i < size(); ++i) {
    if (!running(i)) continue;
    v1::InstallRosterResponse response;
    if (absl::Status s = InstallSignedRoster(i, *signed_roster, &response); !s.ok()) return s;
    if (responses != nullptr) (*responses)[i] = response;
  }
  return absl::OkStatus();
}

absl::Status FederationHarness::InstallSignedRoster(int i, const v1::SignedRoster& roster,
                                                    v1::InstallRosterResponse* response) {
  v1::InstallRosterRequest request;
  *request.mutable_roster() = roster;
  v1::InstallRosterResponse ignored;
  grpc::Status s = stubs(i).admin->InstallRoster(Context(Bearer(admin_token(i))).get(), request,
                                                 response != nullptr ? response : &ignored);
  if (!s.ok()) return absl::InternalError(absl::StrCat("install roster on ", id(i), ": ", Describe(s)));
  return absl::OkStatus();
}

absl::Status FederationHarness::AddPeer(int from, int to) {
  v1::AddPeerRequest request;
  request.mutable_peer()->set_node_id(id(to));
  request.mutable_peer()->set_endpoint(nodes_[to]->address());
  v1::AddPeerResponse response;
  grpc::Status s = peers(from).AddPeer(Context(Bearer(admin_token(from))).get(), request, &response);
  if (!s.ok()) return absl::InternalError(absl::StrCat("add peer ", id(to), " to ", id(from), ": ", Describe(s)));
  return absl::OkStatus();
}

grpc::Status FederationHarness::Put(int i, const v1::Project& project) {
  v1::PutProjectRequest request;
  *request.mutable_project() = project;
  v1::PutProjectResponse response;
  return stubs(i).contribute->PutProject(Context(Bearer(admin_token(i))).get(), request, &response);
}

bool FederationHarness::HasProject(int i, const std::string& project_id) {
  v1::GetProjectRequest request;
  request.set_id(project_id);
  v1::GetProjectResponse response;
  return stubs(i).catalog->GetProject(Context(std::nullopt, 5).get(), request, &response).ok();
}

bool FederationHarness::WaitForProject(int i, const std::string& project_id, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (HasProject(i, project_id)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace bibia::testing
