// The federation operator's offline roster commands through the real command
// flow: init, add-node, remove-node, show and verify on files in a temporary
// directory, and what they refuse to do.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "access/roster.h"
#include "access/signing.h"
#include "bibia/v1/identity.pb.h"
#include "cli/certificates.h"
#include "cli/errors.h"
#include "cli/json_io.h"
#include "cli/run.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kTestData = BIBIA_CLI_TESTDATA;

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result RunWith(std::vector<std::string> args, const Environment& env = {}) {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  const int code = Run(args, env, {.in = in, .out = out, .err = err, .err_is_tty = false});
  return {code, out.str(), err.str()};
}

std::string ReadText(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

int ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_mode & 0777;
}

class RosterCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bibia_roster_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string File(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `roster init` for OP.key/ROSTER.json in the test directory.
  void Init(const std::string& key, const std::string& roster) {
    const Result result = RunWith({"roster", "init", "--key", File(key), "--roster",
                                   File(roster), "--federation", "Les Interconnectés"});
    ASSERT_EQ(result.code, kExitOk) << result.err;
  }

  // A node identity with a fresh Ed25519 key, as `bibia-node identity` prints
  // it; `certificate` is a testdata file name or empty.
  std::string WriteIdentity(const std::string& node_id, const std::string& certificate,
                            std::string* public_key = nullptr) {
    absl::StatusOr<access::SigningKey> key = access::SigningKey::Generate();
    EXPECT_TRUE(key.ok());
    v1::NodeIdentity identity;
    identity.set_node_id(node_id);
    identity.set_collectivity("Collectivité " + node_id);
    identity.set_public_key(key->PublicKey());
    identity.set_endpoint(node_id + ".example.org:7700");
    if (!certificate.empty()) {
      identity.set_tls_certificate(ReadText(kTestData + "/" + certificate));
      identity.set_tls_fingerprint(*CertificateFingerprint(identity.tls_certificate()));
    }
    if (public_key != nullptr) *public_key = key->PublicKey();
    const std::string path = File(node_id + ".json");
    std::ofstream(path) << ToJson(identity);
    return path;
  }

  Result AddNode(const std::string& key, const std::string& identity, const std::string& tier,
                 std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"roster", "add-node", "--roster", File("roster.json"),
                                     "--key", File(key), "--identity", identity, "--tier", tier};
    args.insert(args.end(), more.begin(), more.end());
    return RunWith(args);
  }

  Result Verify(const std::string& roster = "roster.json",
                const std::string& public_key = "op.key.pub") {
    return RunWith({"roster", "verify", "--roster", File(roster), "--operator-key",
                    File(public_key)});
  }

  // The roster in roster.json, verified with op.key.pub.
  v1::Roster Current() {
    v1::SignedRoster signed_roster;
    EXPECT_TRUE(ParseJson(ReadText(File("roster.json")), signed_roster).ok());
    absl::StatusOr<std::string> key = access::PublicKeyFromPem(ReadText(File("op.key.pub")));
    EXPECT_TRUE(key.ok());
    absl::StatusOr<v1::Roster> roster = access::VerifyRoster(signed_roster, *key);
    EXPECT_TRUE(roster.ok()) << roster.status();
    return roster.ok() ? *roster : v1::Roster();
  }

  std::filesystem::path dir_;
};

TEST_F(RosterCommandsTest, InitWritesAPrivateKeyAPublicKeyAndASignedEmptyRoster) {
  const Result result = RunWith({"roster", "init", "--key", File("op.key"), "--roster",
                                 File("roster.json"), "--federation", "Les Interconnectés"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out,
            "operator key  " + File("op.key") +
                " (private, mode 0600: keep it secret and offline)\n"
                "public key    " + File("op.key.pub") +
                " (give it to every node: <data dir>/operator.pub)\n"
                "roster        " + File("roster.json") +
                " (version 1, no members, federation Les Interconnectés)\n");
  EXPECT_EQ(ModeOf(File("op.key")), 0600);
  EXPECT_THAT(ReadText(File("op.key.pub")), StartsWith("-----BEGIN PUBLIC KEY-----\n"));
  // The private key loads (SigningKey::Load insists on 0600) and matches the
  // public key file.
  absl::StatusOr<access::SigningKey> key = access::SigningKey::Load(File("op.key"));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*access::PublicKeyFromPem(ReadText(File("op.key.pub"))), key->PublicKey());

  const v1::Roster roster = Current();
  EXPECT_EQ(roster.version(), 1u);
  EXPECT_EQ(roster.federation(), "Les Interconnectés");
  EXPECT_EQ(roster.members_size(), 0);
  EXPECT_GT(roster.issued_unix_ms(), 0);

  const Result verify = Verify();
  EXPECT_EQ(verify.code, kExitOk) << verify.err;
  EXPECT_EQ(verify.out, "roster version 1 verifies (0 members)\n");
}

