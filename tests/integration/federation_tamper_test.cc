// A malicious relay between an origin and a victim. Origin A writes projects
// in several write batches (imports of several projects, whose runs have one
// signature at their end, and single puts), then stops; its logs are read
// from its store. The relay M is a real roster member — an initialised node
// directory whose TLS identity and Ed25519 key the test holds — but what
// answers at its endpoint is a bibia.v1.Federation server inside this test,
// which serves A's entries to the victim V, altered or not. V (a real
// bibia-node with the roster of A, M and V, and M as its only peer) syncs
// once through Peers.SyncNow. For each alteration V must reject the run,
// serve none of the altered records, and keep nothing of A's log beyond the
// last run that verified (read from V's store after it exited). The positive
// control passes the entries unaltered and V applies them all. Two more cases
// go beyond altering bytes: a payload emptied as if redacted, and genuine
// entries of tiers above the victim's roster tier.
#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "access/signing.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "catalog/log_writer.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/server_credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/federation_store_inspect.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

// Asserts that an absl::Status is OK, printing it otherwise.
#define ASSERT_STATUS_OK(expr)                 \
  do {                                         \
    const absl::Status status_ = (expr);       \
    ASSERT_TRUE(status_.ok()) << status_;      \
  } while (0)

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "origin-a";
constexpr char kRelay[] = "relay-m";
constexpr char kVictim[] = "victim-v";
constexpr int kProjects = 7;
constexpr v1::Tier kTiers[] = {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT};

std::string ProjectId(int n) { return absl::StrCat("tamper-", n); }
std::string OriginalTitle(int n) { return absl::StrCat("Titre ORIGINAL du projet ", ProjectId(n)); }
const std::string kUpdatedTitle = "Titre MIS A JOUR du projet tamper-1";

v1::Project TamperProject(int n, const std::string& title) {
  v1::Project project = ThreeFacetProject(ProjectId(n), absl::StrCat("marker", n));
  project.mutable_public_()->set_title_fr(title);
  return project;
}

std::vector<std::string> NodeFlags() { return {"--anonymous-rate", "0", "--no-gossip"}; }

// Index of the entry with `seq` in `entries` (seq order, from 1).
size_t IndexOfSeq(const std::vector<v1::LogEntry>& entries, uint64_t seq) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].seq() == seq) return i;
  }
  return entries.size();
}

std::vector<uint64_t> SignedSeqs(const std::vector<v1::LogEntry>& entries) {
  std::vector<uint64_t> seqs;
  for (const auto& e : entries) {
    if (!e.signature().empty()) seqs.push_back(e.seq());
  }
  return seqs;
}

// The bibia.v1.Federation service the relay's endpoint answers with: Sync
// streams the entries it was given, in order, one message per run (a run ends
// at a signed entry), after a first message with the frontier they imply.
class FakeRelay final : public v1::Federation::Service {
 public:
  void Serve(std::vector<v1::LogEntry> entries) {
    absl::MutexLock lock(&mu_);
    entries_ = std::move(entries);
  }

  // Sends `bytes` after the serialized entry (tier, seq): bytes of the
  // relay's own inside what the receiver takes for one entry.
  void AppendToEntry(v1::Tier tier, uint64_t seq, std::string bytes) {
    absl::MutexLock lock(&mu_);
    appended_[{tier, seq}] = std::move(bytes);
  }

  // Ends the stream with `status` once `count` entries are sent, as a
  // dropped connection (an error) or a peer that ends inside a run (OK) does.
  void CutAfter(size_t count, grpc::Status status) {
    absl::MutexLock lock(&mu_);
    cut_after_ = count;
    cut_status_ = std::move(status);
  }

