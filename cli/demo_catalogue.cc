#include "cli/demo_catalogue.h"

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cli/absl_view.h"
#include "cli/enum_names.h"

namespace bibia::cli {
namespace {

// Parses a short enum name with `parse`; empty means UNSPECIFIED (0).
template <typename Enum, typename ParseFn>
absl::StatusOr<Enum> ParseOptionalEnum(std::string_view field, const std::string& text,
                                       ParseFn parse) {
  if (text.empty()) return static_cast<Enum>(0);
  absl::StatusOr<Enum> value = parse(text);
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": ", value.status().message()));
  }
  return *value;
}

absl::Status ConvertEthics(const v1::DemoEthics& ethics, v1::Transparency& out) {
  if (ethics.has_personal_data()) out.set_personal_data(ethics.personal_data());
  if (ethics.has_dpia_done()) out.set_dpia_done(ethics.dpia_done());
  if (ethics.has_human_in_the_loop()) out.set_human_in_the_loop(ethics.human_in_the_loop());
  if (ethics.has_public_algorithm_notice()) {
    out.set_public_algorithm_notice(ethics.public_algorithm_notice());
  }
  absl::StatusOr<v1::RiskClass> risk = ParseOptionalEnum<v1::RiskClass>(
      "ethics.risk_level", ethics.risk_level(), ParseRiskClass);
  if (!risk.ok()) return risk.status();
  out.set_risk_class(*risk);
  return absl::OkStatus();
}

void ConvertFootprint(const v1::DemoFootprint& footprint, v1::Footprint& out) {
  if (footprint.has_training_kwh()) out.set_training_kwh(footprint.training_kwh());
  out.set_hardware(footprint.inference_hardware());
  out.set_frugality_notes(footprint.frugality_notes());
  out.set_estimate(footprint.estimate());
}

absl::Status ConvertPublic(const v1::DemoProject& demo, v1::ProjectPublic& out) {
  out.set_id(demo.id());
  v1::Collectivity& collectivity = *out.mutable_collectivity();
  collectivity.set_name(demo.collectivity());
  collectivity.set_siren(demo.collectivity_code());
  collectivity.set_region(demo.region());
  out.set_title_fr(demo.title_fr());
  out.set_title_en(demo.title_en());
  out.set_summary_fr(demo.summary_fr());
  out.set_summary_en(demo.summary_en());

  absl::StatusOr<v1::Domain> domain =
      ParseOptionalEnum<v1::Domain>("domain", demo.domain(), ParseDomain);
  if (!domain.ok()) return domain.status();
  out.set_domain(*domain);
  absl::StatusOr<v1::Status> status =
      ParseOptionalEnum<v1::Status>("status", demo.status(), ParseStatus);
  if (!status.ok()) return status.status();
  out.set_status(*status);

  if (demo.has_start_year()) out.set_start_year(demo.start_year());
  out.mutable_techniques()->CopyFrom(demo.techniques());
  out.mutable_data_sources()->CopyFrom(demo.data_sources());
  out.mutable_tags()->CopyFrom(demo.tags());
  out.mutable_links()->CopyFrom(demo.sources());
  out.mutable_based_on()->CopyFrom(demo.based_on());
  out.set_next_review_date(demo.next_review_date());
  if (demo.has_ethics()) {
    absl::Status ethics = ConvertEthics(demo.ethics(), *out.mutable_transparency());
    if (!ethics.ok()) return ethics;
  }
  if (demo.has_footprint()) ConvertFootprint(demo.footprint(), *out.mutable_footprint());
  return absl::OkStatus();
}

void ConvertRestricted(const v1::DemoProject& demo, v1::ProjectRestricted& out) {
  out.set_id(demo.id());
  for (const v1::DemoContact& contact : demo.contacts()) {
    v1::Contact& converted = *out.add_contacts();
    converted.set_role(contact.role());
    converted.set_email(contact.email());
  }
  out.set_illustrative(demo.illustrative());
}

void ConvertExpert(const v1::DemoProject& demo, v1::ProjectExpert& out) {
  out.set_id(demo.id());
  out.set_source_repository(demo.source_repository());
  out.set_license(demo.license());
  out.set_license_note(demo.license_note());
  out.set_documentation_url(demo.documentation_url());
  for (const v1::DemoArtifact& artifact : demo.artifacts()) {
    v1::ArtifactRef& converted = *out.add_artifacts();
    converted.set_name(artifact.name());
    converted.set_kind(artifact.kind());
    converted.set_format(artifact.format());
    if (artifact.has_approx_size_bytes()) {
      converted.set_size_bytes(artifact.approx_size_bytes());
    }
  }
}

absl::Status ConvertFeedback(const v1::DemoProject& demo,
                             std::vector<v1::Feedback>& out) {
  for (int i = 0; i < demo.feedback_size(); ++i) {
    const v1::DemoFeedback& item = demo.feedback(i);
    absl::StatusOr<v1::FeedbackKind> kind = ParseOptionalEnum<v1::FeedbackKind>(
        absl::StrCat("feedback[", i, "].kind"), item.kind(), ParseFeedbackKind);
    if (!kind.ok()) return kind.status();
    v1::Feedback& converted = out.emplace_back();
    converted.set_project_id(demo.id());
    converted.set_kind(*kind);
    converted.set_text(item.text());
    converted.set_author_collectivity(demo.collectivity());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ImportRecord> ConvertDemoProject(const v1::DemoProject& demo) {
  ImportRecord record;
  absl::Status status = ConvertPublic(demo, *record.project.mutable_public_());
  if (!status.ok()) return status;
  ConvertRestricted(demo, *record.project.mutable_restricted());
  ConvertExpert(demo, *record.project.mutable_expert());
  status = ConvertFeedback(demo, record.feedback);
  if (!status.ok()) return status;
  return record;
}

absl::StatusOr<std::vector<ImportRecord>> ConvertDemoCatalogue(
    const v1::DemoCatalogue& catalogue) {
  std::vector<ImportRecord> records;
  records.reserve(catalogue.projects_size());
  for (int i = 0; i < catalogue.projects_size(); ++i) {
    const v1::DemoProject& demo = catalogue.projects(i);
    absl::StatusOr<ImportRecord> record = ConvertDemoProject(demo);
    if (!record.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("record ", i + 1, " (id ", demo.id(),
                                                     "): ", record.status().message()));
    }
    records.push_back(*std::move(record));
  }
  return records;
}

}  // namespace bibia::cli
