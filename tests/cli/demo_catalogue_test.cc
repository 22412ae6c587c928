// Conversion of the demo catalogue format into Projects and Feedback, and its
// batching for the import stream.
#include "cli/demo_catalogue.h"

#include <fstream>
#include <sstream>
#include <string>

#include "cli/import_batches.h"
#include "cli/json_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kTwoRecords[] = R"json({
  "meta": {"title": "test", "record_count": 2},
  "projects": [
    {
      "id": "nantes-fuites",
      "collectivity": "Nantes Métropole",
      "collectivity_code": "244400404",
      "region": "Pays de la Loire",
      "title_fr": "Détection des fuites",
      "title_en": "Leak detection",
      "summary_fr": "Résumé.",
      "summary_en": "Summary.",
      "domain": "water",
      "status": "production",
      "start_year": 2021,
      "techniques": ["acoustic analysis", "machine learning"],
      "data_sources": ["sensors"],
      "tags": ["water", "leaks"],
      "ethics": {
        "personal_data": false,
        "dpia_done": true,
        "human_in_the_loop": true,
        "public_algorithm_notice": false,
        "risk_level": "minimal"
      },
      "footprint": {
        "training_kwh": 12.5,
        "inference_hardware": "CPU",
        "frugality_notes": "small model",
        "estimate": true
      },
      "contacts": [{"role": "DPO", "email": "dpo@nantes.example.org"}],
      "feedback": [
        {"kind": "success_factor", "text": "Field teams involved."},
        {"kind": "difficulty", "text": "Sparse sensors."}
      ],
      "illustrative": true,
      "source_repository": "https://git.example.org/fuites",
      "license": "MIT",
      "documentation_url": "https://doc.example.org/fuites",
      "artifacts": [
        {"name": "model.onnx", "kind": "model", "format": "onnx",
         "approx_size_bytes": 1048576}
      ],
      "license_note": "code only",
      "sources": ["https://press.example.org/a", "https://press.example.org/b"]
    },
    {
      "id": "lille-air",
      "collectivity": "Métropole Européenne de Lille",
      "collectivity_code": null,
      "region": "Hauts-de-France",
      "title_fr": "Pics de pollution",
      "title_en": null,
      "domain": "ecological_transition",
      "status": null,
      "start_year": null,
      "techniques": [],
      "ethics": {
        "personal_data": null,
        "dpia_done": null,
        "human_in_the_loop": true,
        "public_algorithm_notice": null,
        "risk_level": null
      },
      "footprint": {
        "training_kwh": null,
        "inference_hardware": null,
        "frugality_notes": null,
        "estimate": false
      },
      "contacts": [],
      "feedback": [{"kind": "lesson", "text": "Work with Atmo."}],
      "illustrative": false,
      "source_repository": null,
      "license": null,
      "documentation_url": null,
      "artifacts": [{"name": "data.csv", "kind": "dataset", "format": "csv",
                     "approx_size_bytes": null}],
      "sources": []
    }
  ]
})json";

std::vector<ImportRecord> ConvertOrDie(const std::string& json) {
  v1::DemoCatalogue catalogue;
  absl::Status parsed = ParseJson(json, catalogue);
  EXPECT_TRUE(parsed.ok()) << parsed;
  absl::StatusOr<std::vector<ImportRecord>> records = ConvertDemoCatalogue(catalogue);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<ImportRecord>();
}

