// GEXF 1.3 (with time spells so Gephi's timeline plays the before/after), GraphML and CSV exports.
#include "relais/toolkit/export.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "relais/base/error.hpp"
#include "relais/base/index_table.hpp"
#include "relais/base/markup.hpp"
#include "relais/corpora/record.hpp"

namespace relais::toolkit {
namespace {

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

struct Node {
  std::int64_t actor = 0;
  std::string label, actor_class, region;  // filled once the flows are read
  double in_strength = 0, out_strength = 0, pagerank = 0;
  TimeMs first = 0;
};

std::string NodeId(const Node& n) { return "n" + std::to_string(n.actor); }

// Compact on purpose: an export holds one Edge per actor pair (~6M on the 17.6M-item world), so flows by layer
// in a fixed array and active periods outside the edge, in one sorted vector (issue 11: 1,481 MiB before).
struct Edge {
  std::uint32_t src = 0, dst = 0;  // node indices
  std::int64_t weight = 0;
  std::array<std::uint32_t, corpora::kNumLayers> layer_flows{};         // by corpora::Layer
  std::int64_t last_period = std::numeric_limits<std::int64_t>::min();  // of the latest flow read
};

struct EdgePeriod {
  std::uint32_t edge = 0;
  std::int64_t period = 0;  // flow time / spell
  bool operator<(const EdgePeriod& o) const { return edge != o.edge ? edge < o.edge : period < o.period; }
  bool operator==(const EdgePeriod& o) const = default;
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<EdgePeriod> periods;  // sorted by edge then period, each once
};

// "layer:count;…" by layer name.
std::string LayersText(const Edge& e) {
  std::vector<std::pair<std::string_view, std::uint32_t>> named;
  for (int l = 0; l < corpora::kNumLayers; ++l) {
    if (e.layer_flows[l] != 0) named.emplace_back(corpora::ToString(static_cast<corpora::Layer>(l)), e.layer_flows[l]);
  }
  std::sort(named.begin(), named.end());
  std::string text;
  for (const auto& [l, c] : named) {
    if (!text.empty()) text += ';';
    text += l;
    text += ':';
    text += std::to_string(c);
  }
  return text;
}

std::uint64_t PairKey(std::uint32_t src, std::uint32_t dst) { return std::uint64_t{src} << 32 | dst; }

// Names each node after the flows are read, streaming the actors table (an actor missing from it is named as
// an empty row is).
void NameNodes(const corpora::Store& store, const ExportOptions& o,
               const std::unordered_map<std::int64_t, std::size_t>& index, Graph& g) {
  std::vector<bool> named(g.nodes.size(), false);
  auto name = [&](Node& n, const ActorRow& a) {
    n.label = DisplayKey(store, a, o.pseudonymise);
    n.actor_class = a.actor_class;
    n.region = a.region;
  };
  ForEachActor(store, [&](ActorRow& a) {
    const auto it = index.find(a.id);
    if (it == index.end()) return;
    name(g.nodes[it->second], a);
    named[it->second] = true;
  });
  for (std::size_t v = 0; v < g.nodes.size(); ++v) {
    if (!named[v]) name(g.nodes[v], ActorRow{});
  }
}

// Flows credit their source: edges run source actor → derived actor as stored.
Graph BuildGraph(const corpora::Store& store, const ExportOptions& o) {
  Graph g;
  std::unordered_map<std::int64_t, std::size_t> index;  // actor → node
  auto node = [&](std::int64_t actor, TimeMs t) {
    auto [it, inserted] = index.emplace(actor, g.nodes.size());
    if (inserted) {
      Node n;
      n.actor = actor;
      n.first = t;
      g.nodes.push_back(std::move(n));
    }
    Node& n = g.nodes[it->second];
    n.first = std::min(n.first, t);
    return it->second;
  };
  IndexTable edge_index;  // (src, dst) → edge
  const auto edge_hash = [&](std::uint32_t e) {
    return std::hash<std::uint64_t>{}(PairKey(g.edges[e].src, g.edges[e].dst));
  };
  ForEachFlow(store, o.query, [&](const FlowRow& f) {
    if (!f.src_actor || !f.dst_actor) return;
    const auto s = static_cast<std::uint32_t>(node(f.src_actor, f.time));
    const auto d = static_cast<std::uint32_t>(node(f.dst_actor, f.time));
    const auto layer = corpora::ParseLayer(f.layer);
    if (!layer) throw Error(ErrorKind::kData, "flow of unknown layer '" + f.layer + "' in the store");
    const auto [edge, added] = edge_index.FindOrAdd(
        std::hash<std::uint64_t>{}(PairKey(s, d)),
        [&](std::uint32_t e) { return g.edges[e].src == s && g.edges[e].dst == d; },
        static_cast<std::uint32_t>(g.edges.size()), edge_hash);
    if (added) g.edges.push_back(Edge{s, d});
    Edge& e = g.edges[edge];
    ++e.weight;
    ++e.layer_flows[static_cast<int>(*layer)];
    const std::int64_t period = f.time / o.spell;
    if (period != e.last_period) {
      g.periods.push_back({edge, period});
      e.last_period = period;
    }
    g.nodes[s].out_strength += 1;
    g.nodes[d].in_strength += 1;
  });
  std::sort(g.periods.begin(), g.periods.end());
  g.periods.erase(std::unique(g.periods.begin(), g.periods.end()), g.periods.end());
  g.periods.shrink_to_fit();
  NameNodes(store, o, index, g);
  // PageRank crediting sources: walk from derived to source (reverse edges), damping 0.85,
  // dangling mass spread uniformly. Serial: export graphs are actor-level and small.
  const std::size_t n = g.nodes.size();
  if (n) {
    std::vector<double> pr(n, 1.0 / static_cast<double>(n)), next(n);
    std::vector<double> in_w(n, 0);  // reversed graph: out-weight of a node = its in_strength
    for (const auto& e : g.edges) in_w[e.dst] += static_cast<double>(e.weight);
    for (int iter = 0; iter < 100; ++iter) {
      double dangling = 0;
      for (std::size_t v = 0; v < n; ++v)
        if (in_w[v] == 0) dangling += pr[v];
      std::fill(next.begin(), next.end(), (0.15 + 0.85 * dangling) / static_cast<double>(n));
      for (const auto& e : g.edges) next[e.src] += 0.85 * pr[e.dst] * static_cast<double>(e.weight) / in_w[e.dst];
      double diff = 0;
      for (std::size_t v = 0; v < n; ++v) diff += std::abs(next[v] - pr[v]);
      pr.swap(next);
      if (diff < 1e-12) break;
    }
    for (std::size_t v = 0; v < n; ++v) g.nodes[v].pagerank = pr[v];
  }
  return g;
}

std::ofstream OpenOut(const std::filesystem::path& p) {
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  if (!out) throw Error(ErrorKind::kIo, "cannot write " + p.string());
  return out;
}

void WriteGexf(const Graph& g, const ExportOptions& o, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n"
         "  <meta><creator>relais " RELAIS_VERSION
         "</creator><description>actor flow graph (source -> derived)"
         "</description></meta>\n"
         "  <graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"dateTime\" "
         "timerepresentation=\"interval\">\n"
         "    <attributes class=\"node\" mode=\"static\">\n"
         "      <attribute id=\"class\" title=\"class\" type=\"string\"/>\n"
         "      <attribute id=\"region\" title=\"region\" type=\"string\"/>\n"
         "      <attribute id=\"pagerank\" title=\"pagerank\" type=\"double\"/>\n"
         "      <attribute id=\"in_strength\" title=\"in_strength\" type=\"double\"/>\n"
         "      <attribute id=\"out_strength\" title=\"out_strength\" type=\"double\"/>\n"
         "    </attributes>\n"
         "    <attributes class=\"edge\" mode=\"static\">\n"
         "      <attribute id=\"layers\" title=\"layers\" type=\"string\"/>\n"
         "    </attributes>\n"
         "    <nodes>\n";
  for (const auto& n : g.nodes) {
    out << "      <node id=\"" << NodeId(n) << "\" label=\"" << EscapeMarkup(n.label) << "\" start=\""
        << FormatIso8601(n.first) << "\">\n        <attvalues>\n"
        << "          <attvalue for=\"class\" value=\"" << EscapeMarkup(n.actor_class) << "\"/>\n"
        << "          <attvalue for=\"region\" value=\"" << EscapeMarkup(n.region) << "\"/>\n"
        << fmt::format("          <attvalue for=\"pagerank\" value=\"{:.10g}\"/>\n", n.pagerank)
        << fmt::format("          <attvalue for=\"in_strength\" value=\"{}\"/>\n", n.in_strength)
        << fmt::format("          <attvalue for=\"out_strength\" value=\"{}\"/>\n", n.out_strength)
        << "        </attvalues>\n      </node>\n";
  }
  out << "    </nodes>\n    <edges>\n";
  std::size_t next_period = 0;  // into g.periods, sorted by edge
  for (std::size_t eid = 0; eid < g.edges.size(); ++eid) {
    const Edge& e = g.edges[eid];
    out << "      <edge id=\"e" << eid << "\" source=\"" << NodeId(g.nodes[e.src]) << "\" target=\""
        << NodeId(g.nodes[e.dst]) << "\" weight=\"" << e.weight
        << "\">\n        <attvalues><attvalue for=\"layers\" value=\"" << LayersText(e)
        << "\"/></attvalues>\n        <spells>\n";
    // Merge runs of consecutive active periods into one spell each.
    std::int64_t run_start = -1, prev = -2;
    auto flush = [&] {
      if (run_start >= 0)
        out << "          <spell start=\"" << FormatIso8601(run_start * o.spell) << "\" end=\""
            << FormatIso8601((prev + 1) * o.spell) << "\"/>\n";
    };
    for (; next_period < g.periods.size() && g.periods[next_period].edge == eid; ++next_period) {
      const std::int64_t p = g.periods[next_period].period;
      if (p != prev + 1) {
        flush();
        run_start = p;
      }
      prev = p;
    }
    flush();
    out << "        </spells>\n      </edge>\n";
  }
  out << "    </edges>\n  </graph>\n</gexf>\n";
}

void WriteGraphml(const Graph& g, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
         "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
         "  <key id=\"class\" for=\"node\" attr.name=\"class\" attr.type=\"string\"/>\n"
         "  <key id=\"region\" for=\"node\" attr.name=\"region\" attr.type=\"string\"/>\n"
         "  <key id=\"pagerank\" for=\"node\" attr.name=\"pagerank\" attr.type=\"double\"/>\n"
         "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
         "  <key id=\"layers\" for=\"edge\" attr.name=\"layers\" attr.type=\"string\"/>\n"
         "  <graph id=\"relais\" edgedefault=\"directed\">\n";
  for (const auto& n : g.nodes) {
    out << "    <node id=\"" << NodeId(n) << "\"><data key=\"label\">" << EscapeMarkup(n.label)
        << "</data><data key=\"class\">" << EscapeMarkup(n.actor_class) << "</data><data key=\"region\">"
        << EscapeMarkup(n.region) << "</data>"
        << fmt::format("<data key=\"pagerank\">{:.10g}</data></node>\n", n.pagerank);
  }
  for (std::size_t eid = 0; eid < g.edges.size(); ++eid) {
    const Edge& e = g.edges[eid];
    out << "    <edge id=\"e" << eid << "\" source=\"" << NodeId(g.nodes[e.src]) << "\" target=\""
        << NodeId(g.nodes[e.dst]) << "\"><data key=\"weight\">" << e.weight << "</data><data key=\"layers\">"
        << LayersText(e) << "</data></edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

}  // namespace

ExportSummary ExportGraph(const corpora::Store& store, const std::filesystem::path& file, const ExportOptions& o) {
  if (o.format != "gexf" && o.format != "graphml" && o.format != "csv")
    ThrowInvalidArgument("--format: \"" + o.format + "\" is not one of gexf, graphml, csv");
  Graph g = BuildGraph(store, o);
  ExportSummary s;
  s.nodes = g.nodes.size();
  s.edges = g.edges.size();
  if (o.format == "gexf") {
    auto out = OpenOut(file);
    WriteGexf(g, o, out);
    s.files.push_back(file);
  } else if (o.format == "graphml") {
    auto out = OpenOut(file);
    WriteGraphml(g, out);
    s.files.push_back(file);
  } else {
    auto base = file.parent_path() / file.stem();
    std::filesystem::path nodes_path = base.string() + "-nodes.csv", edges_path = base.string() + "-edges.csv";
    auto nodes = OpenOut(nodes_path);
    nodes << "id,label,class,region,pagerank,in_strength,out_strength,first\n";
    for (const auto& n : g.nodes)
      nodes << NodeId(n) << "," << CsvField(n.label) << "," << CsvField(n.actor_class) << "," << CsvField(n.region)
            << "," << fmt::format("{:.10g},{},{},", n.pagerank, n.in_strength, n.out_strength) << FormatIso8601(n.first)
            << "\n";
    auto edges = OpenOut(edges_path);
    edges << "source,target,weight,layers\n";
    for (const auto& e : g.edges) {
      edges << NodeId(g.nodes[e.src]) << "," << NodeId(g.nodes[e.dst]) << "," << e.weight << "," << LayersText(e)
            << "\n";
    }
    s.files = {nodes_path, edges_path};
  }
  return s;
}

}  // namespace relais::toolkit
