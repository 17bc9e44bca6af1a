// The synthetic world's dynamics: follower graph (blocks by class and region,
// heavy-tailed degrees), a multivariate exponential Hawkes process between
// actor classes simulated exactly through its branching (cluster)
// representation (Hawkes & Oakes 1974; Møller & Rasmussen 2005), derived items
// (outlets sharing their own articles, syndication within press groups,
// replies, quotes), and retweet cascades as an independent cascade over the
// follower graph (Kempe, Kleinberg & Tardos 2003).
//
// Determinism: each entity draws from its own stream Key(seed, purpose, uid);
// parallel loops run over fixed-size chunks whose outputs are concatenated in
// chunk order, so the thread count never matters.
#include <algorithm>
#include <numeric>
#include <unordered_set>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "relais/base/civil.hpp"
#include "relais/base/log_gamma.hpp"
#include "relais/corpora/url.hpp"
#include "synth_internal.hpp"

namespace relais::corpora::detail {

std::string_view GroupName(int g) {
  static const std::string_view kNames[] = {"press-national", "press-regional", "press-agency", "pr",    "brand",
                                            "politician",     "institution",    "journalist",   "public"};
  return kNames[g];
}

std::uint64_t Rng::Poisson(double mean) {
  if (mean <= 0) return 0;
  if (mean < 12) {
    double l = std::exp(-mean), p = 1.0;
    std::uint64_t k = 0;
    while (true) {
      p *= Uniform();
      if (p <= l) return k;
      ++k;
    }
  }
  // PTRS transformed rejection (Hörmann 1993), exact for mean >= 10.
  const double slam = std::sqrt(mean), loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    double u = Uniform() - 0.5, v = Uniform();
    double us = 0.5 - std::fabs(u);
    double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -mean + k * loglam - LogGamma(k + 1))
      return static_cast<std::uint64_t>(k);
  }
}

AliasTable::AliasTable(const std::vector<double>& weights) {
  const std::size_t n = weights.size();
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (n == 0 || total <= 0) {
    prob_.clear();
    alias_.clear();
    return;
  }
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (auto i : large) prob_[i] = 1.0;
  for (auto i : small) prob_[i] = 1.0;
}

std::size_t AliasTable::Draw(Rng& rng) const {
  std::size_t i = rng.Below(prob_.size());
  return rng.Uniform() < prob_[i] ? i : alias_[i];
}

void SetParams(World& w) {
  Params& p = w.par;
  switch (w.opt.scale) {
    case SynthScale::kSmall:
      p.scale_items = 1;
      break;
    case SynthScale::kMedium:
      p.scale_items = 32;
      break;
    case SynthScale::kLarge:
      p.scale_items = 320;
      break;
  }
  //                    pn   reg  agency pr   brand pol  inst journ public
  const double mu[] = {9, 20, 8, 6, 5, 12, 5, 14, 60};
  for (int g = 0; g < kNumGroups; ++g) {
    p.mu[g] = mu[g] * p.scale_items;
    p.mu_after[g] = p.mu[g];
  }
  p.mu_after[kPolitician] = p.mu[kPolitician] * (1.0 - p.hos_share);  // the head of state's own posts stop
  auto& a = p.alpha;
  a[kPressAgency][kPressNational] = 0.30;
  a[kPressAgency][kPressRegional] = 0.60;
  a[kPr][kPressNational] = 0.10;
  a[kPr][kPressRegional] = 0.25;
  a[kPr][kPressAgency] = 0.05;
  a[kPr][kBrand] = 0.10;
  a[kPr][kPublic] = 0.05;
  a[kPressNational][kJournalist] = 0.15;
  a[kPressNational][kPublic] = 0.40;
  a[kPressNational][kPolitician] = 0.10;
  a[kPressNational][kPressRegional] = 0.05;
  a[kPressRegional][kPublic] = 0.30;
  a[kPressRegional][kJournalist] = 0.05;
  a[kPolitician][kPublic] = 0.35;
  a[kPolitician][kJournalist] = 0.10;
  a[kPolitician][kPressNational] = 0.10;
  a[kPolitician][kPressRegional] = 0.05;
  a[kPolitician][kPolitician] = 0.10;
  a[kJournalist][kPublic] = 0.15;
  a[kJournalist][kPressNational] = 0.05;
  a[kJournalist][kJournalist] = 0.10;
  a[kPublic][kPublic] = 0.15;
  a[kPublic][kPressNational] = 0.02;
  a[kPublic][kPressRegional] = 0.02;
  a[kBrand][kPublic] = 0.10;
  a[kBrand][kBrand] = 0.05;
  a[kInstitution][kPublic] = 0.10;
  a[kInstitution][kPressRegional] = 0.10;
  a[kInstitution][kPressNational] = 0.05;
  p.alpha_after = a;
  // The event shifts social attention (and link shares) from national towards
  // regional press.
  p.alpha_after[kPressRegional][kPublic] = a[kPressRegional][kPublic] * 1.6;
  p.alpha_after[kPressNational][kPublic] = a[kPressNational][kPublic] * 0.8;
  p.alpha_after[kPolitician][kPublic] = a[kPolitician][kPublic] * 0.85;
  const double pr[] = {0.02, 0.03, 0.02, 0.005, 0.01, 0.04, 0.02, 0.03, 0.015};
  const double rr[] = {0.3, 0.2, 0.1, 0.02, 0.2, 0.6, 0.2, 0.4, 0.15};
  const double qr[] = {0.1, 0.05, 0.05, 0.01, 0.05, 0.3, 0.05, 0.2, 0.05};
  for (int g = 0; g < kNumGroups; ++g) {
    p.p_retweet[g] = pr[g];
    p.reply_rate[g] = rr[g];
    p.quote_rate[g] = qr[g];
  }
  p.p_retweet_hos = 0.02;
  // Audiences grow with the number of actors: keep retweets per post comparable
  // across scales.
  const double audience_scale = w.opt.scale == SynthScale::kSmall    ? 1.0
                                : w.opt.scale == SynthScale::kMedium ? 25.0
                                                                     : 250.0;
  for (auto& x : p.p_retweet) x /= audience_scale;
  p.p_retweet_hos /= audience_scale;
  const auto regions = Regions();
  p.region_factor.resize(regions.size());
  for (std::size_t r = 0; r < regions.size(); ++r) {
    Rng rng(Key(w.opt.seed, 31, r));
    p.region_factor[r] = 0.7 + 0.6 * rng.Uniform();  // 0.7..1.3: some regions' dailies copy more
  }
}

