#!/usr/bin/env python3
"""Multinomial logistic regression, Linalg against scikit-learn and statsmodels, side by side: the
same .npz (X, y with K classes), the same objective and tolerance, rounds alternating between the
tools, medians reported. Linalg's time is the fit as `linalg logreg` prints it (`fit time`), the
peers' the `fit` call (the data already in memory).

    python3 scripts/bench_multinomial.py DATA.npz [--linalg .build/release/linalg] [--rounds 3]
        [--slow]   # also scikit-learn's newton-cholesky and statsmodels' MNLogit (minutes each)

Make the 100,000 x 100, K = 10 set of the README with --make DATA.npz (seed 5).
"""
import argparse
import re
import statistics
import subprocess
import time

import numpy as np


def make(path, n=100_000, d=100, k=10, seed=5):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    theta = rng.normal(0, 0.3, (k, d))
    z = x @ theta.T
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = (p.cumsum(1) > rng.random((n, 1))).argmax(1).astype(np.float64)
    np.savez(path, X=x, y=y)


def linalg_fit(binary, data, lam, solver=None):
    args = [binary, "logreg", "--data", data, "--label", "y", "--lambda", str(lam)]
    if solver:
        args += ["--solver", solver]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"fit time: ([0-9.]+) s", out).group(1))


def sklearn_fit(x, y, lam, solver):
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    model = LogisticRegression(C=1 / (2 * lam), solver=solver, tol=1e-10, max_iter=10_000).fit(x, y)
    return time.perf_counter() - started, model


def mnlogit_fit(x, y):
    import statsmodels.api as sm

    started = time.perf_counter()
    fit = sm.MNLogit(y, sm.add_constant(x, prepend=False)).fit(method="newton", tol=1e-10, maxiter=100, disp=False)
    _ = fit.bse
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--linalg", default=".build/release/linalg")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slow", action="store_true")
    parser.add_argument("--make", action="store_true", help="write the data set first")
    args = parser.parse_args()
    if args.make:
        make(args.data)
    archive = np.load(args.data)
    x, y = archive["X"], archive["y"]
    times = {"linalg λ=1": [], "sklearn lbfgs λ=1": []}
    for _ in range(args.rounds):
        times["linalg λ=1"].append(linalg_fit(args.linalg, args.data, 1.0))
        times["sklearn lbfgs λ=1"].append(sklearn_fit(x, y, 1.0, "lbfgs")[0])
    if args.slow:
        times["linalg λ=0 + inference"] = [linalg_fit(args.linalg, args.data, 0.0)]
        times["statsmodels MNLogit + bse"] = [mnlogit_fit(x, y)]
        times["sklearn newton-cholesky λ=1"] = [sklearn_fit(x, y, 1.0, "newton-cholesky")[0]]
    for name, values in times.items():
        print(f"{name:30s} median {statistics.median(values):8.3f} s  ({', '.join(f'{v:.3f}' for v in values)})")
    base = statistics.median(times["linalg λ=1"])
    print(f"lbfgs / linalg: {statistics.median(times['sklearn lbfgs λ=1']) / base:.2f}x")
    if args.slow:
        print(f"newton-cholesky / linalg: {times['sklearn newton-cholesky λ=1'][0] / base:.2f}x")
        print(f"MNLogit / linalg: {times['statsmodels MNLogit + bse'][0] / times['linalg λ=0 + inference'][0]:.2f}x")


if __name__ == "__main__":
    main()
