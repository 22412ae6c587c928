#include "catalog/validate.h"

#include <cstdint>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace bibia::catalog {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::Status FieldError(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(problem)));
}

// Offset of the first byte of `text` that is not well-formed UTF-8 (no
// overlong forms, surrogates or code points above U+10FFFF), or npos. Proto3
// refuses to parse a string field that fails this, so such text must never be
// stored: the record, and the index row built from it, could not be read back.
size_t InvalidUtf8Offset(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<uint8_t>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    char32_t cp, min;
    if ((b & 0xe0) == 0xc0) {
      len = 2, cp = b & 0x1f, min = 0x80;
    } else if ((b & 0xf0) == 0xe0) {
      len = 3, cp = b & 0x0f, min = 0x800;
    } else if ((b & 0xf8) == 0xf0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (i + len > text.size()) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<uint8_t>(text[i + k]);
      if ((c & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

absl::Status CheckUtf8(std::string_view path, std::string_view text) {
  if (size_t at = InvalidUtf8Offset(text); at != std::string_view::npos) {
    return FieldError(path, absl::StrCat("invalid UTF-8 at byte ", at));
  }
  return absl::OkStatus();
}

absl::Status CheckLength(std::string_view path, std::string_view text, size_t max_chars) {
  size_t chars = Utf8Length(text);
  if (chars > max_chars) {
    return FieldError(path, absl::StrCat(chars, " characters, at most ", max_chars));
  }
  return absl::OkStatus();
}

// Walks every field of `message`: enum values must be known to this build,
// strings and lists bounded. Specific limits (titles, summaries) are checked
// by the callers before this generic pass.
absl::Status CheckFields(const Message& message, const std::string& path) {
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

absl::Status ValidateProject(const v1::Project& project) {
  if (!project.has_public_()) return FieldError("public", "required");
  const v1::ProjectPublic& p = project.public_();
  if (!IsValidProjectId(p.id())) {
    return FieldError("public.id", absl::StrCat("'", p.id(), "' must match [a-z0-9-]{1,80}"));
  }
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
  if (absl::Status s = CheckFacetId("restricted.id", project.restricted().id(), p.id()); !s.ok()) return s;
  if (absl::Status s = CheckFacetId("expert.id", project.expert().id(), p.id()); !s.ok()) return s;
  return CheckFields(project, "");
}

absl::Status ValidateFeedback(const v1::Feedback& feedback) {
  if (!IsValidProjectId(feedback.project_id())) {
    return FieldError("feedback.project_id", absl::StrCat("'", feedback.project_id(), "' must match [a-z0-9-]{1,80}"));
  }
  if (feedback.kind() == v1::FEEDBACK_KIND_UNSPECIFIED) return FieldError("feedback.kind", "required");
  if (feedback.text().empty() && feedback.outcome().empty()) {
    return FieldError("feedback.text", "required (text or outcome)");
  }
  return CheckFields(feedback, "feedback");
}

}  // namespace bibia::catalog
