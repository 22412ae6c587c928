#include "web/exports.h"

#include <functional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace bibia::web {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

// "DOMAIN_WATER" -> "water".
template <typename Enum>
std::string Short(const google::protobuf::EnumDescriptor* descriptor, Enum value) {
  const auto* v = descriptor->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr || v->number() == 0) return "";
  std::string name = v->name();
  const size_t underscore = name.find('_');
  // Prefixes: DOMAIN_, STATUS_, RISK_CLASS_.
  const std::string prefix = absl::StrCat(descriptor->name() == "RiskClass" ? "RISK_CLASS" : name.substr(0, underscore), "_");
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

std::string DomainName(v1::Domain d) { return Short(v1::Domain_descriptor(), d); }
std::string StatusName(v1::Status s) { return Short(v1::Status_descriptor(), s); }
std::string RiskName(v1::RiskClass r) { return Short(v1::RiskClass_descriptor(), r); }

// The EU data-theme vocabulary (DCAT-AP's dcat:theme) for each domain.
std::string ThemeOf(v1::Domain d) {
  const char* code = "GOVE";
  switch (d) {
    case v1::DOMAIN_ECOLOGICAL_TRANSITION:
    case v1::DOMAIN_WASTE:
    case v1::DOMAIN_WATER: code = "ENVI"; break;
    case v1::DOMAIN_MOBILITY: code = "TRAN"; break;
    case v1::DOMAIN_ENERGY: code = "ENER"; break;
    case v1::DOMAIN_MAINTENANCE:
    case v1::DOMAIN_URBAN_PLANNING: code = "REGI"; break;
    case v1::DOMAIN_HEALTH_SOCIAL: code = "HEAL"; break;
    case v1::DOMAIN_SECURITY: code = "JUST"; break;
    case v1::DOMAIN_CULTURE_TOURISM: code = "EDUC"; break;
    default: break;
  }
  return absl::StrCat("http://publications.europa.eu/resource/authority/data-theme/", code);
}

std::string IsoTime(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

Value Str(std::string_view s) {
  Value v;
  v.set_string_value(std::string(s));
  return v;
}
Value Id(std::string_view iri) {
  Value v;
  (*v.mutable_struct_value()->mutable_fields())["@id"] = Str(iri);
  return v;
}
Value Typed(std::string_view value, std::string_view type) {
  Value v;
  auto& f = *v.mutable_struct_value()->mutable_fields();
  f["@value"] = Str(value);
  f["@type"] = Str(type);
  return v;
}
Value LangStrings(const std::string& fr, const std::string& en) {
  Value v;
  ListValue* list = v.mutable_list_value();
  for (const auto& [text, lang] : {std::pair{&fr, "fr"}, std::pair{&en, "en"}}) {
    if (text->empty()) continue;
    Value s;
    auto& f = *s.mutable_struct_value()->mutable_fields();
    f["@value"] = Str(*text);
    f["@language"] = Str(lang);
    *list->add_values() = std::move(s);
  }
  return v;
}
Value List(const google::protobuf::RepeatedPtrField<std::string>& items) {
  Value v;
  v.mutable_list_value();  // [] when empty, not null
  for (const std::string& s : items) *v.mutable_list_value()->add_values() = Str(s);
  return v;
}
Value TriState(bool has, bool value) {
  Value v;
  if (has) v.set_bool_value(value);
  else v.set_null_value(google::protobuf::NULL_VALUE);
  return v;
}

std::string ToJson(const Struct& s) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(s, &out, options);
  return out;
}

std::string ProjectIri(const v1::ProjectPublic& p, const ExportContext& c) {
  return c.base_url.empty() ? absl::StrCat("urn:bibia:project:", p.id()) : absl::StrCat(c.base_url, "/?project=", p.id());
}

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return absl::StrJoin(items, " | ");
}
std::string Optional(bool has, double value) { return has ? absl::StrCat(value) : ""; }
std::string Optional(bool has, bool value) { return has ? (value ? "true" : "false") : ""; }

// UK ATRS "phase" / Dutch register "status" vocabulary for a status.
std::string PhaseOf(v1::Status s) {
  switch (s) {
    case v1::STATUS_IDEA:
    case v1::STATUS_EXPERIMENT: return "pre-deployment";
    case v1::STATUS_PILOT: return "beta/pilot";
    case v1::STATUS_PRODUCTION: return "production";
    case v1::STATUS_STOPPED: return "retired";
    default: return "";
  }
}

