#!/usr/bin/python3
"""A one-file HTML report of a migflow run for readers who do not read arrays.

    /usr/bin/python3 analysis/report.py OUT.h5 [--baseline BASE.h5] -o report.html
    (or: migflow report OUT.h5 [--baseline BASE.h5] -o report.html)

OUT.h5 is a single run, an ensemble (`migflow run --replicates N`) or a comparison
file (`migflow compare`, which holds its own baseline). The page holds headline
numbers, the camps (capacity, date full, peak, turned away), per-country totals and
cross-border flows, time series with uncertainty bands and the closure and shock
windows shaded, a map of the regions and main flows drawn from the stored
coordinates, and with a baseline what changed, when, and by how much. It is one file
with the figures embedded as PNG data: it needs no network and no other file.
Exits 1 with one line on stderr for a missing file, a file that is not a finished
migflow result, or a baseline with other regions or days.
"""
import argparse
import base64
import contextlib
import datetime as dt
import html
import os
import sys

import mfresult
import report_data
import report_events
import report_measures as rm


def people(x, signed=False):
    if x is None:
        return "—"
    return f"{x:+,.0f}" if signed else f"{x:,.0f}"


def day(d):
    return "never" if d is None else f"{d:%d %b %Y}"


def esc(s):
    return html.escape(str(s))


