// Items of a store as a multivariate event sequence for the Hawkes analyses.
#include <map>

#include "relais/base/error.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/hawkes.hpp"

namespace relais::toolkit {

EventSequence ReadStoreEvents(const corpora::Store& store, std::string_view group_by, TimeMs from, TimeMs to,
                              const std::string& own_group_actor) {
  std::string column;
  if (group_by == "class")
    column = "a.actor_class";
  else if (group_by == "region")
    column = "a.region";
  else
    ThrowInvalidArgument("--groups must be class or region, got \"" + std::string(group_by) + "\"");
  if (to <= from) ThrowInvalidArgument("empty time window");
  std::int64_t own_id = -1;
  if (!own_group_actor.empty()) {
    corpora::Statement st(store.db(), "SELECT id FROM actors WHERE key = ?1");
    st.Bind(1, std::string_view(own_group_actor));
    if (!st.Step()) ThrowDataError("no actor \"" + own_group_actor + "\" in the store");
    own_id = st.Int(0);
  }
  std::vector<std::pair<double, std::string>> rows;
  corpora::MergePartitionRows(  // each partition's items in (time, id) order, merged
      store,
      "SELECT i.time, i.id, COALESCE(NULLIF(" + column +
          ", ''), 'unknown'), COALESCE(i.actor_id, -1) FROM items i LEFT JOIN actors a ON "
          "a.id = i.actor_id WHERE i.time >= ?1 AND i.time < ?2 ORDER BY i.time, i.id",
      [&](corpora::Statement& st) {
        st.Bind(1, static_cast<std::int64_t>(from)).Bind(2, static_cast<std::int64_t>(to));
      },
      2,
      [&](const corpora::Statement& st) {
        std::string g = st.Int(3) == own_id ? "actor:" + own_group_actor : st.Text(2);
        rows.emplace_back(static_cast<double>(st.Int(0) - from) / 3'600'000.0, std::move(g));
      });
  if (rows.empty()) ThrowDataError("no items in the window");
  std::map<std::string, int> index;
  for (const auto& r : rows) index.emplace(r.second, 0);
  if (own_id >= 0) index.emplace("actor:" + own_group_actor, 0);
  EventSequence ev;
  for (auto& [name, id] : index) {
    id = static_cast<int>(ev.group_names.size());
    ev.group_names.push_back(name);
  }
  for (const auto& r : rows) {
    ev.times.push_back(r.first);
    ev.groups.push_back(index[r.second]);
  }
  ev.start = 0;
  ev.end = static_cast<double>(to - from) / 3'600'000.0;
  return ev;
}

}  // namespace relais::toolkit
