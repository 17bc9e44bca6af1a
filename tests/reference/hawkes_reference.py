#!/usr/bin/env python3
"""Reference for relais's Hawkes standard errors (HawkesObservedInformationSe): the log-likelihood of a
two-group exponential Hawkes process at fixed beta written out in numpy, its Hessian in (mu, alpha) taken
numerically by statsmodels (numdiff.approx_hess3, no use of the block structure relais relies on), and the
standard errors sqrt(diag(inv(-H))).

Writes tests/fixtures/analysis/hawkes_events.csv and hawkes_reference.json. Regenerate with:
    /usr/bin/python3 tests/reference/hawkes_reference.py
(Debian's python3-statsmodels 0.13.5, python3-numpy.) tests/toolkit/hawkes_test.cpp reads both.
"""
import json
import os

import numpy as np
import statsmodels
from statsmodels.tools.numdiff import approx_hess3

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "analysis")
rng = np.random.default_rng(20261204)

# Events: Poisson times on [0, T] with random groups (the information is defined for any sequence).
T, beta = 200.0, 1.5
n = 400
times = np.sort(rng.uniform(0, T, n))
groups = rng.integers(0, 2, n)
mu0 = np.array([0.6, 0.5])
alpha0 = np.array([[0.3, 0.4], [0.05, 0.2]])  # alpha[source, target]


def loglik(theta):
    mu, alpha = theta[:2], theta[2:].reshape(2, 2)
    ll = 0.0
    for k in range(n):
        j = groups[k]
        lam = mu[j]
        for l in range(k):
            lam += alpha[groups[l], j] * beta * np.exp(-beta * (times[k] - times[l]))
        ll += np.log(lam)
    ll -= mu.sum() * T
    for l in range(n):
        ll -= alpha[groups[l], :].sum() * (1 - np.exp(-beta * (T - times[l])))
    return ll


theta = np.concatenate([mu0, alpha0.ravel()])
hess = approx_hess3(theta, loglik)
target = np.array([0, 1, 0, 1, 0, 1])  # the target group of mu0, mu1, a00, a01, a10, a11
cross = target[:, None] != target[None, :]
cov = np.linalg.inv(-hess)
se = np.sqrt(np.diag(cov))
ref = {"statsmodels": statsmodels.__version__, "numpy": np.__version__, "beta": beta, "start": 0.0, "end": T,
       "mu": mu0.tolist(), "alpha": alpha0.tolist(), "loglik": float(loglik(theta)),
       "se_mu": se[:2].tolist(), "se_alpha": se[2:].reshape(2, 2).tolist(),
       # The log-likelihood separates by target group: its Hessian between parameters of different targets is 0
       # (up to the numerical differentiation's error), which relais's block-by-target inversion relies on.
       "max_cross_target_hessian_relative": float(np.abs(hess[cross]).max() / np.abs(hess).max())}
with open(os.path.join(OUT, "hawkes_events.csv"), "w") as f:
    f.write("time,group\n")
    for t, g in zip(times, groups):
        f.write(f"{t!r},{int(g)}\n")
with open(os.path.join(OUT, "hawkes_reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
print(json.dumps(ref, indent=1))
