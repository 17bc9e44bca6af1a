// relais text normalize|tokenize|stem|lang: filters on stdin lines, one output line per input line.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "relais/text/lang.hpp"
#include "relais/text/normalize.hpp"
#include "relais/text/stem.hpp"
#include "relais/text/tokenize.hpp"

namespace relais::cli {
namespace {

template <typename F>
void ForEachLine(F&& f) {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    f(line);
  }
  std::cout.flush();
}

void ReportInvalid(std::size_t num_lines) {
  if (num_lines > 0) std::cerr << "relais text: " << num_lines << " line(s) had invalid UTF-8, replaced by U+FFFD\n";
}

}  // namespace

void RegisterText(CLI::App& app, CliContext& ctx) {
  auto* text = app.add_subcommand("text", "French text tools: filters on stdin lines");
  text->require_subcommand(1);

  auto* normalize = text->add_subcommand("normalize", "print each line normalised (NFC, apostrophes, spaces)");
  static text::NormalizeOptions norm_options;
  normalize->add_flag("--lower", norm_options.lower, "case-fold");
  normalize->add_flag("--fold-accents", norm_options.fold_accents, "strip accents");
  normalize->callback([] {
    std::size_t invalid_lines = 0;
    ForEachLine([&](const std::string& line) {
      const text::NormalizeResult r = text::Normalize(line, norm_options);
      invalid_lines += r.num_invalid > 0;
      std::cout << r.text << '\n';
    });
    ReportInvalid(invalid_lines);
  });

  auto* tokenize = text->add_subcommand("tokenize", "print {\"tokens\":[…]} for each line");
  static bool with_kinds = false;
  tokenize->add_flag("--kinds", with_kinds, "also print each token's kind");
  tokenize->callback([] {
    std::size_t invalid_lines = 0;
    ForEachLine([&](const std::string& line) {
      text::TokenizeStats stats;
      const auto tokens = text::TokenizeFrench(line, &stats);
      invalid_lines += stats.num_invalid > 0;
      nlohmann::json out = {{"tokens", nlohmann::json::array()}};
      for (const auto& t : tokens) out["tokens"].push_back(t.text);
      if (with_kinds) {
        out["kinds"] = nlohmann::json::array();
        for (const auto& t : tokens) out["kinds"].push_back(text::TokenKindName(t.kind));
      }
      std::cout << out.dump() << '\n';
    });
    ReportInvalid(invalid_lines);
  });

  auto* stem = text->add_subcommand("stem", "print the Snowball French stem of each line's word");
  stem->callback([] {
    text::FrenchStemmer stemmer;
    std::size_t invalid_lines = 0;
    ForEachLine([&](const std::string& line) {
      const text::NormalizeResult word = text::Normalize(line, {.lower = true});
      invalid_lines += word.num_invalid > 0;
      std::cout << stemmer.Stem(word.text) << '\n';
    });
    ReportInvalid(invalid_lines);
  });

  auto* lang = text->add_subcommand("lang", "print {\"lang\",\"confidence\"} for each line");
  lang->callback([] {
    std::size_t invalid_lines = 0;
    ForEachLine([&](const std::string& line) {
      invalid_lines += text::Normalize(line, {}).num_invalid > 0;
      const text::LanguageGuess g = text::DetectLanguage(line);
      std::cout << nlohmann::json{{"lang", g.lang}, {"confidence", g.confidence}, {"reliable", g.reliable}}.dump()
                << '\n';
    });
    ReportInvalid(invalid_lines);
  });
  (void)ctx;
}

}  // namespace relais::cli