TEST(DemoCatalogueTest, ConvertsEveryMappedField) {
  const std::vector<ImportRecord> records = ConvertOrDie(kTwoRecords);
  ASSERT_EQ(records.size(), 2u);
  const v1::Project& project = records[0].project;

  const v1::ProjectPublic& p = project.public_();
  EXPECT_EQ(p.id(), "nantes-fuites");
  EXPECT_EQ(p.collectivity().name(), "Nantes Métropole");
  EXPECT_EQ(p.collectivity().siren(), "244400404");
  EXPECT_EQ(p.collectivity().region(), "Pays de la Loire");
  EXPECT_EQ(p.title_fr(), "Détection des fuites");
  EXPECT_EQ(p.title_en(), "Leak detection");
  EXPECT_EQ(p.summary_fr(), "Résumé.");
  EXPECT_EQ(p.summary_en(), "Summary.");
  EXPECT_EQ(p.domain(), v1::DOMAIN_WATER);
  EXPECT_EQ(p.status(), v1::STATUS_PRODUCTION);
  EXPECT_EQ(p.start_year(), 2021);
  EXPECT_THAT(p.techniques(), ElementsAre("acoustic analysis", "machine learning"));
  EXPECT_THAT(p.data_sources(), ElementsAre("sensors"));
  EXPECT_THAT(p.tags(), ElementsAre("water", "leaks"));
  EXPECT_THAT(p.links(), ElementsAre("https://press.example.org/a", "https://press.example.org/b"));

  ASSERT_TRUE(p.has_transparency());
  const v1::Transparency& t = p.transparency();
  ASSERT_TRUE(t.has_personal_data());
  EXPECT_FALSE(t.personal_data());
  ASSERT_TRUE(t.has_dpia_done());
  EXPECT_TRUE(t.dpia_done());
  ASSERT_TRUE(t.has_human_in_the_loop());
  EXPECT_TRUE(t.human_in_the_loop());
  ASSERT_TRUE(t.has_public_algorithm_notice());
  EXPECT_FALSE(t.public_algorithm_notice());
  EXPECT_EQ(t.risk_class(), v1::RISK_CLASS_MINIMAL);

  ASSERT_TRUE(p.has_footprint());
  const v1::Footprint& f = p.footprint();
  ASSERT_TRUE(f.has_training_kwh());
  EXPECT_DOUBLE_EQ(f.training_kwh(), 12.5);
  EXPECT_EQ(f.hardware(), "CPU");
  EXPECT_EQ(f.frugality_notes(), "small model");
  EXPECT_TRUE(f.estimate());

  const v1::ProjectRestricted& r = project.restricted();
  EXPECT_EQ(r.id(), "nantes-fuites");
  ASSERT_EQ(r.contacts_size(), 1);
  EXPECT_EQ(r.contacts(0).role(), "DPO");
  EXPECT_EQ(r.contacts(0).email(), "dpo@nantes.example.org");
  EXPECT_TRUE(r.illustrative());

  const v1::ProjectExpert& e = project.expert();
  EXPECT_EQ(e.id(), "nantes-fuites");
  EXPECT_EQ(e.source_repository(), "https://git.example.org/fuites");
  EXPECT_EQ(e.license(), "MIT");
  EXPECT_EQ(e.license_note(), "code only");
  EXPECT_EQ(e.documentation_url(), "https://doc.example.org/fuites");
  ASSERT_EQ(e.artifacts_size(), 1);
  EXPECT_EQ(e.artifacts(0).name(), "model.onnx");
  EXPECT_EQ(e.artifacts(0).kind(), "model");
  EXPECT_EQ(e.artifacts(0).format(), "onnx");
  EXPECT_EQ(e.artifacts(0).size_bytes(), 1048576);

  ASSERT_EQ(records[0].feedback.size(), 2u);
  const v1::Feedback& first = records[0].feedback[0];
  EXPECT_EQ(first.project_id(), "nantes-fuites");
  EXPECT_EQ(first.kind(), v1::FEEDBACK_KIND_SUCCESS_FACTOR);
  EXPECT_EQ(first.text(), "Field teams involved.");
  EXPECT_EQ(first.author_collectivity(), "Nantes Métropole");
  EXPECT_EQ(records[0].feedback[1].kind(), v1::FEEDBACK_KIND_DIFFICULTY);
  // The node assigns these.
  EXPECT_TRUE(first.id().empty());
  EXPECT_EQ(first.created_unix_ms(), 0);
}

TEST(DemoCatalogueTest, NullsBecomeUnspecifiedOrAbsent) {
  const std::vector<ImportRecord> records = ConvertOrDie(kTwoRecords);
  ASSERT_EQ(records.size(), 2u);
  const v1::ProjectPublic& p = records[1].project.public_();
  EXPECT_EQ(p.id(), "lille-air");
  EXPECT_EQ(p.domain(), v1::DOMAIN_ECOLOGICAL_TRANSITION);
  EXPECT_EQ(p.status(), v1::STATUS_UNSPECIFIED);
  EXPECT_EQ(p.start_year(), 0);
  EXPECT_EQ(p.title_en(), "");
  EXPECT_EQ(p.collectivity().siren(), "");
  EXPECT_TRUE(p.techniques().empty());

  const v1::Transparency& t = p.transparency();
  EXPECT_FALSE(t.has_personal_data());
  EXPECT_FALSE(t.has_dpia_done());
  EXPECT_FALSE(t.has_public_algorithm_notice());
  ASSERT_TRUE(t.has_human_in_the_loop());
  EXPECT_TRUE(t.human_in_the_loop());
  EXPECT_EQ(t.risk_class(), v1::RISK_CLASS_UNSPECIFIED);

  EXPECT_FALSE(p.footprint().has_training_kwh());
  EXPECT_EQ(p.footprint().hardware(), "");
  EXPECT_FALSE(p.footprint().estimate());

  EXPECT_FALSE(records[1].project.restricted().illustrative());
  EXPECT_EQ(records[1].project.expert().artifacts(0).size_bytes(), 0);
  EXPECT_EQ(records[1].project.expert().artifacts(0).kind(), "dataset");
  ASSERT_EQ(records[1].feedback.size(), 1u);
  EXPECT_EQ(records[1].feedback[0].kind(), v1::FEEDBACK_KIND_LESSON);
  EXPECT_EQ(records[1].feedback[0].author_collectivity(), "Métropole Européenne de Lille");
}

