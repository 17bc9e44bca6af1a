// URL canonicalisation: one key per article however it was shared. Rules are tables (host prefixes,
// tracking parameters, AMP markers, shorteners) applied by a small RFC 3986 splitter; see
// docs/registry.md for the rules and the measured agreement with médialab's ural.
#include "relais/corpora/url.hpp"

#include <unicode/uidna.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relais::corpora {
namespace {

// ---------------------------------------------------------------------------------------------
// Tables

/// Leading host labels that never distinguish content ("www2.lemonde.fr" is "lemonde.fr").
constexpr std::string_view kDroppedHostLabels[] = {"www", "m", "mobile", "amp"};

/// Hosts rewritten to the host that serves the same content.
struct HostAlias {
  std::string_view from, to;
};
constexpr HostAlias kHostAliases[] = {{"x.com", "twitter.com"}};

/// Query parameters dropped everywhere (compared lower-case, after percent-decoding).
constexpr std::string_view kTrackingParams[] = {
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "twclid", "yclid", "wbraid", "gbraid", "igshid", "igsh", "mc_cid",
    "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "xtor", "xtref", "xts", "xtcr", "xtnp", "xtloc", "xtdt",
    "cmpid", "echobox", "__twitter_impression", "ref_src", "ref_url", "action_object_map", "action_type_map",
    "action_ref_map", "guccounter", "guce_referrer", "guce_referrer_sig", "_guc_consent_skip", "mibextid", "_unique_id",
    "usqp", "ao_noptimize", "cn-reloaded", "campaignid", "adgroupid", "ocid", "een", "_ft_",
    // AMP switches (the AMP page is the same article)
    "amp", "wpamp", "_amp"};

/// Parameter-name prefixes dropped everywhere: Google Analytics, AT Internet, comScore, Matomo,
/// Piwik, Le Monde newsletters, AMP viewer, Facebook shares, HubSpot ads.
constexpr std::string_view kTrackingPrefixes[] = {"utm_", "at_",  "ns_", "mtm_",    "pk_",
                                                  "lmd_", "amp_", "fb_", "__cft__", "hsa_"};

/// Parameters dropped when their value says where the click came from (`source=twitter`).
constexpr std::string_view kReferrerParams[] = {"source", "from", "fromref", "platform", "origin"};
constexpr std::string_view kReferrerValues[] = {"twitter",   "facebook", "fb",        "tw",       "tweet",
                                                "hootsuite", "linkedin", "instagram", "whatsapp", "rss"};

/// Parameters whose value `amp` marks the AMP version (`outputType=amp`).
constexpr std::string_view kAmpValuedParams[] = {"outputtype", "mode", "output"};

/// Parameters dropped only on some hosts (the host after alias and prefix rules).
struct HostParams {
  std::string_view host;
  std::array<std::string_view, 16> params;
};
constexpr HostParams kHostParams[] = {
    {"twitter.com", {"s", "t", "src", "lang"}},
    {"youtube.com", {"feature", "si", "ab_channel", "cbrd", "ucbcb", "pp"}},
    {"facebook.com",
     {"__tn__", "__xts__", "refid", "_rdc", "_rdr", "hc_ref", "hc_location", "fref", "ref", "_ft_", "__mref", "paipv",
      "eav", "comment_tracking", "notif_id", "notif_t"}},
    {"instagram.com", {"hl", "taken-by"}},
};

/// Link shorteners: a URL on one of these hosts, with a path, names another URL. youtu.be is NOT
/// listed: it names one video and is rewritten to youtube.com/watch?v=ID without any network.
constexpr std::string_view kShorteners[] = {
    "t.co",        "bit.ly",  "bitly.com",  "j.mp",        "ow.ly",      "ht.ly",      "buff.ly",
    "tinyurl.com", "goo.gl",  "dlvr.it",    "is.gd",       "v.gd",       "lnkd.in",    "fb.me",
    "tiny.cc",     "cutt.ly", "rebrand.ly", "shorturl.at", "t.ly",       "rb.gy",      "s.id",
    "trib.al",     "ift.tt",  "wp.me",      "amzn.to",     "apple.co",   "spoti.fi",   "nyti.ms",
    "wapo.st",     "reut.rs", "bbc.in",     "cnn.it",      "econ.st",    "huffp.st",   "pdora.co",
    "po.st",       "ln.is",   "su.pr",      "tr.im",       "x.co",       "snip.ly",    "bl.ink",
    "smarturl.it", "dai.ly",  "lemde.fr",   "lc.cx",       "urlz.fr",    "frama.link", "l.francebleu.fr",
    "easyurl.com", "➽.ws",    "qr.ae",      "mf.tt",       "bddy.me",    "shar.es",    "zpr.io",
    "flip.it",     "hubs.ly", "hubs.la",    "mailchi.mp",  "eepurl.com", "soo.gd",     "fal.cn",
    "tinu.be",     "gen.al",  "tny.im",     "u.to",        "clck.ru",    "vk.cc"};

// ---------------------------------------------------------------------------------------------
// Small helpers

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool IsSubDelim(unsigned char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
         c == ';' || c == '=';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendPercent(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

std::string AsciiLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

template <typename Table>
bool InTable(const Table& table, std::string_view s) {
  return std::find(std::begin(table), std::end(table), s) != std::end(table);
}

/// Normalises percent-encoding in a path or query component: unreserved characters decoded,
/// other escapes upper-cased, a stray '%' escaped, and characters that may not appear raw
/// (space, controls, non-ASCII bytes, quotes, brackets…) escaped. `extra_ok` lists characters
/// kept raw besides unreserved and sub-delimiters ('+' stays raw: in a query it may mean a space).
std::string NormalizeComponent(std::string_view s, std::string_view extra_ok) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t pos = 0; pos < s.size(); ++pos) {
    const auto c = static_cast<unsigned char>(s[pos]);
    if (c == '%') {
      const int hi = pos + 2 < s.size() ? HexValue(s[pos + 1]) : -1;
      const int lo = pos + 2 < s.size() ? HexValue(s[pos + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
        if (IsUnreserved(decoded)) {
          out.push_back(static_cast<char>(decoded));
        } else {
          AppendPercent(&out, decoded);
        }
        pos += 2;
      } else {
        AppendPercent(&out, '%');
      }
      continue;
    }
    if (IsUnreserved(c) || IsSubDelim(c) || extra_ok.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendPercent(&out, c);
    }
  }
  return out;
}

/// Percent-decodes (for comparing parameter names against the tables).
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t pos = 0; pos < s.size(); ++pos) {
    if (s[pos] == '%' && pos + 2 < s.size() && HexValue(s[pos + 1]) >= 0 && HexValue(s[pos + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[pos + 1]) * 16 + HexValue(s[pos + 2])));
      pos += 2;
    } else {
      out.push_back(s[pos]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Splitting

struct UrlParts {
  std::string host;      // normalised (see NormalizeHost)
  std::string port;      // non-default port, digits only
  std::string path;      // raw, starts with '/' or is empty
  std::string query;     // raw, without '?'
  std::string fragment;  // raw, without '#'
};

/// Removes ASCII controls anywhere (WHATWG strips tab/newline; a NUL is never meaningful) and
/// surrounding spaces.
std::string CleanInput(std::string_view url) {
  std::string s;
  s.reserve(url.size());
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) continue;
    s.push_back(ch);
  }
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(' ');
  return s.substr(first, last - first + 1);
}

/// Converts IDNA labels (`xn--…`) and upper-case Unicode to lower-case Unicode (UTS #46).
/// Returns false when ICU rejects the name (then the caller keeps the ASCII-lowered bytes).
bool HostToUnicode(const std::string& host, std::string* out) {
  struct Closer {
    void operator()(UIDNA* p) const { uidna_close(p); }
  };
  static const std::unique_ptr<UIDNA, Closer> idna = [] {
    UErrorCode err = U_ZERO_ERROR;
    UIDNA* p = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_UNICODE, &err);
    return std::unique_ptr<UIDNA, Closer>(U_FAILURE(err) ? nullptr : p);
  }();
  if (!idna) return false;
  std::string buf(host.size() * 4 + 16, '\0');
  UErrorCode err = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const int32_t n = uidna_nameToUnicodeUTF8(idna.get(), host.data(), static_cast<int32_t>(host.size()), buf.data(),
                                            static_cast<int32_t>(buf.size()), &info, &err);
  if (U_FAILURE(err) || info.errors != 0 || n <= 0) return false;
  buf.resize(static_cast<std::size_t>(n));
  *out = std::move(buf);
  return true;
}

