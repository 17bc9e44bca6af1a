// The Europresse reader's outcomes on many inputs, dumped to a text file, to diff two versions of the reader
// (experiments/results/readers.md, "Europresse on libxml2's SAX interface"). Not built: copy it to
// tests/corpora/, build relais_corpora_tests with each version of corpora/src/readers/europresse.cpp and run
//   RELAIS_SHARED_DATA=/work/shared/data RELAIS_EP_SEED=42 RELAIS_EP_MUTS=1000 RELAIS_EP_DUMP=/tmp/a.txt
//     build/tests/relais_corpora_tests --gtest_filter=ZzEuropresseDump.*
// then diff the two files (RELAIS_EP_WRITE=<label> also writes that input to /tmp/epdump/<label>.html).

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

void Dump(std::ostream& os, const std::string& label, const std::string& content) {
  auto r = relais::testing::ReadText(Format::kEuropresse, content, "x.html");
  os << "=== " << label << " records=" << r.records.size() << " diags=" << r.diagnostics.size() << "\n";
  for (const auto& rec : r.records) {
    os << "R line=" << rec.pos.line << " col=" << rec.pos.column << " n=" << rec.items.size() << "\n";
    for (const auto& it : rec.items) {
      os << " key=[" << it.key << "] url=[" << it.url << "] time=" << it.time << " plat=" << it.platform
         << " kind=" << static_cast<int>(it.kind) << " ch=" << static_cast<int>(it.channel) << "\n author=["
         << it.author.key << "|" << it.author.name << "|" << it.author.platform << "] place=[" << it.geo.place
         << "]\n title=[" << it.title << "]\n text=[" << it.text << "]\n";
    }
  }
  for (const auto& d : r.diagnostics)
    os << "D " << d.pos.ToString() << " " << static_cast<int>(d.kind) << " " << d.reason << " | " << d.message << " | "
       << d.excerpt << "\n";
}

std::string Slurp(const std::filesystem::path& p) { return ReadAll(p); }

