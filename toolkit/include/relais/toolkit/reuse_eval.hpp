// Text reuse on real French press text: an evaluation of relais::text::FindReuse on the articles of
// ../shared/data/fr-press-articles (Orange Actu, June 2020; Orange Actu items crediting regional dailies,
// 2016–2020; L'Est Républicain, 1999–2003), with three kinds of positives:
//
//  * pastes: k = 1..5 consecutive sentences of a "press release" (a regional-attribution item or an Est
//    Républicain article, all older than the hosts) pasted at a sentence boundary into a June 2020 article,
//    at four edit levels (word substitutions, deletions, insertions at rate 0, 5, 10, 20 %);
//  * quotes: a tweet quoting one sentence of a June 2020 article between « », with its link and, two times
//    in three, a comment (a real title of a regional-attribution item, or a short interjection), at the
//    same edit levels; tweets with a comment and a link but no quote are negatives;
//  * real reuse: the June 2020 articles themselves (distinct content ids), where the ground truth of a
//    pair is independent of the engine: shared word 7-grams (lower-cased, letters and digits), ≥ 10 for a
//    positive pair as in SOURCES.md (AFP → AFP versions, AFP → "Orange avec Media Services" rewrites).
//
// A flow is correct when its source holds the planted passage verbatim (a pasted or quoted sentence before
// editing: the engine may rightly credit an identical older copy), or, for real reuse, when the pair
// shares ≥ 2 word 7-grams (an 8-word verbatim run). Everything is a pure function of the data and seed.
//
//   relais::toolkit::RealReuseEvalOptions o;  o.data_dir = "../shared/data";
//   relais::toolkit::RealReuseEval r = relais::toolkit::EvaluateReuseOnFrenchPress(o);
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "relais/text/reuse.hpp"

namespace relais::toolkit {

struct RealReuseEvalOptions {
  std::filesystem::path data_dir;  ///< the shared data folder (holding fr-press-articles/)
  std::uint64_t seed = 1;
  int rounds = 2;                         ///< independent plantings (each a separate engine run)
  std::size_t quotes_per_round = 600;     ///< quoting tweets per round
  std::size_t negatives_per_round = 300;  ///< tweets with a comment and a link, no quote
  text::ReuseOptions engine;
};

/// The edit levels: share of words edited (substituted, deleted, or followed by an inserted word).
inline constexpr double kEditRates[] = {0.0, 0.05, 0.10, 0.20};
inline constexpr const char* kEditLevels[] = {"verbatim", "light", "moderate", "heavy"};

struct RecallCell {
  std::string kind;   ///< "paste" or "quote"
  int sentences = 0;  ///< pasted sentences (1 for quotes)
  int level = 0;      ///< index in kEditLevels
  std::size_t planted = 0, found = 0;
};

struct PrecisionTally {
  std::size_t flows = 0, correct = 0;
  double precision() const { return flows ? static_cast<double>(correct) / static_cast<double>(flows) : 1.0; }
};

struct RealReuseEval {
  std::size_t hosts = 0, releases = 0, quoted_articles = 0;  ///< documents loaded
  std::vector<RecallCell> cells;                             ///< by kind, sentences, level
  PrecisionTally paste_flows;                                ///< flows from a release into a host
  PrecisionTally quote_flows;                                ///< flows into quoting tweets
  std::size_t negative_tweets = 0, negative_tweets_flagged = 0;
  /// Real reuse among the June 2020 articles.
  std::size_t real_pairs = 0;                          ///< pairs sharing ≥ 10 word 7-grams
  std::size_t rewrite_targets = 0, rewrite_found = 0;  ///< Orange rewrites with an earlier AFP source
  std::size_t afp_targets = 0, afp_found = 0;          ///< AFP dispatches with an earlier AFP version
  PrecisionTally real_flows;                           ///< correct: the pair shares ≥ 2 word 7-grams
  std::size_t real_flows_strong = 0;                   ///< of them, pairs sharing ≥ 10
};

/// Throws relais::Error (kData) when fr-press-articles is missing or yields no article.
RealReuseEval EvaluateReuseOnFrenchPress(const RealReuseEvalOptions& options);

/// Sentences of a French press text (., !, ? or … followed by a capital, a quote or the end; "M.", "Mme."
/// and single capitals are not ends; OrangeSum's glued paragraphs "…domestique.Consternant" are split).
std::vector<std::string> SplitFrenchSentences(std::string_view text);

}  // namespace relais::toolkit
