// HTTP for the query server (cpp-httplib): GET requests go to the QueryService, everything else is 405.
#include <httplib.h>

#include "relais/base/error.hpp"
#include "relais/toolkit/server.hpp"

namespace relais::toolkit {

struct QueryServer::Impl {
  httplib::Server http;
};

namespace {

void SetCommonHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
}

}  // namespace

QueryServer::QueryServer(const QueryService& service, const std::string& host, int port)
    : impl_(std::make_unique<Impl>()) {
  auto& http = impl_->http;
  http.Get(".*", [&service](const httplib::Request& req, httplib::Response& res) {
    QueryParams params;
    for (const auto& [k, v] : req.params) params.emplace(k, v);  // first value wins
    HttpResponse r = service.Get(req.path, params);
    res.status = r.status;
    SetCommonHeaders(res);
    res.set_content(r.body, r.content_type.c_str());
  });
  auto refuse = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    SetCommonHeaders(res);
    res.set_header("Allow", "GET");
    res.set_content("{\"error\":\"read-only server: GET only\"}\n", "application/json");
  };
  http.Post(".*", refuse);
  http.Put(".*", refuse);
  http.Patch(".*", refuse);
  http.Delete(".*", refuse);
  if (port == 0) {
    port_ = http.bind_to_any_port(host);
    if (port_ <= 0) throw Error(ErrorKind::kIo, "cannot listen on " + host + " (any port)");
  } else {
    if (!http.bind_to_port(host, port))
      throw Error(ErrorKind::kIo, "cannot listen on " + host + ":" + std::to_string(port) +
                                      " (in use, or not an address of this machine)");
    port_ = port;
  }
}

QueryServer::~QueryServer() = default;

void QueryServer::Run() { impl_->http.listen_after_bind(); }

bool QueryServer::running() const { return impl_->http.is_running(); }

void QueryServer::Stop() { impl_->http.stop(); }

}  // namespace relais::toolkit
