// bibia_policy_bench: the cost of bibia's policy point (issue "Access tiers").
//
// (a) In process, one thread, each case for a bounded time (--seconds):
//     AccessControl::Identify with no credentials, with valid bearer tokens
//     (this node's public-reader and expert tokens, a roster member's token),
//     with a forged token, with a roster peer's client certificate; and the
//     pieces of a token check alone: ParseToken, VerifySignature, and an
//     Ed25519 verification with an OpenSSL key built once (what
//     VerifySignature would cost without rebuilding the key on every call).
// (b) End to end: the same node directory loaded with --docs synthetic
//     projects (CatalogStore::Import, batches of 1000) and copied; bibia-node
//     started on each copy at once — one with --insecure, one with TLS — and
//     --queries Catalog.Search calls per case after a warm-up, the cases
//     taking turns of one pass over the fixed query set (rotating which goes
//     first; alternating call by call between the two processes was tried
//     and hides most per-call differences under wake-up costs):
//     plaintext anonymous, plaintext expert token, TLS anonymous, TLS
//     public-reader token, TLS expert token. p50/p99 per case and ratios to
//     plaintext anonymous. Nodes run with --anonymous-rate 0 on 127.0.0.1.
//
// Build and run (2 cores: never more than -j2):
//   cmake -S /work/main -B /work/main/build-bench -DBIBIA_BUILD_BENCHMARKS=ON -DCMAKE_BUILD_TYPE=Release
//   cmake --build /work/main/build-bench -j2 --target bibia_policy_bench bibia-node
//   /work/main/build-bench/tests/bench/bibia_policy_bench            # defaults: --docs 10000 --queries 2000
//   /work/main/build-bench/tests/bench/bibia_policy_bench --help
// The report goes to stdout; it is a measurement, never a pass/fail test.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/access_control.h"
#include "access/node_files.h"
#include "access/roster.h"
#include "access/signing.h"
#include "access/token.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "catalog/store.h"
#include "catalog/clock.h"
#include "rocksdb/version.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/corpus.h"
#include "tests/bench/latency.h"

#ifndef BIBIA_BENCH_BUILD_TYPE
#define BIBIA_BENCH_BUILD_TYPE "unknown"
#endif

namespace bibia::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] = R"(bibia_policy_bench: the cost of bibia's policy point.

(a) in process: AccessControl::Identify per credential kind, ParseToken and
    VerifySignature alone, each for a bounded time; operations per second.
(b) end to end: a node directory loaded with synthetic projects and a copy of
    it; bibia-node on each at once, one with --insecure, one with TLS;
    Catalog.Search latency per case, the cases taking turns of one pass over
    the query set (plaintext / TLS, anonymous / public-reader token / expert
    token).

Usage:
  bibia_policy_bench [flags]

Flags:
  --docs N             projects loaded for the end-to-end part (default 10000)
  --queries N          timed Search calls per case (default 2000), after a
                       warm-up of every query once plus 200 calls per case
  --seconds N          time per in-process case (default 2)
  --dir PATH           working directory (must be empty or absent; kept).
                       Default: a fresh temporary directory, removed at the end
  --keep               keep the temporary directory
  --node-binary PATH   bibia-node (default: <build>/node/bibia-node)
  --seed N             corpus seed (default 42)
  -h, --help           this help
)";

constexpr int kImportBatch = 1000;
constexpr int kPageSize = 20;
constexpr int kWarmupCalls = 200;
constexpr auto kNodeStartDeadline = std::chrono::seconds(60);
constexpr auto kRpcDeadline = std::chrono::seconds(10);
constexpr int64_t kMaxIterations = 200000000;  // every timed loop has a count too

struct Flags {
  int64_t docs = 10000;
  int64_t queries = 2000;
  int64_t seconds = 2;
  std::string dir;
  bool keep = false;
  std::string node_binary;
  int64_t seed = 42;
};

int Usage(const std::string& error) {
  std::fprintf(stderr, "bibia_policy_bench: %s\nRun with --help for usage.\n", error.c_str());
  return 2;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "bibia_policy_bench: %s\n", what.c_str());
  std::printf("\nFAILED: %s\n", what.c_str());
  Line("load average at end", LoadAverage());
  return 1;
}