TEST(ZzEuropresseDump, All) {
  const char* out = std::getenv("RELAIS_EP_DUMP");
  if (!out) GTEST_SKIP();
  std::ofstream os(out);
  auto data = relais::testing::SharedDataDir();
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const char* f : {"europresse_test1.html", "europresse_test2.html"})
    inputs.emplace_back(f, Slurp(data / "europresse-html" / f));
  auto fx = relais::testing::FixturesDir();
  inputs.emplace_back("rdp", Slurp(fx / "input" / "europresse" / "rdp_layout.html"));
  inputs.emplace_back("editions", Slurp(fx / "input" / "europresse-editions" / "editions.html"));
  inputs.emplace_back("fuzzcorpus", Slurp(fx.parent_path() / "fuzz" / "corpus" / "readers" / "europresse.html"));
  const std::string t2 = inputs[1].second;
  {
    std::size_t a = t2.find("<article>"), b = t2.find("</article>", a);
    inputs.emplace_back("t2-one-article", t2.substr(0, b + 10) + "</body></html>");
    std::size_t e = t2.rfind("</article>") + 10;
    std::string rep = t2.substr(0, a);
    for (int i = 0; i < 30; ++i) rep += t2.substr(a, e - a) + "\n";
    inputs.emplace_back("t2-rep", rep + t2.substr(e));
  }
  inputs.emplace_back("t1x3", inputs[0].second + inputs[0].second + inputs[0].second);
  const char* edge[] = {
      "",
      "<html><body><p>Rien</p></body></html>",
      "<article><span class=\"DocPublicationName\">Le Monde</span><span class=\"DocHeader\">lundi 11 janvier "
      "2021</span><p class=\"titreArticleVisu\">T</p></article>",
      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html><body> <article> <span class=\"DocPublicationName  "
      "x\">"
      "Le <b>Monde</b>, no. 3</span> <span class='DocHeader'>A <i>B</i></span><span class='DocHeader'>Politique, "
      "lundi 11 janvier 2021 - 09:35 UTC +0100<span class=DocHeader>inner</span></span><div class=titreArticle>x</div>"
      " <!-- c --> <div>Jean  Auteur</div><div class=sm-margin-bottomNews>a<div class=sm-margin-bottomNews>b</div>c"
      "</div><div class=\"DocText\"> <p>one &amp; two<script>var x='<p>';</script><style>p{}</style> three</p>"
      "<p><img src=x> <sup>2</sup> <b>bold</b>  end<![CDATA[cd]]></p><table><tr><td>a</td><td>b</td></tr></table>"
      "</div><a href=\"https://www.europresse.com/x\">e</a><a href=\"mailto:x\">m</a><a href=\"https://lemonde.fr/a"
      "\">l</a><div id=PubliC_lblNodoc></div><p>news\xC2\xB7"
      "20210111\xC2\xB7LM\xC2\xB7 99</p></article><article><div class=rdp__DocPublicationName>Ouest-France (Rennes)"
      "</div><div class=DocHeader>mardi 1er juin 2021 18h05</div><div class=titreArticle>t</div><div class=\"\">auth"
      "</div><section>S1<article><span class=DocPublicationName>Inner</span><p class=grandTitre>G</p>"
      "<footer><span class=publiC-lblNodoc>news\xC2\xB7"
      "20200101\xC2\xB7X\xC2\xB7"
      "1</span></footer></article> tail</section><p class=TitreArticleVisu>T2</p></article></body></html>"
      " trailing <article><span class=DocPublicationName>After</span><p class=titreArticleVisu>A</p>"
      "<p>news\xC2\xB7"
      "20200102\xC2\xB7X\xC2\xB7"
      "2</p>",
      "<html><head><title>x</title></head><body><span class=DocPublicationName>P1</span> <span class=DocHeader>"
      "Sport, lundi 3 mai 2010</span><br><span class=TitreArticleVisu>Head <b>line</b></span><br>Auteur Un<br>"
      "<p>Body text here.</p><!--x--><p>More&nbsp;text <i>x</i> y.</p><p>\xC2\xA9 2010</p><p>news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "7</p><form><span class=DocPublicationName>F</span></form><script>s</script><span class=DocPublicationName>P2"
      "</span><span class=DocHeader>4 mai 2010</span><span class=titreArticleVisu>T</span><div>This is a long "
      "first line with many words in it.</div>Tail text<p>Num\xC3\xA9ro de document : x</p></body></html>",
      "<body class=DocHeader><span class=DocPublicationName>P</span>lundi 3 mai 2010<p class=titreArticleVisu>T</p>"
      "x news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "7</body>",
      "<html><body><article>only<span class=DocPublicationName>X</span></article></html><article>second</article>",
      "<p>text</p></html><div><span class=DocPublicationName>Z</span><span class=DocHeader>5 mai 2011</span>"
      "<b class=TitreArticleVisu>t</b><p>z</p></div>",
      "<article><article><article>",
      "<article>\n<div class=DocText>\n\n<p>a</p>\n</div>\n</article>\n\n<article class=x>\n<span "
      "class=DocPublicationName>B</span>\n</article>\n<articles><article\tid=1><p class=titreArticleVisu>q</p>",
      "\xEF\xBB\xBF<html><body><span class=DocPublicationName>Caf\xE9</span><span class=DocHeader>5 ao\xFBt 2011"
      "</span><p class=TitreArticleVisu>t\xE9</p><p>news\xC2\xB7x</p></body></html>",
      "<!-- c --><html><body><span class=DocPublicationName>P</span x=\"<br><span class=DocHeader>lundi 3 mai "
      "2010</span><p class=titreArticleVisu>T</p>news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "1</body></html><div><span class=DocPublicationName>Q</span></div>",
      "<html><body><div class=\"x\" y=\"a\"<p>broken</p></div><span class=DocPublicationName>P</span></body></html>"
      "<span class=DocPublicationName>R</span><span class=DocHeader>4 mai 2010</span><b class=TitreArticleVisu>t</b>",
      "<!DOCTYPE html><html a=\"b\"c=\"<body><span class=DocPublicationName>P</span><span class=DocHeader>4 mai "
      "2010</span><b class=TitreArticleVisu>t</b> x news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "1",
      "<html a=\"b\"c=\"<body><!DOCTYPE html><span class=DocPublicationName>P</span><span class=DocHeader>4 mai "
      "2010</span><b class=TitreArticleVisu>t</b> x news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "1</html><article><span class=DocPublicationName>Q</span></article>",
      "<article><span class=DocPublicationName>P</span><div class=DocText x=\"1\"y<p>a</p></div><div "
      "class=titreArticle>b</div><div class=\"\" z=\"<p>auth</p><p class=titreArticleVisu>T</p><p>news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "1</p></article><article><span class=DocPublicationName x=\"y\"z<b>Q</b></span><section>s</section>"
      "<p>news\xC2\xB7"
      "20100503\xC2\xB7P\xC2\xB7"
      "2</p></article>",
  };
  int k = 0;
  for (const char* e : edge) inputs.emplace_back("edge" + std::to_string(k++), e);
  // Deterministic damage: truncations and byte deletions of each real sample and fixture.
  std::uint64_t s = std::getenv("RELAIS_EP_SEED") ? std::strtoull(std::getenv("RELAIS_EP_SEED"), nullptr, 10) : 42;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(s >> 33);
  };
  const std::size_t base_count = 5;
  for (std::size_t i = 0; i < base_count; ++i) {
    const std::string src = inputs[i].second;
    if (src.empty()) continue;
    const int muts = std::getenv("RELAIS_EP_MUTS") ? std::atoi(std::getenv("RELAIS_EP_MUTS")) : 60;
    for (int m = 0; m < muts; ++m) {
      std::string v = src;
      int edits = 1 + static_cast<int>(next() % 6);
      for (int e = 0; e < edits && !v.empty(); ++e) {
        std::size_t at = next() % v.size();
        switch (next() % 4) {
          case 0:
            v.resize(at);
            break;
          case 1:
            v.erase(at, 1 + next() % 40);
            break;
          case 2:
            v.insert(at, v.substr(next() % v.size(), next() % 200));
            break;
          default:
            v[at] = "<>/\" =&x\n"[next() % 9];
            break;
        }
      }
      inputs.emplace_back(inputs[i].first + "-mut" + std::to_string(m), v);
    }
  }
  for (const auto& [label, content] : inputs) {
    if (const char* w = std::getenv("RELAIS_EP_WRITE"); w && label == w)
      std::ofstream("/tmp/epdump/" + label + ".html") << content;
    Dump(os, label, content);
  }
}

}  // namespace
}  // namespace relais::corpora
