#!/usr/bin/env python3
"""The CSR kernels against the memory's bandwidth and against scipy.sparse, on the same matrix in the
same minutes: `bench --filter sparse.` (Linalg's `Xv`, `Xᵀu`, `Xᵀ(D(Xv))` on all cores, and its
STREAM triad) writes its 200,000 x 1,000,000 text-like matrix to the temporary folder; this script
then times scipy's `X @ v` (`csr_matvec`), `X.T @ u` and `X.T @ (d * (X @ v))` on that file, and
numpy's triad, alternating rounds with the Swift bench, and prints medians with the bytes each moves:
values and indices (12 bytes per non-zero), row offsets, and the dense vectors read or written once
(the gathers of `v` and scatters into the result counted once per non-zero, as cache lines they
touch at random: the figure is an upper bound of the useful bandwidth, not a count of DRAM traffic).

    python3 scripts/bench_csr.py [--bench .build/release/bench] [--rounds 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import scipy.sparse as sp


def linalg_round(binary):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([binary, "--filter", "sparse.", "--json", out.name], check=True, capture_output=True)
        records = json.load(open(out.name))
        subprocess.run([binary, "--filter", "stream.triad", "--json", out.name], check=True, capture_output=True)
        records += json.load(open(out.name))
    return {r["case"]: r["median_seconds"] for r in records if r["implementation"] == "linalg"}


def timed(body, repeats=7):
    body()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def scipy_round(x, triad_count):
    n, d = x.shape
    v, u = np.full(d, 0.5), np.full(n, 0.25)
    xt = x.T  # a CSC view: X.T @ u is scipy's csc_matvec over X's arrays
    b, c = np.ones(triad_count), np.full(triad_count, 2.0)
    a = np.empty(triad_count)
    return {
        "sparse.xv": timed(lambda: x @ v),
        "sparse.xtv": timed(lambda: xt @ u),
        "sparse.gram_product": timed(lambda: xt @ (u * (x @ v))),
        "stream.triad": timed(lambda: np.add(b, np.multiply(c, 3.0, out=a), out=a)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=".build/release/bench")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    path = os.path.join(tempfile.gettempdir(), "linalg-bench-csr.npz")
    ours, theirs, x = {}, {}, None
    for _ in range(args.rounds):
        for case, seconds in linalg_round(args.bench).items():
            ours.setdefault(case, []).append(seconds)
        if x is None:
            x = sp.load_npz(path).tocsr()
        for case, seconds in scipy_round(x, 20_000_000).items():
            theirs.setdefault(case, []).append(seconds)
    n, d = x.shape
    nnz = x.nnz
    matrix = 12 * nnz + 8 * (n + 1)
    moved = {
        "sparse.xv": matrix + 8 * nnz + 8 * n,
        "sparse.xtv": matrix + 8 * n + 16 * nnz,
        "sparse.gram_product": 2 * matrix + 24 * nnz + 24 * n,
        "stream.triad": 24 * 20_000_000,
    }
    print(f"{n} x {d}, {nnz} non-zeros; GB/s = bytes above / median seconds")
    print(f"{'case':22} {'linalg ms':>10} {'GB/s':>7} {'scipy/numpy ms':>15} {'GB/s':>7} {'ratio':>7}")
    for case in ("sparse.xv", "sparse.xtv", "sparse.gram_product", "stream.triad"):
        a, b = statistics.median(ours[case]), statistics.median(theirs[case])
        print(f"{case:22} {a * 1e3:10.2f} {moved[case] / a / 1e9:7.1f} {b * 1e3:15.2f} "
              f"{moved[case] / b / 1e9:7.1f} {b / a:7.2f}")


if __name__ == "__main__":
    main()
