"""The report's figures, each returned as PNG bytes (the page embeds them as data URIs).

Every time axis shows dates and shades the closure and shock windows; uncertainty is
drawn as a 5-95 % band (light) and a 25-75 % band (darker) around the median when the
file is an ensemble; capacities are drawn as dashed lines.
"""
import io

import numpy as np

import mfresult
from report_measures import route_totals

plt = mfresult.setup_matplotlib()
CLOSURE_COLOR, SHOCK_COLOR = "#d62728", "#ff7f0e"
RUN_COLOR, BASE_COLOR = "#1f4e9c", "#7f7f7f"


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


shade = mfresult.shade_events


def line_with_band(ax, dates, central, band, color, label, ls="-", col=None):
    pick = (lambda a: a) if col is None else (lambda a: a[:, col])
    if band is not None:
        ax.fill_between(dates, pick(band["p05"]), pick(band["p95"]), color=color, alpha=0.15, lw=0)
        ax.fill_between(dates, pick(band["p25"]), pick(band["p75"]), color=color, alpha=0.25, lw=0)
    ax.plot(dates, pick(central), color=color, ls=ls, lw=1.6, label=label)


def _finish_time_axis(ax):
    mfresult.date_axis(ax)
    ax.yaxis.set_major_formatter(mfresult.people_formatter())