// In-process cases are timed in kSlices slices each, the cases taking turns
// slice by slice, so that a burst of other work on the shared machine is
// spread over all of them instead of hitting one.
constexpr int kSlices = 4;

struct OpsCase {
  std::string label;
  std::function<bool()> op;  // false: unexpected result (aborts the benchmark)
  std::string note;
  int64_t ops = 0;
  int64_t ns = 0;
  double min_rate = 0, max_rate = 0;  // per slice
  double us_per_op() const { return static_cast<double>(ns) / static_cast<double>(std::max<int64_t>(ops, 1)) / 1e3; }
};

// Runs every case for `seconds` in total; returns "" or the failing case.
std::string MeasureOps(int64_t seconds, std::vector<OpsCase>* cases) {
  for (OpsCase& c : *cases) {
    for (int i = 0; i < 256; ++i) {  // warm-up
      if (!c.op()) return c.label;
    }
  }
  const int64_t slice_ns = seconds * 1000000000LL / kSlices;
  for (int slice = 0; slice < kSlices; ++slice) {
    for (OpsCase& c : *cases) {
      int64_t ops = 0, ns = 0;
      bool ok = true;
      const auto start = Clock::now();
      while (ops < kMaxIterations) {
        for (int i = 0; i < 64; ++i) ok &= c.op();
        ops += 64;
        ns = NanosSince(start);
        if (ns >= slice_ns) break;
      }
      if (!ok) return c.label;
      c.ops += ops;
      c.ns += ns;
      const double rate = RatePerSecond(static_cast<double>(ops), ns);
      c.min_rate = slice == 0 ? rate : std::min(c.min_rate, rate);
      c.max_rate = slice == 0 ? rate : std::max(c.max_rate, rate);
    }
  }
  return "";
}

void ReportOps(const OpsCase& c) {
  Line(c.label,
       absl::StrCat(Pad(PerSecond(static_cast<double>(c.ops), c.ns), 12), " ",
                    Pad(Fixed(c.us_per_op(), 2) + " us/op", 13), " slices ",
                    Pad(absl::StrCat(WithCommas(static_cast<int64_t>(c.min_rate)), "..",
                                     WithCommas(static_cast<int64_t>(c.max_rate)), "/s"),
                        22),
                    " ", c.note),
       40);
}

// An Ed25519 verifier with the key built once, for comparison with
// access::VerifySignature, which builds an EVP_PKEY from the raw key per call.
class CachedKeyVerifier {
 public:
  explicit CachedKeyVerifier(const std::string& public_key)
      : key_(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                         reinterpret_cast<const unsigned char*>(public_key.data()),
                                         public_key.size())),
        ctx_(EVP_MD_CTX_new()) {}
  ~CachedKeyVerifier() {
    EVP_MD_CTX_free(ctx_);
    EVP_PKEY_free(key_);
  }
  bool Verify(const std::string& message, const std::string& signature) {
    if (key_ == nullptr) return false;
    EVP_MD_CTX_reset(ctx_);
    return EVP_DigestVerifyInit(ctx_, nullptr, nullptr, nullptr, key_) == 1 &&
           EVP_DigestVerify(ctx_, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  }

 private:
  EVP_PKEY* key_;
  EVP_MD_CTX* ctx_;
};

// ---- end to end -----------------------------------------------------------

struct Case {
  std::string name;
  std::string token;  // empty: anonymous
  std::unique_ptr<v1::Catalog::Stub> stub;
  std::vector<int64_t> samples_ns;
  std::vector<int64_t> totals;  // total_matches per query, to compare cases
};