  grpc::Status Sync(grpc::ServerContext* context, const v1::SyncRequest* request,
                    grpc::ServerWriter<v1::SyncBatch>* writer) override {
    std::vector<v1::LogEntry> entries;
    std::map<std::pair<v1::Tier, uint64_t>, std::string> appended;
    size_t cut_after = 0;
    grpc::Status cut_status;
    {
      absl::MutexLock lock(&mu_);
      ++calls_;
      entries = entries_;
      appended = appended_;
      cut_after = cut_after_;
      cut_status = cut_status_;
      auto certificates = context->auth_context()->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
      if (!certificates.empty()) client_certificate_.assign(certificates[0].data(), certificates[0].size());
    }
    std::map<std::pair<std::string, int>, uint64_t> heads;
    for (const auto& e : entries) {
      uint64_t& head = heads[{e.origin(), e.tier()}];
      head = std::max(head, e.seq());
    }
    v1::SyncBatch first;
    for (const auto& [run, seq] : heads) {
      v1::FrontierEntry* f = first.add_frontier();
      f->set_origin(run.first);
      f->set_tier(static_cast<v1::Tier>(run.second));
      f->set_seq(seq);
    }
    if (!writer->Write(first)) return grpc::Status(grpc::StatusCode::CANCELLED, "caller went away");
    v1::SyncBatch batch;
    size_t sent = 0;
    for (const auto& e : entries) {
      if (sent++ == cut_after) {
        if (batch.entries_size() > 0 && !writer->Write(batch)) {
          return grpc::Status(grpc::StatusCode::CANCELLED, "caller went away");
        }
        return cut_status;
      }
      std::string serialized = e.SerializeAsString();
      if (auto it = appended.find({e.tier(), e.seq()}); it != appended.end()) serialized += it->second;
      batch.add_entries(std::move(serialized));
      if (e.signature().empty()) continue;
      if (!writer->Write(batch)) return grpc::Status(grpc::StatusCode::CANCELLED, "caller went away");
      batch.Clear();
    }
    if (batch.entries_size() > 0 && !writer->Write(batch)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "caller went away");
    }
    return grpc::Status::OK;
  }

  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string client_certificate() const {
    absl::MutexLock lock(&mu_);
    return client_certificate_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<v1::LogEntry> entries_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<v1::Tier, uint64_t>, std::string> appended_ ABSL_GUARDED_BY(mu_);
  size_t cut_after_ ABSL_GUARDED_BY(mu_) = std::numeric_limits<size_t>::max();
  grpc::Status cut_status_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::string client_certificate_ ABSL_GUARDED_BY(mu_);
};

// What the whole suite shares: the operator, A's and M's directories, and
// A's logs as A wrote them.
struct Environment {
  TempDir root;
  std::optional<Operator> op;
  std::string origin_dir;
  std::string relay_dir;
  v1::NodeIdentity origin_identity;
  v1::NodeIdentity relay_identity;
  std::map<v1::Tier, std::vector<v1::LogEntry>> origin_log;
  absl::Status status;
};
Environment* env = nullptr;

grpc::Status ImportProjects(Stubs& stubs, const std::string& token, const std::vector<v1::Project>& projects) {
  auto context = Context(Bearer(token), 30);
  v1::ImportResponse response;
  auto writer = stubs.contribute->Import(context.get(), &response);
  v1::ImportRequest batch;
  for (const auto& p : projects) *batch.add_projects() = p;
  batch.set_last(true);
  (void)writer->Write(batch);
  (void)writer->WritesDone();
  return writer->Finish();
}

grpc::Status PutProject(Stubs& stubs, const std::string& token, const v1::Project& project) {
  v1::PutProjectRequest request;
  *request.mutable_project() = project;
  v1::PutProjectResponse response;
  return stubs.contribute->PutProject(Context(Bearer(token), 30).get(), request, &response);
}

