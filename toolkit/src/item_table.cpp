// Items of the store as columns, read in chunks.
#include "relais/toolkit/item_table.hpp"

#include <limits>

#include "relais/base/error.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {

void ItemChunk::Clear() {
  for (auto* v : {&key, &url, &platform, &channel, &kind, &actor, &actor_class, &region, &lang, &title, &text})
    v->clear();
  id.clear();
  time.clear();
  actor_public.clear();
  expansion.clear();
}

ItemReader::ItemReader(const corpora::Store& store, const ItemQuery& query) : store_(store), query_(query) {
  if (!query.channel.empty() && query.channel != "social" && query.channel != "press" && query.channel != "pr")
    ThrowInvalidArgument("channel must be social, press or pr, got \"" + query.channel + "\"");
  if (!query.actor_class.empty() && !corpora::IsActorClass(query.actor_class))
    ThrowInvalidArgument("unknown actor class \"" + query.actor_class + "\"");
  if (query.from && query.to && *query.from >= *query.to)
    ThrowInvalidArgument("the window is empty: start must be before end");
  std::optional<std::int64_t> actor_id;
  if (!query.actor.empty()) actor_id = FindActor(store, query.actor).id;
  std::string sql =
      "SELECT i.id, i.time, i.key, coalesce(i.url,''), coalesce(i.platform,''), coalesce(i.channel,''), "
      "coalesce(i.kind,''), coalesce(a.key,''), coalesce(a.actor_class,'public'), coalesce(a.region,''), "
      "coalesce(a.public,0), coalesce(i.lang,''), coalesce(i.expansion,0)";
  sql += query.with_text ? ", coalesce(i.title,''), coalesce(i.text,'')" : "";
  sql += " FROM items i LEFT JOIN actors a ON a.id = i.actor_id WHERE 1=1";
  if (query.from) sql += " AND i.time >= ?1";
  if (query.to) sql += " AND i.time < ?2";
  if (!query.channel.empty()) sql += " AND i.channel = ?3";
  if (!query.actor_class.empty()) sql += " AND coalesce(a.actor_class,'public') = ?4";
  if (actor_id) sql += " AND i.actor_id = ?5";
  sql += " ORDER BY i.time, i.id";
  st_ = std::make_unique<corpora::Statement>(store.db(), sql);
  if (query.from) st_->Bind(1, static_cast<std::int64_t>(*query.from));
  if (query.to) st_->Bind(2, static_cast<std::int64_t>(*query.to));
  if (!query.channel.empty()) st_->Bind(3, query.channel);
  if (!query.actor_class.empty()) st_->Bind(4, query.actor_class);
  if (actor_id) st_->Bind(5, *actor_id);
}

ItemReader::~ItemReader() = default;

bool ItemReader::Next(std::size_t max_rows, ItemChunk& out) {
  out.Clear();
  while (!done_ && out.size() < max_rows) {
    if (!st_->Step()) {
      done_ = true;
      break;
    }
    const bool is_public = st_->Int(10) != 0;
    const bool hidden = query_.pseudonymise && !is_public;
    out.id.push_back(st_->Int(0));
    out.time.push_back(st_->IsNull(1) ? std::numeric_limits<std::int64_t>::min() : st_->Int(1));
    out.key.push_back(hidden ? "" : st_->Text(2));
    out.url.push_back(hidden ? "" : st_->Text(3));
    out.platform.push_back(st_->Text(4));
    out.channel.push_back(st_->Text(5));
    out.kind.push_back(st_->Text(6));
    std::string actor = st_->Text(7);
    if (hidden && !actor.empty()) {
      auto [it, inserted] = pseudonyms_.try_emplace(actor);
      if (inserted) it->second = store_.Pseudonym(actor);
      actor = it->second;
    }
    out.actor.push_back(std::move(actor));
    out.actor_class.push_back(st_->Text(8));
    out.region.push_back(st_->Text(9));
    out.actor_public.push_back(is_public ? 1 : 0);
    out.lang.push_back(st_->Text(11));
    out.expansion.push_back(st_->Int(12) != 0 ? 1 : 0);
    if (query_.with_text) {
      out.title.push_back(st_->Text(13));
      out.text.push_back(st_->Text(14));
    }
  }
  return out.size() > 0;
}

}  // namespace relais::toolkit
