// Open-data exports of the public facets: DCAT-AP 3 JSON-LD for open-data
// portals, a flat CSV, and a public algorithm register (UK ATRS / Dutch
// algorithm register fields; the mapping is in docs/web.md). Pure functions
// of the projects given: the node serves them over HTTP, the CLI writes them
// from what it read over gRPC. Public fields only, by construction: they
// take ProjectPublic.
#ifndef BIBIA_WEB_EXPORTS_H_
#define BIBIA_WEB_EXPORTS_H_

#include <string>
#include <vector>

#include "bibia/v1/project.pb.h"

namespace bibia::web {

struct ExportContext {
  std::string node_id;   // the publishing node, named as the catalogue's publisher
  // Where the page is served ("https://host:port", no trailing slash); a
  // project's landing page is base_url + "/?project=ID". Empty: datasets are
  // named "urn:bibia:project:ID" and get no landing page of ours.
  std::string base_url;
  int64_t now_unix_ms = 0;  // dct:modified of the catalogue
};

// One dcat:Catalog holding one dcat:Dataset per project (publisher, theme
// from the EU data-theme vocabulary, keywords, spatial coverage, landing
// page, dates). JSON-LD with an inline @context.
std::string DcatJsonLd(const std::vector<v1::ProjectPublic>& projects, const ExportContext& context);

// RFC 4180: a header row, one row per project, CRLF line ends, UTF-8;
// list fields joined with " | ". Column names in kCsvColumns order.
std::string ProjectsCsv(const std::vector<v1::ProjectPublic>& projects);
extern const std::vector<std::string> kCsvColumns;

// One entry per project in the shape of a public algorithm register; the
// contact point is left empty (contacts are restricted).
std::string RegisterJson(const std::vector<v1::ProjectPublic>& projects, const ExportContext& context);
std::string RegisterCsv(const std::vector<v1::ProjectPublic>& projects, const ExportContext& context);
extern const std::vector<std::string> kRegisterFields;

// RFC 4180 field: quoted when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view value);

}  // namespace bibia::web

#endif  // BIBIA_WEB_EXPORTS_H_
