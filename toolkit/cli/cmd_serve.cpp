// relais serve: the read-only query server and web page for journalists.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/server.hpp"

namespace relais::cli {
namespace {

struct ServeArgs {
  std::string store, host = "127.0.0.1";
  int port = 8080, threads = 0, connections = 0;
  double query_timeout = 30;
  std::vector<std::string> allowed_hosts;
  bool no_pseudonymise = false;
};

void RunServe(const ServeArgs& a) {
  if (a.port < 0 || a.port > 65535) ThrowInvalidArgument("--port must be in [0, 65535] (0 = any free port)");
  if (!(a.query_timeout >= 0 && a.query_timeout <= 86400))
    ThrowInvalidArgument("--query-timeout must be in [0, 86400] seconds (0 = none)");
  if (a.connections < 0 || a.connections > 256) ThrowInvalidArgument("--connections must be in [0, 256]");
  // SIGINT/SIGTERM are blocked in every thread (set before any thread starts) and taken by sigwait in
  // one watcher thread, which stops the server: no work inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  toolkit::QueryService service(a.store, {.pseudonymise = !a.no_pseudonymise,
                                          .threads = a.threads,
                                          .connections = a.connections,
                                          .query_timeout_ms = static_cast<int>(a.query_timeout * 1000)});
  toolkit::QueryServer server(service, {.host = a.host, .port = a.port, .allowed_hosts = a.allowed_hosts});
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!done) std::cerr << "relais: stopping\n";
    server.Stop();
  });
  std::cerr << "relais: serving " << a.store << " on http://" << a.host << ":" << server.port() << "/ (read-only"
            << (a.no_pseudonymise ? ", NOT pseudonymised" : ", non-public accounts pseudonymised") << "); Ctrl-C stops"
            << std::endl;
  server.Run();
  done = true;
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes the watcher if Run() ended on its own
  watcher.join();
}

}  // namespace

void RegisterServe(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<ServeArgs>();
  auto* sub = app.add_subcommand("serve", "read-only query server and web page for journalists");
  sub->add_option("--store", a->store, "store folder")->required();
  sub->add_option("--host", a->host, "address to listen on")->capture_default_str();
  sub->add_option("--port", a->port, "port (0 = any free port)")->capture_default_str();
  sub->add_option("--threads", a->threads, "analysis threads per request (default: all cores)");
  sub->add_option("--connections", a->connections,
                  "read-only store connections, i.e. requests computed at once (default: cores, at least 2)");
  sub->add_option("--query-timeout", a->query_timeout, "seconds a request's queries may run before a 503 (0 = none)")
      ->capture_default_str();
  sub->add_option("--allow-host", a->allowed_hosts,
                  "a name the server may be reached by (Host header), besides its address and localhost");
  sub->add_flag("--no-pseudonymise", a->no_pseudonymise, "show non-public accounts by their keys");
  sub->callback([a] { RunServe(*a); });
  (void)ctx;
}

}  // namespace relais::cli
