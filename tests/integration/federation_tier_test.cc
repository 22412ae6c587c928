// Tier-aware replication, verified in the receiving databases.
//
// TierTest: origin A writes projects whose every public text holds
// "PSENTINEL", every restricted text (and every feedback text) "RSENTINEL",
// every expert text "XSENTINEL". A public mirror P, a restricted member R and
// an expert member E pull from A (and P from R and E, R from E: relays filter
// too). Once each has caught up, the nodes are stopped and their stores read
// byte by byte: every row of every column family through RocksDB iterators
// (decompressed), and the raw files of the database directory (WAL, SST) as
// an extra check. P holds no restricted or expert byte, R no expert byte, E
// everything.
//
// RedactionTest: A's restricted facet names "old-contact@example.org"; R
// replicates it; A replaces the contact and redacts the facet's history; R
// syncs. Neither store's log (nor records) keeps the old contact, R serves the
// new one, and fresh nodes pulling from scratch from A (F) and from R (G)
// apply everything without a rejection: both chains still verify. A second
// case reads the raw files of A's and R's databases right after they exit:
// the old contact must be gone from the disk too.
//
// LoweredTier cases: a member lowered to public drops what it held of the
// others above it (files included), also when it crashed before doing so,
// and asks its peers for nothing above its tier.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/log_writer.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_harness.h"
#include "tests/integration/federation_store_inspect.h"

namespace bibia::testing {
namespace {

// Asserts that an absl::Status is OK, printing it otherwise.
#define ASSERT_STATUS_OK(expr)                 \
  do {                                         \
    const absl::Status status_ = (expr);       \
    ASSERT_TRUE(status_.ok()) << status_;      \
  } while (0)

using ::testing::HasSubstr;

constexpr char kPublicSentinel[] = "PSENTINEL";
constexpr char kRestrictedSentinel[] = "RSENTINEL";
constexpr char kExpertSentinel[] = "XSENTINEL";

// Sets every string field of `message` (recursively; two items in repeated
// fields, two elements in repeated messages) to `sentinel` + the field's
// path, except the fields named in `skip`. Fields the node checks the form
// of get it around the sentinel: an email address, an https URL.
void FillStrings(google::protobuf::Message* message, const std::string& sentinel, const std::string& path,
                 const std::set<std::string>& skip) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (skip.count(field->name())) continue;
    const std::string name = absl::StrCat(path, "-", field->name());
    const auto shaped = [&](const std::string& text) {
      if (absl::EndsWith(field->name(), "email")) return text + "@example.org";
      if (absl::EndsWith(field->name(), "_url")) return "https://" + text;
      return text;
    };
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (field->is_repeated()) {
        for (int k = 0; k < 2; ++k) {
          reflection->AddString(message, field, shaped(absl::StrCat(sentinel, name, "-", k)));
        }
      } else {
        reflection->SetString(message, field, shaped(absl::StrCat(sentinel, name)));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int k = 0; k < 2; ++k) {
          FillStrings(reflection->AddMessage(message, field), sentinel, absl::StrCat(name, k), skip);
        }
      } else {
        FillStrings(reflection->MutableMessage(message, field), sentinel, name, skip);
      }
    }
  }
}

v1::Project SentinelProject(const std::string& id) {
  v1::Project project;
  v1::ProjectPublic* p = project.mutable_public_();
  // A SIREN is digits and a date is a date: they cannot carry a sentinel.
  FillStrings(p, kPublicSentinel, "", {"id", "based_on", "next_review_date", "siren"});
  p->set_id(id);
  p->mutable_collectivity()->set_siren("123456789");
  p->set_domain(v1::DOMAIN_WATER);
  p->set_status(v1::STATUS_PILOT);
  p->set_start_year(2024);
  FillStrings(project.mutable_restricted(), kRestrictedSentinel, "", {"id", "expires"});
  project.mutable_restricted()->set_budget_eur(4242);
  FillStrings(project.mutable_expert(), kExpertSentinel, "", {"id"});
  return project;
}

v1::Feedback SentinelFeedback(const std::string& project_id) {
  v1::Feedback feedback;
  FillStrings(&feedback, kRestrictedSentinel, "-feedback", {"id", "project_id", "origin"});
  feedback.set_project_id(project_id);
  feedback.set_kind(v1::FEEDBACK_KIND_LESSON);
  feedback.set_cost_eur(1000);
  return feedback;
}

