// HTML report with inline SVG figures (no scripts, no network): what `relais demo` leaves behind.
#include "relais/toolkit/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "relais/base/markup.hpp"
#include "relais/base/time.hpp"
#include "relais/toolkit/region_map.hpp"

namespace relais::toolkit {
namespace {

constexpr const char* kPalette[] = {"#1b6ca8", "#d1495b", "#00798c", "#edae49", "#66a182",
                                    "#8d6a9f", "#2e4057", "#c3423f", "#9bc53d", "#5bc0eb"};

std::string Num(double v) {
  if (std::isnan(v)) return "NA";
  double a = std::abs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e6)) return fmt::format("{:.3g}", v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3f}", v);
}

std::string J(const nlohmann::json& j) {
  if (j.is_null()) return "–";
  if (j.is_number_float()) return Num(j.get<double>());
  if (j.is_number()) return std::to_string(j.get<std::int64_t>());
  if (j.is_string()) return EscapeMarkup(j.get<std::string>());
  if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
  if (j.is_array() && j.size() == 2 && j[0].is_number() && j[1].is_number())
    return "[" + Num(j[0].get<double>()) + ", " + Num(j[1].get<double>()) + "]";
  return EscapeMarkup(j.dump());
}

double NiceStep(double range, int ticks) {
  double raw = range / ticks;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double norm = raw / mag;
  double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return nice * mag;
}

std::string Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream os;
  os << "<table><thead><tr>";
  for (const auto& h : header) os << "<th>" << EscapeMarkup(h) << "</th>";
  os << "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    os << "<tr>";
    for (const auto& c : r) os << "<td>" << c << "</td>";
    os << "</tr>\n";
  }
  os << "</tbody></table>\n";
  return os.str();
}

}  // namespace

std::string SvgLineChart(const std::string& title, double x0_ms, double step_ms, const std::vector<Series>& series,
                         std::optional<double> marker_ms, const std::string& y_label) {
  const double W = 760, H = 300, L = 60, R = 150, T = 30, B = 40;
  std::size_t n = 0;
  double ymax = 0;
  for (const auto& s : series) {
    n = std::max(n, s.values.size());
    for (double v : s.values) ymax = std::max(ymax, v);
  }
  if (ymax <= 0) ymax = 1;
  double ystep = NiceStep(ymax, 5);
  ymax = std::ceil(ymax / ystep) * ystep;
  auto X = [&](double i) { return L + (W - L - R) * (n > 1 ? i / static_cast<double>(n - 1) : 0.5); };
  auto Y = [&](double v) { return T + (H - T - B) * (1 - v / ymax); };
  std::ostringstream os;
  os << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      W, H, W, H, EscapeMarkup(title));
  os << fmt::format("<text x=\"{}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", L,
                    EscapeMarkup(title));
  for (double v = 0; v <= ymax + 1e-9; v += ystep) {
    os << fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>", L, W - R, Y(v), Y(v));
    os << fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{}</text>\n", L - 4, Y(v) + 3,
                      Num(v));
  }
  os << fmt::format("<text x=\"12\" y=\"{}\" font-size=\"10\" transform=\"rotate(-90 12 {})\">{}</text>\n", H / 2,
                    H / 2, EscapeMarkup(y_label));
  // x ticks: about 6 dates
  if (n > 1) {
    std::size_t every = std::max<std::size_t>(1, n / 6);
    for (std::size_t i = 0; i < n; i += every) {
      std::string d = FormatIso8601(static_cast<TimeMs>(x0_ms + step_ms * static_cast<double>(i))).substr(0, 10);
      os << fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>\n",
                        X(static_cast<double>(i)), H - B + 14, d);
    }
  }
  if (marker_ms && step_ms > 0) {
    double i = (*marker_ms - x0_ms) / step_ms;
    os << fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#000\" "
        "stroke-dasharray=\"4 3\"/><text x=\"{3:.1f}\" y=\"{4}\" font-size=\"10\">event</text>\n",
        X(i), T, H - B, X(i) + 3, T + 10);
  }
  for (std::size_t s = 0; s < series.size(); ++s) {
    const char* color = kPalette[s % 10];
    os << "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"" << color << "\" points=\"";
    for (std::size_t i = 0; i < series[s].values.size(); ++i)
      os << fmt::format("{:.1f},{:.1f} ", X(static_cast<double>(i)), Y(series[s].values[i]));
    os << "\"/>\n";
    os << fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "font-size=\"11\">{}</text>\n",
        W - R + 10, T + 16 * s, color, W - R + 24, T + 16 * s + 9, EscapeMarkup(series[s].name));
  }
  os << "</svg>\n";
  return os.str();
}

