#include "cli/command_specs.h"

namespace bibia::cli {
namespace {

constexpr std::string_view kGlobalHelp =
    R"(Usage: bibia [--node HOST:PORT] [--json] [--timeout SECONDS] COMMAND ...
             [--ca FILE | --roster FILE | --insecure] [--token TOKEN]

Command-line client of a bibia node: reads and writes the catalogue of
territorial AI projects over gRPC (TLS by default), administers the node,
and keeps the federation operator's roster file.

Commands:
  project put FILE.json       create or replace a project ('-' reads stdin)
  project get ID              show one project
  project list                list projects, with filters
  project delete ID           delete a project
  project redact ID --tier T  erase the past versions of a facet, everywhere
  search "QUERY"              full-text search, with filters and facet counts
  feedback add PROJECT_ID     record a return on experience about a project
  feedback list PROJECT_ID    show the feedback about a project
  import FILE.json            bulk-import a demo catalogue file
  stats                       totals and per-facet counts of the catalogue
  export FORMAT [-o FILE]     open-data export: dcat, csv, register, register-csv

Artifacts (a token of tier expert; push and delete: an editor of the node):
  artifact push PROJECT_ID FILE   send a model, dataset or source bundle
  artifact pull PROJECT_ID/NAME   fetch and verify it (only what you lack)
  artifact list [PROJECT_ID]      list the artifacts the node holds
  artifact show REF               manifest, model card, lineage both ways
  artifact delete REF             delete one version, its chunks erased
  artifact verify                 re-hash every chunk the node stores (admin)

Node administration (a token with role admin):
  token issue                 issue a bearer token, print it alone
  token revoke TOKEN_ID       revoke a token
  token list                  list the tokens the node issued
  audit                       show the node's audit log, newest first
  roster install FILE         install a signed roster on the node
  roster get                  show the node's roster

Federation (a token with role admin):
  peer add NODE_ID            sync with a roster member from now on
  peer remove NODE_ID         stop syncing with a peer
  peer list                   show the peers and how their last rounds went
  sync                        run a sync round now, with every peer or one
  federation status           log positions, each peer's lag, peers' health

Federation operator (local files, no node):
  roster init                 create the operator key and an empty roster
  roster add-node             add or replace a member node, re-sign
  roster remove-node NODE_ID  remove a member node, re-sign
  roster show                 show a roster file
  roster verify               check a roster file's signature

Global flags (before or after the command):
  --node HOST:PORT     node to talk to (default 127.0.0.1:7700)
  --ca FILE            trust the PEM certificate(s) in FILE, e.g. the node's
                       <data dir>/tls.crt
  --roster FILE        trust the TLS certificates of every member of the
                       roster FILE (may be combined with --ca)
  --insecure           plaintext gRPC, for a node started with --insecure
  --token TOKEN        bearer token sent with every call ('' sends none)
  --json               print the node's response as one JSON document
  --timeout SECONDS    deadline of each call to the node (default: 10)
  -h, --help           show this help; 'bibia COMMAND --help' for a command
  --version            print bibia's version (alone)
Without --ca, --roster or --insecure, bibia uses TLS with the system's
trusted roots, which do not trust a node's own self-signed certificate.

Environment:
  BIBIA_NODE           default of --node
  BIBIA_TOKEN          default of --token
  BIBIA_CA             default of --ca
  BIBIA_INSECURE=1     default of --insecure
  BIBIA_CONFIG         config file (default: $HOME/.config/bibia/config)

Config file: lines "key = value" with the keys node, token, ca (relative to
the file's directory) and insecure (true/false); '#' starts a comment. A
missing default file is fine. Flags override the environment, which
overrides the file; of --ca/--roster/--insecure, BIBIA_CA/BIBIA_INSECURE and
ca/insecure, the first level that sets any of them decides alone.
  # ~/.config/bibia/config
  node = node.example.org:7700
  ca = nantes-tls.crt
  token = bibia1.CiQ...

Values of --domain, --status and --kind are short lowercase names (water,
production, success_factor); 'bibia COMMAND --help' lists them.

Examples:
  bibia --ca /var/lib/bibia/tls.crt stats
  bibia search "détection de fuites" --domain water
  bibia --node node.example.org:7700 project list --status production --all
  bibia --insecure project get nantes-fuites-reseau --json
  bibia import deploy/demo/projects.json
  export BIBIA_TOKEN=$(bibia token issue --subject alice@nantes \
      --tier restricted --role editor --ttl 7d)

Exit status: 0 on success, 1 on an error of the node, the network or a file,
2 on a usage error.
)";

constexpr std::string_view kProjectHelp =
    R"(Usage: bibia project SUBCOMMAND ...

Read and write single projects.

Subcommands:
  put FILE.json    create or replace a project ('-' reads stdin)
  get ID           show one project
  list             list projects, with filters
  delete ID        delete a project
  redact ID        erase the past versions of one facet, on every node

Examples:
  bibia project get nantes-fuites-reseau
  bibia project list --domain water

Run 'bibia project SUBCOMMAND --help' for the flags of a subcommand.
)";

constexpr std::string_view kProjectPutHelp =
    R"(Usage: bibia project put FILE.json

Creates or replaces a project. FILE.json holds one bibia.v1.Project in the
protobuf JSON mapping, with its facets:
  {"public": {"id": "...", "title_fr": "...", "domain": "DOMAIN_WATER", ...},
   "restricted": {...}, "expert": {...}}
Unknown fields are errors. '-' reads the project from stdin.
Prints "created ID", "updated ID", or "unchanged ID" when the project is
identical to the stored one (nothing is written).

Examples:
  bibia project put nantes-fuites-reseau.json
  cat project.json | bibia project put -
)";

