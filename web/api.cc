#include "web/api.h"

#include <openssl/sha.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "access/request_check.h"
#include "catalog/printable.h"
#include "catalog/utf8.h"
#include "catalog/validate.h"
#include "google/protobuf/util/json_util.h"
#include "web/assets.h"
#include "web/exports.h"
#include "web/http_status.h"
#include "web/params.h"

namespace bibia::web {
namespace {

using access::Operation;

constexpr char kJson[] = "application/json";
// Most projects an export reads (pages of the store's largest list page).
constexpr int kExportPageSize = 500;
constexpr int kMaxExportPages = 2000;

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::InternalError(absl::StrCat("json: ", std::string(status.message())));
  out += "\n";
  return out;
}

Reply JsonReply(absl::StatusOr<std::string> body) {
  if (!body.ok()) return ErrorReply(body.status());
  Reply reply;
  reply.content_type = kJson;
  reply.body = std::move(*body);
  return reply;
}

// The request's path is safe to route: UTF-8, no NUL or backslash, no empty,
// "." or ".." segment.
absl::Status CheckPath(const std::string& path) {
  if (path.size() > kMaxPathBytes) return absl::InvalidArgumentError(absl::StrCat("path: longer than ", kMaxPathBytes, " bytes"));
  if (path.empty() || path[0] != '/') return absl::InvalidArgumentError("path: must start with '/'");
  if (catalog::InvalidUtf8Offset(path) != std::string::npos) return absl::InvalidArgumentError("path: not valid UTF-8");
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) {
    return absl::InvalidArgumentError("path: holds a NUL byte or a backslash");
  }
  std::vector<absl::string_view> segments = absl::StrSplit(absl::string_view(path).substr(1), '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    const absl::string_view s = segments[i];
    if (s == "." || s == "..") return absl::InvalidArgumentError("path: '.' and '..' segments are refused");
    if (s.empty() && i + 1 < segments.size()) return absl::InvalidArgumentError("path: empty segment ('//')");
  }
  return absl::OkStatus();
}

access::AccessControl::Credentials CredentialsOf(const Request& request, bool with_token) {
  access::AccessControl::Credentials credentials;
  credentials.address = request.address;
  if (with_token) credentials.bearer = request.authorization;
  return credentials;
}

std::string Etag(const std::string& body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  return absl::StrCat("\"", absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 16)), "\"");
}

bool EtagMatches(const std::string& header, const std::string& etag) {
  for (absl::string_view candidate : absl::StrSplit(header, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    if (absl::StartsWith(candidate, "W/")) candidate.remove_prefix(2);
    if (candidate == "*" || candidate == etag) return true;
  }
  return false;
}

}  // namespace