std::string SvgHeatmap(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<std::vector<double>>& values, const std::string& value_format) {
  const double cell = 58, L = 130, T = 40;
  const double n = static_cast<double>(labels.size());
  const double W = L + cell * n + 20, H = T + cell * n + 110;
  double vmax = 0;
  for (const auto& r : values)
    for (double v : r) vmax = std::max(vmax, std::abs(v));
  if (vmax <= 0) vmax = 1;
  std::ostringstream os;
  os << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      W, H, W, H, EscapeMarkup(title));
  os << fmt::format("<text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", EscapeMarkup(title));
  os << fmt::format("<text x=\"4\" y=\"34\" font-size=\"10\">rows: source, columns: target</text>\n");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    os << fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{}</text>\n", L - 4,
                      T + cell * static_cast<double>(i) + cell / 2 + 3, EscapeMarkup(labels[i]));
    double x = L + cell * static_cast<double>(i) + cell / 2, y = T + cell * n + 6;
    os << fmt::format(
        "<text x=\"{0:.1f}\" y=\"{1:.1f}\" font-size=\"10\" transform=\"rotate(60 {0:.1f} {1:.1f})\">{2}"
        "</text>\n",
        x, y, EscapeMarkup(labels[i]));
    for (std::size_t j = 0; j < labels.size(); ++j) {
      double v = i < values.size() && j < values[i].size() ? values[i][j] : 0;
      double a = std::abs(v) / vmax;
      std::string fill = v >= 0 ? fmt::format("rgba(27,108,168,{:.3f})", a) : fmt::format("rgba(209,73,91,{:.3f})", a);
      os << fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#eee\"/>",
                        L + cell * static_cast<double>(j), T + cell * static_cast<double>(i), cell, cell, fill);
      if (v != 0)
        os << fmt::format(
            "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
            L + cell * static_cast<double>(j) + cell / 2, T + cell * static_cast<double>(i) + cell / 2 + 3,
            a > 0.6 ? "#fff" : "#000", fmt::format(fmt::runtime(value_format), v));
      os << "\n";
    }
  }
  os << "</svg>\n";
  return os.str();
}

std::string SvgBars(const std::string& title, const std::vector<std::string>& labels,
                    const std::vector<double>& values) {
  const double bar = 18, L = 230, T = 28, W = 760;
  const double H = T + bar * static_cast<double>(labels.size()) + 10;
  double vmax = 0;
  for (double v : values) vmax = std::max(vmax, v);
  if (vmax <= 0) vmax = 1;
  std::ostringstream os;
  os << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      W, H, W, H, EscapeMarkup(title));
  os << fmt::format("<text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", EscapeMarkup(title));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    double y = T + bar * static_cast<double>(i);
    double w = (W - L - 80) * values[i] / vmax;
    os << fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{}</text>", L - 6, y + 13,
                      EscapeMarkup(labels[i].substr(0, 36)));
    os << fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>", L, y + 2, w, bar - 4,
                      kPalette[0]);
    os << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{}</text>\n", L + w + 4, y + 13,
                      Num(values[i]));
  }
  os << "</svg>\n";
  return os.str();
}

