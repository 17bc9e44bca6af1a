// DAG-CBOR pieces of the Bluesky CAR reader (readers/bluesky_car.cpp), exposed for its tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relais::corpora::detail {

/// The atproto data model's JSON form of one DAG-CBOR block (links as {"$link": "b…"}, bytes as
/// {"$bytes": unpadded base64}); nullopt when it is not one well-formed DAG-CBOR item.
std::optional<std::string> DagCborToJson(std::string_view block);

/// The text form of a binary CID: "b" + base32 for CIDv1, base58btc for CIDv0.
std::string CidToString(std::string_view binary_cid);

}  // namespace relais::corpora::detail