// Register entry fields in order: (name, value of a project).
using Field = std::pair<const char*, std::function<std::string(const v1::ProjectPublic&)>>;
const std::vector<Field>& RegisterFieldList() {
  static const auto* fields = new std::vector<Field>{
      {"identifier", [](const v1::ProjectPublic& p) { return p.id(); }},
      {"name", [](const v1::ProjectPublic& p) { return p.title_fr(); }},
      {"name_en", [](const v1::ProjectPublic& p) { return p.title_en(); }},
      {"organisation", [](const v1::ProjectPublic& p) { return p.collectivity().name(); }},
      {"organisation_siren", [](const v1::ProjectPublic& p) { return p.collectivity().siren(); }},
      {"region", [](const v1::ProjectPublic& p) { return p.collectivity().region(); }},
      {"description", [](const v1::ProjectPublic& p) { return p.summary_fr(); }},
      {"description_en", [](const v1::ProjectPublic& p) { return p.summary_en(); }},
      {"domain", [](const v1::ProjectPublic& p) { return DomainName(p.domain()); }},
      {"phase", [](const v1::ProjectPublic& p) { return PhaseOf(p.status()); }},
      {"start_year", [](const v1::ProjectPublic& p) { return p.start_year() ? absl::StrCat(p.start_year()) : ""; }},
      {"purpose_and_benefit", [](const v1::ProjectPublic& p) { return p.transparency().purpose_and_benefit(); }},
      {"human_in_the_loop",
       [](const v1::ProjectPublic& p) {
         return Optional(p.transparency().has_human_in_the_loop(), p.transparency().human_in_the_loop());
       }},
      {"human_oversight", [](const v1::ProjectPublic& p) { return p.transparency().human_oversight(); }},
      {"how_to_contest", [](const v1::ProjectPublic& p) { return p.transparency().how_to_contest(); }},
      {"legal_basis", [](const v1::ProjectPublic& p) { return p.transparency().legal_basis(); }},
      {"personal_data",
       [](const v1::ProjectPublic& p) {
         return Optional(p.transparency().has_personal_data(), p.transparency().personal_data());
       }},
      {"dpia_done",
       [](const v1::ProjectPublic& p) { return Optional(p.transparency().has_dpia_done(), p.transparency().dpia_done()); }},
      {"dpia_url", [](const v1::ProjectPublic& p) { return p.transparency().dpia_url(); }},
      {"risk_class", [](const v1::ProjectPublic& p) { return RiskName(p.transparency().risk_class()); }},
      {"techniques", [](const v1::ProjectPublic& p) { return Joined(p.techniques()); }},
      {"data_sources", [](const v1::ProjectPublic& p) { return Joined(p.data_sources()); }},
      {"links", [](const v1::ProjectPublic& p) { return Joined(p.links()); }},
      {"contact_point", [](const v1::ProjectPublic&) { return std::string(); }},
      {"last_updated", [](const v1::ProjectPublic& p) { return p.updated_unix_ms() ? IsoTime(p.updated_unix_ms()) : ""; }},
      {"next_review_date", [](const v1::ProjectPublic& p) { return p.next_review_date(); }},
  };
  return *fields;
}

}  // namespace

const std::vector<std::string> kCsvColumns = {
    "id", "collectivity", "siren", "region", "title_fr", "title_en", "summary_fr", "summary_en", "domain",
    "status", "start_year", "techniques", "data_sources", "tags", "links", "updated", "next_review_date",
    "based_on", "purpose_and_benefit", "human_in_the_loop", "human_oversight", "how_to_contest", "legal_basis",
    "personal_data", "dpia_done", "dpia_url", "public_algorithm_notice", "risk_class", "training_kwh",
    "annual_inference_kwh", "hardware", "hosting_location", "measurement_method", "frugality_notes",
    "footprint_estimate"};

const std::vector<std::string> kRegisterFields = [] {
  std::vector<std::string> names;
  for (const auto& f : RegisterFieldList()) names.push_back(f.first);
  return names;
}();

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  return absl::StrCat("\"", absl::StrReplaceAll(absl::string_view(value.data(), value.size()), {{"\"", "\"\""}}), "\"");
}

