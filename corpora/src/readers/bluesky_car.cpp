// Bluesky repository exports: CAR v1 files (or CAR v2 wrapping one) of DAG-CBOR blocks, as
// com.atproto.sync.getRepo and the app's "export my data" give them.
//
// A CAR v1 is a varint-framed DAG-CBOR header {roots: [CID], version: 1}, then sections
// `varint(length) | CID | block`. The root is the signed commit {did, version, data, rev?, prev, sig};
// `data` is the root of the Merkle search tree (MST) whose nodes are {l: CID|null, e: [{p, k, v, t}]}:
// entry keys are "<collection>/<rkey>", prefix-compressed against the previous entry of the node
// (p = shared length, k = the rest), v the record's CID, t the subtree right of the entry. The tree is
// walked in key order from the commit; each key is one record of this reader:
//   * app.bsky.feed.post → a post (key "bluesky:at://<did>/app.bsky.feed.post/<rkey>", the
//     repository's DID its author, named by the repository's app.bsky.actor.profile when present);
//   * app.bsky.feed.repost → a repost (a retweet ref to subject.uri);
//   * any other collection (likes, follows, the profile, lexicons, other apps) → "not-a-post";
//   * a key whose record block is absent from the file → "missing-block" (partial exports);
//   * a record block whose bytes do not hash to its CID → "bad-cid";
//   * a post or repost record that is not DAG-CBOR, or holds what JSON cannot → "invalid-cbor".
// Every block is accounted for: the commit and the MST nodes are structure; a block no walk reaches is
// quarantined: "history-block" for an earlier commit or MST node (v2 exports carry the whole chain),
// "unreferenced-record" for a record outside the current tree (deleted or replaced since),
// "unreferenced-block" for anything else, "bad-cid" when its hash is wrong; a second section with the same
// CID "duplicate-block"; a missing or damaged MST subtree "missing-block" / "bad-cid" (its keys are
// unknown); a section cut by the end of the file "truncated". Positions: the line is the 1-based
// section number of the block in the file (0 when the block is absent), the column 0.
//
// Blocks are decoded by libcbor after a bounded shape check (definite lengths only, as DAG-CBOR
// requires; nesting ≤ 64; no trailing bytes), and records are handed to the post mapping shared with
// the other Bluesky readers as JSON in the atproto data model's form (CIDs as {"$link": "b…"}, bytes
// as {"$bytes": base64}).
#include <cbor.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "relais/base/hash.hpp"
#include "relais/corpora/input.hpp"

#include "detail/bluesky_record.hpp"
#include "detail/dag_cbor.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

constexpr std::string_view kPost = "app.bsky.feed.post";
constexpr std::string_view kRepost = "app.bsky.feed.repost";
constexpr std::string_view kProfileKey = "app.bsky.actor.profile/self";
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxMstDepth = 256;

// --- varints, CIDs and their text form ------------------------------------------------------------

// Unsigned LEB128 at s[*pos]; nullopt when cut or longer than 9 bytes.
std::optional<std::uint64_t> Varint(std::string_view s, std::size_t* pos) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 63; shift += 7) {
    if (*pos >= s.size()) return std::nullopt;
    auto b = static_cast<std::uint8_t>(s[(*pos)++]);
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  return std::nullopt;
}

struct Cid {
  std::string_view bytes;   // the whole binary CID
  std::uint64_t hash = 0;   // multihash code (0x12 sha2-256, 0x00 identity)
  std::string_view digest;  // the multihash digest
};

