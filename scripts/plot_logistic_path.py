#!/usr/bin/env python3
"""Plots a regularisation path from `linalg logreg ... --path N --cv K --json`.

    linalg logreg --data d.csv --fit-intercept --path 30 --cv 5 --json > fit.json
    python scripts/plot_logistic_path.py fit.json path.svg

Left: each coefficient against log10 λ. Right: the cross-validated deviance (mean ± one standard
deviation over the folds) against log10 λ, with the chosen λ marked. Needs matplotlib.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source, target):
    with open(source) as f:
        fit = json.load(f)
    path = fit["path"]
    names = fit.get("feature_names") or [f"x{j + 1}" for j in range(len(path[0]["coefficients"]))]
    lambdas = [point["lambda"] for point in path]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for j, name in enumerate(names):
        left.plot(lambdas, [point["coefficients"][j] for point in path], label=name)
    left.set_xscale("log")
    left.set_xlabel("λ")
    left.set_ylabel("coefficient")
    left.set_title("Coefficients along the path")
    if len(names) <= 12:
        left.legend(fontsize=8)
    means = [point["cv_deviance_mean"] for point in path]
    if all(m is not None for m in means):
        stds = [point["cv_deviance_std"] for point in path]
        right.errorbar(lambdas, means, yerr=stds, fmt="o-", markersize=3, capsize=2)
        if fit.get("best_lambda") is not None:
            right.axvline(fit["best_lambda"], color="gray", linestyle="--", label=f"best λ = {fit['best_lambda']:.3g}")
            right.legend(fontsize=8)
        right.set_xscale("log")
        right.set_xlabel("λ")
        right.set_ylabel("held-out deviance (mean ± std over folds)")
        right.set_title("Cross-validation")
    else:
        right.set_axis_off()
        right.text(0.5, 0.5, "run with --cv K for the CV curve", ha="center")
    figure.tight_layout()
    figure.savefig(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot_logistic_path.py FIT.json OUT.svg")
    main(sys.argv[1], sys.argv[2])
