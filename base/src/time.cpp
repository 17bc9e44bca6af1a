// Time parsing and formatting; civil dates from C++20 <chrono> (the one calendar in relais: the
// synthetic world's writers use ToCivil too).
#include "relais/base/time.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "relais/base/civil.hpp"

namespace relais {

std::int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year_month_day{year{y}, month{m}, day{d}}}.time_since_epoch().count();
}

CivilTime ToCivil(TimeMs t) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{t}};
  const sys_days day_point = floor<days>(tp);
  const year_month_day ymd{day_point};
  const hh_mm_ss<milliseconds> hms{tp - day_point};
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()),
          static_cast<unsigned>(hms.seconds().count()),
          static_cast<unsigned>(hms.subseconds().count()),
          weekday{day_point}.c_encoding()};
}

namespace {

unsigned DaysInMonth(int y, unsigned m) {
  using namespace std::chrono;
  return static_cast<unsigned>(year_month_day_last{year{y}, month_day_last{month{m}}}.day());
}

struct Fields {
  int year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int offset_minutes = 0;
};

std::optional<TimeMs> Compose(const Fields& f) {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > DaysInMonth(f.year, f.month)) return std::nullopt;
  if (f.hour > 24 || f.minute > 59 || f.second > 60) return std::nullopt;
  if (f.hour == 24 && (f.minute || f.second)) return std::nullopt;
  std::int64_t days = DaysFromCivil(f.year, f.month, f.day);
  std::int64_t secs = days * 86400 + f.hour * 3600 + f.minute * 60 + (f.second == 60 ? 59 : f.second);
  secs -= static_cast<std::int64_t>(f.offset_minutes) * 60;
  return secs * 1000 + f.millis;
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    // Not peek() != c: at the end peek() is '\0', and a NUL in a format must not step past the end.
    if (done() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  void skip_spaces() {
    while (!done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  // Reads between min and max digits.
  bool digits(std::size_t min, std::size_t max, unsigned& out) {
    std::size_t n = 0;
    unsigned v = 0;
    while (n < max && !done() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      v = v * 10 + static_cast<unsigned>(s_[i_] - '0');
      ++i_;
      ++n;
    }
    out = v;
    return n >= min;
  }
  std::string_view word() {
    std::size_t b = i_;
    while (!done() && (std::isalpha(static_cast<unsigned char>(s_[i_])) || static_cast<unsigned char>(s_[i_]) >= 0x80))
      ++i_;
    return s_.substr(b, i_ - b);
  }
  std::string_view rest() const { return s_.substr(std::min(i_, s_.size())); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool ParseOffset(Cursor& c, int& offset_minutes) {
  if (c.eat('Z') || c.eat('z')) {
    offset_minutes = 0;
    return true;
  }
  int sign = 0;
  if (c.eat('+'))
    sign = 1;
  else if (c.eat('-'))
    sign = -1;
  else
    return false;
  unsigned hh = 0, mm = 0;
  if (!c.digits(2, 2, hh)) return false;
  c.eat(':');
  if (!c.done()) c.digits(2, 2, mm);
  offset_minutes = sign * static_cast<int>(hh * 60 + mm);
  return hh <= 23 && mm <= 59;
}

bool ParseFraction(Cursor& c, unsigned& millis) {
  if (!c.eat('.') && !c.eat(',')) return true;
  unsigned v = 0, n = 0;
  while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
    if (n < 3) v = v * 10 + static_cast<unsigned>(c.peek() - '0');
    ++n;
    c.eat(c.peek());
  }
  if (n == 0) return false;
  while (n < 3) {
    v *= 10;
    ++n;
  }
  millis = v;
  return true;
}

// Lower-cases ASCII and the Latin-1 capitals of UTF-8 (U+00C0–U+00DE but ×): "FÉVR" → "févr".
std::string FoldCase(std::string_view w) {
  std::string out(w);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const auto n = static_cast<unsigned char>(out[i + 1]);
      if (n >= 0x80 && n <= 0x9E && n != 0x97) out[i + 1] = static_cast<char>(n + 0x20);
      ++i;
    }
  }
  return out;
}

// A month from its English or French name or an abbreviation of it (a prefix of at least three
// letters that names one month only, "Sept", "févr", "FÉVR", "juil", "aout"…); 0 when none.
int MonthFromName(std::string_view w) {
  struct Name {
    const char* text;
    int month;
  };
  static constexpr std::array<Name, 30> kNames = {{
      {"january", 1},   {"february", 2},  {"march", 3},     {"april", 4},    {"may", 5},       {"june", 6},
      {"july", 7},      {"august", 8},    {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
      {"janvier", 1},   {"février", 2},   {"fevrier", 2},   {"mars", 3},     {"avril", 4},     {"mai", 5},
      {"juin", 6},      {"juillet", 7},   {"août", 8},      {"aout", 8},     {"septembre", 9}, {"octobre", 10},
      {"novembre", 11}, {"décembre", 12}, {"decembre", 12}, {"sept", 9},     {"févr", 2},      {"déc", 12},
  }};
  const std::string lower = FoldCase(w);
  const auto letters = std::count_if(lower.begin(), lower.end(), [](char c) { return (c & 0xC0) != 0x80; });
  if (letters < 3) return 0;
  int found = 0;
  for (const auto& name : kNames) {
    const std::string_view full = name.text;
    if (full.substr(0, std::min(full.size(), lower.size())) != lower || lower.size() > full.size()) continue;
    if (found && found != name.month) return 0;  // "jui": juin or juillet
    found = name.month;
  }
  return found;
}

bool ParseZoneName(std::string_view z, int& offset) {
  struct Zone {
    const char* name;
    int minutes;
  };
  static constexpr std::array<Zone, 12> kZones = {{{"GMT", 0},
                                                   {"UT", 0},
                                                   {"UTC", 0},
                                                   {"Z", 0},
                                                   {"EST", -300},
                                                   {"EDT", -240},
                                                   {"CST", -360},
                                                   {"CDT", -300},
                                                   {"MST", -420},
                                                   {"MDT", -360},
                                                   {"PST", -480},
                                                   {"PDT", -420}}};
  for (const auto& zone : kZones) {
    if (z == zone.name) {
      offset = zone.minutes;
      return true;
    }
  }
  if (z == "CET") {
    offset = 60;
    return true;
  }
  if (z == "CEST") {
    offset = 120;
    return true;
  }
  return false;
}

}  // namespace

std::optional<TimeMs> ParseIso8601(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  Cursor c(s);
  Fields f;
  unsigned y = 0;
  if (!c.digits(4, 4, y) || !c.eat('-')) return std::nullopt;
  f.year = static_cast<int>(y);
  if (!c.digits(2, 2, f.month) || !c.eat('-') || !c.digits(2, 2, f.day)) return std::nullopt;
  if (c.done()) return Compose(f);
  if (!c.eat('T') && !c.eat(' ') && !c.eat('t')) return std::nullopt;
  if (!c.digits(2, 2, f.hour) || !c.eat(':') || !c.digits(2, 2, f.minute)) return std::nullopt;
  if (c.eat(':')) {
    if (!c.digits(2, 2, f.second) || !ParseFraction(c, f.millis)) return std::nullopt;
  }
  c.skip_spaces();
  if (!c.done() && !ParseOffset(c, f.offset_minutes) && !ParseZoneName(c.word(), f.offset_minutes)) return std::nullopt;
  c.skip_spaces();
  if (!c.done()) return std::nullopt;  // nothing may follow the offset or zone
  return Compose(f);
}

std::optional<TimeMs> ParseTwitterDate(std::string_view s) {
  // "Fri Jan 08 23:21:00 +0000 2021"
  Cursor c(s);
  c.skip_spaces();
  c.word();
  c.skip_spaces();
  Fields f;
  int month = MonthFromName(c.word());
  if (!month) return std::nullopt;
  f.month = static_cast<unsigned>(month);
  c.skip_spaces();
  if (!c.digits(1, 2, f.day)) return std::nullopt;
  c.skip_spaces();
  if (!c.digits(2, 2, f.hour) || !c.eat(':') || !c.digits(2, 2, f.minute) || !c.eat(':') || !c.digits(2, 2, f.second))
    return std::nullopt;
  c.skip_spaces();
  if (!ParseOffset(c, f.offset_minutes)) return std::nullopt;
  c.skip_spaces();
  unsigned y = 0;
  if (!c.digits(4, 4, y)) return std::nullopt;
  f.year = static_cast<int>(y);
  c.skip_spaces();
  if (!c.done()) return std::nullopt;
  return Compose(f);
}

std::optional<TimeMs> ParseRfc822(std::string_view s) {
  Cursor c(s);
  c.skip_spaces();
  Fields f;
  if (std::isalpha(static_cast<unsigned char>(c.peek()))) {
    c.word();
    c.eat(',');
    c.skip_spaces();
  }
  if (!c.digits(1, 2, f.day)) return std::nullopt;
  c.skip_spaces();
  int month = MonthFromName(c.word());
  if (!month) return std::nullopt;
  f.month = static_cast<unsigned>(month);
  c.eat('.');
  c.skip_spaces();
  unsigned y = 0;
  Cursor save = c;
  if (c.digits(4, 4, y)) {
    f.year = static_cast<int>(y);
  } else {
    c = save;
    if (!c.digits(2, 2, y)) return std::nullopt;
    f.year = static_cast<int>(y < 70 ? 2000 + y : 1900 + y);
  }
  c.skip_spaces();
  if (!c.digits(1, 2, f.hour) || !c.eat(':') || !c.digits(2, 2, f.minute)) return std::nullopt;
  if (c.eat(':') && !c.digits(2, 2, f.second)) return std::nullopt;
  c.skip_spaces();
  if (!c.done() && !ParseOffset(c, f.offset_minutes) && !ParseZoneName(c.word(), f.offset_minutes)) return std::nullopt;
  c.skip_spaces();
  if (c.eat('(')) {  // an RFC 2822 comment such as "+0200 (CEST)"
    while (!c.done() && c.peek() != ')') c.eat(c.peek());
    if (!c.eat(')')) return std::nullopt;
    c.skip_spaces();
  }
  if (!c.done()) return std::nullopt;
  return Compose(f);
}

std::optional<TimeMs> ParseWithFormat(std::string_view s, std::string_view format) {
  Cursor c(s);
  Fields f;
  bool pm = false, has_ampm = false;
  std::optional<TimeMs> epoch_ms;  // %s: seconds since the epoch, the whole time
  for (std::size_t i = 0; i < format.size(); ++i) {
    char fc = format[i];
    if (fc != '%') {
      if (fc == ' ') {
        c.skip_spaces();
        continue;
      }
      if (!c.eat(fc)) return std::nullopt;
      continue;
    }
    if (++i >= format.size()) return std::nullopt;
    unsigned v = 0;
    switch (format[i]) {
      case 'Y':
        if (!c.digits(4, 4, v)) return std::nullopt;
        f.year = static_cast<int>(v);
        break;
      case 'y':
        if (!c.digits(2, 2, v)) return std::nullopt;
        f.year = static_cast<int>(v < 69 ? 2000 + v : 1900 + v);
        break;
      case 'm':
        if (!c.digits(1, 2, f.month)) return std::nullopt;
        break;
      case 'd':
      case 'e':
        c.skip_spaces();
        if (!c.digits(1, 2, f.day)) return std::nullopt;
        break;
      case 'H':
      case 'I':
        if (!c.digits(1, 2, f.hour)) return std::nullopt;
        break;
      case 'M':
        if (!c.digits(1, 2, f.minute)) return std::nullopt;
        break;
      case 'S':
        if (!c.digits(1, 2, f.second) || !ParseFraction(c, f.millis)) return std::nullopt;
        break;
      case 'p': {
        std::string_view w = c.word();
        has_ampm = true;
        pm = w == "PM" || w == "pm";
        break;
      }
      case 'b':
      case 'B':
      case 'h': {
        int m = MonthFromName(c.word());
        if (!m) return std::nullopt;
        c.eat('.');
        f.month = static_cast<unsigned>(m);
        break;
      }
      case 'a':
      case 'A':
        c.word();
        c.eat('.');
        break;
      case 'z':
        if (!ParseOffset(c, f.offset_minutes)) return std::nullopt;
        break;
      case 'Z':
        if (!ParseZoneName(c.word(), f.offset_minutes)) return std::nullopt;
        break;
      case 'T': {
        if (!c.digits(1, 2, f.hour) || !c.eat(':') || !c.digits(2, 2, f.minute) || !c.eat(':') ||
            !c.digits(2, 2, f.second))
          return std::nullopt;
        break;
      }
      case 'F': {
        unsigned y = 0;
        if (!c.digits(4, 4, y) || !c.eat('-') || !c.digits(1, 2, f.month) || !c.eat('-') || !c.digits(1, 2, f.day))
          return std::nullopt;
        f.year = static_cast<int>(y);
        break;
      }
      case 's': {
        const std::string_view rest = c.rest();
        std::int64_t secs = 0;
        const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), secs);
        if (ec != std::errc() || end == rest.data() || rest.front() == '-') return std::nullopt;  // also overflow
        if (secs > std::numeric_limits<TimeMs>::max() / 1000) return std::nullopt;
        for (auto p = rest.data(); p != end; ++p) c.eat(*p);
        epoch_ms = secs * 1000;
        break;
      }
      case '%':
        if (!c.eat('%')) return std::nullopt;
        break;
      default:
        return std::nullopt;
    }
  }
  c.skip_spaces();
  if (!c.done()) return std::nullopt;
  if (epoch_ms) return epoch_ms;
  if (has_ampm) {
    if (f.hour == 12) f.hour = 0;
    if (pm) f.hour += 12;
  }
  return Compose(f);
}