absl::Status Prepare(Environment* e) {
  auto op = MakeOperator(e->root.path());
  if (!op.ok()) return op.status();
  e->op.emplace(std::move(*op));
  e->origin_dir = e->root.path() + "/" + kOrigin;
  e->relay_dir = e->root.path() + "/" + kRelay;
  for (const auto& [dir, id] : {std::pair{e->origin_dir, kOrigin}, std::pair{e->relay_dir, kRelay}}) {
    if (std::string error = InitNodeDir(dir, id, e->op->public_key_file); !error.empty()) {
      return absl::InternalError(error);
    }
  }
  auto origin_identity = NodeIdentityOf(e->origin_dir);
  if (!origin_identity.ok()) return origin_identity.status();
  e->origin_identity = *origin_identity;
  auto relay_identity = NodeIdentityOf(e->relay_dir);
  if (!relay_identity.ok()) return relay_identity.status();
  e->relay_identity = *relay_identity;

  {
    NodeProcess origin(e->origin_dir, NodeFlags(), kOrigin);
    if (!origin.Start()) return absl::InternalError("origin did not start: " + origin.log());
    const std::string editor = origin.IssueToken("expert", "editor");
    if (editor.empty()) return absl::InternalError("no editor token for the origin");
    // Dropped before the origin stops: a node's graceful stop waits its whole
    // grace period while a client keeps a connection open.
    auto stubs_holder = std::make_unique<Stubs>(TlsChannel(origin.address(), ReadTextFile(origin.certificate_file())));
    Stubs& stubs = *stubs_holder;
    // Write batches: public log seqs 1-3 (one signature, at 3), 4, 5-6 (at 6),
    // 7, then 8 (tamper-1's new title; only the public facet changes).
    struct Step {
      std::vector<int> projects;
      bool import;
    };
    for (const Step& step : {Step{{1, 2, 3}, true}, Step{{4}, false}, Step{{5, 6}, true}, Step{{7}, false}}) {
      std::vector<v1::Project> projects;
      for (int n : step.projects) projects.push_back(TamperProject(n, OriginalTitle(n)));
      grpc::Status s = step.import ? ImportProjects(stubs, editor, projects) : PutProject(stubs, editor, projects[0]);
      if (!s.ok()) return absl::InternalError("origin write: " + Describe(s));
    }
    grpc::Status s = PutProject(stubs, editor, TamperProject(1, kUpdatedTitle));
    if (!s.ok()) return absl::InternalError("origin update: " + Describe(s));
    stubs_holder.reset();
    if (origin.Stop() != 0) return absl::InternalError("origin did not exit cleanly: " + origin.log());
  }
  auto store = OpenStoppedStore(e->origin_dir, kOrigin);
  if (!store.ok()) return store.status();
  for (v1::Tier tier : kTiers) e->origin_log[tier] = WholeLog(**store, kOrigin, tier);

  // The shape every case relies on.
  const std::vector<uint64_t> public_signed = {3, 4, 6, 7, 8};
  const std::vector<uint64_t> other_signed = {3, 4, 6, 7};
  if (e->origin_log[v1::TIER_PUBLIC].size() != 8 || SignedSeqs(e->origin_log[v1::TIER_PUBLIC]) != public_signed) {
    return absl::InternalError(absl::StrCat("origin public log: ", e->origin_log[v1::TIER_PUBLIC].size(),
                                            " entries, not the 8 expected with signatures at 3,4,6,7,8"));
  }
  for (v1::Tier tier : {v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    if (e->origin_log[tier].size() != 7 || SignedSeqs(e->origin_log[tier]) != other_signed) {
      return absl::InternalError(absl::StrCat("origin ", v1::Tier_Name(tier), " log: ", e->origin_log[tier].size(),
                                              " entries, not the 7 expected with signatures at 3,4,6,7"));
    }
  }
  return absl::OkStatus();
}

// One sync round of the victim with a peer, as the victim's admin sees it.
struct Round {
  grpc::Status status;
  v1::SyncNowResponse response;
  std::optional<v1::PeerState> peer;  // from ListPeers after the round
  int64_t node_rejected = 0;          // Peers.Status
};

// The victim's store after it exited.
struct Inspection {
  std::map<v1::Tier, uint64_t> frontier;  // of origin A
  std::map<v1::Tier, std::vector<v1::LogEntry>> log;
  std::map<std::string, std::string> families;
  std::string node_log;
  int64_t conflicts = 0;
};

class FederationTamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env = new Environment;
    env->status = Prepare(env);
  }
  static void TearDownTestSuite() {
    delete env;
    env = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(env->status.ok()) << env->status; }

  void TearDown() override {
    if (victim_) victim_->Stop();
    if (relay_server_) relay_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  const std::vector<v1::LogEntry>& OriginLog(v1::Tier tier) { return env->origin_log[tier]; }

  // Starts the relay's endpoint serving `public_entries` then A's restricted
  // and expert logs as they are.
  absl::Status StartRelay(const std::vector<v1::LogEntry>& public_entries) {
    std::vector<v1::LogEntry> entries = public_entries;
    for (v1::Tier tier : {v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
      entries.insert(entries.end(), OriginLog(tier).begin(), OriginLog(tier).end());
    }
    relay_.Serve(std::move(entries));
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
    ssl.pem_key_cert_pairs.push_back(
        {ReadTextFile(env->relay_dir + "/tls.key"), ReadTextFile(env->relay_dir + "/tls.crt")});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), &port);
    builder.RegisterService(&relay_);
    relay_server_ = builder.BuildAndStart();
    if (!relay_server_ || port == 0) return absl::InternalError("the relay's server did not start");
    relay_address_ = absl::StrCat("127.0.0.1:", port);
    return absl::OkStatus();
  }

  absl::Status StartVictim() {
    const std::string dir = env->root.path() + "/" + kVictim + "-" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    if (std::string error = InitNodeDir(dir, kVictim, env->op->public_key_file); !error.empty()) {
      return absl::InternalError(error);
    }
    victim_ = std::make_unique<NodeProcess>(dir, NodeFlags(), kVictim);
    if (!victim_->Start()) return absl::InternalError("victim did not start: " + victim_->log());
    victim_token_ = victim_->IssueToken("expert", "admin");
    if (victim_token_.empty()) return absl::InternalError("no admin token for the victim");
    auto channel = TlsChannel(victim_->address(), ReadTextFile(victim_->certificate_file()));
    victim_stubs_ = std::make_unique<Stubs>(channel);
    victim_peers_ = v1::Peers::NewStub(channel);
    return absl::OkStatus();
  }

  // The roster of A, M (at the relay's endpoint) and V; A and M expert.
  v1::SignedRoster Roster(uint64_t version, const std::string& origin_endpoint,
                          v1::Tier victim_tier = v1::TIER_EXPERT) {
    v1::RosterMember origin = MemberOf(env->origin_identity, v1::TIER_EXPERT);
    origin.set_endpoint(origin_endpoint);
    v1::RosterMember relay = MemberOf(env->relay_identity, v1::TIER_EXPERT);
    relay.set_endpoint(relay_address_);
    auto victim_identity = NodeIdentityOf(victim_->data_dir());
    v1::RosterMember victim = MemberOf(victim_identity.ok() ? *victim_identity : v1::NodeIdentity(), victim_tier);
    victim.set_endpoint(victim_->address());
    return SignedRosterOf({origin, relay, victim}, version, env->op->key);
  }

  absl::Status InstallRoster(Stubs& stubs, const std::string& admin_token, const v1::SignedRoster& roster) {
    v1::InstallRosterRequest request;
    *request.mutable_roster() = roster;
    v1::InstallRosterResponse response;
    grpc::Status s = stubs.admin->InstallRoster(Context(Bearer(admin_token)).get(), request, &response);
    if (!s.ok()) return absl::InternalError("install roster: " + Describe(s));
    return absl::OkStatus();
  }

  absl::Status AddVictimPeer(const std::string& id, const std::string& endpoint = "") {
    v1::AddPeerRequest request;
    request.mutable_peer()->set_node_id(id);
    request.mutable_peer()->set_endpoint(endpoint);
    v1::AddPeerResponse response;
    grpc::Status s = victim_peers_->AddPeer(Context(Bearer(victim_token_)).get(), request, &response);
    if (!s.ok()) return absl::InternalError("add peer " + id + ": " + Describe(s));
    return absl::OkStatus();
  }

  // Relay and victim up, the roster on the victim, M its peer.
  absl::Status Setup(const std::vector<v1::LogEntry>& public_entries, v1::Tier victim_tier = v1::TIER_EXPERT) {
    if (absl::Status s = StartRelay(public_entries); !s.ok()) return s;
    if (absl::Status s = StartVictim(); !s.ok()) return s;
    if (absl::Status s = InstallRoster(*victim_stubs_, victim_token_, Roster(1, "", victim_tier)); !s.ok()) return s;
    return AddVictimPeer(kRelay);  // no endpoint: the roster's, i.e. the relay's server
  }

  Round SyncVictimWith(const std::string& peer) {
    Round round;
    v1::SyncNowRequest request;
    request.set_node_id(peer);
    round.status = victim_peers_->SyncNow(Context(Bearer(victim_token_), 60).get(), request, &round.response);
    v1::ListPeersResponse peers;
    grpc::Status listed = victim_peers_->ListPeers(Context(Bearer(victim_token_)).get(), v1::ListPeersRequest(), &peers);
    EXPECT_TRUE(listed.ok()) << Describe(listed);
    for (const auto& p : peers.peers()) {
      if (p.peer().node_id() == peer) round.peer = p;
    }
    v1::FederationStatusResponse status;
    grpc::Status got = victim_peers_->Status(Context(Bearer(victim_token_)).get(), v1::FederationStatusRequest(), &status);
    EXPECT_TRUE(got.ok()) << Describe(got);
    round.node_rejected = status.entries_rejected();
    return round;
  }

  grpc::Status VictimGet(int n, v1::Project* project) {
    v1::GetProjectRequest request;
    request.set_id(ProjectId(n));
    v1::GetProjectResponse response;
    grpc::Status s = victim_stubs_->catalog->GetProject(Context(Bearer(victim_token_)).get(), request, &response);
    *project = response.project();
    return s;
  }

  Inspection StopVictimAndInspect() {
    Inspection seen;
    EXPECT_EQ(victim_->Stop(), 0) << victim_->log();
    seen.node_log = victim_->log();
    auto store = OpenStoppedStore(victim_->data_dir(), kVictim);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return seen;
    for (v1::Tier tier : kTiers) {
      seen.frontier[tier] = FrontierOf(**store, kOrigin, tier);
      seen.log[tier] = WholeLog(**store, kOrigin, tier);
    }
    seen.families = FamilyBytes(**store);
    seen.conflicts = (*store)->conflicts();
    return seen;
  }

  // The relay was called, over mutual TLS, by the victim.
  void ExpectRelayReached() {
    EXPECT_GE(relay_.calls(), 1) << "the victim never called the relay's Sync";
    EXPECT_THAT(relay_.client_certificate(), HasSubstr("BEGIN CERTIFICATE"))
        << "the victim presented no client certificate";
  }

  // V's log of A's `tier` is exactly A's first `count` entries, byte for byte,
  // and its frontier says `count`.
  void ExpectVictimHoldsPrefix(const Inspection& seen, v1::Tier tier, uint64_t count) {
    SCOPED_TRACE(v1::Tier_Name(tier));
    EXPECT_EQ(seen.frontier.at(tier), count);
    const auto& log = seen.log.at(tier);
    ASSERT_EQ(log.size(), count) << "entries of " << kOrigin << " beyond the last good point are stored";
    for (size_t i = 0; i < log.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(log[i], OriginLog(tier)[i]))
          << "stored entry " << i + 1 << " differs from the origin's:\n"
          << log[i].DebugString();
    }
  }

  // Every check of a rejected round: rejection reported, for `reason` (in
  // the node log), nothing of the public log past `last_good`, the other
  // tiers (served unaltered) complete, projects `hidden` not served.
  void ExpectRejected(const Round& round, const Inspection& seen, uint64_t last_good, const std::string& reason,
                      const std::vector<int>& hidden) {
    ExpectRelayReached();
    ASSERT_TRUE(round.peer.has_value()) << "the relay is not in ListPeers";
    EXPECT_TRUE(!round.status.ok() || round.peer->entries_rejected() > 0)
        << "SyncNow: " << Describe(round.status) << "\n" << round.peer->DebugString();
    EXPECT_GT(round.peer->entries_rejected(), 0) << round.peer->DebugString();
    EXPECT_GT(round.node_rejected, 0);
    EXPECT_THAT(round.peer->last_error(), HasSubstr("rejected")) << round.peer->DebugString();
    EXPECT_GE(round.peer->consecutive_failures(), 1);
    EXPECT_THAT(seen.node_log, HasSubstr(reason));
    ExpectVictimHoldsPrefix(seen, v1::TIER_PUBLIC, last_good);
    ExpectVictimHoldsPrefix(seen, v1::TIER_RESTRICTED, OriginLog(v1::TIER_RESTRICTED).size());
    ExpectVictimHoldsPrefix(seen, v1::TIER_EXPERT, OriginLog(v1::TIER_EXPERT).size());
    for (int n : hidden) {
      EXPECT_FALSE(absl::StrContains(seen.families.at("records"), "P" + ProjectId(n)))
          << "the public record of " << ProjectId(n) << " is stored";
    }
  }

  void ExpectNotServed(const std::vector<int>& hidden) {
    for (int n : hidden) {
      v1::Project project;
      grpc::Status s = VictimGet(n, &project);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << ProjectId(n) << ": " << Describe(s);
    }
  }

  void ExpectServedWithTitle(int n, const std::string& title) {
    v1::Project project;
    grpc::Status s = VictimGet(n, &project);
    ASSERT_TRUE(s.ok()) << ProjectId(n) << ": " << Describe(s);
    EXPECT_EQ(project.public_().title_fr(), title);
  }

  FakeRelay relay_;
  std::unique_ptr<grpc::Server> relay_server_;
  std::string relay_address_;
  std::unique_ptr<NodeProcess> victim_;
  std::string victim_token_;
  std::unique_ptr<Stubs> victim_stubs_;
  std::unique_ptr<v1::Peers::Stub> victim_peers_;
};

