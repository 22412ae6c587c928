#include "tests/bench/ceiling.h"

#include <cstdio>
#include <memory>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "catalog/db.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "tests/bench/latency.h"

namespace bibia::bench {
namespace {

// The input file: for each batch, the count of log puts and of record puts,
// then every key and value, each as a 32-bit length and its bytes.
void AppendU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool ReadU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(4);
  return true;
}

bool ReadBytes(std::string_view* in, std::string* out) {
  uint32_t size = 0;
  if (!ReadU32(in, &size) || in->size() < size) return false;
  out->assign(in->data(), size);
  in->remove_prefix(size);
  return true;
}

absl::StatusOr<CeilingInput> LoadCeilingInput(const std::string& file) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) return absl::NotFoundError(absl::StrCat("open ", file));
  std::string bytes;
  char buffer[1 << 16];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f.get())) > 0;) bytes.append(buffer, n);
  std::string_view in = bytes;
  CeilingInput input;
  const auto read_puts = [&](uint32_t count, std::vector<KeyValue>* puts) {
    puts->resize(count);
    for (KeyValue& kv : *puts) {
      if (!ReadBytes(&in, &kv.key) || !ReadBytes(&in, &kv.value)) return false;
    }
    return true;
  };
  while (!in.empty()) {
    uint32_t logs = 0, records = 0;
    if (!ReadU32(&in, &logs) || !ReadU32(&in, &records) || !read_puts(logs, &input.log.emplace_back()) ||
        !read_puts(records, &input.records.emplace_back())) {
      return absl::DataLossError(absl::StrCat(file, ": truncated"));
    }
  }
  return input;
}

}  // namespace

absl::StatusOr<Ceiling> WriteCeiling(const std::string& path, const CeilingInput& input, bool sync,
                                     bool node_options) {
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* log_family = nullptr;
  rocksdb::ColumnFamilyHandle* record_family = nullptr;
  std::unique_ptr<rocksdb::DB> default_db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::unique_ptr<catalog::Db> node_db;
  if (node_options) {
    catalog::Db::Options options;
    options.sync_writes = sync;
    auto opened = catalog::Db::Open(path, options);
    if (!opened.ok()) return opened.status();
    node_db = std::move(*opened);
    db = node_db->raw();
    log_family = node_db->family(catalog::Family::kLog);
    record_family = node_db->family(catalog::Family::kRecords);
  } else {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"log", rocksdb::ColumnFamilyOptions()},
        {"records", rocksdb::ColumnFamilyOptions()}};
    rocksdb::Status s = rocksdb::DB::Open(options, path, families, &handles, &db);
    if (!s.ok()) return absl::InternalError(absl::StrCat("open ", path, ": ", s.ToString()));
    default_db.reset(db);
    log_family = handles[1];
    record_family = handles[2];
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  Ceiling ceiling;
  rocksdb::Status s;
  const auto start = Clock::now();
  for (size_t b = 0; b < input.log.size(); ++b) {
    rocksdb::WriteBatch batch;
    for (const KeyValue& kv : input.log[b]) batch.Put(log_family, kv.key, kv.value);
    if (!input.records.empty()) {
      for (const KeyValue& kv : input.records[b]) batch.Put(record_family, kv.key, kv.value);
    }
    s = db->Write(write_options, &batch);
    if (!s.ok()) break;
    ++ceiling.batches;
  }
  ceiling.ns = NanosSince(start);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (default_db) default_db->Close();
  if (!s.ok()) return absl::InternalError(absl::StrCat("write ", path, ": ", s.ToString()));
  return ceiling;
}

absl::Status SaveCeilingInput(const CeilingInput& input, const std::string& file) {
  std::string bytes;
  for (size_t b = 0; b < input.log.size(); ++b) {
    const std::vector<KeyValue> none;
    const std::vector<KeyValue>& records = input.records.empty() ? none : input.records[b];
    AppendU32(&bytes, static_cast<uint32_t>(input.log[b].size()));
    AppendU32(&bytes, static_cast<uint32_t>(records.size()));
    for (const auto* puts : {&input.log[b], &records}) {
      for (const KeyValue& kv : *puts) {
        AppendU32(&bytes, static_cast<uint32_t>(kv.key.size()));
        bytes += kv.key;
        AppendU32(&bytes, static_cast<uint32_t>(kv.value.size()));
        bytes += kv.value;
      }
    }
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(file.c_str(), "wb"), &std::fclose);
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
    return absl::InternalError(absl::StrCat("write ", file));
  }
  return absl::OkStatus();
}

absl::StatusOr<Ceiling> WriteCeilingInFreshProcess(const std::string& exe, const std::string& input_file,
                                                   const std::string& path) {
  // The paths are the benchmark's own working directory: no quoting beyond
  // single quotes is needed.
  const std::string command = absl::StrCat("'", exe, "' ", kCeilingChildFlag, " '", input_file, "' '", path, "'");
  FILE* child = popen(command.c_str(), "r");
  if (child == nullptr) return absl::InternalError(absl::StrCat("start ", command));
  std::string output;
  char buffer[256];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, child)) > 0;) output.append(buffer, n);
  const int status = pclose(child);
  std::vector<absl::string_view> fields = absl::StrSplit(absl::StripAsciiWhitespace(output), ' ');
  Ceiling ceiling;
  if (status != 0 || fields.size() != 2 || !absl::SimpleAtoi(fields[0], &ceiling.ns) ||
      !absl::SimpleAtoi(fields[1], &ceiling.batches)) {
    return absl::InternalError(absl::StrCat("ceiling pass in a fresh process failed (status ", status, "): ", output));
  }
  return ceiling;
}

int RunCeilingChild(const std::string& input_file, const std::string& path) {
  absl::StatusOr<CeilingInput> input = LoadCeilingInput(input_file);
  if (!input.ok()) {
    std::fprintf(stderr, "%s\n", std::string(input.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<Ceiling> ceiling = WriteCeiling(path, *input, /*sync=*/true, /*node_options=*/true);
  if (!ceiling.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ceiling.status().message()).c_str());
    return 1;
  }
  std::printf("%lld %lld\n", static_cast<long long>(ceiling->ns), static_cast<long long>(ceiling->batches));
  return 0;
}

}  // namespace bibia::bench
