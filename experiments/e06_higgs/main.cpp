// e06_higgs: a real event on a real store. The SNAP Higgs activity file (De Domenico, Lima, Mougel &
// Musolesi 2013), ingested with the snap-activity reader, read back from the store (--store): the
// interaction networks rebuilt from the stored items against the statistics SNAP published for the
// data set, hourly activity before and after the burst of 4 July 2012 (ITS), cascades (retweets per
// retweeted account) and rankings (PageRank and in-strength of the retweet network).
//
//   relais ingest --store higgs --format snap-activity ../shared/data/snap-higgs-twitter/higgs-activity_time.txt.gz
//   e06_higgs --store higgs --out out/e06
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "e01_deplatforming/world.hpp"
#include "harness/store_accounting.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/graph/components.hpp"
#include "relais/graph/csr_graph.hpp"
#include "relais/graph/pagerank.hpp"
#include "relais/toolkit/analysis/event.hpp"

using namespace relais;
using namespace relais::experiments;

namespace {

constexpr TimeMs kHour = 3'600'000;

// Published by SNAP for the data set (snap.stanford.edu/data/higgs-twitter.html, "Retweet Network
// statistics"), and the line counts of the distributed edge lists (one line per directed user pair).
constexpr double kPublishedRetweetNodes = 256491, kPublishedRetweetEdges = 328132, kPublishedRetweetWcc = 223833;
constexpr double kDistributedReplyEdges = 32523, kDistributedMentionEdges = 150818;

struct Network {
  std::uint64_t interactions = 0;  // items (lines)
  std::uint64_t nodes = 0, edges = 0, largest_wcc = 0;
  std::uint64_t self_loops = 0;
  std::vector<std::uint64_t> in_strength;  // per node: interactions received
  graph::CsrGraph g;
};

// The user pairs (author handle → target handle) of one layer, from the stored items: refs for
// retweet/reply, mentions for the mention layer; merged over partitions.
Network BuildNetwork(const corpora::Store& store, const std::string& layer) {
  const std::string sql = layer == "mention"
                              ? "SELECT a.handle, m.handle FROM mentions m JOIN items i ON i.id = m.item_id "
                                "JOIN actors a ON a.id = i.actor_id WHERE i.platform = 'twitter'"
                              : "SELECT a.handle, r.target_handle FROM refs r JOIN items i ON i.id = r.item_id "
                                "JOIN actors a ON a.id = i.actor_id WHERE r.layer = ?1 AND r.target_handle IS NOT NULL";
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  const auto parts = corpora::MapPartitions<Pairs>(store, [&](sqlite3* db, int) {
    corpora::Statement st(db, sql);
    if (layer != "mention") st.Bind(1, std::string_view(layer));
    Pairs out;
    while (st.Step()) out.emplace_back(st.Text(0), st.Text(1));
    return out;
  });
  Network n;
  std::map<std::string, graph::NodeId> id;  // ordered: node numbering independent of partition order
  for (const auto& p : parts)
    for (const auto& [a, b] : p) {
      id.emplace(a, 0);
      id.emplace(b, 0);
    }
  graph::NodeId next = 0;
  for (auto& [k, v] : id) v = next++;
  std::map<std::pair<graph::NodeId, graph::NodeId>, std::uint64_t> weight;
  for (const auto& p : parts)
    for (const auto& [a, b] : p) {
      ++n.interactions;
      ++weight[{id[a], id[b]}];
    }
  n.nodes = id.size();
  n.edges = weight.size();
  n.in_strength.assign(n.nodes, 0);
  std::vector<graph::NodeId> src, dst;
  std::vector<graph::Weight> w;
  for (const auto& [e, c] : weight) {
    n.in_strength[e.second] += c;
    if (e.first == e.second) {
      ++n.self_loops;
      continue;  // PageRank and components ignore self-retweets
    }
    src.push_back(e.first);
    dst.push_back(e.second);
    w.push_back(static_cast<graph::Weight>(c));
  }
  n.g = graph::CsrGraph::FromEdges(static_cast<graph::NodeId>(n.nodes), src, dst, w, /*directed=*/true);
  const auto wcc = graph::WeakComponents(n.g);
  std::vector<std::uint64_t> size(wcc.count, 0);
  for (auto c : wcc.component) ++size[c];
  n.largest_wcc = size.empty() ? 0 : *std::max_element(size.begin(), size.end());
  return n;
}

double Share(const std::vector<std::uint64_t>& sorted_desc, std::size_t k) {
  const double total = std::accumulate(sorted_desc.begin(), sorted_desc.end(), 0.0);
  double top = 0;
  for (std::size_t i = 0; i < std::min(k, sorted_desc.size()); ++i) top += static_cast<double>(sorted_desc[i]);
  return total > 0 ? top / total : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("e06_higgs",
                 "On the SNAP Higgs data (real), does relais rebuild the published networks, and how do activity, "
                 "cascades and rankings change around the announcement of 4 July 2012?");
  exp.AcceptIngest();
  return RunExperiment(argc, argv, exp, [](Experiment& e) {
    if (e.args().store.empty())
      throw Error(
          ErrorKind::kInvalidArgument,
          "e06_higgs needs --store: a store of higgs-activity_time.txt.gz (relais ingest --format snap-activity)");
    IngestIfAsked(e.args());
    auto store = corpora::Store::Open(e.args().store, corpora::OpenMode::kReadOnly);
    // Only the store's name: result.json holds no local path.
    e.params()["store"] = std::filesystem::path(e.args().store).filename().string();
    const auto stats = corpora::ComputeStats(store);
    if (stats.items == 0) throw Error(ErrorKind::kData, "the store holds no item");
    e.result()["store"] = {{"items", stats.items}, {"actors", stats.actors}, {"flows_by_layer", stats.flows_by_layer}};
    e.result()["ingest"] = InputAccounting(store);

    // Items by kind (RT → retweet, RE → reply, MT → original with a mention).
    std::map<std::string, std::int64_t> kinds;
    for (const auto& part : corpora::MapPartitions<std::map<std::string, std::int64_t>>(store, [](sqlite3*db, int) {
           corpora::Statement st(db, "SELECT kind, count(*) FROM items GROUP BY kind");
           std::map<std::string, std::int64_t> m;
           while (st.Step()) m[st.Text(0)] = st.Int(1);
           return m;
         }))
      for (const auto& [k, v] : part) kinds[k] += v;
    e.result()["items_by_kind"] = kinds;

    // The three interaction networks against SNAP's published statistics.
    std::vector<std::vector<std::string>> net_rows;
    nlohmann::json nets;
    Network rt;
    for (const std::string layer : {"retweet", "reply", "mention"}) {
      Network n = BuildNetwork(store, layer);
      nets[layer] = {{"interactions", n.interactions},
                     {"nodes", n.nodes},
                     {"edges", n.edges},
                     {"largest_wcc", n.largest_wcc},
                     {"self_loops", n.self_loops}};
      net_rows.push_back({layer, Num(static_cast<double>(n.interactions)), Num(static_cast<double>(n.nodes)),
                          Num(static_cast<double>(n.edges)), Num(static_cast<double>(n.largest_wcc))});
      if (layer == "retweet")
        rt = std::move(n);
      else if (layer == "reply")
        e.Check("reply network: user pairs = lines of higgs-reply_network.edgelist", kDistributedReplyEdges,
                static_cast<double>(n.edges), static_cast<double>(n.edges), static_cast<double>(n.edges));
      else
        e.Check("mention network: user pairs = lines of higgs-mention_network.edgelist", kDistributedMentionEdges,
                static_cast<double>(n.edges), static_cast<double>(n.edges), static_cast<double>(n.edges));
    }
    e.result()["networks"] = nets;
    e.WriteCsv("networks", {"layer", "interactions", "nodes", "edges", "largest_wcc"}, net_rows);
    const auto exact = [&](const std::string& name, double published, double measured) {
      e.Check(name, published, measured, measured, measured);
    };
    exact("retweet network: nodes = SNAP's published 256,491", kPublishedRetweetNodes, static_cast<double>(rt.nodes));
    exact("retweet network: edges = SNAP's published 328,132", kPublishedRetweetEdges, static_cast<double>(rt.edges));
    exact("retweet network: largest WCC = SNAP's published 223,833", kPublishedRetweetWcc,
          static_cast<double>(rt.largest_wcc));

    // Cascades: retweets received per retweeted account (the retweeted tweets are not in the data, so a
    // cascade is the star of one account's retweets), and rankings on the retweet network.
    std::vector<std::uint64_t> sizes;
    for (auto s : rt.in_strength)
      if (s > 0) sizes.push_back(s);
    std::sort(sizes.begin(), sizes.end(), std::greater<>());
    const double n_sizes = static_cast<double>(sizes.size());
    e.result()["cascades"] = {
        {"retweeted_accounts", sizes.size()},
        {"largest", sizes.empty() ? 0 : sizes[0]},
        {"median", sizes.empty() ? 0 : sizes[sizes.size() / 2]},
        {"single_retweet_share",
         n_sizes > 0 ? static_cast<double>(std::count(sizes.begin(), sizes.end(), 1)) / n_sizes : 0},
        {"top1_share", Share(sizes, 1)},
        {"top10_share", Share(sizes, 10)},
        {"top1pct_share", Share(sizes, static_cast<std::size_t>(std::ceil(n_sizes / 100)))}};
    std::map<std::uint64_t, std::uint64_t> ccdf;
    for (auto s : sizes) ++ccdf[s];
    std::vector<std::vector<std::string>> size_rows;
    for (const auto& [s, c] : ccdf) size_rows.push_back({Num(static_cast<double>(s)), Num(static_cast<double>(c))});
    e.WriteCsv("cascade_sizes", {"retweets_received", "accounts"}, size_rows);

    const auto pr = graph::ComputePageRank(rt.g);
    std::vector<graph::NodeId> order(rt.nodes);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](auto a, auto b) { return pr.scores[a] != pr.scores[b] ? pr.scores[a] > pr.scores[b] : a < b; });
    std::vector<graph::NodeId> by_strength = order;
    std::sort(by_strength.begin(), by_strength.end(), [&](auto a, auto b) {
      return rt.in_strength[a] != rt.in_strength[b] ? rt.in_strength[a] > rt.in_strength[b] : a < b;
    });
    // Ranks only: the accounts are SNAP's anonymised ids, and nothing here needs them.
    std::vector<std::vector<std::string>> rank_rows;
    std::size_t overlap = 0;
    std::set<graph::NodeId> top_strength(by_strength.begin(),
                                         by_strength.begin() + std::min<std::size_t>(10, rt.nodes));
    for (std::size_t i = 0; i < std::min<std::size_t>(10, rt.nodes); ++i) {
      const auto v = order[i];
      overlap += top_strength.count(v);
      const auto strength_rank = std::find(by_strength.begin(), by_strength.end(), v) - by_strength.begin() + 1;
      rank_rows.push_back({Num(static_cast<double>(i + 1)), Num(pr.scores[v]),
                           Num(static_cast<double>(rt.in_strength[v])), Num(static_cast<double>(strength_rank))});
    }
    e.WriteCsv("pagerank_top10", {"pagerank_rank", "pagerank", "retweets_received", "in_strength_rank"}, rank_rows);
    e.result()["ranking"] = {{"pagerank_converged", pr.converged},
                             {"pagerank_iterations", pr.iterations},
                             {"top10_overlap_pagerank_in_strength", overlap}};

    // Activity before and after the burst: hourly interactions, ITS (quasi-Poisson, daily harmonics,
    // Newey–West errors) at 2012-07-04 04:00 UTC, where the file's hourly counts jump; 72 h either side.
    const TimeMs at = ParseIso8601("2012-07-04T04:00:00Z").value();
    e.params()["event"] = "2012-07-04T04:00:00Z";
    e.params()["its_window_hours"] = 72;
    toolkit::StoreEventOptions eo;
    eo.at = at;
    eo.before = eo.after = 72 * kHour;
    eo.bin = kHour;
    eo.outcome = "items";
    eo.design = "its";
    eo.its.model = toolkit::EventModel::kQuasiPoisson;
    eo.its.harmonics = 2;
    eo.its.period = 24;
    const auto its = toolkit::RunStoreEvent(store, eo);
    e.result()["its"] = toolkit::ToJson(its);
    e.result()["its_summary"] = {{"level", its.level.estimate},        {"level_lo", its.level.lo},
                                 {"level_hi", its.level.hi},           {"p", its.level.p},
                                 {"rate_ratio", its.rate_ratio},       {"rate_ratio_lo", its.rate_ratio_lo},
                                 {"rate_ratio_hi", its.rate_ratio_hi}, {"hours", its.n},
                                 {"dispersion", its.dispersion}};
    CheckDirection(e, "ITS: hourly interactions jump at the burst (level change > 0)", +1, its.level.estimate,
                   its.level.lo, its.level.hi);

    // Hourly series for the figure, and the busiest hour.
    std::map<std::int64_t, std::array<std::int64_t, 3>> hours;
    for (const auto& part :
         corpora::MapPartitions<std::map<std::int64_t, std::array<std::int64_t, 3>>>(store, [&](sqlite3*db, int) {
           corpora::Statement st(db,
                                 "SELECT (time - ?1 + 1000 * ?2) / ?2 - 1000 AS h, sum(kind = 'retweet'), "
                                 "sum(kind = 'original'), sum(kind = 'reply') FROM items GROUP BY h ORDER BY h");
           st.Bind(1, static_cast<std::int64_t>(at)).Bind(2, static_cast<std::int64_t>(kHour));
           std::map<std::int64_t, std::array<std::int64_t, 3>> m;
           while (st.Step()) m[st.Int(0)] = {st.Int(1), st.Int(2), st.Int(3)};
           return m;
         }))
      for (const auto& [h, v] : part)
        for (std::size_t c = 0; c < 3; ++c) hours[h][c] += v[c];
    std::vector<std::vector<std::string>> hour_rows;
    std::int64_t peak = 0, peak_hour = 0;
    double before = 0, after = 0;
    for (const auto& [h, v] : hours) {
      const std::int64_t total = v[0] + v[1] + v[2];
      if (total > peak) peak = total, peak_hour = h;
      if (h < 0 && h >= -72) before += static_cast<double>(total);
      if (h >= 0 && h < 72) after += static_cast<double>(total);
      hour_rows.push_back({Num(static_cast<double>(h)), Num(static_cast<double>(v[0])), Num(static_cast<double>(v[1])),
                           Num(static_cast<double>(v[2])), Num(static_cast<double>(total))});
    }
    e.WriteCsv("hourly", {"hour", "retweets", "mentions", "replies", "interactions"}, hour_rows);
    e.result()["activity"] = {{"peak_hour_interactions", peak},
                              {"peak_hour_after_event", peak_hour},
                              {"mean_per_hour_before", before / 72},
                              {"mean_per_hour_after", after / 72},
                              {"after_before_ratio", before > 0 ? after / before : 0}};
  });
}
