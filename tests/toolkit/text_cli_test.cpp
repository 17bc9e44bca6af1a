// relais text normalize|tokenize|stem|lang as DESIGN.md's CLI contract says: filters on stdin lines, one
// output line per input line; invalid UTF-8 is repaired and reported on stderr, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using relais::testing::RelaisBin;
using relais::testing::TempDir;

namespace {

// Runs `relais text <args>` with `input` on stdin.
relais::testing::RunResult Text(const std::string& args, const std::string& input) {
  TempDir tmp;
  const fs::path in = tmp.path() / "in.txt";
  std::ofstream(in, std::ios::binary) << input;
  return relais::testing::Run(RelaisBin() + " text " + args + " < " + in.string());
}

std::vector<std::string> Lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::vector<std::string> Tokens(const std::string& json_line) {
  return json::parse(json_line).at("tokens").get<std::vector<std::string>>();
}

}  // namespace

TEST(TextCli, TokenizePrintsSurfaceFormsPerLine) {
  const auto r = Text("tokenize",
                      "L’été, qu'on attendait jusqu'à aujourd'hui !\n"
                      "#Élysée @Var_Matin https://t.co/AbC12 presqu’île quelqu'un.\n"
                      "\n"
                      "Cafe\xCC\x81 : « Bonjour », dit-il…\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(Tokens(lines[0]),
            (std::vector<std::string>{"L'", "été", "qu'", "on", "attendait", "jusqu'", "à", "aujourd'hui"}));
  EXPECT_EQ(Tokens(lines[1]),
            (std::vector<std::string>{"#Élysée", "@Var_Matin", "https://t.co/AbC12", "presqu'île", "quelqu'un"}));
  EXPECT_TRUE(Tokens(lines[2]).empty());
  const auto last = Tokens(lines[3]);
  ASSERT_FALSE(last.empty());
  EXPECT_EQ(last[0], "Café") << "NFC: e + combining acute becomes é";
  for (const auto& t : last) EXPECT_EQ(t.find_first_of("«»:,…"), std::string::npos) << "punctuation kept: " << t;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(TextCli, TokenizeKindsOption) {
  const auto r = Text("tokenize --kinds", "#Paris @afp https://exemple.fr 12,5 %\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(Lines(r.out).at(0));
  ASSERT_EQ(j["tokens"].size(), j["kinds"].size());
  EXPECT_EQ(j["tokens"][0], "#Paris");
  EXPECT_EQ(j["tokens"][3], "12,5 %");
}

TEST(TextCli, NormalizeUnifiesApostrophesSpacesAndNfc) {
  const auto r = Text("normalize", "l’État  a\u00A0dit\u200B : «oui»\nCafe\xCC\x81\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "l'État a dit : \"oui\"");
  EXPECT_EQ(lines[1], "Café");
  const auto lower = Text("normalize --lower --fold-accents", "L’ÉTÉ à Noël\n");
  ASSERT_EQ(lower.exit_code, 0) << lower.err;
  EXPECT_EQ(Lines(lower.out).at(0), "l'ete a noel");
}

TEST(TextCli, StemPrintsTheSnowballStemOfEachWord) {
  const auto r = Text("stem", "continuellement\nélections\nbijoux\nfrançaise\nl'avion\nÉlections\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), (std::vector<std::string>{"continuel", "élect", "bijou", "franc", "avion", "élect"}));
}

TEST(TextCli, LangPrintsLanguageAndConfidence) {
  const auto r = Text("lang",
                      "Le gouvernement a présenté ce matin son projet de loi sur les retraites devant le conseil des "
                      "ministres.\n"
                      "The government presented its pension reform bill to the cabinet this morning.\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  const json fr = json::parse(lines[0]), en = json::parse(lines[1]);
  EXPECT_EQ(fr["lang"], "fr");
  EXPECT_EQ(en["lang"], "en");
  for (const auto& j : {fr, en}) {
    EXPECT_GT(j["confidence"].get<double>(), 0.5);
    EXPECT_LE(j["confidence"].get<double>(), 1.0);
  }
}

TEST(TextCli, InvalidUtf8IsRepairedAndReported) {
  const std::string bad =
      "caf\xC3 cr\xE8me \xFF\xFE br\xC3\xBBl\xC3\xA9"
      "e\n";
  for (const char* verb : {"normalize", "tokenize", "stem", "lang"}) {
    const auto r = Text(verb, "bonjour\n" + bad + "fin\n");
    ASSERT_EQ(r.exit_code, 0) << verb << ": " << r.err;
    const auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 3u) << verb << " lost or added a line:\n" << r.out;
    EXPECT_NE(r.err.find("1 line(s) had invalid UTF-8"), std::string::npos) << verb << ": " << r.err;
    // Whatever the verb, its output is valid JSON or valid UTF-8 text.
    if (std::string(verb) == "tokenize" || std::string(verb) == "lang") {
      for (const auto& l : lines) EXPECT_TRUE(json::accept(l)) << l;
    }
  }
  const auto r = Text("normalize", bad);
  EXPECT_NE(r.out.find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD replaces the bad bytes";
  EXPECT_NE(r.out.find("brûlée"), std::string::npos) << "valid text around them is kept";
  const auto t = Text("tokenize", bad);
  const auto tokens = Tokens(Lines(t.out).at(0));
  EXPECT_NE(std::find(tokens.begin(), tokens.end(), "brûlée"), tokens.end()) << t.out;
}

TEST(TextCli, UsageErrors) {
  auto r = relais::testing::Run(RelaisBin() + " text");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = relais::testing::Run(RelaisBin() + " text frobnicate < /dev/null");
  EXPECT_EQ(r.exit_code, 2) << r.err;
}
