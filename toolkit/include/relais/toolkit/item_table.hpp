// Items of the store as columns, read in chunks (the Python module's Store.items; bounded memory).
//
//   ItemQuery q;  q.channel = "press";
//   ItemReader r(store, q);
//   while (r.Next(100000, chunk)) { ... chunk.time[i] ... }
//
// Rows are ordered by (time, id); items without a time come first. With pseudonymise on, items of
// non-public actors show the actor's keyed pseudonym and no item key, URL or handle.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"

namespace relais::toolkit {

struct ItemQuery {
  std::optional<TimeMs> from, to;  // [from, to) on the item's time
  std::string channel;             // social | press | pr; empty = all
  std::string actor_class;         // one of corpora::kActorClasses; empty = all
  std::string actor;               // an actor key, handle or domain (FindActor); empty = all
  bool with_text = true;           // read text and title (the bulky columns)
  bool pseudonymise = true;
};

/// One chunk of rows, column by column. Optional text columns are empty strings when NULL.
struct ItemChunk {
  std::vector<std::int64_t> id;
  std::vector<std::int64_t> time;     // ms since the epoch, UTC; INT64_MIN when unknown
  std::vector<std::string> key, url;  // "" when hidden (pseudonymised) or NULL
  std::vector<std::string> platform, channel, kind, actor, actor_class, region, lang, title, text;
  std::vector<std::uint8_t> actor_public, expansion;
  std::size_t size() const { return id.size(); }
  void Clear();
};

/// Streams the items matching a query. Throws kInvalidArgument for an unknown channel or class,
/// an unknown actor (FindActor's message) or from >= to.
class ItemReader {
 public:
  ItemReader(const corpora::Store& store, const ItemQuery& query);
  ~ItemReader();
  ItemReader(const ItemReader&) = delete;
  ItemReader& operator=(const ItemReader&) = delete;
  /// Replaces `out` with up to `max_rows` next rows; false when none were left.
  bool Next(std::size_t max_rows, ItemChunk& out);

 private:
  const corpora::Store& store_;
  ItemQuery query_;
  std::unique_ptr<corpora::Statement> st_;
  std::unordered_map<std::string, std::string> pseudonyms_;
  bool done_ = false;
};

}  // namespace relais::toolkit
