"""Independent reference for e06_higgs: the SNAP Higgs activity file read by python + igraph (no relais).

    python3 experiments/baselines/higgs_reference.py ../shared/data/snap-higgs-twitter/higgs-activity_time.txt.gz

Prints, per interaction type, the directed user-pair network (nodes, edges, self-pairs, largest weakly
connected component), the hourly activity around 2012-07-04T04:00Z (72 h either side) and the retweets
received per account: the quantities e06 computes from the store."""
import gzip, collections, sys, igraph as ig
path = sys.argv[1]
lines = 0; kinds = collections.Counter(); pairs = {k: collections.Counter() for k in ("RT", "MT", "RE")}
hours = collections.Counter(); at = 1341374400  # 2012-07-04T04:00Z
with gzip.open(path, "rt") as f:
    for l in f:
        a, b, t, ty = l.split(); lines += 1; kinds[ty] += 1; pairs[ty][(a, b)] += 1
        hours[(int(t) - at) // 3600] += 1
for ty, c in pairs.items():
    nodes = sorted({x for e in c for x in e}); idx = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(idx[a], idx[b]) for (a, b) in c if a != b], directed=True)
    wcc = max(g.connected_components(mode="weak").sizes())
    print(ty, "interactions", sum(c.values()), "nodes", len(nodes), "edges", len(c), "self", sum(1 for (a, b) in c if a == b), "largest_wcc", wcc)
before = sum(v for h, v in hours.items() if -72 <= h < 0); after = sum(v for h, v in hours.items() if 0 <= h < 72)
print("lines", lines, dict(kinds), "peak hour", max(hours.values()), "mean/h before", before / 72, "after", after / 72, "ratio", after / before)
rt = pairs["RT"]; recv = collections.Counter()
for (a, b), w in rt.items(): recv[b] += w
s = sorted(recv.values(), reverse=True); tot = sum(s)
print("retweeted accounts", len(s), "largest", s[0], "median", s[len(s)//2], "top1", s[0]/tot, "top10", sum(s[:10])/tot, "top1pct", sum(s[:-(-len(s)//100)])/tot, "single", sum(1 for x in s if x == 1)/len(s))
