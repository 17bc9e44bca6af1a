// Time parsing and formatting; civil-date arithmetic after H. Hinnant's "chrono-compatible
// low-level date algorithms".
#include "relais/base/time.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace relais {

std::int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {

struct Civil {
  int year;
  unsigned month, day;
};

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
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
    if (peek() != c) return false;
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

int MonthFromName(std::string_view w) {
  static constexpr std::array<const char*, 12> kEn = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::array<const char*, 12> kFr = {"janv", "févr", "mars", "avr", "mai", "juin",
                                                      "juil", "août", "sept", "oct", "nov", "déc"};
  std::string lower;
  for (char ch : w) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    if (lower.compare(0, 3, kEn[m]) == 0) return m + 1;
  }
  for (int m = 0; m < 12; ++m) {
    std::string_view fr = kFr[m];
    if (lower.compare(0, std::min(fr.size(), lower.size()), fr.substr(0, std::min(fr.size(), lower.size()))) == 0 &&
        lower.size() >= 3)
      return m + 1;
  }
  if (lower.rfind("fevr", 0) == 0) return 2;
  if (lower.rfind("aout", 0) == 0) return 8;
  if (lower.rfind("dec", 0) == 0) return 12;
  return 0;
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
  if (!c.done() && !ParseOffset(c, f.offset_minutes)) {
    Cursor z(c.rest());
    if (!ParseZoneName(z.word(), f.offset_minutes)) return std::nullopt;
    return Compose(f);
  }
  if (!c.done()) return std::nullopt;
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
  if (!c.done() && !ParseOffset(c, f.offset_minutes)) {
    if (!ParseZoneName(c.word(), f.offset_minutes)) return std::nullopt;
  }
  return Compose(f);
}

std::optional<TimeMs> ParseWithFormat(std::string_view s, std::string_view format) {
  Cursor c(s);
  Fields f;
  bool pm = false, has_ampm = false;
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
        auto t = ParseWithFormat(c.rest(), "%H:%M:%S");
        (void)t;
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
        std::string digits;
        while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
          digits += c.peek();
          c.eat(c.peek());
        }
        if (digits.empty()) return std::nullopt;
        return static_cast<TimeMs>(std::stoll(digits)) * 1000;
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
    std::int64_t v = std::stoll(std::string(s));
    return s.size() >= 12 ? v : v * 1000;  // 12-13 digits: milliseconds
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
  std::int64_t secs = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
  int millis = static_cast<int>(t - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  std::int64_t rem = secs - days * 86400;
  Civil c = CivilFromDays(days);
  char buf[48];
  if (millis) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", c.year, c.month, c.day,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
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
  return static_cast<DurationMs>(v * mult + 0.5);
}

}  // namespace relais
