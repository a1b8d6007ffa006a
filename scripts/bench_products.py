#!/usr/bin/env python3
"""The derivative products of the wide net (256,512,512,256, B = 1024), Linalg against JAX side by
side: rounds alternate between `bench --filter <case> --json` (release build) and the same case in
JAX (jit-compiled, from scripts/bench_peers.py), medians over the rounds, the ratio JAX / Linalg
(> 1: Linalg faster). The plain gradient is timed too, as the unit of cost.

    python3 scripts/bench_products.py [--bench .build/release/bench] [--rounds 3] [--filter TEXT]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_peers  # noqa: E402

PRODUCTS = ["jvp", "vjp", "hvp", "ggnvp", "per_sample_norms"]


def linalg_records(binary, case):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([binary, "--filter", case, "--json", out.name], check=True, capture_output=True)
        with open(out.name) as f:
            return [r for r in json.load(f) if r["implementation"] in ("linalg", "linalg-gradient")]


def jax_records(single, budget):
    return bench_peers.jax_product_cases(bench_peers.WIDE, 1024, budget, single)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=".build/release/bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--filter")
    args = parser.parse_args()
    times = {}
    for round_ in range(args.rounds):
        for single in (False, True):
            suffix = "_f32" if single else ""
            for product in PRODUCTS:
                case = f"mlp.{product}{suffix}"
                if args.filter and args.filter not in case:
                    continue
                for r in linalg_records(args.bench, case):
                    if r["case"] == case:
                        times.setdefault((case, r["implementation"]), []).append(r["median_seconds"])
            for r in jax_records(single, args.budget):
                if args.filter is None or args.filter in r["case"]:
                    times.setdefault((r["case"], "jax"), []).append(r["median_seconds"])
        print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr)
    print(f"{'case':26} {'linalg ms':>10} {'gradient ms':>12} {'in gradients':>12} {'jax ms':>10} {'jax/linalg':>10}")
    for single in (False, True):
        for product in PRODUCTS:
            case = f"mlp.{product}{'_f32' if single else ''}"
            if (case, "linalg") not in times:
                continue
            ours = statistics.median(times[(case, "linalg")])
            gradient = statistics.median(times[(case, "linalg-gradient")])
            jax = statistics.median(times.get((case, "jax"), [float("nan")]))
            print(f"{case:26} {ours * 1e3:10.2f} {gradient * 1e3:12.2f} {ours / gradient:12.2f} {jax * 1e3:10.2f} "
                  f"{jax / ours:10.2f}")


if __name__ == "__main__":
    main()
