// CSV series and store binning for the analyses (see series.hpp).
#include "relais/toolkit/analysis/series.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "relais/base/error.hpp"
#include "relais/base/strings.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/graph_view.hpp"

namespace relais::toolkit {

namespace {

std::vector<std::string> SplitCsvLine(const std::string& line, char delim, bool& open_quote, std::string& carry,
                                      std::vector<std::string>& fields) {
  // Continues a record that may span lines when a quoted field holds a newline.
  std::string cur = std::move(carry);
  bool in_quotes = open_quote;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == delim) {
      fields.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r' || i + 1 != line.size()) {
      cur += c;
    }
  }
  open_quote = in_quotes;
  if (in_quotes) {
    carry = cur + "\n";
    return {};
  }
  fields.push_back(std::move(cur));
  carry.clear();
  return std::move(fields);
}

bool ParseDouble(std::string_view s, double& out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

std::size_t CsvTable::Column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string avail;
  for (const auto& h : header) avail += (avail.empty() ? "" : ", ") + h;
  throw Error(ErrorKind::kSchema, InputPos{path, 1, 0},
              "no column \"" + std::string(name) + "\" (columns: " + avail + ")");
}

CsvTable ReadCsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, InputPos{path.string(), 0, 0}, "cannot open file");
  CsvTable t;
  t.path = path.string();
  std::string line;
  std::uint64_t line_no = 0, record_line = 0;
  bool open_quote = false;
  std::string carry;
  std::vector<std::string> fields;
  char delim = ',';
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!open_quote) record_line = line_no;
    if (line_no == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (!have_header) {
      if (line.find(',') == std::string::npos) {
        if (line.find(';') != std::string::npos)
          delim = ';';
        else if (line.find('\t') != std::string::npos)
          delim = '\t';
      }
    }
    auto rec = SplitCsvLine(line, delim, open_quote, carry, fields);
    if (open_quote) continue;
    fields.clear();
    if (rec.size() == 1 && Trim(rec[0]).empty()) continue;  // blank line
    if (!have_header) {
      for (auto& h : rec) t.header.emplace_back(Trim(h));
      have_header = true;
      continue;
    }
    if (rec.size() != t.header.size())
      throw Error(ErrorKind::kParse, InputPos{t.path, record_line, 0},
                  "row has " + std::to_string(rec.size()) + " fields, expected " + std::to_string(t.header.size()));
    t.rows.push_back(std::move(rec));
    t.lines.push_back(record_line);
  }
  if (open_quote) throw Error(ErrorKind::kParse, InputPos{t.path, record_line, 0}, "unterminated quoted field");
  if (!have_header) throw Error(ErrorKind::kSchema, InputPos{t.path, 1, 0}, "empty file, expected a header row");
  return t;
}

std::vector<double> NumericColumn(const CsvTable& table, std::size_t col) {
  std::vector<double> out(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r)
    if (!ParseDouble(table.rows[r][col], out[r]))
      throw Error(ErrorKind::kParse, InputPos{table.path, table.lines[r], static_cast<std::uint32_t>(col + 1)},
                  "column \"" + table.header[col] + "\" has \"" + table.rows[r][col] + "\", expected a number");
  return out;
}

TimeColumn ParseTimeColumn(const CsvTable& table, std::size_t col) {
  TimeColumn tc;
  tc.values.resize(table.rows.size());
  if (table.rows.empty()) return tc;
  double probe = 0;
  tc.iso = !ParseDouble(table.rows[0][col], probe);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& cell = table.rows[r][col];
    bool ok;
    if (tc.iso) {
      const auto t = ParseIso8601(Trim(cell));
      ok = t.has_value();
      if (ok) tc.values[r] = static_cast<double>(*t);
    } else {
      ok = ParseDouble(cell, tc.values[r]);
    }
    if (!ok)
      throw Error(ErrorKind::kParse, InputPos{table.path, table.lines[r], static_cast<std::uint32_t>(col + 1)},
                  "column \"" + table.header[col] + "\" has \"" + cell + "\", expected " +
                      (tc.iso ? "an ISO 8601 time like the first row" : "a number like the first row"));
  }
  return tc;
}

double ParseInstantLike(std::string_view text, bool iso, std::string_view option) {
  if (iso) {
    const auto t = ParseIso8601(text);
    if (!t) ThrowInvalidArgument(std::string(option) + " has \"" + std::string(text) + "\", expected ISO 8601 time");
    return static_cast<double>(*t);
  }
  double v;
  if (!ParseDouble(text, v))
    ThrowInvalidArgument(std::string(option) + " has \"" + std::string(text) +
                         "\", expected a number on the time column's scale");
  return v;
}

DurationMs ParseDurationOption(std::string_view text, std::string_view option) {
  const auto d = ParseDuration(text);
  if (!d || *d <= 0)
    ThrowInvalidArgument(std::string(option) + " has \"" + std::string(text) +
                         "\", expected a positive duration like 1h");
  return *d;
}

