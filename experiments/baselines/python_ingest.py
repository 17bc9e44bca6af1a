#!/usr/bin/env python3
"""Baseline and data generator for the ingest benchmark (experiments/results/ingest.md).

  python3 python_ingest.py generate --tweets 1000000 --out /tmp/tweets.jsonl [--seed 1]
      Writes twarc2-shaped JSONL pages ({data, includes:{users, tweets}, meta, __twarc}) with the
      shapes of ../shared/data/twarc2-jsonl: 100 tweets a page, distinct ids, authors drawn from
      a pool, retweets / quotes / replies of earlier tweets (referenced tweets in includes),
      hashtags, mentions and URL entities, French-looking text.

  python3 python_ingest.py load --db /tmp/py.db /tmp/tweets.jsonl
      The baseline: json + sqlite3 (stdlib) loading tweets into a plain table (id, author, time,
      text) with executemany in one transaction. It does less than relais ingest: no expansions,
      no actors, no refs/urls/hashtags/mentions, no flows, no accounting or quarantine.
"""
import argparse
import json
import random
import sqlite3
import sys
import time

WORDS = ("réforme retraites été Toulon Marseille préfecture maire conseil région sécurité incendie "
         "forêt manifestation grève rentrée école hôpital santé transport train tramway budget "
         "élection député sénat gouvernement ministre annonce projet quartier port plage").split()
TAGS = ["Toulon", "Var", "PQR", "retraites", "greve", "Marseille", "incendie", "JO2024"]
DOMAINS = ["varmatin.com", "nicematin.com", "laprovence.com", "lemonde.fr", "francebleu.fr", "example.org"]


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".000Z"


def generate(args):
    rnd = random.Random(args.seed)
    users = [{"id": str(10_000 + u), "username": f"compte_{u}", "name": f"Compte {u}",
              "created_at": "2015-03-01T10:00:00.000Z", "verified": False,
              "public_metrics": {"followers_count": rnd.randint(0, 50_000), "following_count": 100,
                                 "tweet_count": 1000, "listed_count": 3}}
             for u in range(args.users)]
    base_id = 1_400_000_000_000_000_000
    t0 = 1_609_459_200_000  # 2021-01-01
    recent = []  # (tweet dict) earlier tweets that can be referenced
    out = open(args.out, "w", encoding="utf-8")
    n = 0
    page = 0
    while n < args.tweets:
        data, inc_tweets, inc_users = [], {}, {}
        for _ in range(min(100, args.tweets - n)):
            tid = str(base_id + n)
            u = users[rnd.randrange(len(users))]
            inc_users[u["id"]] = u
            words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 22))]
            tags = rnd.sample(TAGS, rnd.randint(0, 2))
            text = " ".join(words)
            entities = {}
            if tags:
                entities["hashtags"] = []
                for tag in tags:
                    start = len(text) + 1
                    text += " #" + tag
                    entities["hashtags"].append({"start": start, "end": start + len(tag) + 1, "tag": tag})
            if rnd.random() < 0.3:
                m = users[rnd.randrange(len(users))]
                start = len(text) + 1
                text += " @" + m["username"]
                entities["mentions"] = [{"start": start, "end": start + len(m["username"]) + 1,
                                         "username": m["username"], "id": m["id"]}]
                inc_users[m["id"]] = m
            if rnd.random() < 0.25:
                dom = rnd.choice(DOMAINS)
                url = f"https://www.{dom}/article/{rnd.randrange(100000)}?utm_source=twitter"
                short = f"https://t.co/{rnd.randrange(36**8):08x}"
                start = len(text) + 1
                text += " " + short
                entities["urls"] = [{"start": start, "end": start + len(short), "url": short,
                                     "expanded_url": url, "display_url": url[8:40]}]
            tw = {"id": tid, "text": text, "author_id": u["id"], "conversation_id": tid,
                  "created_at": iso(t0 + n * 1000), "lang": "fr", "possibly_sensitive": False,
                  "source": "Twitter for Android", "reply_settings": "everyone",
                  "public_metrics": {"retweet_count": rnd.randint(0, 50), "reply_count": 0,
                                     "like_count": rnd.randint(0, 200), "quote_count": 0}}
            if entities:
                tw["entities"] = entities
            r = rnd.random()
            if recent and r < 0.45:
                ref = rnd.choice(recent)
                kind = "retweeted" if r < 0.3 else ("quoted" if r < 0.38 else "replied_to")
                tw["referenced_tweets"] = [{"type": kind, "id": ref["id"]}]
                if kind == "retweeted":
                    tw["text"] = "RT @compte_" + str(int(ref["author_id"]) - 10_000) + ": " + ref["text"][:100]
                if kind == "replied_to":
                    tw["in_reply_to_user_id"] = ref["author_id"]
                    tw["conversation_id"] = ref["conversation_id"]
                inc_tweets[ref["id"]] = ref
                inc_users[ref["author_id"]] = users[int(ref["author_id"]) - 10_000]
            data.append(tw)
            recent.append(tw)
            if len(recent) > 5000:
                recent = recent[-2500:]
            n += 1
        page += 1
        line = {"data": data, "includes": {"users": list(inc_users.values()), "tweets": list(inc_tweets.values())},
                "meta": {"newest_id": data[-1]["id"], "oldest_id": data[0]["id"], "result_count": len(data)},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.10.4",
                            "retrieved_at": "2022-05-01T10:00:00+00:00"}}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    out.close()
    print(f"wrote {n} tweets in {page} pages to {args.out}", file=sys.stderr)


def load(args):
    t = time.time()
    db = sqlite3.connect(args.db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS tweets (id TEXT PRIMARY KEY, author TEXT, time TEXT, text TEXT)")
    n = 0
    with db:
        for path in args.paths:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        continue
                    page = json.loads(line)
                    rows = [(tw["id"], tw.get("author_id"), tw.get("created_at"), tw.get("text"))
                            for tw in page.get("data", [])]
                    db.executemany("INSERT OR IGNORE INTO tweets VALUES (?, ?, ?, ?)", rows)
                    n += len(rows)
    db.close()
    s = time.time() - t
    print(json.dumps({"tweets": n, "seconds": round(s, 3), "tweets_per_s": round(n / s)}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--tweets", type=int, default=1_000_000)
    g.add_argument("--users", type=int, default=20_000)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--out", required=True)
    g.set_defaults(func=generate)
    l = sub.add_parser("load")
    l.add_argument("--db", required=True)
    l.add_argument("paths", nargs="+")
    l.set_defaults(func=load)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
