// Throughput of the French gazetteer (relais::corpora::geo), single thread.
//
// Inputs: the 124 real profile locations of tests/fixtures/geo/profile_locations.tsv (from the fixtures of
// ../shared/data, mostly foreign and noisy) plus French forms of every kind ("Marseille 13", "Paris 11e",
// "83000", "Bretagne 🌊", "Saint-Denis, La Réunion"…), cycled. Counter: strings/s (items_per_second);
// the goal of issue 15 is ≥ 1M location strings/s per core.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>
#include <vector>

#include "relais/corpora/geo.hpp"

namespace {

using relais::corpora::geo::Gazetteer;

std::vector<std::string> Inputs() {
  std::vector<std::string> v;
  std::ifstream in(std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/geo/profile_locations.tsv");
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    v.push_back(line.substr(0, line.find('\t')));
  }
  for (const char* s : {"Marseille 13",
                        "Toulon, France",
                        "PACA",
                        "Bretagne 🌊",
                        "Nice 🇫🇷",
                        "Paris 11e",
                        "83000",
                        "Saint-Denis, La Réunion",
                        "Aix",
                        "Valence",
                        "Clermont-Fd",
                        "Bouches-du-Rhône",
                        "Montpellier, Occitanie",
                        "Lyon 3e",
                        "St-Étienne",
                        "Brest, Finistère",
                        "Ajaccio 2A",
                        "Nantes 🐘",
                        "Lille (59)",
                        "Rennes, Bretagne, France"})
    v.push_back(s);
  return v;
}

void BM_ResolveText(benchmark::State& state) {
  const auto& gaz = Gazetteer::Builtin();
  const auto inputs = Inputs();
  std::size_t i = 0, bytes = 0, resolved = 0;
  for (auto _ : state) {
    const auto& s = inputs[i];
    const auto p = gaz.Resolve(s);
    benchmark::DoNotOptimize(p);
    resolved += p.resolved();
    bytes += s.size();
    if (++i == inputs.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["resolved_share"] = static_cast<double>(resolved) / static_cast<double>(state.iterations());
  state.counters["inputs"] = static_cast<double>(inputs.size());
}
BENCHMARK(BM_ResolveText);

void BM_ResolvePoint(benchmark::State& state) {
  const auto& gaz = Gazetteer::Builtin();
  double lat = 42.0, lon = -4.5;
  for (auto _ : state) {
    benchmark::DoNotOptimize(gaz.ResolvePoint(lat, lon));
    lat += 0.0137;
    lon += 0.0241;
    if (lat > 51) lat = 42.0;
    if (lon > 8.5) lon = -4.5;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ResolvePoint);

}  // namespace

BENCHMARK_MAIN();
