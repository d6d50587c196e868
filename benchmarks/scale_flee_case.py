#!/usr/bin/python3
"""Copy a Flee case with every head count multiplied, for timing national-size runs.

usage: benchmarks/scale_flee_case.py CASE OUT --factor K

Multiplies by K the populations (camp capacities) in input_csv/locations.csv and the
counts in the validation files that source_data/data_layout.csv names (the refugee
total and each camp), so that data-driven spawning creates about K times the agents.
Everything else is copied unchanged. OUT must not exist.
"""
import argparse
import csv
import os
import shutil
import sys


def scale_number(text, factor):
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(round(value * factor))) if value == int(value) else repr(value * factor)


def scale_locations(path, factor):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = next(i for i, r in enumerate(rows) if r and r[0].lstrip().startswith("#"))
    column = [c.strip().lstrip("#").strip() for c in rows[header]].index("population")
    for r in rows[header + 1:]:
        if len(r) > column and r[column].strip():
            r[column] = scale_number(r[column].strip(), factor)
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def scale_series(path, factor):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    for r in rows:
        if len(r) >= 2:
            r[1] = scale_number(r[1].strip(), factor)
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("out")
    ap.add_argument("--factor", type=float, required=True)
    a = ap.parse_args()
    if os.path.exists(a.out):
        sys.exit(f"{a.out}: exists")
    shutil.copytree(a.case, a.out)
    for p, _, _ in os.walk(a.out):
        os.chmod(p, 0o755)
    scale_locations(os.path.join(a.out, "input_csv", "locations.csv"), a.factor)
    source = os.path.join(a.out, "source_data")
    with open(os.path.join(source, "data_layout.csv"), newline="") as f:
        files = {r[1].strip() for r in csv.reader(f) if len(r) >= 2}
    for name in sorted(files):
        path = os.path.join(source, name)
        os.chmod(path, 0o644)
        scale_series(path, a.factor)


if __name__ == "__main__":
    main()
