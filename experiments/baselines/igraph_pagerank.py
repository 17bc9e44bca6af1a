#!/usr/bin/env python3
"""Baseline for `relais rank --metric pagerank` on a large edge list: python3-igraph's C core.

    /usr/bin/python3 experiments/baselines/igraph_pagerank.py generate OUT.tsv [--scale 20 --edges 10000000]
        writes a heavy-tailed directed RMAT edge list (Graph500 a=0.57 b=0.19 c=0.19), ids 0..2^scale-1,
        without a comment line (igraph's Read_Edgelist accepts integers only)
    /usr/bin/python3 experiments/baselines/igraph_pagerank.py rank EDGES.tsv [--top 5]
        Graph.Read_Edgelist + pagerank (PRPACK), prints the top nodes and the timings to stderr

Timed side by side with relais in experiments/results/graph.md (hyperfine / /usr/bin/time -v).
"""
import argparse
import sys
import time


def generate(path, scale, edges, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    u = np.zeros(edges, dtype=np.int64)
    v = np.zeros(edges, dtype=np.int64)
    for _ in range(scale):
        r = rng.random(edges)
        ubit = (r >= 0.76).astype(np.int64)                      # c + d quadrants
        vbit = (((r >= 0.57) & (r < 0.76)) | (r >= 0.95)).astype(np.int64)  # b + d quadrants
        u = (u << 1) | ubit
        v = (v << 1) | vbit
    # Permute ids so high degree is not concentrated on small ids (as Graph500 does).
    perm = rng.permutation(1 << scale)
    u, v = perm[u], perm[v]
    with open(path, "w") as f:
        step = 1 << 20
        for i in range(0, edges, step):
            f.write("".join("%d\t%d\n" % (a, b) for a, b in zip(u[i:i + step].tolist(), v[i:i + step].tolist())))


def rank(path, top):
    import igraph
    t0 = time.perf_counter()
    g = igraph.Graph.Read_Edgelist(path, directed=True)
    t1 = time.perf_counter()
    pr = g.pagerank(damping=0.85, directed=True)
    t2 = time.perf_counter()
    order = sorted(range(len(pr)), key=lambda i: -pr[i])[:top]
    for i in order:
        print(i, pr[i])
    print("read %.3f s, pagerank %.3f s, %d nodes, %d edges" % (t1 - t0, t2 - t1, g.vcount(), g.ecount()),
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out")
    g.add_argument("--scale", type=int, default=20)
    g.add_argument("--edges", type=int, default=10_000_000)
    g.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("rank")
    r.add_argument("edges")
    r.add_argument("--top", type=int, default=5)
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.out, a.scale, a.edges, a.seed)
    else:
        rank(a.edges, a.top)


if __name__ == "__main__":
    main()