TEST_F(FederationTamperTest, UnalteredEntriesThroughTheRelayAreApplied) {
  ASSERT_STATUS_OK(Setup(OriginLog(v1::TIER_PUBLIC)));
  Round round = SyncVictimWith(kRelay);
  ASSERT_TRUE(round.status.ok()) << Describe(round.status);
  ExpectRelayReached();
  ASSERT_TRUE(round.peer.has_value());
  EXPECT_EQ(round.peer->entries_rejected(), 0) << round.peer->DebugString();
  EXPECT_EQ(round.peer->last_error(), "");
  EXPECT_EQ(round.response.entries_applied(), 8 + 7 + 7);
  EXPECT_EQ(round.node_rejected, 0);

  for (int n = 1; n <= kProjects; ++n) {
    v1::Project project;
    grpc::Status s = VictimGet(n, &project);
    ASSERT_TRUE(s.ok()) << ProjectId(n) << ": " << Describe(s);
    EXPECT_EQ(project.public_().title_fr(), n == 1 ? kUpdatedTitle : OriginalTitle(n));
    EXPECT_TRUE(project.has_restricted()) << ProjectId(n);
    EXPECT_TRUE(project.has_expert()) << ProjectId(n);
  }

  Inspection seen = StopVictimAndInspect();
  for (v1::Tier tier : kTiers) ExpectVictimHoldsPrefix(seen, tier, OriginLog(tier).size());
}

