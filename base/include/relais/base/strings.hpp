// Small ASCII string helpers shared by the modules (CSV fields, handles, registry keys).
#pragma once

#include <string>
#include <string_view>

namespace relais {

/// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view Trim(std::string_view s);

/// ASCII lower-case copy (bytes outside A–Z unchanged, so UTF-8 passes through).
std::string ToLowerAscii(std::string_view s);

}  // namespace relais
