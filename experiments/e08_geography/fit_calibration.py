#!/usr/bin/env python3
"""Fits the inference's calibration (corpora::GeoCalibration) on e08_geography runs.

    fit_calibration.py OUT_DIR...                      fit on every folder
    fit_calibration.py --test TEST_DIR... -- OUT_DIR...  fit on the OUT_DIRs, evaluate on the TEST_DIRs (held out)
    fit_calibration.py --params A,B,E --test TEST_DIR... -- evaluate given (slope, intercept, elsewhere), no fit

Each OUT_DIR is an `e08_geography --out` folder whose calibration_points.csv lists, per account with a vote, the
naive posterior's log-odds l, the number n of régions with a seed and whether the winning région is right. The
stated confidence is c(l) = (1 - e) sigmoid(a l + b) + e / n; (a, b, e) minimise the mean log loss over every
point of every folder (Nelder-Mead from (1, 0, 0), deterministic). Prints the fit and its reliability on the
fitting data as JSON; with --test, also on the held-out folders: reliability tables (ten bins of width 0.1),
ECE of the naive and the calibrated confidence, and at --min-confidence 0.7 the accounts decided, their accuracy
and the coverage (decided / accounts without evidence, from each folder's infer.json). Standard library only.
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


def reliability_bins(pairs):
    """Ten bins of stated confidence: [count, right, sum of confidence] each."""
    bins = [[0, 0, 0.0] for _ in range(10)]
    for c, right in pairs:
        b = bins[min(9, int(c * 10))]
        b[0] += 1
        b[1] += right
        b[2] += c
    return bins


def ece(pairs):
    bins = reliability_bins(pairs)
    return sum(abs(b[1] / b[0] - b[2] / b[0]) * b[0] for b in bins if b[0]) / max(1, len(pairs))


def table(pairs):
    bins = reliability_bins(pairs)
    return [{"bin": [k / 10, (k + 1) / 10], "n": b[0], "mean_confidence": round(b[2] / b[0], 4),
             "accuracy": round(b[1] / b[0], 4)} for k, b in enumerate(bins) if b[0]]


def without_evidence(d):
    with open(f"{d}/infer.json") as f:
        j = json.load(f)
    return j["inferred"] + j["undecided"]


def at_threshold(pairs, denominator, threshold=0.7):
    kept = [(c, r) for c, r in pairs if c >= threshold]
    return {"decided": len(kept), "accuracy": sum(r for _, r in kept) / max(1, len(kept)),
            "mean_confidence": sum(c for c, _ in kept) / max(1, len(kept)), "coverage": len(kept) / denominator,
            "ece": ece(kept)}


def evaluate(fit, dirs):
    out = {"per_folder": {}}
    all_raw, all_cal = [], []
    for d in dirs:
        points = load([d])
        raw = [(confidence((1, 0, 0), l, n), right) for l, n, right in points]
        cal = [(confidence(fit, l, n), right) for l, n, right in points]
        all_raw += raw
        all_cal += cal
        denominator = without_evidence(d)
        out["per_folder"][d] = {"points": len(points), "ece_raw": ece(raw), "ece_calibrated": ece(cal),
                                "raw_at_0_7": at_threshold(raw, denominator),
                                "calibrated_at_0_7": at_threshold(cal, denominator)}
    out["pooled"] = {"points": len(all_raw), "ece_raw": ece(all_raw), "ece_calibrated": ece(all_cal),
                     "table_raw": table(all_raw), "table_calibrated": table(all_cal)}
    return out


def main():
    args = sys.argv[1:]
    test, given = [], None
    if args and args[0] == "--params":
        given = [float(x) for x in args[1].split(",")]
        args = args[2:]
    if args and args[0] == "--test":
        split = args.index("--")
        test, args = args[1:split], args[split + 1:]
    if given:
        print(json.dumps({"params": given, "held_out": evaluate(given, test)}, indent=1))
        return
    points = load(args)
    fit, value = nelder_mead(lambda p: loss(p, points), [1.0, 0.0, 0.0])
    raw = [(confidence((1, 0, 0), l, n), right) for l, n, right in points]
    cal = [(confidence(fit, l, n), right) for l, n, right in points]
    result = {"fitted_on": args, "points": len(points), "slope": fit[0], "intercept": fit[1], "elsewhere": fit[2],
              "log_loss": value, "log_loss_raw": loss((1, 0, 0), points), "ece_raw": ece(raw), "ece_fitted": ece(cal)}
    if test:
        result["held_out"] = evaluate(fit, test)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