// Warm-up (every query once, then kWarmupCalls calls) per case, then `rounds`
// timed calls per case in turns (below). Returns "" or an error.
std::string RunCases(std::vector<Case>* cases, const std::vector<v1::SearchRequest>& requests, int64_t rounds) {
  const auto call = [&](Case& c, size_t q, int64_t* ns) -> std::string {
    v1::SearchResponse response;
    auto context = Context(c.token, kRpcDeadline);
    const auto start = Clock::now();
    grpc::Status s = c.stub->Search(context.get(), requests[q], &response);
    if (ns != nullptr) *ns = NanosSince(start);
    if (!s.ok()) return absl::StrCat(c.name, ": Search '", requests[q].query(), "': ", Describe(s));
    c.totals[q] = response.total_matches();
    return "";
  };
  for (Case& c : *cases) {
    c.totals.assign(requests.size(), -1);
    c.samples_ns.clear();
    c.samples_ns.reserve(rounds);
    for (size_t q = 0; q < requests.size(); ++q) {
      if (std::string e = call(c, q, nullptr); !e.empty()) return e;
    }
    for (int i = 0; i < kWarmupCalls; ++i) {
      if (std::string e = call(c, i % requests.size(), nullptr); !e.empty()) return e;
    }
  }
  // Turns of one pass over the query set per case: consecutive calls go to
  // the same node (as a client's calls do), and slow changes of the
  // machine's load hit every case alike.
  const size_t n = cases->size();
  const int64_t block = static_cast<int64_t>(requests.size());
  for (int64_t first = 0, turn = 0; first < rounds; first += block, ++turn) {
    for (size_t k = 0; k < n; ++k) {
      Case& c = (*cases)[(static_cast<size_t>(turn) + k) % n];
      for (int64_t i = first; i < std::min(rounds, first + block); ++i) {
        const size_t q = static_cast<size_t>(i) % requests.size();
        int64_t ns = 0;
        if (std::string e = call(c, q, &ns); !e.empty()) return e;
        c.samples_ns.push_back(ns);
      }
    }
  }
  return "";
}

