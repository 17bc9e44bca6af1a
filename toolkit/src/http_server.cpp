// HTTP for the query server (cpp-httplib): GET/HEAD requests go to the QueryService, every other method
// is 405 before its body is read; the Host header is checked; answers carry a strict CSP.
#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "relais/base/error.hpp"
#include "relais/toolkit/server.hpp"

namespace relais::toolkit {

struct QueryServer::Impl {
  httplib::Server http;
  std::vector<std::string> hosts;  // accepted Host names (lower case, IPv6 without brackets)
  bool wildcard = false;           // bound to every address: any IP literal is accepted too
  int port = 0;
};

namespace {

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void SetCommonHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy", kCsp);
}

void Refuse(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  SetCommonHeaders(res);
  res.set_header("Connection", "close");  // an unread body must not be parsed as the next request
  std::string body = "{\"error\":\"";
  for (char c : message) body += c == '"' ? std::string("\\\"") : std::string(1, c);
  res.set_content(body + "\"}\n", "application/json");
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool IsIpLiteral(const std::string& h) {
  if (h.find(':') != std::string::npos) return true;  // IPv6 (brackets already removed)
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

/// Host header → (name, port or -1); name lower case, IPv6 brackets removed. False when malformed.
bool SplitHost(const std::string& value, std::string& name, int& port) {
  std::string v = Lower(value);
  port = -1;
  std::string rest;
  if (!v.empty() && v[0] == '[') {
    auto close = v.find(']');
    if (close == std::string::npos) return false;
    name = v.substr(1, close - 1);
    rest = v.substr(close + 1);
  } else {
    auto colon = v.find(':');
    name = v.substr(0, colon);
    rest = colon == std::string::npos ? "" : v.substr(colon);
  }
  if (!rest.empty()) {
    if (rest[0] != ':' || rest.size() < 2 || rest.size() > 6) return false;
    port = 0;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return false;
      port = port * 10 + (c - '0');
    }
  }
  return !name.empty();
}

}  // namespace

QueryServer::QueryServer(const QueryService& service, QueryServerOptions options) : impl_(std::make_unique<Impl>()) {
  auto& http = impl_->http;
  const int threads = options.threads > 0 ? options.threads : 64;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http.set_tcp_nodelay(true);  // without it every kept-alive answer waited ~40 ms (Nagle + delayed ACK)
  http.set_payload_max_length(4096);
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(5);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(30, 0);

  const std::string bound = Lower(options.host);
  impl_->wildcard = bound == "0.0.0.0" || bound == "::" || bound == "[::]";
  impl_->hosts = {"localhost", "127.0.0.1", "::1"};
  std::string bound_name;
  int ignored = 0;
  if (SplitHost(bound, bound_name, ignored)) impl_->hosts.push_back(bound_name);
  for (const auto& h : options.allowed_hosts) {
    std::string name;
    if (SplitHost(h, name, ignored)) impl_->hosts.push_back(name);
  }

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") {
      Refuse(res, 405, "read-only server: GET only");
      res.set_header("Allow", "GET, HEAD");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Host")) {
      std::string name;
      int port = -1;
      const bool ok = SplitHost(req.get_header_value("Host"), name, port) && (port < 0 || port == impl_->port) &&
                      (std::find(impl_->hosts.begin(), impl_->hosts.end(), name) != impl_->hosts.end() ||
                       (impl_->wildcard && IsIpLiteral(name)));
      if (!ok) {
        Refuse(res, 403,
               "Host header not accepted (this server answers to its own address; relais serve --allow-host NAME "
               "adds a name)");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.Get(".*", [&service](const httplib::Request& req, httplib::Response& res) {
    QueryParams params;
    for (const auto& [k, v] : req.params) params.emplace(k, v);  // first value wins
    HttpResponse r = service.Get(req.path, params);
    res.status = r.status;
    SetCommonHeaders(res);
    res.set_content(r.body, r.content_type.c_str());
  });
  if (options.port == 0) {
    port_ = http.bind_to_any_port(options.host);
    if (port_ <= 0) throw Error(ErrorKind::kIo, "cannot listen on " + options.host + " (any port)");
  } else {
    if (options.port < 0 || options.port > 65535 || !http.bind_to_port(options.host, options.port))
      throw Error(ErrorKind::kIo, "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                                      " (in use, or not an address of this machine)");
    port_ = options.port;
  }
  impl_->port = port_;
}

QueryServer::~QueryServer() = default;

void QueryServer::Run() { impl_->http.listen_after_bind(); }

bool QueryServer::running() const { return impl_->http.is_running(); }

void QueryServer::Stop() { impl_->http.stop(); }

}  // namespace relais::toolkit
