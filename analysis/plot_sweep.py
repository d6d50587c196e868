#!/usr/bin/python3
"""Plot a sweep (docs/SWEEP.md): ensemble spread per parameter point, and a metric
against each swept parameter.

    /usr/bin/python3 analysis/plot_sweep.py SWEEP_OUT_DIR|index.csv [-o OUTDIR]
        [--metric final_camp|ard_rescaled|ard_unrescaled|final_agents|camp_arrivals|peak_camp_population]

Reads index.csv (only runs with status `done`) and each run's HDF5 file, and writes
into OUTDIR (default: SWEEP_OUT_DIR/plots):
  ensemble.png    total camp population over time for each parameter point: the
                  median over seeds and the 5-95 % band
  metric.png      one panel per swept parameter: the metric of every run (dots) and
                  per point the median with its 5-95 % range
  metric.csv      the table the plots show: point, swept values, seeds, median, p5, p95
and prints the table. The default metric is ard_rescaled when the index has it,
otherwise final_camp (camp population on the last day, people).
Exits with status 1 and one line on stderr when the index or a run file is missing
or incomplete.
"""
import argparse
import csv
import os
import sys

import numpy as np

import mfresult

FIXED = ["run", "point", "seed", "file", "status", "wall_s", "final_agents",
         "camp_arrivals", "peak_camp_population", "ard_rescaled", "ard_unrescaled", "build",
         "design", "design_group", "design_step"]  # design: sobol and morris sweeps (docs/SWEEP.md)


def read_index(path):
    if os.path.isdir(path):
        path = os.path.join(path, "index.csv")
    if not os.path.exists(path):
        raise mfresult.ResultError(f"{path}: no such file (is this a sweep output directory?)")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise mfresult.ResultError(f"{path}: no runs listed")
    swept = [k for k in rows[0].keys() if k not in FIXED]
    done = [r for r in rows if r["status"] == "done"]
    if not done:
        raise mfresult.ResultError(f"{path}: no finished run yet")
    return os.path.dirname(os.path.abspath(path)), swept, done, len(rows)


def camp_series(path):
    """Dates and total camp population per day (people) of one run file."""
    import h5py
    if not os.path.exists(path):
        raise mfresult.ResultError(f"{path}: no such file")
    with h5py.File(path, "r") as f:
        if f.attrs.get("complete") != 1:
            raise mfresult.ResultError(f"{path}: incomplete result; the run did not finish")
        types = f["regions/type"].asstr()[:]
        dates = f["time/date"].asstr()[:]
        camps = np.flatnonzero(types == "camp")
        pop = f["series/population"]
        total = pop[:, camps].sum(axis=1) if len(camps) else np.zeros(pop.shape[0])
    import datetime as dt
    return np.array([dt.date.fromisoformat(d[:10]) for d in dates]), np.asarray(total, float)


