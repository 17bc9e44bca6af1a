// Read queries run partition by partition (see partition_query.hpp).
#include "relais/corpora/partition_query.hpp"

#include "detail/store_detail.hpp"

#include <sqlite3.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>

#include "relais/base/error.hpp"

namespace relais::corpora {
namespace {
std::mutex& HandlersMutex() {
  static std::mutex mu;
  return mu;
}
std::unordered_map<sqlite3*, std::pair<int (*)(void*), void*>>& Handlers() {
  static std::unordered_map<sqlite3*, std::pair<int (*)(void*), void*>> handlers;
  return handlers;
}
}  // namespace

void SetPartitionProgressHandler(sqlite3* catalog, int (*handler)(void*), void* arg) {
  std::lock_guard lock(HandlersMutex());
  if (handler)
    Handlers()[catalog] = {handler, arg};
  else
    Handlers().erase(catalog);
}

namespace {
std::optional<std::pair<int (*)(void*), void*>> ProgressHandlerOf(sqlite3* catalog) {
  std::lock_guard lock(HandlersMutex());
  const auto it = Handlers().find(catalog);
  if (it == Handlers().end()) return std::nullopt;
  return it->second;
}

// A read-only connection to partition p with the catalog attached as `cat`, interruptible as the store's.
detail::Connection OpenPartitionForQuery(const Store& store, int p) {
  detail::Connection db(store.OpenPartition(p, /*read_only=*/true));
  Statement attach(db.get(), "ATTACH DATABASE ?1 AS cat");  // read-only like the connection it joins
  attach.Bind(1, std::string_view(store.dir().string() + "/relais.db"));
  attach.Run();
  if (const auto h = ProgressHandlerOf(store.db())) sqlite3_progress_handler(db.get(), 1000, h->first, h->second);
  return db;
}

}  // namespace

void ForPartitions(const Store& store, const std::vector<int>& which,
                   const std::function<void(sqlite3* db, int partition)>& fn) {
  const int n = store.partitions();
  for (const int p : which)
    if (p < 0 || p >= n)
      throw Error(ErrorKind::kInvalidArgument,
                  "no partition " + std::to_string(p) + " (the store has " + std::to_string(n) + ")");
  if (n <= 1) {
    if (!which.empty()) fn(store.db(), 0);
    return;
  }
  std::vector<std::exception_ptr> errors(which.size());
  tbb::parallel_for(std::size_t{0}, which.size(), [&](std::size_t k) {
    try {
      const detail::Connection conn = OpenPartitionForQuery(store, which[k]);
      fn(conn.get(), which[k]);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  });
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

void ForEachPartition(const Store& store, const std::function<void(sqlite3* db, int partition)>& fn) {
  std::vector<int> all(static_cast<std::size_t>(store.partitions()));
  for (std::size_t p = 0; p < all.size(); ++p) all[p] = static_cast<int>(p);
  ForPartitions(store, all, fn);
}

namespace {
constexpr int kMergeCacheKib = 4 << 10;
}  // namespace

void MergePartitionRows(const Store& store, const std::string& sql, const std::function<void(Statement&)>& bind,
                        int key_columns, const std::function<void(const Statement&)>& row) {
  const int n = store.partitions();
  if (n <= 1) {
    Statement st(store.db(), sql);
    bind(st);
    while (st.Step()) row(st);
    return;
  }
  std::vector<detail::Connection> conns;
  std::vector<std::unique_ptr<Statement>> sts;
  std::vector<bool> alive;
  for (int p = 0; p < n; ++p) {
    conns.push_back(OpenPartitionForQuery(store, p));
    // Every partition's connection is open at once and each reads its rows in key order: a small page cache
    // each is enough (at the partitions' usual 32–64 MiB, 8 of them held 256 MiB for a streamed scan).
    Statement(conns.back().get(), "PRAGMA main.cache_size=-" + std::to_string(kMergeCacheKib)).Run();
    sts.push_back(std::make_unique<Statement>(conns.back().get(), sql));
    bind(*sts.back());
    alive.push_back(sts.back()->Step());
  }
  auto less = [&](int a, int b) {
    for (int c = 0; c < key_columns; ++c) {
      const std::int64_t x = sts[static_cast<std::size_t>(a)]->Int(c), y = sts[static_cast<std::size_t>(b)]->Int(c);
      if (x != y) return x < y;
    }
    return a < b;
  };
  while (true) {
    int best = -1;
    for (int p = 0; p < n; ++p)
      if (alive[static_cast<std::size_t>(p)] && (best < 0 || less(p, best))) best = p;
    if (best < 0) break;
    row(*sts[static_cast<std::size_t>(best)]);
    alive[static_cast<std::size_t>(best)] = sts[static_cast<std::size_t>(best)]->Step();
  }
}

std::unordered_map<std::int64_t, ItemBrief> LookupItems(const Store& store, const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> sorted(ids);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const auto parts = MapPartitions<std::vector<std::pair<std::int64_t, ItemBrief>>>(store, [&](sqlite3* db, int) {
    std::vector<std::pair<std::int64_t, ItemBrief>> found;
    Statement st(db, "SELECT key, time, actor_id FROM items WHERE id = ?1");
    for (const std::int64_t id : sorted) {
      st.Reset();
      st.Bind(1, id);
      if (!st.Step()) continue;
      ItemBrief b;
      b.key = st.Text(0);
      b.time = st.Int(1);
      if (!st.IsNull(2)) b.actor_id = st.Int(2);
      found.emplace_back(id, std::move(b));
    }
    return found;
  });
  std::unordered_map<std::int64_t, ItemBrief> out;
  out.reserve(sorted.size());
  for (const auto& part : parts)
    for (const auto& [id, b] : part) out.emplace(id, b);
  return out;
}

}  // namespace relais::corpora
