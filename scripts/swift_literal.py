"""The Swift array literals of the fixture scripts (scripts/make_*_fixtures.py)."""
import numpy as np


def swift(values, indent=12):
    """A Swift array literal, wrapped so that no line is longer than 120 characters."""
    items = [repr(float(v)) for v in np.asarray(values, dtype=float).ravel()]
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(item) + 2 + indent > 118:
            lines.append(line + ",")
            line = ""
        line = item if not line else line + ", " + item
    lines.append(line)
    if len(lines) == 1 and len(lines[0]) + 30 <= 118:  # room for the label before it
        return "[" + lines[0] + "]"
    pad = " " * indent
    return "[\n" + "\n".join(pad + l for l in lines) + "\n" + " " * (indent - 4) + "]"