bool IsValidHostByte(unsigned char c) {
  if (c >= 0x80) return true;  // Unicode host (IDN)
  return IsUnreserved(c) || (c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
                             c == '+' || c == ',' || c == ';' || c == '=');
}

/// Trailing dots dropped, a host of valid bytes, not empty, without an empty label.
bool TrimAndCheckHost(std::string& host) {
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty() || host.front() == '.' || host.find("..") != std::string::npos) return false;
  return std::all_of(host.begin(), host.end(), [](char c) { return IsValidHostByte(static_cast<unsigned char>(c)); });
}

/// Lower-cases, decodes IDN, drops a trailing dot, `www.`/`www2.`/`m.`/`mobile.`/`amp.` leading
/// labels and an `amp-` label prefix, and applies host aliases. Returns false for an invalid host.
bool NormalizeHost(std::string_view raw, std::string* out) {
  if (raw.empty()) return false;
  std::string host;
  if (raw.front() == '[') {  // IPv6 literal: keep as is, lower-cased
    if (raw.back() != ']') return false;
    *out = AsciiLower(raw);
    return true;
  }
  host = AsciiLower(raw);
  if (!TrimAndCheckHost(host)) return false;
  const bool needs_idna = host.find("xn--") != std::string::npos ||
                          std::any_of(host.begin(), host.end(), [](char c) { return (c & 0x80) != 0; });
  if (needs_idna) {
    // Kept only when it is a host again: UTS #46 maps some characters to a space or dots ("\u0385" to " \u0308
    // \u0301"), which the next canonicalisation would reject, so the canonical form would not be a fixed point.
    std::string unicode;
    if (HostToUnicode(host, &unicode) && TrimAndCheckHost(unicode)) host = std::move(unicode);
  }
  // Drop meaningless leading labels while a registrable name (with a dot) remains.
  for (;;) {
    const auto dot = host.find('.');
    if (dot == std::string::npos || host.find('.', dot + 1) == std::string::npos) break;
    const std::string_view label(host.data(), dot);
    std::string_view base = label;
    while (!base.empty() && base.back() >= '0' && base.back() <= '9') base.remove_suffix(1);
    const bool numbered_www = base == "www" && base.size() < label.size();
    if (InTable(kDroppedHostLabels, label) || numbered_www) {
      host.erase(0, dot + 1);
      continue;
    }
    if (StartsWith(label, "amp-") && label.size() > 4) {
      host.erase(0, 4);
      continue;
    }
    break;
  }
  // "en.m.wikipedia.org": a mobile label inside the name, above the registrable part.
  for (std::size_t start = host.find('.') + 1; start != 0 && start < host.size();) {
    const auto dot = host.find('.', start);
    if (dot == std::string::npos || host.find('.', dot + 1) == std::string::npos) break;
    const std::string_view label(host.data() + start, dot - start);
    if (label == "m" || label == "mobile") {
      host.erase(start, dot - start + 1);
      continue;
    }
    start = dot + 1;
  }
  for (const auto& alias : kHostAliases) {
    if (host == alias.from) host = std::string(alias.to);
  }
  *out = std::move(host);
  return true;
}

