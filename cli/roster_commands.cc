// bibia roster init | add-node | remove-node | show | verify: the federation
// operator's roster file, edited offline with the operator's key
// (bibia_access_signing); no node is involved.
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "access/roster.h"
#include "access/signing.h"
#include "cli/absl_view.h"
#include "cli/admin_views.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/flag_values.h"
#include "cli/json_io.h"
#include "cli/roster_file.h"
#include "google/protobuf/struct.pb.h"

namespace bibia::cli {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// The value of a file flag; empty, or "-" where stdin cannot serve, is a
// usage error.
absl::StatusOr<std::string> FileFlag(const Invocation& invocation, std::string_view name,
                                     bool stdin_ok = false) {
  std::string value = invocation.Flag(name).value_or("");
  if (value.empty()) {
    return UsageError(absl::StrCat("--", AbslView(name), ": empty file name"), invocation.command);
  }
  if (value == "-" && !stdin_ok) {
    return UsageError(absl::StrCat("--", AbslView(name), ": '-' (stdin) is not possible here"),
                      invocation.command);
  }
  return value;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

Value StringValue(std::string_view text) {
  Value value;
  value.set_string_value(std::string(text));
  return value;
}

Value NumberValue(double number) {
  Value value;
  value.set_number_value(number);
  return value;
}

std::string JsonDocument(Struct document) {
  return ToJson(document);
}

std::string MemberCount(const v1::Roster& roster) {
  return absl::StrCat(roster.members_size(), " members");
}

// The operator key and the roster it signed: what add-node and remove-node
// start from. Refuses a roster that does not verify with the key.
struct OperatorRoster {
  access::SigningKey key;
  std::string roster_path;
  v1::Roster roster;
};

absl::StatusOr<OperatorRoster> LoadOperatorRoster(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<std::string> key_path = FileFlag(invocation, "key");
  if (!key_path.ok()) return key_path.status();
  absl::StatusOr<std::string> roster_path = FileFlag(invocation, "roster");
  if (!roster_path.ok()) return roster_path.status();
  absl::StatusOr<access::SigningKey> key = access::SigningKey::Load(*key_path);
  if (!key.ok()) return key.status();
  absl::StatusOr<v1::SignedRoster> signed_roster = ReadSignedRoster(*roster_path, context.in);
  if (!signed_roster.ok()) return signed_roster.status();
  absl::StatusOr<v1::Roster> roster = access::VerifyRoster(*signed_roster, key->PublicKey());
  if (!roster.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(*roster_path, ": does not verify with the public key of ", *key_path,
                     " (", roster.status().message(), "); refusing to modify it"));
  }
  return OperatorRoster{*std::move(key), *std::move(roster_path), *std::move(roster)};
}

// Bumps the version, stamps, checks, signs and replaces the roster file.
absl::Status SaveNextVersion(OperatorRoster& state) {
  state.roster.set_version(state.roster.version() + 1);
  state.roster.set_issued_unix_ms(absl::ToUnixMillis(absl::Now()));
  if (absl::Status valid = access::ValidateRoster(state.roster); !valid.ok()) return valid;
  const v1::SignedRoster signed_roster = access::SignRoster(state.roster, state.key);
  return ReplaceFileAtomically(state.roster_path, ToJson(signed_roster));
}

std::string EditResult(const CommandContext& context, const OperatorRoster& state,
                       std::string_view verb, std::string_view node_id) {
  if (context.global().json) {
    Struct document;
    (*document.mutable_fields())["roster_file"] = StringValue(state.roster_path);
    (*document.mutable_fields())[std::string(verb)] = StringValue(node_id);
    (*document.mutable_fields())["roster"] = ToJsonValue(state.roster);
    return JsonDocument(std::move(document));
  }
  const std::string_view preposition =
      verb == "added" ? " to " : verb == "removed" ? " from " : " in ";
  return absl::StrCat(AbslView(verb), " node ", AbslView(node_id), AbslView(preposition),
                      state.roster_path, ": version ", state.roster.version(), ", ",
                      MemberCount(state.roster), "\n");
}

}  // namespace

