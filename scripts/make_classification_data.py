#!/usr/bin/env python3
"""Classification data for `linalg train --loss softmax-cross-entropy` and its PyTorch peer
(scripts/train_pytorch.py --loss cross-entropy): .npz archives with X (n x d, float64) and y (the
class, 0 ... K-1, float64).

- digits-train.npz / digits-valid.npz: scikit-learn's load_digits (1,797 x 64 pixel counts, ten
  classes, real data shipped inside scikit-learn), pixels / 16, split 80/20 (seeded, stratified).
- synthetic-train.npz / synthetic-valid.npz: 60,000 + 10,000 samples of 784 features, K = 10, an
  MNIST-sized stand-in: x = tanh(mu_y + A u) + 0.5 e, with class means mu_k (sparse, 0/0.6), a shared
  low-rank within-class variation A u (rank 20) and noise e, so a linear model is not enough.

    python3 scripts/make_classification_data.py [OUT_DIR] [--seed N]
"""

import argparse
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def synthetic(n, rng, means, mixing):
    y = rng.integers(0, len(means), n)
    u = rng.standard_normal((n, mixing.shape[1]))
    x = np.tanh(means[y] + u @ mixing.T) + 0.5 * rng.standard_normal((n, means.shape[1]))
    return x, y.astype(np.float64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=".")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    digits = load_digits()
    x_train, x_valid, y_train, y_valid = train_test_split(
        digits.data / 16.0, digits.target.astype(np.float64), test_size=0.2, random_state=args.seed,
        stratify=digits.target)
    np.savez(os.path.join(args.out, "digits-train.npz"), X=x_train, y=y_train)
    np.savez(os.path.join(args.out, "digits-valid.npz"), X=x_valid, y=y_valid)
    rng = np.random.default_rng(args.seed)
    means = (rng.random((10, 784)) < 0.1) * 0.6
    mixing = rng.standard_normal((784, 20)) * 0.4
    for name, n in [("synthetic-train.npz", 60_000), ("synthetic-valid.npz", 10_000)]:
        x, y = synthetic(n, rng, means, mixing)
        np.savez(os.path.join(args.out, name), X=x, y=y)
    print("wrote", ", ".join(sorted(f for f in os.listdir(args.out) if f.endswith(".npz"))))


if __name__ == "__main__":
    main()