/// Splits an http(s) URL. With `allow_schemeless`, "host/path" and "//host/path" are accepted too.
bool SplitUrl(std::string_view input, bool allow_schemeless, UrlParts* parts) {
  const std::string s = CleanInput(input);
  std::string_view rest = s;
  const auto sep = rest.find("://");
  if (sep != std::string_view::npos && sep < rest.find_first_of("/?#")) {
    const std::string scheme = AsciiLower(rest.substr(0, sep));
    if (scheme != "http" && scheme != "https") return false;
    rest.remove_prefix(sep + 3);
  } else if (StartsWith(rest, "//") && allow_schemeless) {
    rest.remove_prefix(2);
  } else if (!allow_schemeless) {
    return false;
  }
  const auto authority_end = rest.find_first_of("/?#\\");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  }
  if (!NormalizeHost(host, &parts->host)) return false;
  if (allow_schemeless && sep == std::string_view::npos && parts->host.find('.') == std::string::npos) {
    return false;  // "foo/bar" is not a URL
  }
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  parts->port = (port == "80" || port == "443") ? std::string() : std::string(port);
  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    parts->fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const auto qmark = rest.find('?');
  if (qmark != std::string_view::npos) {
    parts->query = std::string(rest.substr(qmark + 1));
    rest = rest.substr(0, qmark);
  }
  parts->path = std::string(rest);
  std::replace(parts->path.begin(), parts->path.end(), '\\', '/');
  return true;
}

