#include "catalog/log_entry_view.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "catalog/log_writer.h"

namespace bibia::catalog {
namespace {

// Reads a base-128 varint at `*pos`; false past the end, over 64 bits, or
// longer than needed (a serializer writes the shortest form).
bool ReadVarint(std::string_view in, size_t* pos, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && *pos < in.size(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in[(*pos)++]);
    if (shift == 63 && byte > 1) return false;  // bits past the 64th
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return byte != 0 || shift == 0;
  }
  return false;
}

constexpr int kVarint = 0;
constexpr int kLengthDelimited = 2;

// The wire type each field of LogEntry is written with.
int WireTypeOf(uint64_t field) {
  switch (field) {
    case v1::LogEntry::kTierFieldNumber:
    case v1::LogEntry::kSeqFieldNumber:
    case v1::LogEntry::kHlcTimeFieldNumber:
    case v1::LogEntry::kTombstoneFieldNumber:
    case v1::LogEntry::kRedactionFieldNumber: return kVarint;
    default: return kLengthDelimited;
  }
}

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(absl::StrCat("log entry: ", std::string(what)));
}

}  // namespace

absl::StatusOr<LogEntryView> ParseLogEntryView(std::string_view in) {
  LogEntryView v;
  uint64_t last_field = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    const size_t start = pos;
    uint64_t tag = 0;
    if (!ReadVarint(in, &pos, &tag)) return Malformed("malformed field tag");
    const uint64_t field = tag >> 3;
    if (field == 0 || field > v1::LogEntry::kRedactionFieldNumber) return Malformed(absl::StrCat("unknown field ", field));
    if (field <= last_field) return Malformed(absl::StrCat("field ", field, " repeated or out of order"));
    last_field = field;
    if (static_cast<int>(tag & 7) != WireTypeOf(field)) return Malformed(absl::StrCat("field ", field, ": wrong wire type"));
    uint64_t value = 0;
    if (!ReadVarint(in, &pos, &value)) return Malformed(absl::StrCat("field ", field, ": malformed varint"));
    std::string_view bytes;
    if (WireTypeOf(field) == kLengthDelimited) {
      if (value > in.size() - pos) return Malformed(absl::StrCat("field ", field, ": truncated"));
      bytes = in.substr(pos, value);
      pos += value;
    }
    // proto3 writes no field that holds its default (0, false, empty).
    if (WireTypeOf(field) == kVarint ? value == 0 : bytes.empty()) {
      return Malformed(absl::StrCat("field ", field, ": a default value written out"));
    }
    const std::string_view record = in.substr(start, pos - start);
    switch (field) {
      case v1::LogEntry::kOriginFieldNumber:
        // A node id; ASCII also keeps it valid UTF-8, as a proto3 string must be.
        for (char c : bytes) {
          if (static_cast<uint8_t>(c) >= 0x80) return Malformed("origin: not ASCII");
        }
        v.origin = bytes;
        break;
      case v1::LogEntry::kTierFieldNumber:
        // An enum is an int32: a larger value would be written back otherwise.
        if (value > static_cast<uint64_t>(INT32_MAX)) return Malformed("tier: out of range");
        v.tier = static_cast<v1::Tier>(static_cast<int32_t>(value));
        break;
      case v1::LogEntry::kSeqFieldNumber: v.seq = value; break;
      case v1::LogEntry::kHlcTimeFieldNumber: v.hlc_time = static_cast<int64_t>(value); break;
      case v1::LogEntry::kKeyFieldNumber: v.key = bytes; break;
      case v1::LogEntry::kPayloadFieldNumber:
        v.payload = bytes;
        v.payload_record = record;
        break;
      case v1::LogEntry::kTombstoneFieldNumber:
        if (value != 1) return Malformed("tombstone: a bool is 1 when written");
        v.tombstone = true;
        break;
      case v1::LogEntry::kPrevHashFieldNumber: v.prev_hash = bytes; break;
      case v1::LogEntry::kSignatureFieldNumber:
        v.signature = bytes;
        v.signature_record = record;
        break;
      case v1::LogEntry::kPayloadHashFieldNumber: v.payload_hash = bytes; break;
      case v1::LogEntry::kRedactionFieldNumber:
        if (value != 1) return Malformed("redaction: a bool is 1 when written");
        v.redaction = true;
        break;
    }
  }
  return v;
}

std::string EntryHashOfView(std::string_view serialized, const LogEntryView& view) {
  // An empty bytes field has no record, so leaving the payload's and the
  // signature's records out gives the bytes of the entry with both cleared.
  // Fields are in order: the payload's record comes before the signature's.
  const char* const begin = serialized.data();
  const char* const end = begin + serialized.size();
  const char* kept = begin;
  std::string_view pieces[3];
  size_t n = 0;
  for (std::string_view skipped : {view.payload_record, view.signature_record}) {
    if (skipped.empty()) continue;
    pieces[n++] = std::string_view(kept, static_cast<size_t>(skipped.data() - kept));
    kept = skipped.data() + skipped.size();
  }
  pieces[n++] = std::string_view(kept, static_cast<size_t>(end - kept));
  return Sha256OfPieces(absl::MakeConstSpan(pieces, n));
}

std::string DescribeEntry(const LogEntryView& view, std::string_view problem) {
  return absl::StrCat("entry ", absl::string_view(view.origin.data(), view.origin.size()), "/",
                      v1::Tier_Name(view.tier), "/", view.seq, ": ", absl::string_view(problem.data(), problem.size()));
}

}  // namespace bibia::catalog