TEST_F(RosterCommandsTest, InitRefusesToOverwriteAndCreatesNothingThen) {
  std::ofstream(File("roster.json")) << "precious\n";
  Result result = RunWith(
      {"roster", "init", "--key", File("op.key"), "--roster", File("roster.json")});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err, "bibia: error: " + File("roster.json") +
                            ": already exists; refusing to overwrite it\n");
  EXPECT_FALSE(std::filesystem::exists(File("op.key")));
  EXPECT_FALSE(std::filesystem::exists(File("op.key.pub")));
  EXPECT_EQ(ReadText(File("roster.json")), "precious\n");

  Init("op2.key", "roster2.json");
  const std::string key_before = ReadText(File("op2.key"));
  result = RunWith(
      {"roster", "init", "--key", File("op2.key"), "--roster", File("roster3.json")});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("op2.key: already exists; refusing to overwrite it"));
  EXPECT_EQ(ReadText(File("op2.key")), key_before);
  EXPECT_FALSE(std::filesystem::exists(File("roster3.json")));
}

TEST_F(RosterCommandsTest, AddReplaceRemoveVerifyRoundTrip) {
  Init("op.key", "roster.json");
  std::string key_a;
  std::string key_b;
  const std::string nantes = WriteIdentity("nantes", "node_a.crt", &key_a);
  const std::string rennes = WriteIdentity("rennes", "node_b.crt", &key_b);

  Result result = AddNode("op.key", nantes, "restricted", {"--endpoint", "10.0.0.1:7700"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "added node nantes to " + File("roster.json") + ": version 2, 1 members\n");
  result = AddNode("op.key", rennes, "public");
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "added node rennes to " + File("roster.json") + ": version 3, 2 members\n");

  v1::Roster roster = Current();
  ASSERT_EQ(roster.members_size(), 2);
  EXPECT_EQ(roster.version(), 3u);
  EXPECT_EQ(roster.federation(), "Les Interconnectés");
  const v1::RosterMember& a = roster.members(0);
  EXPECT_EQ(a.node_id(), "nantes");
  EXPECT_EQ(a.collectivity(), "Collectivité nantes");
  EXPECT_EQ(a.public_key(), key_a);
  EXPECT_EQ(a.max_tier(), v1::TIER_RESTRICTED);
  EXPECT_EQ(a.endpoint(), "10.0.0.1:7700");  // --endpoint wins over the identity's
  EXPECT_EQ(a.tls_certificate(), ReadText(kTestData + "/node_a.crt"));
  EXPECT_EQ(access::Hex(a.tls_fingerprint()),
            "443a235c0f48078ad1286c4e63c53f4746f44a858006e35f9f89f98aa97ee629");
  EXPECT_EQ(roster.members(1).endpoint(), "rennes.example.org:7700");
  EXPECT_EQ(roster.members(1).public_key(), key_b);

  result = Verify();
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "roster version 3 verifies (2 members)\n");

  result = RunWith({"roster", "show", "--roster", File("roster.json"), "--operator-key",
                    File("op.key.pub")});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("version     3\nfederation  Les Interconnectés\nissued      "));
  // (A long path wraps onto the next line.)
  EXPECT_THAT(result.out, HasSubstr("signature   verifies with"));
  EXPECT_THAT(result.out, HasSubstr(File("op.key.pub") + "\nmembers"));
  EXPECT_THAT(result.out, HasSubstr("members     2\n\nNODE    COLLECTIVITY         TIER        "
                                    "ENDPOINT                 KEY               TLS FINGERPRINT\n"));
  EXPECT_THAT(result.out, HasSubstr("nantes  Collectivité nantes  restricted  10.0.0.1:7700  "));
  EXPECT_THAT(result.out, HasSubstr(access::Hex(key_a).substr(0, 16) + "  443a235c0f48078a\n"));

  // Same node id again: replaced in place, not added.
  result = AddNode("op.key", nantes, "expert");
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "replaced node nantes in " + File("roster.json") + ": version 4, 2 members\n");
  roster = Current();
  ASSERT_EQ(roster.members_size(), 2);
  EXPECT_EQ(roster.members(0).node_id(), "nantes");
  EXPECT_EQ(roster.members(0).max_tier(), v1::TIER_EXPERT);
  EXPECT_EQ(roster.members(0).endpoint(), "nantes.example.org:7700");

  result = RunWith({"roster", "remove-node", "--roster", File("roster.json"), "--key",
                    File("op.key"), "nantes"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "removed node nantes from " + File("roster.json") + ": version 5, 1 members\n");
  roster = Current();
  ASSERT_EQ(roster.members_size(), 1);
  EXPECT_EQ(roster.members(0).node_id(), "rennes");

  result = Verify();
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "roster version 5 verifies (1 members)\n");

  // Removing it again: NOT_FOUND, exit 1, file untouched.
  const std::string before = ReadText(File("roster.json"));
  result = RunWith({"roster", "remove-node", "--roster", File("roster.json"), "--key",
                    File("op.key"), "nantes"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "bibia: error: " + File("roster.json") +
                            ": no member with node id 'nantes'\n");
  EXPECT_EQ(ReadText(File("roster.json")), before);
  // No temporary file is left behind by the atomic replacements.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
        << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 5);  // op.key, op.key.pub, roster.json, nantes.json, rennes.json
}

