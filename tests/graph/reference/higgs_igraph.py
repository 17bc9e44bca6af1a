#!/usr/bin/env python3
"""Reference PageRank (damping 0.85, unweighted, directed) and core numbers (simple undirected graph)
of a SNAP edge list ("src dst [weight]"), computed by python-igraph. Used by tests/graph/higgs_test.cpp.

Usage: higgs_igraph.py EDGES[.gz] OUT.tsv   → OUT lines "label pagerank core"
"""
import gzip
import sys

import igraph


def main():
    src, out = sys.argv[1], sys.argv[2]
    opener = gzip.open if src.endswith(".gz") else open
    ids, edges = {}, []
    with opener(src, "rt") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            a = ids.setdefault(parts[0], len(ids))
            b = ids.setdefault(parts[1], len(ids))
            edges.append((a, b))
    g = igraph.Graph(n=len(ids), edges=edges, directed=True)
    pr = g.pagerank(damping=0.85, directed=True)
    simple = g.as_undirected(mode="collapse")
    simple.simplify(multiple=True, loops=True)
    core = simple.coreness()
    labels = [None] * len(ids)
    for k, v in ids.items():
        labels[v] = k
    with open(out, "w") as f:
        for v in range(len(ids)):
            f.write(f"{labels[v]}\t{pr[v]:.17g}\t{core[v]}\n")


if __name__ == "__main__":
    main()