std::string DcatJsonLd(const std::vector<v1::ProjectPublic>& projects, const ExportContext& c) {
  Struct root;
  auto& f = *root.mutable_fields();
  {
    Value context;
    auto& cf = *context.mutable_struct_value()->mutable_fields();
    cf["dcat"] = Str("http://www.w3.org/ns/dcat#");
    cf["dct"] = Str("http://purl.org/dc/terms/");
    cf["foaf"] = Str("http://xmlns.com/foaf/0.1/");
    cf["skos"] = Str("http://www.w3.org/2004/02/skos/core#");
    cf["xsd"] = Str("http://www.w3.org/2001/XMLSchema#");
    cf["adms"] = Str("http://www.w3.org/ns/adms#");
    f["@context"] = std::move(context);
  }
  const std::string catalog_iri =
      c.base_url.empty() ? absl::StrCat("urn:bibia:catalog:", c.node_id) : absl::StrCat(c.base_url, "/");
  f["@id"] = Str(catalog_iri);
  f["@type"] = Str("dcat:Catalog");
  f["dct:title"] = LangStrings(absl::StrCat("Bibliothèque d'IA territoriales (nœud ", c.node_id, ")"),
                               absl::StrCat("Library of territorial AI projects (node ", c.node_id, ")"));
  f["dct:description"] =
      LangStrings("Projets d'intelligence artificielle documentés par des collectivités territoriales françaises.",
                  "Artificial-intelligence projects documented by French local authorities.");
  {
    Value publisher;
    auto& pf = *publisher.mutable_struct_value()->mutable_fields();
    pf["@id"] = Str(absl::StrCat("urn:bibia:node:", c.node_id));
    pf["@type"] = Str("foaf:Agent");
    pf["foaf:name"] = Str(c.node_id);
    f["dct:publisher"] = std::move(publisher);
  }
  f["dct:modified"] = Typed(IsoTime(c.now_unix_ms), "xsd:dateTime");
  f["dct:language"] = Id("http://publications.europa.eu/resource/authority/language/FRA");
  Value datasets;
  for (const v1::ProjectPublic& p : projects) {
    Value d;
    auto& df = *d.mutable_struct_value()->mutable_fields();
    df["@id"] = Str(ProjectIri(p, c));
    df["@type"] = Str("dcat:Dataset");
    df["dct:identifier"] = Str(p.id());
    df["dct:title"] = LangStrings(p.title_fr(), p.title_en());
    df["dct:description"] = LangStrings(p.summary_fr(), p.summary_en());
    {
      Value publisher;
      auto& pf = *publisher.mutable_struct_value()->mutable_fields();
      pf["@id"] = Str(p.collectivity().siren().empty()
                          ? absl::StrCat("urn:bibia:collectivity:", p.id())
                          : absl::StrCat("https://annuaire-entreprises.data.gouv.fr/entreprise/",
                                         p.collectivity().siren()));
      pf["@type"] = Str("foaf:Agent");
      pf["foaf:name"] = Str(p.collectivity().name());
      if (!p.collectivity().siren().empty()) pf["dct:identifier"] = Str(p.collectivity().siren());
      df["dct:publisher"] = std::move(publisher);
    }
    if (p.domain() != v1::DOMAIN_UNSPECIFIED) df["dcat:theme"] = Id(ThemeOf(p.domain()));
    Value keywords;
    keywords.mutable_list_value();
    for (const std::string& t : p.tags()) *keywords.mutable_list_value()->add_values() = Str(t);
    for (const std::string& t : p.techniques()) *keywords.mutable_list_value()->add_values() = Str(t);
    if (const std::string domain = DomainName(p.domain()); !domain.empty()) {
      *keywords.mutable_list_value()->add_values() = Str(domain);
    }
    df["dcat:keyword"] = std::move(keywords);
    if (!p.collectivity().region().empty()) {
      Value spatial;
      auto& sf = *spatial.mutable_struct_value()->mutable_fields();
      sf["@type"] = Str("dct:Location");
      sf["skos:prefLabel"] = Str(p.collectivity().region());
      df["dct:spatial"] = std::move(spatial);
    }
    if (!c.base_url.empty()) df["dcat:landingPage"] = Id(ProjectIri(p, c));
    if (p.links_size() > 0) {
      Value pages;
      for (const std::string& l : p.links()) *pages.mutable_list_value()->add_values() = Id(l);
      df["foaf:page"] = std::move(pages);
    }
    if (p.updated_unix_ms() > 0) df["dct:modified"] = Typed(IsoTime(p.updated_unix_ms()), "xsd:dateTime");
    if (p.start_year() > 0) df["dct:issued"] = Typed(absl::StrCat(p.start_year()), "xsd:gYear");
    if (p.status() != v1::STATUS_UNSPECIFIED) df["adms:status"] = Str(StatusName(p.status()));
    *datasets.mutable_list_value()->add_values() = std::move(d);
  }
  f["dcat:dataset"] = std::move(datasets);
  return ToJson(root);
}

