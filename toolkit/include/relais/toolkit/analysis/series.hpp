// Inputs of the statistical analyses: small CSV tables (time series, event lists) and binned
// series read from a store (counts of items or flows, shares) at any bin width down to a minute.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "relais/base/time.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

/// A CSV file with a header row (RFC 4180 quoting; ',' or ';' or tab sniffed from the header).
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::uint64_t> lines;  // 1-based line of each row in the file

  /// Index of a column by name; throws kSchema listing the available columns.
  std::size_t Column(std::string_view name) const;
};

/// Reads a CSV file; throws kIo when unreadable, kParse on ragged rows (file:line).
CsvTable ReadCsv(const std::filesystem::path& path);

/// Numeric column; throws kParse naming file:line:column and the bad value (empty cells too).
std::vector<double> NumericColumn(const CsvTable& table, std::size_t col);

/// A time column: numbers as given, or ISO 8601 (then values are ms since the epoch and iso = true).
struct TimeColumn {
  std::vector<double> values;
  bool iso = false;
};
TimeColumn ParseTimeColumn(const CsvTable& table, std::size_t col);

/// Parses an instant given on the command line to the same scale as a time column (a number, or ISO
/// 8601 when the column is ISO). Throws kInvalidArgument.
double ParseInstantLike(std::string_view text, bool iso, std::string_view option);

/// A series of counts (or shares) in consecutive bins [start + k·bin, start + (k+1)·bin).
struct BinnedSeries {
  TimeMs start = 0;
  DurationMs bin = 0;
  std::vector<double> values;        // the outcome (count, or numerator of a share)
  std::vector<double> denominators;  // only for share outcomes: the denominator count per bin
  bool is_share = false;
  TimeMs BinStart(std::size_t k) const { return start + static_cast<TimeMs>(k) * bin; }
};

/// Outcome specs: `items`, `items:<channel>`, `flows:<layer>`, `class:<actor_class>`,
/// `actor:<actor key>`, `share:<layer>:<class>` (flows of layer whose source actor is of class, over
/// all flows of layer). Flows are timed by their derived (dst) item. Throws kInvalidArgument on a
/// malformed spec.
BinnedSeries BinStoreOutcome(const corpora::Store& store, std::string_view outcome, TimeMs from, TimeMs to,
                             DurationMs bin);

/// The time span [first, last] of the store's items; throws kData when the store has no items.
std::pair<TimeMs, TimeMs> StoreTimeSpan(const corpora::Store& store);

/// The shortest window [first, last] holding at least `share` of the store's timed items (the data's
/// dense period, which leaves out a few stray dates far from the rest); throws kData when empty.
std::pair<TimeMs, TimeMs> StoreDenseSpan(const corpora::Store& store, double share = 0.99);

/// Most bins a time-binned analysis works on (leadlag, event, …): past it, a usage error.
inline constexpr std::size_t kMaxBins = 1'000'000;

/// Throws kInvalidArgument when [from, to) cut into bins of `bin` is more than kMaxBins bins; the
/// message names the window, the number of bins and the store's dense period (StoreDenseSpan) to
/// pass as --from/--to.
/// `max_bins` and `why` (said after the limit) let an analysis whose work grows faster than its bins
/// set a lower limit (leadlag: kLeadLagBudget / its number of lags).
void CheckBinBudget(const corpora::Store& store, TimeMs from, TimeMs to, DurationMs bin,
                    std::size_t max_bins = kMaxBins, std::string_view why = "");

/// leadlag's VAR order search fits one regression per lag up to --max-lag on every bin: its work is
/// about bins × lags², so it is limited to kLeadLagBudget / lags bins (1 h bins, 48 h max lag: 20,833
/// bins, about 2.4 years; about 20 s on a 2-core machine).
inline constexpr std::size_t kLeadLagBudget = 1'000'000;

/// Parses a duration option (`15m`, `1h`, `30d`) and throws kInvalidArgument naming the option.
DurationMs ParseDurationOption(std::string_view text, std::string_view option);
/// Parses an ISO 8601 instant option and throws kInvalidArgument naming the option.
TimeMs ParseTimeOption(std::string_view text, std::string_view option);

}  // namespace relais::toolkit
