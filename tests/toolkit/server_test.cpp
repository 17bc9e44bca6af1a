// Tests for the query server: the routes on a hand-built store (privacy rules included), HTTP over a
// real socket, and the CLI's errors and shutdown.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "graph_store_fixture.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/server.hpp"
#include "test_util.hpp"

namespace relais::toolkit {
namespace {

using corpora::OpenMode;
using corpora::Store;
using nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "store";
    auto s = Store::Open(dir_, OpenMode::kCreate);
    testing::FillStore(s);
  }
  json GetJson(const QueryService& svc, std::string_view path, const QueryParams& p, int want_status = 200) {
    HttpResponse r = svc.Get(path, p);
    EXPECT_EQ(r.status, want_status) << path << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }
  relais::testing::TempDir tmp_;
  std::filesystem::path dir_;
};

TEST_F(ServerTest, StatsAreTheStoresStats) {
  QueryService svc(dir_, {});
  json j = GetJson(svc, "/api/stats", {});
  EXPECT_EQ(j["items"], 10);
  EXPECT_EQ(j["flows_by_layer"]["retweet"], 3);
  auto store = Store::Open(dir_, OpenMode::kReadOnly);
  EXPECT_EQ(j, json::parse(corpora::StatsToJson(corpora::ComputeStats(store))));
}

// Answers are cached, and a write to the store by another connection invalidates them.
TEST_F(ServerTest, CachedAnswersFollowWritesToTheStore) {
  QueryService svc(dir_, {});
  const json first = GetJson(svc, "/api/stats", {});
  EXPECT_EQ(GetJson(svc, "/api/stats", {}), first);
  {
    auto w = Store::Open(dir_, OpenMode::kReadWrite);
    w.Exec("INSERT INTO items(key, channel, kind, time) VALUES('twitter:999999', 'social', 'original', 0)");
  }
  const json after = GetJson(svc, "/api/stats", {});
  EXPECT_EQ(after["items"], first["items"].get<int>() + 1);
  // Errors are not cached: a bad request stays a bad request, a good one is answered.
  GetJson(svc, "/api/rank", {{"metric", "nope"}}, 400);
  EXPECT_EQ(GetJson(svc, "/api/rank", {{"metric", "pagerank"}})["metric"], "pagerank");
}

TEST_F(ServerTest, AmplifiersArePseudonymisedAndPrivateKeysAreRefused) {
  QueryService svc(dir_, {});
  json j = GetJson(svc, "/api/amplifiers", {{"of", "lemonde.fr"}});
  ASSERT_FALSE(j["results"].empty());
  for (const auto& r : j["results"]) {
    EXPECT_EQ(r["key"].get<std::string>().rfind("anon-", 0), 0u) << r.dump();  // alice and bob
  }
  // A non-public account cannot be named by its real handle (that would unmask its pseudonym)…
  json refused = GetJson(svc, "/api/amplifiers", {{"of", "@alice"}}, 403);
  EXPECT_NE(refused["error"].get<std::string>().find("pseudonym"), std::string::npos);
  // …but by its pseudonym it can.
  auto store = Store::Open(dir_, OpenMode::kReadOnly);
  json by_pseudonym = GetJson(svc, "/api/amplifiers", {{"of", store.Pseudonym("@alice")}});
  EXPECT_EQ(by_pseudonym["results"].size(), 1u);  // bob retweeted alice's item 4
  // Without pseudonymisation (operator's choice) the real keys are shown and accepted.
  QueryService open_svc(dir_, {.pseudonymise = false});
  json named = GetJson(open_svc, "/api/amplifiers", {{"of", "@alice"}});
  EXPECT_EQ(named["results"][0]["key"], "@bob");
}

TEST_F(ServerTest, ActorSearchListsOnlyPublicActors) {
  QueryService svc(dir_, {});
  json j = GetJson(svc, "/api/actors", {{"q", ""}});
  std::vector<std::string> keys;
  for (const auto& a : j["actors"]) keys.push_back(a["key"]);
  EXPECT_EQ(keys, (std::vector<std::string>{"afp.com", "lemonde.fr"}));
  QueryService open_svc(dir_, {.pseudonymise = false});
  j = GetJson(open_svc, "/api/actors", {{"q", "LI"}});  // case-insensitive substring
  ASSERT_EQ(j["actors"].size(), 1u);
  EXPECT_EQ(j["actors"][0]["key"], "@alice");
  j = GetJson(open_svc, "/api/actors", {{"q", "%"}});  // LIKE wildcards are literal
  EXPECT_TRUE(j["actors"].empty());
}

