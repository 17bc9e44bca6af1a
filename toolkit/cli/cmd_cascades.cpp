// relais cascades: retweet/quote/reply trees of the store with size, depth, max breadth and
// structural virality; --root ITEM shows one tree node by node; --followers FILE re-attaches retweets
// to the earlier retweeter their author follows.
#include <tbb/task_arena.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"
#include "relais/base/threads.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/cascades.hpp"
#include "relais/toolkit/graph_view.hpp"

namespace relais::cli {
namespace {

struct CascadesArgs {
  std::string store, root, layers = "retweet,quote,reply", followers;
  std::size_t top = 20;
  int threads = 0;
  bool json = false, no_pseudonymise = false;
};

std::string FollowerGraphLine(const toolkit::FollowerGraph* fg, const toolkit::CascadeReport& r) {
  if (!fg) return "(no follower graph: retweets stay on the item they retweet; see --followers)";
  return "(follower graph: " + std::to_string(fg->edges) + " follow edges from " + std::to_string(fg->matched) +
         " matched lines; " + std::to_string(r.reattached) + " of " + std::to_string(r.retweets) +
         " retweets re-attached to an earlier retweeter they follow)";
}

void RunCascades(const CascadesArgs& a) {
  if (a.threads < 0) throw Error(ErrorKind::kInvalidArgument, "--threads must be >= 0");
  auto store = corpora::Store::Open(a.store, corpora::OpenMode::kReadOnly);
  toolkit::CascadeQuery q;
  q.layers = toolkit::ParseLayers(a.layers);
  if (!a.root.empty()) q.root = a.root;
  q.top = a.top;
  q.pseudonymise = !a.no_pseudonymise;
  const int threads = ThreadCountOrDefault(a.threads);
  tbb::task_arena arena(threads);
  std::optional<toolkit::FollowerGraph> fg;
  toolkit::CascadeReport r;
  arena.execute([&] {
    if (!a.followers.empty()) {
      fg = toolkit::ReadFollowerGraph(store, a.followers);
      if (fg->unmatched)
        std::cerr << "relais: " << fg->unmatched << " of " << fg->lines << " lines of " << a.followers << " name "
                  << fg->unknown_accounts << " accounts that match no Twitter actor of the store (skipped)\n";
      q.followers = &*fg;
    }
    r = toolkit::ComputeCascades(store, q);
  });
  const toolkit::FollowerGraph* used = fg ? &*fg : nullptr;
  if (r.extra_parents || r.in_cycles)
    std::cerr << "relais: " << r.extra_parents << " flows into items that already had a parent and " << r.in_cycles
              << " items on parent cycles are not in the trees\n";
  if (a.json) {
    PrintStreamedWithRanks([&](JsonWriter& w) { toolkit::WriteCascadesJsonMembers(w, r, used, q.root.has_value()); },
                           1);
    return;
  }
  std::cout << "root\tactor\ttime\tsize\tdepth\tmax_breadth\tstructural_virality\n";
  for (const auto& c : r.cascades) {
    std::cout << c.root << "\t" << c.root_actor << "\t" << FormatIso8601(c.root_time) << "\t" << c.metrics.size << "\t"
              << c.metrics.depth << "\t" << c.metrics.max_breadth << "\t" << c.metrics.structural_virality << "\n";
    for (const auto& n : c.nodes)
      std::cout << "  " << std::string(2 * n.depth, ' ') << n.item << (n.layer.empty() ? "" : " (" + n.layer + ")")
                << " " << FormatIso8601(n.time) << "\n";
  }
  if (r.total > r.cascades.size()) std::cout << "(" << r.total - r.cascades.size() << " smaller cascades not shown)\n";
  std::cout << FollowerGraphLine(used, r) << "\n";
}

}  // namespace

void RegisterCascades(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<CascadesArgs>();
  auto* sub = app.add_subcommand("cascades", "retweet/quote/reply trees with size, depth, breadth, virality");
  sub->add_option("--store", args->store, "store folder")->required();
  sub->add_option("--root", args->root, "only the tree containing this item (key), node by node");
  sub->add_option("--top", args->top, "number of trees, largest first, 0 = all (default 20)");
  sub->add_option("--layers", args->layers, "flow layers forming the trees (default retweet,quote,reply)");
  sub->add_option("--followers", args->followers,
                  "follow list (CSV follower,followed of handles, or SNAP-style two columns): re-attach each "
                  "retweet to the latest earlier retweeter its author follows");
  sub->add_option("--threads", args->threads, "worker threads (default: all cores)");
  sub->add_flag("--no-pseudonymise", args->no_pseudonymise, "show non-public actors' keys");
  sub->add_flag("--json", args->json,
                "print {total, follower_graph, cascades:[{root, actor, time, size, depth, max_breadth, "
                "structural_virality}]}; follower_graph is null or {lines, matched, unmatched, edges, "
                "retweets, reattached}");
  sub->callback([args, &ctx] {
    RunCascades(*args);
    ctx.exit_code = 0;
  });
}

}  // namespace relais::cli