absl::StatusOr<std::string> RunRosterInit(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<std::string> key_path = FileFlag(invocation, "key");
  if (!key_path.ok()) return key_path.status();
  absl::StatusOr<std::string> roster_path = FileFlag(invocation, "roster");
  if (!roster_path.ok()) return roster_path.status();
  const std::string public_path = *key_path + ".pub";
  for (const std::string& path : {*key_path, public_path, *roster_path}) {
    if (Exists(path)) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, ": already exists; refusing to overwrite it"));
    }
  }

  absl::StatusOr<access::SigningKey> key = access::SigningKey::Generate();
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> public_pem = access::PublicKeyToPem(key->PublicKey());
  if (!public_pem.ok()) return public_pem.status();
  v1::Roster roster;
  roster.set_version(1);
  roster.set_issued_unix_ms(absl::ToUnixMillis(absl::Now()));
  roster.set_federation(invocation.Flag("federation").value_or(""));
  const std::string roster_json = ToJson(access::SignRoster(roster, *key));

  // Nothing is left behind when a later file cannot be written.
  if (absl::Status saved = key->Save(*key_path); !saved.ok()) return saved;
  if (absl::Status written = access::WriteNewFile(public_path, *public_pem, 0644);
      !written.ok()) {
    ::unlink(key_path->c_str());
    return written;
  }
  if (absl::Status written = access::WriteNewFile(*roster_path, roster_json, 0644);
      !written.ok()) {
    ::unlink(key_path->c_str());
    ::unlink(public_path.c_str());
    return written;
  }

  if (context.global().json) {
    Struct document;
    (*document.mutable_fields())["key_file"] = StringValue(*key_path);
    (*document.mutable_fields())["public_key_file"] = StringValue(public_path);
    (*document.mutable_fields())["roster_file"] = StringValue(*roster_path);
    (*document.mutable_fields())["roster"] = ToJsonValue(roster);
    return JsonDocument(std::move(document));
  }
  return absl::StrCat(
      "operator key  ", *key_path, " (private, mode 0600: keep it secret and offline)\n",
      "public key    ", public_path,
      " (give it to every node: <data dir>/operator.pub)\n",
      "roster        ", *roster_path, " (version 1, no members",
      roster.federation().empty() ? "" : absl::StrCat(", federation ", roster.federation()),
      ")\n");
}

absl::StatusOr<std::string> RunRosterAddNode(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<v1::Tier> tier = TierFromFlags(invocation);
  if (!tier.ok()) return tier.status();
  absl::StatusOr<std::string> identity_path = FileFlag(invocation, "identity", /*stdin_ok=*/true);
  if (!identity_path.ok()) return identity_path.status();
  absl::StatusOr<std::optional<std::string>> endpoint = EndpointFlag(invocation, "endpoint");
  if (!endpoint.ok()) return endpoint.status();
  absl::StatusOr<OperatorRoster> state = LoadOperatorRoster(context);
  if (!state.ok()) return state.status();
  absl::StatusOr<v1::NodeIdentity> identity = ReadNodeIdentity(*identity_path, context.in);
  if (!identity.ok()) return identity.status();

  v1::RosterMember member;
  member.set_node_id(identity->node_id());
  member.set_collectivity(identity->collectivity());
  member.set_public_key(identity->public_key());
  member.set_tls_fingerprint(identity->tls_fingerprint());
  member.set_tls_certificate(identity->tls_certificate());
  member.set_endpoint(endpoint->value_or(identity->endpoint()));
  member.set_max_tier(*tier);

  bool replaced = false;
  for (v1::RosterMember& existing : *state->roster.mutable_members()) {
    if (existing.node_id() == member.node_id()) {
      existing = member;
      replaced = true;
    }
  }
  if (!replaced) *state->roster.add_members() = std::move(member);
  if (absl::Status saved = SaveNextVersion(*state); !saved.ok()) return saved;
  return EditResult(context, *state, replaced ? "replaced" : "added", identity->node_id());
}