std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> segs;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segs.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segs;
}

// ---------------------------------------------------------------------------------------------
// Path and query rules

/// "index.html", "default.aspx"… (lower-case only: paths are case-sensitive, INDEX.HTML is a file).
bool IsIndexPage(std::string_view seg) {
  const auto dot = seg.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view stem = seg.substr(0, dot);
  const std::string_view ext = seg.substr(dot + 1);
  if (stem != "index" && stem != "default") return false;
  constexpr std::string_view kExts[] = {"html", "htm", "xhtml", "php", "php3", "php4",
                                        "php5", "asp", "aspx",  "jsp", "cfm",  "shtml"};
  return InTable(kExts, ext);
}

// One pass of CanonicalPath. Not a fixed point on its own: dropping a last segment ("/amp", ".", an index page)
// makes the one before it last, whose AMP marker the next pass strips; a segment may hold several markers.
std::string CanonicalPathOnce(std::string_view raw_path) {
  const std::string normalized = NormalizeComponent(raw_path, "/:@");
  const auto raw_segs = SplitSegments(normalized);
  std::vector<std::string> segs;
  for (std::size_t idx = 0; idx < raw_segs.size(); ++idx) {
    std::string seg(raw_segs[idx]);
    if (idx + 1 == raw_segs.size()) {  // AMP markers on the last segment, before dot segments
      for (bool changed = true; changed;) {
        changed = false;
        if (EndsWith(seg, ".amp") && seg.size() > 4) {
          seg.resize(seg.size() - 4);
          changed = true;
        } else if (const auto p = seg.find(".amp."); p != std::string::npos && p > 0) {
          seg.erase(p, 4);  // article.amp.html -> article.html
          changed = true;
        }
      }
    }
    if (seg == ".") continue;
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
      continue;
    }
    if (seg == "amp") continue;  // /amp/ segments and the /amp suffix
    segs.push_back(std::move(seg));
  }
  if (!segs.empty() && IsIndexPage(segs.back())) segs.pop_back();
  std::string out;
  for (const auto& seg : segs) {
    out.push_back('/');
    out += seg;
  }
  return out;
}

// The canonical path: passes until nothing changes (each change shortens the path; bounded all the same), so
// CanonicalizeUrl is a fixed point on its own output (found by the fuzz_url campaign:
// "/us-/}ser/-<.amp.--<.amp.--e" lost one marker per pass).
std::string CanonicalPath(std::string_view raw_path) {
  std::string out = CanonicalPathOnce(raw_path);
  for (int pass = 0; pass < 16; ++pass) {
    std::string next = CanonicalPathOnce(out);
    if (next == out) break;
    out = std::move(next);
  }
  return out;
}

