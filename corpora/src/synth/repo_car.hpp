// Bluesky repository exports written by the synthetic world (repo_car.cpp): canonical DAG-CBOR, CIDs,
// the Merkle search tree (MST) and the CAR v1 file, as com.atproto.sync.getRepo and the app's
// "export my data" give them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace relais::corpora::detail {

/// Canonical DAG-CBOR of a value in the atproto data model's JSON form: {"$link": "b…"} is a CID link
/// (tag 42), {"$bytes": base64} a byte string; map keys sorted by length, then bytewise; integers in
/// their shortest form. Throws Error(kInvalidArgument) for what DAG-CBOR in atproto cannot hold (floats,
/// an unreadable $link or $bytes).
std::string DagCbor(const nlohmann::ordered_json& value);

/// The binary CIDv1 of a DAG-CBOR block: 0x01, dag-cbor (0x71), sha2-256 (0x12, 32 bytes), digest.
std::string BlockCid(std::string_view block);

/// Bytes from base64 (standard or URL alphabet, padded or not); nullopt on another character.
std::optional<std::string> Base64Decode(std::string_view s);

/// Unsigned LEB128, as CAR frames its header and sections.
std::string CarVarint(std::uint64_t v);

/// The binary CID of a multibase base32 ("b…") CIDv1 text; empty when it is not one.
std::string CidFromString(std::string_view text);

/// An MST key's height: the leading zero bits of SHA-256(key), counted in 2-bit chunks (fanout 4).
int MstKeyHeight(std::string_view key);

/// A block of a repository: binary CID and DAG-CBOR bytes.
struct RepoBlock {
  std::string cid;
  std::string data;
};

/// Builds the MST of `entries` (key, binary CID of the value), sorted by key without repeats: appends
/// its nodes to `blocks` (parents before children, left to right) and returns the root's binary CID.
/// An empty tree is one node {e: [], l: null}.
std::string BuildMst(const std::vector<std::pair<std::string, std::string>>& entries, std::vector<RepoBlock>& blocks);

/// A record of a repository: its MST key "<collection>/<rkey>" and its DAG-CBOR block.
struct RepoRecord {
  std::string key;
  std::string block;
};

/// A CAR v1 repository export: header {roots: [commit], version: 1}, then the signed commit
/// {did, version: 3, data: MST root, rev, prev: null, sig}, the MST nodes and the records, each
/// section `varint(length) | CID | block`. The world holds no signing key: `sig` is 64 zero bytes, a
/// placeholder no verifier accepts (relais's reader does not check signatures).
std::string RepoCar(const std::string& did, const std::string& rev, std::vector<RepoRecord> records);

}  // namespace relais::corpora::detail
