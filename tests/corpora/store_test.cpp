// The store: creation, schema version, secondary indexes dropped and rebuilt, missing store.
#include "relais/corpora/store.hpp"

#include <gtest/gtest.h>

#include "relais/base/error.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

std::int64_t NumIndexes(Store& s) {
  Statement st(s.db(), "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
  st.Step();
  return st.Int(0);
}

TEST(Store, CreateSetsVersionSecretAndIndexes) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path() / "st", OpenMode::kCreate);
  EXPECT_EQ(s.GetMeta("schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(s.PseudonymKey().size(), 64u);
  EXPECT_TRUE(std::filesystem::is_directory(tmp.path() / "st" / "cache"));
  const auto n = NumIndexes(s);
  EXPECT_GE(n, 10);
  s.DropSecondaryIndexes();
  EXPECT_EQ(NumIndexes(s), 0);
  s.EnsureIndexes();
  s.EnsureIndexes();
  EXPECT_EQ(NumIndexes(s), n);
}

TEST(Store, ReopeningKeepsTheSecret) {
  testing::TempDir tmp;
  std::string key = Store::Open(tmp.path(), OpenMode::kCreate).PseudonymKey();
  EXPECT_EQ(Store::Open(tmp.path(), OpenMode::kCreate).PseudonymKey(), key);
  EXPECT_EQ(Store::Open(tmp.path(), OpenMode::kReadOnly).PseudonymKey(), key);
}

TEST(Store, MissingStoreIsADataError) {
  testing::TempDir tmp;
  try {
    Store::Open(tmp.path() / "nope", OpenMode::kReadOnly);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(ExitCodeFor(e.kind()), 3);
    EXPECT_NE(std::string(e.what()).find("no store"), std::string::npos);
  }
}

TEST(Store, ChildTablesRejectDuplicateRowsPerItem) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  s.Exec("INSERT OR IGNORE INTO hashtags VALUES (1, 'a'), (1, 'a'), (1, 'b'), (2, 'a')");
  Statement st(s.db(), "SELECT count(*) FROM hashtags");
  st.Step();
  EXPECT_EQ(st.Int(0), 3);
}

}  // namespace
}  // namespace relais::corpora
