// A follow list (CSV follower,followed or SNAP-style two columns) mapped onto the store's Twitter actors.
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "relais/base/error.hpp"
#include "relais/base/strings.hpp"
#include "relais/corpora/input.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/cascades.hpp"

namespace relais::toolkit {
namespace {

// The file's text (.gz/.zst transparent); an unreadable file is a kIo error naming it.
std::string ReadList(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(ErrorKind::kIo, "cannot read follower list " + file.string() + ": " +
                                    (std::filesystem::exists(file, ec) ? "not a regular file" : "no such file"));
  try {
    return corpora::ReadAll(file);
  } catch (const Error& e) {
    throw Error(ErrorKind::kIo, std::string("cannot read follower list: ") + e.what());
  }
}

// Twitter actors by lower-case handle (from `handle`, else an '@' key) and by platform id; lowest id wins.
struct ActorIndex {
  std::unordered_map<std::string, std::int64_t> by_handle, by_platform_id;
  std::vector<std::int64_t> ids;  // every indexed actor, ascending: node = position
};

ActorIndex IndexActors(const corpora::Store& store) {
  ActorIndex ix;
  corpora::Statement st(store.db(),
                        "SELECT id, key, handle, platform_id FROM actors WHERE coalesce(platform, 'twitter') = "
                        "'twitter' ORDER BY id");
  while (st.Step()) {
    const std::int64_t id = st.Int(0);
    const std::string key = st.Text(1);
    std::string handle = st.IsNull(2) ? "" : st.Text(2);
    if (handle.empty() && key.size() > 1 && key[0] == '@' && key.find('@', 1) == std::string::npos)
      handle = key.substr(1);
    if (!handle.empty() && handle[0] == '@') handle.erase(0, 1);
    bool indexed = false;
    if (!handle.empty()) indexed |= ix.by_handle.try_emplace(ToLowerAscii(handle), id).second;
    if (!st.IsNull(3) && !st.Text(3).empty()) indexed |= ix.by_platform_id.try_emplace(st.Text(3), id).second;
    if (indexed) ix.ids.push_back(id);
  }
  return ix;
}

const std::int64_t* Resolve(const ActorIndex& ix, std::string_view account) {
  if (!account.empty() && account[0] == '@') account.remove_prefix(1);
  if (auto it = ix.by_handle.find(ToLowerAscii(account)); it != ix.by_handle.end()) return &it->second;
  if (auto it = ix.by_platform_id.find(std::string(account)); it != ix.by_platform_id.end()) return &it->second;
  return nullptr;
}

// The two accounts of a line: "a,b" (CSV) or "a b" (whitespace); false when there are not exactly two.
bool SplitLine(std::string_view line, std::string_view& a, std::string_view& b) {
  if (auto comma = line.find(','); comma != std::string_view::npos) {
    a = Trim(line.substr(0, comma));
    b = Trim(line.substr(comma + 1));
    return !a.empty() && !b.empty() && b.find(',') == std::string_view::npos;
  }
  auto space = line.find_first_of(" \t");
  if (space == std::string_view::npos) return false;
  a = line.substr(0, space);
  b = Trim(line.substr(space));
  return !b.empty() && b.find_first_of(" \t") == std::string_view::npos;
}

}  // namespace

FollowerGraph ReadFollowerGraph(const corpora::Store& store, const std::filesystem::path& file) {
  std::string text = ReadList(file);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte order mark
  const ActorIndex ix = IndexActors(store);
  std::unordered_map<std::int64_t, graph::NodeId> node_of;
  for (std::size_t k = 0; k < ix.ids.size(); ++k) node_of.emplace(ix.ids[k], static_cast<graph::NodeId>(k));
  FollowerGraph fg;
  std::vector<std::pair<graph::NodeId, graph::NodeId>> arcs;
  std::unordered_set<std::string> unknown;
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  bool first = true;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line = Trim(std::string_view(text).substr(pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::string_view a, b;
    if (!SplitLine(line, a, b))
      throw Error(ErrorKind::kParse, InputPos{file.string(), line_no, 1},
                  "expected two accounts (follower,followed or follower followed), got \"" +
                      std::string(line.substr(0, 80)) + "\"");
    if (first) {
      first = false;
      if (ToLowerAscii(a) == "follower" && ToLowerAscii(b) == "followed") continue;  // the header
    }
    ++fg.lines;
    const std::int64_t* fa = Resolve(ix, a);
    const std::int64_t* fb = Resolve(ix, b);
    if (!fa) unknown.insert(ToLowerAscii(a[0] == '@' ? a.substr(1) : a));
    if (!fb) unknown.insert(ToLowerAscii(b[0] == '@' ? b.substr(1) : b));
    if (!fa || !fb) {
      ++fg.unmatched;
      continue;
    }
    ++fg.matched;
    if (*fa != *fb) arcs.emplace_back(node_of.at(*fa), node_of.at(*fb));
  }
  std::sort(arcs.begin(), arcs.end());
  arcs.erase(std::unique(arcs.begin(), arcs.end()), arcs.end());
  std::vector<graph::NodeId> src(arcs.size()), dst(arcs.size());
  for (std::size_t k = 0; k < arcs.size(); ++k) std::tie(src[k], dst[k]) = arcs[k];
  fg.follows = graph::CsrGraph::FromEdges(static_cast<graph::NodeId>(ix.ids.size()), src, dst, {}, true);
  fg.node_of = std::move(node_of);
  fg.unknown_accounts = unknown.size();
  fg.edges = arcs.size();
  return fg;
}

}  // namespace relais::toolkit