constexpr std::string_view kProjectGetHelp =
    R"(Usage: bibia project get ID

Shows one project: the facets (public, restricted, expert) that your access
tier allows. With --json, prints the node's GetProjectResponse.

Examples:
  bibia project get nantes-fuites-reseau
  bibia project get nantes-fuites-reseau --json
)";

constexpr std::string_view kProjectListHelp =
    R"(Usage: bibia project list [FILTERS] [--limit N] [--page-token T] [--all]
                          [--wide]

Lists projects as a table (ID, DOMAIN, STATUS, YEAR, COLLECTIVITY, TITLE).
Long collectivity names and titles are cut with "…" unless --wide.

Filters:
  --domain D          one of: ecological_transition, maintenance, mobility,
                      waste, water, energy, public_services,
                      citizen_participation, urban_planning, health_social,
                      security, culture_tourism, administration
  --status S          one of: idea, experiment, pilot, production, stopped
  --region R          French administrative region, e.g. "Bretagne"
  --collectivity C    collectivity name, e.g. "Rennes Métropole", or words
                      of it: "nantes" matches "Ville de Nantes" and
                      "Nantes Métropole"
  --technique T       technique, e.g. "computer vision", or words of it

Paging:
  --limit N           projects per page (node default 50, at most 500)
  --page-token T      the page after the one that printed this token
  --all               follow page tokens and list every page

Output:
  --wide              print names and titles whole

Examples:
  bibia project list --domain water --status production
  bibia project list --all --json
)";

constexpr std::string_view kProjectDeleteHelp =
    R"(Usage: bibia project delete ID

Deletes a project and its facets. Prints "deleted ID".

Example:
  bibia project delete nantes-fuites-reseau
)";

constexpr std::string_view kProjectRedactHelp =
    R"(Usage: bibia project redact ID --tier TIER

Erases the history of one facet of a project that this node owns: the node
writes a redaction entry restating the facet's current value, and every node
of the federation drops the earlier versions of that facet when the entry
reaches it. The current value stays: to get rid of a value, first put the
corrected project, then redact. Needs a token with role editor.
On success, prints
  redacted the history of ID (TIER facet)

Required:
  --tier TIER    the facet: public, restricted or expert

Examples:
  bibia project put nantes-fuites-reseau.json
  bibia project redact nantes-fuites-reseau --tier restricted
)";

constexpr std::string_view kSearchHelp =
    R"(Usage: bibia search "QUERY" [FILTERS] [--limit N] [--page-token T] [--wide]

Full-text search over titles, summaries, tags, techniques, data sources,
collectivity and region. Words match as typed, by stem ("détecter" finds
"détection"), through the field thesaurus ("encombrants" finds "bulky
waste"), and within a typo or two for words of 5+ letters the catalogue does
not hold; the last word of QUERY (4+ letters) also matches as a prefix; a
short word in capitals ("PLU") is an exact acronym. Stop and question words
("comment", "quels", "how") are ignored. When fewer than a page of projects
holds every word, the closest matches follow (the most words first), under
the line "no project has every word; closest matches". When nothing matches,
a "did you mean" line may suggest a word. Prints a table (SCORE, ID, DOMAIN,
STATUS, TITLE; long titles cut with "…" unless --wide), the facet counts
over all matches, the number of matches and the next page token.

Filters:
  --domain D          one of: ecological_transition, maintenance, mobility,
                      waste, water, energy, public_services,
                      citizen_participation, urban_planning, health_social,
                      security, culture_tourism, administration
  --status S          one of: idea, experiment, pilot, production, stopped
  --region R          French administrative region (or words of it)
  --collectivity C    collectivity name (or words of it, e.g. "nantes")
  --technique T       technique (or words of it, e.g. "forecasting")

Paging:
  --limit N           hits per page (node default 20, at most 100)
  --page-token T      the page after the one that printed this token

Output:
  --wide              print titles whole

Examples:
  bibia search "détection de fuites"
  bibia search "quels projets utilisent des images aériennes"
  bibia search callbot --domain public_services --limit 5
)";

