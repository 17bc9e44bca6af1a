// Telegram Desktop exports: the four real exports of ../shared/data/telegram-export (exact counts),
// the replies/forwards fixture, account exports, and each quarantine reason.
#include <gtest/gtest.h>

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::FixturesDir;
using relais::testing::ReadText;
using relais::testing::ReadWith;

struct Totals {
  std::size_t links = 0, mentions = 0, hashtags = 0;
};
Totals Sum(const relais::testing::ReadResult& r) {
  Totals t;
  for (const auto& rec : r.records) {
    const auto& it = rec.items.at(0);
    t.links += it.links.size();
    t.mentions += it.mentions.size();
    t.hashtags += it.hashtags.size();
  }
  return t;
}

fs::path Export(const fs::path& data, const char* name) { return data / "telegram-export" / name / "result.json"; }

TEST(TelegramReader, RealChannelExport) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kTelegram, Export(data, "python2022i-channel"));
  // python: 658 messages, 656 of type "message", 2 service (create_channel, pin_message).
  EXPECT_EQ(r.total(), 658u);
  EXPECT_EQ(r.records.size(), 656u);
  EXPECT_EQ(r.by_reason["service-message"], 2);
  EXPECT_EQ(r.diagnostics.size(), 2u);
  auto t = Sum(r);
  EXPECT_EQ(t.links, 60u);  // link + http(s) text_link entities, distinct per message
  EXPECT_EQ(t.mentions, 3u);
  EXPECT_EQ(t.hashtags, 42u);
  EXPECT_EQ(CountKind(r, ItemKind::kRetweet), 3);  // forwarded_from
  EXPECT_EQ(CountKind(r, ItemKind::kReply), 0);
  const auto& first = r.records[0].items[0];
  EXPECT_EQ(first.key, "telegram:1658432930/2");
  EXPECT_EQ(first.platform, "telegram");
  EXPECT_EQ(first.author.key, "telegram:channel1658432930");
  EXPECT_EQ(first.author.name, "Python 2022I");
  EXPECT_EQ(first.time, 1664521747000);  // date_unixtime
  EXPECT_EQ(first.text.rfind("Assalomu alaykum hammaga!", 0), 0u);
  for (const auto& rec : r.records) {
    EXPECT_EQ(rec.items.size(), 1u);
    if (rec.items[0].kind != ItemKind::kRetweet) continue;
    ASSERT_EQ(rec.items[0].refs.size(), 1u);
    EXPECT_EQ(rec.items[0].refs[0].layer, Layer::kRetweet);
    EXPECT_EQ(rec.items[0].refs[0].target_key.rfind("telegram:forwarded:", 0), 0u);
  }
}

TEST(TelegramReader, RealGroupsAndPublicChannel) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto group = ReadWith(Format::kTelegram, Export(data, "python2022i-group"));
  EXPECT_EQ(group.records.size(), 7u);
  EXPECT_EQ(group.by_reason["service-message"], 3);  // join_group_by_link
  EXPECT_EQ(group.total(), 10u);
  auto test_group = ReadWith(Format::kTelegram, Export(data, "roboteam-test-group"));
  // An older export (no date_unixtime, no text_entities): create_group, 2 invite_members, remove_members.
  EXPECT_EQ(test_group.records.size(), 8u);
  EXPECT_EQ(test_group.by_reason["service-message"], 4);
  EXPECT_EQ(Sum(test_group).links, 2u);
  for (const auto& rec : test_group.records) EXPECT_GT(rec.items[0].time, 0);
  auto channel = ReadWith(Format::kTelegram, Export(data, "pachumarchive-channel"));
  EXPECT_EQ(channel.records.size(), 6u);
  EXPECT_TRUE(channel.diagnostics.empty());
  auto t = Sum(channel);
  EXPECT_EQ(t.links, 3u);
  EXPECT_EQ(t.hashtags, 2u);
}

TEST(TelegramReader, RealExportsAreSniffedAndIngested) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  for (const char* name :
       {"python2022i-channel", "python2022i-group", "roboteam-test-group", "pachumarchive-channel"}) {
    std::string head = ReadAll(Export(data, name)).substr(0, 4096);
    auto f = SniffFormat(Export(data, name), head);
    ASSERT_TRUE(f) << name;
    EXPECT_EQ(*f, Format::kTelegram) << name;
  }
  auto s = relais::testing::IngestAndSummarise({(data / "telegram-export").string()});
  ASSERT_EQ(s.result.failed_files.size(), 1u);  // roboteam-test-group/LICENSE: not an export
  EXPECT_NE(s.result.failed_files[0].path.find("LICENSE"), std::string::npos);
  EXPECT_EQ(s.result.total.read, 686u);  // 658 + 10 + 12 + 6
  EXPECT_EQ(s.result.total.accepted, 677u);
  EXPECT_EQ(s.result.total.quarantined, 9u);
  EXPECT_EQ(s.result.by_reason.at("service-message"), 9u);
  EXPECT_EQ(s.result.by_format.at("telegram").read, 686u);
  // Forwards name "Python 2022E" and a person, neither of whom has an actor here: no flow.
  EXPECT_EQ(s.flows("retweet"), 0u);
  EXPECT_EQ(s.flows("reply"), 0u);
}