absl::Status ConvertError(const std::string& json) {
  v1::DemoCatalogue catalogue;
  absl::Status parsed = ParseJson(json, catalogue);
  if (!parsed.ok()) return parsed;
  return ConvertDemoCatalogue(catalogue).status();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(DemoCatalogueTest, UnknownDomainReportsPositionAndId) {
  const absl::Status status = ConvertError(
      Replace(kTwoRecords, R"("domain": "ecological_transition")", R"("domain": "climate")"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              ::testing::StartsWith("record 2 (id lille-air): domain: unknown value 'climate' "
                                    "(valid: ecological_transition, maintenance,"));
}

TEST(DemoCatalogueTest, UnknownStatusRiskAndFeedbackKind) {
  EXPECT_THAT(std::string(ConvertError(Replace(kTwoRecords, R"("status": "production")",
                                               R"("status": "live")"))
                              .message()),
              ::testing::StartsWith("record 1 (id nantes-fuites): status: unknown value 'live'"));
  EXPECT_THAT(
      std::string(ConvertError(Replace(kTwoRecords, R"("risk_level": "minimal")",
                                       R"("risk_level": "severe")"))
                      .message()),
      ::testing::StartsWith("record 1 (id nantes-fuites): ethics.risk_level: unknown value "
                            "'severe' (valid: minimal, limited, high, unacceptable)"));
  EXPECT_THAT(
      std::string(
          ConvertError(Replace(kTwoRecords, R"("kind": "difficulty")", R"("kind": "gripe")"))
              .message()),
      ::testing::StartsWith("record 1 (id nantes-fuites): feedback[1].kind: unknown value "
                            "'gripe'"));
}

TEST(DemoCatalogueTest, UnknownJsonFieldIsAParseErrorNamingTheField) {
  const absl::Status status =
      ConvertError(Replace(kTwoRecords, R"("illustrative": false)", R"("illustrativ": false)"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("illustrativ"));
}

TEST(DemoCatalogueTest, RealDemoCatalogueConverts) {
  std::ifstream file(BIBIA_DEMO_CATALOGUE);
  ASSERT_TRUE(file) << BIBIA_DEMO_CATALOGUE;
  std::stringstream content;
  content << file.rdbuf();
  const std::vector<ImportRecord> records = ConvertOrDie(content.str());
  EXPECT_EQ(records.size(), 47u);
  size_t feedback = 0;
  for (const ImportRecord& record : records) {
    EXPECT_FALSE(record.project.public_().id().empty());
    EXPECT_NE(record.project.public_().domain(), v1::DOMAIN_UNSPECIFIED)
        << record.project.public_().id();
    feedback += record.feedback.size();
  }
  EXPECT_EQ(feedback, 119u);
}

TEST(ImportBatchesTest, BatchesOfAtMostNProjectsWithTheirFeedback) {
  std::vector<ImportRecord> records(5);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].project.mutable_public_()->set_id("p" + std::to_string(i));
    for (size_t j = 0; j < i; ++j) {
      records[i].feedback.emplace_back().set_project_id("p" + std::to_string(i));
    }
  }
  const std::vector<v1::ImportRequest> batches = MakeImportBatches(records, 2);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].projects_size(), 2);
  EXPECT_EQ(batches[0].feedback_size(), 0 + 1);
  EXPECT_EQ(batches[1].projects_size(), 2);
  EXPECT_EQ(batches[1].feedback_size(), 2 + 3);
  EXPECT_EQ(batches[2].projects_size(), 1);
  EXPECT_EQ(batches[2].projects(0).public_().id(), "p4");
  EXPECT_EQ(batches[2].feedback_size(), 4);
  for (const v1::Feedback& feedback : batches[2].feedback()) {
    EXPECT_EQ(feedback.project_id(), "p4");
  }
  // Only the final message is marked last; an empty catalogue is that one message.
  EXPECT_FALSE(batches[0].last());
  EXPECT_FALSE(batches[1].last());
  EXPECT_TRUE(batches[2].last());
  const std::vector<v1::ImportRequest> none = MakeImportBatches({});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_TRUE(none[0].last());
  EXPECT_EQ(none[0].projects_size(), 0);
  EXPECT_EQ(MakeImportBatches(records).size(), 1u);  // default batch size 100
}

}  // namespace
}  // namespace bibia::cli
