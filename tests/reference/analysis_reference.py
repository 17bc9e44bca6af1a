#!/usr/bin/env python3
"""Reference values for relais's statistics, computed with statsmodels/numpy/scipy.

Writes the input data as CSV and the expected estimates as JSON into tests/fixtures/analysis/.
Regenerate with:  /usr/bin/python3 tests/reference/analysis_reference.py
(Debian's python3-statsmodels 0.13.5, python3-numpy, python3-scipy.) The C++ tests in
tests/toolkit/{glm,event,leadlag,linalg}_test.cpp read both files and compare to ~1e-6 relative.
"""
import json
import math
import os

import numpy as np
import scipy.stats as st
import statsmodels.api as sm
from statsmodels.tsa.api import VAR
from statsmodels.tsa.stattools import grangercausalitytests

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "analysis")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20240611)
ref = {"statsmodels": sm.__version__, "numpy": np.__version__}


def fit_dict(res, extra=None):
    d = {"params": [float(x) for x in res.params], "bse": [float(x) for x in res.bse]}
    if extra:
        d.update(extra)
    return d


# 1. Interrupted time series: monthly counts with exposure, seasonality, a level drop and overdispersion.
n, at, period = 84, 49, 12
t = np.arange(1, n + 1, dtype=float)
month = (t - 1) % period + 1
pop = np.round(100000 * (1 + 0.002 * t) + rng.normal(0, 500, n))
lam = pop / 1000 * np.exp(0.003 * t - 0.25 * (t >= at) + 0.1 * np.sin(2 * np.pi * month / period))
count = rng.negative_binomial(20, 20 / (20 + lam)).astype(float)
with open(os.path.join(OUT, "its_series.csv"), "w") as f:
    f.write("time,count,month,pop\n")
    for i in range(n):
        f.write(f"{int(t[i])},{int(count[i])},{int(month[i])},{int(pop[i])}\n")
tau = t - at
post = (tau >= 0).astype(float)
X = np.column_stack([np.ones(n), tau, post, post * tau, np.sin(2 * np.pi * month / period),
                     np.cos(2 * np.pi * month / period)])
ols = sm.OLS(count, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3})
ref["its_ols_hac3"] = fit_dict(ols, {"pvalues": [float(p) for p in ols.pvalues]})
nw = int(math.floor(4 * (n / 100) ** (2 / 9)))
ols_nw = sm.OLS(count, X).fit(cov_type="HAC", cov_kwds={"maxlags": nw})
ref["its_ols_hac_rule"] = fit_dict(ols_nw, {"maxlags": nw})
off = np.log(pop)
pois = sm.GLM(count, X, family=sm.families.Poisson(), offset=off).fit(tol=1e-13)
ref["its_poisson"] = fit_dict(pois, {"deviance": float(pois.deviance), "pearson_chi2": float(pois.pearson_chi2),
                                     "llf": float(pois.llf), "pvalues": [float(p) for p in pois.pvalues]})
qp = sm.GLM(count, X, family=sm.families.Poisson(), offset=off).fit(scale="X2", tol=1e-13)
ref["its_quasipoisson"] = fit_dict(qp, {"scale": float(qp.scale)})
ci = qp.conf_int()
ref["its_quasipoisson"]["post_ci"] = [float(ci[2][0]), float(ci[2][1])]

# 2. RD in time: local linear WLS with triangular weights, HC1 errors.
m = 200
r = np.arange(-100, 100, dtype=float) + 0.5
yr = 5 + 0.02 * r + 2.0 * (r >= 0) + rng.normal(0, 1, m) + 0.5 * np.sin(r / 7)
with open(os.path.join(OUT, "rd_series.csv"), "w") as f:
    f.write("time,value\n")
    for i in range(m):
        f.write(f"{r[i]:.1f},{yr[i]:.10f}\n")
h = 40.0
keep = np.abs(r) < h
w = 1 - np.abs(r[keep]) / h
D = (r[keep] >= 0).astype(float)
XR = np.column_stack([np.ones(keep.sum()), D, r[keep], D * r[keep]])
wls = sm.WLS(yr[keep], XR, weights=w).fit(cov_type="HC1")
ref["rd_h40"] = fit_dict(wls, {"bandwidth": h, "n": int(keep.sum())})
keep2 = (np.abs(r) < h) & (np.abs(r) >= 3)
w2 = 1 - np.abs(r[keep2]) / h
D2 = (r[keep2] >= 0).astype(float)
XR2 = np.column_stack([np.ones(keep2.sum()), D2, r[keep2], D2 * r[keep2]])
wls2 = sm.WLS(yr[keep2], XR2, weights=w2).fit(cov_type="HC1")
ref["rd_h40_donut3"] = fit_dict(wls2, {"bandwidth": h, "donut": 3.0, "n": int(keep2.sum())})