absl::StatusOr<std::string> RunRosterRemoveNode(const CommandContext& context) {
  const std::string& node_id = context.invocation.positionals[0];
  absl::StatusOr<OperatorRoster> state = LoadOperatorRoster(context);
  if (!state.ok()) return state.status();
  auto& members = *state->roster.mutable_members();
  const int before = members.size();
  for (int i = members.size() - 1; i >= 0; --i) {
    if (members.Get(i).node_id() == node_id) members.DeleteSubrange(i, 1);
  }
  if (members.size() == before) {
    return absl::NotFoundError(
        absl::StrCat(state->roster_path, ": no member with node id '", node_id, "'"));
  }
  if (absl::Status saved = SaveNextVersion(*state); !saved.ok()) return saved;
  return EditResult(context, *state, "removed", node_id);
}

absl::StatusOr<std::string> RunRosterShow(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<std::string> roster_path = FileFlag(invocation, "roster", /*stdin_ok=*/true);
  if (!roster_path.ok()) return roster_path.status();
  absl::StatusOr<v1::SignedRoster> signed_roster = ReadSignedRoster(*roster_path, context.in);
  if (!signed_roster.ok()) return signed_roster.status();
  absl::StatusOr<v1::Roster> roster = DecodeRoster(*signed_roster, *roster_path);
  if (!roster.ok()) return roster.status();

  std::string signature = "not checked (give --operator-key OP.key.pub)";
  std::string verdict = "not checked";
  std::string problem;
  if (std::optional<std::string> key_path = invocation.Flag("operator-key")) {
    absl::StatusOr<std::string> public_key = ReadOperatorPublicKey(*key_path);
    if (!public_key.ok()) return public_key.status();
    absl::StatusOr<v1::Roster> verified = access::VerifyRoster(*signed_roster, *public_key);
    if (verified.ok()) {
      verdict = "verifies";
      signature = absl::StrCat("verifies with ", *key_path);
    } else {
      verdict = "does not verify";
      problem = std::string(verified.status().message());
      signature = absl::StrCat("DOES NOT VERIFY with ", *key_path, ": ", problem);
    }
  }
  if (context.global().json) {
    Struct document;
    (*document.mutable_fields())["roster_file"] = StringValue(*roster_path);
    (*document.mutable_fields())["signature"] = StringValue(verdict);
    if (!problem.empty()) (*document.mutable_fields())["problem"] = StringValue(problem);
    (*document.mutable_fields())["roster"] = ToJsonValue(*roster);
    return JsonDocument(std::move(document));
  }
  return RenderRoster(*roster, signature);
}

absl::StatusOr<std::string> RunRosterVerify(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<std::string> roster_path = FileFlag(invocation, "roster", /*stdin_ok=*/true);
  if (!roster_path.ok()) return roster_path.status();
  absl::StatusOr<std::string> key_path = FileFlag(invocation, "operator-key");
  if (!key_path.ok()) return key_path.status();
  absl::StatusOr<std::string> public_key = ReadOperatorPublicKey(*key_path);
  if (!public_key.ok()) return public_key.status();
  absl::StatusOr<v1::SignedRoster> signed_roster = ReadSignedRoster(*roster_path, context.in);
  if (!signed_roster.ok()) return signed_roster.status();
  absl::StatusOr<v1::Roster> roster = access::VerifyRoster(*signed_roster, *public_key);
  if (!roster.ok()) {
    return absl::Status(roster.status().code(),
                        absl::StrCat(*roster_path, ": ", roster.status().message()));
  }
  if (context.global().json) {
    Struct document;
    (*document.mutable_fields())["roster_file"] = StringValue(*roster_path);
    (*document.mutable_fields())["verifies"].set_bool_value(true);
    (*document.mutable_fields())["version"] = NumberValue(static_cast<double>(roster->version()));
    (*document.mutable_fields())["members"] = NumberValue(roster->members_size());
    return JsonDocument(std::move(document));
  }
  return absl::StrCat("roster version ", roster->version(), " verifies (",
                      MemberCount(*roster), ")\n");
}

}  // namespace bibia::cli
