// GEXF 1.3 (with time spells so Gephi's timeline plays the before/after), GraphML and CSV exports.
#include "relais/toolkit/export.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "relais/base/error.hpp"
#include "relais/base/markup.hpp"

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
  std::string id, label, actor_class, region;
  double in_strength = 0, out_strength = 0, pagerank = 0;
  TimeMs first = 0;
};

struct Edge {
  std::uint32_t src = 0, dst = 0;  // node indices
  std::int64_t weight = 0;
  std::vector<std::pair<std::uint16_t, std::int64_t>> layers;  // (index in Graph::layer_names, flows)
  std::vector<std::int64_t> periods;                           // active spell indices, ascending once built
};

// Compact on purpose: an export holds one Edge per actor pair (636,013 for 1.3 M flows on the 2 M-item world),
// so small vectors and numbered layers rather than a map and a set per edge: 439 → 203 MB peak there (store.md).
struct Graph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<std::string> layer_names;
};

// "layer:count;…" by layer name.
std::string LayersText(const Graph& g, const Edge& e) {
  std::vector<std::pair<std::string_view, std::int64_t>> named;
  named.reserve(e.layers.size());
  for (const auto& [l, c] : e.layers) named.emplace_back(g.layer_names[l], c);
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

// Flows credit their source: edges run source actor → derived actor as stored.
Graph BuildGraph(const corpora::Store& store, const ExportOptions& o) {
  auto actors = LoadActors(store);
  Graph g;
  std::map<std::int64_t, std::size_t> index;
  auto node = [&](std::int64_t actor, TimeMs t) {
    auto [it, inserted] = index.emplace(actor, g.nodes.size());
    if (inserted) {
      Node n;
      n.actor = actor;
      const ActorRow& a = actors[actor];
      n.id = "n" + std::to_string(actor);
      n.label = DisplayKey(store, a, o.pseudonymise);
      n.actor_class = a.actor_class;
      n.region = a.region;
      n.first = t;
      g.nodes.push_back(std::move(n));
    }
    Node& n = g.nodes[it->second];
    n.first = std::min(n.first, t);
    return it->second;
  };
  std::unordered_map<std::uint64_t, std::uint32_t> eindex;  // (src << 32 | dst) → edge
  std::unordered_map<std::string, std::uint16_t> layer_index;
  ForEachFlow(store, o.query, [&](const FlowRow& f) {
    if (!f.src_actor || !f.dst_actor) return;
    const auto s = static_cast<std::uint32_t>(node(f.src_actor, f.time));
    const auto d = static_cast<std::uint32_t>(node(f.dst_actor, f.time));
    auto [it, inserted] = eindex.emplace(std::uint64_t{s} << 32 | d, static_cast<std::uint32_t>(g.edges.size()));
    if (inserted) g.edges.push_back(Edge{s, d, 0, {}, {}});
    Edge& e = g.edges[it->second];
    ++e.weight;
    const auto [lt, new_layer] = layer_index.emplace(f.layer, static_cast<std::uint16_t>(g.layer_names.size()));
    if (new_layer) g.layer_names.push_back(f.layer);
    const auto counted =
        std::find_if(e.layers.begin(), e.layers.end(), [&](const auto& x) { return x.first == lt->second; });
    if (counted == e.layers.end())
      e.layers.emplace_back(lt->second, 1);
    else
      ++counted->second;
    const std::int64_t period = f.time / o.spell;
    if (std::find(e.periods.rbegin(), e.periods.rend(), period) == e.periods.rend()) e.periods.push_back(period);
    g.nodes[s].out_strength += 1;
    g.nodes[d].in_strength += 1;
  });
  for (Edge& e : g.edges) std::sort(e.periods.begin(), e.periods.end());
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
    out << "      <node id=\"" << n.id << "\" label=\"" << EscapeMarkup(n.label) << "\" start=\""
        << FormatIso8601(n.first) << "\">\n        <attvalues>\n"
        << "          <attvalue for=\"class\" value=\"" << EscapeMarkup(n.actor_class) << "\"/>\n"
        << "          <attvalue for=\"region\" value=\"" << EscapeMarkup(n.region) << "\"/>\n"
        << fmt::format("          <attvalue for=\"pagerank\" value=\"{:.10g}\"/>\n", n.pagerank)
        << fmt::format("          <attvalue for=\"in_strength\" value=\"{}\"/>\n", n.in_strength)
        << fmt::format("          <attvalue for=\"out_strength\" value=\"{}\"/>\n", n.out_strength)
        << "        </attvalues>\n      </node>\n";
  }
  out << "    </nodes>\n    <edges>\n";
  std::size_t eid = 0;
  for (const auto& e : g.edges) {
    const std::string layers = LayersText(g, e);
    out << "      <edge id=\"e" << eid++ << "\" source=\"" << g.nodes[e.src].id << "\" target=\"" << g.nodes[e.dst].id
        << "\" weight=\"" << e.weight << "\">\n        <attvalues><attvalue for=\"layers\" value=\"" << layers
        << "\"/></attvalues>\n        <spells>\n";
    // Merge runs of consecutive active periods into one spell each.
    std::int64_t run_start = -1, prev = -2;
    auto flush = [&] {
      if (run_start >= 0)
        out << "          <spell start=\"" << FormatIso8601(run_start * o.spell) << "\" end=\""
            << FormatIso8601((prev + 1) * o.spell) << "\"/>\n";
    };
    for (std::int64_t p : e.periods) {
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
    out << "    <node id=\"" << n.id << "\"><data key=\"label\">" << EscapeMarkup(n.label)
        << "</data><data key=\"class\">" << EscapeMarkup(n.actor_class) << "</data><data key=\"region\">"
        << EscapeMarkup(n.region) << "</data>"
        << fmt::format("<data key=\"pagerank\">{:.10g}</data></node>\n", n.pagerank);
  }
  std::size_t eid = 0;
  for (const auto& e : g.edges) {
    const std::string layers = LayersText(g, e);
    out << "    <edge id=\"e" << eid++ << "\" source=\"" << g.nodes[e.src].id << "\" target=\"" << g.nodes[e.dst].id
        << "\"><data key=\"weight\">" << e.weight << "</data><data key=\"layers\">" << layers << "</data></edge>\n";
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
      nodes << n.id << "," << CsvField(n.label) << "," << CsvField(n.actor_class) << "," << CsvField(n.region) << ","
            << fmt::format("{:.10g},{},{},", n.pagerank, n.in_strength, n.out_strength) << FormatIso8601(n.first)
            << "\n";
    auto edges = OpenOut(edges_path);
    edges << "source,target,weight,layers\n";
    for (const auto& e : g.edges) {
      edges << g.nodes[e.src].id << "," << g.nodes[e.dst].id << "," << e.weight << "," << LayersText(g, e) << "\n";
    }
    s.files = {nodes_path, edges_path};
  }
  return s;
}

}  // namespace relais::toolkit
