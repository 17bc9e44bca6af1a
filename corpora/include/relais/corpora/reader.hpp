// The reader interface: one implementation per input format.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relais/corpora/record.hpp"

namespace relais::corpora {

enum class Format : std::uint8_t {
  kTwitterV1,
  kTwitterV2,
  kTwitterArchive,
  kMastodon,
  kActivityPub,
  kBluesky,
  kPressJsonl,
  kPressCsv,
  kPrJsonl,
  kPrCsv,
  kRss,
  kTelegram,
  // Issue 16's formats.
  kBlueskyJetstream,
  kEuropresse,
  kTwitterGraphql,
  kZeeschuimer,
  kBlueskyCar,
  // Issue 18: SNAP activity files (Higgs Twitter).
  kSnapActivity,
};
/// DESIGN.md names: "twitter-v1", "twitter-v2", "twitter-archive", "mastodon", "activitypub",
/// "bluesky", "press-jsonl", "press-csv", "pr-jsonl", "pr-csv", "rss",
/// "telegram", "bluesky-jetstream", "europresse", "twitter-graphql", "zeeschuimer", "bluesky-car", "snap-activity".
std::string_view ToString(Format f);
std::optional<Format> ParseFormat(std::string_view s);
std::vector<Format> AllFormats();

/// Options that only some readers use (CSV and dates), from the ingest command line.
struct ReadOptions {
  char delimiter = ',';
  bool no_header = false;
  std::map<std::string, std::string> columns;  // field (url,published,title,text,outlet,author,id) → column
  std::string date_format;                     // strftime; empty = ParseAnyTime
  std::string encoding = "auto";               // auto | utf-8 | windows-1252 | latin-1
};

/// A reader turns bytes of one file into records. Readers are stateless and thread-safe:
/// ParseLine may be called from several threads at once (use thread_local parsers).
class Reader {
 public:
  virtual ~Reader() = default;
  virtual Format format() const = 0;

  /// True when every non-blank line is independent (JSONL): the pipeline splits lines,
  /// stamps their numbers and calls ParseLine in parallel, in order.
  virtual bool line_oriented() const = 0;

  /// Like line_oriented(), for a file whose decompressed content starts with `head` (a few KiB):
  /// false sends it whole to ParseDocument. The Twitter v1/v2 readers answer false for JSON arrays,
  /// `var x = [ … ]` files and pretty-printed API bodies, whose records span lines.
  virtual bool line_oriented_for(std::string_view head) const { return line_oriented(); }

  /// Parses one line (without its '\n'); appends 0..n outcomes (a twarc2 page holds many tweets).
  virtual void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const;

  /// Parses a whole document (valid UTF-8 after decoding); appends outcomes in file order.
  virtual void ParseDocument(std::string_view content, const std::string& path, std::vector<RecordOutcome>& out) const;
};

/// The reader for a format, configured with the command line's options.
std::unique_ptr<Reader> MakeReader(Format format, const ReadOptions& options);

}  // namespace relais::corpora
