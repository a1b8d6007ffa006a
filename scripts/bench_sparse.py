#!/usr/bin/env python3
"""Sparse logistic regression, Linalg against LIBLINEAR (liblinear-official, -s 0) and
scikit-learn (newton-cg, lbfgs) on the same libsvm file, same objective
    L(w) = lambda ||w||^2 + sum_i log(1 + exp(-y_i x_i^T w))   (C = 1 / (2 lambda), no intercept),
rounds alternating between the tools; prints each tool's median fit time and the objective it
reached, relative to the best.

    python3 scripts/bench_sparse.py DATA.svm [--make] [--rows 200000] [--columns 1000000]
        [--per-row 80] [--lambda 0.5] [--linalg .build/release/linalg] [--rounds 3]
        [--multicore VENV/bin/python]   # also liblinear-multicore -n 2, installed in that venv

--make writes DATA.svm first: power-law column frequencies (column j drawn as floor(d u^3)), about
--per-row distinct columns per row, positive values scaled to unit row norm (like tf-idf text), and
labels from a sparse linear model with noise.
"""
import argparse
import re
import statistics
import subprocess
import time

import numpy as np
import scipy.sparse as sp


def make(path, n, d, per_row, seed=7):
    rng = np.random.default_rng(seed)
    draws = int(per_row * 1.1)
    cols = np.sort((d * rng.random((n, draws)) ** 3).astype(np.int64), axis=1)
    keep = np.ones_like(cols, dtype=bool)
    keep[:, 1:] = cols[:, 1:] != cols[:, :-1]
    counts = keep.sum(axis=1)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    indices = cols[keep].astype(np.int32)
    values = rng.random(indices.size) + 0.1
    x = sp.csr_matrix((values, indices, indptr), shape=(n, d))
    norms = np.sqrt(x.multiply(x).sum(axis=1)).A1
    x = (sp.diags(1 / norms) @ x).tocsr()
    x.sort_indices()
    w = np.zeros(d)
    hot = rng.choice(d // 10, 2000, replace=False)
    w[hot] = rng.normal(0, 3, hot.size)
    z = x @ w + rng.normal(0, 0.5, n)
    y = np.where(z > np.median(z), 1, -1)
    with open(path, "w") as f:
        for i in range(n):
            lo, hi = indptr[i], indptr[i + 1]
            pairs = zip(x.indices[lo:hi], x.data[lo:hi])
            f.write(f"{y[i]:+d} " + " ".join(f"{j + 1}:{v:.6g}" for j, v in pairs) + "\n")


def objective(x, y, w, lam):
    z = y * (x @ w)
    return lam * (w @ w) + np.logaddexp(0, -z).sum()


def linalg_fit(binary, path, lam, tol):
    started = time.perf_counter()
    out = subprocess.run([binary, "logreg", "--data", path, "--lambda", str(lam), "--tol", str(tol), "--json"],
                         capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    import json
    result = json.loads(out.stdout)
    return wall, np.array(result["coefficients"]), result


MULTICORE = """
import sys, time
import numpy as np
from liblinear import liblinearutil as ll
path, c, eps, out = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
y, x = ll.svm_read_problem(path, return_scipy=True)
prob = ll.problem(y, x)
started = time.perf_counter()
model = ll.train(prob, ll.parameter(f"-s 0 -c {c} -e {eps} -n 2 -q"))
seconds = time.perf_counter() - started
w = np.array(model.get_decfun()[0])
np.save(out, -w if model.get_labels()[0] != 1 else w)
print(seconds)
"""


def multicore_fit(python, path, c, eps):
    """LIBLINEAR multicore (`-n 2`) in its own interpreter (its module has the same name as
    liblinear-official's): the training time, and its w."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".npy") as out:
        result = subprocess.run([python, "-c", MULTICORE, path, str(c), str(eps), out.name],
                                capture_output=True, text=True, check=True)
        return float(result.stdout.strip()), np.load(out.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--make", action="store_true")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--columns", type=int, default=1_000_000)
    parser.add_argument("--per-row", type=int, default=80)
    parser.add_argument("--lambda", dest="lam", type=float, default=0.5)
    parser.add_argument("--linalg", default=".build/release/linalg")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tol", type=float, default=1e-6, help="linalg's --tol")
    parser.add_argument("--eps", type=float, default=1e-4, help="LIBLINEAR's -e")
    parser.add_argument("--multicore", help="a Python with liblinear-multicore installed (run with -n 2)")
    args = parser.parse_args()
    if args.make:
        make(args.data, args.rows, args.columns, args.per_row)
    from sklearn.datasets import load_svmlight_file
    from sklearn.linear_model import LogisticRegression
    from liblinear import liblinearutil as ll

    started = time.perf_counter()
    x, y = load_svmlight_file(args.data, n_features=args.columns)
    read = time.perf_counter() - started
    print(f"load_svmlight_file {read:.2f} s: {x.shape[0]} x {x.shape[1]}, {x.nnz} non-zeros")
    c = 1 / (2 * args.lam)
    names = ["linalg (read + fit)", "liblinear -s 0"] + (["liblinear -s 0 -n 2"] if args.multicore else [])
    times = {k: [] for k in names + ["sklearn newton-cg", "sklearn lbfgs"]}
    solvers = ["newton-cg", "lbfgs"]
    solutions = {}
    for _ in range(args.rounds):
        wall, w, result = linalg_fit(args.linalg, args.data, args.lam, args.tol)
        times["linalg (read + fit)"].append(wall)
        solutions["linalg (read + fit)"] = np.concatenate([w, np.zeros(x.shape[1] - w.size)])
        prob = ll.problem(y, x)
        started = time.perf_counter()
        model = ll.train(prob, ll.parameter(f"-s 0 -c {c} -e {args.eps} -q"))
        times["liblinear -s 0"].append(time.perf_counter() - started)
        w_ll = np.array(model.get_decfun()[0])
        if model.get_labels()[0] != 1:
            w_ll = -w_ll
        solutions["liblinear -s 0"] = np.concatenate([w_ll, np.zeros(x.shape[1] - w_ll.size)])
        if args.multicore:
            seconds, w_mc = multicore_fit(args.multicore, args.data, c, args.eps)
            times["liblinear -s 0 -n 2"].append(seconds)
            solutions["liblinear -s 0 -n 2"] = np.concatenate([w_mc, np.zeros(x.shape[1] - w_mc.size)])
        for solver in ["newton-cg", "lbfgs"]:
            started = time.perf_counter()
            fit = LogisticRegression(C=c, solver=solver, tol=1e-8, max_iter=1000, fit_intercept=False).fit(x, y)
            times[f"sklearn {solver}"].append(time.perf_counter() - started)
            solutions[f"sklearn {solver}"] = fit.coef_[0]
    values = {k: objective(x, y, w, args.lam) for k, w in solutions.items()}
    best = min(values.values())
    for k, v in times.items():
        print(f"{k:22s} median {statistics.median(v):7.3f} s ({', '.join(f'{t:.3f}' for t in v)}); "
              f"objective {values[k]:.12g} (+{(values[k] - best) / best:.2e})")
    print("linalg:", {k: result[k] for k in ["iterations", "cg_iterations", "converged"]})


if __name__ == "__main__":
    main()