bool IsTrackingParam(std::string_view host, const std::string& name, const std::string& value) {
  if (InTable(kTrackingParams, name)) return true;
  for (auto prefix : kTrackingPrefixes) {
    if (StartsWith(name, prefix)) return true;
  }
  const std::string lvalue = AsciiLower(value);
  if (InTable(kReferrerParams, name) && InTable(kReferrerValues, lvalue)) return true;
  if (InTable(kAmpValuedParams, name) && lvalue == "amp") return true;
  // ref=fb, fref=ts, refid=28 are click origins; ref=/some/path is a real argument.
  if ((name == "ref" || name == "fref" || name == "refid") && value.find_first_of("/:.") == std::string::npos) {
    return true;
  }
  for (const auto& hp : kHostParams) {
    if (hp.host != host) continue;
    for (auto p : hp.params) {
      if (!p.empty() && p == name) return true;
    }
  }
  return false;
}

std::string CanonicalQuery(std::string_view host, std::string_view raw_query) {
  std::vector<std::string> kept;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    const auto amp = raw_query.find('&', start);
    const auto end = amp == std::string_view::npos ? raw_query.size() : amp;
    std::string_view piece = raw_query.substr(start, end - start);
    if (StartsWith(piece, "amp;")) piece.remove_prefix(4);  // "&amp;" left over from HTML
    if (!piece.empty()) {
      const auto eq = piece.find('=');
      const std::string_view raw_name = piece.substr(0, eq);
      const std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
      const std::string name = AsciiLower(PercentDecode(raw_name));
      if (!raw_name.empty() && !IsTrackingParam(host, name, PercentDecode(raw_value))) {
        std::string param = NormalizeComponent(raw_name, "/:@?");
        if (eq != std::string_view::npos) {
          param.push_back('=');
          param += NormalizeComponent(raw_value, "/:@?");
        }
        kept.push_back(std::move(param));
      }
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(kept.begin(), kept.end());
  std::string out;
  for (const auto& p : kept) {
    out.push_back(out.empty() ? '?' : '&');
    out += p;
  }
  return out;
}

std::string CanonicalizeParts(UrlParts parts, int depth);

/// Google's AMP cache: https://<x>.cdn.ampproject.org/c/s/host/path serves https://host/path.
bool UnwrapAmpCache(const UrlParts& parts, int depth, std::string* out) {
  if (depth > 2 || !(parts.host == "cdn.ampproject.org" || EndsWith(parts.host, ".cdn.ampproject.org"))) {
    return false;
  }
  const std::string canonical_path = CanonicalPath(parts.path);  // so "/c/s//x.fr" unwraps like "/c/s/x.fr"
  const std::string_view path = canonical_path;
  for (std::string_view prefix : {"/c/s/", "/v/s/", "/c/", "/v/"}) {
    if (!StartsWith(path, prefix)) continue;
    const std::string_view inner_host = path.substr(prefix.size()).substr(0, path.substr(prefix.size()).find('/'));
    if (inner_host.find('.') == std::string_view::npos) continue;  // "/c/s" alone names no page
    std::string inner = "https://" + std::string(path.substr(prefix.size()));
    if (!parts.query.empty()) inner += "?" + parts.query;
    UrlParts inner_parts;
    if (!SplitUrl(inner, false, &inner_parts)) return false;
    *out = CanonicalizeParts(std::move(inner_parts), depth + 1);
    return !out->empty();
  }
  return false;
}

std::string CanonicalizeParts(UrlParts parts, int depth) {
  if (std::string unwrapped; UnwrapAmpCache(parts, depth, &unwrapped)) return unwrapped;
  // twitter.com/#!/user/status/1 (the 2010–2012 form) is twitter.com/user/status/1.
  if (parts.host == "twitter.com" && StartsWith(parts.fragment, "!/") && (parts.path.empty() || parts.path == "/")) {
    parts.path = parts.fragment.substr(1);
  }
  // youtu.be/ID is youtube.com/watch?v=ID.
  if (parts.host == "youtu.be") {
    const auto segs = SplitSegments(parts.path);
    if (!segs.empty()) {
      parts.host = "youtube.com";
      parts.query = "v=" + std::string(segs.front()) + (parts.query.empty() ? "" : "&" + parts.query);
      parts.path = "/watch";
    }
  }
  std::string out = "https://" + parts.host;
  if (!parts.port.empty()) out += ":" + parts.port;
  out += CanonicalPath(parts.path);
  out += CanonicalQuery(parts.host, parts.query);
  // Fragments are dropped, except single-page-app routes ("#/path", "#!/path") that name a page.
  std::string_view route = parts.fragment;
  if (StartsWith(route, "!")) route.remove_prefix(1);
  if (StartsWith(route, "/") && route.find_first_not_of('/') != std::string_view::npos && parts.host != "twitter.com") {
    out += "#" + NormalizeComponent(parts.fragment, "/:@?");
  }
  return out;
}

}  // namespace