TEST(TelegramReader, RepliesForwardsAndEntities) {
  auto r = ReadWith(Format::kTelegram, FixturesDir() / "input" / "telegram" / "replies.json");
  ASSERT_EQ(r.records.size(), 7u);
  EXPECT_EQ(r.by_reason["service-message"], 1);
  auto item = [&](int id) -> const ItemRecord& {
    for (const auto& rec : r.records)
      if (rec.items[0].key == "telegram:1500000001/" + std::to_string(id)) return rec.items[0];
    throw std::runtime_error("no message " + std::to_string(id));
  };
  const auto& m2 = item(2);
  EXPECT_EQ(m2.kind, ItemKind::kOriginal);
  EXPECT_EQ(m2.text, "Article de @varmatin : https://www.varmatin.com/politique/conseil-municipal-123 #Toulon");
  EXPECT_EQ(m2.links, std::vector<std::string>{"https://www.varmatin.com/politique/conseil-municipal-123"});
  EXPECT_EQ(m2.mentions, std::vector<std::string>{"varmatin"});
  EXPECT_EQ(m2.hashtags, std::vector<std::string>{"Toulon"});
  EXPECT_EQ(m2.author.key, "telegram:user1001");
  EXPECT_EQ(m2.author.name, "Alice Martin");

  const auto& m3 = item(3);
  EXPECT_EQ(m3.kind, ItemKind::kReply);
  ASSERT_EQ(m3.refs.size(), 1u);
  EXPECT_EQ(m3.refs[0].layer, Layer::kReply);
  EXPECT_EQ(m3.refs[0].target_key, "telegram:1500000001/2");
  EXPECT_EQ(item(4).refs.at(0).target_key, "telegram:1500000001/3");
  EXPECT_EQ(item(4).links, std::vector<std::string>{"https://t.me/varmatin/4512"});
  EXPECT_EQ(item(4).text, "Voir aussi ce fil");

  // A forward known by name resolves to the id of the author of that name in the document.
  const auto& m5 = item(5);
  EXPECT_EQ(m5.kind, ItemKind::kRetweet);
  ASSERT_EQ(m5.refs.size(), 1u);
  EXPECT_EQ(m5.refs[0].layer, Layer::kRetweet);
  EXPECT_EQ(m5.refs[0].target_key, "telegram:forwarded:Alice Martin");
  EXPECT_EQ(m5.refs[0].target_author_handle, "user1001");
  // A forward that is also a reply; forwarded_from_id wins over the name.
  const auto& m6 = item(6);
  EXPECT_EQ(m6.kind, ItemKind::kRetweet);
  ASSERT_EQ(m6.refs.size(), 2u);
  EXPECT_EQ(m6.refs[0].target_key, "telegram:forwarded:channel1400000002");
  EXPECT_EQ(m6.refs[0].target_author_handle, "channel1400000002");
  EXPECT_EQ(m6.refs[1].layer, Layer::kReply);
  EXPECT_EQ(m6.refs[1].target_key, "telegram:1500000001/2");
  // A reply into another chat (reply_to_peer_id).
  EXPECT_EQ(item(7).refs.at(0).target_key, "telegram:1400000002/777");
  // An unknown forward source: no handle to fall back on.
  EXPECT_EQ(item(8).refs.at(0).target_key, "telegram:forwarded:Un inconnu");
  EXPECT_EQ(item(8).refs.at(0).target_author_handle, "");
}

TEST(TelegramReader, FixtureFlows) {
  auto s = relais::testing::IngestAndSummarise({(FixturesDir() / "input" / "telegram" / "replies.json").string()});
  EXPECT_EQ(s.result.total.read, 8u);
  EXPECT_EQ(s.result.total.accepted, 7u);
  EXPECT_EQ(s.result.total.quarantined, 1u);
  EXPECT_EQ(s.flows("reply"), 3u);    // 3→2, 4→3, 6→2 (7's target is in another chat, not stored)
  EXPECT_EQ(s.flows("retweet"), 1u);  // 5 from Alice (actor fallback); 6's and 8's sources are unknown
  EXPECT_EQ(s.flows("link"), 1u);     // 2 shares a varmatin.com article (registry outlet)
  EXPECT_EQ(s.flows("mention"), 0u);  // @varmatin has no Telegram actor here
}

