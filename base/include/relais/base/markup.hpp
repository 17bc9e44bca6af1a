// Escaping text for XML and HTML output (GEXF, GraphML, the demo report's HTML and SVG).
#pragma once

#include <string>
#include <string_view>

namespace relais {

/// Escapes & < > " ' as entities and drops the C0 control characters XML 1.0 forbids (tab, LF and CR
/// are kept), so the result is valid in XML and HTML text and attribute values.
std::string EscapeMarkup(std::string_view s);

}  // namespace relais