void FinishReply(const Request& request, Reply* reply) {
  auto& h = reply->headers;
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("Referrer-Policy", "no-referrer");
  h.emplace_back("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  h.emplace_back("Vary", "Authorization");
  if (reply->shared && !request.authorization) h.emplace_back("Access-Control-Allow-Origin", "*");
  if (reply->status == 200) {
    h.emplace_back("Cache-Control", reply->shared ? "no-cache" : "private, no-store");
    const std::string etag = Etag(reply->body);
    h.emplace_back("ETag", etag);
    if (request.if_none_match && EtagMatches(*request.if_none_match, etag)) {
      reply->status = 304;
      reply->body.clear();
    }
  } else {
    h.emplace_back("Cache-Control", "no-store");
  }
}

Reply Api::Handle(const Request& request) const {
  const absl::Time start = absl::Now();
  Event event;
  event.request = &request;
  event.operation = "refused";
  event.caller = "anonymous";
  event.tier = "public";
  Reply reply = Route(request, &event);
  FinishReply(request, &reply);
  event.http_status = reply.status;
  event.ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  if (options_.logger) options_.logger(event);
  return reply;
}

Reply Api::Route(const Request& request, Event* event) const {
  if (request.method != "GET" && request.method != "HEAD") {
    event->status = absl::InvalidArgumentError(
        absl::StrCat("method ", catalog::Printable(request.method, 20), ": only GET and HEAD are served"));
    Reply reply = ErrorReply(event->status, 405);
    reply.headers.emplace_back("Allow", "GET, HEAD");
    return reply;
  }
  if (absl::Status path = CheckPath(request.path); !path.ok()) {
    event->status = path;
    return ErrorReply(path);
  }
  const std::string& path = request.path;
  if (path == "/healthz") {
    event->operation = "healthz";
    event->status = store_->Health();
    Reply reply;
    reply.body = event->status.ok() ? "{\"status\":\"SERVING\"}\n"
                                    : (absl::IsUnavailable(event->status) ? "{\"status\":\"NOT_SERVING\"}\n"
                                                                          : "{\"status\":\"SERVING\",\"writes\":\"refused\"}\n");
    if (absl::IsUnavailable(event->status)) reply.status = 503;
    return reply;
  }
  const std::string kProjects = "/api/v1/projects";
  if (path == kProjects) return Projects(request, event);
  if (path == "/api/v1/stats") return Stats(request, event);
  if (absl::StartsWith(path, absl::StrCat(kProjects, "/"))) {
    std::vector<std::string> parts = absl::StrSplit(path.substr(kProjects.size() + 1), '/');
    if (parts.size() == 1) return Project(request, parts[0], event);
    if (parts.size() == 2 && parts[1] == "feedback") return Feedback(request, parts[0], event);
  }
  if (absl::StartsWith(path, "/export/")) return Export(request, path.substr(8), event);
  if (path == "/" || path == "/index.html") return Asset(request, "index.html", event);
  if (absl::StartsWith(path, "/assets/")) return Asset(request, path.substr(8), event);
  event->status = absl::NotFoundError("path: no such page or endpoint (see /api/v1/projects, /export/, /)");
  return ErrorReply(event->status);
}

namespace {

// Runs `body` between the policy point's check and its audit; fills `event`.
template <typename Body>
Reply Guarded(const access::AccessControl& access, const Request& request, Operation op, bool with_token,
              Api::Event* event, Body body) {
  access::RequestCheck check(access, CredentialsOf(request, with_token), op);
  event->operation = access::OperationName(op);
  absl::StatusOr<Reply> reply = absl::UnknownError("not run");
  if (check.allowed()) reply = body(check);
  const absl::Status status = check.Finish(check.allowed() ? reply.status() : absl::OkStatus(), &event->audit_error);
  event->caller = access::Describe(check.caller());
  event->tier = access::TierName(check.caller().tier);
  event->status = status;
  if (!status.ok()) return ErrorReply(status);
  return std::move(*reply);
}

}  // namespace

Reply Api::Projects(const Request& request, Event* event) const {
  auto params = CheckParams(request.params, {"q", "domain", "status", "region", "collectivity", "technique",
                                             "page_token", "limit"});
  if (!params.ok()) return event->status = params.status(), ErrorReply(params.status());
  auto filter = FilterFrom(*params);
  if (!filter.ok()) return event->status = filter.status(), ErrorReply(filter.status());
  const std::string query = params->contains("q") ? (*params)["q"] : "";
  const std::string token = params->contains("page_token") ? (*params)["page_token"] : "";
  const bool search = !absl::StripAsciiWhitespace(query).empty();
  auto limit = LimitFrom(*params, search ? 100 : 500);
  if (!limit.ok()) return event->status = limit.status(), ErrorReply(limit.status());
  if (search) {
    return Guarded(*access_, request, Operation::kSearch, true, event, [&](access::RequestCheck&) -> absl::StatusOr<Reply> {
      v1::SearchRequest r;
      r.set_query(query);
      *r.mutable_filter() = *filter;
      r.set_page_size(*limit);
      r.set_page_token(token);
      auto result = store_->Search(r);
      if (!result.ok()) return result.status();
      return JsonReply(ToJson(*result));
    });
  }
  return Guarded(*access_, request, Operation::kListProjects, true, event, [&](access::RequestCheck&) -> absl::StatusOr<Reply> {
    v1::ListProjectsRequest r;
    *r.mutable_filter() = *filter;
    r.set_page_size(*limit);
    r.set_page_token(token);
    auto result = store_->ListProjects(r);
    if (!result.ok()) return result.status();
    return JsonReply(ToJson(*result));
  });
}

Reply Api::Project(const Request& request, const std::string& id, Event* event) const {
  auto params = CheckParams(request.params, {});
  if (!params.ok()) return event->status = params.status(), ErrorReply(params.status());
  return Guarded(*access_, request, Operation::kGetProject, true, event,
                 [&](access::RequestCheck& check) -> absl::StatusOr<Reply> {
                   check.AddRecord(id);
                   auto project = store_->GetProject(id);
                   if (!project.ok()) return project.status();
                   access::ProjectTo(check.caller().tier, &*project);
                   v1::GetProjectResponse response;
                   *response.mutable_project() = std::move(*project);
                   response.set_tier(check.caller().tier);
                   Reply reply = JsonReply(ToJson(response));
                   reply.shared = check.caller().tier <= v1::TIER_PUBLIC;
                   return reply;
                 });
}

Reply Api::Feedback(const Request& request, const std::string& id, Event* event) const {
  auto params = CheckParams(request.params, {"page_token", "limit"});
  if (!params.ok()) return event->status = params.status(), ErrorReply(params.status());
  auto limit = LimitFrom(*params, catalog::kMaxFeedbackPageSize);
  if (!limit.ok()) return event->status = limit.status(), ErrorReply(limit.status());
  return Guarded(*access_, request, Operation::kListFeedback, true, event,
                 [&](access::RequestCheck& check) -> absl::StatusOr<Reply> {
                   check.AddRecord(id);
                   auto project = store_->GetProject(id);
                   if (!project.ok()) return project.status();
                   v1::ListFeedbackRequest r;
                   r.set_project_id(id);
                   r.set_page_size(*limit);
                   if (params->contains("page_token")) r.set_page_token((*params)["page_token"]);
                   auto result = store_->ListFeedback(r);
                   if (!result.ok()) return result.status();
                   Reply reply = JsonReply(ToJson(*result));
                   reply.shared = false;
                   return reply;
                 });
}

Reply Api::Stats(const Request& request, Event* event) const {
  auto params = CheckParams(request.params, {});
  if (!params.ok()) return event->status = params.status(), ErrorReply(params.status());
  return Guarded(*access_, request, Operation::kStats, true, event, [&](access::RequestCheck&) -> absl::StatusOr<Reply> {
    auto result = store_->Stats();
    if (!result.ok()) return result.status();
    return JsonReply(ToJson(*result));
  });
}

Reply Api::Export(const Request& request, const std::string& name, Event* event) const {
  auto params = CheckParams(request.params, {});
  if (!params.ok()) return event->status = params.status(), ErrorReply(params.status());
  if (name != "dcat.jsonld" && name != "projects.csv" && name != "register.json" && name != "register.csv") {
    event->status = absl::NotFoundError(absl::StrCat(
        "export '", catalog::Printable(name), "': unknown (dcat.jsonld, projects.csv, register.json, register.csv)"));
    return ErrorReply(event->status);
  }
  // Public tier whatever the token: the request is checked as anonymous.
  return Guarded(*access_, request, Operation::kListProjects, false, event,
                 [&](access::RequestCheck&) -> absl::StatusOr<Reply> {
                   std::vector<v1::ProjectPublic> projects;
                   v1::ListProjectsRequest r;
                   r.set_page_size(kExportPageSize);
                   for (int page = 0; page < kMaxExportPages; ++page) {
                     auto result = store_->ListProjects(r);
                     if (!result.ok()) return result.status();
                     for (auto& p : *result->mutable_projects()) projects.push_back(std::move(p));
                     if (result->next_page_token().empty()) break;
                     r.set_page_token(result->next_page_token());
                   }
                   ExportContext context{store_->node_id(), options_.base_url, absl::ToUnixMillis(absl::Now())};
                   Reply reply;
                   if (name == "dcat.jsonld") {
                     reply.content_type = "application/ld+json";
                     reply.body = DcatJsonLd(projects, context);
                   } else if (name == "projects.csv") {
                     reply.content_type = "text/csv; charset=utf-8; header=present";
                     reply.body = ProjectsCsv(projects);
                   } else if (name == "register.json") {
                     reply.content_type = kJson;
                     reply.body = RegisterJson(projects, context);
                   } else {
                     reply.content_type = "text/csv; charset=utf-8; header=present";
                     reply.body = RegisterCsv(projects, context);
                   }
                   reply.headers.emplace_back("Content-Disposition",
                                              absl::StrCat("inline; filename=\"bibia-", name, "\""));
                   return reply;
                 });
}

Reply Api::Asset(const Request& request, const std::string& path, Event* event) const {
  event->operation = "asset";
  const web::Asset* asset = FindAsset(path);
  if (asset == nullptr) {
    event->status = absl::NotFoundError(absl::StrCat("asset ", catalog::Printable(path), ": no such file"));
    return ErrorReply(event->status);
  }
  event->status = absl::OkStatus();
  Reply reply;
  reply.content_type = std::string(asset->content_type);
  reply.body = std::string(asset->body);
  return reply;
}

}  // namespace bibia::web