def as_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def categorical(values):
    """The distinct values in first-seen order when any is not a number, else []."""
    if all(as_number(v) is not None for v in values):
        return []
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def wrap(text, width):
    import textwrap
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep", help="sweep output directory or its index.csv")
    ap.add_argument("-o", "--out", help="output directory (default SWEEP/plots)")
    ap.add_argument("--metric", choices=["final_camp", "ard_rescaled", "ard_unrescaled", "final_agents",
                                             "camp_arrivals", "peak_camp_population"])
    a = ap.parse_args()
    try:
        base, swept, runs, planned = read_index(a.sweep)
        metric = a.metric or ("ard_rescaled" if runs[0].get("ard_rescaled") else "final_camp")
        if metric.startswith("ard") and not runs[0].get(metric):
            raise mfresult.ResultError(f"{metric}: the sweep's scenario has no observed data")
        points = {}  # point -> {"values": {...}, "series": [...], "metric": [...]}
        dates = None
        for r in runs:
            d, total = camp_series(os.path.join(base, r["file"]))
            dates = d if dates is None or len(d) > len(dates) else dates
            p = points.setdefault(int(r["point"]), {"values": {k: r[k] for k in swept},
                                                    "series": [], "metric": []})
            p["series"].append(total)
            p["metric"].append(total[-1] if metric == "final_camp" else float(r[metric]))
    except (mfresult.ResultError, OSError, KeyError) as e:
        print(f"plot_sweep.py: {e}", file=sys.stderr)
        sys.exit(1)

    out = a.out or os.path.join(base, "plots")
    os.makedirs(out, exist_ok=True)
    plt = mfresult.setup_matplotlib()

    def label(p):
        return ", ".join(f"{k.split('.')[-1]}={v}" for k, v in p["values"].items()) or "all runs"

    # Ensemble spread: median and 5-95 % band over seeds, per point. Past 8 points the
    # legend goes beside the plot, in as many columns as it takes, so it covers no line.
    outside = len(points) > 8
    legend_cols = 1 if not outside else int(np.ceil(len(points) / 30))
    fig, ax = plt.subplots(figsize=(10 + (3.6 * legend_cols if outside else 0),
                                    max(5.5, 0.16 * len(points) / legend_cols + 1.5) if outside else 5.5))
    colors = plt.cm.tab10(np.arange(10)) if len(points) <= 10 else plt.cm.viridis(np.linspace(0, 1, len(points)))
    for k, (pid, p) in enumerate(sorted(points.items())):
        n = min(len(s) for s in p["series"])
        m = np.vstack([s[:n] for s in p["series"]])
        lo, med, hi = np.percentile(m, [5, 50, 95], axis=0)
        c = colors[k % len(colors)]
        ax.fill_between(dates[:n], lo, hi, color=c, alpha=0.2, lw=0)
        ax.plot(dates[:n], med, color=c, label=f"{label(p)} ({len(p['series'])} seeds)")
    ax.set_title(wrap(f"Total camp population: median and 5-95 % over seeds ({len(runs)} of {planned} runs)", 80))
    ax.set_ylabel("people")
    ax.yaxis.set_major_formatter(mfresult.people_formatter())
    mfresult.date_axis(ax)
    if outside:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=legend_cols, fontsize=7, frameon=False)
    else:
        ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "ensemble.png"), bbox_inches="tight")
    plt.close(fig)

    # Metric table and metric against each swept parameter.
    table = []
    for pid, p in sorted(points.items()):
        lo, med, hi = np.percentile(p["metric"], [5, 50, 95])
        table.append((pid, p, len(p["metric"]), med, lo, hi))
    with open(os.path.join(out, "metric.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["point"] + swept + ["seeds", f"{metric}_median", f"{metric}_p5", f"{metric}_p95"])
        for pid, p, n, med, lo, hi in table:
            w.writerow([pid] + [p["values"][k] for k in swept] + [n, f"{med:.6g}", f"{lo:.6g}", f"{hi:.6g}"])
    print(f"{'point':>5}  " + "  ".join(f"{k:>24}" for k in swept) + f"  {'seeds':>5}  {metric + ' median':>20}  {'5-95 %':>23}")
    for pid, p, n, med, lo, hi in table:
        print(f"{pid:>5}  " + "  ".join(f"{p['values'][k]:>24}" for k in swept) +
              f"  {n:>5}  {med:>20.6g}  {lo:>11.5g}-{hi:<11.5g}")

    panels = max(1, len(swept))
    fig, axes = plt.subplots(1, panels, figsize=(4.5 * panels, 4.4), squeeze=False)
    for ax, key in zip(axes[0], swept or [None]):
        values = [p["values"][key] for _, p, *_ in table] if key else []
        categories = categorical(values)
        for pid, p, n, med, lo, hi in table:
            x = 0.0 if not key else (categories.index(p["values"][key]) if categories
                                     else as_number(p["values"][key]))
            ax.scatter([x] * n, p["metric"], s=10, color="0.6", zorder=2)
            ax.errorbar([x], [med], yerr=[[med - lo], [hi - med]], fmt="o", color="C0", capsize=3, zorder=3)
        if categories:  # text values (or lists): one labelled slot each, not a number line
            ax.set_xticks(range(len(categories)))
            ax.set_xticklabels([wrap(c, 14) for c in categories], rotation=30 if len(categories) > 4 else 0,
                               ha="right" if len(categories) > 4 else "center")
            ax.set_xlim(-0.5, len(categories) - 0.5)
            ax.grid(axis="x", visible=False)
        ax.set_xlabel(wrap(key or "all runs", 40))
        ax.set_ylabel(metric)
        if metric in ("final_camp", "final_agents", "camp_arrivals", "peak_camp_population"):
            ax.yaxis.set_major_formatter(mfresult.people_formatter())
    fig.suptitle(wrap(f"{metric} per run (grey) and per point: median with 5-95 % over seeds",
                      max(40, 30 * panels)))
    fig.tight_layout()
    fig.savefig(os.path.join(out, "metric.png"), bbox_inches="tight")
    plt.close(fig)
    for name in ("ensemble.png", "metric.png", "metric.csv"):
        print(os.path.join(out, name))


if __name__ == "__main__":
    main()