constexpr std::string_view kFeedbackHelp =
    R"(Usage: bibia feedback SUBCOMMAND ...

Returns on experience about projects.

Subcommands:
  add PROJECT_ID    record a feedback item
  list PROJECT_ID   show the feedback about a project

Examples:
  bibia feedback list nantes-fuites-reseau
  bibia feedback add nantes-fuites-reseau --kind lesson --text "..."

Run 'bibia feedback SUBCOMMAND --help' for the flags of a subcommand.
)";

constexpr std::string_view kFeedbackAddHelp =
    R"(Usage: bibia feedback add PROJECT_ID --kind KIND --text TEXT [OPTIONS]

Records a feedback item about a project and prints its new id.

Required:
  --kind KIND                    one of: difficulty, success_factor, lesson,
                                 reuse_report
  --text TEXT                    the feedback itself (or, without it, --outcome)

Options:
  --objective TEXT               what the project set out to do
  --outcome TEXT                 what came of it
  --would-do-differently TEXT    what you would change
  --author COLLECTIVITY          the collectivity giving the feedback
  --cost-eur AMOUNT              cost in euros
  --duration-months N            duration in months

Example:
  bibia feedback add nantes-fuites-reseau --kind success_factor \
      --text "Field teams were involved from the start" \
      --author "Rennes Métropole"
)";

constexpr std::string_view kArtifactHelp =
    R"(Usage: bibia artifact SUBCOMMAND ...

Model artifacts, datasets, notebooks and source bundles of a project, cut
into content-defined chunks stored once by SHA-256: a push sends only the
chunks the node lacks, a pull fetches only those the client lacks, and
every chunk and the whole file are checked against the signed manifest.
Every subcommand needs a token of tier expert; push and delete a token of
the project's node with role editor; verify a token of the node with role
admin.

Subcommands:
  push PROJECT_ID FILE --name N --kind K --format F --licence L
  pull PROJECT_ID/NAME[@VERSION] [-o FILE] [--from OLDFILE]
  list [PROJECT_ID]
  show PROJECT_ID/NAME[@VERSION]
  delete PROJECT_ID/NAME@VERSION
  verify

Examples:
  bibia artifact push nantes-cantine model.onnx --name attendance \
      --kind model --format onnx --licence Apache-2.0
  bibia artifact pull nantes-cantine/attendance -o model.onnx

Run 'bibia artifact SUBCOMMAND --help' for the flags of a subcommand.
See docs/artifacts.md for the design.
)";

constexpr std::string_view kArtifactPushHelp =
    R"(Usage: bibia artifact push PROJECT_ID FILE --name NAME --kind KIND
             --format FORMAT --licence SPDX [OPTIONS]

Chunks FILE as it reads it (never whole in memory), asks the node which
chunks it lacks, sends only those (the node re-hashes each), then commits
the manifest in the project's expert-tier log. A rerun after an
interruption sends only what had not arrived. Progress on a terminal.

Required:
  --name NAME          artifact name: letters, digits, '.', '_', '-'
  --kind KIND          model, dataset, notebook or source
  --format FORMAT      onnx, safetensors, gguf, pickle, joblib, parquet,
                       csv, zip, git-bundle or other
  --licence SPDX       licence of the file, e.g. Apache-2.0

Options:
  --version V          version (default: the next integer for NAME);
                       versions are immutable
  --base P/N@V         the artifact this one derives from (lineage)
  --card FILE.json     model card: {"intendedUse": "...", "limitations":
                       "...", "trainingData": "...",
                       "metrics": [{"name": "f1", "value": 0.91}]}
  --json               print a summary: bytes and chunks sent, reused, seconds

Example:
  bibia artifact push nantes-cantine model.onnx --name attendance \
      --kind model --format onnx --licence Apache-2.0
)";

constexpr std::string_view kArtifactPullHelp =
    R"(Usage: bibia artifact pull PROJECT_ID/NAME[@VERSION] [-o FILE]
             [--from OLDFILE]

Fetches an artifact (the latest version without @VERSION) from the node,
with only the chunks the client lacks: those of a partial earlier pull
(FILE.bibia-partial, kept when a pull is interrupted) and, with --from,
those of an older version on disk. Every chunk and the whole file are
verified against the manifest; the file is written to a temporary file,
fsynced and renamed: a wrong file is never written. Pulling a pickle or
joblib file warns that loading it runs code.

Options:
  -o, --output FILE    where to write (default: NAME in this directory)
  --from OLDFILE       reuse the chunks of an older version on disk
  --json               print a summary: bytes and chunks fetched, reused,
                       seconds

Example:
  bibia artifact pull nantes-cantine/attendance@2 -o model.onnx \
      --from model-v1.onnx
)";

