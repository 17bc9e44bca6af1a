// Byte ranges of a distributed ingest (docs/cluster.md), in one process: a JSONL file parsed as
// consecutive ranges cut anywhere (mid-line, on a '\n', inside a CRLF, empty ranges, one byte from either
// end) and written through IngestOptions::parsed_input gives the store of an ingest that read the file:
// the same counts, items, and quarantine rows at the file's line numbers and with its hash.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/corpora/ingest.hpp"
#include "relais/corpora/store.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

namespace fs = std::filesystem;

// Press articles, with blank, CRLF and malformed lines and a duplicate; returns the file's bytes.
std::string WriteArticles(const fs::path& path) {
  std::string text;
  for (int k = 0; k < 60; ++k) {
    if (k % 13 == 5) text += "\n";
    if (k % 11 == 3) text += "{\"url\": \"https://varmatin.com/broken\", \"title\": \n";
    const int id = k == 41 ? 40 : k;
    text += nlohmann::json{{"url", "https://varmatin.com/a/" + std::to_string(id)},
                           {"published", "2021-01-02T10:" + std::to_string(10 + id % 50) + ":00Z"},
                           {"title", "Titre " + std::to_string(id)},
                           {"text", "Un texte."},
                           {"outlet", "varmatin.com"}}
                .dump();
    text += k % 7 == 2 ? "\r\n" : "\n";
  }
  std::ofstream(path, std::ios::binary) << text;
  return text;
}

// The rows of a query of `columns` columns, one string per row ('|' after each column).
std::vector<std::string> Rows(const Store& store, const std::string& sql, int columns) {
  Statement st(store.db(), sql);
  std::vector<std::string> rows;
  while (st.Step()) {
    std::string row;
    for (int c = 0; c < columns; ++c) row += (st.IsNull(c) ? "NULL" : st.Text(c)) + "|";
    rows.push_back(row);
  }
  return rows;
}

struct Ingested {
  IngestResult result;
  std::vector<std::string> items, quarantine, inputs;
};

Ingested IngestInto(const fs::path& dir, IngestOptions opt) {
  Store store = Store::Open(dir, OpenMode::kCreate);
  Ingested out{Ingest(store, opt), {}, {}, {}};
  out.items = Rows(store, "SELECT id, key, time FROM items ORDER BY id", 3);
  out.quarantine = Rows(store, "SELECT file, sha256, line, ordinal, reason FROM quarantine ORDER BY id", 5);
  out.inputs = Rows(store, "SELECT sha256, size, read, accepted, duplicates, quarantined, complete FROM inputs", 7);
  return out;
}

TEST(IngestRanges, AnyCutsGiveTheStoreOfOneReading) {
  testing::TempDir tmp;
  const fs::path file = tmp.path() / "press.jsonl";
  const std::string text = WriteArticles(file);
  IngestOptions opt;
  opt.paths = {file.string()};
  opt.format = Format::kPressJsonl;
  opt.threads = 2;
  ASSERT_TRUE(SplittableInput(file, opt));
  const Ingested whole = IngestInto(tmp.path() / "whole", opt);
  ASSERT_GT(whole.result.total.quarantined, 3u);
  ASSERT_GT(whole.result.total.duplicates, 0u);
  ASSERT_FALSE(whole.quarantine.empty());

  const std::uint64_t n = text.size();
  const std::uint64_t crlf = text.find("\r\n");
  const std::uint64_t nl = text.find('\n', n / 2);
  const std::vector<std::vector<std::uint64_t>> cut_sets = {
      {n / 2},                       // mid-file, likely mid-line
      {1, n - 1},                    // one byte from either end
      {nl, nl + 1, nl + 1, nl + 2},  // on a '\n', just after it (twice: an empty range), just past
      {crlf + 1, crlf + 2},          // between '\r' and '\n', then after the '\n'
      {n / 7, 2 * n / 7, 3 * n / 7, 4 * n / 7, 5 * n / 7, 6 * n / 7},
  };
  int run = 0;
  for (const auto& cuts : cut_sets) {
    std::vector<std::uint64_t> bounds = {0};
    bounds.insert(bounds.end(), cuts.begin(), cuts.end());
    bounds.push_back(n);
    IngestOptions ranged = opt;
    ranged.parsed_input = [&](std::size_t file_index, std::size_t piece) -> std::vector<std::byte> {
      EXPECT_EQ(file_index, 0u);
      if (piece + 1 >= bounds.size()) return {};
      return ParseIngestRange(file, opt, bounds[piece], bounds[piece + 1]);
    };
    const Ingested r = IngestInto(tmp.path() / ("ranged" + std::to_string(run++)), ranged);
    const std::string what = "cuts at " + nlohmann::json(cuts).dump();
    EXPECT_EQ(r.result.total.read, whole.result.total.read) << what;
    EXPECT_EQ(r.result.total.accepted, whole.result.total.accepted) << what;
    EXPECT_EQ(r.result.total.duplicates, whole.result.total.duplicates) << what;
    EXPECT_EQ(r.result.total.quarantined, whole.result.total.quarantined) << what;
    EXPECT_EQ(r.items, whole.items) << what;
    EXPECT_EQ(r.quarantine, whole.quarantine) << what;
    EXPECT_EQ(r.inputs, whole.inputs) << what;
  }
}

}  // namespace
}  // namespace relais::corpora
