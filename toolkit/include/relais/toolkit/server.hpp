// The read-only query server for journalists (`relais serve`): a JSON API over the store and a web
// page that asks it the journalists' questions without writing code.
//
//   QueryService svc(store_dir, {.pseudonymise = true});
//   HttpResponse r = svc.Get("/api/amplifiers", {{"of", "varmatin.com"}});   // no sockets: testable
//   QueryServer server(svc, "127.0.0.1", 8080);   // HTTP on top (cpp-httplib), GET only
//   server.Run();                                  // blocks until Stop()
//
// Endpoints (GET; every answer is JSON; errors are {"error": "..."} with status 400/403/404):
//   /                         the web page
//   /api/stats                the store's summary (as `relais stats --json`)
//   /api/actors?q=TEXT        public actors whose key or name contains TEXT (≤ limit, default 20)
//   /api/amplifiers?of=X      who relays X (as `relais who --amplifiers-of X --json`); layers, top
//   /api/first-sharers?url=U  who brought U onto social media first; layers, top
//   /api/path?from=A&to=B     the strongest chain of flows from A to B, with evidence; layers
//   /api/flows                flow matrix; by=class|region|actor, layers, from, to, at, before, after
//   /api/rank                 ranking of the credit graph; metric (default pagerank), by, layers, from,
//                             to, top, damping, weighted
// Privacy: with pseudonymisation on (the default), accounts that are not public actors appear only as
// their keyed pseudonym (anon-…), are never listed by /api/actors, and cannot be looked up by their
// real key (403) — only by the pseudonym — so the server cannot be used to unmask them.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "relais/corpora/store.hpp"

namespace relais::toolkit {

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using QueryParams = std::map<std::string, std::string, std::less<>>;

struct QueryServiceOptions {
  bool pseudonymise = true;
  int threads = 0;  // analysis threads per request (0 = all cores)
};

/// Answers the API's requests from a store opened read-only. Thread-safe (one request at a time
/// touches the store). Repeated requests are answered from a cache invalidated by any write to the
/// store (a statistics page on a 17.6 M-item store takes ~25 s to compute, then nothing).
class QueryService {
 public:
  QueryService(const std::filesystem::path& store_dir, QueryServiceOptions options);
  HttpResponse Get(std::string_view path, const QueryParams& params) const;

 private:
  HttpResponse Route(std::string_view path, const QueryParams& params) const;
  std::int64_t DataVersion() const;
  mutable std::mutex mu_;
  corpora::Store store_;
  QueryServiceOptions options_;
  // Answers are pure functions of the store's content: successful ones are kept until another
  // connection commits (SQLite's data_version changes) or the cache passes its byte budget.
  mutable std::map<std::string, HttpResponse, std::less<>> cache_;
  mutable std::size_t cache_bytes_ = 0;
  mutable std::int64_t cache_version_ = -1;
};

/// The embedded single-file web page served at "/".
std::string_view WebPage();

/// HTTP on top of a QueryService. GET only (405 otherwise): the server never writes to the store.
class QueryServer {
 public:
  /// Binds host:port (port 0 = any free port); throws relais::Error (kIo) when it cannot.
  QueryServer(const QueryService& service, const std::string& host, int port);
  ~QueryServer();
  QueryServer(const QueryServer&) = delete;
  QueryServer& operator=(const QueryServer&) = delete;

  int port() const { return port_; }
  /// True once Run() is accepting connections.
  bool running() const;
  /// Serves until Stop() is called (from another thread or a signal handler's thread).
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace relais::toolkit