constexpr std::string_view kArtifactListHelp =
    R"(Usage: bibia artifact list [PROJECT_ID]

Lists the artifacts the node holds (of one project, or all): id, kind,
format, size, licence, creation time and the node that published it.

Example:
  bibia artifact list nantes-cantine
)";

constexpr std::string_view kArtifactShowHelp =
    R"(Usage: bibia artifact show PROJECT_ID/NAME[@VERSION]

Shows a manifest: kind, format, size, SHA-256, licence, model card, what
it is based on and which artifacts held by the node are based on it.

Example:
  bibia artifact show nantes-cantine/attendance@2
)";

constexpr std::string_view kArtifactDeleteHelp =
    R"(Usage: bibia artifact delete PROJECT_ID/NAME@VERSION

Deletes one version (a tombstone in the project's expert log). The chunks
no other manifest held by the node references are collected, and their
bytes erased from the node's database files (the chunk files are
rewritten: on a large store this takes a while, so the call may run for up
to 30 times --timeout). Every expert member that receives the tombstone
collects and erases its own copies of them.

Example:
  bibia artifact delete nantes-cantine/attendance@1
)";

constexpr std::string_view kArtifactVerifyHelp =
    R"(Usage: bibia artifact verify [--json]

Asks the node to read back every chunk it stores and hash it again, page by
page (about 256 MiB per call, so each call stays within --timeout). A chunk
that cannot be read, is missing, has another size than recorded or does not
match its SHA-256 is damaged: the node removes it from its store, so that
the next push of an artifact holding it sends it again (a push sends only
the chunks the node lacks); a member's node fetches it again from another
node at the next pull of an artifact of another origin that holds it.
Prints how many chunks and bytes were checked and the damaged ones (hash
and reason, the first 1,000). Needs a token of this node with role admin
and tier expert.

Options:
  --json               print the report: chunksChecked, bytesChecked,
                       chunksDamaged, damaged ["HASH: reason"], seconds

Example:
  bibia artifact verify
)";

constexpr std::string_view kFeedbackListHelp =
    R"(Usage: bibia feedback list PROJECT_ID

Shows the feedback recorded about a project.

Example:
  bibia feedback list nantes-fuites-reseau
)";

constexpr std::string_view kImportHelp =
    R"(Usage: bibia import FILE.json

Bulk-imports a demo catalogue file (a bibia.v1.DemoCatalogue in the protobuf
JSON mapping, like deploy/demo/projects.json). The file's form is checked
first (a malformed file or record is reported and nothing is sent). The
projects then go to the node in batches of 100, with their feedback; the
node checks every field of every record and writes nothing unless the whole
import is valid: a bad record is reported as "record N (id X): field:
problem", N counting from 1.
'-' reads the file from stdin. Progress is shown on stderr.
Prints "imported N projects (M new), K feedback".

Example:
  bibia import deploy/demo/projects.json
)";

constexpr std::string_view kStatsHelp =
    R"(Usage: bibia stats

Shows the totals of the node's catalogue (projects, feedback,
collectivities) and the number of projects per domain, status and region.

Example:
  bibia stats --json
)";

constexpr std::string_view kExportHelp =
    R"(Usage: bibia export dcat|csv|register|register-csv [-o FILE] [--base-url URL]

Writes an open-data export of the node's catalogue, public fields only
(whatever the token), the same files as the node's HTTP /export/ paths:
  dcat          DCAT-AP 3 JSON-LD: one dcat:Catalog, a dcat:Dataset per project
                (publisher, theme, keywords, spatial coverage, landing page,
                dates), for data.gouv.fr or CKAN (ckanext-dcat) to harvest
  csv           one row per project, RFC 4180, UTF-8
  register      public algorithm register (JSON), fields aligned with the UK
                ATRS and the Dutch algorithm register (docs/web.md)
  register-csv  the same register as CSV
Reads every project over gRPC (ListProjects pages).

  -o, --output FILE   write there instead of stdout
  --base-url URL      where the node's page is served (https://host:port), for
                      the projects' landing pages; without it they are
                      urn:bibia:project:ID

Examples:
  bibia export dcat -o bibia-dcat.jsonld --base-url https://bibia.example.fr
  bibia export csv > projects.csv
)";

constexpr std::string_view kTokenHelp =
    R"(Usage: bibia token SUBCOMMAND ...

Bearer tokens issued by the node (needs a token with role admin).

Subcommands:
  issue        issue a token and print it alone
  revoke ID    revoke a token
  list         list the tokens the node issued

Examples:
  export BIBIA_TOKEN=$(bibia token issue --subject alice@nantes \
      --tier restricted --role editor)
  bibia token list

Run 'bibia token SUBCOMMAND --help' for the flags of a subcommand.
)";

