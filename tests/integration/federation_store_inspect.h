// Looking inside a stopped node's store, for the federation tests
// (federation_tamper_test.cc, federation_tier_test.cc): its frontier and
// logs through CatalogStore, every row of every column family through RocksDB
// iterators (values as stored, decompressed), and the raw bytes of the files
// of its database directory (WAL, SST, MANIFEST: what an iterator hides).
// Header-only: each test executable links bibia_catalog itself.
#ifndef BIBIA_TESTS_INTEGRATION_FEDERATION_STORE_INSPECT_H_
#define BIBIA_TESTS_INTEGRATION_FEDERATION_STORE_INSPECT_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "catalog/keys.h"

namespace bibia::testing {

// Opens the store of a node that has exited (its RocksDB lock is free).
inline absl::StatusOr<std::unique_ptr<catalog::Store>> OpenStoppedStore(const std::string& data_dir,
                                                                               const std::string& node_id) {
  catalog::Store::Options options;
  options.node_id = node_id;
  options.db.block_cache_bytes = 8 << 20;
  return catalog::Store::Open(data_dir + "/db", options);
}

// The whole log of (origin, tier), in seq order.
inline std::vector<v1::LogEntry> WholeLog(const catalog::Store& store, const std::string& origin,
                                          v1::Tier tier) {
  auto entries = store.ReadLog(origin, tier, 0, std::numeric_limits<size_t>::max());
  return entries.ok() ? *entries : std::vector<v1::LogEntry>();
}

// The frontier of (origin, tier); 0 when absent.
inline uint64_t FrontierOf(const catalog::Store& store, const std::string& origin, v1::Tier tier) {
  auto frontier = store.Frontier();
  if (!frontier.ok()) return 0;
  for (const auto& f : *frontier) {
    if (f.origin() == origin && f.tier() == tier) return f.seq();
  }
  return 0;
}

// Every key and value of every column family, as iterators return them:
// family name -> rows, each "key \x1f value" followed by "\x1e".
inline std::map<std::string, std::string> FamilyBytes(const catalog::Store& store) {
  std::map<std::string, std::string> out;
  for (int f = 0; f < catalog::kFamilyCount; ++f) {
    auto family = static_cast<catalog::Family>(f);
    std::string& bytes = out[catalog::FamilyName(family)];
    std::unique_ptr<rocksdb::Iterator> it = store.db()->NewIterator(family);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes.append(it->key().data(), it->key().size());
      bytes.push_back('\x1f');
      bytes.append(it->value().data(), it->value().size());
      bytes.push_back('\x1e');
    }
    if (!it->status().ok()) bytes += "<<iterator error: " + it->status().ToString() + ">>";
  }
  return out;
}

// Raw bytes of every regular file under `db_dir`: file name -> content.
inline std::map<std::string, std::string> RawFiles(const std::string& db_dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& item : std::filesystem::recursive_directory_iterator(db_dir, ec)) {
    if (!item.is_regular_file()) continue;
    std::ifstream in(item.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    out[item.path().filename().string()] = buffer.str();
  }
  return out;
}

inline std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

inline bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  return LowerAscii(haystack).find(LowerAscii(needle)) != std::string::npos;
}

// Names of the entries of `bytes_by_name` that contain `needle` (case
// ignored), joined, for failure messages; "" if none.
inline std::string WhereFound(const std::map<std::string, std::string>& bytes_by_name, std::string_view needle) {
  std::string where;
  for (const auto& [name, bytes] : bytes_by_name) {
    if (ContainsIgnoringCase(bytes, needle)) absl::StrAppend(&where, where.empty() ? "" : ", ", name);
  }
  return where;
}

}  // namespace bibia::testing

#endif  // BIBIA_TESTS_INTEGRATION_FEDERATION_STORE_INSPECT_H_
