#!/usr/bin/env python3
"""`linalg train --optimizer newton-cg` (truncated Newton, Gauss-Newton products) against Adam: loss
against wall time (Adam at PyTorch's default rate 1e-3 and at 1e-2) on the exercise's identity task
(2,10,10,2 sigmoid net, targets = inputs, 20,000 standard-normal samples) and on the regression set
of scripts/make_regression_data.py (8,64,64,1 tanh). Each run logs its epochs (`--log`); the plot shows
the training loss after every epoch against the seconds spent so far, one panel per task, and the
script prints when newton-cg reached each Adam run's final loss.

    python3 scripts/compare_optimizers.py REGRESSION_DIR OUT.svg [--linalg .build/release/linalg]
"""
import argparse
import csv
import os
import subprocess
import tempfile

import numpy as np

ADAM = ["--optimizer", "adam", "--batch", "64", "--epochs", "20"]
NEWTON = ["--optimizer", "newton-cg", "--batch", "1000", "--epochs", "12"]
RUNS = {
    "identity": {
        "sizes": "2,10,10,2",
        "extra": ["--activation", "sigmoid"],
        "runs": {"adam lr 1e-3": ADAM + ["--lr", "1e-3"], "adam lr 1e-2": ADAM + ["--lr", "1e-2"],
                 "newton-cg": NEWTON},
    },
    "regression": {
        "sizes": "8,64,64,1",
        "extra": ["--activation", "tanh"],
        "runs": {"adam lr 1e-3": ADAM + ["--lr", "1e-3"], "adam lr 1e-2": ADAM + ["--lr", "1e-2"],
                 "newton-cg": NEWTON},
    },
}


def identity_data(path, n=20_000, seed=3):
    x = np.random.default_rng(seed).standard_normal((n, 2))
    np.savez(path, X=x, Y=x)


def train(binary, data, run, name, log):
    args = [binary, "train", "--sizes", run["sizes"], "--data", data, "--dtype", "float64", "--seed", "1",
            "--log", log] + run["extra"] + run["runs"][name]
    subprocess.run(args, check=True, capture_output=True)
    with open(log) as f:
        rows = list(csv.DictReader(f))
    seconds = np.cumsum([float(r["seconds"]) for r in rows])
    return seconds, np.array([float(r["train_loss"]) for r in rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("regression")
    parser.add_argument("output")
    parser.add_argument("--linalg", default=".build/release/linalg")
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    with tempfile.TemporaryDirectory() as work:
        identity = os.path.join(work, "identity.npz")
        identity_data(identity)
        data = {"identity": identity, "regression": os.path.join(args.regression, "train.npz")}
        for axis, (task, run) in zip(axes, RUNS.items()):
            curves = {}
            for name in run["runs"]:
                curves[name] = train(args.linalg, data[task], run, name, os.path.join(work, "log.csv"))
                axis.plot(*curves[name], marker=".", label=f"{name}, batch {run['runs'][name][3]}")
            newton_seconds, newton_loss = curves["newton-cg"]
            for name in [n for n in run["runs"] if n != "newton-cg"]:
                goal = curves[name][1][-1]
                hit = newton_loss <= goal
                reached = f"{newton_seconds[np.argmax(hit)]:.3f} s" if hit.any() else "never"
                print(f"{task}: {name} ends at {goal:.3g} after {curves[name][0][-1]:.3f} s; newton-cg reaches it "
                      f"after {reached} (ends at {newton_loss[-1]:.3g} after {newton_seconds[-1]:.3f} s)")
            axis.set(title=f"{task} ({run['sizes']})", xlabel="seconds", ylabel="training loss (MSE)", yscale="log")
            axis.legend()
    figure.tight_layout()
    figure.savefig(args.output)


if __name__ == "__main__":
    main()
