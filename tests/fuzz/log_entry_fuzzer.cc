// libFuzzer target: a receiver reads every entry a peer sends in place
// (catalog/log_entry_view.h) and hashes and stores those bytes as they are.
// Whatever the input, the reader must return a status (never crash or read
// out of bounds); any input it accepts must be exactly the bytes protobuf
// writes for the message it parses to, with the same fields, so that what is
// hashed is what every other node reads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bibia/v1/storage.pb.h"
#include "catalog/log_entry_view.h"
#include "catalog/log_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto view = bibia::catalog::ParseLogEntryView(input);
  if (!view.ok()) {
    if (view.status().code() != absl::StatusCode::kDataLoss) __builtin_trap();  // every refusal is DATA_LOSS
    return 0;
  }
  bibia::v1::LogEntry entry;
  if (!entry.ParseFromArray(input.data(), static_cast<int>(input.size()))) __builtin_trap();
  if (entry.SerializeAsString() != input) __builtin_trap();  // canonical bytes only
  if (view->origin != entry.origin() || view->tier != entry.tier() || view->seq != entry.seq() ||
      view->hlc_time != entry.hlc_time() || view->key != entry.key() || view->payload != entry.payload() ||
      view->tombstone != entry.tombstone() || view->prev_hash != entry.prev_hash() ||
      view->signature != entry.signature() || view->payload_hash != entry.payload_hash() ||
      view->redaction != entry.redaction()) {
    __builtin_trap();
  }
  if (bibia::catalog::EntryHashOfView(input, *view) != bibia::catalog::EntryHash(entry)) __builtin_trap();
  return 0;
}
