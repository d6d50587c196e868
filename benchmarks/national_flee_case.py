#!/usr/bin/python3
"""Write a synthetic Flee case the shape of the largest public national scenarios (issue #25).

usage: benchmarks/national_flee_case.py OUT [--seed S] [--scale F] [--days D]
                                            [--locations N] [--routes M] [--agents A]

The largest real Flee cases have about 800 locations and 1,500 routes, spawn about
28 million agents over a year, move with default_movechance 0.3, awareness_level 2,
start_on_foot and avoid_short_stints. This writes a case of that shape, not a copy of
one: an origin country whose towns fall into conflict at staggered dates over the year
(some conflicts end), three neighbouring countries with towns and camps, roads between
near locations (a spanning tree of the nearest neighbours plus the next-nearest pairs)
with lengths from the great-circle distance times a winding factor, and camp counts
that rise along logistic curves to --agents in total, so that data-driven spawning
creates about that many agents (the daily spawn total is the rise of the camps' sum).

--scale multiplies every head count (camp counts, capacities, populations) for quick
runs: --scale 0.001 spawns about 28,000 agents on the same map. The output is a pure
function of the options (same seed, same bytes). OUT must not exist.
"""
import argparse
import datetime
import math
import os
import random
import sys

ORIGIN = "Origa"
NEIGHBOURS = [("Nordia", 1, 0), ("Ostland", 0, 1), ("Sudra", -1, 0)]  # name, direction from the origin (lat, lon)
START = datetime.date(2024, 1, 1)


def km_between(a, b):
    """Great-circle distance between two (lat, lon) points in km."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def make_locations(rng, n):
    """(name, country, lat, lon, type, population) rows: about 70 % in the origin country,
    a fifth of those conflict zones; the rest split over the neighbours, a quarter camps."""
    n_origin = int(round(n * 0.7))
    n_abroad = n - n_origin
    locs = []
    n_conflict = n_origin // 5
    for i in range(n_origin):
        lat, lon = rng.uniform(0.0, 8.0), rng.uniform(0.0, 8.0)
        kind = "conflict_zone" if i < n_conflict else "town"
        pop = int(min(3e6, math.exp(rng.gauss(10.5, 1.2))))
        locs.append([f"O{i:04d}", ORIGIN, lat, lon, kind, pop])
    per = [n_abroad // len(NEIGHBOURS) + (1 if k < n_abroad % len(NEIGHBOURS) else 0) for k in range(len(NEIGHBOURS))]
    for (country, dy, dx), count in zip(NEIGHBOURS, per):
        for j in range(count):
            # The origin spans 0..8 degrees each way; camps sit within a degree of the
            # border facing it, towns anywhere up to 7 degrees further.
            camp = j % 4 == 0
            out = 4.2 + (rng.uniform(0.0, 1.0) if camp else rng.uniform(0.5, 7.0))
            side = rng.uniform(-3.8, 3.8)
            lat, lon = 4.0 + dy * out + dx * side, 4.0 + dx * out + dy * side
            kind = "camp" if camp else "town"
            pop = 0 if camp else int(min(2e6, math.exp(rng.gauss(10.0, 1.0))))
            locs.append([f"{country[:2].upper()}{j:03d}", country, lat, lon, kind, pop])
    return locs


def make_routes(rng, locs, m):
    """m undirected roads: a spanning tree over nearest neighbours (Prim), then the shortest
    remaining pairs among each location's eight nearest, in order of length."""
    pts = [(l[2], l[3]) for l in locs]
    n = len(pts)
    near = []
    for i in range(n):
        d = sorted((km_between(pts[i], pts[j]), j) for j in range(n) if j != i)
        near.append(d[:8])
    in_tree = [False] * n
    best = [(math.inf, -1)] * n
    best[0] = (0.0, -1)
    edges = set()
    for _ in range(n):
        i = min((k for k in range(n) if not in_tree[k]), key=lambda k: best[k][0])
        in_tree[i] = True
        if best[i][1] >= 0:
            edges.add((min(i, best[i][1]), max(i, best[i][1])))
        for j in range(n):
            if not in_tree[j]:
                d = km_between(pts[i], pts[j])
                if d < best[j][0]:
                    best[j] = (d, i)
    extra = sorted({(d, min(i, j), max(i, j)) for i in range(n) for d, j in near[i]})
    for d, i, j in extra:
        if len(edges) >= m:
            break
        edges.add((i, j))
    routes = []
    for i, j in sorted(edges):
        km = km_between(pts[i], pts[j]) * rng.uniform(1.15, 1.6)
        routes.append((locs[i][0], locs[j][0], max(1.0, round(km, 1))))
    rng.shuffle(routes)  # file order sets each location's link order: no systematic bias
    return routes


