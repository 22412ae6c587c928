#include "cli/project_view.h"

#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/enum_names.h"
#include "cli/text_format.h"

namespace bibia::cli {
namespace {

constexpr size_t kWrapWidth = 76;
constexpr std::string_view kIndent = "  ";

std::vector<std::string> ToVector(
    const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return absl::StrJoin(values, ", ");
}

std::string CollectivityLine(const v1::Collectivity& collectivity) {
  std::string line = collectivity.name();
  if (!collectivity.siren().empty()) {
    absl::StrAppend(&line, line.empty() ? "" : " ", "(SIREN ", collectivity.siren(), ")");
  }
  return line;
}

void AppendSection(std::string_view title, const FieldList& fields, std::string& out) {
  if (fields.empty()) return;
  absl::StrAppend(&out, "\n", std::string(title), "\n", fields.Render(kIndent));
}

void AppendSummary(std::string_view title, const std::string& text, std::string& out) {
  if (text.empty()) return;
  absl::StrAppend(&out, "\n", std::string(title), "\n", Wrap(text, kWrapWidth, kIndent));
}

void AppendTransparency(const v1::Transparency& t, std::string& out) {
  FieldList fields;
  fields.Add("Purpose and benefit", t.purpose_and_benefit());
  if (t.has_human_in_the_loop()) fields.Add("Human in the loop", YesNo(t.human_in_the_loop()));
  fields.Add("Human oversight", t.human_oversight());
  fields.Add("How to contest", t.how_to_contest());
  fields.Add("Legal basis", t.legal_basis());
  if (t.has_personal_data()) fields.Add("Personal data", YesNo(t.personal_data()));
  if (t.has_dpia_done()) fields.Add("DPIA done", YesNo(t.dpia_done()));
  fields.Add("DPIA", t.dpia_url());
  if (t.has_public_algorithm_notice()) {
    fields.Add("Public algorithm notice", YesNo(t.public_algorithm_notice()));
  }
  if (t.risk_class() != v1::RISK_CLASS_UNSPECIFIED) {
    fields.Add("Risk class", ShortName(t.risk_class()));
  }
  AppendSection("Transparency", fields, out);
}

void AppendFootprint(const v1::Footprint& f, std::string& out) {
  const std::string estimate = f.estimate() ? " (estimate)" : "";
  FieldList fields;
  if (f.has_training_kwh()) {
    fields.Add("Training", absl::StrCat(f.training_kwh(), " kWh", estimate));
  }
  if (f.has_annual_inference_kwh()) {
    fields.Add("Inference per year", absl::StrCat(f.annual_inference_kwh(), " kWh", estimate));
  }
  fields.Add("Hardware", f.hardware());
  fields.Add("Hosting location", f.hosting_location());
  fields.Add("Measurement method", f.measurement_method());
  fields.Add("Frugality notes", f.frugality_notes());
  if (!fields.empty() && f.estimate() && !f.has_training_kwh() &&
      !f.has_annual_inference_kwh()) {
    fields.Add("Estimate", "yes");
  }
  AppendSection("Footprint", fields, out);
}

void AppendPublic(const v1::ProjectPublic& p, std::string& out) {
  FieldList fields;
  fields.Add("ID", p.id());
  fields.Add("Title (fr)", p.title_fr());
  fields.Add("Title (en)", p.title_en());
  fields.Add("Collectivity", CollectivityLine(p.collectivity()));
  fields.Add("Region", p.collectivity().region());
  fields.Add("Domain", ShortName(p.domain()));
  fields.Add("Status", ShortName(p.status()));
  if (p.start_year() != 0) fields.Add("Start year", absl::StrCat(p.start_year()));
  fields.Add("Techniques", Joined(p.techniques()));
  fields.Add("Data sources", Joined(p.data_sources()));
  fields.Add("Tags", Joined(p.tags()));
  fields.Add("Based on", Joined(p.based_on()));
  fields.AddLines("Links", ToVector(p.links()));
  fields.Add("Updated", FormatUnixMs(p.updated_unix_ms()));
  fields.Add("Next review", p.next_review_date());
  out.append(fields.Render(""));
  AppendSummary("Summary (fr)", p.summary_fr(), out);
  AppendSummary("Summary (en)", p.summary_en(), out);
  if (p.has_transparency()) AppendTransparency(p.transparency(), out);
  if (p.has_footprint()) AppendFootprint(p.footprint(), out);
}

void AppendRestricted(const v1::ProjectRestricted& r, std::string& out) {
  std::vector<std::string> contacts;
  for (const v1::Contact& contact : r.contacts()) {
    std::string line = contact.role();
    if (!contact.email().empty()) {
      absl::StrAppend(&line, line.empty() ? "" : " ", "<", contact.email(), ">");
    }
    if (!contact.expires().empty()) absl::StrAppend(&line, " (until ", contact.expires(), ")");
    contacts.push_back(line);
  }
  FieldList fields;
  fields.AddLines("Contacts", contacts);
  if (r.has_budget_eur()) fields.Add("Budget", absl::StrCat(r.budget_eur(), " EUR"));
  fields.Add("Vendors", Joined(r.vendors()));
  fields.Add("Procurement notes", r.procurement_notes());
  if (r.illustrative()) fields.Add("Illustrative", "yes (feedback partly invented for a demo)");
  AppendSection("Restricted", fields, out);
}

void AppendExpert(const v1::ProjectExpert& e, std::string& out) {
  std::vector<std::string> artifacts;
  for (const v1::ArtifactRef& artifact : e.artifacts()) {
    std::vector<std::string> details;
    if (!artifact.kind().empty()) details.push_back(artifact.kind());
    if (!artifact.format().empty()) details.push_back(artifact.format());
    if (artifact.size_bytes() > 0) details.push_back(FormatBytes(artifact.size_bytes()));
    if (!artifact.manifest_id().empty()) {
      details.push_back(absl::StrCat("manifest ", artifact.manifest_id()));
    }
    std::string line = artifact.name();
    if (!details.empty()) absl::StrAppend(&line, " (", absl::StrJoin(details, ", "), ")");
    artifacts.push_back(line);
  }
  FieldList fields;
  fields.Add("Source repository", e.source_repository());
  fields.Add("License", e.license());
  fields.Add("License note", e.license_note());
  fields.Add("Documentation", e.documentation_url());
  fields.Add("Demonstrator", e.demonstrator_url());
  fields.AddLines("Artifacts", artifacts);
  AppendSection("Expert", fields, out);
}

}  // namespace

std::string RenderProject(const v1::GetProjectResponse& response) {
  const v1::Project& project = response.project();
  std::string out;
  if (project.has_public_()) AppendPublic(project.public_(), out);
  if (project.has_restricted()) AppendRestricted(project.restricted(), out);
  if (project.has_expert()) AppendExpert(project.expert(), out);
  if (response.tier() != v1::TIER_UNSPECIFIED) {
    absl::StrAppend(&out, "\nTier: ", ShortName(response.tier()), "\n");
  }
  if (!out.empty() && out.front() == '\n') out.erase(0, 1);
  return out;
}

}  // namespace bibia::cli