// A stream that breaks inside a run (seq 5, the first of the run 5-6) is
// no fault of the peer: nothing is counted against it, the runs before
// are kept, and the next round completes the log.
TEST_F(FederationTamperTest, AStreamDroppedInsideARunIsNotCountedAgainstThePeer) {
  ASSERT_STATUS_OK(Setup(OriginLog(v1::TIER_PUBLIC)));
  relay_.CutAfter(5, grpc::Status(grpc::StatusCode::UNAVAILABLE, "relay connection dropped"));
  Round cut = SyncVictimWith(kRelay);
  ExpectRelayReached();
  ASSERT_TRUE(cut.peer.has_value());
  EXPECT_EQ(cut.peer->entries_rejected(), 0) << cut.peer->DebugString();
  EXPECT_EQ(cut.node_rejected, 0);
  EXPECT_THAT(cut.peer->last_error(), HasSubstr("relay connection dropped"));
  ExpectServedWithTitle(4, OriginalTitle(4));
  ExpectNotServed({5, 6, 7});

  relay_.CutAfter(std::numeric_limits<size_t>::max(), grpc::Status::OK);
  Round whole = SyncVictimWith(kRelay);
  ASSERT_TRUE(whole.status.ok()) << Describe(whole.status);
  ASSERT_TRUE(whole.peer.has_value());
  EXPECT_EQ(whole.peer->entries_rejected(), 0) << whole.peer->DebugString();
  EXPECT_EQ(whole.peer->last_error(), "");
  EXPECT_EQ(whole.node_rejected, 0);
  ExpectServedWithTitle(1, kUpdatedTitle);
  ExpectServedWithTitle(7, OriginalTitle(7));

  Inspection seen = StopVictimAndInspect();
  EXPECT_THAT(seen.node_log, HasSubstr("sync cut short inside a run"));
  EXPECT_THAT(seen.node_log, ::testing::Not(HasSubstr("unsigned tail")));
  for (v1::Tier tier : kTiers) ExpectVictimHoldsPrefix(seen, tier, OriginLog(tier).size());
}

