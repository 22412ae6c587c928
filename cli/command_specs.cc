#include "cli/command_specs.h"

namespace bibia::cli {
namespace {

constexpr std::string_view kGlobalHelp =
    R"(Usage: bibia [--node HOST:PORT] [--json] [--timeout SECONDS] COMMAND ...

Command-line client of a bibia node: reads and writes the catalogue of
territorial AI projects over gRPC.

Commands:
  project put FILE.json       create or replace a project ('-' reads stdin)
  project get ID              show one project
  project list                list projects, with filters
  project delete ID           delete a project
  search "QUERY"              full-text search, with filters and facet counts
  feedback add PROJECT_ID     record a return on experience about a project
  feedback list PROJECT_ID    show the feedback about a project
  import FILE.json            bulk-import a demo catalogue file
  stats                       totals and per-facet counts of the catalogue

Global flags (before or after the command):
  --node HOST:PORT     node to talk to (default: $BIBIA_NODE, else 127.0.0.1:7700)
  --json               print the node's response as one JSON document
  --timeout SECONDS    deadline of each call to the node (default: 10)
  -h, --help           show this help; 'bibia COMMAND --help' for a command

Values of --domain, --status and --kind are short lowercase names (water,
production, success_factor); 'bibia COMMAND --help' lists them.

Examples:
  bibia stats
  bibia search "détection de fuites" --domain water
  bibia --node node.example.org:7700 project list --status production --all
  bibia project get nantes-fuites-reseau --json
  bibia import deploy/demo/projects.json

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
Prints "created ID" or "updated ID".

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

Lists projects as a table (ID, DOMAIN, STATUS, YEAR, COLLECTIVITY, TITLE).

Filters:
  --domain D          one of: ecological_transition, maintenance, mobility,
                      waste, water, energy, public_services,
                      citizen_participation, urban_planning, health_social,
                      security, culture_tourism, administration
  --status S          one of: idea, experiment, pilot, production, stopped
  --region R          French administrative region, e.g. "Bretagne"
  --collectivity C    collectivity name, e.g. "Rennes Métropole"
  --technique T       technique, e.g. "computer vision"

Paging:
  --limit N           projects per page (node default 50, at most 500)
  --page-token T      the page after the one that printed this token
  --all               follow page tokens and list every page

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

constexpr std::string_view kSearchHelp =
    R"(Usage: bibia search "QUERY" [FILTERS] [--limit N] [--page-token T]

Full-text search. The last word of QUERY also matches as a prefix. Prints a
table (SCORE, ID, DOMAIN, STATUS, TITLE), the facet counts over all matches,
the number of matches and the next page token.

Filters:
  --domain D          one of: ecological_transition, maintenance, mobility,
                      waste, water, energy, public_services,
                      citizen_participation, urban_planning, health_social,
                      security, culture_tourism, administration
  --status S          one of: idea, experiment, pilot, production, stopped
  --region R          French administrative region
  --collectivity C    collectivity name
  --technique T       technique

Paging:
  --limit N           hits per page (node default 20, at most 100)
  --page-token T      the page after the one that printed this token

Examples:
  bibia search "détection de fuites"
  bibia search chatbot --domain public_services --limit 5
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
  --text TEXT                    the feedback itself

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

constexpr std::string_view kFeedbackListHelp =
    R"(Usage: bibia feedback list PROJECT_ID

Shows the feedback recorded about a project.

Example:
  bibia feedback list nantes-fuites-reseau
)";

constexpr std::string_view kImportHelp =
    R"(Usage: bibia import FILE.json

Bulk-imports a demo catalogue file (a bibia.v1.DemoCatalogue in the protobuf
JSON mapping, like deploy/demo/projects.json). Every record is checked
first: a bad one is reported as "record N (id X): field: problem" and
nothing is sent. The projects then go to the node in batches of 100, with
their feedback; the node writes nothing unless the whole import is valid.
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

const std::vector<FlagSpec>& FilterAndPageFlags(bool with_all) {
  static const auto* const kWithAll = new std::vector<FlagSpec>{
      {"domain", "D"},     {"status", "S"},          {"region", "R"},
      {"collectivity", "C"}, {"technique", "T"},     {"limit", "N"},
      {"page-token", "T"}, {"all", ""}};
  static const auto* const kWithoutAll =
      new std::vector<FlagSpec>(kWithAll->begin(), kWithAll->end() - 1);
  return with_all ? *kWithAll : *kWithoutAll;
}

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* const kFlags = new std::vector<FlagSpec>{
      {"node", "HOST:PORT"}, {"json", ""}, {"timeout", "SECONDS"}, {"help", ""}};
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
      {.path = "search",
       .positionals = {"QUERY"},
       .last_positional_repeats = true,
       .flags = FilterAndPageFlags(/*with_all=*/false),
       .help = kSearchHelp},
      {.path = "feedback", .is_group = true, .help = kFeedbackHelp},
      {.path = "feedback add",
       .positionals = {"PROJECT_ID"},
       .flags = {{"kind", "KIND", /*required=*/true},
                 {"text", "TEXT", /*required=*/true},
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
