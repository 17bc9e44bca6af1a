// Bluesky repository exports for the synthetic world: a small canonical DAG-CBOR writer (libcbor writes
// map keys in the order it is given and has no canonical mode, so the order is ours either way), the
// MST of the atproto repository spec, and the CAR v1 framing. Checked against the atproto interop
// vectors (tests/corpora/repo_car_test.cpp) and read back by the bluesky-car reader.
#include "repo_car.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"

namespace relais::corpora::detail {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t kSigBytes = 64;  // a secp256k1 / P-256 compact signature's size

// --- DAG-CBOR pieces --------------------------------------------------------------------------------

// The head of a data item: major type and argument in the shortest form.
void Head(std::string& o, int major, std::uint64_t v) {
  const auto m = static_cast<std::uint8_t>(major << 5);
  int bytes = 0;
  if (v < 24) {
    o += static_cast<char>(m | v);
    return;
  }
  if (v <= 0xFF) {
    o += static_cast<char>(m | 24);
    bytes = 1;
  } else if (v <= 0xFFFF) {
    o += static_cast<char>(m | 25);
    bytes = 2;
  } else if (v <= 0xFFFFFFFFULL) {
    o += static_cast<char>(m | 26);
    bytes = 4;
  } else {
    o += static_cast<char>(m | 27);
    bytes = 8;
  }
  for (int k = bytes - 1; k >= 0; --k) o += static_cast<char>((v >> (8 * k)) & 0xFF);
}

void Text(std::string& o, std::string_view s) {
  Head(o, 3, s.size());
  o += s;
}

void Bytes(std::string& o, std::string_view b) {
  Head(o, 2, b.size());
  o += b;
}

// A CID link: tag 42 over the bytes 0x00 (the identity multibase prefix) + binary CID.
void Link(std::string& o, std::string_view cid) {
  Head(o, 6, 42);
  Head(o, 2, cid.size() + 1);
  o += '\0';
  o += cid;
}

void LinkOrNull(std::string& o, const std::optional<std::string>& cid) {
  if (cid)
    Link(o, *cid);
  else
    o += '\xf6';
}

// DAG-CBOR's canonical key order: shorter keys first, then bytewise.
bool KeyBefore(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;  // std::string compares char_traits<char>: unsigned bytes
}

std::string Unhex(std::string_view h) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(nibble(h[i]) << 4 | nibble(h[i + 1]));
  return out;
}

void Encode(std::string& o, const ojson& v) {
  switch (v.type()) {
    case ojson::value_t::null:
      o += '\xf6';
      return;
    case ojson::value_t::boolean:
      o += v.get<bool>() ? '\xf5' : '\xf4';
      return;
    case ojson::value_t::number_unsigned:
      Head(o, 0, v.get<std::uint64_t>());
      return;
    case ojson::value_t::number_integer: {
      const auto i = v.get<std::int64_t>();
      if (i >= 0)
        Head(o, 0, static_cast<std::uint64_t>(i));
      else
        Head(o, 1, static_cast<std::uint64_t>(-(i + 1)));
      return;
    }
    case ojson::value_t::string:
      Text(o, v.get_ref<const std::string&>());
      return;
    case ojson::value_t::array:
      Head(o, 4, v.size());
      for (const auto& e : v) Encode(o, e);
      return;
    case ojson::value_t::object: {
      if (v.size() == 1 && v.contains("$link") && v["$link"].is_string()) {
        const std::string cid = CidFromString(v["$link"].get_ref<const std::string&>());
        if (cid.empty()) throw Error(ErrorKind::kInvalidArgument, "DAG-CBOR: $link is not a base32 CIDv1");
        Link(o, cid);
        return;
      }
      if (v.size() == 1 && v.contains("$bytes") && v["$bytes"].is_string()) {
        const auto bytes = Base64Decode(v["$bytes"].get_ref<const std::string&>());
        if (!bytes) throw Error(ErrorKind::kInvalidArgument, "DAG-CBOR: $bytes is not base64");
        Bytes(o, *bytes);
        return;
      }
      std::vector<const std::string*> keys;
      for (const auto& [key, value] : v.items()) keys.push_back(&key);
      std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return KeyBefore(*a, *b); });
      Head(o, 5, keys.size());
      for (const std::string* key : keys) {
        Text(o, *key);
        Encode(o, v.at(*key));
      }
      return;
    }
    default:
      throw Error(ErrorKind::kInvalidArgument, "DAG-CBOR: atproto's data model holds no floats or binary values");
  }
}

// --- the MST ----------------------------------------------------------------------------------------

struct MstEntry {
  const std::string* key;
  const std::string* value;
  int height;
};