namespace {

constexpr TimeMs kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

TimeMs FloorSecond(double t) { return static_cast<TimeMs>(std::floor(t / 1000.0)) * 1000; }

// Runs fn(begin, end, out) over fixed chunks of [0, n) and concatenates the
// outputs in chunk order.
template <typename Fn>
std::vector<Item> ChunkedGenerate(std::size_t n, std::size_t chunk, Fn fn) {
  std::size_t num_chunks = (n + chunk - 1) / chunk;
  std::vector<std::vector<Item>> parts(num_chunks);
  tbb::parallel_for(std::size_t{0}, num_chunks,
                    [&](std::size_t c) { fn(c * chunk, std::min(n, (c + 1) * chunk), parts[c]); });
  std::vector<Item> out;
  std::size_t total = 0;
  for (auto& part : parts) total += part.size();
  out.reserve(total);
  for (auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

struct AuthorTables {
  std::array<AliasTable, kNumGroups> before, after;
};

AuthorTables MakeAuthorTables(const World& w) {
  AuthorTables t;
  for (int g = 0; g < kNumGroups; ++g) {
    std::vector<double> wb, wa;
    for (std::int32_t idx : w.by_group[g]) {
      const Actor& a = w.actors[idx];
      double x = a.head_of_state ? 0.0 : a.activity;  // the head of state posts only as a planted share
      wb.push_back(x);
      wa.push_back(a.supporter ? x * (1.0 - w.par.supporter_drop) : x);
    }
    t.before[g] = AliasTable(wb);
    t.after[g] = AliasTable(wa);
  }
  return t;
}

std::int32_t DrawAuthor(const World& w, const AuthorTables& tables, int g, bool after, Rng& rng) {
  const AliasTable& tab = after ? tables.after[g] : tables.before[g];
  return w.by_group[g][tab.Draw(rng)];
}

bool EffectActive(const World& w, TimeMs t) { return w.Removed(t); }

std::uint8_t DrawEdit(const Params& p, Rng& rng) {
  double u = rng.Uniform();
  if (u < p.heavy_share) return kHeavy;
  if (u < p.heavy_share + p.light_share) return kLight;
  return kVerbatim;
}
std::uint8_t DrawVariant(Rng& rng) {
  double u = rng.Uniform();
  return u < 0.45 ? kPlain : u < 0.75 ? kTracking : u < 0.9 ? kAmp : kMobile;
}

double ReuseRate(const World& w, int src_group, const Actor& target) {
  const Params& p = w.par;
  double region = target.region_idx >= 0 ? p.region_factor[target.region_idx] : 1.0;
  if (src_group == kPr) {
    if (target.group == kPressRegional) return std::min(0.95, p.reuse_pr_regional * region);
    if (target.group == kPressNational) return p.reuse_pr_national;
    return p.reuse_pr_agency;
  }
  if (src_group == kPressAgency) {
    if (target.group == kPressRegional) return std::min(0.95, p.reuse_agency_regional * region);
    if (target.group == kPressNational) return p.reuse_agency_national;
    return 0.0;
  }
  if (IsPressGroup(src_group)) return p.reuse_press_press;
  return 0.0;
}

std::uint8_t KindForGroup(int g) { return IsPressGroup(g) ? kArticle : g == kPr ? kRelease : kOriginal; }

void MaybeRandomMention(const World& w, Item& it, Rng& rng) {
  if (it.kind != kOriginal || it.mention >= 0 || !rng.Bernoulli(w.par.random_mention_prob)) return;
  static const int kTargets[] = {kPolitician, kJournalist, kPressNational, kPressRegional, kInstitution};
  const auto& pool = w.by_group[kTargets[rng.Below(std::size(kTargets))]];
  std::int32_t m = pool[rng.Below(pool.size())];
  if (m != it.actor && w.actors[m].platform == w.actors[it.actor].platform) it.mention = m;
}

}  // namespace

void BuildFollowerGraph(World& w) {
  const std::size_t n = w.actors.size();
  const auto regions = Regions();
  // Target pools: by class (audience-weighted), by region for regional press
  // and accounts, Mastodon accounts.
  std::array<AliasTable, kNumGroups> by_class;
  for (int g = 0; g < kNumGroups; ++g) {
    std::vector<double> aud;
    for (auto idx : w.by_group[g]) aud.push_back(w.actors[idx].audience);
    by_class[g] = AliasTable(aud);
  }
  std::vector<std::vector<std::int32_t>> reg_press(regions.size()), reg_public(regions.size());
  std::vector<AliasTable> reg_press_tab(regions.size()), reg_public_tab(regions.size());
  std::vector<std::int32_t> masto;
  for (std::size_t i = 0; i < n; ++i) {
    const Actor& a = w.actors[i];
    if (a.region_idx >= 0 && a.group == kPressRegional) reg_press[a.region_idx].push_back(static_cast<std::int32_t>(i));
    if (a.region_idx >= 0 && a.group == kPublic) reg_public[a.region_idx].push_back(static_cast<std::int32_t>(i));
    if (a.platform == kMastodon) masto.push_back(static_cast<std::int32_t>(i));
  }
  for (std::size_t r = 0; r < regions.size(); ++r) {
    std::vector<double> x;
    for (auto idx : reg_press[r]) x.push_back(w.actors[idx].audience);
    reg_press_tab[r] = AliasTable(x);
    x.clear();
    for (auto idx : reg_public[r]) x.push_back(w.actors[idx].audience);
    reg_public_tab[r] = AliasTable(x);
  }
  std::vector<double> mx;
  for (auto idx : masto) mx.push_back(w.actors[idx].audience);
  AliasTable masto_tab(mx);
  //                          pn    reg   ag    pr    brand pol   inst  journ
  //                          public   (target class)
  static const double kPref[kNumGroups][kNumGroups] = {
      {0.10, 0.15, 0.10, 0.03, 0.02, 0.20, 0.10, 0.25, 0.05},  // press-national
      {0.10, 0.15, 0.10, 0.03, 0.02, 0.20, 0.10, 0.25, 0.05},  // press-regional
      {0.10, 0.15, 0.10, 0.03, 0.02, 0.20, 0.10, 0.25, 0.05},  // press-agency
      {0.15, 0.15, 0.05, 0.10, 0.15, 0.10, 0.05, 0.20, 0.05},  // pr
      {0.10, 0.10, 0.02, 0.05, 0.20, 0.05, 0.05, 0.08, 0.35},  // brand
      {0.15, 0.05, 0.02, 0.01, 0.02, 0.35, 0.10, 0.20, 0.10},  // politician
      {0.10, 0.15, 0.03, 0.01, 0.02, 0.25, 0.25, 0.09, 0.10},  // institution
      {0.20, 0.10, 0.08, 0.02, 0.02, 0.20, 0.05, 0.25, 0.08},  // journalist
      {0.12, 0.10, 0.03, 0.01, 0.05, 0.15, 0.05, 0.14, 0.35},  // public
  };
  std::array<AliasTable, kNumGroups> pref;
  for (int g = 0; g < kNumGroups; ++g) pref[g] = AliasTable(std::vector<double>(kPref[g], kPref[g] + kNumGroups));
  const double median_out = w.opt.scale == SynthScale::kSmall ? 22 : 35;
  std::vector<std::vector<std::int32_t>> follows(n);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    const Actor& a = w.actors[i];
    Rng rng(Key(w.opt.seed, 41, i));
    if (a.head_of_state) return;  // follows nobody: his audience is what matters
    double med = a.group == kJournalist                    ? median_out * 2.5
                 : IsPressGroup(a.group) || a.group == kPr ? median_out * 0.5
                                                           : median_out;
    std::size_t d = static_cast<std::size_t>(std::clamp(rng.LogNormal(med, 1.0), 1.0, std::min(4000.0, n / 3.0)));
    auto& out = follows[i];
    out.reserve(d + 1);
    for (std::size_t k = 0; k < d; ++k) {
      std::int32_t t;
      if (a.platform == kMastodon && !masto.empty() && rng.Bernoulli(0.7)) {
        t = masto[masto_tab.Draw(rng)];
      } else {
        int g = static_cast<int>(pref[a.group].Draw(rng));
        if (g == kPressRegional && a.region_idx >= 0 && !reg_press[a.region_idx].empty() && rng.Bernoulli(0.75)) {
          t = reg_press[a.region_idx][reg_press_tab[a.region_idx].Draw(rng)];
        } else if (g == kPublic && a.region_idx >= 0 && !reg_public[a.region_idx].empty() && rng.Bernoulli(0.5)) {
          t = reg_public[a.region_idx][reg_public_tab[a.region_idx].Draw(rng)];
        } else {
          t = w.by_group[g][by_class[g].Draw(rng)];
        }
      }
      if (t != static_cast<std::int32_t>(i) && !w.actors[t].head_of_state) out.push_back(t);
    }
    // The head of state's planted audience.
    double p_hos = a.group == kPublic ? 0.35 : a.group == kPolitician || a.group == kJournalist ? 0.6 : 0.3;
    if (a.platform == kTwitter && rng.Bernoulli(p_hos)) out.push_back(w.hos);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  });
  // Supporters: a planted share of the head of state's public followers.
  for (std::size_t i = 0; i < n; ++i) {
    Actor& a = w.actors[i];
    if (a.group != kPublic) continue;
    if (!std::binary_search(follows[i].begin(), follows[i].end(), w.hos)) continue;
    Rng rng(Key(w.opt.seed, 42, i));
    a.supporter = rng.Bernoulli(0.4);
  }
  // Followers CSR (followers of t, in increasing follower index:
  // deterministic).
  w.follower_offsets.assign(n + 1, 0);
  for (const auto& f : follows)
    for (auto t : f) ++w.follower_offsets[t + 1];
  for (std::size_t i = 0; i < n; ++i) w.follower_offsets[i + 1] += w.follower_offsets[i];
  w.followers.assign(static_cast<std::size_t>(w.follower_offsets[n]), 0);
  std::vector<std::int64_t> pos(w.follower_offsets.begin(), w.follower_offsets.end() - 1);
  for (std::size_t i = 0; i < n; ++i)
    for (auto t : follows[i]) w.followers[pos[t]++] = static_cast<std::int32_t>(i);
  w.follow_edges = w.followers.size();
  // Keep second-hand spreading subcritical: a retweeter is a follower drawn
  // along a follow edge, so the mean offspring of a non-root spreader is R =
  // sum_u outdeg(u) indeg(u) p(u) / sum_u outdeg(u) (times the factor).
  double num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double outdeg = static_cast<double>(follows[i].size());
    double indeg = static_cast<double>(w.follower_offsets[i + 1] - w.follower_offsets[i]);
    num += outdeg * indeg * w.par.p_retweet[w.actors[i].group];
    den += outdeg;
  }
  double r = den > 0 ? num / den : 0.0;
  if (r > 0) w.par.second_hand = std::min(0.6, 0.5 / r);
}

