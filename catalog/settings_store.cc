#include "catalog/settings_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "catalog/status_macros.h"

namespace bibia::catalog {
namespace {

constexpr char kSettingPrefix[] = "setting/";

}  // namespace

absl::Status SettingsStore::Put(const std::string& name, const std::string& value) {
  rocksdb::WriteBatch batch;
  batch.Put(db_->family(Family::kMeta), absl::StrCat(kSettingPrefix, name), value);
  return db_->Write(&batch);
}

absl::Status SettingsStore::Delete(const std::string& name) {
  rocksdb::WriteBatch batch;
  batch.Delete(db_->family(Family::kMeta), absl::StrCat(kSettingPrefix, name));
  return db_->Write(&batch);
}

absl::StatusOr<std::optional<std::string>> SettingsStore::Get(const std::string& name) const {
  return db_->Get(Family::kMeta, absl::StrCat(kSettingPrefix, name));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> SettingsStore::Scan(
    const std::string& prefix) const {
  std::vector<std::pair<std::string, std::string>> settings;
  const std::string start = absl::StrCat(kSettingPrefix, prefix);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kMeta);
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    settings.emplace_back(it->key().ToString().substr(sizeof(kSettingPrefix) - 1), it->value().ToString());
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "scan settings"));
  return settings;
}

}  // namespace bibia::catalog