constexpr std::string_view kTokenIssueHelp =
    R"(Usage: bibia token issue --subject S --tier TIER --role ROLE [--ttl DURATION]

Asks the node to issue a bearer token and prints the token alone on one line
(it is shown once; the node keeps only its id). With --json, prints the
node's IssueTokenResponse (the token and its claims).

Required:
  --subject S       who the token is for, e.g. "alice@nantes"
  --tier TIER       highest tier of data it sees: public, restricted, expert
  --role ROLE       reader, editor (writes this node's records) or admin
                    (also tokens, roster, audit)

Options:
  --ttl DURATION    lifetime: Ns, Nm, Nh or Nd (default 24h, at most 366d)

Examples:
  bibia token issue --subject alice@nantes --tier restricted --role editor
  export BIBIA_TOKEN=$(bibia token issue --subject ci@nantes \
      --tier public --role reader --ttl 30d)
)";

constexpr std::string_view kTokenRevokeHelp =
    R"(Usage: bibia token revoke TOKEN_ID

Revokes a token: the node refuses it from now on. TOKEN_ID is the ID column
of 'bibia token list'; a whole token (bibia1....) is accepted too, its id is
read from it. Prints "revoked TOKEN_ID".

Example:
  bibia token revoke 3f9c2a71d0b84e6a
)";

constexpr std::string_view kTokenListHelp =
    R"(Usage: bibia token list

Lists the tokens the node issued: ID, SUBJECT, TIER, ROLE, EXPIRES (UTC),
REVOKED. The tokens themselves are never stored nor shown.

Examples:
  bibia token list
  bibia token list --json
)";

constexpr std::string_view kAuditHelp =
    R"(Usage: bibia audit [--subject S] [--method M] [--since WHEN] [--limit N]

Shows the node's audit events (writes, and reads above the public tier),
newest first: TIME (UTC), SUBJECT, TIER, METHOD, RECORDS, OUTCOME. Refused
calls without a valid token are counted per address and minute: the first is
shown alone, the others as one line whose OUTCOME ends in (N calls). Values a caller
chose (ids, token subjects) are shown with control characters escaped and
cut at 200 bytes.

Filters:
  --subject S       token subject or peer node id, e.g. "alice@nantes"
  --method M        e.g. GetProject, PutProject, IssueToken
  --since WHEN      a duration back from now (30m, 1h, 7d), a date
                    (2026-11-01, UTC) or a time (2026-11-01T08:00:00Z)
  --limit N         at most N events (default 100), fetched page by page

Examples:
  bibia audit --since 1h
  bibia audit --subject alice@nantes --method PutProject --since 2026-11-01
)";

constexpr std::string_view kRosterHelp =
    R"(Usage: bibia roster SUBCOMMAND ...

The federation roster: the list of member nodes, their keys and tiers, signed
by the federation operator. The file is a bibia.v1.SignedRoster in the
protobuf JSON mapping.

On a node (a token with role admin):
  install FILE            install a signed roster on the node
  get                     show the node's roster

Federation operator (local files, no node):
  init                    create the operator key and an empty roster
  add-node                add or replace a member node, re-sign
  remove-node NODE_ID     remove a member node, re-sign
  show                    show a roster file
  verify                  check a roster file's signature

In init, add-node, remove-node, show and verify, --roster ROSTER.json names
the file to work on (not the global trust flag).

Examples:
  bibia roster init --key op.key --roster roster.json \
      --federation "Les Interconnectés"
  bibia roster add-node --roster roster.json --key op.key \
      --identity nantes.json --tier restricted
  bibia --ca tls.crt roster install roster.json

Run 'bibia roster SUBCOMMAND --help' for the flags of a subcommand.
)";

constexpr std::string_view kRosterInstallHelp =
    R"(Usage: bibia roster install FILE

Sends the signed roster in FILE ('-' reads stdin) to the node, which checks
the signature with the operator's public key in its data dir (operator.pub)
and refuses a version older than its own. Prints the installed version.

A roster that lowers the node's own tier (expert to public, say) makes it
drop what it held of other members above its new tier: their logs, records
and frontier, from its database files too. It prints what it dropped. Its
own data stays; a tier raised again is pulled from scratch. Installing the
installed roster again changes nothing, but retries a drop that failed.

Example:
  bibia --node nantes.example.org:7700 roster install roster.json
)";

constexpr std::string_view kRosterGetHelp =
    R"(Usage: bibia roster get

Shows the roster installed on the node: version, federation, issue time and
members (NODE, COLLECTIVITY, TIER, ENDPOINT, KEY, TLS FINGERPRINT). With
--json, prints the node's GetRosterResponse.

Example:
  bibia roster get
)";

constexpr std::string_view kRosterInitHelp =
    R"(Usage: bibia roster init --key OP.key --roster ROSTER.json [--federation NAME]