namespace {

// 1. Immigrants, per group and per segment [start, event), [event,
// removal_end), [removal_end, end).
void AddImmigrants(World& w, const AuthorTables& tables) {
  const Params& p = w.par;
  const std::uint64_t seed = w.opt.seed;
  std::vector<Item>& items = w.items;
  const TimeMs segs[4] = {w.start, w.event, w.removal_end, w.end};
  for (int g = 0; g < kNumGroups; ++g) {
    for (int s = 0; s < 3; ++s) {
      TimeMs a = segs[s], b = segs[s + 1];
      if (b <= a) continue;
      bool after = EffectActive(w, a);
      double mean = (after ? p.mu_after[g] : p.mu[g]) * static_cast<double>(b - a) / kDay;
      // Per-day sub-streams keep every Poisson draw moderate and
      // parallelisable.
      std::size_t days = static_cast<std::size_t>((b - a + kDay - 1) / kDay);
      auto part = ChunkedGenerate(days, 1, [&](std::size_t d0, std::size_t, std::vector<Item>& out) {
        TimeMs da = a + static_cast<TimeMs>(d0) * kDay, db = std::min(b, da + kDay);
        Rng rng(Key(seed, 20, g * 8 + s, d0));
        std::uint64_t count = rng.Poisson(mean * static_cast<double>(db - da) / static_cast<double>(b - a));
        for (std::uint64_t k = 0; k < count; ++k) {
          Item it;
          it.uid = Key(seed, 21, (static_cast<std::uint64_t>(g) << 40) | (static_cast<std::uint64_t>(s) << 32) | d0, k);
          it.t = FloorSecond(static_cast<double>(da) + rng.Uniform() * static_cast<double>(db - da));
          it.group = static_cast<std::uint8_t>(g);
          it.kind = KindForGroup(g);
          it.after = EffectActive(w, it.t);
          it.topic = it.uid;
          if (g == kPolitician && !it.after && rng.Bernoulli(p.hos_share)) {
            it.actor = w.hos;
          } else {
            it.actor = DrawAuthor(w, tables, g, it.after, rng);
          }
          MaybeRandomMention(w, it, rng);
          out.push_back(it);
        }
      });
      items.insert(items.end(), part.begin(), part.end());
    }
  }
}

// 2. Offspring, generation by generation (branching representation: exact for
// the linear process).
void AddOffspring(World& w, const AuthorTables& tables) {
  const Params& p = w.par;
  const std::uint64_t seed = w.opt.seed;
  const double beta_per_ms = p.beta_per_hour / static_cast<double>(kHour);
  std::vector<Item>& items = w.items;
  std::size_t gen_begin = 0;
  while (gen_begin < items.size()) {
    const std::size_t gen_end = items.size();
    auto kids = ChunkedGenerate(gen_end - gen_begin, 2048, [&](std::size_t b, std::size_t e, std::vector<Item>& out) {
      for (std::size_t i = gen_begin + b; i < gen_begin + e; ++i) {
        const Item& par = items[i];
        Rng rng(Key(seed, 22, par.uid));
        const auto& alpha = EffectActive(w, par.t) ? p.alpha_after : p.alpha;
        for (int g = 0; g < kNumGroups; ++g) {
          std::uint64_t nkids = rng.Poisson(alpha[par.group][g]);
          for (std::uint64_t k = 0; k < nkids; ++k) {
            double tt = static_cast<double>(par.t) + rng.Exponential(beta_per_ms);
            if (tt >= static_cast<double>(w.end)) continue;
            Item it;
            it.uid = Key(par.uid, 23, g, k);
            it.t = FloorSecond(tt);
            it.group = static_cast<std::uint8_t>(g);
            it.kind = KindForGroup(g);
            it.after = EffectActive(w, it.t);
            it.topic = par.topic;
            it.parent = static_cast<std::int32_t>(i);
            it.actor = DrawAuthor(w, tables, g, it.after, rng);
            const Actor& author = w.actors[it.actor];
            if (IsPressGroup(g) && (par.group == kPr || IsPressGroup(par.group))) {
              if (rng.Bernoulli(ReuseRate(w, par.group, author))) {
                it.reuse = static_cast<std::int32_t>(i);
                it.edit = DrawEdit(p, rng);
              }
            } else if (IsSocialGroup(g) && (par.group == kPr || IsPressGroup(par.group))) {
              if (rng.Bernoulli(p.link_prob_social)) {
                it.link = static_cast<std::int32_t>(i);
                it.variant = DrawVariant(rng);
              }
            } else if (IsPressGroup(g) && IsSocialGroup(par.group)) {
              if (rng.Bernoulli(p.embed_prob)) it.embed = static_cast<std::int32_t>(i);
            } else if (IsSocialGroup(g) && IsSocialGroup(par.group)) {
              if (rng.Bernoulli(p.mention_prob) && par.actor != it.actor &&
                  w.actors[par.actor].platform == author.platform)
                it.mention = par.actor;
            }
            MaybeRandomMention(w, it, rng);
            out.push_back(it);
          }
        }
      }
    });
    items.insert(items.end(), kids.begin(), kids.end());
    gen_begin = gen_end;
  }
}

// 3. Syndication: regional articles republished by sibling titles of the same
// group.
void AddSyndication(World& w) {
  const Params& p = w.par;
  const std::uint64_t seed = w.opt.seed;
  std::vector<Item>& items = w.items;
  const std::size_t n0 = items.size();
  auto copies = ChunkedGenerate(n0, 4096, [&](std::size_t b, std::size_t e, std::vector<Item>& out) {
    for (std::size_t i = b; i < e; ++i) {
      const Item& src = items[i];
      if (src.kind != kArticle) continue;
      const Actor& a = w.actors[src.actor];
      if (a.synd_group < 0) continue;
      const auto& members = w.synd_groups[a.synd_group].members;
      if (members.size() < 2) continue;
      Rng rng(Key(seed, 30, src.uid));
      if (!rng.Bernoulli(p.syndication_rate)) continue;
      std::size_t k = 1 + rng.Below(std::min<std::size_t>(3, members.size() - 1));
      std::vector<std::int32_t> picked;
      while (picked.size() < k) {
        std::int32_t m = members[rng.Below(members.size())];
        if (m == src.actor || std::find(picked.begin(), picked.end(), m) != picked.end()) continue;
        picked.push_back(m);
      }
      for (std::size_t c = 0; c < picked.size(); ++c) {
        double tt = static_cast<double>(src.t) + rng.LogNormal(p.syndication_median_h * kHour, 0.8);
        if (tt >= static_cast<double>(w.end)) continue;
        Item it;
        it.uid = Key(src.uid, 31, c);
        it.t = FloorSecond(tt);
        it.actor = picked[c];
        it.group = kPressRegional;
        it.kind = kArticle;
        it.origin = kSyndication;
        it.topic = src.topic;
        it.reuse = static_cast<std::int32_t>(i);
        it.edit = rng.Bernoulli(0.6) ? kVerbatim : kLight;
        it.after = EffectActive(w, it.t);
        out.push_back(it);
      }
    }
  });
  items.insert(items.end(), copies.begin(), copies.end());
}

// 4. Outlets and PR sources share their own articles and releases on social
// media.
void AddOwnShares(World& w) {
  const Params& p = w.par;
  const std::uint64_t seed = w.opt.seed;
  std::vector<Item>& items = w.items;
  const std::size_t n0 = items.size();
  auto shares = ChunkedGenerate(n0, 4096, [&](std::size_t b, std::size_t e, std::vector<Item>& out) {
    for (std::size_t i = b; i < e; ++i) {
      const Item& src = items[i];
      if (src.kind != kArticle && src.kind != kRelease) continue;
      Rng rng(Key(seed, 32, src.uid));
      if (!rng.Bernoulli(src.kind == kRelease ? p.own_share_pr : p.own_share_press)) continue;
      double tt = static_cast<double>(src.t) + rng.LogNormal(p.own_share_median_min * kMinute, p.own_share_sigma);
      if (tt >= static_cast<double>(w.end)) continue;
      Item it;
      it.uid = Key(src.uid, 33);
      it.t = FloorSecond(tt);
      it.actor = src.actor;
      it.group = src.group;
      it.kind = kOriginal;
      it.origin = kOwnShare;
      it.topic = src.topic;
      it.link = static_cast<std::int32_t>(i);
      it.variant = DrawVariant(rng);
      it.after = EffectActive(w, it.t);
      out.push_back(it);
    }
  });
  items.insert(items.end(), shares.begin(), shares.end());
}

// 5. Replies, quotes and retweet cascades on every social original.
void AddReactions(World& w) {
  const Params& p = w.par;
  const std::uint64_t seed = w.opt.seed;
  std::vector<Item>& items = w.items;
  const std::size_t n0 = items.size();
  auto is_root = [&](const Item& it) { return it.kind == kOriginal; };
  std::vector<std::uint64_t> capped(1, 0);
  auto reactions = ChunkedGenerate(n0, 1024, [&](std::size_t b, std::size_t e, std::vector<Item>& out) {
    std::unordered_set<std::int32_t> visited;
    struct Hop {
      std::int32_t actor;
      TimeMs t;
      std::uint8_t depth;
      std::int64_t pos;  // the spreader's retweet in `out`, -1 for the root
    };
    std::vector<Hop> frontier;
    for (std::size_t i = b; i < e; ++i) {
      const Item& root = items[i];
      if (!is_root(root)) continue;
      const Actor& author = w.actors[root.actor];
      const bool hos_root = author.head_of_state;
      Rng rng(Key(seed, 40, root.uid));
      auto followers_of = [&](std::int32_t a) {
        return std::pair<const std::int32_t*, const std::int32_t*>(w.followers.data() + w.follower_offsets[a],
                                                                   w.followers.data() + w.follower_offsets[a + 1]);
      };
      auto pick_follower = [&](std::int32_t a) -> std::int32_t {
        auto [fb, fe] = followers_of(a);
        if (fb == fe) return -1;
        for (int tries = 0; tries < 8; ++tries) {
          std::int32_t f = fb[rng.Below(static_cast<std::uint64_t>(fe - fb))];
          if (w.actors[f].platform == author.platform && !w.actors[f].head_of_state) return f;
        }
        return -1;
      };
      // Replies and quotes.
      for (int kind = 0; kind < 2; ++kind) {
        double rate = kind == 0 ? (hos_root ? p.reply_rate_hos : p.reply_rate[root.group])
                                : (hos_root ? p.quote_rate_hos : p.quote_rate[root.group]);
        if (kind == 1 && author.platform != kTwitter) continue;
        std::uint64_t cnt = rng.Poisson(rate);
        for (std::uint64_t k = 0; k < cnt; ++k) {
          std::int32_t f = pick_follower(root.actor);
          double tt = static_cast<double>(root.t) + rng.LogNormal(p.reply_median_min * kMinute, p.reply_sigma);
          if (f < 0 || tt >= static_cast<double>(w.end)) continue;
          Item it;
          it.t = FloorSecond(tt);
          if (hos_root && w.Removed(it.t)) continue;
          it.uid = Key(root.uid, 41 + kind, k);
          it.actor = f;
          it.group = w.actors[f].group;
          it.kind = kind == 0 ? kReply : kQuote;
          it.origin = kind == 0 ? kReplyOrigin : kQuoteOrigin;
          it.topic = root.topic;
          it.ref = static_cast<std::int32_t>(i);
          it.after = EffectActive(w, it.t);
          out.push_back(it);
        }
      }
      // Independent cascade: every follower of a spreader retweets with
      // probability p(spreader class), drawn by geometric skipping over the
      // follower list so the cost follows the retweets, not the audience.
      visited.clear();
      visited.insert(root.actor);
      frontier.assign(1, Hop{root.actor, root.t, 0, -1});
      std::size_t made = 0;
      bool cap_hit = false;
      for (std::size_t fi = 0; fi < frontier.size() && !cap_hit; ++fi) {
        const auto [spreader, ts, depth, spreader_pos] = frontier[fi];
        const Actor& sa = w.actors[spreader];
        double pr = sa.head_of_state ? p.p_retweet_hos : p.p_retweet[sa.group];
        if (fi > 0) pr *= p.second_hand;  // second-hand exposure spreads less
        if (w.actors[root.actor].group == kPolitician && EffectActive(w, ts)) pr *= p.cascade_factor_after;
        double pmax = std::min(1.0, hos_root ? pr * p.supporter_boost : pr);
        auto [fb, fe] = followers_of(spreader);
        std::uint64_t len = static_cast<std::uint64_t>(fe - fb);
        for (std::uint64_t j = rng.Geometric(pmax); j < len; j += 1 + rng.Geometric(pmax)) {
          std::int32_t f = fb[j];
          const Actor& fa = w.actors[f];
          double accept = (hos_root && fa.supporter) ? 1.0 : (hos_root ? 1.0 / p.supporter_boost : 1.0);
          double tt = static_cast<double>(ts) + rng.LogNormal(p.retweet_median_min * kMinute, p.retweet_sigma);
          if (fa.supporter && EffectActive(w, FloorSecond(tt))) accept *= 1.0 - p.supporter_drop;
          if (!rng.Bernoulli(accept)) continue;
          if (fa.platform != author.platform || fa.head_of_state) continue;
          if (!visited.insert(f).second) continue;
          if (tt >= static_cast<double>(w.end)) continue;
          TimeMs t = FloorSecond(tt);
          if (hos_root && w.Removed(t)) continue;  // the removed account's tweets cannot be retweeted
          Item it;
          it.uid = Key(root.uid, 45, made);
          it.t = t;
          it.actor = f;
          it.group = fa.group;
          it.kind = kRetweet;
          it.origin = kCascade;
          it.topic = root.topic;
          it.ref = static_cast<std::int32_t>(i);
          it.depth = static_cast<std::uint8_t>(std::min(254, depth + 1));
          it.after = EffectActive(w, t);
          // Distance back to the spreader's retweet within this chunk's
          // output (made global below).
          if (spreader_pos >= 0)
            it.via = static_cast<std::int32_t>(static_cast<std::int64_t>(out.size()) - spreader_pos);
          frontier.push_back(Hop{f, t, it.depth, static_cast<std::int64_t>(out.size())});
          out.push_back(it);
          if (++made >= p.cascade_cap) {
            cap_hit = true;
            break;
          }
        }
      }
    }
  });
  // Chunk outputs are concatenated in order, so a distance within a chunk is a
  // distance in `reactions`.
  for (std::size_t k = 0; k < reactions.size(); ++k) {
    Item& it = reactions[k];
    if (it.kind != kRetweet) continue;
    it.via = it.via > 0 ? static_cast<std::int32_t>(n0 + k - static_cast<std::size_t>(it.via)) : it.ref;
  }
  items.insert(items.end(), reactions.begin(), reactions.end());
}

// 6. Sort by (time, uid) and remap the item indices.
void SortByTime(World& w) {
  std::vector<Item>& items = w.items;
  const std::size_t n = items.size();
  std::vector<std::int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  tbb::parallel_sort(order.begin(), order.end(), [&](std::int32_t x, std::int32_t y) {
    return items[x].t != items[y].t ? items[x].t < items[y].t : items[x].uid < items[y].uid;
  });
  std::vector<std::int32_t> rank(n);
  for (std::size_t r = 0; r < n; ++r) rank[order[r]] = static_cast<std::int32_t>(r);
  std::vector<Item> sorted(n);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t r) {
    Item it = items[order[r]];
    for (std::int32_t* f : {&it.ref, &it.link, &it.embed, &it.reuse, &it.parent, &it.via})
      if (*f >= 0) *f = rank[*f];
    sorted[r] = it;
  });
  items.swap(sorted);
}

