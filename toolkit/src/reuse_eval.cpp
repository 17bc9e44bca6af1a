// The real-text evaluation of the reuse engine (see relais/toolkit/reuse_eval.hpp).
#include "relais/toolkit/reuse_eval.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/input.hpp"

namespace relais::toolkit {
namespace {

namespace fs = std::filesystem;

struct Article {
  std::string key, label, url, title, text;
  std::int64_t time = 0;
  std::vector<std::string> sentences;
};

constexpr std::size_t kMinSentenceWords = 8;
constexpr std::size_t kMaxQuoteBytes = 240;

// Decodes one UTF-8 code point at s[i] (advancing i); invalid bytes give U+FFFD.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return cp;
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  return cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7;
}
bool IsUpper(char32_t cp) { return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7); }

// Lower-cased \w+ words (ASCII and Latin-1 capitals folded): the engine-independent ground truth's tokens.
std::vector<std::string> TruthWords(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    char32_t cp = NextCodePoint(s, i);
    if (!IsWordChar(cp)) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (IsUpper(cp)) {
      if (cp < 0x80) {
        cur += static_cast<char>(cp + 32);
      } else {
        cp += 0x20;
        cur += static_cast<char>(0xC0 | (cp >> 6));
        cur += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      cur.append(s.substr(at, i - at));
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::vector<std::uint64_t> SevenGrams(std::string_view text) {
  const auto words = TruthWords(text);
  std::vector<std::uint64_t> out;
  for (std::size_t k = 0; k + 7 <= words.size(); ++k) {
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t j = k; j < k + 7; ++j) h = SplitMix64(h ^ Hash64(words[j]));
    out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t WordCount(std::string_view s) { return TruthWords(s).size(); }

// Whitespace-normalised, lower-cased word string: "contains the sentence verbatim" ignores spacing and case.
std::string Canonical(std::string_view s) {
  std::string out;
  for (const auto& w : TruthWords(s)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::vector<nlohmann::json> JsonLines(const fs::path& path) {
  const std::string all = corpora::ReadAll(path);
  std::vector<nlohmann::json> out;
  std::istringstream in(all);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string Str(const nlohmann::json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<Article> LoadOrange(const fs::path& path, std::int64_t before, bool dedupe) {
  std::vector<Article> out;
  std::set<std::string> seen;
  for (const auto& j : JsonLines(path)) {
    Article a;
    a.key = Str(j, "content_id");
    if (a.key.empty()) a.key = "orangesum:" + std::to_string(j.value("orangesum_id", 0));
    if (dedupe && !seen.insert(a.key).second) continue;
    const auto t = ParseIso8601(Str(j, "published"));
    if (!t || *t >= before) continue;
    a.time = *t;
    a.label = Str(j, "source_label");
    a.url = Str(j, "url");
    a.title = Str(j, "title");
    const std::string heading = Str(j, "heading"), body = Str(j, "article");
    a.sentences = SplitFrenchSentences(heading);
    for (auto& s : SplitFrenchSentences(body)) a.sentences.push_back(std::move(s));
    for (const auto& s : a.sentences) a.text += (a.text.empty() ? "" : " ") + s;
    if (!a.text.empty()) out.push_back(std::move(a));
  }
  return out;
}

std::vector<Article> LoadTimebank(const fs::path& path) {
  std::vector<Article> out;
  for (const auto& j : JsonLines(path)) {
    Article a;
    a.key = "estrep:" + Str(j, "docid");
    const auto t = ParseIso8601(Str(j, "dct"));
    if (!t) continue;
    a.time = *t;
    a.label = "Est Républicain";
    a.sentences = SplitFrenchSentences(Str(j, "text"));
    for (const auto& s : a.sentences) a.text += (a.text.empty() ? "" : " ") + s;
    if (!a.text.empty()) out.push_back(std::move(a));
  }
  return out;
}

// Word-level edits at `rate`: each word is substituted, deleted or followed by an inserted word.
std::string Edit(std::string_view text, double rate, std::mt19937_64& rng, const std::vector<std::string>& vocab) {
  std::istringstream in{std::string(text)};
  std::string w, out;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto put = [&](const std::string& x) {
    if (!out.empty()) out += ' ';
    out += x;
  };
  while (in >> w) {
    if (rate > 0 && u(rng) < rate) {
      switch (rng() % 3) {
        case 0:
          put(vocab[rng() % vocab.size()]);
          break;
        case 1:
          break;
        default:
          put(w);
          put(vocab[rng() % vocab.size()]);
      }
    } else {
      put(w);
    }
  }
  return out;
}

bool Eligible(const std::string& sentence) { return WordCount(sentence) >= kMinSentenceWords; }

struct Planted {
  std::size_t host_doc;              // index into the run's docs
  std::vector<std::string> passage;  // canonical original sentences
  RecallCell* cell;
};

bool SourceHolds(const std::string& canonical_source, const std::vector<std::string>& passage) {
  for (const auto& s : passage)
    if (canonical_source.find(s) != std::string::npos) return true;
  return false;
}

RecallCell& Cell(std::vector<RecallCell>& cells, const std::string& kind, int sentences, int level) {
  for (auto& c : cells)
    if (c.kind == kind && c.sentences == sentences && c.level == level) return c;
  throw Error(ErrorKind::kInternal, "no recall cell " + kind);
}

struct RunDocs {
  std::vector<std::string> keys, texts;
  std::vector<std::int64_t> times;
  std::vector<std::pair<bool, bool>> roles;  // (source, target)
  std::size_t Add(std::string key, std::string text, std::int64_t time, bool source, bool target) {
    keys.push_back(std::move(key));
    texts.push_back(std::move(text));
    times.push_back(time);
    roles.emplace_back(source, target);
    return keys.size() - 1;
  }
  text::ReuseResult Run(const text::ReuseOptions& opt) const {
    std::vector<text::ReuseDoc> docs(keys.size());
    for (std::size_t k = 0; k < docs.size(); ++k) {
      docs[k].key = keys[k];
      docs[k].text = texts[k];
      docs[k].time = times[k];
      docs[k].is_source = roles[k].first;
      docs[k].is_target = roles[k].second;
      docs[k].is_press = true;
    }
    return text::FindReuse(docs, opt);
  }
};

std::vector<std::string> Vocabulary(const std::vector<Article>& articles) {
  std::set<std::string> v;
  for (const auto& a : articles) {
    std::istringstream in(a.text);
    std::string w;
    while (in >> w && v.size() < 200000)
      if (w.size() >= 3 && std::all_of(w.begin(), w.end(), [](char c) { return c != '.' && c != ','; })) v.insert(w);
  }
  return {v.begin(), v.end()};
}

void RunPastes(const std::vector<Article>& hosts, const std::vector<Article>& releases,
               const std::vector<std::string>& vocab, std::uint64_t seed, const RealReuseEvalOptions& o,
               RealReuseEval& r) {
  std::mt19937_64 rng(seed);
  RunDocs run;
  std::vector<std::string> canonical_release;
  for (const auto& a : releases) {
    run.Add(a.key, a.text, a.time, true, false);
    canonical_release.push_back(Canonical(a.text));
  }
  std::vector<Planted> planted;
  for (const auto& h : hosts) {
    const int k = 1 + static_cast<int>(rng() % 5);
    const int level = static_cast<int>(rng() % std::size(kEditRates));
    // A release with k consecutive eligible sentences.
    std::size_t rel = 0, first = 0;
    bool ok = false;
    for (int attempt = 0; attempt < 100 && !ok; ++attempt) {
      rel = rng() % releases.size();
      const auto& s = releases[rel].sentences;
      std::vector<std::size_t> starts;
      for (std::size_t i = 0; i + static_cast<std::size_t>(k) <= s.size(); ++i) {
        bool all = true;
        for (std::size_t j = i; j < i + static_cast<std::size_t>(k); ++j) all = all && Eligible(s[j]);
        if (all) starts.push_back(i);
      }
      if (!starts.empty()) {
        first = starts[rng() % starts.size()];
        ok = true;
      }
    }
    if (!ok) continue;
    std::string paste;
    Planted p{0, {}, &Cell(r.cells, "paste", k, level)};
    for (std::size_t j = first; j < first + static_cast<std::size_t>(k); ++j) {
      const std::string& sentence = releases[rel].sentences[j];
      p.passage.push_back(Canonical(sentence));
      paste += (paste.empty() ? "" : " ") + sentence;
    }
    paste = Edit(paste, kEditRates[level], rng, vocab);
    const std::size_t at = rng() % (h.sentences.size() + 1);
    std::string text;
    for (std::size_t i = 0; i <= h.sentences.size(); ++i) {
      if (i == at) text += (text.empty() ? "" : " ") + paste;
      if (i < h.sentences.size()) text += (text.empty() ? "" : " ") + h.sentences[i];
    }
    p.host_doc = run.Add(h.key + "#paste" + std::to_string(seed), text, h.time, false, true);
    ++p.cell->planted;
    planted.push_back(std::move(p));
  }
  const auto result = run.Run(o.engine);
  std::map<std::size_t, std::vector<std::uint32_t>> sources_of;  // host doc → flow sources
  for (const auto& f : result.flows) sources_of[f.target].push_back(f.source);
  std::map<std::size_t, const Planted*> by_host;
  for (const auto& p : planted) by_host[p.host_doc] = &p;
  for (const auto& [host, sources] : sources_of) {
    const Planted* p = by_host.count(host) ? by_host[host] : nullptr;
    bool hit = false;
    for (std::uint32_t s : sources) {
      ++r.paste_flows.flows;
      const bool correct = p && SourceHolds(canonical_release[s], p->passage);
      r.paste_flows.correct += correct;
      hit = hit || correct;
    }
    if (hit) ++p->cell->found;
  }
}

void RunQuotes(const std::vector<Article>& articles, const std::vector<std::string>& comments,
               const std::vector<std::string>& vocab, std::uint64_t seed, const RealReuseEvalOptions& o,
               RealReuseEval& r) {
  std::mt19937_64 rng(seed);
  RunDocs run;
  std::vector<std::string> canonical;
  std::vector<std::size_t> quotable;
  for (std::size_t a = 0; a < articles.size(); ++a) {
    run.Add(articles[a].key, articles[a].text, articles[a].time, true, false);
    canonical.push_back(Canonical(articles[a].text));
    quotable.push_back(a);
  }
  static const char* const kInterjections[] = {"À lire :",
                                               "Incroyable.",
                                               "Enfin !",
                                               "👉",
                                               "Je cite :",
                                               "Lu dans la presse :",
                                               "Sans commentaire.",
                                               "À méditer…",
                                               "Voilà qui est clair :",
                                               "#COVID19",
                                               "Bonne nouvelle :",
                                               "Inquiétant."};
  auto comment = [&]() -> std::string {
    switch (rng() % 3) {
      case 0:
        return "";
      case 1:
        return kInterjections[rng() % std::size(kInterjections)];
      default:
        return comments[rng() % comments.size()];
    }
  };
  std::vector<Planted> planted;
  std::vector<std::size_t> negatives;
  for (std::size_t q = 0; q < o.quotes_per_round + o.negatives_per_round; ++q) {
    const Article& a = articles[rng() % articles.size()];
    const std::int64_t t = a.time + 3'600'000 * static_cast<std::int64_t>(1 + rng() % 48);
    const std::string key = "tweet:" + std::to_string(seed) + ":" + std::to_string(q);
    if (q >= o.quotes_per_round) {
      std::string c = comment();
      if (c.empty()) c = comments[rng() % comments.size()];
      negatives.push_back(run.Add(key, c + " " + a.url, t, false, true));
      continue;
    }
    std::vector<std::size_t> ok;
    for (std::size_t i = 0; i < a.sentences.size(); ++i)
      if (Eligible(a.sentences[i]) && a.sentences[i].size() <= kMaxQuoteBytes) ok.push_back(i);
    if (ok.empty()) continue;
    const std::string& sentence = a.sentences[ok[rng() % ok.size()]];
    const int level = static_cast<int>(rng() % std::size(kEditRates));
    const std::string quote = Edit(sentence, kEditRates[level], rng, vocab);
    std::string c = comment();
    if (c.size() + quote.size() + 40 > 280) c.clear();
    std::string tweet = (c.empty() ? "" : c + " ") + "« " + quote + " » " + a.url;
    Planted p{run.Add(key, tweet, t, false, true), {Canonical(sentence)}, &Cell(r.cells, "quote", 1, level)};
    ++p.cell->planted;
    planted.push_back(std::move(p));
  }
  const auto result = run.Run(o.engine);
  std::map<std::size_t, const Planted*> by_tweet;
  for (const auto& p : planted) by_tweet[p.host_doc] = &p;
  std::set<std::size_t> hit, flagged;
  for (const auto& f : result.flows) {
    const Planted* p = by_tweet.count(f.target) ? by_tweet[f.target] : nullptr;
    ++r.quote_flows.flows;
    const bool correct = p && SourceHolds(canonical[f.source], p->passage);
    r.quote_flows.correct += correct;
    if (correct && hit.insert(f.target).second) ++p->cell->found;
    flagged.insert(f.target);
  }
  r.negative_tweets += negatives.size();
  for (std::size_t n : negatives) r.negative_tweets_flagged += flagged.count(n);
}

void RunReal(const std::vector<Article>& articles, const RealReuseEvalOptions& o, RealReuseEval& r) {
  RunDocs run;
  std::vector<std::vector<std::uint64_t>> grams;
  for (const auto& a : articles) {
    run.Add(a.key, a.text, a.time, true, true);
    grams.push_back(SevenGrams(a.text));
  }
  // Shared 7-grams per pair (inverted index; grams in more than 50 articles are skipped as boilerplate).
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> postings;
  for (std::uint32_t d = 0; d < grams.size(); ++d)
    for (std::uint64_t g : grams[d]) postings[g].push_back(d);
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> shared;
  for (const auto& [g, docs] : postings) {
    if (docs.size() < 2 || docs.size() > 50) continue;
    for (std::size_t x = 0; x < docs.size(); ++x)
      for (std::size_t y = x + 1; y < docs.size(); ++y) ++shared[{docs[x], docs[y]}];
  }
  auto shared_of = [&](std::uint32_t a, std::uint32_t b) {
    auto it = shared.find({std::min(a, b), std::max(a, b)});
    return it == shared.end() ? std::size_t{0} : it->second;
  };
  auto earlier = [&](std::uint32_t a, std::uint32_t b) {
    return articles[a].time != articles[b].time ? articles[a].time < articles[b].time
                                                : articles[a].key < articles[b].key;
  };
  auto is_afp = [&](std::uint32_t d) { return articles[d].label == "AFP"; };
  auto is_rewrite = [&](std::uint32_t d) { return articles[d].label.rfind("Orange avec Media", 0) == 0; };
  std::set<std::uint32_t> rewrite_targets, afp_targets;
  for (const auto& [pair, n] : shared) {
    if (n < 10) continue;
    ++r.real_pairs;
    const auto [x, y] = pair;
    const std::uint32_t src = earlier(x, y) ? x : y, dst = src == x ? y : x;
    if (!is_afp(src)) continue;
    if (is_rewrite(dst)) rewrite_targets.insert(dst);
    if (is_afp(dst)) afp_targets.insert(dst);
  }
  const auto result = run.Run(o.engine);
  std::set<std::uint32_t> found;
  for (const auto& f : result.flows) {
    const std::size_t n = shared_of(f.source, f.target);
    ++r.real_flows.flows;
    r.real_flows.correct += n >= 2;
    r.real_flows_strong += n >= 10;
    if (n >= 10) found.insert(f.target);
  }
  r.rewrite_targets = rewrite_targets.size();
  r.afp_targets = afp_targets.size();
  for (std::uint32_t t : rewrite_targets) r.rewrite_found += found.count(t);
  for (std::uint32_t t : afp_targets) r.afp_found += found.count(t);
}

}  // namespace

std::vector<std::string> SplitFrenchSentences(std::string_view text) {
  static const std::set<std::string> kAbbrev = {"M",   "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me",  "Mgr", "St",
                                                "Ste", "av", "etc", "cf",   "p",    "n",  "No", "art", "Cie"};
  std::vector<std::string> out;
  std::size_t begin = 0;
  auto push = [&](std::size_t end) {
    std::string_view s = text.substr(begin, end - begin);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
    if (!s.empty()) out.emplace_back(s);
    begin = end;
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t at = i;
    const char32_t cp = NextCodePoint(text, i);
    if (cp == '\n') {
      push(i);
      continue;
    }
    if (cp != '.' && cp != '!' && cp != '?' && cp != 0x2026) continue;
    // Closing quotes and further end marks stay with this sentence (also after a space: "inédit ! »").
    auto closer = [](char32_t c) {
      return c == '"' || c == 0xBB || c == 0x201D || c == ')' || c == '.' || c == '!' || c == '?' || c == 0x2026;
    };
    auto space = [](char32_t c) { return c == ' ' || c == 0xA0 || c == 0x202F; };
    std::size_t end = i;
    while (end < text.size()) {
      std::size_t k = end;
      char32_t c = NextCodePoint(text, k);
      while (space(c) && k < text.size()) c = NextCodePoint(text, k);
      if (!closer(c)) break;
      end = k;
    }
    std::size_t k = end;
    while (k < text.size() && text[k] == ' ') ++k;
    bool boundary = k >= text.size();
    if (!boundary) {
      std::size_t k2 = k;
      const char32_t next = NextCodePoint(text, k2);
      boundary = IsUpper(next) || next == 0xAB || next == '"' || next == 0x201C;
    }
    if (boundary && cp == '.') {
      // The word before the period: an abbreviation or an initial is not an end.
      std::size_t w = at;
      while (w > begin &&
             (std::isalnum(static_cast<unsigned char>(text[w - 1])) || static_cast<unsigned char>(text[w - 1]) >= 0x80))
        --w;
      const std::string word(text.substr(w, at - w));
      if (kAbbrev.count(word) || (word.size() == 1 && word[0] >= 'A' && word[0] <= 'Z')) boundary = false;
    }
    if (boundary) {
      push(end);
      i = end;
    }
  }
  push(text.size());
  return out;
}

RealReuseEval EvaluateReuseOnFrenchPress(const RealReuseEvalOptions& o) {
  const fs::path dir = o.data_dir / "fr-press-articles";
  const fs::path window = dir / "orangesum" / "orangesum_2020-06-01_to_2020-06-14.jsonl.gz";
  const fs::path regional = dir / "orangesum" / "orangesum_regional-press-attributions_2016-2020.jsonl.gz";
  const fs::path timebank = dir / "fr-timebank" / "fr-timebank_plaintext.jsonl";
  for (const auto& p : {window, regional, timebank})
    if (!fs::exists(p)) throw Error(ErrorKind::kData, "missing " + p.string());
  const std::int64_t june = *ParseIso8601("2020-06-01T00:00:00+02:00");
  const std::vector<Article> hosts = LoadOrange(window, INT64_MAX, true);
  std::vector<Article> releases = LoadOrange(regional, june, true);
  for (auto& a : LoadTimebank(timebank)) releases.push_back(std::move(a));
  if (hosts.empty() || releases.empty())
    throw Error(ErrorKind::kData, "fr-press-articles yielded no article (" + std::to_string(hosts.size()) +
                                      " June 2020 articles, " + std::to_string(releases.size()) + " releases)");
  RealReuseEval r;
  r.hosts = hosts.size();
  r.releases = releases.size();
  r.quoted_articles = hosts.size();
  for (int k = 1; k <= 5; ++k)
    for (int level = 0; level < static_cast<int>(std::size(kEditRates)); ++level)
      r.cells.push_back({"paste", k, level, 0, 0});
  for (int level = 0; level < static_cast<int>(std::size(kEditRates)); ++level)
    r.cells.push_back({"quote", 1, level, 0, 0});
  const std::vector<std::string> vocab = Vocabulary(hosts);
  std::vector<std::string> comments;
  for (const auto& a : releases)
    if (!a.title.empty() && a.title.size() < 140) comments.push_back(a.title);
  if (comments.empty()) throw Error(ErrorKind::kData, "no release title to use as a tweet comment");
  for (int round = 0; round < o.rounds; ++round) {
    const std::uint64_t seed = o.seed * 1000 + static_cast<std::uint64_t>(round);
    RunPastes(hosts, releases, vocab, seed, o, r);
    RunQuotes(hosts, comments, vocab, seed, o, r);
  }
  RunReal(hosts, o, r);
  return r;
}

}  // namespace relais::toolkit
