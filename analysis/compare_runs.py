#!/usr/bin/python3
"""Compare two migflow result files, e.g. a border closure against the open baseline.

    /usr/bin/python3 analysis/compare_runs.py A.h5 B.h5 [-o OUTDIR] [--top N]

Regions are matched by name (regions present in only one file are listed and left
out). Writes OUTDIR/compare_<A>_vs_<B>.png (default OUTDIR: the current directory):
  - final population per region, A minus B, for the N largest differences;
  - cumulative camp arrivals in A and in B, side by side;
  - camp population over time, A solid and B dashed;
and prints the path, a table of the largest differences (people) and, when both files
have the outcome measures (docs/OUTPUT.md), the camps (first full date, days full,
people turned away) and countries (final population, people blocked by closures or
turned away) side by side. Arrivals are converted from agents to people with each
file's own people_per_agent.
"""
import argparse
import os
import sys

import numpy as np

import mfresult


def matched(a, b):
    ib = {n: i for i, n in enumerate(b.region)}
    pairs = [(i, ib[n]) for i, n in enumerate(a.region) if n in ib]
    only_a = [n for n in a.region if n not in ib]
    only_b = sorted(set(b.region) - set(a.region))
    return pairs, only_a, only_b


def table(rows, headers):
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h)
              for k, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) if k else h.ljust(w) for k, (h, w) in enumerate(zip(headers, widths)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(c.rjust(w) if k else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


def print_outcomes(a, b, la, lb):
    """Camps (first full date, days full, turned away) and countries side by side."""
    if a.camp_outcomes is None or b.camp_outcomes is None:
        return
    ca, cb = a.camp_outcomes, b.camp_outcomes
    kb = {n: k for k, n in enumerate(cb["name"])}
    rows = []
    for k, n in enumerate(ca["name"]):
        if n not in kb:
            continue
        j = kb[n]
        rows.append((n, ca["first_full_date"][k] or "never", cb["first_full_date"][j] or "never",
                     str(int(ca["days_full"][k])), str(int(cb["days_full"][j])),
                     f"{ca['refused_full'][k] * a.people_per_agent:,.0f}",
                     f"{cb['refused_full'][j] * b.people_per_agent:,.0f}"))
    if rows:
        print(f"\nCamps: first full, days full, people turned away, {la} vs {lb}:")
        print(table(rows, ["camp", f"full {la}", f"full {lb}", f"days {la}", f"days {lb}",
                           f"away {la}", f"away {lb}"]))
    na, nb = a.countries["name"], b.countries["name"]
    jb = {n: j for j, n in enumerate(nb)}
    rows = []
    for k, n in enumerate(na):
        if n not in jb:
            continue
        j = jb[n]
        rows.append((n, f"{a.countries['population'][-1, k]:,.0f}",
                     f"{b.countries['population'][-1, j]:,.0f}",
                     f"{a.countries['blocked_by_closure'][:, k].sum() * a.people_per_agent:,.0f}",
                     f"{b.countries['blocked_by_closure'][:, j].sum() * b.people_per_agent:,.0f}",
                     f"{a.countries['turned_away_full'][:, k].sum() * a.people_per_agent:,.0f}",
                     f"{b.countries['turned_away_full'][:, j].sum() * b.people_per_agent:,.0f}"))
    if rows:
        print(f"\nCountries: final population, people blocked by closures, turned away by full "
              f"camps, {la} vs {lb}:")
        print(table(rows, ["country", f"pop {la}", f"pop {lb}", f"blocked {la}", f"blocked {lb}",
                           f"full {la}", f"full {lb}"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare two migflow result files.")
    ap.add_argument("a", help="first result (.h5), e.g. border_closure")
    ap.add_argument("b", help="second result (.h5), e.g. border_open")
    ap.add_argument("-o", "--outdir", default=".", help="directory for the PNG (default .)")
    ap.add_argument("--top", type=int, default=12, help="regions to show (default 12)")
    args = ap.parse_args(argv)
    try:
        a = mfresult.load(args.a)
        b = mfresult.load(args.b)
    except mfresult.ResultError as e:
        print(f"compare_runs.py: error: {e}", file=sys.stderr)
        return 1
    pairs, only_a, only_b = matched(a, b)
    if not pairs:
        print("compare_runs.py: error: the two files have no region names in common", file=sys.stderr)
        return 1
    for label, names in ((a.name, only_a), (b.name, only_b)):
        if names:
            print(f"note: only in {label}: {', '.join(names)}", file=sys.stderr)
    if len(a.dates) != len(b.dates) or a.dates[0] != b.dates[0]:
        print(f"note: the runs cover different days ({a.dates[0]}..{a.dates[-1]} vs "
              f"{b.dates[0]}..{b.dates[-1]}); comparing each run's final day", file=sys.stderr)
    la, lb = a.name, b.name
    if la == lb:
        la, lb = os.path.basename(args.a), os.path.basename(args.b)

    ia = np.array([p[0] for p in pairs])
    ib = np.array([p[1] for p in pairs])
    names = [a.region[i] for i in ia]
    fin_a, fin_b = a.population[-1, ia], b.population[-1, ib]
    diff = fin_a - fin_b
    order = np.argsort(-np.abs(diff), kind="stable")[:max(1, args.top)]
    camps = [k for k, i in enumerate(ia) if a.type[i] == "camp"]
    arr_a = a.arrivals[:, ia].sum(axis=0) * a.people_per_agent
    arr_b = b.arrivals[:, ib].sum(axis=0) * b.people_per_agent

    print(f"Final population, {la} minus {lb} (people), largest differences:")
    rows = [(names[k], a.type[ia[k]], f"{fin_a[k]:,.0f}", f"{fin_b[k]:,.0f}", f"{diff[k]:+,.0f}",
             f"{100 * diff[k] / fin_b[k]:+.1f}%" if fin_b[k] > 0 else "n/a") for k in order]
    print(table(rows, ["region", "type", la, lb, "difference", "relative"]))
    if camps:
        print(f"\nCamp arrivals over the run (people), {la} vs {lb}:")
        corder = sorted(camps, key=lambda k: -abs(arr_a[k] - arr_b[k]))
        rows = [(names[k], a.country[ia[k]], f"{arr_a[k]:,.0f}", f"{arr_b[k]:,.0f}",
                 f"{arr_a[k] - arr_b[k]:+,.0f}") for k in corder]
        print(table(rows, ["camp", "country", la, lb, "difference"]))
        print(f"  total: {arr_a[camps].sum():,.0f} vs {arr_b[camps].sum():,.0f}")

    print_outcomes(a, b, la, lb)

    plt = mfresult.setup_matplotlib()
    ncols = 3 if camps else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6 * ncols, max(4.5, 0.32 * len(order) + 1.8)),
                             squeeze=False)
    ax = axes[0][0]
    y = np.arange(len(order))
    ax.barh(y, diff[order], color=["tab:blue" if v >= 0 else "tab:red" for v in diff[order]])
    ax.set_yticks(y)
    ax.set_yticklabels([f"{names[k]} ({a.type[ia[k]]})" if a.type[ia[k]] != "settlement"
                        else names[k] for k in order])
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.6)
    ax.xaxis.set_major_formatter(mfresult.people_formatter())
    ax.set_xlabel(f"final population, {la} − {lb} (people)")
    ax.set_title(f"Largest differences on the final day ({a.dates[-1]})")
    if camps:
        ax = axes[0][1]
        y = np.arange(len(camps))
        h = 0.4
        ax.barh(y - h / 2, arr_a[camps], height=h, color="tab:purple", label=la)
        ax.barh(y + h / 2, arr_b[camps], height=h, color="tab:gray", label=lb)
        ax.set_yticks(y)
        ax.set_yticklabels([f"{names[k]} ({a.country[ia[k]]})" for k in camps])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(mfresult.people_formatter())
        ax.set_xlabel("arrivals over the whole run (people)")
        ax.set_title("Camp arrivals")
        ax.legend(frameon=False)
        ax = axes[0][2]
        colors = plt.cm.tab10(np.arange(10))
        for c, k in enumerate(sorted(camps, key=lambda k: -abs(diff[k]))[:6]):
            ax.plot(a.dates, a.population[:, ia[k]], color=colors[c], label=names[k])
            ax.plot(b.dates, b.population[:, ib[k]], color=colors[c], ls="--")
        ax.plot([], [], color="k", label=f"solid: {la}")
        ax.plot([], [], color="k", ls="--", label=f"dashed: {lb}")
        ax.set_ylabel("camp population (people)")
        ax.yaxis.set_major_formatter(mfresult.people_formatter())
        ax.set_ylim(bottom=0)
        ax.set_title("Camp population over time")
        ax.legend(frameon=False, fontsize=7)
        mfresult.date_axis(ax)
    fig.suptitle(f"{la} vs {lb}")
    fig.tight_layout()
    os.makedirs(args.outdir, exist_ok=True)
    safe = lambda s: "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in s)
    path = os.path.join(args.outdir, f"compare_{safe(la)}_vs_{safe(lb)}.png")
    fig.savefig(path)
    plt.close(fig)
    print(f"\n{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
