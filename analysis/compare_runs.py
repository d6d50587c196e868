#!/usr/bin/python3
"""Compare two migflow result files over the whole period, e.g. a border closure
against the open baseline.

    /usr/bin/python3 analysis/compare_runs.py A.h5 B.h5 [-o OUTDIR] [--top N]

Regions are matched by name (regions present in only one file are listed and left
out) and days by date (only the dates both runs cover are compared). For every region
the difference A - B is followed day by day: the table gives the largest difference
(in size), its date, and the difference on the last day, since an effect that peaks
and fades (a closure that ends) can be small on the last day. Writes
OUTDIR/compare_<A>_vs_<B>.png (default OUTDIR: the current directory):
  - the N regions with the largest differences: largest difference and last-day one;
  - the population difference over time of the regions that differ most;
  - cumulative camp arrivals in A and in B, side by side;
  - camp population over time, A solid and B dashed, with each camp's capacity;
every time axis shows dates, with the closure and shock windows of A (red, orange)
shaded. Prints the path, the tables (people) and, when both files have the outcome
measures (docs/OUTPUT.md), the camps (first full date, days full, people turned away)
and countries (final population, people blocked by closures or turned away) side by
side. Arrivals are converted from agents to people with each file's own
people_per_agent.
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


def common_days(a, b):
    """Row indices of the dates both runs cover, in date order."""
    _, ta, tb = np.intersect1d(a.dates, b.dates, return_indices=True)
    return ta, tb


def whole_period(pa, pb):
    """Per column of two [T x N] arrays: largest difference in size, the row it is on, last row's."""
    d = pa - pb
    t = np.argmax(np.abs(d), axis=0)
    cols = np.arange(d.shape[1])
    return d[t, cols], t, d[-1], d


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare two migflow result files over the whole period.")
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
    ta, tb = common_days(a, b)
    if len(ta) == 0:
        print(f"compare_runs.py: error: the runs have no day in common ({a.dates[0]}..{a.dates[-1]} vs "
              f"{b.dates[0]}..{b.dates[-1]})", file=sys.stderr)
        return 1
    for label, names in ((a.name, only_a), (b.name, only_b)):
        if names:
            print(f"note: only in {label}: {', '.join(names)}", file=sys.stderr)
    if len(ta) != len(a.dates) or len(tb) != len(b.dates):
        print(f"note: the runs cover different days ({a.dates[0]}..{a.dates[-1]} vs "
              f"{b.dates[0]}..{b.dates[-1]}); comparing the {len(ta)} days both cover", file=sys.stderr)
    la, lb = a.name, b.name
    if la == lb:
        la, lb = os.path.basename(args.a), os.path.basename(args.b)

    ia = np.array([p[0] for p in pairs])
    ib = np.array([p[1] for p in pairs])
    names = [a.region[i] for i in ia]
    dates = a.dates[ta]
    pa, pb = a.population[np.ix_(ta, ia)], b.population[np.ix_(tb, ib)]
    peak, peak_t, final, diff_t = whole_period(pa, pb)
    order = np.argsort(-np.abs(peak), kind="stable")[:max(1, args.top)]
    camps = [k for k, i in enumerate(ia) if a.type[i] == "camp"]
    arr_a = a.arrivals[np.ix_(ta, ia)].sum(axis=0) * a.people_per_agent
    arr_b = b.arrivals[np.ix_(tb, ib)].sum(axis=0) * b.people_per_agent
    events = mfresult.run_events(a)

    print(f"Population, {la} minus {lb} (people), over {dates[0]}..{dates[-1]}, largest differences:")
    rows = []
    for k in order:
        t = peak_t[k]
        rel = f"{100 * peak[k] / pb[t, k]:+.1f}%" if pb[t, k] > 0 else "n/a"
        rows.append((names[k], a.type[ia[k]], f"{peak[k]:+,.0f}", str(dates[t]), rel, f"{final[k]:+,.0f}"))
    print(table(rows, ["region", "type", "largest difference", "on", "relative", f"on {dates[-1]}"]))
    if events:
        print("\nIn force in " + la + ": " + "; ".join(e.describe() for e in events))
    if camps:
        print(f"\nCamp arrivals over the period (people), {la} vs {lb}:")
        corder = sorted(camps, key=lambda k: -abs(arr_a[k] - arr_b[k]))
        rows = [(names[k], a.country[ia[k]], f"{arr_a[k]:,.0f}", f"{arr_b[k]:,.0f}",
                 f"{arr_a[k] - arr_b[k]:+,.0f}") for k in corder]
        print(table(rows, ["camp", "country", la, lb, "difference"]))
        print(f"  total: {arr_a[camps].sum():,.0f} vs {arr_b[camps].sum():,.0f}")

    print_outcomes(a, b, la, lb)

    plt = mfresult.setup_matplotlib()
    fig, axes = plt.subplots(2, 2, figsize=(14, max(9, 0.32 * len(order) + 6)), squeeze=False)
    ax = axes[0][0]
    y = np.arange(len(order))
    ax.barh(y - 0.2, peak[order], height=0.4, color="tab:blue", label="largest difference over the period")
    ax.barh(y + 0.2, final[order], height=0.4, color="lightsteelblue", label=f"on the last day ({dates[-1]})")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{names[k]} ({a.type[ia[k]]}), {dates[peak_t[k]]:%d %b}" if a.type[ia[k]] != "settlement"
                        else f"{names[k]}, {dates[peak_t[k]]:%d %b}" for k in order])
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.6)
    ax.xaxis.set_major_formatter(mfresult.people_formatter())
    ax.set_xlabel(f"population, {la} − {lb} (people)")
    ax.set_title("Largest differences (label: their date) and on the last day")
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2)
    ax = axes[0][1]
    mfresult.shade_events(ax, events)
    colors = plt.cm.tab10(np.arange(10))
    for c, k in enumerate(order[:6]):
        ax.plot(dates, diff_t[:, k], color=colors[c], label=names[k])
        ax.plot([dates[peak_t[k]]], [peak[k]], "o", color=colors[c], ms=4)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel(f"population, {la} − {lb} (people)")
    ax.yaxis.set_major_formatter(mfresult.people_formatter())
    ax.set_title("Difference over time (dot: largest)")
    ax.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    mfresult.date_axis(ax)
    if camps:
        ax = axes[1][0]
        y = np.arange(len(camps))
        h = 0.4
        ax.barh(y - h / 2, arr_a[camps], height=h, color="tab:purple", label=la)
        ax.barh(y + h / 2, arr_b[camps], height=h, color="tab:gray", label=lb)
        ax.set_yticks(y)
        ax.set_yticklabels([f"{names[k]} ({a.country[ia[k]]})" for k in camps])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(mfresult.people_formatter())
        ax.set_xlabel("arrivals over the whole period (people)")
        ax.set_title("Camp arrivals")
        ax.legend(frameon=False)
        ax = axes[1][1]
        mfresult.shade_events(ax, events)
        for c, k in enumerate(sorted(camps, key=lambda k: -abs(peak[k]))[:6]):
            ax.plot(dates, pa[:, k], color=colors[c], label=names[k])
            ax.plot(dates, pb[:, k], color=colors[c], ls="--")
            if a.capacity[ia[k]] > 0:
                ax.axhline(a.capacity[ia[k]], color=colors[c], ls=":", lw=1.0)
        ax.plot([], [], color="k", label=f"solid: {la}")
        ax.plot([], [], color="k", ls="--", label=f"dashed: {lb}")
        ax.plot([], [], color="k", ls=":", label="dotted: capacity")
        ax.set_ylabel("camp population (people)")
        ax.yaxis.set_major_formatter(mfresult.people_formatter())
        ax.set_ylim(bottom=0)
        ax.set_title("Camp population over time, against capacity")
        ax.legend(frameon=False, fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
        mfresult.date_axis(ax)
    else:
        axes[1][0].set_visible(False)
        axes[1][1].set_visible(False)
    fig.suptitle(f"{la} vs {lb}, {dates[0]} to {dates[-1]}")
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
