// Issue 16's check before replacing corpora's own HTML tag scanner (detail/html.cpp, used for Mastodon
// and ActivityPub toots and RSS/article bodies) with libxml2's HTML parser: "unless measurements show it
// slower by more than 2x on real files". Corpus: every HTML `content` of the real Mastodon samples
// (../shared/data/mastodon-outbox, mastodon-api-cassettes), each fragment handled on its own as the
// readers do, the set repeated to >= 8 MB. Three ways to get a fragment's text and links:
//   BM_HtmlScanner  — detail::HtmlToText (what the readers use);
//   BM_Libxml2Sax   — libxml2's HTML parser (recover mode) with SAX callbacks appending the character data
//                     and the <a> elements' href/class/rel: the least libxml2 work for the same job
//                     (no tree; block breaks, skipped classes and whitespace folding left out);
//   BM_Libxml2Dom   — libxml2's HTML parser building its tree, then a walk collecting the same.
// Counters: bytes/s over the fragments' bytes, fragments/s.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "detail/html.hpp"
#include "relais/corpora/input.hpp"

#include "bench_util.hpp"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kTargetBytes = 8u << 20;

using relais::bench::SharedData;

void CollectContents(const json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == "content" && value.is_string() && value.get_ref<const std::string&>().find('<') != std::string::npos)
        out.push_back(value.get<std::string>());
      else
        CollectContents(value, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) CollectContents(v, out);
  }
}

// The real fragments, repeated to >= kTargetBytes; empty when the samples are absent.
const std::vector<std::string>& Fragments() {
  static const std::vector<std::string> fragments = [] {
    std::vector<std::string> real;
    const fs::path data = SharedData();
    std::vector<fs::path> files = {data / "mastodon-outbox" / "outbox.json.gz"};
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(data / "mastodon-api-cassettes" / "bodies", ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    for (const auto& f : files) {
      try {
        CollectContents(json::parse(relais::corpora::ReadAll(f)), real);
      } catch (const std::exception&) {
      }
    }
    std::vector<std::string> out;
    std::size_t bytes = 0;
    while (!real.empty() && bytes < kTargetBytes) {
      for (const auto& r : real) {
        out.push_back(r);
        bytes += r.size();
      }
    }
    return out;
  }();
  return fragments;
}

struct Extract {
  std::string text;
  std::vector<relais::corpora::detail::HtmlLink> links;
};

bool SkipWithoutData(benchmark::State& state) {
  if (!Fragments().empty()) return false;
  state.SkipWithError("no Mastodon HTML found under RELAIS_SHARED_DATA");
  return true;
}

void Count(benchmark::State& state) {
  std::size_t bytes = 0;
  for (const auto& f : Fragments()) bytes += f.size();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["fragments/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * Fragments().size()), benchmark::Counter::kIsRate);
}

void BM_HtmlScanner(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  const std::vector<std::string_view> skip = {"quote-inline"};
  for (auto _ : state) {
    for (const auto& f : Fragments()) {
      std::vector<relais::corpora::detail::HtmlLink> links;
      std::string text = relais::corpora::detail::HtmlToText(f, &links, skip);
      benchmark::DoNotOptimize(text);
      benchmark::DoNotOptimize(links);
    }
  }
  Count(state);
}
BENCHMARK(BM_HtmlScanner)->Unit(benchmark::kMillisecond);

std::string Attr(const xmlChar** atts, const char* name) {
  for (int i = 0; atts && atts[i]; i += 2)
    if (std::strcmp(reinterpret_cast<const char*>(atts[i]), name) == 0 && atts[i + 1])
      return reinterpret_cast<const char*>(atts[i + 1]);
  return {};
}

void OnStart(void* ctx, const xmlChar* name, const xmlChar** atts) {
  auto* out = static_cast<Extract*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
  if (std::strcmp(reinterpret_cast<const char*>(name), "a") == 0)
    out->links.push_back({Attr(atts, "href"), Attr(atts, "class"), Attr(atts, "rel")});
  else if (std::strcmp(reinterpret_cast<const char*>(name), "br") == 0)
    out->text += '\n';
}

void OnCharacters(void* ctx, const xmlChar* ch, int len) {
  auto* out = static_cast<Extract*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
  out->text.append(reinterpret_cast<const char*>(ch), static_cast<std::size_t>(len));
}

constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;

void BM_Libxml2Sax(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> ctxt(htmlNewParserCtxt(), htmlFreeParserCtxt);
  xmlSAXHandler h{};
  h.startElement = OnStart;
  h.characters = OnCharacters;
  *ctxt->sax = h;
  for (auto _ : state) {
    for (const auto& f : Fragments()) {
      Extract out;
      ctxt->_private = &out;
      htmlDocPtr doc = htmlCtxtReadMemory(ctxt.get(), f.data(), static_cast<int>(f.size()), nullptr, "UTF-8", kOptions);
      if (doc) xmlFreeDoc(doc);
      benchmark::DoNotOptimize(out);
    }
  }
  Count(state);
}
BENCHMARK(BM_Libxml2Sax)->Unit(benchmark::kMillisecond);

std::string Prop(xmlNodePtr n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

void Walk(xmlNodePtr n, Extract& out) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE && n->content) {
      out.text += reinterpret_cast<const char*>(n->content);
    } else if (n->type == XML_ELEMENT_NODE) {
      if (xmlStrEqual(n->name, reinterpret_cast<const xmlChar*>("a")))
        out.links.push_back({Prop(n, "href"), Prop(n, "class"), Prop(n, "rel")});
      else if (xmlStrEqual(n->name, reinterpret_cast<const xmlChar*>("br")))
        out.text += '\n';
      Walk(n->children, out);
    }
  }
}

void BM_Libxml2Dom(benchmark::State& state) {
  if (SkipWithoutData(state)) return;
  std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> ctxt(htmlNewParserCtxt(), htmlFreeParserCtxt);
  for (auto _ : state) {
    for (const auto& f : Fragments()) {
      Extract out;
      htmlDocPtr doc = htmlCtxtReadMemory(ctxt.get(), f.data(), static_cast<int>(f.size()), nullptr, "UTF-8", kOptions);
      if (doc) {
        Walk(xmlDocGetRootElement(doc), out);
        xmlFreeDoc(doc);
      }
      benchmark::DoNotOptimize(out);
    }
  }
  Count(state);
}
BENCHMARK(BM_Libxml2Dom)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
