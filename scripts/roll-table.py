#!/usr/bin/env python3
"""The roll sweeps' Markdown tables, from the FaceMeshTests log scripts/bench.sh keeps: one row per
angle, one column per photo (and landmark source).
Usage: roll-table.py LOG mesh       the mesh alone: error (% of the eye distance) and the roll found
       roll-table.py LOG pipeline   the whole pipeline, landmarks mesh and 68: error or no-face"""
import re, sys

PATTERNS = {
    "mesh": (r"ROLL photo=(?P<photo>\S+) angle=(?P<angle>\d+) error=(?P<error>[\d.]+%) roll-found=(?P<roll>-?\d+)$",
             lambda m: m["photo"], lambda m: f"{m['error']} ({m['roll']})"),
    "pipeline": (r"PIPELINE-ROLL landmarks=(?P<model>\S+) photo=(?P<photo>\S+) angle=(?P<angle>\d+) error=(?P<error>\S+)",
                 lambda m: f"{m['photo']}, {m['model']}", lambda m: m["error"]),
}

log, kind = sys.argv[1], sys.argv[2]
pattern, column, cell = PATTERNS[kind]
rows = {}
for line in open(log):
    m = re.search(pattern, line.strip())
    if m:
        rows.setdefault(int(m["angle"]), {})[column(m)] = cell(m)
columns = sorted({c for r in rows.values() for c in r})
if rows:
    print("| angle | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for angle in sorted(rows):
        print(f"| {angle} | " + " | ".join(rows[angle].get(c, "") for c in columns) + " |")