// The CID at the start of s (v0: a bare sha2-256 multihash; v1: version, codec, multihash).
std::optional<Cid> ParseCid(std::string_view s) {
  std::size_t pos = 0;
  Cid c;
  if (s.size() >= 34 && static_cast<std::uint8_t>(s[0]) == 0x12 && static_cast<std::uint8_t>(s[1]) == 0x20) {
    c.bytes = s.substr(0, 34);
    c.hash = 0x12;
    c.digest = s.substr(2, 32);
    return c;
  }
  auto version = Varint(s, &pos);
  if (!version || *version != 1) return std::nullopt;
  auto codec = Varint(s, &pos);
  auto hash = Varint(s, &pos);
  auto len = Varint(s, &pos);
  if (!codec || !hash || !len || *len > s.size() - pos) return std::nullopt;
  c.hash = *hash;
  c.digest = s.substr(pos, *len);
  c.bytes = s.substr(0, pos + *len);
  return c;
}

// "b" + RFC 4648 base32, lower case, no padding (CIDv1); base58btc for CIDv0 ("Qm…").
std::string CidString(std::string_view bytes) {
  if (bytes.size() == 34 && static_cast<std::uint8_t>(bytes[0]) == 0x12) {
    static constexpr char kB58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    std::vector<std::uint8_t> digits;  // base 58, little end first
    for (char ch : bytes) {
      unsigned carry = static_cast<std::uint8_t>(ch);
      for (auto& d : digits) {
        carry += static_cast<unsigned>(d) << 8;
        d = static_cast<std::uint8_t>(carry % 58);
        carry /= 58;
      }
      while (carry) {
        digits.push_back(static_cast<std::uint8_t>(carry % 58));
        carry /= 58;
      }
    }
    std::string out;
    for (char ch : bytes) {
      if (ch != 0) break;
      out += '1';
    }
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += kB58[*it];
    return out;
  }
  static constexpr char kB32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out = "b";
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : bytes) {
    buffer = (buffer << 8) | static_cast<std::uint8_t>(ch);
    bits += 8;
    while (bits >= 5) {
      out += kB32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kB32[(buffer << (5 - bits)) & 31];
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) | (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                      static_cast<std::uint8_t>(bytes[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    if (i + 1 < bytes.size()) out += kB64[(v >> 6) & 63];
  }
  return out;  // unpadded, as the atproto data model writes $bytes
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    out += kHex[static_cast<std::uint8_t>(ch) >> 4];
    out += kHex[static_cast<std::uint8_t>(ch) & 15];
  }
  return out;
}

// Whether the block's bytes hash to the CID (sha2-256, or the identity multihash).
bool HashMatches(const Cid& cid, std::string_view block) {
  if (cid.hash == 0x12) return cid.digest.size() == 32 && Sha256Hex(block) == Hex(cid.digest);
  if (cid.hash == 0x00) return cid.digest == block;
  return false;  // a hash relais cannot check
}

// --- DAG-CBOR through libcbor ---------------------------------------------------------------------

// One well-formed DAG-CBOR data item with definite lengths, nesting ≤ kMaxDepth and nothing after it.
// Run before libcbor so that its recursive release never meets a deep or unbounded tree.
bool ShapeOk(std::string_view b) {
  std::vector<std::uint64_t> open;  // items still expected in each open container
  std::size_t i = 0;
  while (true) {
    if (i >= b.size()) return false;
    auto ib = static_cast<std::uint8_t>(b[i++]);
    int major = ib >> 5, ai = ib & 31;
    std::uint64_t arg = 0;
    if (ai < 24) {
      arg = static_cast<std::uint64_t>(ai);
    } else if (ai <= 27) {
      std::size_t len = std::size_t{1} << (ai - 24);
      if (len > b.size() - i) return false;
      for (std::size_t k = 0; k < len; ++k) arg = (arg << 8) | static_cast<std::uint8_t>(b[i++]);
    } else {
      return false;  // indefinite lengths and reserved values: not DAG-CBOR
    }
    std::uint64_t children = 0;
    if (major == 2 || major == 3) {
      if (arg > b.size() - i) return false;
      i += static_cast<std::size_t>(arg);
    } else if (major == 4) {
      children = arg;
    } else if (major == 5) {
      if (arg > b.size()) return false;
      children = arg * 2;
    } else if (major == 6) {
      children = 1;
    }
    if (children > 0) {
      if (children > b.size() - i || open.size() >= kMaxDepth) return false;
      open.push_back(children);
      continue;
    }
    while (!open.empty() && --open.back() == 0) open.pop_back();
    if (open.empty()) return i == b.size();
  }
}

struct CborFree {
  void operator()(cbor_item_t* item) const {
    if (item) cbor_decref(&item);
  }
};
using CborPtr = std::unique_ptr<cbor_item_t, CborFree>;

CborPtr Decode(std::string_view block) {
  if (!ShapeOk(block)) return nullptr;
  cbor_load_result result{};
  CborPtr item(cbor_load(reinterpret_cast<cbor_data>(block.data()), block.size(), &result));
  if (result.error.code != CBOR_ERR_NONE || result.read != block.size()) return nullptr;
  return item;
}

std::optional<std::string_view> Text(const cbor_item_t* item) {
  if (!item || !cbor_isa_string(item) || !cbor_string_is_definite(item)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(cbor_string_handle(item)), cbor_string_length(item));
}

std::optional<std::string_view> Bytes(const cbor_item_t* item) {
  if (!item || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(cbor_bytestring_handle(item)), cbor_bytestring_length(item));
}

const cbor_item_t* Get(const cbor_item_t* map, std::string_view key) {
  if (!map || !cbor_isa_map(map) || !cbor_map_is_definite(map)) return nullptr;
  cbor_pair* pairs = cbor_map_handle(map);
  for (std::size_t i = 0; i < cbor_map_size(map); ++i)
    if (Text(pairs[i].key) == key) return pairs[i].value;
  return nullptr;
}

// The CID of a link (tag 42 over the bytes 0x00 + binary CID).
std::optional<Cid> Link(const cbor_item_t* item) {
  if (!item || !cbor_isa_tag(item) || cbor_tag_value(item) != 42) return std::nullopt;
  cbor_item_t* inner = cbor_tag_item(item);  // a new reference
  CborPtr hold(inner);
  auto bytes = Bytes(inner);
  if (!bytes || bytes->empty() || (*bytes)[0] != '\0') return std::nullopt;
  auto cid = ParseCid(bytes->substr(1));
  if (!cid || cid->bytes.size() != bytes->size() - 1) return std::nullopt;
  return cid;  // views into the block's item, alive while the caller holds the decoded block
}

bool IsNull(const cbor_item_t* item) { return !item || cbor_is_null(item); }

std::optional<std::int64_t> Int(const cbor_item_t* item) {
  if (!item || !cbor_isa_uint(item)) return std::nullopt;
  std::uint64_t v = cbor_get_int(item);
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

// The atproto data model's JSON form of a DAG-CBOR item; false for what it cannot hold.
bool ToJson(const cbor_item_t* item, std::string& out) {
  switch (cbor_typeof(item)) {
    case CBOR_TYPE_UINT:
      out += std::to_string(cbor_get_int(item));
      return true;
    case CBOR_TYPE_NEGINT: {
      std::uint64_t v = cbor_get_int(item);
      if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
      out += std::to_string(-1 - static_cast<std::int64_t>(v));
      return true;
    }
    case CBOR_TYPE_BYTESTRING: {
      auto b = Bytes(item);
      if (!b) return false;
      out += "{\"$bytes\":\"" + Base64(*b) + "\"}";
      return true;
    }
    case CBOR_TYPE_STRING: {
      auto t = Text(item);
      if (!t || !IsValidUtf8(*t)) return false;
      AppendJsonString(out, *t);
      return true;
    }
    case CBOR_TYPE_ARRAY: {
      if (!cbor_array_is_definite(item)) return false;
      out += '[';
      cbor_item_t** items = cbor_array_handle(item);
      for (std::size_t i = 0; i < cbor_array_size(item); ++i) {
        if (i) out += ',';
        if (!ToJson(items[i], out)) return false;
      }
      out += ']';
      return true;
    }
    case CBOR_TYPE_MAP: {
      if (!cbor_map_is_definite(item)) return false;
      out += '{';
      cbor_pair* pairs = cbor_map_handle(item);
      for (std::size_t i = 0; i < cbor_map_size(item); ++i) {
        auto key = Text(pairs[i].key);
        if (!key || !IsValidUtf8(*key)) return false;
        if (i) out += ',';
        AppendJsonString(out, *key);
        out += ':';
        if (!ToJson(pairs[i].value, out)) return false;
      }
      out += '}';
      return true;
    }
    case CBOR_TYPE_TAG: {
      auto cid = Link(item);
      if (!cid) return false;
      out += "{\"$link\":\"" + CidString(cid->bytes) + "\"}";
      return true;
    }
    case CBOR_TYPE_FLOAT_CTRL: {
      if (cbor_is_null(item)) {
        out += "null";
      } else if (cbor_is_bool(item)) {
        out += cbor_get_bool(item) ? "true" : "false";
      } else if (cbor_float_ctrl_is_ctrl(item)) {
        return false;  // undefined and other simple values
      } else {
        double d = cbor_float_get_float(item);
        if (!std::isfinite(d)) return false;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out += buf;
      }
      return true;
    }
  }
  return false;
}

// --- the repository -------------------------------------------------------------------------------

struct Block {
  std::string_view data;
  std::uint64_t section = 0;  // 1-based section number
  bool hash_ok = false;
  bool used = false;
};

struct Leaf {
  std::string key;  // "<collection>/<rkey>"
  std::string cid;  // binary CID of the record
};

class Repo {
 public:
  Repo(const std::string& path, std::vector<RecordOutcome>& out) : path_(path), out_(out) {}

  void Read(std::string_view content) {
    std::string_view car = Unwrap(content);
    std::size_t pos = 0;
    auto header_len = Varint(car, &pos);
    if (!header_len || *header_len == 0 || *header_len > car.size() - pos)
      throw Error(ErrorKind::kParse, InputPos{path_, 0, 0}, "not a CAR file: no header");
    auto header = Decode(car.substr(pos, *header_len));
    if (!header || Int(Get(header.get(), "version")) != 1)
      throw Error(ErrorKind::kParse, InputPos{path_, 0, 0}, "not a CAR v1 file: the header is not {roots, version: 1}");
    const cbor_item_t* roots = Get(header.get(), "roots");
    std::optional<Cid> root;
    if (roots && cbor_isa_array(roots) && cbor_array_size(roots) > 0) root = Link(cbor_array_handle(roots)[0]);
    if (!root) throw Error(ErrorKind::kSchema, InputPos{path_, 0, 0}, "CAR header names no root CID");
    const std::string root_cid(root->bytes);
    pos += *header_len;
    ReadSections(car, pos);
    Walk(root_cid);
  }

 private:
  // A CAR v2 file holds a CAR v1 payload at the offset its header gives.
  std::string_view Unwrap(std::string_view content) {
    static constexpr std::string_view kV2Pragma("\x0a\xa1\x67version\x02", 11);
    if (content.substr(0, kV2Pragma.size()) != kV2Pragma) return content;
    auto le64 = [&](std::size_t at) {
      std::uint64_t v = 0;
      for (int k = 7; k >= 0; --k) v = (v << 8) | static_cast<std::uint8_t>(content[at + static_cast<std::size_t>(k)]);
      return v;
    };
    if (content.size() < kV2Pragma.size() + 40)
      throw Error(ErrorKind::kParse, InputPos{path_, 0, 0}, "CAR v2 file cut inside its header");
    std::uint64_t offset = le64(kV2Pragma.size() + 16), size = le64(kV2Pragma.size() + 24);
    if (offset > content.size() || size > content.size() - offset)
      throw Error(ErrorKind::kParse, InputPos{path_, 0, 0}, "CAR v2 data offset or size beyond the file");
    return content.substr(offset, size);
  }

  void ReadSections(std::string_view car, std::size_t pos) {
    std::uint64_t section = 0;
    while (pos < car.size()) {
      ++section;
      const std::size_t start = pos;
      auto len = Varint(car, &pos);
      if (!len || *len > car.size() - pos || *len == 0) {
        Quarantine(ErrorKind::kParse, section, "truncated",
                   "section " + std::to_string(section) + " at byte " + std::to_string(start) + " runs past the end",
                   {});
        return;
      }
      std::string_view body = car.substr(pos, *len);
      pos += *len;
      auto cid = ParseCid(body);
      if (!cid) {
        Quarantine(ErrorKind::kParse, section, "bad-cid", "section " + std::to_string(section) + " has no readable CID",
                   {});
        continue;
      }
      Block b{body.substr(cid->bytes.size()), section, HashMatches(*cid, body.substr(cid->bytes.size())), false};
      auto [it, fresh] = blocks_.emplace(std::string(cid->bytes), b);
      if (!fresh) {
        Quarantine(ErrorKind::kSchema, section, "duplicate-block",
                   "block " + CidString(cid->bytes) + " repeats section " + std::to_string(it->second.section), {});
      } else {
        order_.push_back(&*it);
      }
    }
  }

  // The block of a CID that hashes right, or why not (a quarantine reason).
  const Block* Find(const std::string& cid, std::string* reason) {
    auto it = blocks_.find(cid);
    if (it == blocks_.end()) {
      *reason = "missing-block";
      return nullptr;
    }
    it->second.used = true;
    if (!it->second.hash_ok) {
      *reason = "bad-cid";
      return nullptr;
    }
    return &it->second;
  }

  void Walk(const std::string& root_cid) {
    std::string why;
    const Block* commit_block = Find(root_cid, &why);
    if (!commit_block)
      throw Error(
          ErrorKind::kSchema, InputPos{path_, 0, 0},
          "root commit " + CidString(root_cid) + (why == "bad-cid" ? " fails its hash check" : " is not in the file"));
    auto commit = Decode(commit_block->data);
    auto did = commit ? Text(Get(commit.get(), "did")) : std::nullopt;
    auto data = commit ? Link(Get(commit.get(), "data")) : std::nullopt;
    if (!did || did->rfind("did:", 0) != 0 || !data)
      throw Error(ErrorKind::kSchema, InputPos{path_, commit_block->section, 0},
                  "root block is not a repository commit {did, data, …}");
    did_ = std::string(*did);
    std::vector<Leaf> leaves;
    std::unordered_set<std::string> visited;
    WalkNode(std::string(data->bytes), 0, visited, leaves);
    LoadProfile(leaves);
    for (const auto& leaf : leaves) Emit(leaf);
    for (const auto* entry : order_) {
      const Block& b = entry->second;
      if (b.used) continue;
      const std::string cid = CidString(entry->first);
      if (!b.hash_ok) {
        Quarantine(ErrorKind::kSchema, b.section, "bad-cid", "block " + cid + " fails its hash check", {});
        continue;
      }
      // Older repository versions (v2 exports carry the whole chain of commits): earlier commits and
      // MST nodes are history; a record only they reach was deleted or replaced since.
      // MST nodes, most of a long history, are told by their first key without decoding them: a
      // DAG-CBOR map of two keys sorted "e", "l" starts a2 61 65.
      if (b.data.substr(0, 3) == std::string_view("\xa2\x61\x65", 3) && ShapeOk(b.data)) {
        Quarantine(ErrorKind::kSchema, b.section, "history-block", "block " + cid + " is an earlier MST node", {});
        continue;
      }
      auto item = Decode(b.data);
      if (item && Get(item.get(), "sig") && Get(item.get(), "data")) {
        Quarantine(ErrorKind::kSchema, b.section, "history-block", "block " + cid + " is an earlier commit", {});
      } else if (item && Get(item.get(), "e")) {
        Quarantine(ErrorKind::kSchema, b.section, "history-block", "block " + cid + " is an earlier MST node", {});
      } else if (auto type = item ? Text(Get(item.get(), "$type")) : std::nullopt) {
        Quarantine(ErrorKind::kSchema, b.section, "unreferenced-record",
                   "a " + (IsValidUtf8(*type) ? std::string(*type) : std::string("?")) + " record (" + cid +
                       ") outside the current tree: deleted or replaced",
                   {});
      } else {
        Quarantine(ErrorKind::kSchema, b.section, "unreferenced-block",
                   "block " + cid + " is not reached from the commit", {});
      }
    }
  }

  void WalkNode(const std::string& cid, std::size_t depth, std::unordered_set<std::string>& visited,
                std::vector<Leaf>& leaves) {
    std::string why;
    const Block* block = Find(cid, &why);
    if (!block) {
      Quarantine(ErrorKind::kSchema, Section(cid), why,
                 "MST node " + CidString(cid) + (why == "bad-cid" ? " fails its hash check" : " is not in the file") +
                     ": its records are unknown",
                 {});
      return;
    }
    if (depth > kMaxMstDepth || !visited.insert(cid).second) {
      Quarantine(ErrorKind::kSchema, block->section, "invalid-mst",
                 "MST node " + CidString(cid) + " repeats or nests too deep", {});
      return;
    }
    auto node = Decode(block->data);
    const cbor_item_t* entries = node ? Get(node.get(), "e") : nullptr;
    if (!entries || !cbor_isa_array(entries)) {
      Quarantine(ErrorKind::kSchema, block->section, "invalid-mst", "MST node " + CidString(cid) + " is not {l, e}",
                 {});
      return;
    }
    if (auto left = Link(Get(node.get(), "l"))) {
      WalkNode(std::string(left->bytes), depth + 1, visited, leaves);
    } else if (!IsNull(Get(node.get(), "l"))) {
      Quarantine(ErrorKind::kSchema, block->section, "invalid-mst", "MST node " + CidString(cid) + " has a bad \"l\"",
                 {});
    }
    std::string key;
    cbor_item_t** items = cbor_array_handle(entries);
    for (std::size_t i = 0; i < cbor_array_size(entries); ++i) {
      const cbor_item_t* e = items[i];
      auto p = Int(Get(e, "p"));
      auto k = Bytes(Get(e, "k"));
      auto v = Link(Get(e, "v"));
      if (!p || !k || !v || static_cast<std::uint64_t>(*p) > key.size()) {
        Quarantine(ErrorKind::kSchema, block->section, "invalid-mst",
                   "entry " + std::to_string(i) + " of MST node " + CidString(cid) + " lacks p, k or v", {});
        continue;
      }
      key.resize(static_cast<std::size_t>(*p));
      key.append(*k);
      leaves.push_back(Leaf{key, std::string(v->bytes)});
      if (auto right = Link(Get(e, "t"))) WalkNode(std::string(right->bytes), depth + 1, visited, leaves);
    }
  }

  std::uint64_t Section(const std::string& cid) const {
    auto it = blocks_.find(cid);
    return it == blocks_.end() ? 0 : it->second.section;
  }

  void LoadProfile(const std::vector<Leaf>& leaves) {
    for (const auto& leaf : leaves) {
      if (leaf.key != kProfileKey) continue;
      auto it = blocks_.find(leaf.cid);
      if (it == blocks_.end() || !it->second.hash_ok) return;
      auto profile = Decode(it->second.data);
      if (auto name = profile ? Text(Get(profile.get(), "displayName")) : std::nullopt)
        if (IsValidUtf8(*name)) name_ = std::string(*name);
      return;
    }
  }

  void Emit(const Leaf& leaf) {
    std::string_view key(leaf.key);
    const std::size_t slash = key.find('/');
    std::string_view collection = key.substr(0, slash);
    const std::string uri = "at://" + did_ + "/" + std::string(key);
    if (!IsValidUtf8(key) || slash == std::string_view::npos) {
      Quarantine(ErrorKind::kSchema, Section(leaf.cid), "invalid-mst", "MST key is not <collection>/<rkey>", {});
      return;
    }
    std::string why;
    const Block* block = Find(leaf.cid, &why);
    if (!block) {
      Quarantine(ErrorKind::kSchema, Section(leaf.cid), why,
                 uri + ": record " + CidString(leaf.cid) +
                     (why == "bad-cid" ? " fails its hash check" : " is not in the file"),
                 uri);
      return;
    }
    if (collection != kPost && collection != kRepost) {
      // Likes, follows… are the bulk of a repository: counted by their key, not decoded.
      Quarantine(ErrorKind::kSchema, block->section, "not-a-post", uri + ": a " + std::string(collection) + " record",
                 uri);
      return;
    }
    auto record = Decode(block->data);
    std::string json;
    if (!record || !ToJson(record.get(), json)) {
      Quarantine(ErrorKind::kParse, block->section, "invalid-cbor", uri + ": the record is not DAG-CBOR", uri);
      return;
    }
    auto& parser = ThreadParser();
    simdjson::dom::element doc;
    if (parser.parse(json).get(doc) || !IsObject(doc)) {
      Quarantine(ErrorKind::kParse, block->section, "invalid-cbor", uri + ": the record is not a map", json);
      return;
    }
    ItemRecord item;
    item.key = "bluesky:" + uri;
    item.platform = "bluesky";
    item.author = ActorFromUri(uri);
    item.author.name = name_;
    if (auto f = CheckTime(doc, {}, item)) {
      Quarantine(ErrorKind::kSchema, block->section, f->reason, uri + ": " + f->message, json);
      return;
    }
    if (collection == kRepost) {
      std::string_view subject;
      if (auto s = Member(doc, "subject")) subject = Str(*s, "uri");
      if (subject.empty()) {
        Quarantine(ErrorKind::kSchema, block->section, "missing-field", uri + ": repost has no \"subject.uri\"", json);
        return;
      }
      item.kind = ItemKind::kRetweet;
      item.refs.push_back(ItemRef{Layer::kRetweet, "bluesky:" + std::string(subject), ""});
    } else {
      FillFromRecord(doc, item);
      item.url = PostUrl(item.author, uri);
    }
    ParsedRecord rec;
    rec.pos = InputPos{path_, block->section, 0};
    rec.items.push_back(std::move(item));
    out_.push_back(std::move(rec));
  }

  void Quarantine(ErrorKind kind, std::uint64_t section, std::string reason, std::string message,
                  std::string_view excerpt) {
    out_.push_back(MakeDiagnostic(kind, InputPos{path_, section, 0}, std::move(reason), std::move(message), excerpt));
  }

  const std::string& path_;
  std::vector<RecordOutcome>& out_;
  std::unordered_map<std::string, Block> blocks_;
  std::vector<const std::pair<const std::string, Block>*> order_;  // blocks in file order
  std::string did_;
  std::string name_;
};

class CarReader final : public Reader {
 public:
  Format format() const override { return Format::kBlueskyCar; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    Repo repo(path, out);
    repo.Read(content);
  }
};

}  // namespace

std::optional<std::string> DagCborToJson(std::string_view block) {
  auto item = Decode(block);
  std::string json;
  if (!item || !ToJson(item.get(), json)) return std::nullopt;
  return json;
}

std::string CidToString(std::string_view binary_cid) { return CidString(binary_cid); }

std::unique_ptr<Reader> MakeBlueskyCarReader(const ReadOptions&) { return std::make_unique<CarReader>(); }

}  // namespace relais::corpora::detail
