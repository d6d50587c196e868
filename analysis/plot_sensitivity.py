#!/usr/bin/python3
"""Plot the sensitivity indices `migflow sensitivity` wrote (docs/SWEEP.md "Sensitivity").

    /usr/bin/python3 analysis/plot_sensitivity.py sensitivity.csv -o fig.png|fig.svg|fig.pdf

One panel per outcome. Sobol tables: per parameter, the first-order (S1) and total (ST)
indices as bars with their bootstrap intervals. Morris tables: mu* against sigma per
parameter (the usual Morris plane), mu* with its bootstrap interval as a horizontal bar.
`migflow sensitivity SWEEP_DIR --plot fig.png` runs this script. Exits with status 1
and one line on stderr when the table cannot be read.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def number(text):
    return float(text) if text not in ("", None) else math.nan


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"{path}: no indices in the table")
    head = rows[0].keys()
    if "S1" in head:
        method = "sobol"
    elif "mu_star" in head:
        method = "morris"
    else:
        raise ValueError(f"{path}: neither S1 nor mu_star columns: not a `migflow sensitivity` table")
    outcomes = []
    for r in rows:
        if r["outcome"] not in outcomes:
            outcomes.append(r["outcome"])
    return method, outcomes, rows


def sobol_panel(ax, rows):
    names = [r["parameter"] for r in rows]
    y = range(len(rows))
    for shift, key, colour in ((-0.2, "S1", "tab:blue"), (0.2, "ST", "tab:orange")):
        v = [number(r[key]) for r in rows]
        lo = [max(0.0, x - number(r[key + "_low"])) if not math.isnan(number(r[key + "_low"])) else 0 for x, r in zip(v, rows)]
        hi = [max(0.0, number(r[key + "_high"]) - x) if not math.isnan(number(r[key + "_high"])) else 0 for x, r in zip(v, rows)]
        ax.barh([i + shift for i in y], v, height=0.4, color=colour, label=key, xerr=[lo, hi], capsize=3)
    ax.set_yticks(list(y))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("Sobol index (bars: bootstrap interval)")
    ax.legend(loc="lower right", fontsize="small")


def morris_panel(ax, rows):
    for r in rows:
        mu_star, sigma = number(r["mu_star"]), number(r["sigma"])
        lo, hi = number(r["mu_star_low"]), number(r["mu_star_high"])
        xerr = None if math.isnan(lo) else [[max(0.0, mu_star - lo)], [max(0.0, hi - mu_star)]]
        ax.errorbar([mu_star], [sigma], xerr=xerr, fmt="o", capsize=3)
        ax.annotate(r["parameter"], (mu_star, sigma), textcoords="offset points", xytext=(4, 4), fontsize="small")
    ax.set_xlabel("mu* (mean |elementary effect| per range; bar: bootstrap interval)")
    ax.set_ylabel("sigma")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("table", help="sensitivity.csv from `migflow sensitivity`")
    p.add_argument("-o", "--output", required=True, help="figure file (.png, .svg, .pdf)")
    a = p.parse_args(argv)
    try:
        method, outcomes, rows = read_table(a.table)
    except (OSError, ValueError, KeyError) as e:
        print(f"plot_sensitivity: {e}", file=sys.stderr)
        return 1
    fig, axes = plt.subplots(len(outcomes), 1, figsize=(8, 0.5 + 2.2 * len(outcomes)), squeeze=False)
    for ax, outcome in zip(axes[:, 0], outcomes):
        mine = [r for r in rows if r["outcome"] == outcome]
        (sobol_panel if method == "sobol" else morris_panel)(ax, mine)
        ax.set_title(outcome, fontsize="medium")
    fig.tight_layout()
    partial = a.output + ".partial" + os.path.splitext(a.output)[1]
    fig.savefig(partial)
    os.replace(partial, a.output)
    print(f"figure: {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