Creates the federation operator's Ed25519 key in OP.key (mode 0600: keep it
secret and offline), its public key in OP.key.pub (PEM: every node needs it
as <data dir>/operator.pub) and ROSTER.json, an empty roster of version 1
signed with the key. Refuses to overwrite any of the three files.

Required:
  --key OP.key            the private key file to create
  --roster ROSTER.json    the roster file to create

Options:
  --federation NAME       a name for humans, e.g. "Les Interconnectés"

Example:
  bibia roster init --key op.key --roster roster.json \
      --federation "Les Interconnectés"
)";

constexpr std::string_view kRosterAddNodeHelp =
    R"(Usage: bibia roster add-node --roster ROSTER.json --key OP.key
           --identity NODE.json --tier TIER [--endpoint HOST:PORT]

Adds a member node to the roster, or replaces the member with the same node
id. The current roster must verify with OP.key's public key (else nothing is
changed). The new roster gets version + 1 and the current time, is signed
with OP.key and replaces ROSTER.json atomically.

Required:
  --roster ROSTER.json    the roster file to update
  --key OP.key            the operator's private key (mode 0600)
  --identity NODE.json    the node's identity ('-' reads stdin): what
                          'bibia-node identity --data-dir DIR' prints
  --tier TIER             highest tier the node may receive from its peers:
                          public, restricted, expert

Options:
  --endpoint HOST:PORT    where peers reach the node (default: the endpoint
                          in NODE.json)

Example:
  bibia-node identity --data-dir /var/lib/bibia > nantes.json
  bibia roster add-node --roster roster.json --key op.key \
      --identity nantes.json --tier restricted \
      --endpoint nantes.example.org:7700
)";

constexpr std::string_view kRosterRemoveNodeHelp =
    R"(Usage: bibia roster remove-node --roster ROSTER.json --key OP.key NODE_ID

Removes a member node from the roster: checks the current signature, bumps
the version, re-signs and replaces ROSTER.json atomically. An unknown
NODE_ID is an error.

Required:
  --roster ROSTER.json    the roster file to update
  --key OP.key            the operator's private key (mode 0600)

Example:
  bibia roster remove-node --roster roster.json --key op.key nantes
)";

constexpr std::string_view kRosterShowHelp =
    R"(Usage: bibia roster show --roster ROSTER.json [--operator-key OP.key.pub]

Shows a roster file: version, federation, issue time and the members (NODE,
COLLECTIVITY, TIER, ENDPOINT, KEY and TLS FINGERPRINT, first 16 hex digits).
With --operator-key, also says whether the signature verifies (the exit
status stays 0: use 'bibia roster verify' in scripts).

Required:
  --roster ROSTER.json        the roster file

Options:
  --operator-key OP.key.pub   the operator's public key (PEM)

Examples:
  bibia roster show --roster roster.json
  bibia roster show --roster roster.json --operator-key op.key.pub --json
)";

constexpr std::string_view kRosterVerifyHelp =
    R"(Usage: bibia roster verify --roster ROSTER.json --operator-key OP.key.pub

Checks that the roster file is signed by the operator's key and consistent:
node ids of [a-z0-9-]{1,80}, and unique; each member with its own 32-byte
key and its own TLS certificate (and fingerprint), a tier, and an endpoint,
when given, of the form HOST:PORT. On success prints
  roster version N verifies (M members)
and exits 0; otherwise names the problem and exits 1.

Required:
  --roster ROSTER.json        the roster file
  --operator-key OP.key.pub   the operator's public key (PEM)

Example:
  bibia roster verify --roster roster.json --operator-key op.key.pub
)";

constexpr std::string_view kPeerHelp =
    R"(Usage: bibia peer SUBCOMMAND ...

The peers this node syncs with (needs a token with role admin). A peer must
be a member of the roster installed on the node ('bibia roster get').

Subcommands:
  add NODE_ID       sync with a roster member from now on
  remove NODE_ID    stop syncing with a peer
  list              show the peers and how their last rounds went

Examples:
  bibia peer add rennes
  bibia peer list

Run 'bibia peer SUBCOMMAND --help' for the flags of a subcommand.
)";

constexpr std::string_view kPeerAddHelp =
    R"(Usage: bibia peer add NODE_ID [--endpoint HOST:PORT]

Makes the roster member NODE_ID a peer of the node, which pulls its log
entries from then on (and at each 'bibia sync'). Adding a peer again
replaces its endpoint. Prints "added peer NODE_ID".

Options:
  --endpoint HOST:PORT   where to reach the peer (default: its endpoint in
                         the node's roster)

Examples:
  bibia peer add rennes
  bibia peer add rennes --endpoint 10.0.0.12:7700
)";

constexpr std::string_view kPeerRemoveHelp =
    R"(Usage: bibia peer remove NODE_ID

