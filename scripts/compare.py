#!/usr/bin/env python3
"""Side-by-side table of benchmark JSON files (from `bench --json` and scripts/bench_peers.py).

    python3 scripts/compare.py linalg.json numpy.json

One row per (case, sizes, batch); one median column per implementation; then the ratio of each
other implementation's median to Linalg's (> 1: Linalg is faster).
"""
import json
import sys


def fmt(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    rows, implementations = {}, []
    for path in paths:
        with open(path) as f:
            for record in json.load(f):
                key = (record["case"], tuple(record["sizes"]), record["batch"])
                implementation = record["implementation"]
                if implementation not in implementations:
                    implementations.append(implementation)
                rows.setdefault(key, {})[implementation] = record["median_seconds"]
    others = [i for i in implementations if i != "linalg"]
    header = ["case", "sizes", "batch"] + implementations + [f"{o}/linalg" for o in others]
    table = []
    for (case, sizes, batch), medians in rows.items():
        line = [case, ",".join(map(str, sizes)), "-" if batch is None else str(batch)]
        line += [fmt(medians.get(i)) for i in implementations]
        for other in others:
            a, b = medians.get(other), medians.get("linalg")
            line.append(f"{a / b:.1f}×" if a and b else "-")
        table.append(line)
    widths = [max(len(str(r[c])) for r in [header] + table) for c in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in table:
        print("| " + " | ".join(str(v).ljust(w) for v, w in zip(line, widths)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
