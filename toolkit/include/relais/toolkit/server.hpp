// The read-only query server for journalists (`relais serve`): a JSON API over the store and a web
// page that asks it the journalists' questions without writing code.
//
//   QueryService svc(store_dir, {.pseudonymise = true});
//   HttpResponse r = svc.Get("/api/amplifiers", {{"of", "varmatin.com"}});   // no sockets: testable
//   QueryServer server(svc, {.host = "127.0.0.1", .port = 8080});   // HTTP on top (cpp-httplib)
//   server.Run();                                                    // blocks until Stop()
//
// Endpoints (GET; every answer is JSON; errors are {"error": "..."} with status 400/404/503):
//   /                         the web page (/app.js and /app.css beside it)
//   /api/stats                the store's summary (as `relais stats --json`)
//   /api/actors?q=TEXT        public actors whose key or name contains TEXT (≤ limit, default 20)
//   /api/amplifiers?of=X      who relays X (as `relais who --amplifiers-of X --json`); layers, top
//   /api/first-sharers?url=U  who brought U onto social media first; layers, top
//   /api/path?from=A&to=B     the strongest chain of flows from A to B, with evidence; layers
//   /api/flows                flow matrix; by=class|region|actor, layers, from, to, at, before, after,
//                             limit, offset (cells of by=actor matrices are paged)
//   /api/rank                 ranking of the credit graph; metric (default pagerank), by, layers, from,
//                             to, top, damping, weighted
// Privacy: with pseudonymisation on (the default), nothing in an answer links a pseudonym to an
// account: accounts that are not public actors appear only as their keyed pseudonym (anon-…), their
// items only as item pseudonyms (item-…; texts are shown), they are never listed by /api/actors, and
// naming one by its real handle or name answers exactly as an unknown actor does (400), so the server
// cannot be used to unmask them or to test whether someone is in the corpus.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relais::toolkit {

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using QueryParams = std::map<std::string, std::string, std::less<>>;

struct QueryServiceOptions {
  bool pseudonymise = true;
  int threads = 0;                     // analysis threads per request (0 = all cores)
  int connections = 0;                 // read-only store connections, i.e. concurrent computations (0 = cores, ≥ 2)
  int query_timeout_ms = 30000;        // a computation's SQL stops after this (answer 503); 0 = none
  std::size_t cache_bytes = 64 << 20;  // answers kept (keys and bodies counted)
};

/// Answers the API's requests from a store opened read-only. Thread-safe: each computation runs on
/// its own read-only connection (a pool of `connections`), inside one read transaction, so a cheap
/// request answers beside a slow one. Answers are kept in an LRU cache keyed on the parsed, validated
/// parameters and emptied when another connection commits to the store (SQLite's data_version).
class QueryService {
 public:
  QueryService(const std::filesystem::path& store_dir, QueryServiceOptions options);
  ~QueryService();
  QueryService(const QueryService&) = delete;
  QueryService& operator=(const QueryService&) = delete;

  HttpResponse Get(std::string_view path, const QueryParams& params) const;

  /// Bytes the answer cache holds now (keys + bodies), for tests and the load test.
  std::size_t cached_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The web page served at "/", its script ("/app.js") and style sheet ("/app.css"): no inline
/// script or style, so the Content-Security-Policy needs no 'unsafe-inline'.
std::string_view WebPage();
std::string_view WebScript();
std::string_view WebStyle();

struct QueryServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  int threads = 0;  // HTTP worker threads (0 = 64): one per kept-alive connection being served
  /// Host header values accepted besides the bound address, "localhost" and loopback literals
  /// (DNS-rebinding protection: a page on another name cannot read the API through the browser).
  std::vector<std::string> allowed_hosts;
};

/// HTTP on top of a QueryService. GET (and HEAD) only, 405 otherwise: the server never writes to the
/// store. Requests are size-limited, the Host header is checked, TCP_NODELAY is set.
class QueryServer {
 public:
  /// Binds host:port (port 0 = any free port); throws relais::Error (kIo) when it cannot.
  QueryServer(const QueryService& service, QueryServerOptions options);
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
