// A small store built with SQL inserts for the analysis tests: a politician removed at the event,
// accounts that retweeted them (whose activity drops by a planted factor after the event), other
// accounts (unchanged) and regional outlets publishing articles shared by posts.
#pragma once

#include <filesystem>
#include <string>

#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/random.hpp"

namespace relais::testing {

struct MiniWorld {
  TimeMs at = 0;            // the event
  double fan_rate = 0.5;    // items per hour per fan before
  double fan_factor = 0.6;  // after / before for fans
  double other_rate = 0.3;  // items per hour per other account
  int fans = 20, others = 40;
};

inline MiniWorld BuildMiniWorld(const std::filesystem::path& dir, std::uint64_t seed = 7) {
  MiniWorld w;
  w.at = *ParseIso8601("2021-01-08T23:00Z");
  auto store = corpora::Store::Open(dir, corpora::OpenMode::kCreate);
  store.Begin();
  corpora::Statement actor(store.db(), "INSERT INTO actors (id, key, actor_class, region) VALUES (?1, ?2, ?3, ?4)");
  corpora::Statement item(store.db(),
                          "INSERT INTO items (id, key, channel, kind, actor_id, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  corpora::Statement flow(store.db(),
                          "INSERT INTO flows (layer, src_item, dst_item, src_actor, dst_actor, latency) VALUES "
                          "(?1, ?2, ?3, ?4, ?5, ?6)");
  auto add_actor = [&](std::int64_t id, const std::string& key, const std::string& cls, const std::string& region) {
    actor.Bind(1, id).Bind(2, std::string_view(key)).Bind(3, std::string_view(cls)).Bind(4, std::string_view(region));
    actor.Run();
    actor.Reset();
  };
  add_actor(1, "@president", "politician", "");
  for (int f = 0; f < w.fans; ++f) add_actor(100 + f, "@fan" + std::to_string(f), "public", "");
  for (int o = 0; o < w.others; ++o) add_actor(200 + o, "@other" + std::to_string(o), "public", "");
  for (int p = 0; p < 3; ++p) add_actor(300 + p, "outlet" + std::to_string(p) + ".fr", "press-regional", "bretagne");
  toolkit::Rng rng(seed);
  std::int64_t next_item = 1;
  auto add_item = [&](std::int64_t actor_id, const std::string& channel, const std::string& kind, TimeMs t) {
    const std::int64_t id = next_item++;
    item.Bind(1, id).Bind(2, std::string_view("test:" + std::to_string(id))).Bind(3, std::string_view(channel));
    item.Bind(4, std::string_view(kind)).Bind(5, actor_id).Bind(6, static_cast<std::int64_t>(t));
    item.Run();
    item.Reset();
    return id;
  };
  const TimeMs from = w.at - 72 * 3'600'000LL, to = w.at + 72 * 3'600'000LL;
  // Poisson process of rate r per hour on [a, b).
  auto poisson_times = [&](double rate, TimeMs a, TimeMs b) {
    std::vector<TimeMs> ts;
    double t = static_cast<double>(a);
    while (true) {
      t += rng.Exponential() / rate * 3'600'000.0;
      if (t >= static_cast<double>(b)) break;
      ts.push_back(static_cast<TimeMs>(t));
    }
    return ts;
  };
  // The president posts before the event; each fan retweets about a third of the posts.
  for (TimeMs t : poisson_times(1.0, from, w.at)) {
    const auto src = add_item(1, "social", "original", t);
    for (int f = 0; f < w.fans; ++f) {
      if (rng.Uniform() > 0.34) continue;
      const TimeMs rt = t + static_cast<TimeMs>(rng.Exponential() * 600'000.0);
      if (rt >= w.at) continue;
      const auto dst = add_item(100 + f, "social", "retweet", rt);
      flow.Bind(1, std::string_view("retweet")).Bind(2, src).Bind(3, dst).Bind(4, std::int64_t{1});
      flow.Bind(5, static_cast<std::int64_t>(100 + f)).Bind(6, static_cast<std::int64_t>(rt - t));
      flow.Run();
      flow.Reset();
    }
  }
  for (int f = 0; f < w.fans; ++f) {
    for (TimeMs t : poisson_times(w.fan_rate, from, w.at)) add_item(100 + f, "social", "original", t);
    for (TimeMs t : poisson_times(w.fan_rate * w.fan_factor, w.at, to)) add_item(100 + f, "social", "original", t);
  }
  for (int o = 0; o < w.others; ++o)
    for (TimeMs t : poisson_times(w.other_rate, from, to)) add_item(200 + o, "social", "original", t);
  // Outlets publish; some posts share an article a few hours later (link flows, press -> social).
  for (int p = 0; p < 3; ++p)
    for (TimeMs t : poisson_times(0.5, from, to)) {
      const auto art = add_item(300 + p, "press", "article", t);
      if (rng.Uniform() < 0.5) {
        const TimeMs share_t = t + static_cast<TimeMs>(rng.Exponential() * 2 * 3'600'000.0);
        const int who = 200 + static_cast<int>(rng.Below(static_cast<std::uint64_t>(w.others)));
        const auto post = add_item(who, "social", "original", share_t);
        flow.Bind(1, std::string_view("link")).Bind(2, art).Bind(3, post).Bind(4, static_cast<std::int64_t>(300 + p));
        flow.Bind(5, static_cast<std::int64_t>(who)).Bind(6, static_cast<std::int64_t>(share_t - t));
        flow.Run();
        flow.Reset();
      }
    }
  store.Commit();
  return w;
}

}  // namespace relais::testing
