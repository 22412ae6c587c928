#include "catalog/validate.h"

#include <cmath>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "catalog/printable.h"
#include "catalog/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/unknown_field_set.h"

namespace bibia::catalog {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::Status FieldError(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(problem)));
}

}  // namespace

absl::Status CheckUtf8(std::string_view path, std::string_view text) {
  if (size_t at = InvalidUtf8Offset(text); at != std::string_view::npos) {
    return FieldError(path, absl::StrCat("invalid UTF-8 at byte ", at));
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckLength(std::string_view path, std::string_view text, size_t max_chars) {
  size_t chars = Utf8Length(text);
  if (chars > max_chars) {
    return FieldError(path, absl::StrCat(chars, " characters, at most ", max_chars));
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT "<path>.field N: unknown field" for the first field of
// `message` itself that this build's schema does not have.
absl::Status CheckNoUnknownFields(const Message& message, const std::string& path) {
  const google::protobuf::UnknownFieldSet& unknown = message.GetReflection()->GetUnknownFields(message);
  if (unknown.empty()) return absl::OkStatus();
  const std::string field = absl::StrCat("field ", unknown.field(0).number());
  return FieldError(path.empty() ? field : absl::StrCat(path, ".", field), "unknown field");
}

// Walks every field of `message`: no field unknown to this build, enum
// values known to it, strings and lists bounded. Specific limits (titles,
// summaries) are checked by the callers before this generic pass.
absl::Status CheckFields(const Message& message, const std::string& path) {
  if (absl::Status s = CheckNoUnknownFields(message, path); !s.ok()) return s;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    std::string field_path = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      int size = reflection->FieldSize(message, field);
      if (size > static_cast<int>(kMaxListItems)) {
        return FieldError(field_path, absl::StrCat(size, " items, at most ", kMaxListItems));
      }
      for (int i = 0; i < size; ++i) {
        std::string item_path = absl::StrCat(field_path, "[", i, "]");
        switch (field->cpp_type()) {
          case FieldDescriptor::CPPTYPE_STRING: {
            std::string scratch;
            const std::string& value = reflection->GetRepeatedStringReference(message, field, i, &scratch);
            if (field->type() == FieldDescriptor::TYPE_STRING) {
              if (absl::Status s = CheckUtf8(item_path, value); !s.ok()) return s;
            }
            if (absl::Status s = CheckLength(item_path, value, kMaxTextChars); !s.ok()) return s;
            if (value.empty()) return FieldError(item_path, "must not be empty");
            break;
          }
          case FieldDescriptor::CPPTYPE_MESSAGE:
            if (absl::Status s = CheckFields(reflection->GetRepeatedMessage(message, field, i), item_path); !s.ok()) {
              return s;
            }
            break;
          default:
            break;
        }
      }
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& value = reflection->GetStringReference(message, field, &scratch);
        if (field->type() == FieldDescriptor::TYPE_STRING) {
          if (absl::Status s = CheckUtf8(field_path, value); !s.ok()) return s;
        }
        if (absl::Status s = CheckLength(field_path, value, kMaxTextChars); !s.ok()) return s;
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number = reflection->GetEnumValue(message, field);
        if (field->enum_type()->FindValueByNumber(number) == nullptr) {
          return FieldError(field_path, absl::StrCat("unknown value ", number, " for ", field->enum_type()->name()));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (absl::Status s = CheckFields(reflection->GetMessage(message, field), field_path); !s.ok()) return s;
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

// YYYY-MM-DD, a day that exists (2026-02-30 does not).
bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  for (size_t i = 0, part = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) {
      ++part;
      continue;
    }
    if (text[i] < '0' || text[i] > '9') return false;
    parts[part] = parts[part] * 10 + (text[i] - '0');
  }
  const int year = parts[0], month = parts[1], day = parts[2];
  if (month < 1 || month > 12 || day < 1) return false;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

absl::Status CheckDate(std::string_view path, const std::string& text) {
  if (text.empty() || IsIsoDate(text)) return absl::OkStatus();
  return FieldError(path, absl::StrCat("'", text, "' is not a date YYYY-MM-DD"));
}

// An address a person can be written to: one '@', no spaces, a domain with a
// dot in it. Not RFC 5322, which accepts far more than any mail form does.
absl::Status CheckEmail(std::string_view path, const std::string& email) {
  if (email.empty()) return absl::OkStatus();
  const size_t at = email.find('@');
  const std::string_view domain = at == std::string::npos ? "" : std::string_view(email).substr(at + 1);
  const bool ok = at != std::string::npos && at > 0 && domain.find('@') == std::string_view::npos &&
                  domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.back() != '.' &&
                  email.find_first_of(" \t\r\n,;<>") == std::string::npos;
  if (ok) return absl::OkStatus();
  return FieldError(path, absl::StrCat("'", email, "' is not an email address"));
}

// Energy and money figures: finite and not negative, when given.
absl::Status CheckAmount(std::string_view path, bool present, double value) {
  if (!present || (std::isfinite(value) && value >= 0)) return absl::OkStatus();
  return FieldError(path, absl::StrCat(value, " must be a number, 0 or more"));
}

absl::Status CheckLink(std::string_view path, const std::string& url) {
  if (url.empty() || url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) return absl::OkStatus();
  return FieldError(path, absl::StrCat("'", url, "' must start with https:// or http://"));
}

// The fields that have a form of their own, beyond lengths and UTF-8.
absl::Status CheckForms(const v1::Project& project) {
  const v1::ProjectPublic& p = project.public_();
  const std::string& siren = p.collectivity().siren();
  if (!siren.empty() && (siren.size() != 9 || siren.find_first_not_of("0123456789") != std::string::npos)) {
    return FieldError("public.collectivity.siren", absl::StrCat("'", siren, "' is not a SIREN (9 digits)"));
  }
  if (absl::Status s = CheckDate("public.next_review_date", p.next_review_date()); !s.ok()) return s;
  if (absl::Status s = CheckLink("public.transparency.dpia_url", p.transparency().dpia_url()); !s.ok()) return s;
  const v1::Footprint& footprint = p.footprint();
  if (absl::Status s = CheckAmount("public.footprint.training_kwh", footprint.has_training_kwh(),
                                   footprint.training_kwh());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckAmount("public.footprint.annual_inference_kwh", footprint.has_annual_inference_kwh(),
                                   footprint.annual_inference_kwh());
      !s.ok()) {
    return s;
  }
  const v1::ProjectRestricted& restricted = project.restricted();
  for (int i = 0; i < restricted.contacts_size(); ++i) {
    const v1::Contact& contact = restricted.contacts(i);
    const std::string path = absl::StrCat("restricted.contacts[", i, "]");
    if (absl::Status s = CheckEmail(path + ".email", contact.email()); !s.ok()) return s;
    if (absl::Status s = CheckDate(path + ".expires", contact.expires()); !s.ok()) return s;
  }
  if (absl::Status s = CheckAmount("restricted.budget_eur", restricted.has_budget_eur(), restricted.budget_eur());
      !s.ok()) {
    return s;
  }
  // Links (public.links) are sources, which may be citations rather than
  // URLs, and a repository may be a git remote: only the *_url fields are URLs.
  for (const auto& [path, url] : {std::pair{"expert.documentation_url", &project.expert().documentation_url()},
                                  std::pair{"expert.demonstrator_url", &project.expert().demonstrator_url()}}) {
    if (absl::Status s = CheckLink(path, *url); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// "<path>: N bytes serialized, at most M" if `message` encodes to more than `max`.
absl::Status CheckSize(std::string_view path, const Message& message, size_t max) {
  const size_t bytes = message.ByteSizeLong();
  if (bytes <= max) return absl::OkStatus();
  return FieldError(path, absl::StrCat(bytes, " bytes serialized, at most ", max));
}

absl::Status CheckFacetId(std::string_view path, const std::string& id, const std::string& public_id) {
  if (!id.empty() && id != public_id) {
    return FieldError(path, absl::StrCat("'", id, "' differs from public.id '", public_id, "'"));
  }
  return absl::OkStatus();
}

}  // namespace

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

bool IsValidProjectId(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

absl::Status MalformedPageToken() {
  return absl::InvalidArgumentError("page_token: malformed (use next_page_token of a previous response)");
}

absl::Status CheckId(std::string_view field, std::string_view id) {
  if (IsValidProjectId(id)) return absl::OkStatus();
  return FieldError(field, absl::StrCat("'", Printable(id), "' must match [a-z0-9-]{1,80}"));
}

absl::Status ValidateProject(const v1::Project& project) {
  if (!project.has_public_()) return FieldError("public", "required");
  const v1::ProjectPublic& p = project.public_();
  if (absl::Status s = CheckId("public.id", p.id()); !s.ok()) return s;
  if (p.collectivity().name().empty()) return FieldError("public.collectivity.name", "required");
  if (p.title_fr().empty() && p.title_en().empty()) {
    return FieldError("public.title_fr", "required (a title in French or English)");
  }
  for (const auto& [path, text, max] : {std::tuple{"public.title_fr", &p.title_fr(), kMaxTitleChars},
                                        std::tuple{"public.title_en", &p.title_en(), kMaxTitleChars},
                                        std::tuple{"public.summary_fr", &p.summary_fr(), kMaxSummaryChars},
                                        std::tuple{"public.summary_en", &p.summary_en(), kMaxSummaryChars}}) {
    if (absl::Status s = CheckLength(path, *text, max); !s.ok()) return s;
  }
  for (int i = 0; i < p.based_on_size(); ++i) {
    if (!IsValidProjectId(p.based_on(i))) {
      return FieldError(absl::StrCat("public.based_on[", i, "]"), "must be a project id [a-z0-9-]{1,80}");
    }
  }
  if (p.start_year() != 0 && (p.start_year() < 1950 || p.start_year() > 2100)) {
    return FieldError("public.start_year", absl::StrCat(p.start_year(), " is not a plausible year"));
  }
  if (absl::Status s = CheckForms(project); !s.ok()) return s;
  if (absl::Status s = CheckFacetId("restricted.id", project.restricted().id(), p.id()); !s.ok()) return s;
  if (absl::Status s = CheckFacetId("expert.id", project.expert().id(), p.id()); !s.ok()) return s;
  if (absl::Status s = CheckFields(project, ""); !s.ok()) return s;
  if (absl::Status s = CheckSize("public", project.public_(), kMaxPublicBytes); !s.ok()) return s;
  if (absl::Status s = CheckSize("restricted", project.restricted(), kMaxRestrictedBytes); !s.ok()) return s;
  if (absl::Status s = CheckSize("expert", project.expert(), kMaxExpertBytes); !s.ok()) return s;
  return CheckSize("project", project, kMaxProjectBytes);
}

absl::Status ValidateFeedback(const v1::Feedback& feedback) {
  if (absl::Status s = CheckId("feedback.project_id", feedback.project_id()); !s.ok()) return s;
  if (feedback.kind() == v1::FEEDBACK_KIND_UNSPECIFIED) return FieldError("feedback.kind", "required");
  if (feedback.text().empty() && feedback.outcome().empty()) {
    return FieldError("feedback.text", "required (text or outcome)");
  }
  if (absl::Status s = CheckAmount("feedback.cost_eur", feedback.has_cost_eur(), feedback.cost_eur()); !s.ok()) {
    return s;
  }
  if (feedback.has_duration_months() && feedback.duration_months() < 0) {
    return FieldError("feedback.duration_months", absl::StrCat(feedback.duration_months(), " must be 0 or more"));
  }
  if (absl::Status s = CheckFields(feedback, "feedback"); !s.ok()) return s;
  return CheckSize("feedback", feedback, kMaxFeedbackBytes);
}

}  // namespace bibia::catalog