TEST_F(RosterCommandsTest, AFlippedByteFailsVerification) {
  Init("op.key", "roster.json");
  ASSERT_EQ(AddNode("op.key", WriteIdentity("nantes", "node_a.crt"), "public").code, kExitOk);
  const std::string original = ReadText(File("roster.json"));
  ASSERT_EQ(Verify().code, kExitOk);

  // Flip one base64 character in the middle of the signed roster bytes: still
  // valid JSON and base64, different bytes.
  v1::SignedRoster signed_roster;
  ASSERT_TRUE(ParseJson(original, signed_roster).ok());
  std::string encoded;
  absl::Base64Escape(signed_roster.roster(), &encoded);
  const size_t at = original.find(encoded);
  ASSERT_NE(at, std::string::npos);
  std::string tampered = original;
  char& c = tampered[at + encoded.size() / 2];
  c = c == 'A' ? 'B' : 'A';
  ASSERT_NE(tampered, original);
  std::ofstream(File("tampered.json"), std::ios::binary) << tampered;

  const Result result = Verify("tampered.json");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("bibia: error: " + File("tampered.json") + ": "));

  // A flip in the signature fails too.
  tampered = original;
  const size_t signature_at = original.find("\"signature\": \"") + 20;
  tampered[signature_at] = tampered[signature_at] == 'A' ? 'B' : 'A';
  std::ofstream(File("tampered_signature.json"), std::ios::binary) << tampered;
  EXPECT_EQ(Verify("tampered_signature.json").code, kExitFailure);

  // show still displays it, and says it does not verify.
  const Result show = RunWith({"roster", "show", "--roster", File("tampered_signature.json"),
                               "--operator-key", File("op.key.pub")});
  EXPECT_EQ(show.code, kExitOk) << show.err;
  EXPECT_THAT(show.out, HasSubstr("signature   DOES NOT VERIFY with"));
  EXPECT_THAT(show.out, HasSubstr("signature does not verify with the operator's public key"));
}

TEST_F(RosterCommandsTest, AWrongOperatorKeyRefusesAndLeavesTheFileUnchanged) {
  Init("op.key", "roster.json");
  Init("other.key", "other_roster.json");
  const std::string nantes = WriteIdentity("nantes", "node_a.crt");
  const std::string before = ReadText(File("roster.json"));

  const Result result = AddNode("other.key", nantes, "public");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("bibia: error: " + File("roster.json") +
                                     ": does not verify with the public key of " +
                                     File("other.key")));
  EXPECT_THAT(result.err, HasSubstr("refusing to modify it"));
  EXPECT_EQ(ReadText(File("roster.json")), before);

  const Result remove = RunWith({"roster", "remove-node", "--roster", File("roster.json"),
                                 "--key", File("other.key"), "nantes"});
  EXPECT_EQ(remove.code, kExitFailure);
  EXPECT_EQ(ReadText(File("roster.json")), before);

  // verify with the other operator's public key fails as well.
  const Result verify = Verify("roster.json", "other.key.pub");
  EXPECT_EQ(verify.code, kExitFailure);
  EXPECT_THAT(verify.err, HasSubstr("signature does not verify"));
}

