// Time in relais: int64 milliseconds since the Unix epoch, UTC. Parsers for the formats real data uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relais {

using TimeMs = std::int64_t;  // ms since 1970-01-01T00:00Z
using DurationMs = std::int64_t;

/// Parses ISO 8601 / RFC 3339: "2021-01-08", "2021-01-08T23:21Z", "2021-01-08T23:21:05.123+01:00",
/// "2021-01-08 23:21:05" (UTC assumed without offset). nullopt when invalid (incl. Feb 31).
std::optional<TimeMs> ParseIso8601(std::string_view s);

/// Twitter v1.1 created_at: "Fri Jan 08 23:21:00 +0000 2021".
std::optional<TimeMs> ParseTwitterDate(std::string_view s);

/// RFC 822 / RFC 2822 dates as in RSS: "Fri, 08 Jan 2021 23:21:00 +0100" (also GMT/UT/EST… zones).
std::optional<TimeMs> ParseRfc822(std::string_view s);

/// strftime-style format subset: %Y %m %d %H %M %S %y %b %B(English and French) %z %Z %e %j %T %F %%.
std::optional<TimeMs> ParseWithFormat(std::string_view s, std::string_view format);

/// Any of the above that fits, plus Unix seconds/ms as digits. Used when the format is unknown.
std::optional<TimeMs> ParseAnyTime(std::string_view s);

/// "2021-01-08T23:21:00Z" (milliseconds shown only when non-zero).
std::string FormatIso8601(TimeMs t);

/// "15m", "12h", "30d", "90s", "2w", "500ms" → milliseconds. nullopt when invalid.
std::optional<DurationMs> ParseDuration(std::string_view s);

/// Days from civil (proleptic Gregorian). Exposed for tests and generators.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);

}  // namespace relais
