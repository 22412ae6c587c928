#include "catalog/validate.h"

#include <cmath>
#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bibia/v1/project.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"

namespace bibia::catalog {
namespace {

// The unknown fields of `message`, to add some as a client of a newer
// schema would send them.
google::protobuf::UnknownFieldSet* UnknownFieldsOf(google::protobuf::Message* message) {
  return message->GetReflection()->MutableUnknownFields(message);
}


using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

v1::Project ValidProject() {
  v1::Project p;
  v1::ProjectPublic* pub = p.mutable_public_();
  pub->set_id("nantes-eau-2024");
  pub->mutable_collectivity()->set_name("Nantes Métropole");
  pub->mutable_collectivity()->set_region("Pays de la Loire");
  pub->set_title_fr("Détection de fuites d’eau");
  pub->set_summary_fr("Analyse des débits nocturnes.");
  pub->set_domain(v1::DOMAIN_WATER);
  pub->set_status(v1::STATUS_PILOT);
  pub->set_start_year(2022);
  pub->add_techniques("séries temporelles");
  p.mutable_restricted()->set_id("nantes-eau-2024");
  p.mutable_restricted()->set_procurement_notes("Marché subséquent");
  p.mutable_expert()->set_license("Apache-2.0");
  return p;
}

// Every validation error is INVALID_ARGUMENT starting with the field path.
::testing::Matcher<absl::Status> FieldError(const std::string& path) {
  return StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(path + ":"));
}

// The matchers every test relies on must reject what they should, or the
// suite would pass vacuously.
TEST(StatusMatchersTest, MatchAndReject) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::NotFoundError("x"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(absl::InternalError("boom")), Not(IsOk()));
  EXPECT_THAT(absl::NotFoundError("no such project"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(absl::NotFoundError("no such project"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("such")));
  EXPECT_THAT(absl::NotFoundError("no such project"), StatusIs(absl::StatusCode::kNotFound, "no such project"));
  EXPECT_THAT(absl::NotFoundError("no such project"), Not(StatusIs(absl::StatusCode::kNotFound, HasSubstr("zzz"))));
  EXPECT_THAT(absl::NotFoundError("x"), Not(StatusIs(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(absl::OkStatus(), Not(StatusIs(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(absl::StatusOr<int>(absl::AbortedError("a")), StatusIs(absl::StatusCode::kAborted, "a"));
  EXPECT_THAT(absl::StatusOr<int>(5), StatusIs(absl::StatusCode::kOk));
  EXPECT_FALSE(::testing::Matches(IsOk())(absl::UnknownError("u")));
  // Descriptions read well in failure messages.
  EXPECT_EQ(::testing::DescribeMatcher<absl::Status>(IsOk()), "is OK");
  EXPECT_THAT(::testing::DescribeMatcher<absl::Status>(StatusIs(absl::StatusCode::kNotFound, HasSubstr("x"))),
              HasSubstr("NOT_FOUND"));
}

TEST(ValidateProjectTest, AcceptsValidProject) {
  EXPECT_THAT(ValidateProject(ValidProject()), IsOk());
  // Restricted and expert facets are optional, and their id may be left empty.
  v1::Project p = ValidProject();
  p.clear_restricted();
  p.mutable_expert()->clear_id();
  EXPECT_THAT(ValidateProject(p), IsOk());
  // An English title alone is enough.
  p.mutable_public_()->clear_title_fr();
  p.mutable_public_()->set_title_en("Leak detection");
  EXPECT_THAT(ValidateProject(p), IsOk());
}

TEST(ValidateProjectTest, MissingPublicFacet) {
  v1::Project p = ValidProject();
  p.clear_public_();
  EXPECT_THAT(ValidateProject(p), FieldError("public"));
}

TEST(ValidateProjectTest, BadIds) {
  for (const std::string& id : {std::string("Nantes-eau"), std::string(81, 'a'), std::string(""),
                                std::string("nantes/eau"), std::string("nantes eau"), std::string("nantes_eau"),
                                std::string("écoles")}) {
    v1::Project p = ValidProject();
    p.mutable_public_()->set_id(id);
    p.clear_restricted();
    p.clear_expert();
    EXPECT_THAT(ValidateProject(p), FieldError("public.id")) << "id '" << id << "'";
  }
  v1::Project p = ValidProject();
  p.mutable_public_()->set_id(std::string(80, 'a'));
  p.clear_restricted();
  EXPECT_THAT(ValidateProject(p), IsOk());
}

TEST(ValidateProjectTest, IsValidProjectId) {
  EXPECT_TRUE(IsValidProjectId("a"));
  EXPECT_TRUE(IsValidProjectId("0-9-z"));
  EXPECT_TRUE(IsValidProjectId(std::string(80, '-')));
  EXPECT_FALSE(IsValidProjectId(std::string(81, 'a')));
  EXPECT_FALSE(IsValidProjectId(""));
  EXPECT_FALSE(IsValidProjectId("A"));
  EXPECT_FALSE(IsValidProjectId("a/b"));
  EXPECT_FALSE(IsValidProjectId("a.b"));
  EXPECT_FALSE(IsValidProjectId(std::string("a\0b", 3)));
}

TEST(ValidateProjectTest, MissingTitle) {
  v1::Project p = ValidProject();
  p.mutable_public_()->clear_title_fr();
  p.mutable_public_()->clear_title_en();
  EXPECT_THAT(ValidateProject(p), FieldError("public.title_fr"));
}

TEST(ValidateProjectTest, MissingCollectivityName) {
  v1::Project p = ValidProject();
  p.mutable_public_()->mutable_collectivity()->clear_name();
  EXPECT_THAT(ValidateProject(p), FieldError("public.collectivity.name"));
  p.mutable_public_()->clear_collectivity();
  EXPECT_THAT(ValidateProject(p), FieldError("public.collectivity.name"));
}

TEST(ValidateProjectTest, TitleLengthCountsCharactersNotBytes) {
  v1::Project p = ValidProject();
  p.mutable_public_()->set_title_fr(std::string(301, 'a'));
  EXPECT_THAT(ValidateProject(p), StatusIs(absl::StatusCode::kInvalidArgument,
                                           AllOf(StartsWith("public.title_fr:"), HasSubstr("301"))));
  p.mutable_public_()->set_title_fr(std::string(300, 'a'));
  EXPECT_THAT(ValidateProject(p), IsOk());

  std::string accented;
  for (int i = 0; i < 300; ++i) accented += "é";  // 600 bytes, 300 characters
  p.mutable_public_()->set_title_fr(accented);
  EXPECT_THAT(ValidateProject(p), IsOk());
  p.mutable_public_()->set_title_fr(accented + "é");
  EXPECT_THAT(ValidateProject(p), FieldError("public.title_fr"));

  p = ValidProject();
  p.mutable_public_()->set_title_en(std::string(301, 'b'));
  EXPECT_THAT(ValidateProject(p), FieldError("public.title_en"));
}

TEST(ValidateProjectTest, SummaryLength) {
  v1::Project p = ValidProject();
  p.mutable_public_()->set_summary_fr(std::string(20001, 's'));
  EXPECT_THAT(ValidateProject(p), FieldError("public.summary_fr"));
  p.mutable_public_()->set_summary_fr(std::string(20000, 's'));
  EXPECT_THAT(ValidateProject(p), IsOk());
  p.mutable_public_()->set_summary_en(std::string(20001, 's'));
  EXPECT_THAT(ValidateProject(p), FieldError("public.summary_en"));
}

TEST(ValidateProjectTest, UnknownEnumValues) {
  v1::Project p = ValidProject();
  p.mutable_public_()->set_domain(static_cast<v1::Domain>(99));
  EXPECT_THAT(ValidateProject(p), FieldError("public.domain"));

  p = ValidProject();
  p.mutable_public_()->set_status(static_cast<v1::Status>(42));
  EXPECT_THAT(ValidateProject(p), FieldError("public.status"));

  p = ValidProject();
  p.mutable_public_()->mutable_transparency()->set_risk_class(static_cast<v1::RiskClass>(7));
  EXPECT_THAT(ValidateProject(p), FieldError("public.transparency.risk_class"));
}

TEST(ValidateProjectTest, FacetIdsMustEqualPublicId) {
  v1::Project p = ValidProject();
  p.mutable_restricted()->set_id("other-project");
  EXPECT_THAT(ValidateProject(p), FieldError("restricted.id"));
  p = ValidProject();
  p.mutable_expert()->set_id("other-project");
  EXPECT_THAT(ValidateProject(p), FieldError("expert.id"));
}

TEST(ValidateProjectTest, ListsAndOtherFields) {
  v1::Project p = ValidProject();
  p.mutable_public_()->add_tags("");
  EXPECT_THAT(ValidateProject(p), FieldError("public.tags[0]"));

  p = ValidProject();
  for (int i = 0; i < 101; ++i) p.mutable_public_()->add_links("https://example.org/" + std::to_string(i));
  EXPECT_THAT(ValidateProject(p), FieldError("public.links"));

  p = ValidProject();
  p.mutable_public_()->add_based_on("Not An Id");
  EXPECT_THAT(ValidateProject(p), FieldError("public.based_on[0]"));

  p = ValidProject();
  p.mutable_public_()->set_start_year(1800);
  EXPECT_THAT(ValidateProject(p), FieldError("public.start_year"));

  p = ValidProject();
  p.mutable_restricted()->set_procurement_notes(std::string(20001, 'n'));
  EXPECT_THAT(ValidateProject(p), FieldError("restricted.procurement_notes"));

  p = ValidProject();
  p.mutable_restricted()->add_contacts()->set_email(std::string(20001, 'e'));
  EXPECT_THAT(ValidateProject(p), FieldError("restricted.contacts[0].email"));
}

TEST(ValidateProjectTest, RejectsInvalidUtf8) {
  // Proto3 string fields must hold valid UTF-8, or the stored record could not
  // be parsed back.
  const std::pair<std::string, std::function<void(v1::Project*, const std::string&)>> cases[] = {
      {"public.title_fr", [](v1::Project* p, const std::string& s) { p->mutable_public_()->set_title_fr(s); }},
      {"public.summary_en", [](v1::Project* p, const std::string& s) { p->mutable_public_()->set_summary_en(s); }},
      {"public.collectivity.region",
       [](v1::Project* p, const std::string& s) { p->mutable_public_()->mutable_collectivity()->set_region(s); }},
      {"public.tags[0]", [](v1::Project* p, const std::string& s) { p->mutable_public_()->add_tags(s); }},
      {"restricted.procurement_notes",
       [](v1::Project* p, const std::string& s) { p->mutable_restricted()->set_procurement_notes(s); }},
      {"expert.artifacts[0].name",
       [](v1::Project* p, const std::string& s) { p->mutable_expert()->add_artifacts()->set_name(s); }},
  };
  for (const auto& [path, set] : cases) {
    for (const std::string& bad : {std::string("a\xff"), std::string("\xc3"), std::string("\xc3("),
                                   std::string("\xc0\x80"),           // overlong NUL
                                   std::string("\xed\xa0\x80"),       // surrogate U+D800
                                   std::string("\xf4\x90\x80\x80"),  // U+110000
                                   std::string("\x80")}) {
      v1::Project p = ValidProject();
      set(&p, "ok " + bad);
      EXPECT_THAT(ValidateProject(p), FieldError(path)) << path;
    }
    v1::Project p = ValidProject();
    set(&p, "Élan ß 水 😀 \xef\xbf\xbf");  // valid, including U+FFFF
    EXPECT_THAT(ValidateProject(p), IsOk()) << path;
  }
  v1::Feedback f;
  f.set_project_id("p1");
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_text("fin\xe2\x82");
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.text"));
}

TEST(ValidateProjectTest, FieldsWithAFormat) {
  const auto with = [](const std::function<void(v1::Project*)>& change) {
    v1::Project p = ValidProject();
    change(&p);
    return ValidateProject(p);
  };
  // Well-formed values pass.
  EXPECT_THAT(with([](v1::Project* p) {
                p->mutable_public_()->mutable_collectivity()->set_siren("244400404");
                p->mutable_public_()->set_next_review_date("2028-02-29");  // a leap day
                p->mutable_public_()->add_links("seed notes of the network (a citation, not a URL)");
                p->mutable_public_()->mutable_transparency()->set_dpia_url("https://nantes.example.org/aipd");
                p->mutable_public_()->mutable_footprint()->set_training_kwh(0);
                v1::Contact* c = p->mutable_restricted()->add_contacts();
                c->set_email("dsi.eau@nantes.example.org");
                c->set_expires("2027-12-31");
                p->mutable_restricted()->set_budget_eur(120000);
                p->mutable_expert()->set_source_repository("git@forge.example.org:nantes/fuites.git");
                p->mutable_expert()->set_documentation_url("http://docs.example.org/fuites");
              }),
              IsOk());
  // Each malformed one is named.
  const std::pair<const char*, std::function<void(v1::Project*)>> bad[] = {
      {"public.collectivity.siren", [](v1::Project* p) { p->mutable_public_()->mutable_collectivity()->set_siren("abc"); }},
      {"public.collectivity.siren", [](v1::Project* p) { p->mutable_public_()->mutable_collectivity()->set_siren("24440040"); }},
      {"public.next_review_date", [](v1::Project* p) { p->mutable_public_()->set_next_review_date("2027-02-29"); }},
      {"public.next_review_date", [](v1::Project* p) { p->mutable_public_()->set_next_review_date("31/12/2027"); }},
      {"public.transparency.dpia_url",
       [](v1::Project* p) { p->mutable_public_()->mutable_transparency()->set_dpia_url("intranet/aipd"); }},
      {"public.footprint.training_kwh",
       [](v1::Project* p) { p->mutable_public_()->mutable_footprint()->set_training_kwh(-3); }},
      {"public.footprint.annual_inference_kwh",
       [](v1::Project* p) { p->mutable_public_()->mutable_footprint()->set_annual_inference_kwh(std::nan("")); }},
      {"restricted.contacts[0].email", [](v1::Project* p) { p->mutable_restricted()->add_contacts()->set_email("notanemail"); }},
      {"restricted.contacts[0].email", [](v1::Project* p) { p->mutable_restricted()->add_contacts()->set_email("a@b"); }},
      {"restricted.contacts[0].email",
       [](v1::Project* p) { p->mutable_restricted()->add_contacts()->set_email("dsi @nantes.example.org"); }},
      {"restricted.contacts[0].expires", [](v1::Project* p) { p->mutable_restricted()->add_contacts()->set_expires("notadate"); }},
      {"restricted.budget_eur", [](v1::Project* p) { p->mutable_restricted()->set_budget_eur(-1); }},
      {"expert.demonstrator_url", [](v1::Project* p) { p->mutable_expert()->set_demonstrator_url("demo.example.org"); }},
  };
  for (const auto& [path, change] : bad) EXPECT_THAT(with(change), FieldError(path)) << path;
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("é"), 1u);
  EXPECT_EQ(Utf8Length("Œuvre"), 5u);
  EXPECT_EQ(Utf8Length("水😀"), 2u);
}

v1::Feedback ValidFeedback() {
  v1::Feedback f;
  f.set_project_id("nantes-eau-2024");
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_text("Impliquer les agents de terrain dès le début.");
  return f;
}

TEST(ValidateFeedbackTest, AcceptsValidAndRejectsBad) {
  EXPECT_THAT(ValidateFeedback(ValidFeedback()), IsOk());
  v1::Feedback f = ValidFeedback();
  f.set_project_id("Bad/Id");
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.project_id"));
  f = ValidFeedback();
  f.clear_kind();
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.kind"));
  f = ValidFeedback();
  f.clear_text();
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.text"));
  f.set_outcome("Réduction de 12 % des pertes");
  EXPECT_THAT(ValidateFeedback(f), IsOk());
  f = ValidFeedback();
  f.set_kind(static_cast<v1::FeedbackKind>(50));
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.kind"));
  f = ValidFeedback();
  f.set_cost_eur(-10);
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.cost_eur"));
  f = ValidFeedback();
  f.set_duration_months(-2);
  EXPECT_THAT(ValidateFeedback(f), FieldError("feedback.duration_months"));
}

// A field this build does not know is refused wherever it is, named by its
// path and number: it would be stored and served back as is.
TEST(ValidateProjectTest, RefusesUnknownFieldsNamingThem) {
  EXPECT_THAT(ValidateProject(ValidProject()), IsOk());
  v1::Project p = ValidProject();
  UnknownFieldsOf(p.mutable_public_())->AddLengthDelimited(99, std::string(1000, 'x'));
  EXPECT_THAT(ValidateProject(p), StatusIs(absl::StatusCode::kInvalidArgument, "public.field 99: unknown field"));

  p = ValidProject();
  UnknownFieldsOf(p.mutable_public_()->mutable_collectivity())->AddVarint(7, 1);
  EXPECT_THAT(ValidateProject(p), FieldError("public.collectivity.field 7"));

  p = ValidProject();
  UnknownFieldsOf(p.mutable_restricted()->add_contacts())->AddFixed32(12, 5);
  EXPECT_THAT(ValidateProject(p), FieldError("restricted.contacts[0].field 12"));

  p = ValidProject();
  UnknownFieldsOf(p.mutable_expert())->AddLengthDelimited(40, "x");
  EXPECT_THAT(ValidateProject(p), FieldError("expert.field 40"));

  p = ValidProject();
  UnknownFieldsOf(&p)->AddLengthDelimited(4, "x");
  EXPECT_THAT(ValidateProject(p), FieldError("field 4"));

  // As a client sends them: bytes parsed by this build's schema.
  v1::ProjectPublic extended = ValidProject().public_();
  UnknownFieldsOf(&extended)->AddLengthDelimited(99, "payload");
  p = ValidProject();
  ASSERT_TRUE(p.mutable_public_()->ParseFromString(extended.SerializeAsString()));
  EXPECT_THAT(ValidateProject(p), FieldError("public.field 99"));

  v1::Feedback f;
  f.set_project_id("nantes-eau-2024");
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_text("Impliquer les agents de terrain.");
  EXPECT_THAT(ValidateFeedback(f), IsOk());
  UnknownFieldsOf(&f)->AddLengthDelimited(99, "x");
  EXPECT_THAT(ValidateFeedback(f), StatusIs(absl::StatusCode::kInvalidArgument, "feedback.field 99: unknown field"));
}

// Text of `chars` characters of 4 bytes each (within every character limit,
// four times its size in bytes).
std::string WideText(size_t chars) {
  std::string text;
  for (size_t i = 0; i < chars; ++i) text += "\U0001F30A";  // 🌊
  return text;
}

// Valid fields alone could make a project of megabytes: each facet, the
// project and a feedback are capped in serialized bytes, the limit named.
TEST(ValidateProjectTest, RefusesOversizedFacetsAndProjectsNamingTheLimit) {
  v1::Project p = ValidProject();
  p.mutable_public_()->set_summary_fr(WideText(kMaxSummaryChars));
  p.mutable_public_()->set_summary_en(WideText(kMaxSummaryChars));
  EXPECT_THAT(ValidateProject(p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("public: "), HasSubstr("bytes serialized, at most 131072"))));
  p.mutable_public_()->clear_summary_en();
  EXPECT_THAT(ValidateProject(p), IsOk());  // 80 kB: within the cap

  p = ValidProject();
  p.mutable_restricted()->set_procurement_notes(WideText(kMaxTextChars));
  EXPECT_THAT(ValidateProject(p), StatusIs(absl::StatusCode::kInvalidArgument,
                                           AllOf(StartsWith("restricted: "), HasSubstr("at most 65536"))));

  p = ValidProject();
  p.mutable_expert()->set_license_note(WideText(kMaxTextChars));
  p.mutable_expert()->set_source_repository(WideText(kMaxTextChars));
  EXPECT_THAT(ValidateProject(p), FieldError("expert"));

  // Each facet within its cap, the three together over the project's.
  p = ValidProject();
  p.mutable_public_()->set_summary_fr(WideText(kMaxSummaryChars));
  p.mutable_public_()->mutable_transparency()->set_human_oversight(WideText(10000));
  p.mutable_restricted()->set_procurement_notes(WideText(15900));
  p.mutable_expert()->set_license_note(WideText(kMaxTextChars));
  p.mutable_expert()->set_documentation_url("https://example.org/" + std::string(19000, 'd'));
  ASSERT_LE(p.public_().ByteSizeLong(), kMaxPublicBytes);
  ASSERT_LE(p.restricted().ByteSizeLong(), kMaxRestrictedBytes);
  ASSERT_LE(p.expert().ByteSizeLong(), kMaxExpertBytes);
  ASSERT_GT(p.ByteSizeLong(), kMaxProjectBytes);
  EXPECT_THAT(ValidateProject(p), StatusIs(absl::StatusCode::kInvalidArgument,
                                           AllOf(StartsWith("project: "), HasSubstr("at most 262144"))));

  v1::Feedback f;
  f.set_project_id("nantes-eau-2024");
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_text(WideText(kMaxTextChars));
  EXPECT_THAT(ValidateFeedback(f), StatusIs(absl::StatusCode::kInvalidArgument,
                                            AllOf(StartsWith("feedback: "), HasSubstr("at most 65536"))));
  f.set_text(WideText(10000));
  EXPECT_THAT(ValidateFeedback(f), IsOk());
}

}  // namespace
}  // namespace bibia::catalog

namespace bibia::catalog {
namespace {

TEST(CheckIdTest, OneMessageNamingTheFieldForEveryIdCheck) {
  EXPECT_TRUE(CheckId("id", "nantes-cantines-2024").ok());
  const absl::Status bad = CheckId("peer.node_id", "Nantes!");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "peer.node_id: 'Nantes!' must match [a-z0-9-]{1,80}");
  EXPECT_FALSE(CheckId("id", std::string(81, 'a')).ok());
  EXPECT_FALSE(CheckId("id", "").ok());
  // A caller's control characters and megabytes are not echoed.
  const absl::Status hostile = CheckId("id", "a\x1b[2J" + std::string(1 << 20, 'x'));
  EXPECT_LT(hostile.message().size(), 300u);
  EXPECT_EQ(std::string(hostile.message()).find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace bibia::catalog