TEST_F(RosterCommandsTest, AKeyReadableByOthersIsRefused) {
  Init("op.key", "roster.json");
  ASSERT_EQ(::chmod(File("op.key").c_str(), 0644), 0);
  const std::string before = ReadText(File("roster.json"));
  const Result result = AddNode("op.key", WriteIdentity("nantes", ""), "public");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("private key is accessible by group or others"));
  EXPECT_EQ(ReadText(File("roster.json")), before);
}

TEST_F(RosterCommandsTest, IdentityWhoseFingerprintDoesNotMatchItsCertificateIsRefused) {
  Init("op.key", "roster.json");
  const std::string before = ReadText(File("roster.json"));
  v1::NodeIdentity identity;
  std::istringstream no_stdin;
  ASSERT_TRUE(ParseJson(ReadText(WriteIdentity("nantes", "node_a.crt")), identity).ok());
  identity.set_tls_fingerprint(*CertificateFingerprint(ReadText(kTestData + "/node_b.crt")));
  std::ofstream(File("forged.json")) << ToJson(identity);
  Result result = AddNode("op.key", File("forged.json"), "public");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err, "bibia: error: " + File("forged.json") +
                            ": tls_fingerprint is not the SHA-256 of tls_certificate\n");
  EXPECT_EQ(ReadText(File("roster.json")), before);

  identity.set_public_key("short");
  std::ofstream(File("short.json")) << ToJson(identity);
  result = AddNode("op.key", File("short.json"), "public");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("public_key: expected 32 bytes, got 5"));
}

TEST_F(RosterCommandsTest, UsageErrors) {
  Result result = RunWith({"roster", "add-node", "--roster", File("roster.json"), "--key",
                           File("op.key"), "--identity", File("n.json"), "--tier", "top"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: --tier: unknown value 'top'"));
  result = RunWith({"roster", "verify", "--roster", File("roster.json")});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: missing required flag --operator-key OP.key.pub"));
  result = RunWith({"roster", "remove-node", "--roster", "-", "--key", File("op.key"), "x"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: --roster: '-' (stdin) is not possible here"));
}

TEST_F(RosterCommandsTest, OfflineCommandsNeitherReadTheConfigNorNeedANode) {
  Init("op.key", "roster.json");
  std::ofstream(File("config")) << "this is not a config file\n";
  const Environment env{.config = File("config")};
  Result result = RunWith({"roster", "verify", "--roster", File("roster.json"),
                           "--operator-key", File("op.key.pub")},
                          env);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  // The same config breaks a command that talks to a node.
  result = RunWith({"stats"}, env);
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, HasSubstr(File("config") + ":1: expected 'key = value'"));
}

TEST_F(RosterCommandsTest, JsonOutput) {
  Init("op.key", "roster.json");
  Result result = RunWith({"--json", "roster", "verify", "--roster", File("roster.json"),
                           "--operator-key", File("op.key.pub")});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  google::protobuf::Struct document;
  ASSERT_TRUE(ParseJson(result.out, document).ok()) << result.out;
  EXPECT_TRUE(document.fields().at("verifies").bool_value());
  EXPECT_EQ(document.fields().at("version").number_value(), 1);

  result = RunWith({"--json", "roster", "show", "--roster", File("roster.json")});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  ASSERT_TRUE(ParseJson(result.out, document).ok()) << result.out;
  EXPECT_EQ(document.fields().at("signature").string_value(), "not checked");
  EXPECT_EQ(document.fields().at("roster").struct_value().fields().at("federation").string_value(),
            "Les Interconnectés");
}

TEST(CertificatesTest, FingerprintIsTheSha256OfTheDerCertificate) {
  // openssl x509 -in node_a.crt -noout -fingerprint -sha256
  absl::StatusOr<std::string> fingerprint =
      CertificateFingerprint(ReadText(kTestData + "/node_a.crt"));
  ASSERT_TRUE(fingerprint.ok()) << fingerprint.status();
  EXPECT_EQ(access::Hex(*fingerprint),
            "443a235c0f48078ad1286c4e63c53f4746f44a858006e35f9f89f98aa97ee629");
  EXPECT_EQ(*CountCertificates(ReadText(kTestData + "/node_a.crt") +
                               ReadText(kTestData + "/node_b.crt")),
            2);
  EXPECT_FALSE(CountCertificates("no certificate").ok());
  EXPECT_FALSE(CountCertificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").ok());
}

}  // namespace
}  // namespace bibia::cli
