#!/usr/bin/env python3
"""Side-by-side table of benchmark JSON files (from `bench --json` and scripts/bench_peers.py).

    python3 scripts/compare.py linalg.json numpy.json

One row per (case, sizes, batch); one median column per implementation; then the ratio of each
other implementation's median to Linalg's (> 1: Linalg is faster). `reference` is the plain-Swift
oracle; a baseline of Linalg itself (`linalg-cold-fit`, `linalg-without-inference`, `linalg-path`,
`linalg-float64`) goes into one `baseline` column that names it, since each case has at most one.
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


def seconds_of(cell):
    """The seconds of a cell: a median, or a named baseline's (name, median)."""
    return cell[1] if isinstance(cell, tuple) else cell


def fmt_cell(cell):
    return f"{fmt(cell[1])} ({cell[0]})" if isinstance(cell, tuple) else fmt(cell)


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
                seconds = record["median_seconds"]
                if implementation.startswith("linalg-"):
                    # Linalg's own baseline: its name travels with the time.
                    seconds = (implementation[len("linalg-"):], seconds)
                    implementation = "baseline"
                if implementation not in implementations:
                    implementations.append(implementation)
                rows.setdefault(key, {})[implementation] = seconds
    others = [i for i in implementations if i != "linalg"]
    header = ["case", "sizes", "batch"] + implementations + [f"{o}/linalg" for o in others]
    table = []
    for (case, sizes, batch), medians in rows.items():
        line = [case, ",".join(map(str, sizes)), "-" if batch is None else str(batch)]
        line += [fmt_cell(medians.get(i)) for i in implementations]
        for other in others:
            a, b = seconds_of(medians.get(other)), medians.get("linalg")
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
