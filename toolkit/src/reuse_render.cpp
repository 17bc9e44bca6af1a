// Rendering of a reuse explanation (relais reuse --explain): JSON, and two columns for a terminal.
#include <iomanip>
#include <sstream>

#include "relais/base/time.hpp"
#include "relais/toolkit/reuse.hpp"

namespace relais::toolkit {
namespace {

nlohmann::json Span(text::TokenSpan s) { return nlohmann::json::array({s.begin, s.end}); }

std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

// Words of `s` gathered into lines of at most `width` bytes (a longer word makes a line of its own).
std::vector<std::string> Wrap(const std::string& s, std::size_t width) {
  std::vector<std::string> lines(1);
  std::istringstream in(s);
  std::string w;
  while (in >> w) {
    if (!lines.back().empty() && lines.back().size() + 1 + w.size() > width) lines.emplace_back();
    if (!lines.back().empty()) lines.back() += ' ';
    lines.back() += w;
  }
  return lines;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

nlohmann::json ExplanationJson(const ReuseExplanation& e) {
  const auto& f = e.flow;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : e.rows) {
    static const char* kOps[] = {"equal", "changed", "source_only", "target_only"};
    rows.push_back({{"op", kOps[static_cast<int>(r.op)]}, {"source", r.source_text}, {"target", r.target_text}});
  }
  return nlohmann::json{{"source", f.source_key},
                        {"target", f.target_key},
                        {"score", f.score},
                        {"alignment_score", f.alignment_score},
                        {"containment", f.containment},
                        {"source_span", Span(f.source_span)},
                        {"target_span", Span(f.target_span)},
                        {"rows", rows}};
}

std::string ExplanationSideBySide(const ReuseExplanation& e, std::size_t width) {
  const auto& f = e.flow;
  std::ostringstream out;
  out << "source  " << f.source_key << "  (" << FormatIso8601(f.source_time) << ")  tokens [" << f.source_span.begin
      << ", " << f.source_span.end << ")\n"
      << "target  " << f.target_key << "  (" << FormatIso8601(f.target_time) << ")  tokens [" << f.target_span.begin
      << ", " << f.target_span.end << ")\n"
      << "score " << Fixed(f.score, 3) << "  alignment " << Fixed(f.alignment_score, 1) << "  containment "
      << Fixed(f.containment, 3) << "\n\n";
  if (e.rows.empty()) {
    out << "(no aligned passage)\n";
    return out.str();
  }
  for (const auto& r : e.rows) {
    const char mark = r.op == AlignedRow::Op::kEqual        ? ' '
                      : r.op == AlignedRow::Op::kChanged    ? '~'
                      : r.op == AlignedRow::Op::kSourceOnly ? '-'
                                                            : '+';
    const auto left = Wrap(r.source_text, width), right = Wrap(r.target_text, width);
    for (std::size_t k = 0; k < std::max(left.size(), right.size()); ++k) {
      const std::string l = k < left.size() ? left[k] : "", rt = k < right.size() ? right[k] : "";
      // Pad by code points so accented text lines up.
      const std::size_t cp = CodePoints(l);
      out << mark << ' ' << l << std::string(cp < width ? width - cp : 1, ' ') << "| " << rt << '\n';
    }
  }
  return out.str();
}

}  // namespace relais::toolkit
