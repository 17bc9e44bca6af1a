// relais reuse: text-reuse flows between stored items (see
// relais/toolkit/reuse.hpp).
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/reuse.hpp"

namespace relais::cli {
namespace {

struct ReuseArgs {
  std::string store;
  std::string from = "pr,press", to = "press,social";
  double min_score = 0.5;
  int threads = 0;
  bool json = false, groups = false, no_pseudonymise = false;
  std::vector<std::string> explain;
};

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty()) out.push_back(part);
  return out;
}

std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

void PrintExplanation(const toolkit::ReuseExplanation& e, bool json) {
  if (json)
    std::cout << WithRanks(toolkit::ExplanationJson(e).dump(), 1) << '\n';
  else
    std::cout << toolkit::ExplanationSideBySide(e);
}

}  // namespace

void RegisterReuse(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ReuseArgs>();
  auto* sub = app.add_subcommand("reuse",
                                 "find text-reuse flows (shingles, "
                                 "MinHash/LSH, alignment) and store them");
  sub->add_option("--store", args->store, "store folder")->required();
  sub->add_option("--from", args->from, "source channels (comma-separated: pr, press, social)");
  sub->add_option("--to", args->to, "target channels");
  sub->add_option("--min-score", args->min_score, "minimum alignment quality in [0,1] (1 = verbatim)");
  sub->add_option("--threads", args->threads, "worker threads (0 = all cores)");
  sub->add_flag("--json", args->json, "one JSON line per flow");
  sub->add_flag("--groups", args->groups, "print syndication groups instead of flows");
  sub->add_flag("--no-pseudonymise", args->no_pseudonymise, "show the item keys of non-public accounts' posts");
  sub->add_option("--explain", args->explain, "show the aligned passages of two items (keys A B)")->expected(2);
  // Under mpirun every rank reads the items and the engine is distributed
  // (text/reuse.hpp); rank 0 writes the flows and prints. --explain runs on
  // rank 0 alone.
  sub->callback([args, &ctx] {
    const dist::Comm& world = ctx.world();
    if (!args->explain.empty() && !world.root()) return;
    ctx.collective = args->explain.empty() && !world.serial();
    dist::Agree(world, [&] {
      if (!(args->min_score >= 0.0 && args->min_score <= 1.0))
        throw Error(ErrorKind::kInvalidArgument,
                    "--min-score must be in [0, 1], got " + std::to_string(args->min_score));
      if (args->threads < 0) throw Error(ErrorKind::kInvalidArgument, "--threads must be positive");
    });
    toolkit::ReuseRunOptions options;
    options.from = SplitList(args->from);
    options.to = SplitList(args->to);
    options.engine.min_score = args->min_score;
    options.engine.threads = args->threads;
    // Tests (tests/dist): the engine's memory blocks made tiny, so that a small corpus runs through many
    // of them (bands' key files in blocks, several index shards, several verification blocks).
    if (const char* small = std::getenv("RELAIS_REUSE_SMALL_BLOCKS"); small && *small == '1') {
      options.engine.sign_block = 13;
      options.engine.index_shard_entries = 3000;
      options.engine.verify_block = 50;
    }
    options.groups = args->groups;
    options.pseudonymise = !args->no_pseudonymise;
    if (!args->explain.empty()) {
      auto store = corpora::Store::Open(args->store, corpora::OpenMode::kReadOnly);
      PrintExplanation(toolkit::ExplainReuse(store, args->explain[0], args->explain[1], options.engine), args->json);
      return;
    }
    options.engine.comm = &world;
    // Rank 0 opens the store to write the flows; the other ranks only read it.
    auto store = dist::Agree(world, [&] {
      return corpora::Store::Open(args->store,
                                  world.root() ? corpora::OpenMode::kReadWrite : corpora::OpenMode::kReadOnly);
    });
    const bool talk = world.root();
    const auto result =
        toolkit::RunReuse(store, options, [talk](std::string_view stage, std::size_t done, std::size_t) {
          if (talk) std::cerr << "reuse: " << stage << " " << done << "\n";
        });
    ctx.ranks = world.size();
    if (!world.root()) return;
    const auto& st = result.stats;
    std::cerr << "reuse: " << result.items << " items, " << st.tokens << " tokens, LSH " << st.bands << "x" << st.rows
              << ", candidates " << st.candidates << " (LSH " << st.lsh_candidates << ", index " << st.index_candidates
              << "), verified " << st.verified << ", flows " << result.flows.size() << " stored; "
              << Fixed(st.seconds_prepare + st.seconds_candidates + st.seconds_verify, 2) << " s\n";
    if (st.invalid_utf8_docs > 0)
      std::cerr << "reuse: " << st.invalid_utf8_docs << " item(s) had invalid UTF-8, replaced by U+FFFD\n";
    if (args->groups) {
      for (const auto& g : result.groups) {
        if (args->json) {
          std::cout << WithRanks(toolkit::SyndicationGroupJson(g).dump(), ctx.ranks) << '\n';
        } else {
          std::cout << g.source_key << "  (" << g.members.size() << " titles)\n";
          for (const auto& m : g.members)
            std::cout << "    " << m.key << "  edit distance " << m.edit_distance << "  score " << Fixed(m.score, 3)
                      << '\n';
        }
      }
      return;
    }
    if (!args->json)
      std::cout << "score  latency      source -> target  [source span] "
                   "[target span]\n";
    for (const auto& f : result.flows) {
      if (args->json) {
        std::cout << WithRanks(toolkit::ReuseFlowJson(f).dump(), ctx.ranks) << '\n';
      } else {
        const double hours = static_cast<double>(f.target_time - f.source_time) / 3.6e6;
        std::cout << Fixed(f.score, 3) << "  " << std::setw(8) << Fixed(hours, 1) << "h  " << f.source_key << " -> "
                  << f.target_key << "  [" << f.source_span.begin << "," << f.source_span.end << ") ["
                  << f.target_span.begin << "," << f.target_span.end << ")\n";
      }
    }
  });
}

}  // namespace relais::cli