grpc::Status SyncNow(FederationHarness& f, int i, const std::string& peer, v1::SyncNowResponse* response) {
  v1::SyncNowRequest request;
  request.set_node_id(peer);
  return f.peers(i).SyncNow(Context(Bearer(f.admin_token(i)), 60).get(), request, response);
}

absl::StatusOr<v1::FederationStatusResponse> StatusOf(FederationHarness& f, int i) {
  v1::FederationStatusResponse response;
  grpc::Status s = f.peers(i).Status(Context(Bearer(f.admin_token(i))).get(), v1::FederationStatusRequest(), &response);
  if (!s.ok()) return absl::InternalError(Describe(s));
  return response;
}

// origin's frontier, (tier -> seq), as a node reports it, for tiers <= max_tier.
std::map<v1::Tier, uint64_t> FrontierFor(const v1::FederationStatusResponse& status, const std::string& origin,
                                         v1::Tier max_tier) {
  std::map<v1::Tier, uint64_t> out;
  for (const auto& f : status.frontier()) {
    if (f.origin() == origin && f.tier() <= max_tier) out[f.tier()] = f.seq();
  }
  return out;
}

// The project with every facet node i's admin may read.
grpc::Status GetAsAdmin(FederationHarness& f, int i, const std::string& id, v1::Project* project) {
  v1::GetProjectRequest request;
  request.set_id(id);
  v1::GetProjectResponse response;
  grpc::Status s = f.stubs(i).catalog->GetProject(Context(Bearer(f.admin_token(i))).get(), request, &response);
  *project = response.project();
  return s;
}

struct StoreBytes {
  std::map<std::string, std::string> families;  // iterated rows per family
  std::map<std::string, std::string> files;     // raw files of the db directory
};

// Node i must have exited.
StoreBytes ReadStoreBytes(FederationHarness& f, int i) {
  StoreBytes bytes;
  // Raw files first, as the node left them (opening the store rewrites some).
  bytes.files = RawFiles(f.node(i).data_dir() + "/db");
  auto store = OpenStoppedStore(f.node(i).data_dir(), f.id(i));
  EXPECT_TRUE(store.ok()) << f.id(i) << ": " << store.status();
  if (store.ok()) bytes.families = FamilyBytes(**store);
  return bytes;
}

// Neither restricted nor expert sentinel bytes in `store`'s families or files.
void ExpectNothingAbovePublic(const StoreBytes& store, const std::string& who) {
  EXPECT_EQ(WhereFound(store.families, kRestrictedSentinel), "") << "restricted bytes in " << who << "'s families";
  EXPECT_EQ(WhereFound(store.families, kExpertSentinel), "") << "expert bytes in " << who << "'s families";
  EXPECT_EQ(WhereFound(store.files, kRestrictedSentinel), "") << "restricted bytes in " << who << "'s files";
  EXPECT_EQ(WhereFound(store.files, kExpertSentinel), "") << "expert bytes in " << who << "'s files";
}