// A peer that ends its stream cleanly inside a run sent entries it cannot
// vouch for: they are counted as rejected, and the runs before are kept.
TEST_F(FederationTamperTest, AStreamEndedInsideARunCountsItsUnsignedTail) {
  ASSERT_STATUS_OK(Setup(OriginLog(v1::TIER_PUBLIC)));
  relay_.CutAfter(5, grpc::Status::OK);
  Round round = SyncVictimWith(kRelay);
  ExpectRelayReached();
  ASSERT_TRUE(round.peer.has_value());
  EXPECT_EQ(round.peer->entries_rejected(), 1) << round.peer->DebugString();
  ExpectServedWithTitle(4, OriginalTitle(4));
  ExpectNotServed({5, 6, 7});
  Inspection seen = StopVictimAndInspect();
  EXPECT_THAT(seen.node_log, HasSubstr("unsigned tail from peer ignored"));
  ExpectVictimHoldsPrefix(seen, v1::TIER_PUBLIC, 4);
  ExpectVictimHoldsPrefix(seen, v1::TIER_RESTRICTED, 0);
  ExpectVictimHoldsPrefix(seen, v1::TIER_EXPERT, 0);
}

TEST_F(FederationTamperTest, OneAlteredPayloadByteIsRejected) {
  // Seq 5 is the first entry of the run 5-6 (an import), not itself signed.
  std::vector<v1::LogEntry> entries = OriginLog(v1::TIER_PUBLIC);
  v1::LogEntry& altered = entries[IndexOfSeq(entries, 5)];
  ASSERT_TRUE(altered.signature().empty());
  std::string payload = altered.payload();
  size_t at = payload.find("ORIGINAL");
  ASSERT_NE(at, std::string::npos);
  payload[at] = 'X';  // "XRIGINAL": one byte
  altered.set_payload(payload);

  ASSERT_STATUS_OK(Setup(entries));
  Round round = SyncVictimWith(kRelay);
  ExpectNotServed({5, 6, 7});
  ExpectServedWithTitle(1, OriginalTitle(1));  // its update (seq 8) came after the bad run
  ExpectServedWithTitle(4, OriginalTitle(4));
  Inspection seen = StopVictimAndInspect();
  ExpectRejected(round, seen, /*last_good=*/4, "payload does not match its hash", {5, 6, 7});
  EXPECT_EQ(WhereFound(seen.families, "XRIGINAL"), "");
}

TEST_F(FederationTamperTest, ASecondPayloadSlippedIntoAnEntryStopsTheSync) {
  // The entry hash leaves payloads out, so a relay that adds a payload
  // record of its own to seq 5 keeps the chain intact: the receiver must take
  // only an entry's own serialization, and stops syncing with a peer that
  // sends anything else.
  v1::LogEntry extra;
  extra.set_payload("SLIPPED-IN by the relay");
  relay_.AppendToEntry(v1::TIER_PUBLIC, 5, extra.SerializeAsString());

  ASSERT_STATUS_OK(Setup(OriginLog(v1::TIER_PUBLIC)));
  Round round = SyncVictimWith(kRelay);
  ExpectRelayReached();
  // The call itself succeeds: the peer's failure is in its state.
  EXPECT_TRUE(round.status.ok()) << Describe(round.status);
  ASSERT_TRUE(round.peer.has_value());
  EXPECT_THAT(round.peer->last_error(), HasSubstr("field 6 repeated or out of order")) << round.peer->DebugString();
  EXPECT_GT(round.peer->entries_rejected(), 0);
  ExpectNotServed({5, 6, 7});
  ExpectServedWithTitle(4, OriginalTitle(4));  // the runs before it were applied
  Inspection seen = StopVictimAndInspect();
  ExpectVictimHoldsPrefix(seen, v1::TIER_PUBLIC, 4);
  EXPECT_EQ(WhereFound(seen.families, "SLIPPED-IN"), "");
}

