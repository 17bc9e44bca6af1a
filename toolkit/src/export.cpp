// GEXF 1.3 (with time spells so Gephi's timeline plays the before/after), GraphML and CSV exports.
#include "relais/toolkit/export.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

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
  std::size_t src = 0, dst = 0;
  std::int64_t weight = 0;
  std::map<std::string, std::int64_t> layers;
  std::set<std::int64_t> periods;  // active spell indices
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};

// Flows credit their source: edges run source actor → derived actor as stored.
Graph BuildGraph(const corpora::Store& store, const ExportOptions& o) {
  auto actors = LoadActors(store);
  auto flows = LoadFlows(store, o.query);
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
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> eindex;
  for (const auto& f : flows) {
    if (!f.src_actor || !f.dst_actor) continue;
    std::size_t s = node(f.src_actor, f.time), d = node(f.dst_actor, f.time);
    auto [it, inserted] = eindex.emplace(std::make_pair(s, d), g.edges.size());
    if (inserted) g.edges.push_back(Edge{s, d, 0, {}, {}});
    Edge& e = g.edges[it->second];
    ++e.weight;
    ++e.layers[f.layer];
    e.periods.insert(f.time / o.spell);
    g.nodes[s].out_strength += 1;
    g.nodes[d].in_strength += 1;
  }
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
    std::string layers;
    for (const auto& [l, c] : e.layers) layers += (layers.empty() ? "" : ";") + l + ":" + std::to_string(c);
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
    std::string layers;
    for (const auto& [l, c] : e.layers) layers += (layers.empty() ? "" : ";") + l + ":" + std::to_string(c);
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
      std::string layers;
      for (const auto& [l, c] : e.layers) layers += (layers.empty() ? "" : ";") + l + ":" + std::to_string(c);
      edges << g.nodes[e.src].id << "," << g.nodes[e.dst].id << "," << e.weight << "," << layers << "\n";
    }
    s.files = {nodes_path, edges_path};
  }
  return s;
}

}  // namespace relais::toolkit
