// Région maps: every metropolitan département drawn once, filled with its région's value on the legend's
// scale, values without a shape listed, and the same map in report.html.
#include "relais/toolkit/region_map.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "relais/toolkit/report.hpp"

namespace relais::toolkit {
namespace {

std::size_t Count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

// The fill of département `code` in the map.
std::string FillOf(const std::string& svg, const std::string& code) {
  std::smatch m;
  const std::regex re("data-dep=\"" + code + "\"[^>]*fill=\"(#[0-9a-f]{6})\"");
  return std::regex_search(svg, m, re) ? m[1].str() : "";
}

TEST(RegionMap, FillsEachDepartementWithItsRegionsValue) {
  const std::string svg = SvgRegionMap(
      "flows", {{"Bretagne", 1000}, {"Provence-Alpes-Côte d'Azur", 100}, {"La Réunion", 7}, {"(none)", 5000}}, "flows");
  EXPECT_EQ(Count(svg, "<path class=\"dep\""), 96u);  // metropolitan France, Corsica as 2A and 2B
  // Bretagne's four départements share the top colour; PACA's six the lowest step; others are grey.
  for (const char* d : {"22", "29", "35", "56"}) EXPECT_EQ(FillOf(svg, d), "#08519c") << d;
  for (const char* d : {"04", "05", "06", "13", "83", "84"}) EXPECT_EQ(FillOf(svg, d), "#eff3ff") << d;
  EXPECT_EQ(FillOf(svg, "75"), "#e6e6e6");
  EXPECT_EQ(FillOf(svg, "2A"), "#e6e6e6");
  EXPECT_NE(svg.find("Finistère (29) — Bretagne: 1,000 flows"), std::string::npos);
  // No shape for overseas régions or for the groups that are not régions: listed under the map.
  EXPECT_NE(svg.find("<text class=\"unplaced\" x=\"8\" y=\""), std::string::npos);
  EXPECT_NE(svg.find("La Réunion: 7 flows"), std::string::npos);
  EXPECT_NE(svg.find("(none): 5,000 flows"), std::string::npos);  // listed, and not the top of the scale
  EXPECT_NE(svg.find("CC BY 4.0"), std::string::npos);            // the map's credit
}

TEST(RegionMap, EscapesTitlesAndNames) {
  const std::string svg = SvgRegionMap("<script>x</script>", {{"<b>", 1}}, "a&b");
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;b&gt;: 1 a&amp;b"), std::string::npos);
}

TEST(RegionMap, TotalsCountSourcesOrRelays) {
  FlowMatrix m;
  for (const auto& [s, t, n] :
       {std::tuple{"Bretagne", "Corse", 5}, {"Bretagne", "Bretagne", 2}, {"Corse", "(none)", 1}}) {
    FlowCell c;
    c.source = s;
    c.target = t;
    c.count = n;
    m.cells.push_back(c);
  }
  EXPECT_EQ(RegionTotals(m, RegionSide::kSource), (std::map<std::string, double>{{"Bretagne", 7}, {"Corse", 1}}));
  EXPECT_EQ(RegionTotals(m, RegionSide::kRelay),
            (std::map<std::string, double>{{"(none)", 1}, {"Bretagne", 2}, {"Corse", 5}}));
}

TEST(RegionMap, ReportDrawsTheRegionsSection) {
  nlohmann::json d = {{"title", "t"},
                      {"regions",
                       {{"title", "Flows by région"},
                        {"maps", {{{"title", "by source"}, {"unit", "flows"}, {"values", {{"Corse", 4}}}}}}}}};
  const std::string html = RenderReport(d);
  EXPECT_NE(html.find("<h2>Flows by région</h2>"), std::string::npos);
  EXPECT_EQ(Count(html, "<path class=\"dep\""), 96u);
  EXPECT_EQ(FillOf(html, "2B"), "#08519c");
}

}  // namespace
}  // namespace relais::toolkit