std::string RenderReport(const nlohmann::json& d) {
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
     << EscapeMarkup(d.value("title", "relais report")) << "</title>\n<style>\n"
     << "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;"
        "color:#222;line-height:1.45}\n"
        "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
        "table{border-collapse:collapse;margin:.8em 0;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .6em;"
        "text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}\n"
        ".note{color:#555;font-size:.9em}.ok{color:#217a3c;font-weight:bold}.bad{color:#b3261e;font-weight:bold}\n"
        "figure{margin:1em 0}svg{max-width:100%;height:auto;font-family:inherit}\n"
        ".maps{display:flex;flex-wrap:wrap;gap:1em}.maps figure{flex:1 1 420px;margin:0}\n"
     << "</style></head><body>\n";
  os << "<h1>" << EscapeMarkup(d.value("title", "relais report")) << "</h1>\n";
  if (d.contains("intro")) os << "<p>" << EscapeMarkup(d["intro"].get<std::string>()) << "</p>\n";

  if (d.contains("summary")) {
    const auto& s = d["summary"];
    os << "<h2>Corpus</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : s.items()) {
      if (v.is_object()) {
        std::string parts;
        for (const auto& [k2, v2] : v.items()) parts += (parts.empty() ? "" : ", ") + EscapeMarkup(k2) + " " + J(v2);
        rows.push_back({EscapeMarkup(k), parts});
      } else {
        rows.push_back({EscapeMarkup(k), J(v)});
      }
    }
    os << Table({"", "value"}, rows);
  }

  if (d.contains("activity")) {
    const auto& a = d["activity"];
    std::vector<Series> series;
    for (const auto& s : a["series"]) series.push_back({s["name"], s["values"].get<std::vector<double>>()});
    std::optional<double> marker;
    if (a.contains("event_ms")) marker = a["event_ms"].get<double>();
    os << "<h2>Activity around the event</h2>\n<figure>"
       << SvgLineChart(a.value("title", "items per day"), a["start_ms"].get<double>(), a["step_ms"].get<double>(),
                       series, marker, a.value("y_label", "items"))
       << "</figure>\n";
  }

  if (d.contains("flows")) {
    const auto& f = d["flows"];
    os << "<h2>Flows between actor classes, before and after</h2>\n";
    std::set<std::string> groups;
    for (const auto& w : f["windows"])
      for (const auto& g : w["groups"]) groups.insert(g.get<std::string>());
    std::vector<std::string> labels(groups.begin(), groups.end());
    std::map<std::string, std::size_t> idx;
    for (std::size_t i = 0; i < labels.size(); ++i) idx[labels[i]] = i;
    for (const auto& w : f["windows"]) {
      std::vector<std::vector<double>> m(labels.size(), std::vector<double>(labels.size(), 0));
      for (const auto& c : w["cells"]) m[idx[c["source"]]][idx[c["target"]]] = c["count"].get<double>();
      os << "<figure>"
         << SvgHeatmap("flows " + w["name"].get<std::string>() + " (" + std::to_string(w["total"].get<std::int64_t>()) +
                           " flows)",
                       labels, m, "{:.0f}")
         << "</figure>\n";
    }
    if (f.contains("difference")) {
      std::vector<std::vector<std::string>> rows;
      std::vector<nlohmann::json> diffs(f["difference"].begin(), f["difference"].end());
      std::sort(diffs.begin(), diffs.end(), [](const auto& x, const auto& y) {
        return std::abs(x["share_diff"].template get<double>()) > std::abs(y["share_diff"].template get<double>());
      });
      for (std::size_t i = 0; i < diffs.size() && i < 15; ++i) {
        const auto& x = diffs[i];
        rows.push_back({J(x["source"]) + " → " + J(x["target"]), J(x["count_before"]), J(x["count_after"]),
                        Num(100 * x["share_before"].get<double>()) + "%",
                        Num(100 * x["share_after"].get<double>()) + "%",
                        fmt::format("{:+.2f}", 100 * x["share_diff"].get<double>()), J(x["rate_ratio"])});
      }
      os << "<p class=\"note\">Largest changes in the share of all flows (percentage points), and the ratio of hourly "
            "rates after/before.</p>\n"
         << Table({"flow", "before", "after", "share before", "share after", "Δ pp", "rate ratio"}, rows);
    }
  }

  if (d.contains("regions")) {
    const auto& r = d["regions"];
    os << "<h2>" << EscapeMarkup(r.value("title", "By région")) << "</h2>\n";
    if (r.contains("note")) os << "<p class=\"note\">" << EscapeMarkup(r["note"].get<std::string>()) << "</p>\n";
    os << "<div class=\"maps\">";
    for (const auto& m : r["maps"])
      os << "<figure>"
         << SvgRegionMap(m["title"].get<std::string>(), m["values"].get<std::map<std::string, double>>(),
                         m.value("unit", ""))
         << "</figure>";
    os << "</div>\n";
  }

  if (d.contains("event")) {
    const auto& e = d["event"];
    os << "<h2>Event study</h2>\n";
    if (e.contains("description")) os << "<p>" << EscapeMarkup(e["description"].get<std::string>()) << "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : e["rows"])
      rows.push_back({J(r["name"]), J(r["estimate"]), J(r["ci"]), J(r["p"]), J(r["truth"])});
    os << Table({"quantity", "estimate", "95% interval", "p", "planted"}, rows);
  }

  if (d.contains("influence")) {
    const auto& h = d["influence"];
    os << "<h2>Who excites whom (multivariate Hawkes)</h2>\n";
    std::vector<std::string> groups = h["groups"].get<std::vector<std::string>>();
    std::vector<std::vector<double>> alpha = h["alpha"].get<std::vector<std::vector<double>>>();
    os << "<figure>" << SvgHeatmap("alpha[source][target]: direct offspring per event", groups, alpha, "{:.2f}")
       << "</figure>\n";
    os << "<p>Branching ratio " << J(h["branching_ratio"]) << ", decay β = " << J(h["beta"]) << " per hour.</p>\n";
  }

  if (d.contains("top_actors")) {
    const auto& t = d["top_actors"];
    std::vector<std::string> labels;
    std::vector<double> values;
    for (const auto& r : t["results"]) {
      labels.push_back(r["node"].get<std::string>());
      values.push_back(r["score"].get<double>());
    }
    os << "<h2>Most influential actors</h2>\n<p class=\"note\">" << EscapeMarkup(t.value("note", ""))
       << "</p>\n<figure>" << SvgBars(t.value("title", "PageRank"), labels, values) << "</figure>\n";
  }

  if (d.contains("reuse")) {
    const auto& r = d["reuse"];
    os << "<h2>Text reuse (churnalism)</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : r.items())
      if (!v.is_array() && !v.is_object()) rows.push_back({EscapeMarkup(k), J(v)});
    os << Table({"", "value"}, rows);
    if (r.contains("examples")) {
      std::vector<std::vector<std::string>> ex;
      for (const auto& e : r["examples"]) ex.push_back({J(e["source"]), J(e["target"]), J(e["score"])});
      os << Table({"source", "target", "score"}, ex);
    }
  }

  if (d.contains("leadlag")) {
    const auto& l = d["leadlag"];
    os << "<h2>Who leads whom</h2>\n<pre>" << EscapeMarkup(l.dump(2).substr(0, 4000)) << "</pre>\n";
  }

  if (d.contains("checks")) {
    os << "<h2>Planted truth vs estimates</h2>\n<p class=\"note\">The synthetic world knows what really happened; "
          "each row compares an estimate with it.</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : d["checks"]) {
      bool covered = c.value("covered", false);
      rows.push_back({J(c["name"]), J(c["truth"]), J(c["estimate"]), J(c["ci"]),
                      covered ? "<span class=\"ok\">yes</span>" : "<span class=\"bad\">no</span>"});
    }
    os << Table({"check", "planted", "estimate", "interval", "covered"}, rows);
  }

  if (d.contains("footer")) os << "<p class=\"note\">" << EscapeMarkup(d["footer"].get<std::string>()) << "</p>\n";
  os << "</body></html>\n";
  return os.str();
}

}  // namespace relais::toolkit