def camp_panels(v, camps, events, base=None):
    """Small multiples: each camp's population against its capacity, the baseline dashed."""
    n = len(camps)
    cols = 3 if n > 4 else max(1, min(n, 2))
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols, 2.7 * rows), squeeze=False, sharex=True)
    pop, band = v.series("population"), v.band("population")
    for k, c in enumerate(camps):
        ax = axes[k // cols][k % cols]
        i = c["index"]
        shade(ax, events)
        line_with_band(ax, v.dates, pop, band, RUN_COLOR, v.name, col=i)
        if base is not None:
            line_with_band(ax, base.dates, base.series("population"), None, BASE_COLOR,
                           f"{base.name} (baseline)", ls="--", col=i)
        top = max(c["capacity"], float(np.nanmax(pop[:, i])))
        if v.observed is not None and i in v.observed["region"]:
            seen = v.observed["observed"][:, list(v.observed["region"]).index(i)]
            days = ~np.isnan(seen)
            ax.plot(v.dates[days], seen[days], "o", color="k", ms=2.5, label="observed")
            top = max(top, float(np.nanmax(seen)) if days.any() else 0.0)
        ax.axhline(c["capacity"], color="k", ls=":", lw=1.2, label="capacity")
        if c["first_full"] is not None:
            ax.plot([c["first_full"]], [c["capacity"]], "o", color=CLOSURE_COLOR, ms=5, label="first full")
        ax.set_title(f"{c['name']} ({c['country']})", loc="left")
        ax.set_ylim(bottom=0, top=top * 1.12)
        _finish_time_axis(ax)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
        # sharex hid the date labels of the panel above an empty slot: show them again
        axes[k // cols - 1][k % cols].xaxis.set_tick_params(labelbottom=True)
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes.ravel()[1:n]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="upper center", ncol=min(4, len(labels)), frameon=False,
               bbox_to_anchor=(0.5, 1.0 + 0.25 / rows))
    fig.supylabel("people in the camp")
    fig.tight_layout()
    return png(fig)


def country_panel(v, countries, events, base_countries=None):
    """Change in each country's population since the first day."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    shade(ax, events)
    colors = plt.cm.tab10(np.arange(10))
    for k, c in enumerate(countries):
        s = c["series"] - c["series"][0]
        ax.plot(v.dates, s, color=colors[k % 10], lw=1.6, label=c["country"])
        if base_countries is not None:
            b = base_countries[k]["series"]
            ax.plot(v.dates, b - b[0], color=colors[k % 10], lw=1.0, ls="--")
    if base_countries is not None:
        ax.plot([], [], color="k", ls="--", lw=1.0, label="baseline (dashed)")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel("people, change since the first day")
    _finish_time_axis(ax)
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return png(fig)


def movement_panel(v, events, base=None):
    """People travelling, and people turned away per day when the file records it."""
    has_turned = v.has("turned_away_full") or v.has("blocked_by_closure")
    fig, axes = plt.subplots(1, 2 if has_turned else 1, figsize=(11 if has_turned else 9, 3.6), squeeze=False)
    ax = axes[0][0]
    shade(ax, events)
    line_with_band(ax, v.dates, v.series("in_transit"), v.band("in_transit"), RUN_COLOR, v.name)
    if base is not None and base.has("in_transit"):
        ax.plot(base.dates, base.series("in_transit"), color=BASE_COLOR, ls="--", label=f"{base.name} (baseline)")
    ax.set_title("People on the road (travelling at the end of the day)", loc="left")
    ax.set_ylim(bottom=0)
    _finish_time_axis(ax)
    ax.legend(frameon=False, fontsize=7)
    if has_turned:
        ax = axes[0][1]
        shade(ax, events)
        for key, color, label in (("turned_away_full", "#9467bd", "destination full"),
                                  ("blocked_by_closure", CLOSURE_COLOR, "blocked by a closure")):
            if v.has(key):
                total = v.series(key).sum(axis=1)
                ax.plot(v.dates, total, color=color, lw=1.4, label=label)
        ax.set_title("People turned away per day", loc="left")
        ax.set_ylim(bottom=0)
        _finish_time_axis(ax)
        ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    return png(fig)


def difference_panel(v, base, rows, events, diff_view=None, top=6):
    """Population difference (scenario − baseline) over the whole period, regions that differ most."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1.1, 1]})
    ax = axes[0]
    shade(ax, events)
    colors = plt.cm.tab10(np.arange(10))
    band = diff_view.band("population") if diff_view is not None else None
    for k, r in enumerate(rows[:top]):
        i = r["index"]
        d = diff_view.series("population")[:, i] if diff_view is not None else \
            v.series("population")[:, i] - base.series("population")[:, i]
        line_with_band(ax, v.dates, d[:, None], None if band is None else
                       {q: band[q][:, i:i + 1] for q in band}, colors[k], r["name"], col=0)
        ax.plot([r["date"]], [r["peak"]], "o", color=colors[k], ms=4)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylabel(f"people, {v.name} − {base.name}")
    ax.set_title("Difference over time (dot: largest difference)", loc="left")
    _finish_time_axis(ax)
    ax.legend(frameon=False, fontsize=7, loc="best")
    ax = axes[1]
    shown = rows[:12]
    y = np.arange(len(shown))
    ax.barh(y - 0.2, [r["peak"] for r in shown], height=0.4, color="#1f77b4", label="largest difference")
    ax.barh(y + 0.2, [r["final"] for r in shown], height=0.4, color="#aec7e8", label="on the last day")
    if any("range" in r for r in shown):
        lo = [r["peak"] - r["range"][0] if "range" in r else 0 for r in shown]
        hi = [r["range"][1] - r["peak"] if "range" in r else 0 for r in shown]
        ax.errorbar([r["peak"] for r in shown], y - 0.2, xerr=[np.maximum(lo, 0), np.maximum(hi, 0)],
                    fmt="none", ecolor="k", lw=0.8, capsize=2)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r['name']} ({r['type']})" if r["type"] != "settlement" else r["name"] for r in shown])
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.6)
    ax.xaxis.set_major_formatter(mfresult.people_formatter())
    ax.set_title("Largest difference vs last day", loc="left")
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    fig.tight_layout()
    return png(fig)


def _closed_routes(v, events):
    """Routes crossing a closed border or touching a closed road/region, for the map."""
    closed = set()
    for e in events:
        if e.kind != "closure":
            continue
        for k in range(len(v.route_from)):
            a, b = v.route_from[k], v.route_to[k]
            ca, cb = v.country[a], v.country[b]
            lab = e.label
            if lab.endswith("border closed"):
                pair = lab[:-len(" border closed")].split("–")
                if {ca, cb} == set(pair):
                    closed.add(k)
            elif lab.startswith("road "):
                pair = lab[len("road "):-len(" closed")].split("–")
                if {v.region[a], v.region[b]} == set(pair):
                    closed.add(k)
    return closed