std::size_t CommonPrefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// The node at `level` over entries [begin, end) (all of height ≤ level): the entries of that height
// are its own, the runs between them its subtrees one level down ("l" left of the first, each entry's
// "t" right of it). Reserves its block before its children's, so that parents come first.
std::string BuildNode(const std::vector<MstEntry>& entries, std::size_t begin, std::size_t end, int level,
                      std::vector<RepoBlock>& blocks) {
  const std::size_t slot = blocks.size();
  blocks.emplace_back();
  auto subtree = [&](std::size_t from, std::size_t to) -> std::optional<std::string> {
    if (from == to) return std::nullopt;
    return BuildNode(entries, from, to, level - 1, blocks);
  };
  std::vector<std::size_t> own;
  for (std::size_t k = begin; k < end; ++k)
    if (entries[k].height == level) own.push_back(k);
  const std::optional<std::string> left = subtree(begin, own.empty() ? end : own.front());
  std::string node;
  Head(node, 5, 2);
  Text(node, "e");
  Head(node, 4, own.size());
  std::string_view previous;
  for (std::size_t j = 0; j < own.size(); ++j) {
    const MstEntry& e = entries[own[j]];
    const std::size_t p = CommonPrefix(previous, *e.key);
    const std::optional<std::string> right = subtree(own[j] + 1, j + 1 < own.size() ? own[j + 1] : end);
    Head(node, 5, 4);
    Text(node, "k");
    Bytes(node, std::string_view(*e.key).substr(p));
    Text(node, "p");
    Head(node, 0, p);
    Text(node, "t");
    LinkOrNull(node, right);
    Text(node, "v");
    Link(node, *e.value);
    previous = *e.key;
  }
  Text(node, "l");
  LinkOrNull(node, left);
  blocks[slot] = RepoBlock{BlockCid(node), std::move(node)};
  return blocks[slot].cid;
}

}  // namespace

std::string DagCbor(const nlohmann::ordered_json& value) {
  std::string out;
  Encode(out, value);
  return out;
}

std::string CarVarint(std::uint64_t v) {
  std::string out;
  do {
    auto b = static_cast<std::uint8_t>(v & 0x7F);
    v >>= 7;
    out += static_cast<char>(v ? (b | 0x80) : b);
  } while (v);
  return out;
}

std::optional<std::string> Base64Decode(std::string_view s) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : s) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '+' || c == '-') v = 62;
    if (c == '/' || c == '_') v = 63;
    if (c == '=') break;
    if (v < 0) return std::nullopt;
    buf = (buf << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      out += static_cast<char>((buf >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string BlockCid(std::string_view block) { return std::string("\x01\x71\x12\x20", 4) + Unhex(Sha256Hex(block)); }

std::string CidFromString(std::string_view text) {
  if (text.size() < 2 || text[0] != 'b') return {};
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : text.substr(1)) {
    int v = -1;
    if (c >= 'a' && c <= 'z') v = c - 'a';
    if (c >= '2' && c <= '7') v = c - '2' + 26;
    if (v < 0) return {};
    buf = (buf << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buf >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  if (out.empty() || out[0] != '\x01') return {};
  return out;
}

int MstKeyHeight(std::string_view key) {
  const std::string hex = Sha256Hex(key);
  int zeros = 0;
  for (char c : hex) {
    const int nibble = c <= '9' ? c - '0' : c - 'a' + 10;
    if (nibble == 0) {
      zeros += 4;
      continue;
    }
    zeros += nibble < 2 ? 3 : nibble < 4 ? 2 : nibble < 8 ? 1 : 0;
    break;
  }
  return zeros / 2;
}

std::string BuildMst(const std::vector<std::pair<std::string, std::string>>& entries, std::vector<RepoBlock>& blocks) {
  std::vector<MstEntry> e;
  e.reserve(entries.size());
  int top = 0;
  for (const auto& [key, value] : entries) {
    e.push_back(MstEntry{&key, &value, MstKeyHeight(key)});
    top = std::max(top, e.back().height);
  }
  return BuildNode(e, 0, e.size(), top, blocks);
}

std::string RepoCar(const std::string& did, const std::string& rev, std::vector<RepoRecord> records) {
  std::sort(records.begin(), records.end(), [](const RepoRecord& a, const RepoRecord& b) { return a.key < b.key; });
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(records.size());
  for (const RepoRecord& r : records) {
    if (!entries.empty() && entries.back().first == r.key)
      throw Error(ErrorKind::kInternal, "repository export: record key " + r.key + " written twice");
    entries.emplace_back(r.key, BlockCid(r.block));
  }
  std::vector<RepoBlock> nodes;
  const std::string root = BuildMst(entries, nodes);
  // The signed commit, keys in canonical order: did, rev, sig, data, prev, version.
  std::string commit;
  Head(commit, 5, 6);
  Text(commit, "did");
  Text(commit, did);
  Text(commit, "rev");
  Text(commit, rev);
  Text(commit, "sig");
  Bytes(commit, std::string(kSigBytes, '\0'));
  Text(commit, "data");
  Link(commit, root);
  Text(commit, "prev");
  commit += '\xf6';
  Text(commit, "version");
  Head(commit, 0, 3);
  const std::string commit_cid = BlockCid(commit);
  std::string header;
  Head(header, 5, 2);
  Text(header, "roots");
  Head(header, 4, 1);
  Link(header, commit_cid);
  Text(header, "version");
  Head(header, 0, 1);
  std::string out = CarVarint(header.size()) + header;
  auto section = [&](const std::string& cid, const std::string& data) {
    out += CarVarint(cid.size() + data.size());
    out += cid;
    out += data;
  };
  section(commit_cid, commit);
  for (const RepoBlock& b : nodes) section(b.cid, b.data);
  for (std::size_t k = 0; k < records.size(); ++k) section(entries[k].second, records[k].block);
  return out;
}

}  // namespace relais::corpora::detail