TEST_F(ServerTest, FlowsMatchTheLibrary) {
  QueryService svc(dir_, {});
  json j = GetJson(svc, "/api/flows", {{"by", "class"}, {"layers", "retweet,quote,reply"}});
  FlowMatrixOptions o;
  o.query.layers = {"retweet", "quote", "reply"};
  auto store = Store::Open(dir_, OpenMode::kReadOnly);
  EXPECT_EQ(j, ToJson(ComputeFlowMatrices(store, o), o));
  json ba = GetJson(svc, "/api/flows", {{"at", "1970-01-01T00:00:04Z"}, {"before", "4s"}, {"after", "10s"}});
  EXPECT_EQ(ba["windows"].size(), 2u) << ba.dump();
}

TEST_F(ServerTest, RankCreditsSourcesAndHidesPrivateKeys) {
  QueryService svc(dir_, {.pseudonymise = true, .threads = 2});
  json j = GetJson(svc, "/api/rank", {{"metric", "degree"}, {"weighted", "1"}, {"top", "0"}});
  EXPECT_EQ(j["metric"], "degree");
  ASSERT_EQ(j["results"].size(), 4u);
  // lemonde.fr is the source of 3 flows (2 retweets + 1 link): the most credited.
  EXPECT_EQ(j["results"][0]["node"], "lemonde.fr");
  EXPECT_DOUBLE_EQ(j["results"][0]["score"].get<double>(), 3.0);
  for (const auto& r : j["results"]) EXPECT_EQ(r["node"].get<std::string>().find('@'), std::string::npos);
  json pr = GetJson(svc, "/api/rank", {});
  EXPECT_EQ(pr["metric"], "pagerank");
  double sum = 0;
  for (const auto& r : pr["results"]) sum += r["score"].get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST_F(ServerTest, BadRequestsGetClearErrors) {
  QueryService svc(dir_, {});
  EXPECT_NE(GetJson(svc, "/api/rank", {{"top", "ten"}}, 400)["error"].get<std::string>().find("top"),
            std::string::npos);
  EXPECT_NE(GetJson(svc, "/api/rank", {{"metric", "fame"}}, 400)["error"].get<std::string>().find("fame"),
            std::string::npos);
  GetJson(svc, "/api/amplifiers", {}, 400);                    // missing "of"
  GetJson(svc, "/api/amplifiers", {{"of", "@nobody"}}, 400);   // unknown actor
  GetJson(svc, "/api/flows", {{"at", "yesterday"}}, 400);      // bad time
  GetJson(svc, "/api/flows", {{"layers", "telepathy"}}, 400);  // bad layer
  GetJson(svc, "/api/nothing-here", {}, 404);
}

TEST_F(ServerTest, WebPageIsSelfContainedAndUsesTheApi) {
  QueryService svc(dir_, {});
  HttpResponse r = svc.Get("/", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/html", 0), 0u);
  for (const char* api :
       {"/api/amplifiers", "/api/first-sharers", "/api/path", "/api/flows", "/api/rank", "/api/stats"})
    EXPECT_NE(r.body.find(api), std::string::npos) << api;
  EXPECT_EQ(r.body.find("src=\"http"), std::string::npos);  // no external scripts or images
  EXPECT_EQ(r.body.find("innerHTML"), std::string::npos);   // data goes in as text only
}

/// One HTTP/1.1 exchange over a plain socket: returns the raw response.
std::string HttpExchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  (void)!write(fd, request.data(), request.size());
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

TEST_F(ServerTest, ServesHttpGetOnlyAndStops) {
  QueryService svc(dir_, {});
  QueryServer server(svc, "127.0.0.1", 0);
  ASSERT_GT(server.port(), 0);
  std::thread t([&] { server.Run(); });
  for (int i = 0; i < 500 && !server.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(server.running());
  std::string ok = HttpExchange(
      server.port(), "GET /api/rank?metric=degree&weighted=1&top=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(ok.find("\"node\":\"lemonde.fr\""), std::string::npos) << ok;
  EXPECT_NE(ok.find("Cache-Control: no-store"), std::string::npos);
  std::string post = HttpExchange(
      server.port(), "POST /api/stats HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u) << post;
  std::string forbidden = HttpExchange(
      server.port(), "GET /api/path?from=%40alice&to=lemonde.fr HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(forbidden.rfind("HTTP/1.1 403", 0), 0u) << forbidden;
  server.Stop();
  t.join();
}

TEST_F(ServerTest, CliErrorsAndGracefulShutdown) {
  const std::string bin = relais::testing::RelaisBin();
  auto missing = relais::testing::Run(bin + " serve --store " + (tmp_.path() / "nope").string() + " --port 0");
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  auto bad_port = relais::testing::Run(bin + " serve --store " + dir_.string() + " --port 70000");
  EXPECT_EQ(bad_port.exit_code, 2) << bad_port.err;
  // SIGINT after a second: the server stops cleanly (exit 0) after announcing its address.
  auto run = relais::testing::Run("timeout --preserve-status -s INT 1 " + bin + " serve --store " + dir_.string() +
                                  " --port 0");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("serving"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("http://127.0.0.1:"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace relais::toolkit
