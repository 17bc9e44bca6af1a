#!/usr/bin/env python3
"""Reference fits (statsmodels) of e01's ITS on a share, over seeds: the level change of regional press's share
of public link shares, by OLS on the daily share (what `relais event` did) and by WLS weighted by the day's
denominator (what it does for share outcomes now), both with Newey–West errors as relais computes them
(cov_type="HAC", Bartlett kernel, lags floor(4 (n/100)^(2/9)), no small-sample correction, normal inference).

    its_share_statsmodels.py SEEDS_OUT [--window DAYS]

SEEDS_OUT is experiments/seeds.py's --out folder (SEEDS_OUT/<seed>/e01_deplatforming/{daily.csv,result.json}).
Prints, per estimator, coverage of the planted change, power of the sign check, bias and RMSE.
"""
import argparse
import glob
import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm


def fit(df, weighted, lags=None):
    t = df["day"].to_numpy(float)
    y = (df["public_links_regional"] / df["public_links_all"]).to_numpy(float)
    x = sm.add_constant(np.column_stack([t, (t >= 0).astype(float)]))
    n = len(y)
    lags = int(math.floor(4 * (n / 100) ** (2 / 9))) if lags is None else lags
    model = sm.WLS(y, x, weights=df["public_links_all"].to_numpy(float)) if weighted else sm.OLS(y, x)
    r = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False})
    lo, hi = r.conf_int()[2]
    return r.params[2], lo, hi


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seeds_out")
    ap.add_argument("--window", type=int, default=45, help="days either side (daily.csv holds ±45)")
    args = ap.parse_args()
    rows = []
    for d in sorted(glob.glob(os.path.join(args.seeds_out, "*", "e01_deplatforming"))):
        res = json.load(open(os.path.join(d, "result.json")))
        ps = res["its_planted_share"]
        truth = ps["after"] - ps["before"]
        df = pd.read_csv(os.path.join(d, "daily.csv"))
        df = df[(df["day"] >= -args.window) & (df["day"] < args.window) & (df["public_links_all"] > 0)]
        seed = res["params"]["seed"]
        for name, w in (("ols", False), ("wls", True)):
            est, lo, hi = fit(df, w)
            rows.append(dict(seed=seed, estimator=name, truth=truth, estimate=est, lo=lo, hi=hi))
    t = pd.DataFrame(rows)
    for name, g in t.groupby("estimator"):
        cov = ((g.lo <= g.truth) & (g.truth <= g.hi)).mean()
        power = (g.lo > 0).mean()
        err = g.estimate - g.truth
        print(f"{name}: seeds {len(g)}, coverage {cov:.2f}, power {power:.2f}, bias {err.mean():.4f}, "
              f"RMSE {math.sqrt((err ** 2).mean()):.4f}, sd {g.estimate.std():.4f}, "
              f"mean CI width {(g.hi - g.lo).mean():.4f}")
    print(t.to_string(index=False))


if __name__ == "__main__":
    main()
