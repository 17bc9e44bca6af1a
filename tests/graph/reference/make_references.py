#!/usr/bin/env python3
"""Writes the committed reference values for tests/graph from independent libraries.

Run with Debian's python3 (python3-networkx, python3-igraph):
    /usr/bin/python3 tests/graph/reference/make_references.py tests/fixtures/graph
Outputs, per graph NAME: NAME.tsv (the edge list, labels as written) and NAME.ref.json
({label: value} maps per measure, with the library and its version).
"""
import json
import os
import random
import sys

import igraph
import networkx as nx

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "graph")
TOL = 1e-13


def write_edges(name, edges, weights=None):
    with open(os.path.join(OUT, name + ".tsv"), "w") as f:
        f.write(f"# {name}: reference graph for relais tests (tests/graph/reference/make_references.py)\n")
        for i, (u, v) in enumerate(edges):
            f.write(f"{u}\t{v}" + (f"\t{weights[i]}" if weights else "") + "\n")


def write_ref(name, ref):
    ref["networkx"] = nx.__version__
    ref["igraph"] = igraph.__version__
    with open(os.path.join(OUT, name + ".ref.json"), "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)


def strkeys(d):
    return {str(k): float(v) for k, v in d.items()}


def karate():
    # networkx's karate graph carries interaction counts as 'weight'; the reference is unweighted.
    edges = sorted((min(u, v), max(u, v)) for u, v in nx.karate_club_graph().edges())
    g = nx.Graph(edges)
    write_edges("karate", edges)
    h, a = nx.hits(g, max_iter=10000, tol=1e-14)
    write_ref("karate", {
        "pagerank": strkeys(nx.pagerank(g, alpha=0.85, tol=TOL, max_iter=10000, weight=None)),
        "betweenness": strkeys(nx.betweenness_centrality(g, normalized=True)),
        "core": strkeys(nx.core_number(g)),
        "hits_authority": strkeys(a),
        "degree": strkeys(dict(g.degree())),
    })


def florentine():
    g = nx.florentine_families_graph()
    edges = sorted(tuple(sorted((u, v))) for u, v in g.edges())
    write_edges("florentine", edges)
    write_ref("florentine", {
        "betweenness": strkeys(nx.betweenness_centrality(g, normalized=True)),
        "betweenness_raw": strkeys(nx.betweenness_centrality(g, normalized=False)),
        "pagerank": strkeys(nx.pagerank(g, alpha=0.85, tol=TOL, max_iter=10000)),
        "core": strkeys(nx.core_number(g)),
    })


def small_directed():
    # 9 nodes, a dangling node (8) and a loop (3 -> 3).
    edges = [(0, 1), (0, 2), (1, 2), (2, 0), (2, 3), (3, 4), (4, 2), (4, 5), (5, 6), (6, 4), (6, 7), (7, 8),
             (1, 8), (3, 3), (5, 0), (6, 1)]
    write_edges("small_directed", edges)
    g = nx.DiGraph()
    g.add_nodes_from(range(9))
    g.add_edges_from(edges)
    n = g.number_of_nodes()
    uniform = {v: 1.0 / n for v in g}
    pers = {v: (3.0 if v == 0 else 1.0 if v == 5 else 0.0) for v in g}
    h, a = nx.hits(g, max_iter=10000, tol=1e-14)
    write_ref("small_directed", {
        "pagerank_d09": strkeys(nx.pagerank(g, alpha=0.9, tol=TOL, max_iter=10000)),
        # relais spreads dangling mass uniformly also when personalised.
        "pagerank_personal_d09": strkeys(nx.pagerank(g, alpha=0.9, personalization=pers, dangling=uniform, tol=TOL,
                                                     max_iter=10000)),
        "betweenness": strkeys(nx.betweenness_centrality(g, normalized=True)),
        "core": strkeys(nx.core_number(nx.Graph([(u, v) for u, v in g.to_undirected().edges() if u != v]))),
        "hits_authority": strkeys(a),
        "hits_hub": strkeys(h),
        "in_degree": strkeys(dict(g.in_degree())),
    })


def weighted_directed():
    rnd = random.Random(7)
    edges, weights = [], []
    for _ in range(120):
        u, v = rnd.randrange(30), rnd.randrange(30)
        if u == v:
            continue
        edges.append((u, v))
        weights.append(rnd.choice([1, 2, 3, 5]))
    write_edges("weighted_directed", edges, weights)
    g = nx.MultiDiGraph()
    g.add_nodes_from(sorted(set(x for e in edges for x in e)))
    for (u, v), w in zip(edges, weights):
        g.add_edge(u, v, weight=w)
    write_ref("weighted_directed", {
        "pagerank_weighted": strkeys(nx.pagerank(g, alpha=0.85, tol=TOL, max_iter=10000, weight="weight")),
        "pagerank": strkeys(nx.pagerank(g, alpha=0.85, tol=TOL, max_iter=10000, weight=None)),
        "in_strength": strkeys(dict(g.in_degree(weight="weight"))),
    })


def random_igraph(name, g):
    # Labels are the igraph ids; every node has an edge so first-seen ids can be mapped back by label.
    edges = g.get_edgelist()
    write_edges(name, edges)
    simple = g.copy()
    simple.to_undirected(mode="collapse")
    simple.simplify()
    labels = [str(v) for v in range(g.vcount())]
    used = set(x for e in edges for x in e)
    keep = lambda vals: {labels[i]: float(x) for i, x in enumerate(vals) if i in used}
    write_ref(name, {
        "pagerank": keep(g.pagerank(damping=0.85, directed=g.is_directed())),
        "core": keep(simple.coreness()),
        "betweenness_raw": keep(g.betweenness(directed=g.is_directed())),
        "n": g.vcount(),
    })


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    karate()
    florentine()
    small_directed()
    weighted_directed()
    igraph.set_random_number_generator(random.Random(42))
    random_igraph("random_directed", igraph.Graph.Erdos_Renyi(n=300, m=1500, directed=True, loops=False))
    random_igraph("random_ba", igraph.Graph.Barabasi(n=400, m=3, directed=False))