TEST_F(FederationTamperTest, EntryDroppedFromTheMiddleOfTheChainIsRejected) {
  std::vector<v1::LogEntry> entries = OriginLog(v1::TIER_PUBLIC);
  entries.erase(entries.begin() + IndexOfSeq(entries, 5));

  ASSERT_STATUS_OK(Setup(entries));
  Round round = SyncVictimWith(kRelay);
  ExpectNotServed({5, 6, 7});
  ExpectServedWithTitle(1, OriginalTitle(1));
  Inspection seen = StopVictimAndInspect();
  ExpectRejected(round, seen, /*last_good=*/4, "expected seq 5", {5, 6, 7});
}

TEST_F(FederationTamperTest, ChainRebuiltAndResignedByTheRelayIsRejected) {
  // The relay forges seq 5 and makes everything else consistent: the payload
  // hash, every later prev_hash, and every signature from there on, with its
  // own (roster-registered) key. Only the key is wrong.
  auto relay_key = access::SigningKey::Load(env->relay_dir + "/node.key");
  ASSERT_TRUE(relay_key.ok()) << relay_key.status();
  std::vector<v1::LogEntry> entries = OriginLog(v1::TIER_PUBLIC);
  const size_t forged = IndexOfSeq(entries, 5);
  v1::StoredRecord record;
  ASSERT_TRUE(record.ParseFromString(entries[forged].payload()));
  record.mutable_public_()->set_title_fr("Titre FORGED par le relais");
  entries[forged].set_payload(record.SerializeAsString());
  entries[forged].set_payload_hash(catalog::Sha256(entries[forged].payload()));
  for (size_t i = forged; i < entries.size(); ++i) {
    if (i > 0) entries[i].set_prev_hash(catalog::EntryHash(entries[i - 1]));
    if (!entries[i].signature().empty()) entries[i].set_signature(relay_key->Sign(catalog::EntryHash(entries[i])));
  }
  // The forgery is internally consistent (the test's own check).
  for (size_t i = 1; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].prev_hash(), catalog::EntryHash(entries[i - 1])) << i;
    ASSERT_EQ(entries[i].payload_hash(), catalog::Sha256(entries[i].payload())) << i;
    if (i >= forged && !entries[i].signature().empty()) {
      ASSERT_TRUE(access::VerifySignature(env->relay_identity.public_key(), catalog::EntryHash(entries[i]),
                                          entries[i].signature()));
    }
  }

  ASSERT_STATUS_OK(Setup(entries));
  Round round = SyncVictimWith(kRelay);
  ExpectNotServed({5, 6, 7});
  ExpectServedWithTitle(1, OriginalTitle(1));
  Inspection seen = StopVictimAndInspect();
  ExpectRejected(round, seen, /*last_good=*/4, "signature does not verify", {5, 6, 7});
  EXPECT_EQ(WhereFound(seen.families, "FORGED"), "");
}

TEST_F(FederationTamperTest, FlippedSignatureOfTheLastEntryIsRejected) {
  // Seq 8 is tamper-1's new title, alone in its write batch.
  std::vector<v1::LogEntry> entries = OriginLog(v1::TIER_PUBLIC);
  v1::LogEntry& last = entries.back();
  ASSERT_EQ(last.seq(), 8u);
  std::string signature = last.signature();
  ASSERT_FALSE(signature.empty());
  signature[signature.size() / 2] ^= 0x01;
  last.set_signature(signature);

  ASSERT_STATUS_OK(Setup(entries));
  Round round = SyncVictimWith(kRelay);
  ExpectServedWithTitle(1, OriginalTitle(1));  // unchanged: the update is the rejected entry
  for (int n = 2; n <= kProjects; ++n) ExpectServedWithTitle(n, OriginalTitle(n));
  Inspection seen = StopVictimAndInspect();
  ExpectRejected(round, seen, /*last_good=*/7, "signature does not verify", {});
  EXPECT_EQ(WhereFound(seen.families, "MIS A JOUR"), "");
}

