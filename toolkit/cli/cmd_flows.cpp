// relais flows: the flow matrix between classes, regions or actors, before/after an event.
#include <iostream>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/graph_view.hpp"

namespace relais::cli {

void RegisterFlows(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string store, by = "class", layers, from, to, at, before, after, geo = "observed";
    bool json = false, no_pseudonymise = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("flows", "flow matrix between classes, regions or actors (counts, shares, latency)");
  sub->add_option("--store", o->store, "store folder")->required();
  sub->add_option("--by", o->by, "class | region | actor")->capture_default_str();
  sub->add_option("--layers", o->layers, "comma-separated layers (default: all)");
  sub->add_option("--geo", o->geo,
                  "with --by region: observed (registry and evidence homes) or inferred (also the régions of "
                  "relais geo infer, as groups \"<région> (inferred)\")")
      ->capture_default_str();
  sub->add_option("--from", o->from, "window start (ISO 8601)");
  sub->add_option("--to", o->to, "window end (ISO 8601)");
  sub->add_option("--at", o->at, "event time: adds before/after windows and differences");
  sub->add_option("--before", o->before, "window before --at (e.g. 30d)");
  sub->add_option("--after", o->after, "window after --at (e.g. 30d)");
  sub->add_flag("--json", o->json, "JSON on stdout");
  sub->add_flag("--no-pseudonymise", o->no_pseudonymise, "show non-public accounts by their keys");
  sub->callback([o, &ctx] {
    auto options = [&] {
      toolkit::FlowMatrixOptions opt;
      opt.by = o->by;
      opt.regions = toolkit::ParseRegionSource(o->geo);
      if (opt.regions != toolkit::RegionSource::kObserved && opt.by != "region")
        ThrowInvalidArgument("--geo inferred applies to --by region only");
      opt.query.layers = toolkit::ParseLayers(o->layers);
      if (!o->from.empty()) opt.query.from = toolkit::ParseTimeOption(o->from, "--from");
      if (!o->to.empty()) opt.query.to = toolkit::ParseTimeOption(o->to, "--to");
      if (!o->at.empty()) {
        opt.at = toolkit::ParseTimeOption(o->at, "--at");
        opt.before = toolkit::ParseDurationOption(o->before.empty() ? "30d" : o->before, "--before");
        opt.after = toolkit::ParseDurationOption(o->after.empty() ? "30d" : o->after, "--after");
      }
      opt.pseudonymise = !o->no_pseudonymise;
      return opt;
    };
    auto print = [&](const toolkit::FlowComparison& result, const toolkit::FlowMatrixOptions& opt, int ranks) {
      if (o->json) {
        PrintStreamedWithRanks([&](JsonWriter& w) { toolkit::WriteJsonMembers(w, result, opt); }, ranks);
      } else {
        std::cout << toolkit::ToTable(result);
      }
    };
    const dist::Comm& world = ctx.world();
    if (world.serial()) {
      const toolkit::FlowMatrixOptions opt = options();
      auto store = corpora::Store::Open(o->store, corpora::OpenMode::kReadOnly);
      print(toolkit::ComputeFlowMatrices(store, opt), opt, 1);
      return;
    }
    // Under mpirun (issue 13): rank r aggregates the flows ending in partitions r, r + size, … into
    // per-partition partial matrices (cell counts and latencies); rank 0 merges them in partition order.
    ctx.collective = true;
    toolkit::FlowMatrixOptions opt;
    std::optional<corpora::Store> store;
    const std::vector<std::uint8_t> mine = dist::Agree(world, [&] {
      opt = options();
      store.emplace(corpora::Store::Open(o->store, corpora::OpenMode::kReadOnly));
      nlohmann::json parts = nlohmann::json::array();
      for (int p = world.rank(); p < store->partitions(); p += world.size())
        parts.push_back({p, nlohmann::json::binary(toolkit::FlowMatrixPartialToBytes(
                                toolkit::ComputeFlowMatrixPartial(*store, opt, std::vector<int>{p})))});
      return nlohmann::json::to_msgpack(parts);
    });
    std::vector<std::vector<std::byte>> send(static_cast<std::size_t>(world.size()));
    const auto bytes = std::as_bytes(std::span<const std::uint8_t>(mine));
    send[0].assign(bytes.begin(), bytes.end());
    const auto got = world.AlltoallBytes(send);
    ctx.ranks = world.size();
    if (!world.root()) return;
    std::vector<std::optional<toolkit::FlowMatrixPartial>> by_partition(static_cast<std::size_t>(store->partitions()));
    for (const auto& from : got) {
      const auto* data = reinterpret_cast<const std::uint8_t*>(from.data());
      for (const auto& e : nlohmann::json::from_msgpack(std::vector<std::uint8_t>(data, data + from.size())))
        by_partition.at(e.at(0).get<std::size_t>()) = toolkit::FlowMatrixPartialFromBytes(e.at(1).get_binary());
    }
    toolkit::FlowMatrixPartial all;
    for (auto& p : by_partition) {
      if (!p) throw Error(ErrorKind::kInternal, "flows: a partition's partial is missing");
      toolkit::MergeFlowMatrixPartial(all, std::move(*p));
    }
    print(toolkit::FinishFlowMatrices(std::move(all), opt), opt, ctx.ranks);
  });
}

}  // namespace relais::cli