def conflict_spans(rng, locs, days):
    """{name: (onset, end)}: onsets spread over the year (a tenth at day 0), a third end."""
    spans = {}
    for l in locs:
        if l[4] != "conflict_zone":
            continue
        onset = 0 if rng.random() < 0.1 else rng.randrange(0, max(1, days - 30))
        end = rng.randrange(onset + 30, days + 30) if rng.random() < 1 / 3 else days
        spans[l[0]] = (onset, min(end, days))
    return spans


def camp_series(rng, camps, total, days):
    """{camp: [(day, count)]}: logistic rises whose finals sum to `total`, sampled weekly."""
    shares = [rng.lognormvariate(0.0, 0.8) for _ in camps]
    s = sum(shares)
    out = {}
    for c, share in zip(camps, shares):
        final = total * share / s
        mid = rng.uniform(0.2, 0.8) * days
        width = rng.uniform(0.05, 0.15) * days
        rise = lambda day: 1.0 / (1.0 + math.exp(-(day - mid) / width))
        pts = [(day, int(final * rise(day) / rise(days - 1))) for day in list(range(0, days, 7)) + [days - 1]]
        out[c] = pts
    return out


SETTINGS = """log_levels:
  agent: 0
  link: 0
  camp: 0
  conflict: 0
  init: 0
  granularity: location
spawn_rules:
  take_from_population: False
  insert_day0: True
move_rules:
  max_move_speed: 360.0
  max_walk_speed: 35.0
  foreign_weight: 1.0
  camp_weight: 1.0
  conflict_weight: 0.25
  conflict_movechance: 1.0
  camp_movechance: 0.001
  default_movechance: 0.3
  awareness_level: 2
  capacity_scaling: 1.0
  avoid_short_stints: True
  start_on_foot: True
  weight_power: 1.0
optimisations:
  hasten: 1
"""


def write(path, lines):
    with open(path, "w", newline="") as f:
        f.write("".join(line + "\n" for line in lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every head count")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--locations", type=int, default=800)
    ap.add_argument("--routes", type=int, default=1500)
    ap.add_argument("--agents", type=float, default=28e6, help="agents spawned over the run (before --scale)")
    a = ap.parse_args()
    if os.path.exists(a.out):
        sys.exit(f"{a.out}: exists")
    if a.locations < 20 or a.routes < a.locations - 1 or a.days < 2 or a.scale <= 0:
        sys.exit("need --locations >= 20, --routes >= locations - 1, --days >= 2, --scale > 0")
    rng = random.Random(a.seed)
    locs = make_locations(rng, a.locations)
    routes = make_routes(rng, locs, a.routes)
    spans = conflict_spans(rng, locs, a.days)
    camps = [l[0] for l in locs if l[4] == "camp"]
    series = camp_series(rng, camps, a.agents * a.scale, a.days)
    finals = {c: pts[-1][1] for c, pts in series.items()}

    os.makedirs(os.path.join(a.out, "input_csv"))
    os.makedirs(os.path.join(a.out, "source_data"))
    rows = ["#name,region,country,latitude,longitude,location_type,conflict_date,population"]
    for name, country, lat, lon, kind, pop in locs:
        date = spans[name][0] if name in spans else ""
        people = int(1.3 * finals[name]) + 1 if kind == "camp" else max(1, int(pop * a.scale))
        rows.append(f"{name},{country}_R,{country},{lat:.5f},{lon:.5f},{kind},{date},{people}")
    write(os.path.join(a.out, "input_csv", "locations.csv"), rows)
    write(os.path.join(a.out, "input_csv", "routes.csv"),
          ["#name1,name2,distance,forced_redirection"] + [f"{x},{y},{d}," for x, y, d in routes])
    names = sorted(spans)
    conflict_rows = ["#Day," + ",".join(names)]
    for day in range(a.days):
        conflict_rows.append(f"{day}," + ",".join("1" if spans[n][0] <= day < spans[n][1] else "0" for n in names))
    write(os.path.join(a.out, "input_csv", "conflicts.csv"), conflict_rows)
    write(os.path.join(a.out, "input_csv", "closures.csv"), ["#closure_type,name1,name2,closure_start,closure_end"])
    write(os.path.join(a.out, "input_csv", "sim_period.csv"), [f"StartDate,{START.isoformat()}", f"Length,{a.days}"])
    layout = ["total,refugees.csv"]
    for c in camps:
        layout.append(f"{c},{c.lower()}.csv")
        write(os.path.join(a.out, "source_data", f"{c.lower()}.csv"),
              [f"{(START + datetime.timedelta(days=d)).isoformat()},{v}" for d, v in series[c]])
    write(os.path.join(a.out, "source_data", "data_layout.csv"), layout)
    total = ["Date,Refugee_numbers"]
    for day in range(0, a.days, 7):
        total.append(f"{(START + datetime.timedelta(days=day)).isoformat()},"
                     f"{sum(next(v for d, v in series[c] if d == day) for c in camps)}")
    write(os.path.join(a.out, "source_data", "refugees.csv"), total)
    with open(os.path.join(a.out, "simsetting.yml"), "w") as f:
        f.write(SETTINGS)


if __name__ == "__main__":
    main()
