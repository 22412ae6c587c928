// Unit tests of web/ without sockets: the status mapping and error shape,
// parameter checks, common headers, CSV quoting and the embedded assets.
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "web/api.h"
#include "web/assets.h"
#include "web/exports.h"
#include "web/http_status.h"
#include "web/params.h"

namespace bibia::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Header(const Reply& reply, const std::string& name) {
  for (const auto& [n, v] : reply.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(HttpStatusTest, CodesMapToHttpStatuses) {
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kDataLoss), 500);
}

TEST(HttpStatusTest, ErrorReplyIsJsonWithoutPathsOrControlBytes) {
  Reply reply = ErrorReply(absl::UnavailableError("cannot open /var/lib/bibia/db/LOCK: \"busy\"\n<b>"));
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_THAT(reply.body, HasSubstr("\"code\":\"UNAVAILABLE\""));
  EXPECT_THAT(reply.body, Not(HasSubstr("/var/lib")));
  EXPECT_THAT(reply.body, Not(HasSubstr("<b>")));
  Reply unauthenticated = ErrorReply(absl::UnauthenticatedError("no token"));
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_THAT(Header(unauthenticated, "WWW-Authenticate"), HasSubstr("Bearer"));
  EXPECT_EQ(ErrorReply(absl::InvalidArgumentError("x"), 405).status, 405);
}

TEST(ParamsTest, OnlyKnownNamesOnceValidUtf8AndBounded) {
  EXPECT_TRUE(CheckParams({{"q", "eau"}, {"limit", "5"}}, {"q", "limit"}).ok());
  auto unknown = CheckParams({{"color", "blue"}}, {"q"});
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("'color': unknown"));
  EXPECT_FALSE(CheckParams({{"q", "a"}, {"q", "b"}}, {"q"}).ok());
  EXPECT_FALSE(CheckParams({{"q", "\xff"}}, {"q"}).ok());
  EXPECT_FALSE(CheckParams({{"q", std::string(kMaxQueryBytes + 1, 'a')}}, {"q"}).ok());
  EXPECT_TRUE(CheckParams({{"q", std::string(kMaxQueryBytes, 'a')}}, {"q"}).ok());
  EXPECT_FALSE(CheckParams({{"region", std::string(kMaxParamBytes + 1, 'a')}}, {"region"}).ok());
  EXPECT_FALSE(CheckParams({{"x", ""}}, {}).ok());
}

TEST(ParamsTest, FiltersTakeShortOrFullEnumNames) {
  auto filter = FilterFrom({{"domain", "water"}, {"status", "STATUS_PILOT"}, {"region", " Occitanie "}});
  ASSERT_TRUE(filter.ok());
  EXPECT_EQ(filter->domain(), v1::DOMAIN_WATER);
  EXPECT_EQ(filter->status(), v1::STATUS_PILOT);
  EXPECT_EQ(filter->region(), "Occitanie");
  auto bad = FilterFrom({{"domain", "cheese"}});
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("valid: "));
  EXPECT_FALSE(FilterFrom({{"domain", "unspecified"}}).ok());
  EXPECT_EQ(*LimitFrom({}, 100), 0);
  EXPECT_EQ(*LimitFrom({{"limit", "100"}}, 100), 100);
  EXPECT_FALSE(LimitFrom({{"limit", "101"}}, 100).ok());
  EXPECT_FALSE(LimitFrom({{"limit", "-1"}}, 100).ok());
}

TEST(FinishReplyTest, EtagCorsAndSecurityHeaders) {
  Request request;
  request.method = "GET";
  Reply reply;
  reply.body = "{}";
  FinishReply(request, &reply);
  const std::string etag = Header(reply, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Header(reply, "Access-Control-Allow-Origin"), "*");
  EXPECT_THAT(Header(reply, "Content-Security-Policy"), Not(HasSubstr("unsafe-inline")));
  EXPECT_EQ(Header(reply, "X-Content-Type-Options"), "nosniff");

  request.if_none_match = "\"other\", " + etag;
  Reply cached;
  cached.body = "{}";
  FinishReply(request, &cached);
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());

  Request with_token;
  with_token.authorization = "Bearer x";
  Reply private_reply;
  private_reply.body = "{}";
  private_reply.shared = false;
  FinishReply(with_token, &private_reply);
  EXPECT_EQ(Header(private_reply, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(Header(private_reply, "Cache-Control"), "private, no-store");
}

TEST(ExportsTest, CsvFieldsFollowRfc4180) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\r\nlines"), "\"two\r\nlines\"");
  v1::ProjectPublic p;
  p.set_id("x");
  p.set_title_fr("Titre, avec virgule");
  const std::string csv = ProjectsCsv({p});
  EXPECT_TRUE(absl::StartsWith(csv, "id,collectivity,"));
  EXPECT_THAT(csv, HasSubstr("\r\nx,"));
  EXPECT_THAT(csv, HasSubstr("\"Titre, avec virgule\""));
}

TEST(AssetsTest, ThePageIsEmbeddedAndNothingElse) {
  const Asset* index = FindAsset("index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(std::string(index->body), HasSubstr("<html lang=\"fr\">"));
  // No inline script: every <script> has a src.
  EXPECT_THAT(std::string(index->body), Not(HasSubstr("<script>")));
  ASSERT_NE(FindAsset("app.js"), nullptr);
  EXPECT_EQ(FindAsset("app.js")->content_type, "text/javascript; charset=utf-8");
  ASSERT_NE(FindAsset("vendor/LICENSES.txt"), nullptr);
  EXPECT_EQ(FindAsset("../CMakeLists.txt"), nullptr);
  EXPECT_EQ(FindAsset("/etc/passwd"), nullptr);
  EXPECT_EQ(FindAsset(""), nullptr);
}

}  // namespace
}  // namespace bibia::web