TimeMs ParseTimeOption(std::string_view text, std::string_view option) {
  const auto t = ParseIso8601(text);
  if (!t) ThrowInvalidArgument(std::string(option) + " has \"" + std::string(text) + "\", expected ISO 8601 time");
  return *t;
}

std::pair<TimeMs, TimeMs> StoreTimeSpan(const corpora::Store& store) {
  struct Span {
    std::int64_t first = 0, last = 0, count = 0;
  };
  const auto parts = corpora::MapPartitions<Span>(store, [](sqlite3* db, int) {
    corpora::Statement st(db, "SELECT MIN(time), MAX(time), COUNT(*) FROM items WHERE time IS NOT NULL");
    Span sp;
    if (st.Step() && st.Int(2) > 0) sp = {st.Int(0), st.Int(1), st.Int(2)};
    return sp;
  });
  Span all;
  for (const Span& sp : parts) {
    if (sp.count == 0) continue;
    all.first = all.count ? std::min(all.first, sp.first) : sp.first;
    all.last = all.count ? std::max(all.last, sp.last) : sp.last;
    all.count += sp.count;
  }
  if (all.count == 0) ThrowDataError("the store has no timed items");
  return {all.first, all.last};
}

std::pair<TimeMs, TimeMs> StoreDenseSpan(const corpora::Store& store, double share) {
  std::vector<TimeMs> times;
  corpora::Statement st(store.db(), "SELECT time FROM items WHERE time IS NOT NULL ORDER BY time");
  while (st.Step()) times.push_back(st.Int(0));
  if (times.empty()) ThrowDataError("the store has no timed items");
  const std::size_t n = times.size();
  const auto k =
      std::min(n, std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(share * static_cast<double>(n)))));
  std::size_t best = 0;
  for (std::size_t i = 1; i + k <= n; ++i)
    if (times[i + k - 1] - times[i] < times[best + k - 1] - times[best]) best = i;
  return {times[best], times[best + k - 1]};
}

namespace {
std::string DurationText(DurationMs d) {
  for (const auto& [unit, ms] :
       {std::pair<const char*, DurationMs>{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}})
    if (d % ms == 0) return std::to_string(d / ms) + unit;
  return std::to_string(d) + "ms";
}
}  // namespace

void CheckBinBudget(const corpora::Store& store, TimeMs from, TimeMs to, DurationMs bin, std::size_t max_bins,
                    std::string_view why) {
  if (bin <= 0) ThrowInvalidArgument("bin width must be positive");
  if (to <= from) ThrowInvalidArgument("empty time window");
  // In unsigned arithmetic: a window across millennia overflows nothing.
  const std::uint64_t span = static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
  const std::uint64_t bins = span / static_cast<std::uint64_t>(bin) + (span % static_cast<std::uint64_t>(bin) != 0);
  if (bins <= max_bins) return;
  const auto [dense_from, dense_to] = StoreDenseSpan(store);
  ThrowInvalidArgument("the window " + FormatIso8601(from) + " .. " + FormatIso8601(to) + " is " +
                       std::to_string(bins) + " bins of " + DurationText(bin) + ", over the limit of " +
                       std::to_string(max_bins) + std::string(why) + "; 99% of the store's items fall in " +
                       FormatIso8601(dense_from) + " .. " + FormatIso8601(dense_to) +
                       ": pass --from/--to or a wider --bin");
}

namespace {
// A misspelt class, layer or channel in an --outcome would silently give an all-zero series: refused.
void RequireName(bool known, std::string_view what, const std::string& name, const std::string& spec) {
  if (!known) ThrowInvalidArgument("--outcome \"" + spec + "\": unknown " + std::string(what) + " \"" + name + "\"");
}
void RequireClass(const std::string& name, const std::string& spec) {
  RequireName(corpora::IsActorClass(name), "actor class", name, spec);
}
void RequireLayer(const std::string& name, const std::string& spec) {
  const auto& layers = AllLayers();
  RequireName(std::find(layers.begin(), layers.end(), name) != layers.end(), "layer", name, spec);
}
}  // namespace