int Run(const Flags& flags) {
  std::printf("bibia policy benchmark (issue \"Access tiers\")\n");
  Line("machine", absl::StrCat(CpuModel(), ", ", sysconf(_SC_NPROCESSORS_ONLN), " cores online"));
  Line("build", absl::StrCat(BIBIA_BENCH_BUILD_TYPE, ", RocksDB ", ROCKSDB_MAJOR, ".", ROCKSDB_MINOR, ".",
                             ROCKSDB_PATCH, ", gRPC ", grpc::Version(), ", ", OpenSSL_version(OPENSSL_VERSION)));
  Line("parameters", absl::StrCat("--docs ", flags.docs, "  --queries ", flags.queries, "  --seconds ",
                                  flags.seconds, "  --seed ", flags.seed));
  Line("load average at start", absl::StrCat(LoadAverage(), "  (shared machine: other builds and tests may run)"));

  WorkDir work;
  if (absl::Status s = work.Create(flags.dir, "bibia-policy-bench", flags.keep); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  const fs::path dir = work.path();
  Line("directory", absl::StrCat(dir.string(), work.removed_at_end() ? " (removed at the end)" : " (kept)"));
  const std::string node_binary = flags.node_binary.empty() ? DefaultNodeBinary() : flags.node_binary;

  // Identities: this node and a second roster member, one operator.
  auto operator_key = access::SigningKey::Generate();
  if (!operator_key.ok()) return Fail(std::string(operator_key.status().message()));
  auto operator_pem = access::PublicKeyToPem(operator_key->PublicKey());
  if (!operator_pem.ok()) return Fail(std::string(operator_pem.status().message()));
  const std::string operator_file = (dir / "operator.pub").string();
  if (auto s = access::WriteNewFile(operator_file, *operator_pem, 0644); !s.ok()) return Fail(std::string(s.message()));
  const std::string node_dir = (dir / "node").string();
  const std::string peer_dir = (dir / "peer").string();
  for (const auto& [d, id] : {std::pair{node_dir, "bench-node"}, std::pair{peer_dir, "bench-peer"}}) {
    access::InitOptions init;
    init.node_id = id;
    init.collectivity = absl::StrCat("Banc d'essai ", id);
    init.operator_public_key_file = operator_file;
    if (auto s = access::InitNodeDirectory(d, init); !s.ok()) return Fail(absl::StrCat("init ", d, ": ", s.message()));
  }
  auto files = access::LoadNodeFiles(node_dir);
  if (!files.ok()) return Fail(std::string(files.status().message()));
  auto peer_files = access::LoadNodeFiles(peer_dir);
  if (!peer_files.ok()) return Fail(std::string(peer_files.status().message()));
  Line("node directory", absl::StrCat(node_dir, "  (access::InitNodeDirectory, node id 'bench-node')"));

  access::NodeSigner signer(files->key);
  catalog::Store::Options store_options;
  store_options.node_id = files->config.node_id();
  store_options.signer = &signer;
  auto opened = catalog::Store::Open(files->db_dir, store_options);
  if (!opened.ok()) return Fail(absl::StrCat("open store: ", opened.status().message()));
  std::unique_ptr<catalog::Store> store = std::move(*opened);
  access::AccessControl::Options access_options;
  access_options.anonymous_rate = 0;  // as the node runs here (--anonymous-rate 0)
  auto created = access::AccessControl::Create(access_options, &*files, store.get(), catalog::SystemClock());
  if (!created.ok()) return Fail(absl::StrCat("AccessControl::Create: ", created.status().message()));
  std::unique_ptr<access::AccessControl> access = std::move(*created);
  {
    v1::Roster roster;
    roster.set_version(1);
    roster.set_issued_unix_ms(NowUnixMillis());
    roster.set_federation("Banc d'essai");
    *roster.add_members() = MemberOf(*files, v1::TIER_EXPERT);
    *roster.add_members() = MemberOf(*peer_files, v1::TIER_RESTRICTED);
    auto installed = access->InstallRoster(access::SignRoster(roster, *operator_key));
    if (!installed.ok()) return Fail(absl::StrCat("InstallRoster: ", installed.status().message()));
  }
  Line("roster", "version 1: bench-node (expert), bench-peer (restricted), signed by the operator");

  const std::string public_token = MakeToken(*files, "lecteur@bench", v1::TIER_PUBLIC, v1::ROLE_READER);
  const std::string expert_token = MakeToken(*files, "experte@bench", v1::TIER_EXPERT, v1::ROLE_READER);
  const std::string peer_token = MakeToken(*peer_files, "agent@peer", v1::TIER_EXPERT, v1::ROLE_READER);
  std::string forged_token;
  {
    auto other = access::SigningKey::Generate();
    if (!other.ok()) return Fail(std::string(other.status().message()));
    v1::Token claims = access::NewTokenClaims(files->config.node_id(), "mallory@bench", v1::TIER_EXPERT,
                                              v1::ROLE_ADMIN, 3600, NowUnixMillis());
    forged_token = access::EncodeToken(claims, *other);
  }
  Line("tokens", absl::StrCat("wire size ", public_token.size(), " bytes (public reader), ", expert_token.size(),
                              " bytes (expert reader)"));

  // ---- (a) in process ----------------------------------------------------
  Section(absl::StrCat("(a) policy point in process: one thread, ", flags.seconds, " s per case"));
  const std::string address = "ipv4:127.0.0.1:41234";
  struct IdentifyCase {
    std::string label;
    access::AccessControl::Credentials credentials;
    bool expect_ok;
    v1::Tier expect_tier;
  };
  std::vector<IdentifyCase> identify_cases;
  identify_cases.push_back({"Identify: anonymous (no credentials)", {address, std::nullopt, std::nullopt}, true,
                            v1::TIER_PUBLIC});
  identify_cases.push_back({"Identify: public-reader token", {address, "Bearer " + public_token, std::nullopt}, true,
                            v1::TIER_PUBLIC});
  identify_cases.push_back({"Identify: expert token", {address, "Bearer " + expert_token, std::nullopt}, true,
                            v1::TIER_EXPERT});
  identify_cases.push_back({"Identify: roster member's token", {address, "Bearer " + peer_token, std::nullopt},
                            true, v1::TIER_RESTRICTED});
  identify_cases.push_back({"Identify: forged token (bad signature)", {address, "Bearer " + forged_token,
                                                                        std::nullopt},
                            false, v1::TIER_UNSPECIFIED});
  identify_cases.push_back({"Identify: peer certificate (mTLS)", {address, std::nullopt,
                                                                  peer_files->tls_certificate_pem},
                            true, v1::TIER_RESTRICTED});
  std::vector<OpsCase> cases;
  for (const IdentifyCase& c : identify_cases) {
    auto first = access->Identify(c.credentials);
    if (first.ok() != c.expect_ok || (first.ok() && first->tier != c.expect_tier)) {
      return Fail(absl::StrCat(c.label, ": unexpected result ",
                               first.ok() ? absl::StrCat("tier ", access::TierName(first->tier))
                                          : first.status().ToString()));
    }
    const std::string outcome = first.ok() ? absl::StrCat("-> ", access::Describe(*first), ", tier ",
                                                          access::TierName(first->tier))
                                           : absl::StrCat("-> ", absl::StatusCodeToString(first.status().code()));
    cases.push_back({c.label,
                     [&access, &c] { return access->Identify(c.credentials).ok() == c.expect_ok; },
                     outcome});
  }
  auto parsed = access::ParseToken(expert_token);
  if (!parsed.ok()) return Fail(std::string(parsed.status().message()));
  const std::string node_public_key = files->key.PublicKey();
  CachedKeyVerifier cached(node_public_key);
  cases.push_back({"ParseToken alone", [&] { return access::ParseToken(expert_token).ok(); },
                   absl::StrCat("(the ", expert_token.size(), "-byte expert token)")});
  cases.push_back({"VerifySignature alone",
                   [&] { return access::VerifySignature(node_public_key, parsed->signed_bytes, parsed->signature); },
                   "(access/signing.cc: Ed25519, EVP_PKEY rebuilt from the raw key per call)"});
  cases.push_back({"Ed25519 verify, key built once",
                   [&] { return cached.Verify(parsed->signed_bytes, parsed->signature); },
                   "(OpenSSL directly, for comparison)"});
  cases.push_back({"SigningKey::PublicKey() alone", [&] { return files->key.PublicKey().size() == 32; },
                   "(done per token of this node)"});
  Line("method", absl::StrCat(cases.size(), " cases taking turns in ", kSlices, " slices of ",
                              Fixed(static_cast<double>(flags.seconds) / kSlices, 2),
                              " s; rate = all ops / all time; slices = slowest..fastest slice"));
  if (std::string failed = MeasureOps(flags.seconds, &cases); !failed.empty()) {
    return Fail(failed + ": unexpected result during the timed loop");
  }
  std::map<std::string, const OpsCase*> by_label;
  for (const OpsCase& c : cases) {
    ReportOps(c);
    by_label[c.label] = &c;
  }
  {
    const double identify_us = by_label["Identify: expert token"]->us_per_op();
    const double anonymous_us = by_label["Identify: anonymous (no credentials)"]->us_per_op();
    const double parse_us = by_label["ParseToken alone"]->us_per_op();
    const double verify_us = by_label["VerifySignature alone"]->us_per_op();
    const double cached_us = by_label["Ed25519 verify, key built once"]->us_per_op();
    Line("token check split (expert token)",
         absl::StrCat(Fixed(identify_us, 2), " us = ParseToken ", Fixed(parse_us, 2), " + VerifySignature ",
                      Fixed(verify_us, 2), " + rest ", Fixed(identify_us - parse_us - verify_us, 2),
                      " (anonymous Identify: ", Fixed(anonymous_us, 2), " us)"),
         40);
    Line("VerifySignature / cached key",
         absl::StrCat(Fixed(verify_us / std::max(cached_us, 1e-9), 2), "x (", Fixed(verify_us - cached_us, 2),
                      " us per call building the EVP_PKEY from the raw key)"),
         40);
  }

  // ---- (b) end to end ----------------------------------------------------
  Section(absl::StrCat("(b) load ", WithCommas(flags.docs), " synthetic projects (CatalogStore::Import, batches of ",
                       kImportBatch, ", signed)"));
  CorpusGenerator generator(static_cast<uint64_t>(flags.seed));
  int64_t import_ns = 0, created_count = 0;
  {
    std::vector<v1::Project> batch;
    for (int64_t first = 1; first <= flags.docs; first += kImportBatch) {
      batch.clear();
      for (int64_t i = first; i < first + kImportBatch && i <= flags.docs; ++i) {
        batch.push_back(generator.Make(static_cast<int>(i)));
      }
      const auto start = Clock::now();
      auto imported = store->Import(batch, {});
      import_ns += NanosSince(start);
      if (!imported.ok()) return Fail(absl::StrCat("import: ", imported.status().message()));
      created_count += imported->created();
    }
  }
  Line("import", absl::StrCat(WithCommas(created_count), " projects in ", Ms(import_ns), " (",
                              PerSecond(static_cast<double>(created_count), import_ns), ")"));
  {
    const auto start = Clock::now();
    rocksdb::Status compacted = store->db()->raw()->CompactRange(
        rocksdb::CompactRangeOptions(), store->db()->family(catalog::Family::kIndex), nullptr, nullptr);
    if (!compacted.ok()) return Fail(absl::StrCat("compact: ", compacted.ToString()));
    Line("compaction of the index family", Ms(NanosSince(start)));
  }
  access.reset();
  store.reset();  // releases the RocksDB lock for the node
  Line("store on disk", Mib(DirectoryBytes(files->db_dir)));

  std::error_code exists_ec;
  if (!fs::exists(node_binary, exists_ec)) {
    return Fail(absl::StrCat("no node binary at ", node_binary, " (build target bibia-node or pass --node-binary)"));
  }
  const std::vector<std::string>& queries = QuerySet();
  std::vector<v1::SearchRequest> requests;
  for (const std::string& q : queries) {
    v1::SearchRequest r;
    r.set_query(q);
    r.set_page_size(kPageSize);
    requests.push_back(std::move(r));
  }

  Section(absl::StrCat("(b) end to end: Catalog.Search through bibia-node, ", WithCommas(flags.queries),
                       " calls per case, turns of ", queries.size(), " calls (one pass over the query set; page size ",
                       kPageSize, ")"));
  Line("node binary", node_binary);
  const std::vector<std::string> common = {"--anonymous-rate", "0", "--no-gossip"};
  const std::string tls_root = files->tls_certificate_pem;
  // Two copies of the loaded directory, one node each (same identity, so the
  // same tokens): both run at once and the five cases take turns (see
  // RunCases), so that other work on the shared machine hits every case alike.
  const std::string plain_dir = (dir / "node-plaintext").string();
  {
    std::error_code ec;
    fs::copy(node_dir, plain_dir, fs::copy_options::recursive, ec);
    if (ec) return Fail(absl::StrCat("copy ", node_dir, " to ", plain_dir, ": ", ec.message()));
  }
  Line("data directories", absl::StrCat(node_dir, " (TLS node), copied to ", plain_dir, " (plaintext node)"));
  NodeRunner plain_node(node_binary, plain_dir, (dir / "node-plaintext.log").string());
  NodeRunner tls_node(node_binary, node_dir, (dir / "node-tls.log").string());
  std::vector<Case> rpc_cases;
  for (bool insecure : {true, false}) {
    NodeRunner& node = insecure ? plain_node : tls_node;
    std::vector<std::string> node_flags = common;
    if (insecure) node_flags.push_back("--insecure");
    const auto start = Clock::now();
    auto listening = node.Start(node_flags, kNodeStartDeadline);
    if (!listening.ok()) return Fail(absl::StrCat("node start: ", listening.status().message()));
    Line(insecure ? "node (plaintext)" : "node (TLS)",
         absl::StrCat("'", node.command_line(), "' listening on ", *listening, " after ", Ms(NanosSince(start))));
    const auto add = [&](const std::string& name, const std::string& token) {
      auto channel = insecure ? PlaintextChannel(*listening) : TlsChannel(*listening, tls_root);
      if (!Connect(channel, std::chrono::seconds(10))) return false;
      Case c;
      c.name = name;
      c.token = token;
      c.stub = v1::Catalog::NewStub(channel);
      rpc_cases.push_back(std::move(c));
      return true;
    };
    bool connected = insecure ? add("plaintext, anonymous", "") && add("plaintext, expert token", expert_token)
                              : add("TLS, anonymous", "") && add("TLS, public-reader token", public_token) &&
                                    add("TLS, expert token", expert_token);
    if (!connected) return Fail(absl::StrCat("cannot connect to the node at ", *listening, "\n", node.LogTail(8)));
  }
  {
    std::string error = RunCases(&rpc_cases, requests, flags.queries);
    for (Case& c : rpc_cases) c.stub.reset();
    for (NodeRunner* node : {&plain_node, &tls_node}) {
      const int64_t hwm = ProcStatusKib(node->pid(), "VmHWM");
      Line(node == &plain_node ? "node stop (plaintext)" : "node stop (TLS)",
           absl::StrCat(node->Stop(), hwm > 0 ? absl::StrCat(", VmHWM ", Mib(hwm * 1024)) : ""));
    }
    if (!error.empty()) return Fail(absl::StrCat(error, "\nplaintext node:\n", plain_node.LogTail(6),
                                                 "TLS node:\n", tls_node.LogTail(6)));
  }

  std::vector<Case*> all;
  for (Case& c : rpc_cases) all.push_back(&c);
  const LatencySummary base = Summarize(all.front()->samples_ns);
  std::printf("\n  %s %10s %10s %10s %10s %10s %9s %9s\n", Pad("case", 28).c_str(), "p50", "p90", "p99", "max",
              "mean", "p50 ratio", "p99 ratio");
  std::map<std::string, LatencySummary> summaries;
  for (Case* c : all) {
    LatencySummary s = Summarize(c->samples_ns);
    summaries[c->name] = s;
    std::printf("  %s %10s %10s %10s %10s %10s %9s %9s\n", Pad(c->name, 28).c_str(), Micros(s.p50_ns).c_str(),
                Micros(s.p90_ns).c_str(), Micros(s.p99_ns).c_str(), Micros(s.max_ns).c_str(),
                Micros(static_cast<int64_t>(s.mean_ns)).c_str(),
                Fixed(static_cast<double>(s.p50_ns) / std::max<int64_t>(base.p50_ns, 1), 2).c_str(),
                Fixed(static_cast<double>(s.p99_ns) / std::max<int64_t>(base.p99_ns, 1), 2).c_str());
  }
  std::printf("  (ratios: to plaintext anonymous; each case %s calls)\n", WithCommas(flags.queries).c_str());
  int same = 0;
  for (size_t q = 0; q < queries.size(); ++q) {
    bool equal = true;
    for (Case* c : all) equal &= c->totals[q] == all.front()->totals[q];
    same += equal;
  }
  Line("same total_matches in every case", absl::StrCat(same, " of ", queries.size(), " queries"));
  const auto p50_delta = [&](const std::string& a, const std::string& b) {
    return Micros(summaries[a].p50_ns - summaries[b].p50_ns);
  };
  Line("TLS cost (p50, anonymous)", absl::StrCat(p50_delta("TLS, anonymous", "plaintext, anonymous"),
                                                 " (TLS anonymous - plaintext anonymous)"));
  Line("token cost (p50, plaintext)", absl::StrCat(p50_delta("plaintext, expert token", "plaintext, anonymous"),
                                                   " (expert token - anonymous, plaintext)"));
  Line("token cost (p50, TLS)", absl::StrCat(p50_delta("TLS, expert token", "TLS, anonymous"),
                                             " (expert token - anonymous, TLS)"));

  Section("end");
  Line("load average at end", absl::StrCat(LoadAverage(), "  (shared machine)"));
  return 0;
}

}  // namespace
}  // namespace bibia::bench

int main(int argc, char** argv) {
  using namespace bibia::bench;
  ParsedArgs args = ParseArgs(argc, argv, {"docs", "queries", "seconds", "dir", "node-binary", "seed"}, {"keep"});
  if (!args.error.empty()) return Usage(args.error);
  if (args.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Flags flags;
  std::string error;
  if (!ParseCount(args, "docs", 1, 1000000, &flags.docs, &error) ||
      !ParseCount(args, "queries", 1, 10000000, &flags.queries, &error) ||
      !ParseCount(args, "seconds", 1, 600, &flags.seconds, &error) ||
      !ParseCount(args, "seed", 0, INT64_MAX, &flags.seed, &error)) {
    return Usage(error);
  }
  if (auto it = args.values.find("dir"); it != args.values.end()) flags.dir = it->second;
  if (auto it = args.values.find("node-binary"); it != args.values.end()) flags.node_binary = it->second;
  flags.keep = args.switches.count("keep") > 0;
  return Run(flags);
}
