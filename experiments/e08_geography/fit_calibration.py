#!/usr/bin/env python3
"""Fits the inference's calibration (corpora::GeoCalibration) on e08_geography runs.

    fit_calibration.py OUT_DIR...

Each OUT_DIR is an `e08_geography --out` folder whose calibration_points.csv lists, per account with a vote, the
naive posterior's log-odds l, the number n of régions with a seed and whether the winning région is right. The
stated confidence is c(l) = (1 - e) sigmoid(a l + b) + e / n; (a, b, e) minimise the mean log loss over every
point of every folder (Nelder-Mead from (1, 0, 0), deterministic). Prints the fit and its reliability on the
fitting data as JSON. Standard library only.
"""
import csv
import json
import math
import sys


def load(dirs):
    points = []
    for d in dirs:
        with open(f"{d}/calibration_points.csv", newline="") as f:
            for row in csv.DictReader(f):
                points.append((float(row["log_odds"]), int(row["regions"]), row["right"] == "1"))
    return points


def confidence(params, l, n):
    a, b, e = params
    x = a * l + b
    s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
    return (1 - e) * s + e / n


def loss(params, points):
    a, b, e = params
    if a <= 0 or not 0 <= e < 1:
        return float("inf")
    total = 0.0
    for l, n, right in points:
        c = min(max(confidence(params, l, n), 1e-12), 1 - 1e-12)
        total -= math.log(c if right else 1 - c)
    return total / len(points)


def nelder_mead(f, x0, step=0.1, iterations=400):
    simplex = [list(x0)]
    for i in range(len(x0)):
        x = list(x0)
        x[i] += step
        simplex.append(x)
    values = [f(x) for x in simplex]
    for _ in range(iterations):
        order = sorted(range(len(simplex)), key=lambda i: values[i])
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        centroid = [sum(x[k] for x in simplex[:-1]) / (len(simplex) - 1) for k in range(len(x0))]
        worst = simplex[-1]
        reflected = [centroid[k] + (centroid[k] - worst[k]) for k in range(len(x0))]
        fr = f(reflected)
        if fr < values[0]:
            expanded = [centroid[k] + 2 * (centroid[k] - worst[k]) for k in range(len(x0))]
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            contracted = [centroid[k] + 0.5 * (worst[k] - centroid[k]) for k in range(len(x0))]
            fc = f(contracted)
            if fc < values[-1]:
                simplex[-1], values[-1] = contracted, fc
            else:
                best = simplex[0]
                simplex = [best] + [[best[k] + 0.5 * (x[k] - best[k]) for k in range(len(x0))] for x in simplex[1:]]
                values = [values[0]] + [f(x) for x in simplex[1:]]
    i = min(range(len(simplex)), key=lambda i: values[i])
    return simplex[i], values[i]


def ece(pairs):
    bins = [[0, 0, 0.0] for _ in range(10)]
    for c, right in pairs:
        b = bins[min(9, int(c * 10))]
        b[0] += 1
        b[1] += right
        b[2] += c
    return sum(abs(b[1] / b[0] - b[2] / b[0]) * b[0] for b in bins if b[0]) / max(1, len(pairs))


def main():
    points = load(sys.argv[1:])
    fit, value = nelder_mead(lambda p: loss(p, points), [1.0, 0.0, 0.0])
    raw = [(confidence((1, 0, 0), l, n), right) for l, n, right in points]
    cal = [(confidence(fit, l, n), right) for l, n, right in points]
    print(json.dumps({"points": len(points), "slope": fit[0], "intercept": fit[1], "elsewhere": fit[2],
                      "log_loss": value, "log_loss_raw": loss((1, 0, 0), points),
                      "ece_raw": ece(raw), "ece_fitted": ece(cal)}))


if __name__ == "__main__":
    main()
