#!/usr/bin/python3
"""Plot one migflow result file: a single run, an ensemble or a comparison.

    /usr/bin/python3 analysis/plot_run.py OUT.h5 [-o OUTDIR] [--top N]

Ensembles (`migflow run --replicates N`) draw the median of each series with its
p05-p95 band (light) and p25-p75 band (darker). Comparisons (`migflow compare`) draw
the scenario side that way, the baseline's median dashed, and add
  camps_difference.png  per camp: scenario - baseline paired by seed, median and bands

Writes PNGs into OUTDIR (default: OUT_plots next to the file) and prints their paths:
  population.png   population per region over time: the N regions that changed most,
                   the rest summed; absolute and change from the initial population
  camps.png        each camp: occupancy against capacity, cumulative and daily arrivals
  drivers.png      conflict, economy and climate per region and day (heatmaps)
  transit.png      people in transit, total agents and new displacement per day
Time axes show dates, with the scenario's closure (red) and shock (orange) windows
shaded (as the run applied them: the file's /events).
  route_flows.png  the N busiest routes: total flow each way, and daily flow over time
Counts stored in agents are converted to people with the file's people_per_agent.
Exits with status 1 and one line on stderr for a missing or incomplete file.
"""
import argparse
import os
import sys

import numpy as np

import mfresult


def shade(ax, r, name, column, dates, scale=1.0, color="tab:blue", section=None):
    """The p05-p95 and p25-p75 bands of one column of a series (nothing for a single run)."""
    for lo, hi, alpha in (("p05", "p95", 0.15), ("p25", "p75", 0.3)):
        band = r.band(name, lo, hi, section)
        if band is None:
            return
        a, b = band
        a = a[:, column] if column is not None else a
        b = b[:, column] if column is not None else b
        ax.fill_between(dates, a * scale, b * scale, color=color, alpha=alpha, lw=0)


def band_note(r):
    if r.kind == "run":
        return ""
    return f" (median of {r.replicates} replicates; bands p05–p95, p25–p75)"


def top_changed(r, n):
    change = r.population[-1] - r.initial_population
    order = np.argsort(-np.abs(change), kind="stable")
    return list(order[:n]), list(order[n:])


def plot_population(r, plt, out, n):
    top, rest = top_changed(r, n)
    d = r.dates
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5), sharex=True)
    palette = plt.cm.tab10 if len(top) <= 10 else plt.cm.tab20
    colors = palette(np.arange(palette.N))
    for k, i in enumerate(top):
        label = f"{r.region[i]} ({r.type[i]})" if r.type[i] != "settlement" else r.region[i]
        ax1.plot(d, r.population[:, i], color=colors[k % len(colors)], label=label)
        shade(ax1, r, "population", i, d, color=colors[k % len(colors)])
        ax2.plot(d, r.population[:, i] - r.initial_population[i], color=colors[k % len(colors)],
                 label=label)
    if rest:
        rest_pop = r.population[:, rest].sum(axis=1)
        lab = f"other {len(rest)} regions (sum)"
        ax1.plot(d, rest_pop, color="0.4", ls="--", label=lab)
        ax2.plot(d, rest_pop - r.initial_population[rest].sum(), color="0.4", ls="--", label=lab)
    ax1.set_yscale("log")
    ax1.set_ylabel("population (people, log scale)")
    ax1.set_title("Population")
    ax2.axhline(0, color="k", lw=0.6)
    ax2.set_ylabel("change from the initial population (people)")
    ax2.yaxis.set_major_formatter(mfresult.people_formatter())
    ax2.set_title(f"Change from the initial population (top {len(top)} by final change)")
    for ax in (ax1, ax2):
        mfresult.date_axis(ax)
    ax2.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.suptitle(f"{r.name}: population per region{band_note(r)}")
    fig.tight_layout()
    return save(fig, plt, out, "population.png")