def place_labels(fig, ax, points, fontsize=7.5):
    """Names beside their points, each put where it overlaps no name placed before it
    (tried right, left, above, below); a name that fits nowhere is left out."""
    fig.canvas.draw()
    ax.apply_aspect()
    renderer = fig.canvas.get_renderer()
    placed = []
    for x, y, text in points:
        for dx, dy, ha, va in ((5, 3, "left", "bottom"), (-5, 3, "right", "bottom"), (5, -3, "left", "top"),
                               (-5, -3, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top")):
            t = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize,
                            ha=ha, va=va, zorder=6,
                            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
            box = t.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(b) for b in placed):
                placed.append(box)
                break
            t.remove()


def flow_map(v, events, camp_rows, top_flows=12):
    """Regions at their coordinates, roads, the busiest corridors as arrows; no map tiles."""
    fig, ax = plt.subplots(figsize=(10, 6.4))
    fwd, bwd = route_totals(v)
    closed = _closed_routes(v, events)
    for k in range(len(v.route_from)):
        a, b = v.route_from[k], v.route_to[k]
        style = dict(color=CLOSURE_COLOR, lw=1.4, ls="--", alpha=0.8) if k in closed else \
            dict(color="#bbbbbb", lw=0.7)
        ax.plot([v.lon[a], v.lon[b]], [v.lat[a], v.lat[b]], zorder=1, **style)
    net = fwd - bwd
    order = np.argsort(-np.abs(net))[:top_flows]
    biggest = max(float(np.abs(net[order]).max()) if len(order) else 0.0, 1.0)
    for k in order:
        if abs(net[k]) < 0.02 * biggest:
            continue
        a, b = (v.route_from[k], v.route_to[k]) if net[k] > 0 else (v.route_to[k], v.route_from[k])
        ax.annotate("", xy=(v.lon[b], v.lat[b]), xytext=(v.lon[a], v.lat[a]), zorder=3,
                    arrowprops=dict(arrowstyle="-|>", color="#2c7fb8", alpha=0.75,
                                    lw=1 + 6 * abs(net[k]) / biggest, mutation_scale=12 + 6 * abs(net[k]) / biggest,
                                    shrinkA=4, shrinkB=6))
    pop = v.series("population")
    change = pop[-1] - pop[0]
    scale = max(float(np.abs(change).max()), 1.0)
    settle = [i for i in range(len(v.region)) if v.type[i] != "camp"]
    ax.scatter(v.lon[settle], v.lat[settle], s=15 + 400 * np.abs(change[settle]) / scale,
               c=["#d7301f" if change[i] < 0 else "#31a354" for i in settle], alpha=0.55,
               edgecolors="k", linewidths=0.4, zorder=4)
    camps = [i for i in range(len(v.region)) if v.type[i] == "camp"]
    # Red when the stored outcome says it filled (in any replicate); white when not, or not stored.
    full = {c["index"] for c in camp_rows if c["first_full"] is not None}
    ax.scatter(v.lon[camps], v.lat[camps], s=90, marker="^",
               c=["#d62728" if i in full else "#ffffff" for i in camps], edgecolors="k", linewidths=1.0, zorder=5)
    ax.set_aspect(1.0 / max(np.cos(np.radians(np.mean(v.lat))), 0.2))
    label = list(camps) + [i for i in np.argsort(-np.abs(change))[:10].tolist() if i not in camps]
    place_labels(fig, ax, [(v.lon[i], v.lat[i], v.region[i]) for i in label])
    for c in sorted(set(v.country)):
        m = np.array([x == c for x in v.country])
        ax.text(np.median(v.lon[m]), np.median(v.lat[m]), c.upper(), fontsize=11, color="#999999",
                ha="center", va="center", alpha=0.7, zorder=0, weight="bold")
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], marker="o", ls="", color="#d7301f", alpha=0.6, label="lost people (size: how many)"),
               Line2D([], [], marker="o", ls="", color="#31a354", alpha=0.6, label="gained people"),
               Line2D([], [], marker="^", ls="", mfc="#d62728", mec="k", label="camp that filled up"),
               Line2D([], [], marker="^", ls="", mfc="#ffffff", mec="k", label="camp with room left"),
               Line2D([], [], color="#2c7fb8", lw=3, label="main flows (width: people)")]
    if closed:
        handles.append(Line2D([], [], color=CLOSURE_COLOR, ls="--", label="closed crossing"))
    ax.legend(handles=handles, frameon=True, framealpha=0.9, fontsize=7, loc="best")
    ax.set_xlabel("longitude (°)")
    ax.set_ylabel("latitude (°)")
    ax.grid(alpha=0.2)
    fig.tight_layout()
    return png(fig)