def table(headers, rows, numeric_from=1, cls=""):
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for r in rows:
        cells = "".join(f"<td class='num'>{c}</td>" if k >= numeric_from else f"<td>{c}</td>"
                        for k, c in enumerate(r))
        body.append(f"<tr>{cells}</tr>")
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(png_bytes, caption, fig_id):
    data = base64.b64encode(png_bytes).decode("ascii")
    return (f"<figure id='{fig_id}'><img alt='{esc(caption)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def headline_cards(v, camps, countries, flows, diffs, diff_view=None):
    cards = []
    effect = rm.arrival_effect(diff_view)
    if effect is not None:
        med, lo, hi = effect["total"]
        cm, clo, chi = effect["camp_effect"]
        cards.append((people(med, True), "effect on arrivals in camps (scenario − baseline)",
                      f"90% of the {effect['replicates']} paired runs: {people(lo, True)} to {people(hi, True)}; "
                      f"most at {effect['camp']}: {people(cm, True)} ({people(clo, True)} to {people(chi, True)}). "
                      "Arrivals are counted per arrival: a person arriving twice counts twice"))
    pop = v.series("population")
    in_camps = sum(pop[-1, c["index"]] for c in camps if c["type"] == "camp")
    at_start = sum(pop[0, c["index"]] for c in camps if c["type"] == "camp")
    cards.append((people(in_camps), f"people in camps on {day(v.dates[-1])}",
                  f"{people(in_camps - at_start, True)} since {day(v.dates[0])}"))
    filled = sorted((c for c in camps if c["first_full"] is not None), key=lambda c: c["first_full"])
    if camps and all(c["full_known"] for c in camps):
        first = f"first: {filled[0]['name']}, {day(filled[0]['first_full'])}" if filled else "none filled up"
        cards.append((f"{len(filled)} of {len(camps)}", "camps full at some point", first))
    change = pop[-1] - pop[0]
    worst = int(change.argmin())
    cards.append((people(change[worst], True), f"largest loss of people: {v.region[worst]}",
                  f"{100 * change[worst] / max(pop[0, worst], 1):+.0f}% over the period"))
    crossing = sum(flows.values())
    if crossing > 0:
        top = max(flows.items(), key=lambda kv: kv[1])
        cards.append((people(crossing), "border crossings over the period",
                      f"most: {top[0][0]} → {top[0][1]} ({people(top[1])})"))
    turned = rm.turned_away_total(v)
    if turned is not None:
        value, span, what = turned
        more = f"{what}; 90% of runs: {people(span[0])} to {people(span[1])}" if span else what
        cards.append((people(value), "people turned away by full camps",
                      more + " (a mover refused on several days counts each time)"))
    if v.has("blocked_by_closure") and v.series("blocked_by_closure").sum() > 0:
        blocked = v.series("blocked_by_closure").sum(axis=1)
        cards.append((people(blocked.sum()), "moves stopped by a closure",
                      f"people whose road of choice was closed, added up over the days; most on "
                      f"{day(v.dates[int(blocked.argmax())])}"))
    if diffs:
        d = diffs[0]
        band = f" (90% of runs: {people(d['range'][0], True)} to {people(d['range'][1], True)})" if "range" in d else ""
        cards.append((people(d["peak"], True), f"largest effect: {d['name']}",
                      f"on {day(d['date'])}{band}; {people(d['final'], True)} on the last day"))
    return "".join(f"<div class='card'><div class='big'>{esc(a)}</div><div class='what'>{esc(b)}</div>"
                   f"<div class='more'>{esc(c)}</div></div>" for a, b, c in cards)


def camp_table(camps, base_camps=None):
    base = {c["name"]: c for c in base_camps} if base_camps else {}
    headers = ["camp", "country", "capacity", "first full", "days full", "peak (of capacity)", "peak date",
               "turned away",
               "arrivals"]
    if base:
        headers += ["peak in baseline", "first full in baseline"]
    rows = []
    for c in camps:
        share = 100 * c["peak"] / c["capacity"]
        # 99.8 % is not full: keep the decimal rather than round it up to 100 %
        peak = people(c["peak"]) + (f" ({share:.1f}%)" if 99 <= share < 100 else f" ({share:.0f}%)")
        if "peak_range" in c:
            peak += f"<br><span class='range'>{people(c['peak_range'][0])}–{people(c['peak_range'][1])}</span>"
        full = day(c["first_full"]) if c["full_known"] else "not stored"
        if c.get("full_in"):
            full += f"<br><span class='range'>full in {c['full_in']} of {c['runs']} runs</span>"
        days_full = "not stored" if c["days_full"] is None else f"{c['days_full']:g}"
        row = [esc(c["name"]), esc(c["country"]), people(c["capacity"]), full, days_full, peak,
               day(c["peak_date"]), people(c["turned_away"]), people(c["arrivals"])]
        if base:
            b = base.get(c["name"])
            row += [people(b["peak"]) if b else "—",
                    (day(b["first_full"]) if b["full_known"] else "not stored") if b else "—"]
        rows.append(row)
    return table(headers, rows, numeric_from=2, cls="camps")


def country_tables(countries, flows, base_countries=None, base_flows=None):
    headers = ["country", "people at the start", "at the end", "change", "arrivals in its regions"]
    base_end = {c["country"]: c["end"] for c in base_countries} if base_countries else None
    if base_end is not None:
        headers += ["at the end in the baseline", "difference"]
    rows = []
    for c in countries:
        row = [esc(c["country"]), people(c["start"]), people(c["end"]), people(c["end"] - c["start"], True),
               people(c["arrivals"])]
        if base_end is not None:
            b = base_end.get(c["country"])
            row += [people(b), people(None if b is None else c["end"] - b, True)]
        rows.append(row)
    out = table(headers, rows)
    if flows or base_flows:
        keys = sorted(set(flows) | set(base_flows or {}), key=lambda k: -flows.get(k, 0.0))
        fheaders = ["from → to", "people"] + (["in the baseline", "difference"] if base_flows is not None else [])
        frows = []
        for k in keys:
            row = [esc(f"{k[0]} → {k[1]}"), people(flows.get(k, 0.0))]
            if base_flows is not None:
                row += [people(base_flows.get(k, 0.0)), people(flows.get(k, 0.0) - base_flows.get(k, 0.0), True)]
            frows.append(row)
        out += "<h3>People crossing each border (over the period)</h3>" + table(fheaders, frows)
    return out


def origin_table(v, countries):
    """Where the people created in each country are at the end (stored /measures/origins)."""
    m = v.stored.get("origin_countries")
    if m is None:
        return ""
    names = [c["country"] for c in countries]
    m = m * v.people_per_agent
    rows = []
    for a, name in enumerate(names):
        total = m[a].sum()
        if total <= 0:
            continue
        rows.append([esc(name), people(total)] + [f"{100 * m[a, b] / total:.0f}%" for b in range(len(names))])
    return ("<h3>Where each country's mobile people are at the end</h3>"
            "<p class='range'>The people the model moves (those who could leave, and those displaced during the "
            "period), by the country they started in (rows) and the country they are in or heading to at the "
            "end (columns).</p>"
            + table(["started in", "people"] + [f"now in {n}" for n in names], rows))


def observed_section(v):
    """How well the run reproduces the observed counts it carries: ARD (median and range
    over replicates, computed per replicate by migflow) and, per observed place, the share
    of observed days inside the simulated bands. Empty without observed data."""
    fit = rm.observed_fit(v)
    if fit is None:
        return ""

    def ard(stat):
        med, lo, hi, n = stat
        return f"{med:.3f}" if n == 1 else f"{med:.3f} (90% of the {n} runs: {lo:.3f}–{hi:.3f})"
    banded = any(r["inside90"] is not None for r in fit["rows"])
    rows = []
    for r in fit["rows"]:
        cells = [esc(r["name"]), f"{r['days']:,}"]
        if r["last_observed"] is not None:
            cells += [f"{people(r['last_observed'])} on {day(r['last_date'])}", people(r["simulated_then"])]
        else:
            cells += ["—", "—"]
        if banded:
            cells += [f"{100 * r['inside90']:.0f}%" if r["inside90"] is not None else "—",
                      f"{100 * r['inside50']:.0f}%" if r["inside50"] is not None else "—"]
        rows.append(cells)
    headers = ["Observed place", "Days observed", "Last observed count", "Simulated that day"
               + (" (median)" if banded else "")]
    if banded:
        headers += ["Observed days inside the 90% band", "inside the 50% band"]
    return ("<h2>How well this reproduces the observed counts</h2>"
            f"<p>Averaged relative difference (ARD, Flee's measure: 0 is a perfect match) against the observed "
            f"counts: <b>{ard(fit['ard_rescaled'])}</b> with the simulation rescaled to the observed total, "
            f"{ard(fit['ard_unrescaled'])} without rescaling. Each camp chart shows the observed counts as dots."
            + (" A band that holds the observed counts on far fewer days than its nominal share shows that the "
               "bands (chance only) understate what the model does not know." if banded else "") + "</p>"
            + table(headers, rows))


def difference_table(diffs, n=12):
    rows = []
    for d in diffs[:n]:
        peak = people(d["peak"], True)
        if "range" in d:
            peak += f"<br><span class='range'>{people(d['range'][0], True)} to {people(d['range'][1], True)}</span>"
        rel = f"{100 * d['peak'] / d['base_at_date']:+.0f}%" if d["base_at_date"] > 0 else "—"
        rows.append([esc(d["name"]), esc(d["type"]), esc(d["country"]), peak, day(d["date"]), rel,
                     people(d["final"], True)])
    return table(["region", "type", "country", "largest difference", "on", "relative", "on the last day"],
                 rows, numeric_from=3)


CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1200px;padding:0 24px 48px;
color:#222;line-height:1.45}
h1{margin:24px 0 4px;font-size:26px} h2{margin-top:36px;border-bottom:2px solid #1f4e9c;padding-bottom:4px}
.sub{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 220px;background:#f3f6fb;border-left:5px solid #1f4e9c;padding:10px 14px;border-radius:4px}
.card .big{font-size:26px;font-weight:bold;color:#1f4e9c} .card .what{font-weight:bold}
.card .more{color:#555;font-size:13px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}
th{background:#1f4e9c;color:#fff;padding:5px 9px;text-align:left} td{padding:4px 9px;border-bottom:1px solid #ddd}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} tr:nth-child(even) td{background:#f7f7f7}
.range{color:#777;font-size:12px}
figure{margin:12px 0 24px} figure img{max-width:100%;height:auto} figcaption{color:#444;font-size:13px}
.events li{margin:2px 0} .note{color:#8a5a00;background:#fff6e0;padding:6px 10px;border-radius:4px}
.swatch{display:inline-block;width:14px;height:10px;margin-right:6px}
footer{color:#777;font-size:12px;margin-top:40px}
"""

# The page says when it has rendered: the browser test reads this marker from the DOM.
SCRIPT = """
window.addEventListener('load', function () {
  var imgs = document.querySelectorAll('figure img');
  var ok = 0;
  for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  document.body.setAttribute('data-figures', String(ok));
  document.body.setAttribute('data-rendered', ok === imgs.length ? 'yes' : 'broken');
});
"""


def build(v, base, diff_view):
    import report_figures as rf

    events, note = report_events.of_view(v)
    camps = rm.camp_rows(v)
    countries = rm.country_totals(v)
    flows = rm.country_flows(v)
    base_camps = rm.camp_rows(base) if base is not None else None
    diffs = rm.region_differences(v, base, diff_view) if base is not None else []
    kind = {"run": f"one run, seed {v.attrs.get('seed')}",
            "ensemble": f"{v.replicates} runs with different random seeds: lines are the median, "
                        "shaded bands hold 50% and 90% of the runs. The bands show chance only (seed to seed), "
                        "with the model's coefficients fixed at the scenario's values: they do not include "
                        "what is not known about those coefficients",
            "comparison": f"{v.replicates} paired runs per scenario (same seeds): lines are medians, "
                          "bands hold 50% and 90% of the runs. The bands show chance only (seed to seed), "
                          "with the model's coefficients fixed at the scenario's values: they do not include "
                          "what is not known about those coefficients"}[v.kind]
    title = f"{v.name}" + (f" compared with {base.name}" if base is not None else "")
    parts = [f"<h1>{esc(title)}</h1>",
             f"<p class='sub'>{day(v.dates[0])} to {day(v.dates[-1])} ({len(v.dates)} days), "
             f"{len(v.region)} regions in {len(set(v.country))} countries; {esc(kind)}. "
             "Simulated with migflow: a model, not a forecast.</p>",
             f"<div class='cards'>{headline_cards(v, camps, countries, flows, diffs, diff_view)}</div>"]
    parts.append("<h2>What happened when</h2>")
    if events:
        items = "".join(f"<li><span class='swatch' style='background:"
                        f"{rf.CLOSURE_COLOR if e.kind == 'closure' else rf.SHOCK_COLOR};opacity:.45'></span>"
                        f"{esc(e.describe())}</li>" for e in events)
        parts.append(f"<ul class='events'>{items}</ul><p>These periods are shaded in every chart over time.</p>")
    else:
        parts.append("<p>No border, road or camp closures and no shocks in this scenario.</p>")
    if note:
        parts.append(f"<p class='note'>{esc(note)}</p>")
    if base is not None:
        b_events, _ = report_events.of_view(base)
        names = ", ".join(e.describe() for e in b_events) or "none"
        parts.append(f"<p>Baseline <b>{esc(base.name)}</b>: closures and shocks: {esc(names)}.</p>")

    parts.append("<h2>Where people went</h2>")
    parts.append(figure(rf.flow_map(v, events, camps), "Map of the regions at their coordinates: circles show how many "
                        "people each place lost (red) or gained (green) over the period; arrows the busiest roads "
                        "(net direction); triangles the camps.", "fig-map"))
    base_countries = rm.country_totals(base) if base is not None else None
    parts.append(country_tables(countries, flows, base_countries,
                                rm.country_flows(base) if base is not None else None))
    parts.append(origin_table(v, countries))
    parts.append(figure(rf.country_panel(v, countries, events, base_countries),
                        "Population of each country, change since the first day.", "fig-countries"))
    if camps:
        parts.append("<h2>Camps: which fill up and when</h2>")
        parts.append(camp_table(camps, base_camps))
        full_means = ((v.stored.get("full_means") or "the ruleset's admission rule, as the engine stored it")
                      if camps[0]["full_known"] else
                      "not stored in this file (written before the outcome measures), so not shown")
        parts.append(f"<p class='range'>Full: {esc(full_means)}. Source of the figures: {esc(camps[0]['source'])}."
                     + ("" if camps[0]["turned_away"] is not None else
                        " Turned away: not recorded in this file.")
                     + "</p>")
        parts.append(figure(rf.camp_panels(v, camps, events, base), "Camp population against capacity "
                            "(dotted line); dot: the day the camp first became full.", "fig-camps"))
    parts.append(observed_section(v))
    if base is not None and base.observed is not None:
        parts.append(observed_section(base).replace("<h2>How well this reproduces the observed counts</h2>",
                                                    f"<h3>The baseline ({esc(base.name)})</h3>"))
    parts.append("<h2>People on the move</h2>")
    parts.append(figure(rf.movement_panel(v, events, base), "People travelling between places each day"
                        + (" and people turned away." if v.has("turned_away_full") else "."), "fig-movement"))
    if base is not None:
        parts.append(f"<h2>What changed against the baseline ({esc(base.name)})</h2>")
        parts.append("<p>Difference in population, this scenario minus the baseline, over the whole period: the "
                     "largest difference and its date, and the difference on the last day"
                     + (" with the range of the paired per-seed differences (90% of runs)." if diff_view else ".")
                     + "</p>")
        parts.append(difference_table(diffs))
        parts.append(figure(rf.difference_panel(v, base, diffs, events, diff_view),
                            "Population difference over time for the places that changed most.", "fig-difference"))
    parts.append(f"<footer>Scenario file {esc(v.attrs.get('scenario_file', ''))}; result {esc(os.path.basename(v.path))}; "
                 f"migflow {esc(v.attrs.get('migflow_version', ''))}; {v.people_per_agent:g} people per agent.</footer>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width'><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body data-rendered='no'>{''.join(parts)}"
            f"<script>{SCRIPT}</script></body></html>")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a self-contained HTML report of a migflow result file.")
    ap.add_argument("result", help="result file (.h5): a run, an ensemble or a comparison")
    ap.add_argument("--baseline", help="result file to compare against (same regions and days)")
    ap.add_argument("-o", "--output", required=True, help="the HTML file to write; - writes it to standard output")
    ap.add_argument("--prog", default="report.py", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    try:
        v, base, diff_view = report_data.open_result(args.result)
        if args.baseline:
            if base is not None:
                raise mfresult.ResultError(f"{args.result}: a comparison file holds its own baseline; "
                                           "leave out --baseline")
            base, _, _ = report_data.open_result(args.baseline)
            report_data.require_same_regions(v, base)
        page = build(v, base, diff_view)
    except mfresult.ResultError as e:
        print(f"{args.prog}: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, IndexError, TypeError, MemoryError, OverflowError) as e:
        # A file that passed the seal and shape checks yet holds what no migflow version
        # writes (hand-edited with h5py, say): one line, never a traceback.
        print(f"{args.prog}: cannot make a report of {args.result}: it holds data no migflow result has "
              f"({type(e).__name__}: {cut(str(e))})", file=sys.stderr)
        return 1
    return write_page(page, args)


def cut(text, limit=160):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def write_all(fd, page):
    """os.write until every byte is out: a short write (a file-size limit, a full disk)
    must fail the report, and Python's buffered writer returns it as a success."""
    data = memoryview(page.encode("utf-8"))
    while data:
        data = data[os.write(fd, data):]


def write_page(page, args):
    # `-o -`: `migflow report` hands over its claimed `.partial` as standard output and
    # publishes it itself (docs/RELIABILITY.md "One way out").
    if args.output == "-":
        try:
            sys.stdout.flush()
            write_all(sys.stdout.fileno(), page)
        except OSError as e:
            print(f"{args.prog}: cannot write the report: {e.strerror}", file=sys.stderr)
            return 1
        return 0
    tmp = args.output + ".partial"
    try:
        with open(tmp, "xb") as f:
            write_all(f.fileno(), page)
            os.fsync(f.fileno())
        os.replace(tmp, args.output)
    except OSError as e:
        if not isinstance(e, FileExistsError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        print(f"{args.prog}: cannot write {args.output}: {e.strerror}", file=sys.stderr)
        return 1
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
