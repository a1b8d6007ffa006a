#!/usr/bin/env python3
"""A regression data set for `linalg train`: y = g(x) + noise for x uniform in [-1, 1]^8, with

    g(x) = sin(pi x0 x1) + 0.5 (x2 - 0.5)^2 + 0.4 x3 + 0.3 cos(2 x4 + x5) + 0.2 x6 x7 + 0.1 exp(x2),

a smooth function of all 8 inputs (Friedman-style terms), and Gaussian noise with sd 0.1
(so the best achievable validation MSE is about 0.01). Writes train.npz (50,000 samples) and
valid.npz (10,000 samples), arrays X (n x 8, float64) and Y (n x 1, float64).

    python3 scripts/make_regression_data.py [OUT_DIR] [--seed N]
"""

import argparse
import os

import numpy as np


def make(n, rng):
    x = rng.uniform(-1.0, 1.0, size=(n, 8))
    g = (
        np.sin(np.pi * x[:, 0] * x[:, 1])
        + 0.5 * (x[:, 2] - 0.5) ** 2
        + 0.4 * x[:, 3]
        + 0.3 * np.cos(2 * x[:, 4] + x[:, 5])
        + 0.2 * x[:, 6] * x[:, 7]
        + 0.1 * np.exp(x[:, 2])
    )
    y = g + 0.1 * rng.standard_normal(n)
    return x, y.reshape(n, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=".")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train", type=int, default=50_000)
    parser.add_argument("--valid", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for name, n in (("train", args.train), ("valid", args.valid)):
        x, y = make(n, rng)
        path = os.path.join(args.out, name + ".npz")
        np.savez(path, X=x, Y=y)
        print(f"wrote {path}: X {x.shape}, Y {y.shape}")


if __name__ == "__main__":
    main()
