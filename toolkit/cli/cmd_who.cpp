// relais who: journalists' questions (amplifiers, first sharers, strongest chain), with evidence.
#include <iostream>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/graph_view.hpp"
#include "relais/toolkit/who.hpp"

namespace relais::cli {

void RegisterWho(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string store, amplifiers_of, first_sharers, audience_of, at, layers, geo;
    std::vector<std::string> path;
    int top = 20;
    bool json = false, no_pseudonymise = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "who", "who amplified an actor, who shared a link first, the chain from A to B, an actor's local audience");
  sub->add_option("--store", o->store, "store folder")->required();
  auto* amp = sub->add_option("--amplifiers-of", o->amplifiers_of, "actor (handle, domain or key)");
  auto* first = sub->add_option("--first-sharers", o->first_sharers, "URL of an article");
  auto* path = sub->add_option("--path", o->path, "A B: strongest chain of flows from A to B")->expected(2);
  auto* audience = sub->add_option("--audience-of", o->audience_of,
                                   "actor: share of its amplifiers located in its own région and département");
  sub->add_option("--at", o->at, "with --audience-of: event time (ISO 8601), shares before and after it");
  sub->add_option("--geo", o->geo,
                  "with --audience-of: observed (default: registry and evidence homes) or inferred (also the "
                  "amplifiers placed by relais geo infer, counted apart)");
  amp->excludes(first)->excludes(path)->excludes(audience);
  first->excludes(path)->excludes(audience);
  path->excludes(audience);
  sub->add_option("--layers", o->layers, "comma-separated layers (default: all)");
  sub->add_option("--top", o->top, "rows to show (0 = all)")->capture_default_str();
  sub->add_flag("--json", o->json, "JSON on stdout");
  sub->add_flag("--no-pseudonymise", o->no_pseudonymise, "show non-public accounts by their keys");
  sub->callback([o] {
    if (!o->at.empty() && o->audience_of.empty()) ThrowInvalidArgument("--at goes with --audience-of");
    if (!o->geo.empty() && o->audience_of.empty()) ThrowInvalidArgument("--geo goes with --audience-of");
    toolkit::WhoOptions opt;
    opt.layers = toolkit::ParseLayers(o->layers);
    opt.top = o->top;
    opt.pseudonymise = !o->no_pseudonymise;
    if (!o->geo.empty()) opt.regions = toolkit::ParseRegionSource(o->geo);
    auto store = corpora::Store::Open(o->store, corpora::OpenMode::kReadOnly);
    nlohmann::json answer;
    if (!o->amplifiers_of.empty()) {
      answer = toolkit::AmplifiersOf(store, o->amplifiers_of, opt);
    } else if (!o->first_sharers.empty()) {
      answer = toolkit::FirstSharers(store, o->first_sharers, opt);
    } else if (!o->audience_of.empty()) {
      std::optional<TimeMs> at;
      if (!o->at.empty()) at = toolkit::ParseTimeOption(o->at, "--at");
      answer = toolkit::AudienceOf(store, o->audience_of, at, opt);
    } else if (o->path.size() == 2) {
      answer = toolkit::StrongestPath(store, o->path[0], o->path[1], opt);
    } else {
      ThrowInvalidArgument("who needs one of --amplifiers-of X, --first-sharers URL, --path A B, --audience-of X");
    }
    std::cout << (o->json ? WithRanks(answer.dump(), 1) + "\n" : toolkit::WhoTable(answer));
  });
  (void)ctx;
}

}  // namespace relais::cli