// Not in the original list of cases: the relay empties a payload and keeps
// everything else (payload_hash, prev_hash, signature) as the origin signed
// it. The chain still verifies, because a payload may legitimately be empty
// once a redaction dropped it, and ApplyRemote checks the payload hash only
// of non-empty payloads. Seq 7 is the creation of tamper-7, alone in its
// batch and not followed by any redaction: the victim must not accept it as
// "redacted" — it would advance its frontier past a record it never got, and
// no later sync with the honest origin could repair that.
TEST_F(FederationTamperTest, StrippedPayloadIsNotAcceptedAsRedacted) {
  std::vector<v1::LogEntry> entries = OriginLog(v1::TIER_PUBLIC);
  v1::LogEntry& stripped = entries[IndexOfSeq(entries, 7)];
  ASSERT_FALSE(stripped.redaction());
  stripped.clear_payload();

  ASSERT_STATUS_OK(Setup(entries));
  Round round = SyncVictimWith(kRelay);
  ExpectRelayReached();
  ASSERT_TRUE(round.peer.has_value());
  v1::Project project;
  grpc::Status got = VictimGet(7, &project);
  const bool rejected = round.peer->entries_rejected() > 0;
  EXPECT_TRUE(rejected || got.ok())
      << "the victim accepted seq 7 without its payload and without any redaction of " << ProjectId(7)
      << ": it neither rejects the run nor serves the project (" << Describe(got) << ")\n"
      << round.peer->DebugString();

  // The damage lasts: the honest origin cannot deliver tamper-7 any more.
  NodeProcess origin(env->origin_dir, NodeFlags(), kOrigin);
  ASSERT_TRUE(origin.Start()) << origin.log();
  const std::string origin_admin = origin.IssueToken("expert", "admin");
  ASSERT_FALSE(origin_admin.empty());
  const v1::SignedRoster roster = Roster(2, origin.address());
  {
    Stubs origin_stubs(TlsChannel(origin.address(), ReadTextFile(origin.certificate_file())));
    ASSERT_STATUS_OK(InstallRoster(origin_stubs, origin_admin, roster));
  }
  ASSERT_STATUS_OK(InstallRoster(*victim_stubs_, victim_token_, roster));
  ASSERT_STATUS_OK(AddVictimPeer(kOrigin));
  Round honest = SyncVictimWith(kOrigin);
  ASSERT_TRUE(honest.status.ok()) << Describe(honest.status);
  ASSERT_TRUE(honest.peer.has_value());
  EXPECT_EQ(honest.peer->last_error(), "") << honest.peer->DebugString();
  got = VictimGet(7, &project);
  EXPECT_TRUE(got.ok()) << "after a sync with the honest origin itself, " << ProjectId(7)
                        << " is still missing on the victim: " << Describe(got);
  origin.Stop();

  Inspection seen = StopVictimAndInspect();
  if (seen.frontier[v1::TIER_PUBLIC] >= 7) {
    ASSERT_GE(seen.log[v1::TIER_PUBLIC].size(), 7u);
    EXPECT_FALSE(seen.log[v1::TIER_PUBLIC][6].payload().empty())
        << "the victim stores seq 7 of " << kOrigin << " with an empty payload though no redaction entry of its key "
        << "exists; frontier(public) = " << seen.frontier[v1::TIER_PUBLIC];
  }
}

// Not in the original list of cases either: the relay passes A's genuine,
// correctly signed entries, but of every tier, to a victim whose roster tier
// is public (a relay may misbehave, or simply still run an older roster in
// which the victim was expert). The roster's max_tier is "the highest tier
// this node may receive from peers": the victim itself must not store
// restricted or expert entries, whatever a peer sends.
TEST_F(FederationTamperTest, EntriesAboveTheVictimsRosterTierAreNotStored) {
  ASSERT_STATUS_OK(Setup(OriginLog(v1::TIER_PUBLIC), v1::TIER_PUBLIC));
  Round round = SyncVictimWith(kRelay);
  // The public entries are applied; the round reports the refused tiers.
  EXPECT_TRUE(round.status.ok()) << Describe(round.status);
  ASSERT_TRUE(round.peer.has_value());
  EXPECT_THAT(round.peer->last_error(), HasSubstr("rejected")) << round.peer->DebugString();
  EXPECT_GT(round.peer->consecutive_failures(), 0);
  ExpectRelayReached();
  v1::Project project;
  grpc::Status got = VictimGet(2, &project);
  ASSERT_TRUE(got.ok()) << Describe(got);  // the public facet is legitimately there
  EXPECT_FALSE(project.has_restricted()) << "the public-tier victim serves A's restricted facet to its own admin";
  EXPECT_FALSE(project.has_expert()) << "the public-tier victim serves A's expert facet to its own admin";

  Inspection seen = StopVictimAndInspect();
  ExpectVictimHoldsPrefix(seen, v1::TIER_PUBLIC, OriginLog(v1::TIER_PUBLIC).size());
  for (v1::Tier tier : {v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    EXPECT_EQ(seen.log[tier].size(), 0u) << "the public-tier victim stores " << seen.log[tier].size() << " entries of "
                                         << kOrigin << "'s " << v1::Tier_Name(tier) << " log";
    EXPECT_EQ(seen.frontier[tier], 0u) << v1::Tier_Name(tier);
  }
  // ThreeFacetProject's restricted and expert texts carry "marker<n>".
  EXPECT_EQ(WhereFound(seen.families, "@testville.example.org"), "") << "restricted contacts stored";
  EXPECT_EQ(WhereFound(seen.families, "https://example.org/marker"), "") << "expert source repositories stored";
}

}  // namespace
}  // namespace bibia::testing