TEST(FederationTierTest, EachMemberStoresOnlyTheTiersItMayReceive) {
  constexpr int kA = 0, kP = 1, kR = 2, kE = 3;
  const std::vector<std::string> ids = {"tier-sentinel-1", "tier-sentinel-2", "tier-sentinel-3"};
  TempDir dir;
  FederationHarness f(dir.path(), 4, {"--gossip-interval", "200ms"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster({{f.id(kP), v1::TIER_PUBLIC}, {f.id(kR), v1::TIER_RESTRICTED}}));

  for (const auto& id : ids) {
    grpc::Status put = f.Put(kA, SentinelProject(id));
    ASSERT_TRUE(put.ok()) << Describe(put);
    for (int k = 0; k < 2; ++k) {
      v1::AddFeedbackRequest request;
      *request.mutable_feedback() = SentinelFeedback(id);
      v1::AddFeedbackResponse response;
      grpc::Status added =
          f.stubs(kA).contribute->AddFeedback(Context(Bearer(f.admin_token(kA))).get(), request, &response);
      ASSERT_TRUE(added.ok()) << Describe(added);
    }
  }
  // The origin holds every sentinel, so the scans below can find them.
  v1::Project written;
  ASSERT_TRUE(GetAsAdmin(f, kA, ids[0], &written).ok());
  ASSERT_THAT(written.restricted().contacts(0).email(), HasSubstr(kRestrictedSentinel));
  ASSERT_THAT(written.expert().artifacts(0).manifest_id(), HasSubstr(kExpertSentinel));

  ASSERT_STATUS_OK(f.AddPeer(kP, kA));
  ASSERT_STATUS_OK(f.AddPeer(kR, kA));
  ASSERT_STATUS_OK(f.AddPeer(kE, kA));
  ASSERT_STATUS_OK(f.AddPeer(kP, kR));
  ASSERT_STATUS_OK(f.AddPeer(kP, kE));
  ASSERT_STATUS_OK(f.AddPeer(kR, kE));

  for (int node : {kP, kR, kE}) {
    for (const auto& id : ids) {
      EXPECT_TRUE(f.WaitForProject(node, id, absl::Seconds(60))) << f.id(node) << " " << id << "\n" << f.node(node).log();
    }
  }
  // Caught up: each member's frontier of A equals A's for the tiers it may
  // receive (feedback, in the restricted log, may come after the projects).
  auto origin_status = StatusOf(f, kA);
  ASSERT_TRUE(origin_status.ok()) << origin_status.status();
  const std::map<int, v1::Tier> tier_of = {{kP, v1::TIER_PUBLIC}, {kR, v1::TIER_RESTRICTED}, {kE, v1::TIER_EXPERT}};
  for (const auto& [node, tier] : tier_of) {
    const auto want = FrontierFor(*origin_status, f.id(kA), tier);
    ASSERT_EQ(want.size(), static_cast<size_t>(tier)) << "the origin's frontier lacks a tier";
    std::map<v1::Tier, uint64_t> have;
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      auto status = StatusOf(f, node);
      ASSERT_TRUE(status.ok()) << status.status();
      have = FrontierFor(*status, f.id(kA), v1::TIER_EXPERT);
      if (have == want) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    EXPECT_EQ(have, want) << f.id(node) << " did not catch up with the tiers it may receive, or holds more";
  }
  // What each one serves to its own expert admin is what it holds.
  for (const auto& [node, tier] : tier_of) {
    v1::Project project;
    ASSERT_TRUE(GetAsAdmin(f, node, ids[0], &project).ok());
    EXPECT_THAT(project.public_().title_fr(), HasSubstr(kPublicSentinel));
    EXPECT_EQ(project.has_restricted(), tier >= v1::TIER_RESTRICTED) << f.id(node);
    EXPECT_EQ(project.has_expert(), tier >= v1::TIER_EXPERT) << f.id(node);
  }

  for (int node : {kP, kR, kE}) EXPECT_EQ(f.node(node).Stop(), 0) << f.node(node).log();
  const StoreBytes p = ReadStoreBytes(f, kP);
  const StoreBytes r = ReadStoreBytes(f, kR);
  const StoreBytes e = ReadStoreBytes(f, kE);

  // Values live in the log once; the records family holds references to them.
  for (const StoreBytes* store : {&p, &r, &e}) {
    for (const char* sentinel : {kPublicSentinel, kRestrictedSentinel, kExpertSentinel, "RSENTINEL-feedback-text"}) {
      EXPECT_FALSE(absl::StrContains(store->families.at("records"), sentinel)) << sentinel << " in a records value";
    }
  }

  // P: public only.
  EXPECT_THAT(p.families.at("log"), HasSubstr(kPublicSentinel));
  ExpectNothingAbovePublic(p, "P");

  // R: public and restricted (with the feedback), no expert.
  EXPECT_THAT(r.families.at("log"), HasSubstr(kPublicSentinel));
  EXPECT_THAT(r.families.at("log"), HasSubstr(kRestrictedSentinel));
  EXPECT_THAT(r.families.at("log"), HasSubstr("RSENTINEL-feedback-text"));
  EXPECT_EQ(WhereFound(r.families, kExpertSentinel), "") << "expert bytes in R's families";
  EXPECT_EQ(WhereFound(r.files, kExpertSentinel), "") << "expert bytes in R's files";

  // E: everything.
  for (const char* sentinel : {kPublicSentinel, kRestrictedSentinel, kExpertSentinel}) {
    EXPECT_THAT(e.families.at("log"), HasSubstr(sentinel));
  }
  EXPECT_THAT(e.families.at("log"), HasSubstr("RSENTINEL-feedback-text"));
}

// A member trusted with everything, then lowered to public by a new roster:
// it drops the restricted and expert data of the others it held (from its
// files too), keeps its own, and a sync brings none of it back.
TEST(FederationTierTest, AMemberLoweredToPublicDropsWhatItHeldAboveIt) {
  constexpr int kA = 0, kB = 1;
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--no-gossip"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());  // both expert
  const std::vector<std::string> ids = {"lowered-1", "lowered-2"};
  for (const auto& id : ids) {
    grpc::Status put = f.Put(kA, SentinelProject(id));
    ASSERT_TRUE(put.ok()) << Describe(put);
    v1::AddFeedbackRequest request;
    *request.mutable_feedback() = SentinelFeedback(id);
    v1::AddFeedbackResponse response;
    grpc::Status added =
        f.stubs(kA).contribute->AddFeedback(Context(Bearer(f.admin_token(kA))).get(), request, &response);
    ASSERT_TRUE(added.ok()) << Describe(added);
  }
  // B's own project, all facets (no sentinel): it stays whatever B's tier.
  grpc::Status own = f.Put(kB, ThreeFacetProject("own-of-b", "own-of-b"));
  ASSERT_TRUE(own.ok()) << Describe(own);
  ASSERT_STATUS_OK(f.AddPeer(kB, kA));
  v1::SyncNowResponse synced;
  grpc::Status sync = SyncNow(f, kB, f.id(kA), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  auto before = StatusOf(f, kB);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(FrontierFor(*before, f.id(kA), v1::TIER_EXPERT).size(), 3u) << "B did not receive all three tiers";
  v1::Project held;
  ASSERT_TRUE(GetAsAdmin(f, kB, ids[0], &held).ok());
  ASSERT_TRUE(held.has_restricted() && held.has_expert());

  std::map<int, v1::InstallRosterResponse> installed;
  ASSERT_STATUS_OK(f.InstallRoster({{f.id(kB), v1::TIER_PUBLIC}}, &installed));
  EXPECT_EQ(installed[kB].held_tier(), v1::TIER_PUBLIC);
  EXPECT_EQ(installed[kB].logs_dropped(), 2);  // A's restricted and expert logs
  EXPECT_EQ(installed[kB].records_dropped(), 2 + 2 + 2);  // facets of both projects, both feedback
  EXPECT_GT(installed[kB].entries_dropped(), 0);
  EXPECT_EQ(installed[kA].logs_dropped(), 0) << "A holds nothing of B above expert";
  EXPECT_THAT(f.node(kB).log(), HasSubstr("dropped other members' data above this node's roster tier"));

  for (const auto& id : ids) {
    v1::Project project;
    ASSERT_TRUE(GetAsAdmin(f, kB, id, &project).ok()) << id;
    EXPECT_THAT(project.public_().title_fr(), HasSubstr(kPublicSentinel));
    EXPECT_FALSE(project.has_restricted()) << id;
    EXPECT_FALSE(project.has_expert()) << id;
  }
  v1::Project mine;
  ASSERT_TRUE(GetAsAdmin(f, kB, "own-of-b", &mine).ok());
  EXPECT_TRUE(mine.has_restricted() && mine.has_expert()) << "B's own facets must stay";
  // A sync after it brings nothing above public back.
  sync = SyncNow(f, kB, f.id(kA), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  auto after = StatusOf(f, kB);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->held_tier(), v1::TIER_PUBLIC);
  EXPECT_EQ(before->held_tier(), v1::TIER_EXPERT);
  EXPECT_EQ(FrontierFor(*after, f.id(kA), v1::TIER_EXPERT),
            FrontierFor(*before, f.id(kA), v1::TIER_PUBLIC));

  // Neither in its column families nor in the files of its database.
  ASSERT_EQ(f.node(kB).Stop(), 0) << f.node(kB).log();
  const StoreBytes b = ReadStoreBytes(f, kB);
  EXPECT_THAT(b.families.at("log"), HasSubstr(kPublicSentinel));
  EXPECT_THAT(b.families.at("log"), HasSubstr("Vendor own-of-b"));
  ExpectNothingAbovePublic(b, "B");
}

// A node that stored a roster lowering its tier and crashed before dropping
// what it held above it drops it when it starts again. The crash is made by
// writing the roster into the stopped node's store, as InstallRoster does
// first ("roster" is the setting it uses).
TEST(FederationTierTest, ANodeThatCrashedAfterItsTierWasLoweredDropsAtStart) {
  constexpr int kA = 0, kB = 1;
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--no-gossip"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());
  grpc::Status put = f.Put(kA, SentinelProject("crash-lowered"));
  ASSERT_TRUE(put.ok()) << Describe(put);
  ASSERT_STATUS_OK(f.AddPeer(kB, kA));
  v1::SyncNowResponse synced;
  grpc::Status sync = SyncNow(f, kB, f.id(kA), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  v1::Project held;
  ASSERT_TRUE(GetAsAdmin(f, kB, "crash-lowered", &held).ok());
  ASSERT_TRUE(held.has_restricted() && held.has_expert());

  auto lowered = f.SignRoster({{f.id(kB), v1::TIER_PUBLIC}});
  ASSERT_STATUS_OK(lowered.status());
  ASSERT_EQ(f.node(kB).Stop(), 0) << f.node(kB).log();
  {
    auto store = OpenStoppedStore(f.node(kB).data_dir(), f.id(kB));
    ASSERT_STATUS_OK(store.status());
    ASSERT_STATUS_OK((*store)->PutSetting("roster", lowered->SerializeAsString()));
  }
  ASSERT_STATUS_OK(f.Start(kB));
  EXPECT_THAT(f.node(kB).log(), HasSubstr("dropped other members' data above this node's roster tier"));
  v1::Project project;
  ASSERT_TRUE(GetAsAdmin(f, kB, "crash-lowered", &project).ok());
  EXPECT_THAT(project.public_().title_fr(), HasSubstr(kPublicSentinel));
  EXPECT_FALSE(project.has_restricted());
  EXPECT_FALSE(project.has_expert());
  ASSERT_EQ(f.node(kB).Stop(), 0) << f.node(kB).log();
  const StoreBytes b = ReadStoreBytes(f, kB);
  ExpectNothingAbovePublic(b, "B");
}

// B's roster lowers it to public before A's does: B asks A for nothing above
// public, so A (still trusting B with everything) sends nothing B would
// have to refuse, and the sync reports no rejection.
TEST(FederationTierTest, ALoweredMemberAsksForNoMoreThanItsTier) {
  constexpr int kA = 0, kB = 1;
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--no-gossip"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());
  ASSERT_STATUS_OK(f.AddPeer(kB, kA));
  auto lowered = f.SignRoster({{f.id(kB), v1::TIER_PUBLIC}});
  ASSERT_STATUS_OK(lowered.status());
  ASSERT_STATUS_OK(f.InstallSignedRoster(kB, *lowered));  // B only: A still trusts it with expert

  grpc::Status put = f.Put(kA, SentinelProject("asks-less"));
  ASSERT_TRUE(put.ok()) << Describe(put);
  v1::SyncNowResponse synced;
  grpc::Status sync = SyncNow(f, kB, f.id(kA), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  ASSERT_EQ(synced.peers_size(), 1);
  EXPECT_EQ(synced.peers(0).last_error(), "");
  EXPECT_EQ(synced.peers(0).entries_rejected(), 0);
  auto status = StatusOf(f, kB);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(FrontierFor(*status, f.id(kA), v1::TIER_EXPERT).count(v1::TIER_PUBLIC), 1u);
  EXPECT_EQ(FrontierFor(*status, f.id(kA), v1::TIER_EXPERT).size(), 1u) << "B holds A's tiers above public";
  v1::Project project;
  ASSERT_TRUE(GetAsAdmin(f, kB, "asks-less", &project).ok());
  EXPECT_FALSE(project.has_restricted());
  EXPECT_FALSE(project.has_expert());
}

// A member removed from the roster: a relay that still holds its log sends
// it to no one, and a receiver whose roster dropped it first skips what a
// relay with the old roster still sends, without blaming the relay (whose
// syncs used to fail until its roster changed, resending the log each time).
TEST(FederationTierTest, ARemovedMembersLogIsNotSentAndNotBlamedOnItsRelay) {
  constexpr int kA = 0, kRelay = 1, kGone = 2;
  TempDir dir;
  FederationHarness f(dir.path(), 3, {"--no-gossip"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());
  ASSERT_STATUS_OK(f.AddPeer(kRelay, kGone));
  ASSERT_STATUS_OK(f.AddPeer(kA, kRelay));
  grpc::Status put = f.Put(kGone, SentinelProject("of-the-removed"));
  ASSERT_TRUE(put.ok()) << Describe(put);
  put = f.Put(kRelay, SentinelProject("of-the-relay"));
  ASSERT_TRUE(put.ok()) << Describe(put);
  v1::SyncNowResponse synced;
  grpc::Status sync = SyncNow(f, kRelay, f.id(kGone), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  ASSERT_TRUE(f.HasProject(kRelay, "of-the-removed"));
  f.Stop(kGone);
  auto without = f.SignRoster({{f.id(kGone), v1::TIER_UNSPECIFIED}});
  ASSERT_STATUS_OK(without.status());

  // A knows first: the relay still sends the removed member's log.
  ASSERT_STATUS_OK(f.InstallSignedRoster(kA, *without));
  sync = SyncNow(f, kA, f.id(kRelay), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  ASSERT_EQ(synced.peers_size(), 1);
  EXPECT_EQ(synced.peers(0).last_error(), "");
  EXPECT_EQ(synced.peers(0).entries_rejected(), 0);
  EXPECT_EQ(synced.peers(0).consecutive_failures(), 0);
  EXPECT_FALSE(f.HasProject(kA, "of-the-removed"));
  EXPECT_TRUE(f.HasProject(kA, "of-the-relay"));
  EXPECT_THAT(f.node(kA).log(), ::testing::HasSubstr("entries of an origin not in this node's roster skipped"));

  // Once the relay knows too, it sends none of it, nor lists it.
  ASSERT_STATUS_OK(f.InstallSignedRoster(kRelay, *without));
  sync = SyncNow(f, kA, f.id(kRelay), &synced);
  ASSERT_TRUE(sync.ok()) << Describe(sync);
  auto status = StatusOf(f, kA);
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->peers_size(), 1);
  EXPECT_EQ(status->peers(0).frontier_size(), 3) << "the relay's own three logs";
  for (const v1::FrontierEntry& entry : status->peers(0).frontier()) {
    EXPECT_NE(entry.origin(), f.id(kGone)) << "the relay still lists the removed member's log";
  }
}

// Hints tell a subscriber only of what it may receive: a public mirror
// subscribed to A hears nothing when A writes restricted or expert data (it
// used to hear of every commit, and so learnt when and how often they are
// written), and hears of a public write.
TEST(FederationTierTest, APublicSubscriberIsHintedOnlyOfPublicWrites) {
  constexpr int kA = 0, kMirror = 1;
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--no-gossip"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster({{f.id(kMirror), v1::TIER_PUBLIC}}));
  v1::Project project = SentinelProject("hinted");
  grpc::Status put = f.Put(kA, project);
  ASSERT_TRUE(put.ok()) << Describe(put);

  // Subscribed with the mirror's own TLS identity, as its node would.
  auto channel = TlsChannel(f.node(kA).address(), ReadTextFile(f.node(kA).certificate_file()),
                            ReadTextFile(f.node(kMirror).data_dir() + "/tls.key"),
                            ReadTextFile(f.node(kMirror).certificate_file()));
  auto stub = v1::Federation::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  v1::Hint first;
  ASSERT_TRUE(reader->Read(&first)) << Describe(reader->Finish());
  absl::Mutex mu;
  std::vector<v1::Hint> hints;
  std::thread listener([&] {
    v1::Hint hint;
    while (reader->Read(&hint)) {
      absl::MutexLock lock(&mu);
      hints.push_back(hint);
    }
  });
  const auto hints_so_far = [&] {
    absl::MutexLock lock(&mu);
    return hints.size();
  };

  v1::AddFeedbackRequest feedback;
  *feedback.mutable_feedback() = SentinelFeedback("hinted");
  v1::AddFeedbackResponse added;
  grpc::Status s = f.stubs(kA).contribute->AddFeedback(Context(Bearer(f.admin_token(kA))).get(), feedback, &added);
  ASSERT_TRUE(s.ok()) << Describe(s);
  project.mutable_restricted()->set_budget_eur(4343);
  project.mutable_expert()->set_license("Apache-2.0");
  put = f.Put(kA, project);  // its restricted and expert facets only
  ASSERT_TRUE(put.ok()) << Describe(put);
  absl::SleepFor(absl::Seconds(1.5));  // a hint comes within milliseconds of a commit
  EXPECT_EQ(hints_so_far(), 0u) << "hinted of a write above its tier";

  project.mutable_public_()->set_title_fr("Titre public changé");
  put = f.Put(kA, project);
  ASSERT_TRUE(put.ok()) << Describe(put);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (hints_so_far() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  context.TryCancel();
  listener.join();
  ASSERT_EQ(hints.size(), 1u);
  EXPECT_EQ(hints[0].seq(), first.seq() + 1) << "the public log's one new entry";
}

constexpr char kOldContact[] = "old-contact@example.org";
constexpr char kNewContact[] = "new-contact@example.org";

// What the restricted-tier editor of FederationRedactionTest writes: the
// public and restricted facets (an editor writes only the facets its tier
// reads).
v1::Project ContactProject(const std::string& id, const std::string& email) {
  v1::Project project = ThreeFacetProject(id, "redaction");
  project.clear_expert();
  project.mutable_restricted()->clear_contacts();
  v1::Contact* contact = project.mutable_restricted()->add_contacts();
  contact->set_role("Cheffe de projet");
  contact->set_email(email);
  contact->set_expires("2027-12-31");
  return project;
}

// A replicates a project naming the old contact to R, then replaces the
// contact and redacts the facet's history; R syncs again.
class FederationRedactionTest : public ::testing::Test {
 protected:
  static constexpr int kA = 0, kR = 1, kF = 2, kG = 3;

  // Nodes 1.. are restricted members; R (1) pulls from A (0).
  void StartFederation(int nodes) {
    f_ = std::make_unique<FederationHarness>(dir_.path(), nodes, std::vector<std::string>{"--no-gossip"});
    ASSERT_STATUS_OK(f_->StartAll());
    std::map<std::string, v1::Tier> tiers;
    for (int i = 1; i < nodes; ++i) tiers[f_->id(i)] = v1::TIER_RESTRICTED;
    ASSERT_STATUS_OK(f_->InstallRoster(tiers));
    ASSERT_STATUS_OK(f_->AddPeer(kR, kA));
    editor_ = f_->node(kA).IssueToken("restricted", "editor");
    ASSERT_FALSE(editor_.empty());
  }

  grpc::Status Put(const std::string& email) {
    v1::PutProjectRequest request;
    *request.mutable_project() = ContactProject(kId, email);
    v1::PutProjectResponse response;
    return f_->stubs(kA).contribute->PutProject(Context(Bearer(editor_)).get(), request, &response);
  }

  // The one contact node i serves its admin, or what went wrong.
  std::string ContactOn(int node) {
    v1::Project project;
    grpc::Status s = GetAsAdmin(*f_, node, kId, &project);
    if (!s.ok()) return Describe(s);
    if (project.restricted().contacts_size() != 1) return "contacts: " + project.restricted().DebugString();
    return project.restricted().contacts(0).email();
  }

  // A sync round of `node` with `peer`: entries applied, none rejected.
  void ExpectCleanRound(int node, const std::string& peer) {
    v1::SyncNowResponse response;
    grpc::Status s = SyncNow(*f_, node, peer, &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_EQ(response.peers_size(), 1);
    EXPECT_EQ(response.peers(0).entries_rejected(), 0) << f_->id(node) << " <- " << peer << "\n"
                                                       << response.peers(0).DebugString() << f_->node(node).log();
    EXPECT_EQ(response.peers(0).last_error(), "") << response.peers(0).DebugString();
    EXPECT_GT(response.entries_applied(), 0) << f_->id(node) << " <- " << peer;
  }

  void ReplicateThenRedact() {
    grpc::Status first = Put(kOldContact);
    ASSERT_TRUE(first.ok()) << Describe(first);
    ExpectCleanRound(kR, f_->id(kA));
    ASSERT_EQ(ContactOn(kR), kOldContact);

    grpc::Status second = Put(kNewContact);
    ASSERT_TRUE(second.ok()) << Describe(second);
    v1::RedactHistoryRequest redact;
    redact.set_id(kId);
    redact.set_tier(v1::TIER_RESTRICTED);
    v1::RedactHistoryResponse redacted;
    grpc::Status r = f_->stubs(kA).contribute->RedactHistory(Context(Bearer(editor_)).get(), redact, &redacted);
    ASSERT_TRUE(r.ok()) << Describe(r);
    EXPECT_EQ(ContactOn(kA), kNewContact);

    ExpectCleanRound(kR, f_->id(kA));
    EXPECT_EQ(ContactOn(kR), kNewContact);
  }

  const std::string kId = "redaction-contact";
  TempDir dir_;
  std::unique_ptr<FederationHarness> f_;
  std::string editor_;
};

TEST_F(FederationRedactionTest, RedactedContactLeavesEveryLogAndChainsStillVerify) {
  ASSERT_NO_FATAL_FAILURE(StartFederation(4));
  ASSERT_NO_FATAL_FAILURE(ReplicateThenRedact());
  FederationHarness& f = *f_;

  // Fresh nodes replay the redacted chains from scratch: F from A, G from R.
  ASSERT_STATUS_OK(f.AddPeer(kF, kA));
  ExpectCleanRound(kF, f.id(kA));
  EXPECT_EQ(ContactOn(kF), kNewContact);
  ASSERT_STATUS_OK(f.AddPeer(kG, kR));
  ExpectCleanRound(kG, f.id(kR));
  EXPECT_EQ(ContactOn(kG), kNewContact);
  auto origin_status = StatusOf(f, kA);
  ASSERT_TRUE(origin_status.ok());
  const auto want = FrontierFor(*origin_status, f.id(kA), v1::TIER_RESTRICTED);
  for (int node : {kR, kF, kG}) {
    auto status = StatusOf(f, node);
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(FrontierFor(*status, f.id(kA), v1::TIER_EXPERT), want) << f.id(node);
    EXPECT_EQ(status->entries_rejected(), 0) << f.id(node);
  }

  for (int node : {kA, kR, kF, kG}) EXPECT_EQ(f.node(node).Stop(), 0) << f.node(node).log();
  std::map<int, StoreBytes> bytes;
  for (int node : {kA, kR, kF, kG}) bytes[node] = ReadStoreBytes(f, node);

  for (int node : {kA, kR, kF, kG}) {
    SCOPED_TRACE(f.id(node));
    EXPECT_FALSE(absl::StrContains(bytes[node].families.at("log"), kOldContact)) << "the log keeps the old contact";
    EXPECT_FALSE(absl::StrContains(bytes[node].families.at("records"), kOldContact));
    EXPECT_EQ(WhereFound(bytes[node].families, kOldContact), "") << "old contact in these families";
    EXPECT_THAT(bytes[node].families.at("log"), HasSubstr(kNewContact));  // records only refer to it
  }
  // F and G never saw the old contact: not a byte of it on their disks.
  for (int node : {kF, kG}) EXPECT_EQ(WhereFound(bytes[node].files, kOldContact), "") << f.id(node);

  // The restricted log of A, as A and R hold it: put (payload dropped), put
  // (payload dropped), redaction restating the new contact; hashes chain.
  for (int node : {kA, kR}) {
    SCOPED_TRACE(f.id(node));
    auto store = OpenStoppedStore(f.node(node).data_dir(), f.id(node));
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<v1::LogEntry> log = WholeLog(**store, f.id(kA), v1::TIER_RESTRICTED);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_TRUE(log[0].payload().empty());
    EXPECT_TRUE(log[1].payload().empty());
    EXPECT_TRUE(log[2].redaction());
    EXPECT_THAT(log[2].payload(), HasSubstr(kNewContact));
    for (size_t i = 0; i < log.size(); ++i) {
      EXPECT_FALSE(log[i].payload_hash().empty()) << i;
      if (i > 0) {
        EXPECT_EQ(log[i].prev_hash(), catalog::EntryHash(log[i - 1])) << i;
      }
    }
  }
}

// Beyond what the log family shows: the redaction is for "personal data
// that must go", and the overwritten versions of the log entry (and of the
// record) that named the old contact would remain in the write-ahead log and
// in SST files until a compaction rewrote them; a redaction flushes and
// compacts. Read right after the nodes exited, before anything reopens
// their stores.
TEST_F(FederationRedactionTest, RedactedContactLeavesTheDatabaseFiles) {
  ASSERT_NO_FATAL_FAILURE(StartFederation(2));
  ASSERT_NO_FATAL_FAILURE(ReplicateThenRedact());
  for (int node : {kA, kR}) {
    ASSERT_EQ(f_->node(node).Stop(), 0) << f_->node(node).log();
    EXPECT_EQ(WhereFound(RawFiles(f_->node(node).data_dir() + "/db"), kOldContact), "")
        << f_->id(node) << ": these files of its database still hold '" << kOldContact << "' after the redaction";
  }
}

}  // namespace
}  // namespace bibia::testing