TEST(TelegramReader, AccountExportWithChatList) {
  const std::string doc = R"({"about":"Here is the data you requested.","personal_information":{"user_id":1},
 "chats":{"about":"list","list":[
  {"name":"A","type":"public_channel","id":11,"messages":[
    {"id":1,"type":"message","date":"2021-01-11T10:00:00","date_unixtime":"1610359200","text":"un"}]},
  {"name":"B","type":"personal_chat","id":12,"messages":[
    {"id":1,"type":"message","date":"2021-01-11T10:00:00","date_unixtime":"1610359200","from":"B","from_id":"user12","text":"deux"},
    {"id":2,"type":"service","date":"2021-01-11T10:00:00","date_unixtime":"1610359200","action":"phone_call","text":""}]}]}})";
  auto head = SniffFormat("result.json", doc);
  ASSERT_TRUE(head);
  EXPECT_EQ(*head, Format::kTelegram);
  auto r = ReadText(Format::kTelegram, doc);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.by_reason["service-message"], 1);
  // A channel post without from_id is the channel's.
  EXPECT_EQ(r.records[0].items[0].author.key, "telegram:channel11");
  EXPECT_EQ(r.records[0].items[0].author.name, "A");
  EXPECT_EQ(r.records[1].items[0].key, "telegram:12/1");
}

TEST(TelegramReader, EachQuarantineReason) {
  auto one = [](const std::string& message) {
    return ReadText(Format::kTelegram, R"({"name":"G","type":"private_group","id":5,"messages":[)" + message + "]}");
  };
  EXPECT_EQ(one(R"({"id":1,"type":"service","date":"2021-01-01T00:00:00","action":"pin_message"})")
                .by_reason["service-message"],
            1);
  EXPECT_EQ(
      one(R"({"type":"message","date":"2021-01-01T00:00:00","from_id":"user1","text":"x"})").by_reason["missing-field"],
      1);
  EXPECT_EQ(one(R"({"id":1,"type":"message","from_id":"user1","text":"x"})").by_reason["missing-field"], 1);
  EXPECT_EQ(one(R"({"id":1,"type":"message","date":"2021-01-01T00:00:00","text":"x"})").by_reason["missing-field"],
            1);  // no from_id outside a channel
  EXPECT_EQ(one(R"({"id":1,"type":"message","date":"hier","from_id":"user1","text":"x"})").by_reason["bad-timestamp"],
            1);
  EXPECT_EQ(
      one(R"({"id":1,"type":"message","date_unixtime":"12a","from_id":"user1","text":"x"})").by_reason["bad-timestamp"],
      1);
  EXPECT_EQ(one(R"({"id":1,"type":"sticker_set","date":"2021-01-01T00:00:00"})").by_reason["not-a-post"], 1);
  EXPECT_EQ(one(R"("a string")").by_reason["not-a-post"], 1);
  EXPECT_EQ(one(R"({"id":1,"type":"message",)").by_reason["invalid-json"], 1);
  EXPECT_EQ(one("{\"id\":1,\"type\":\"message\",\"text\":\"\xff\"}").by_reason["invalid-utf8"], 1);
  auto no_messages = ReadText(Format::kTelegram, R"({"name":"G","type":"private_group","id":5})");
  EXPECT_EQ(no_messages.by_reason["not-a-post"], 1);
  // A good message next to bad ones is still read.
  auto mixed = one(
      R"({"id":1,"type":"message",},{"id":2,"type":"message","date":"2021-01-01T00:00:00","from_id":"user1","text":"ok"})");
  EXPECT_EQ(mixed.records.size(), 1u);
  EXPECT_EQ(mixed.total(), 2u);
}

TEST(TelegramReader, CompressedExportIsSniffedAndRead) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  relais::testing::TempDir tmp;
  const fs::path gz = tmp.path() / "result.json.gz";
  ASSERT_EQ(
      std::system(("gzip -c '" + Export(data, "python2022i-group").string() + "' > '" + gz.string() + "'").c_str()), 0);
  auto s = relais::testing::IngestAndSummarise({gz.string()});
  EXPECT_EQ(s.result.by_format.at("telegram").read, 10u);
  EXPECT_EQ(s.result.total.accepted, 7u);
}

}  // namespace
}  // namespace relais::corpora