Stops syncing with a peer; what the node already received from it stays.
Prints "removed peer NODE_ID".

Example:
  bibia peer remove rennes
)";

constexpr std::string_view kPeerListHelp =
    R"(Usage: bibia peer list

Lists the node's peers: NODE, ENDPOINT, LAST SUCCESS (UTC, or "never"),
FAILURES (consecutive failed rounds since then), NEXT TRY (UTC: when a
failing peer's backoff lets gossip try it again), APPLIED and REJECTED (log
entries received from the peer and applied, or refused because they failed
verification) and LAST ERROR (cut to fit; --json shows it whole).

Examples:
  bibia peer list
  bibia peer list --json
)";

constexpr std::string_view kSyncHelp =
    R"(Usage: bibia sync [--peer NODE_ID]

Runs one sync round now: the node pulls the new log entries of every peer,
or of NODE_ID only, and applies them. Prints "applied N entries" and the
table of 'bibia peer list' for the peers of the round. If the round failed
with any of them, prints the table all the same, then the error of each
failed peer on stderr, and exits 1. The node syncs with its peers one after
the other: the deadline is --timeout per peer. On a terminal, a round that
takes more than a second shows on stderr how many entries the node has
applied so far (read once a second from the node's frontier: an audited
'federation status' call).

Options:
  --peer NODE_ID   sync with this peer only

Examples:
  bibia sync
  bibia sync --peer rennes --timeout 60
)";

constexpr std::string_view kFederationHelp =
    R"(Usage: bibia federation SUBCOMMAND ...

The node's view of the federation (needs a token with role admin).

Subcommands:
  status    log positions, each peer's lag, peers' health

Example:
  bibia federation status

Run 'bibia federation status --help' for details.
)";

constexpr std::string_view kFederationStatusHelp =
    R"(Usage: bibia federation status

Shows the node's id and its roster tier (the most it holds and asks for of
the other members), then a row per log (the entries that an ORIGIN node
wrote at one TIER): LOCAL SEQ, the last sequence number this node holds of
it, and a column per peer with the peer's sequence number as seen at the
last sync and the lag: SEQ (lag N), where N = local - peer is positive when
the peer is behind this node and negative when it is ahead; "-" when the
peer's position is not known (no sync yet, or a log it does not show this
node).
Then a line per peer on its health, and the number of entries received from
peers that were rejected (they failed verification).

Examples:
  bibia federation status
  bibia federation status --json
)";

const std::vector<FlagSpec>& FilterAndPageFlags(bool with_all) {
  static const auto* const kWithAll = new std::vector<FlagSpec>{
      {"domain", "D"},     {"status", "S"},      {"region", "R"},
      {"collectivity", "C"}, {"technique", "T"}, {"limit", "N"},
      {"page-token", "T"}, {"wide", ""},        {"all", ""}};
  static const auto* const kWithoutAll =
      new std::vector<FlagSpec>(kWithAll->begin(), kWithAll->end() - 1);
  return with_all ? *kWithAll : *kWithoutAll;
}

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* const kFlags = new std::vector<FlagSpec>{
      {"node", "HOST:PORT"}, {"json", ""},        {"timeout", "SECONDS"},
      {"help", ""},          {"token", "TOKEN"},  {"ca", "FILE"},
      {"roster", "FILE"},    {"insecure", ""}};
  return *kFlags;
}

