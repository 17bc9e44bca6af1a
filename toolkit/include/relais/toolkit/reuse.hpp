// The store side of text reuse: read items through SQL, run relais::text::FindReuse, replace the store's
// `reuse` flows (one transaction), and explain a pair.
//
//   auto store = relais::corpora::Store::Open(dir, relais::corpora::OpenMode::kReadWrite);
//   relais::toolkit::ReuseRunResult r = relais::toolkit::RunReuse(store, {});
//
// Items read: channel in from ∪ to, kind other than 'retweet' (a retweet's text is the platform's copy,
// already a `retweet` flow). The text is `text`, or `title` when the text is empty. Spans are token
// offsets into `relais text tokenize` of that text.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/text/reuse.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

struct ReuseRunOptions {
  std::vector<std::string> from = {"pr", "press"};    ///< channels of sources
  std::vector<std::string> to = {"press", "social"};  ///< channels of targets
  text::ReuseOptions engine;                          ///< min_score, threads, … (engine.min_score)
  bool write = true;                                  ///< replace the store's reuse flows
  bool groups = false;                                ///< compute syndication groups
  /// Items of non-public authors shown as item pseudonyms (a post's key names its author): `relais
  /// reuse` turns it on unless --no-pseudonymise; experiments matching planted truth by key leave it off.
  bool pseudonymise = false;
};

struct StoredReuseFlow {
  std::string source_key, target_key;
  std::int64_t source_id = 0, target_id = 0;
  std::int64_t source_time = 0, target_time = 0;
  double score = 0.0, alignment_score = 0.0, containment = 0.0;
  text::TokenSpan source_span, target_span;
};

struct StoredSyndicationMember {
  std::string key;
  std::size_t edit_distance = 0;
  double score = 0.0;
};

struct StoredSyndicationGroup {
  std::string source_key;
  std::vector<StoredSyndicationMember> members;
};

struct ReuseRunResult {
  std::size_t items = 0;
  std::vector<StoredReuseFlow> flows;  ///< the engine's order: by target time, then source time
  std::vector<StoredSyndicationGroup> groups;
  text::ReuseStats stats;
};

/// Throws relais::Error kInvalidArgument for unknown channels.
ReuseRunResult RunReuse(corpora::Store& store, const ReuseRunOptions& options,
                        const std::function<void(std::string_view, std::size_t, std::size_t)>& progress = {});

/// One line of `relais reuse --json`: {source, target, score, source_span, target_span, latency_ms}.
nlohmann::json ReuseFlowJson(const StoredReuseFlow& flow);
/// One line of `relais reuse --groups --json`: {source, members:[{item, edit_distance, score}]}.
nlohmann::json SyndicationGroupJson(const StoredSyndicationGroup& group);

/// One step of the side-by-side view: equal run, substitution, or a run only in one text.
struct AlignedRow {
  enum class Op : std::uint8_t { kEqual, kChanged, kSourceOnly, kTargetOnly } op = Op::kEqual;
  std::string source_text, target_text;  ///< space-joined tokens
};

struct ReuseExplanation {
  StoredReuseFlow flow;  ///< source = the earlier of the two
  std::vector<AlignedRow> rows;
};

/// Aligns two stored items (by key) as the engine does; throws kInvalidArgument when a key is unknown.
ReuseExplanation ExplainReuse(corpora::Store& store, std::string_view key_a, std::string_view key_b,
                              const text::ReuseOptions& options = {});

/// The explanation as one JSON object: keys, scores, spans and the aligned rows (op equal, changed,
/// source_only, target_only).
nlohmann::json ExplanationJson(const ReuseExplanation& e);

/// The explanation for a terminal: a header (keys, times, spans, scores), then the aligned rows side by
/// side, each side wrapped word by word to `width` code points, marked ' ' equal, '~' changed,
/// '-' source only, '+' target only.
std::string ExplanationSideBySide(const ReuseExplanation& e, std::size_t width = 48);

}  // namespace relais::toolkit