std::string ProjectsCsv(const std::vector<v1::ProjectPublic>& projects) {
  std::string out;
  for (size_t i = 0; i < kCsvColumns.size(); ++i) absl::StrAppend(&out, i ? "," : "", kCsvColumns[i]);
  out += "\r\n";
  for (const v1::ProjectPublic& p : projects) {
    const v1::Transparency& t = p.transparency();
    const v1::Footprint& fp = p.footprint();
    const std::vector<std::string> row = {
        p.id(), p.collectivity().name(), p.collectivity().siren(), p.collectivity().region(), p.title_fr(),
        p.title_en(), p.summary_fr(), p.summary_en(), DomainName(p.domain()), StatusName(p.status()),
        p.start_year() ? absl::StrCat(p.start_year()) : "", Joined(p.techniques()), Joined(p.data_sources()),
        Joined(p.tags()), Joined(p.links()), p.updated_unix_ms() ? IsoTime(p.updated_unix_ms()) : "",
        p.next_review_date(), Joined(p.based_on()), t.purpose_and_benefit(),
        Optional(t.has_human_in_the_loop(), t.human_in_the_loop()), t.human_oversight(), t.how_to_contest(),
        t.legal_basis(), Optional(t.has_personal_data(), t.personal_data()), Optional(t.has_dpia_done(), t.dpia_done()),
        t.dpia_url(), Optional(t.has_public_algorithm_notice(), t.public_algorithm_notice()), RiskName(t.risk_class()),
        Optional(fp.has_training_kwh(), fp.training_kwh()),
        Optional(fp.has_annual_inference_kwh(), fp.annual_inference_kwh()), fp.hardware(), fp.hosting_location(),
        fp.measurement_method(), fp.frugality_notes(), fp.estimate() ? "true" : "false"};
    for (size_t i = 0; i < row.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(row[i]));
    out += "\r\n";
  }
  return out;
}

std::string RegisterJson(const std::vector<v1::ProjectPublic>& projects, const ExportContext& c) {
  Struct root;
  auto& f = *root.mutable_fields();
  f["standard"] = Str("bibia public algorithm register, fields aligned with UK ATRS tiers 1-2 and the Dutch "
                      "algorithm register (mapping: docs/web.md)");
  f["publisher"] = Str(c.node_id);
  f["generated"] = Str(IsoTime(c.now_unix_ms));
  Value entries;
  for (const v1::ProjectPublic& p : projects) {
    Value e;
    auto& ef = *e.mutable_struct_value()->mutable_fields();
    for (const auto& [name, get] : RegisterFieldList()) ef[name] = Str(get(p));
    const v1::Transparency& t = p.transparency();
    ef["human_in_the_loop"] = TriState(t.has_human_in_the_loop(), t.human_in_the_loop());
    ef["personal_data"] = TriState(t.has_personal_data(), t.personal_data());
    ef["dpia_done"] = TriState(t.has_dpia_done(), t.dpia_done());
    ef["techniques"] = List(p.techniques());
    ef["data_sources"] = List(p.data_sources());
    ef["links"] = List(p.links());
    ef["page"] = Str(c.base_url.empty() ? "" : ProjectIri(p, c));
    *entries.mutable_list_value()->add_values() = std::move(e);
  }
  f["entries"] = std::move(entries);
  return ToJson(root);
}

std::string RegisterCsv(const std::vector<v1::ProjectPublic>& projects, const ExportContext& c) {
  std::string out;
  const auto& fields = RegisterFieldList();
  for (size_t i = 0; i < fields.size(); ++i) absl::StrAppend(&out, i ? "," : "", fields[i].first);
  out += "\r\n";
  for (const v1::ProjectPublic& p : projects) {
    for (size_t i = 0; i < fields.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(fields[i].second(p)));
    out += "\r\n";
  }
  return out;
}

}  // namespace bibia::web