const std::vector<CommandSpec>& Commands() {
  static const auto* const kCommands = new std::vector<CommandSpec>{
      {.path = "project", .is_group = true, .help = kProjectHelp},
      {.path = "project put", .positionals = {"FILE.json"}, .help = kProjectPutHelp},
      {.path = "project get", .positionals = {"ID"}, .help = kProjectGetHelp},
      {.path = "project list",
       .flags = FilterAndPageFlags(/*with_all=*/true),
       .help = kProjectListHelp},
      {.path = "project delete", .positionals = {"ID"}, .help = kProjectDeleteHelp},
      {.path = "project redact",
       .positionals = {"ID"},
       .flags = {{"tier", "TIER", /*required=*/true}},
       .help = kProjectRedactHelp},
      {.path = "search",
       .positionals = {"QUERY"},
       .last_positional_repeats = true,
       .flags = FilterAndPageFlags(/*with_all=*/false),
       .help = kSearchHelp},
      {.path = "feedback", .is_group = true, .help = kFeedbackHelp},
      {.path = "feedback add",
       .positionals = {"PROJECT_ID"},
       .flags = {{"kind", "KIND", /*required=*/true},
                 {"text", "TEXT"},  // or --outcome: the node needs one of them
                 {"objective", "TEXT"},
                 {"outcome", "TEXT"},
                 {"would-do-differently", "TEXT"},
                 {"author", "COLLECTIVITY"},
                 {"cost-eur", "AMOUNT"},
                 {"duration-months", "N"}},
       .help = kFeedbackAddHelp},
      {.path = "feedback list", .positionals = {"PROJECT_ID"}, .help = kFeedbackListHelp},
      {.path = "import", .positionals = {"FILE.json"}, .help = kImportHelp},
      {.path = "stats", .help = kStatsHelp},
      {.path = "export",
       .positionals = {"FORMAT"},
       .flags = {{"output", "FILE"}, {"base-url", "URL"}},
       .help = kExportHelp},
      {.path = "artifact", .is_group = true, .help = kArtifactHelp},
      {.path = "artifact push",
       .positionals = {"PROJECT_ID", "FILE"},
       .flags = {{"name", "NAME", /*required=*/true},
                 {"kind", "KIND", /*required=*/true},
                 {"format", "FORMAT", /*required=*/true},
                 {"licence", "SPDX", /*required=*/true},
                 {"version", "V"},
                 {"base", "P/N@V"},
                 {"card", "FILE.json"}},
       .help = kArtifactPushHelp},
      {.path = "artifact pull",
       .positionals = {"REF"},
       .flags = {{"output", "FILE"}, {"from", "FILE"}},
       .help = kArtifactPullHelp},
      {.path = "artifact list",
       .positionals = {"PROJECT_ID"},
       .last_positional_optional = true,
       .help = kArtifactListHelp},
      {.path = "artifact show", .positionals = {"REF"}, .help = kArtifactShowHelp},
      {.path = "artifact delete", .positionals = {"REF"}, .help = kArtifactDeleteHelp},
      {.path = "artifact verify", .help = kArtifactVerifyHelp},
      {.path = "token", .is_group = true, .help = kTokenHelp},
      {.path = "token issue",
       .flags = {{"subject", "S", /*required=*/true},
                 {"tier", "TIER", /*required=*/true},
                 {"role", "ROLE", /*required=*/true},
                 {"ttl", "DURATION"}},
       .help = kTokenIssueHelp},
      {.path = "token revoke", .positionals = {"TOKEN_ID"}, .help = kTokenRevokeHelp},
      {.path = "token list", .help = kTokenListHelp},
      {.path = "audit",
       .flags = {{"subject", "S"}, {"method", "M"}, {"since", "WHEN"}, {"limit", "N"}},
       .help = kAuditHelp},
      {.path = "roster", .is_group = true, .help = kRosterHelp},
      {.path = "roster install", .positionals = {"FILE"}, .help = kRosterInstallHelp},
      {.path = "roster get", .help = kRosterGetHelp},
      {.path = "roster init",
       .flags = {{"key", "OP.key", /*required=*/true},
                 {"roster", "ROSTER.json", /*required=*/true},
                 {"federation", "NAME"}},
       .help = kRosterInitHelp,
       .offline = true},
      {.path = "roster add-node",
       .flags = {{"roster", "ROSTER.json", /*required=*/true},
                 {"key", "OP.key", /*required=*/true},
                 {"identity", "NODE.json", /*required=*/true},
                 {"tier", "TIER", /*required=*/true},
                 {"endpoint", "HOST:PORT"}},
       .help = kRosterAddNodeHelp,
       .offline = true},
      {.path = "roster remove-node",
       .positionals = {"NODE_ID"},
       .flags = {{"roster", "ROSTER.json", /*required=*/true},
                 {"key", "OP.key", /*required=*/true}},
       .help = kRosterRemoveNodeHelp,
       .offline = true},
      {.path = "roster show",
       .flags = {{"roster", "ROSTER.json", /*required=*/true},
                 {"operator-key", "OP.key.pub"}},
       .help = kRosterShowHelp,
       .offline = true},
      {.path = "roster verify",
       .flags = {{"roster", "ROSTER.json", /*required=*/true},
                 {"operator-key", "OP.key.pub", /*required=*/true}},
       .help = kRosterVerifyHelp,
       .offline = true},
      {.path = "peer", .is_group = true, .help = kPeerHelp},
      {.path = "peer add",
       .positionals = {"NODE_ID"},
       .flags = {{"endpoint", "HOST:PORT"}},
       .help = kPeerAddHelp},
      {.path = "peer remove", .positionals = {"NODE_ID"}, .help = kPeerRemoveHelp},
      {.path = "peer list", .help = kPeerListHelp},
      {.path = "sync", .flags = {{"peer", "NODE_ID"}}, .help = kSyncHelp},
      {.path = "federation", .is_group = true, .help = kFederationHelp},
      {.path = "federation status", .help = kFederationStatusHelp},
  };
  return *kCommands;
}

const CommandSpec* FindCommand(std::string_view path) {
  for (const CommandSpec& spec : Commands()) {
    if (spec.path == path) return &spec;
  }
  return nullptr;
}

std::string_view GlobalHelp() { return kGlobalHelp; }

}  // namespace bibia::cli