std::string CanonicalizeUrl(std::string_view url) {
  UrlParts parts;
  if (!SplitUrl(url, false, &parts)) return {};
  return CanonicalizeParts(std::move(parts), 0);
}

std::string UrlHost(std::string_view url) {
  UrlParts parts;
  if (!SplitUrl(url, true, &parts)) return {};
  return parts.host;
}

bool IsShortenedUrl(std::string_view url) {
  UrlParts parts;
  if (!SplitUrl(url, true, &parts)) return false;
  if (!InTable(kShorteners, parts.host)) return false;
  return !SplitSegments(parts.path).empty();  // the bare host is the shortener's home page
}

bool StatusUrlToItemKey(std::string_view url, std::string* item_key) {
  UrlParts parts;
  if (!SplitUrl(url, true, &parts)) return false;
  const auto all_digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string path = parts.path;
  if (StartsWith(parts.fragment, "!/") && (path.empty() || path == "/")) path = parts.fragment.substr(1);
  const auto segs = SplitSegments(path);
  auto set = [&](std::string key) {
    if (item_key) *item_key = std::move(key);
    return true;
  };

  if (parts.host == "twitter.com") {
    // /USER/status/ID[/photo/1…], /USER/statuses/ID, /i/web/status/ID, /i/status/ID
    for (std::size_t idx = 0; idx + 1 < segs.size(); ++idx) {
      if ((segs[idx] == "status" || segs[idx] == "statuses") && idx >= 1 && all_digits(segs[idx + 1])) {
        return set("twitter:" + std::string(segs[idx + 1]));
      }
    }
    return false;
  }
  if (parts.host == "bsky.app") {
    // /profile/HANDLE_OR_DID/post/RKEY: only a DID names the record without a lookup.
    if (segs.size() >= 4 && segs[0] == "profile" && segs[2] == "post" && StartsWith(segs[1], "did:")) {
      return set("bluesky:at://" + PercentDecode(segs[1]) + "/app.bsky.feed.post/" + std::string(segs[3]));
    }
    return false;
  }
  // Mastodon: https://HOST/@USER/ID (a local account's status page) and the ActivityPub id
  // https://HOST/users/USER/statuses/ID both name "mastodon:https://HOST/users/USER/statuses/ID".
  constexpr std::string_view kNotMastodon[] = {"youtube.com", "tiktok.com",  "medium.com",
                                               "threads.net", "threads.com", "pinterest.com"};
  if (InTable(kNotMastodon, parts.host) || !parts.port.empty()) return false;
  std::string user;
  std::string_view id;
  if (segs.size() == 2 && segs[0].size() > 1 && segs[0].front() == '@' && all_digits(segs[1])) {
    user = std::string(segs[0].substr(1));
    id = segs[1];
  } else if (segs.size() >= 4 && segs[0] == "users" && segs[2] == "statuses" && all_digits(segs[3])) {
    user = std::string(segs[1]);
    id = segs[3];
  } else {
    return false;
  }
  if (user.find('@') != std::string::npos) return false;  // a remote account seen from this host
  return set("mastodon:https://" + parts.host + "/users/" + user + "/statuses/" + std::string(id));
}

}  // namespace relais::corpora