# 3. Lead-lag: b follows a with lag 2.
T = 400
a = np.zeros(T)
b = np.zeros(T)
ea, eb = rng.normal(size=T), rng.normal(size=T)
for k in range(2, T):
    a[k] = 0.5 * a[k - 1] + ea[k]
    b[k] = 0.3 * b[k - 1] + 0.6 * a[k - 2] + eb[k]
with open(os.path.join(OUT, "leadlag_series.csv"), "w") as f:
    f.write("a,b\n")
    for k in range(T):
        f.write(f"{a[k]:.12f},{b[k]:.12f}\n")
g_ab = grangercausalitytests(np.column_stack([b, a]), maxlag=4, verbose=False)  # does a cause b?
g_ba = grangercausalitytests(np.column_stack([a, b]), maxlag=4, verbose=False)
ref["granger_a_to_b"] = {str(L): list(map(float, g_ab[L][0]["ssr_ftest"][:2])) for L in range(1, 5)}
ref["granger_b_to_a"] = {str(L): list(map(float, g_ba[L][0]["ssr_ftest"][:2])) for L in range(1, 5)}
sel = VAR(np.column_stack([a, b])).select_order(8, trend="c")
ref["var_select_order8"] = {"aic": int(sel.aic), "bic": int(sel.bic),
                            "ics_aic": [float(x) for x in sel.ics["aic"]], "ics_bic": [float(x) for x in sel.ics["bic"]]}

# 4. Difference-in-differences: 40 units x 10 periods, 15 treated, effect -1.5 from period 6.
U, P, first_post = 40, 10, 6
treated = np.array([u < 15 for u in range(U)])
unit_fe = rng.normal(0, 2, U)
time_fe = rng.normal(0, 1, P)
Y = np.zeros((U, P))
for u in range(U):
    for p in range(P):
        Y[u, p] = unit_fe[u] + time_fe[p] - 1.5 * (treated[u] and p >= first_post) + rng.normal(0, 1)
with open(os.path.join(OUT, "did_panel.csv"), "w") as f:
    f.write("unit,period,treated,y\n")
    for u in range(U):
        for p in range(P):
            f.write(f"{u},{p},{int(treated[u])},{Y[u, p]:.12f}\n")
rows = []
for u in range(U):
    for p in range(P):
        d = float(treated[u] and p >= first_post)
        rows.append([1.0, d] + [float(u == k) for k in range(1, U)] + [float(p == k) for k in range(1, P)])
XD = np.array(rows)
yd = Y.reshape(-1)
groups = np.repeat(np.arange(U), P)
did = sm.OLS(yd, XD).fit(cov_type="cluster", cov_kwds={"groups": groups})
ref["did_twfe_cluster"] = {"estimate": float(did.params[1]), "se": float(did.bse[1]), "p": float(did.pvalues[1]),
                           "df_resid": float(did.df_resid)}

# 5. Distribution functions.
ref["dist"] = {
    "t_two_sided": [[2.1, 7, float(2 * st.t.sf(2.1, 7))], [0.3, 120, float(2 * st.t.sf(0.3, 120))],
                    [5.0, 3.5, float(2 * st.t.sf(5.0, 3.5))]],
    "t_quantile": [[0.975, 7, float(st.t.ppf(0.975, 7))], [0.995, 39, float(st.t.ppf(0.995, 39))]],
    "f_sf": [[3.2, 2, 50, float(st.f.sf(3.2, 2, 50))], [0.7, 4, 391, float(st.f.sf(0.7, 4, 391))]],
    "chi2_sf": [[3.84, 1, float(st.chi2.sf(3.84, 1))], [20.0, 12, float(st.chi2.sf(20.0, 12))]],
    "norm_ppf": [[0.975, float(st.norm.ppf(0.975))], [1e-6, float(st.norm.ppf(1e-6))]],
}

with open(os.path.join(OUT, "reference.json"), "w") as f:
    json.dump(ref, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", os.path.join(OUT, "reference.json"))