def plot_camps(r, plt, out):
    events = mfresult.run_events(r)
    camps = r.camps()
    if not camps:
        print(f"note: {r.name} has no camps; camps.png not written", file=sys.stderr)
        return None
    ppa = r.people_per_agent
    ncol = min(3, len(camps))
    nrow = int(np.ceil(len(camps) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.2 * nrow), squeeze=False,
                             sharex=True)
    d = r.dates
    for k, i in enumerate(camps):
        ax = axes[k // ncol][k % ncol]
        daily = r.arrivals[:, i] * ppa
        bx = ax.twinx()
        bx.bar(d, daily, width=1.0, color="tab:orange", alpha=0.35, label="daily arrivals")
        bx.set_ylabel("daily arrivals (people/day)", color="tab:orange")
        bx.tick_params(axis="y", colors="tab:orange")
        bx.yaxis.set_major_formatter(mfresult.people_formatter())
        bx.grid(False)
        bx.set_ylim(0, max(1.0, daily.max()) * 3)  # keep bars in the lower third
        ax.set_zorder(bx.get_zorder() + 1)
        ax.patch.set_visible(False)
        mfresult.shade_events(ax, events)
        ax.plot(d, r.population[:, i], color="tab:blue", label="population")
        shade(ax, r, "population", i, d)
        if r.kind == "comparison":
            ax.plot(d, r.sections["baseline"]["population"]["p50"][:, i], color="0.3", ls="--",
                    label=f"population, {r.baseline_name} (median)")
        ax.plot(d, r.initial_population[i] + np.cumsum(daily), color="tab:green", ls=":",
                label="initial population + cumulative arrivals")
        if r.capacity[i] > 0:
            ax.axhline(r.capacity[i], color="tab:red", ls="--", label="capacity")
            title = f"{r.region[i]} ({r.country[i]}), capacity {r.capacity[i]:,.0f}"
        else:
            title = f"{r.region[i]} ({r.country[i]}), no capacity limit"
        ax.set_title(title)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("people")
        ax.yaxis.set_major_formatter(mfresult.people_formatter())
        mfresult.date_axis(ax)
    for k in range(len(camps), nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
        # sharex hid the date labels of the panel above an empty slot: show them again
        axes[k // ncol - 1][k % ncol].xaxis.set_tick_params(labelbottom=True)
    h1, l1 = axes[0][0].get_legend_handles_labels()
    fig.legend(h1 + [plt.Rectangle((0, 0), 1, 1, color="tab:orange", alpha=0.35)],
               l1 + ["daily arrivals (right axis)"], loc="lower center", ncol=4 if ncol > 1 else 2,
               frameon=False)
    fig.suptitle(f"{r.name}: camps, occupancy and arrivals{band_note(r)}")
    fig.tight_layout(rect=(0, 0.06 if ncol > 1 else 0.16, 1, 1))
    return save(fig, plt, out, "camps.png")


def plot_drivers(r, plt, out, max_rows=60):
    import matplotlib.dates as mdates

    T, R = r.population.shape
    fig, axes = plt.subplots(1, 3, figsize=(15, max(4.0, 0.17 * min(R, max_rows) + 1.8)),
                             sharey=True)
    # One row order for all panels: regions whose drivers vary most first, so the
    # rows that matter are on top when there are more regions than rows.
    spread = sum(np.ptp(r.drivers[k], axis=0) / max(1e-12, np.ptp(r.drivers[k]))
                 for k in r.drivers)
    level = r.drivers["conflict"].mean(axis=0)
    order = np.lexsort((-level, -spread))[:max_rows]
    order = order[np.argsort(-r.drivers["conflict"][:, order].max(axis=0), kind="stable")]
    x0, x1 = mdates.date2num(r.dates[0]), mdates.date2num(r.dates[-1]) + 1
    specs = [("conflict", "Reds", "conflict intensity (0–1)", (0, 1)),
             ("economy", "viridis", "economy index (income, > 0)", None),
             ("climate", "YlOrBr", "climate hazard (0–1)", (0, 1))]
    for ax, (key, cmap, label, lim) in zip(axes, specs):
        z = r.drivers[key][:, order].T
        vmin, vmax = lim if lim else (float(np.nanmin(z)), float(np.nanmax(z)))
        im = ax.imshow(z, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
                       extent=(x0, x1, len(order) - 0.5, -0.5))
        ax.xaxis_date()
        mfresult.date_axis(ax)
        ax.grid(False)
        ax.set_title(key)
        fig.colorbar(im, ax=ax, label=label, fraction=0.05, pad=0.02)
    axes[0].set_yticks(range(len(order)))
    axes[0].set_yticklabels([r.region[i] for i in order], fontsize=7 if len(order) > 25 else 8)
    extra = f" ({len(order)} of {R} regions, most varying)" if R > max_rows else ""
    fig.suptitle(f"{r.name}: drivers per region and day, shocks applied{extra}")
    fig.tight_layout()
    return save(fig, plt, out, "drivers.png")


def plot_transit(r, plt, out):
    ppa = r.people_per_agent
    d = r.dates
    fig, axes = plt.subplots(3, 1, figsize=(10, 7.5), sharex=True)
    axes[0].plot(d, r.in_transit * ppa, color="tab:purple")
    shade(axes[0], r, "in_transit", None, d, ppa, color="tab:purple")
    axes[0].set_ylabel("in transit (people)")
    axes[0].set_title("People travelling at the end of the day")
    axes[1].plot(d, r.total_agents, color="tab:blue", label="all agents")
    axes[1].plot(d, r.agents.sum(axis=1), color="tab:cyan", ls="--", label="in a region")
    axes[1].set_ylabel("agents")
    axes[1].set_title(f"Agents (1 agent = {ppa:g} people)")
    axes[1].legend(frameon=False)
    spawned = r.spawned.sum(axis=1).astype(float)
    if len(spawned) and spawned[0] > 0.5 * r.total_agents[0]:
        spawned[0] = np.nan  # early result files counted the initial agents as spawned on day 0
    axes[2].plot(d, spawned * ppa, color="tab:red", label="newly displaced")
    axes[2].plot(d, r.departures.sum(axis=1) * ppa, color="tab:gray", label="departures")
    axes[2].set_ylabel("people per day")
    axes[2].set_title("New displacement and departures, all regions")
    axes[2].legend(frameon=False)
    events = mfresult.run_events(r)
    for ax in axes:
        mfresult.shade_events(ax, events)
        ax.yaxis.set_major_formatter(mfresult.people_formatter())
        ax.set_ylim(bottom=0)
        mfresult.date_axis(ax)
    if events:
        axes[0].legend(frameon=False, fontsize=7)
    fig.suptitle(f"{r.name}: movement totals{band_note(r)}")
    fig.tight_layout()
    return save(fig, plt, out, "transit.png")


def plot_routes(r, plt, out, n):
    ppa = r.people_per_agent
    fwd = r.flow_forward.sum(axis=0) * ppa
    bwd = r.flow_backward.sum(axis=0) * ppa
    total = fwd + bwd
    order = [e for e in np.argsort(-total, kind="stable")[:n] if total[e] > 0]
    if not order:
        print(f"note: {r.name} has no route flow; route_flows.png not written", file=sys.stderr)
        return None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, max(4.5, 0.32 * len(order) + 1.5)),
                                   gridspec_kw={"width_ratios": [1, 1.3]})
    y = np.arange(len(order))
    ax1.barh(y, [fwd[e] for e in order], color="tab:blue", label="from → to")
    ax1.barh(y, [-bwd[e] for e in order], color="tab:orange", label="to → from")
    ax1.set_yticks(y)
    ax1.set_yticklabels([f"{r.route_label(e, '→')} ({r.route_km[e]:.0f} km)" for e in order])
    ax1.invert_yaxis()
    ax1.axvline(0, color="k", lw=0.6)
    ax1.xaxis.set_major_formatter(mfresult.people_formatter())
    ax1.set_xlabel("people departing along the route over the run (← backward | forward →)")
    ax1.set_title(f"{len(order)} busiest routes, whole run")
    ax1.legend(frameon=False, loc="lower right")
    colors = plt.cm.tab10(np.arange(10))
    for k, e in enumerate(order[:8]):
        # Orient each route along its main direction so that most curves read positive.
        net = (r.flow_forward[:, e] - r.flow_backward[:, e]) * ppa
        label = r.route_label(e, "→")
        if bwd[e] > fwd[e]:
            net = -net
            label = f"{r.region[r.route_to[e]]} → {r.region[r.route_from[e]]}"
        ax2.plot(r.dates, weekly(net), color=colors[k % 10], label=label)
    mfresult.shade_events(ax2, mfresult.run_events(r))
    ax2.axhline(0, color="k", lw=0.6)
    ax2.set_ylabel("net flow in the main direction (people/day, 7-day mean)")
    ax2.yaxis.set_major_formatter(mfresult.people_formatter())
    ax2.set_title("Net daily flow on the 8 busiest routes")
    ax2.legend(frameon=False, fontsize=7)
    mfresult.date_axis(ax2)
    fig.suptitle(f"{r.name}: route flows")
    fig.tight_layout()
    return save(fig, plt, out, "route_flows.png")


def plot_camp_differences(r, plt, out):
    """Comparison files: per camp, the per-seed difference scenario - baseline."""
    camps = r.camps()
    if r.kind != "comparison" or not camps:
        return None
    ncol = min(3, len(camps))
    nrow = int(np.ceil(len(camps) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.0 * nrow), squeeze=False, sharex=True)
    d = r.dates
    diff = r.sections["difference"]["population"]
    for k, i in enumerate(camps):
        ax = axes[k // ncol][k % ncol]
        ax.axhline(0, color="k", lw=0.6)
        shade(ax, r, "population", i, d, color="tab:red", section="difference")
        ax.plot(d, diff["p50"][:, i], color="tab:red", label="median of the per-seed difference")
        ax.set_title(f"{r.region[i]} ({r.country[i]})")
        ax.set_ylabel("people, scenario − baseline")
        ax.yaxis.set_major_formatter(mfresult.people_formatter())
        mfresult.date_axis(ax)
    for k in range(len(camps), nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
        axes[k // ncol - 1][k % ncol].xaxis.set_tick_params(labelbottom=True)
    fig.suptitle(f"{r.name} − {r.baseline_name}: camp population, paired by seed "
                 f"({r.replicates} seeds; bands p05–p95, p25–p75 of the difference)")
    fig.tight_layout()
    return save(fig, plt, out, "camps_difference.png")


def weekly(x, w=7):
    if len(x) < w:
        return x
    c = np.cumsum(np.insert(np.asarray(x, float), 0, 0.0))
    out = np.empty(len(x))
    for t in range(len(x)):
        lo = max(0, t - w + 1)
        out[t] = (c[t + 1] - c[lo]) / (t + 1 - lo)
    return out


def save(fig, plt, out, name):
    path = os.path.join(out, name)
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plot one migflow result file (HDF5).")
    ap.add_argument("result", help="migflow output file (.h5)")
    ap.add_argument("-o", "--outdir", help="directory for the PNGs (default: <result>_plots)")
    ap.add_argument("--top", type=int, default=10, help="regions/routes to show (default 10)")
    a = ap.parse_args(argv)
    try:
        r = mfresult.load(a.result)
    except mfresult.ResultError as e:
        print(f"plot_run.py: error: {e}", file=sys.stderr)
        return 1
    out = a.outdir or os.path.splitext(a.result)[0] + "_plots"
    os.makedirs(out, exist_ok=True)
    plt = mfresult.setup_matplotlib()
    n = max(1, a.top)
    paths = [plot_population(r, plt, out, n), plot_camps(r, plt, out),
             plot_drivers(r, plt, out) if r.drivers else None,
             plot_transit(r, plt, out), plot_routes(r, plt, out, n), plot_camp_differences(r, plt, out)]
    for p in paths:
        if p:
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
