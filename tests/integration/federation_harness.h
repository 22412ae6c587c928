// A federation of real bibia-node processes on 127.0.0.1 for the federation
// tests: node directories initialised with one operator key, a signed roster
// installed on every node, peers added through the Peers admin service, and
// stubs that reach each node over TLS with its admin token.
#ifndef BIBIA_TESTS_INTEGRATION_FEDERATION_HARNESS_H_
#define BIBIA_TESTS_INTEGRATION_FEDERATION_HARNESS_H_

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {

class FederationHarness {
 public:
  // Node i is "n<i>" in `root`/n<i>; `serve_flags` are added to every node's
  // command line (e.g. a short --gossip-interval).
  FederationHarness(std::string root, int nodes, std::vector<std::string> serve_flags = {});

  // Initialises every directory (first call) and starts every node.
  absl::Status StartAll();
  absl::Status Start(int i);
  void Kill9(int i);
  void Stop(int i);
  bool running(int i) const;

  // Signs a roster of every node (tier per node id, default expert; a node
  // given TIER_UNSPECIFIED is left out) with endpoints as they listen now,
  // and installs it on every running node (their answers in `responses`, by
  // node index, if given).
  absl::Status InstallRoster(const std::map<std::string, v1::Tier>& tiers = {},
                             std::map<int, v1::InstallRosterResponse>* responses = nullptr);
  // The roster InstallRoster would install next, signed, without installing it.
  absl::StatusOr<v1::SignedRoster> SignRoster(const std::map<std::string, v1::Tier>& tiers);
  // Installs `roster` on node i alone.
  absl::Status InstallSignedRoster(int i, const v1::SignedRoster& roster,
                                   v1::InstallRosterResponse* response = nullptr);
  // Node `from` pulls from node `to`.
  absl::Status AddPeer(int from, int to);

  std::string id(int i) const { return "n" + std::to_string(i); }
  NodeProcess& node(int i) { return *nodes_[i]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  const std::string& admin_token(int i) const { return admin_tokens_[i]; }

  // Stubs to node i over TLS; calls need Context(Bearer(admin_token(i))).
  Stubs& stubs(int i);
  v1::Peers::Stub& peers(int i);

  // Puts `project` on node i as its editor.
  grpc::Status Put(int i, const v1::Project& project);
  // True once node i serves project `id` (public facet), polled until `timeout`.
  bool WaitForProject(int i, const std::string& id, absl::Duration timeout);
  bool HasProject(int i, const std::string& id);

 private:
  void ResetStubs(int i);

  std::string root_;
  std::vector<std::string> serve_flags_;
  std::optional<Operator> operator_;
  uint64_t roster_version_ = 0;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
  std::vector<std::string> admin_tokens_;
  std::vector<std::unique_ptr<Stubs>> stubs_;
  std::vector<std::unique_ptr<v1::Peers::Stub>> peers_;
};

}  // namespace bibia::testing

#endif  // BIBIA_TESTS_INTEGRATION_FEDERATION_HARNESS_H_
