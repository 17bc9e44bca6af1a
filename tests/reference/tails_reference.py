#!/usr/bin/env python3
"""Tail probabilities and quantiles from scipy for relais's distribution functions, down to 1e-300.

For each distribution and a range of target tail probabilities (1e-2 … 1e-300) it takes the point x
where scipy's upper tail is near the target (isf) and records scipy's tail at that x, so the C++ test
(tests/toolkit/linalg_test.cpp, Distributions.TailsMatchScipy) compares relais with scipy at points
whose true tails span the whole double range. Writes tests/fixtures/analysis/tails.json.
Regenerate with:  /usr/bin/python3 tests/reference/tails_reference.py   (Debian python3-scipy)
"""
import json
import os

import scipy
import scipy.stats as st

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "analysis", "tails.json")
TARGETS = [1e-2, 1e-5, 1e-10, 1e-16, 1e-20, 1e-50, 1e-100, 1e-150, 1e-200, 1e-250, 1e-300]


def rows(dist, params):
    out = []
    for p in TARGETS:
        x = float(dist.isf(p, *params))
        sf = float(dist.sf(x, *params))
        if x > 0 and 0 < sf and x < 1e300:
            out.append([x, *params, sf])
    return out


ref = {"scipy": scipy.__version__, "normal_sf": [], "t_sf": [], "chi2_sf": [], "f_sf": [], "gamma_sf": [],
       "normal_ppf": [], "t_ppf": []}
ref["normal_sf"] = rows(st.norm, [])
for df in [1, 3.5, 10, 100, 1000]:
    ref["t_sf"] += rows(st.t, [df])
for k in [1, 2, 7, 30, 200]:
    ref["chi2_sf"] += rows(st.chi2, [k])
for d1, d2 in [(1, 10), (3, 50), (5, 391), (20, 2000)]:
    ref["f_sf"] += rows(st.f, [d1, d2])
for shape, scale in [(0.5, 1.0), (2.0, 3.0), (50.0, 0.1)]:
    ref["gamma_sf"] += rows(st.gamma, [shape, 0, scale])  # loc 0
for p in TARGETS:
    ref["normal_ppf"].append([p, float(st.norm.ppf(p))])
    for df in [2, 10, 100]:
        q = float(st.t.ppf(p, df))
        if abs(q) < 1e300:
            ref["t_ppf"].append([p, df, q])
with open(OUT, "w") as f:
    f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(v) for k, v in ref.items()) + "\n}\n")
print("wrote", OUT, {k: len(v) for k, v in ref.items() if isinstance(v, list)})