std::optional<TimeMs> ParseAnyTime(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  bool all_digits = true;
  for (char ch : s) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(ch));
  if (all_digits && s.size() <= 13) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);  // at most 13 digits: cannot overflow
    return s.size() >= 12 ? v : v * 1000;               // 12-13 digits: milliseconds
  }
  if (auto t = ParseIso8601(s)) return t;
  if (auto t = ParseTwitterDate(s)) return t;
  if (auto t = ParseRfc822(s)) return t;
  if (auto t = ParseWithFormat(s, "%d/%m/%Y %H:%M:%S")) return t;
  if (auto t = ParseWithFormat(s, "%d/%m/%Y %H:%M")) return t;
  if (auto t = ParseWithFormat(s, "%d/%m/%Y")) return t;
  return std::nullopt;
}

std::string FormatIso8601(TimeMs t) {
  // <chrono>'s years span -32767..32767: a time beyond them (only from corrupt input) is shown raw.
  constexpr TimeMs kLimit = 30'000LL * 36'525 / 100 * 86'400'000;  // ~30,000 years either side of 1970
  if (t < -kLimit || t > kLimit) return std::to_string(t) + " ms since 1970";
  const CivilTime c = ToCivil(t);
  char buf[48];
  if (c.millisecond) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, c.millisecond);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second);
  }
  return buf;
}

std::optional<DurationMs> ParseDuration(std::string_view s) {
  std::size_t i = 0;
  double v = 0;
  bool any = false, frac = false;
  double scale = 0.1;
  for (; i < s.size(); ++i) {
    char ch = s[i];
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      any = true;
      if (frac) {
        v += (ch - '0') * scale;
        scale /= 10;
      } else {
        v = v * 10 + (ch - '0');
      }
    } else if (ch == '.' && !frac) {
      frac = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  std::string_view unit = s.substr(i);
  double mult;
  if (unit == "ms")
    mult = 1;
  else if (unit == "s" || unit.empty())
    mult = 1000;
  else if (unit == "m" || unit == "min")
    mult = 60e3;
  else if (unit == "h")
    mult = 3600e3;
  else if (unit == "d")
    mult = 86400e3;
  else if (unit == "w")
    mult = 7 * 86400e3;
  else
    return std::nullopt;
  const double ms = v * mult + 0.5;
  // Beyond int64 (about 292 million years) the conversion would be undefined: refused.
  if (!(ms < 9.2e18)) return std::nullopt;
  return static_cast<DurationMs>(ms);
}

}  // namespace relais
