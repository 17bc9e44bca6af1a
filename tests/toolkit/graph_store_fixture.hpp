// A tiny store written with SQL for the graph-view, rank and cascades tests (independent of ingest).
#pragma once

#include <string>

#include "relais/corpora/store.hpp"
#include "test_util.hpp"

namespace relais::toolkit::testing {

/// Actors: 1 lemonde.fr (press-national, public), 2 @alice (public user, not public), 3 @bob,
/// 4 afp.com (press-agency, public). Items at t = 1000·id. Flows (source → derived):
///   retweet 1→2 (alice retweets lemonde's post 1 as item 2), retweet 1→3 (bob), retweet 4→5,
///   quote 2→6 (bob quotes alice's retweet), reply 6→7 (alice replies), link 8→9 (src_actor set,
///   src_item NULL), reuse 10→1 (lemonde reuses afp's text).
inline void FillStore(corpora::Store& s) {
  s.Exec(R"sql(
INSERT INTO actors(id, key, actor_class, region, public) VALUES
  (1, 'lemonde.fr', 'press-national', 'Île-de-France', 1),
  (2, '@alice', 'public', NULL, 0),
  (3, '@bob', 'public', 'Bretagne', 0),
  (4, 'afp.com', 'press-agency', '', 1);
INSERT INTO items(id, key, channel, kind, actor_id, time) VALUES
  (1, 'twitter:1', 'social', 'original', 1, 1000),
  (2, 'twitter:2', 'social', 'retweet', 2, 2000),
  (3, 'twitter:3', 'social', 'retweet', 3, 3000),
  (4, 'twitter:4', 'social', 'original', 2, 4000),
  (5, 'twitter:5', 'social', 'retweet', 3, 5000),
  (6, 'twitter:6', 'social', 'quote', 3, 6000),
  (7, 'twitter:7', 'social', 'reply', 2, 7000),
  (8, 'https://lemonde.fr/a', 'press', 'article', 1, 8000),
  (9, 'twitter:9', 'social', 'original', 3, 9000),
  (10, 'https://afp.com/d', 'press', 'article', 4, 500);
INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor, latency) VALUES
  ('retweet', 1, 2, 1, 2, 1000),
  ('retweet', 1, 3, 1, 3, 2000),
  ('retweet', 4, 5, 2, 3, 1000),
  ('quote', 2, 6, 2, 3, 4000),
  ('reply', 6, 7, 3, 2, 1000),
  ('link', NULL, 9, 1, 3, NULL),
  ('reuse', 10, 1, 4, 1, 500);
)sql");
}

}  // namespace relais::toolkit::testing