BinnedSeries BinStoreOutcome(const corpora::Store& store, std::string_view outcome, TimeMs from, TimeMs to,
                             DurationMs bin) {
  CheckBinBudget(store, from, to, bin);
  const auto num_bins = static_cast<std::size_t>((to - from + bin - 1) / bin);
  BinnedSeries s;
  s.start = from;
  s.bin = bin;
  s.values.assign(num_bins, 0.0);
  const std::string spec(outcome);
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  // Each query returns (bin index, count) for rows in [from, to).
  const std::string bin_expr = "((i.time - ?1) / ?3)";
  std::string sql, sql_den;
  std::vector<std::string> params;
  if (kind == "items" && arg.empty()) {
    sql = "SELECT " + bin_expr + ", COUNT(*) FROM items i WHERE i.time >= ?1 AND i.time < ?2 GROUP BY 1";
  } else if (kind == "items") {
    sql = "SELECT " + bin_expr +
          ", COUNT(*) FROM items i WHERE i.time >= ?1 AND i.time < ?2 AND i.channel = ?4 GROUP BY 1";
    RequireName(arg == "social" || arg == "press" || arg == "pr", "channel", arg, spec);
    params = {arg};
  } else if (kind == "class" && !arg.empty()) {
    sql = "SELECT " + bin_expr +
          ", COUNT(*) FROM items i JOIN actors a ON a.id = i.actor_id WHERE i.time >= ?1 AND i.time < ?2 AND "
          "a.actor_class = ?4 GROUP BY 1";
    RequireClass(arg, spec);
    params = {arg};
  } else if (kind == "actor" && !arg.empty()) {
    sql = "SELECT " + bin_expr +
          ", COUNT(*) FROM items i JOIN actors a ON a.id = i.actor_id WHERE i.time >= ?1 AND i.time < ?2 AND "
          "a.key = ?4 GROUP BY 1";
    params = {arg};
  } else if (kind == "flows" && !arg.empty()) {
    sql = "SELECT " + bin_expr +
          ", COUNT(*) FROM flows f JOIN items i ON i.id = f.dst_item WHERE i.time >= ?1 AND i.time < ?2 AND "
          "f.layer = ?4 GROUP BY 1";
    RequireLayer(arg, spec);
    params = {arg};
  } else if (kind == "share") {
    // share:<layer>:<source class>[:<target class>]: flows of the layer whose source actor has the class,
    // over all flows of the layer; with a target class both count only flows into that class's actors.
    const auto c2 = arg.find(':');
    if (c2 == std::string::npos || c2 == 0 || c2 + 1 >= arg.size())
      ThrowInvalidArgument("--outcome share needs share:<layer>:<class>[:<target class>], got \"" + spec + "\"");
    std::string source = arg.substr(c2 + 1), target;
    if (const auto c3 = source.find(':'); c3 != std::string::npos) {
      target = source.substr(c3 + 1);
      source = source.substr(0, c3);
      if (source.empty() || target.empty())
        ThrowInvalidArgument("--outcome share needs share:<layer>:<class>[:<target class>], got \"" + spec + "\"");
    }
    RequireLayer(arg.substr(0, c2), spec);
    RequireClass(source, spec);
    if (!target.empty()) RequireClass(target, spec);
    params = {arg.substr(0, c2), source};
    const std::string target_join = target.empty() ? "" : " JOIN actors ta ON ta.id = f.dst_actor";
    const std::string target_where = target.empty() ? "" : " AND ta.actor_class = ?6";
    if (!target.empty()) params.push_back(target);
    sql = "SELECT " + bin_expr +
          ", COUNT(*) FROM flows f JOIN items i ON i.id = f.dst_item JOIN actors a ON a.id = f.src_actor" +
          target_join + " WHERE i.time >= ?1 AND i.time < ?2 AND f.layer = ?4 AND a.actor_class = ?5" + target_where +
          " GROUP BY 1";
    sql_den = "SELECT " + bin_expr + ", COUNT(*) FROM flows f JOIN items i ON i.id = f.dst_item" + target_join +
              " WHERE i.time >= ?1 AND i.time < ?2 AND f.layer = ?4" +
              (target.empty() ? std::string() : " AND ta.actor_class = ?5") + " GROUP BY 1";
    s.is_share = true;
  } else {
    ThrowInvalidArgument("--outcome \"" + spec +
                         "\" is not one of items, items:<channel>, flows:<layer>, class:<class>, actor:<key>, "
                         "share:<layer>:<class>[:<target class>]");
  }
  // Every query joins items and flows only on the flow's dst_item (local to its partition): run per
  // partition, counts added in partition order (exact: integers).
  auto run = [&](const std::string& q, std::vector<double>& out, const std::vector<std::string>& binds) {
    const auto parts =
        corpora::MapPartitions<std::vector<std::pair<std::int64_t, std::int64_t>>>(store, [&](sqlite3* db, int) {
          std::vector<std::pair<std::int64_t, std::int64_t>> rows;
          corpora::Statement st(db, q);
          st.Bind(1, static_cast<std::int64_t>(from))
              .Bind(2, static_cast<std::int64_t>(to))
              .Bind(3, static_cast<std::int64_t>(bin));
          for (std::size_t k = 0; k < binds.size(); ++k) st.Bind(static_cast<int>(4 + k), std::string_view(binds[k]));
          while (st.Step()) rows.emplace_back(st.Int(0), st.Int(1));
          return rows;
        });
    for (const auto& rows : parts)
      for (const auto& [idx, count] : rows)
        if (idx >= 0 && static_cast<std::size_t>(idx) < out.size())
          out[static_cast<std::size_t>(idx)] += static_cast<double>(count);
  };
  run(sql, s.values, params);
  if (s.is_share) {
    s.denominators.assign(num_bins, 0.0);
    std::vector<std::string> den_params = {params[0]};
    if (params.size() > 2) den_params.push_back(params[2]);
    run(sql_den, s.denominators, den_params);
  }
  return s;
}

}  // namespace relais::toolkit