// 7. Platform ids, URLs and keys.
void AssignIdsUrlsKeys(World& w) {
  const std::uint64_t seed = w.opt.seed;
  const std::vector<Item>& items = w.items;
  const std::size_t n = items.size();
  w.ids.assign(n, 0);
  w.urls.assign(n, {});
  w.keys.assign(n, {});
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t r) {
    const Item& it = items[r];
    const Actor& a = w.actors[it.actor];
    if (it.kind == kArticle || it.kind == kRelease) {
      std::string title = Headline(Key(seed, 50, it.uid), it.topic);
      std::string slug = Slugify(title, 60);
      const CivilTime civil = ToCivil(it.t / kDay * kDay);
      char date[48];
      std::snprintf(date, sizeof date, "%04d/%02u/%02u", civil.year, civil.month, civil.day);
      std::string host = a.domain.rfind("presse.", 0) == 0 ? a.domain : "www." + a.domain;
      std::string num = std::to_string(it.uid % 100000000ULL);
      std::string url;
      if (it.kind == kRelease) {
        url = "https://" + host + "/fr/communique/" + date + "/" + slug + "-" + num;
      } else {
        static const char* const kSections[] = {"politique", "societe", "economie", "faits-divers",
                                                "sport",     "culture", "regions"};
        url = "https://" + host + "/" + kSections[it.uid % std::size(kSections)] + "/" + date + "/" + slug + "_" + num +
              ".html";
      }
      w.keys[r] = CanonicalizeUrl(url);
      w.urls[r] = std::move(url);
    } else if (a.platform == kTwitter) {
      w.ids[r] = (static_cast<std::uint64_t>(it.t - 1288834974657LL) << 22) | (r & 0x3FFFFFULL);
      w.keys[r] = "twitter:" + std::to_string(w.ids[r]);
    } else {
      w.ids[r] = (static_cast<std::uint64_t>(it.t) << 16) | (r & 0xFFFFULL);
      std::string uri = "https://" + a.host + "/users/" + a.handle + "/statuses/" + std::to_string(w.ids[r]);
      if (it.kind == kRetweet) uri += "/activity";
      w.urls[r] = uri;
      w.keys[r] = "mastodon:" + uri;
    }
  });
}

}  // namespace

void Simulate(World& w) {
  const AuthorTables tables = MakeAuthorTables(w);
  AddImmigrants(w, tables);
  AddOffspring(w, tables);
  w.hawkes_events = w.items.size();
  AddSyndication(w);
  AddOwnShares(w);
  AddReactions(w);
  SortByTime(w);
  AssignIdsUrlsKeys(w);
}

}  // namespace relais::corpora::detail
