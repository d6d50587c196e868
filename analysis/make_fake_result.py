#!/usr/bin/python3
"""Write a small synthetic migflow result file (HDF5 layout, schema_version 1).

It exists so the plotting scripts can be tested without running the engine:

    /usr/bin/python3 analysis/make_fake_result.py /tmp/fake.h5 [--days 60] [--seed 1]
        [--name fake] [--no-validation] [--incomplete] [--divert]

The numbers come from a toy flow model (conflict pushes agents out of two towns along
routes to a camp and a city), not from migflow; only the layout is meant to be
faithful: every dataset, dtype, shape, unit and root attribute that docs/OUTPUT.md
lists. --divert closes the route into the camp so that two fake files differ in
the way compare_runs.py is meant to show. --incomplete writes complete = 0.
"""
import argparse
import datetime as dt
import sys

import h5py
import numpy as np

REGIONS = [
    # name, type, lat, lon, country, capacity, initial population
    ("Alpha", "settlement", 14.49, -4.20, "Mali", 0.0, 60000.0),
    ("Bravo", "settlement", 16.27, -0.04, "Mali", 0.0, 40000.0),
    ("Hub", "transit", 15.28, -1.70, "Mali", 0.0, 1000.0),
    ("City", "settlement", 12.37, -1.52, "Burkina Faso", 0.0, 300000.0),
    ("Camp North", "camp", 14.74, 0.94, "Niger", 6000.0, 1000.0),
    ("Camp South", "camp", 14.00, -0.17, "Burkina Faso", 9000.0, 2000.0),
]
ROUTES = [("Alpha", "Hub", 160.0), ("Bravo", "Hub", 250.0), ("Hub", "City", 330.0),
          ("Hub", "Camp North", 280.0), ("Hub", "Camp South", 190.0), ("City", "Camp South", 270.0)]
PEOPLE_PER_AGENT = 10.0
MOBILE_FRACTION = 0.5


def put(group, name, data, units, description, dtype=None, chunk_time=False):
    data = np.asarray(data, dtype=dtype)
    kwargs = {}
    if chunk_time and data.ndim >= 1 and data.shape[0] > 0:
        kwargs = dict(chunks=(min(16, data.shape[0]),) + data.shape[1:], compression="gzip",
                      compression_opts=4)
    ds = group.create_dataset(name, data=data, **kwargs)
    ds.attrs["units"] = units
    ds.attrs["description"] = description
    return ds


def fixed_strings(values):
    width = max(1, max(len(v.encode()) for v in values))
    return np.array([v.encode() for v in values], dtype=f"S{width}")


def simulate(days, rng, divert):
    """A toy daily model on the fake graph, in agents."""
    R, E = len(REGIONS), len(ROUTES)
    idx = {r[0]: i for i, r in enumerate(REGIONS)}
    t = np.arange(days)
    conflict = np.zeros((days, R))
    conflict[:, idx["Alpha"]] = np.clip(0.2 + 0.7 * (t > days // 4), 0, 1)
    conflict[:, idx["Bravo"]] = np.clip(0.1 + 0.6 * t / max(days - 1, 1), 0, 1)
    climate = np.zeros((days, R))
    climate[:, idx["Bravo"]] = 0.3 + 0.3 * np.sin(np.pi * t / max(days - 1, 1))
    economy = np.tile([0.8, 0.6, 0.7, 2.0, 0.4, 0.4], (days, 1)).astype(float)

    agents = np.zeros((days, R), dtype=np.int64)
    arrivals = np.zeros((days, R), dtype=np.int64)
    departures = np.zeros((days, R), dtype=np.int64)
    spawned = np.zeros((days, R), dtype=np.int64)
    fwd = np.zeros((days, E), dtype=np.int64)
    bwd = np.zeros((days, E), dtype=np.int64)
    in_transit = np.zeros(days, dtype=np.int64)

    init = np.array([r[6] for r in REGIONS]) * MOBILE_FRACTION / PEOPLE_PER_AGENT
    here = np.round(init).astype(np.int64)
    travelling = []  # (arrival day, region, count)
    for d in range(days):
        sp = rng.poisson(np.array([r[6] for r in REGIONS]) * 0.0004 * conflict[d] / PEOPLE_PER_AGENT)
        here = here + sp
        leave_p = np.clip(0.002 + 0.15 * conflict[d] + 0.02 * climate[d], 0, 1)
        leave_p[idx["Hub"]] = 0.9
        leave_p[idx["Camp North"]] = leave_p[idx["Camp South"]] = 0.001
        leave = rng.binomial(here, leave_p)
        here = here - leave
        for i, n in enumerate(leave):
            if n == 0:
                continue
            name = REGIONS[i][0]
            if name in ("Alpha", "Bravo"):
                e, dest = (0, idx["Hub"]) if name == "Alpha" else (1, idx["Hub"])
                (fwd if ROUTES[e][0] == name else bwd)[d, e] += n
                travelling.append((d + (1 if name == "Alpha" else 2), dest, n))
            elif name == "Hub":
                split = rng.multinomial(n, [0.3, 0.2, 0.5] if not divert else [0.6, 0.4, 0.0])
                for e, k in zip((2, 3, 4), split):
                    fwd[d, e] += k
                    dest = idx[ROUTES[e][1]]
                    travelling.append((d + 2, dest, k))
            else:  # City or camps: a trickle towards Camp South / City
                e = 5
                dest = idx["Camp South"] if name == "City" else idx["City"]
                (fwd if name == "City" else bwd)[d, e] += n
                travelling.append((d + 2, dest, n))
        landed = [x for x in travelling if x[0] <= d]
        travelling = [x for x in travelling if x[0] > d]
        for _, dest, n in landed:
            here[dest] += n
            arrivals[d, dest] += n
        agents[d] = here
        departures[d] = leave
        spawned[d] = sp
        in_transit[d] = sum(x[2] for x in travelling)
    return dict(agents=agents, arrivals=arrivals, departures=departures, spawned=spawned,
                fwd=fwd, bwd=bwd, in_transit=in_transit, conflict=conflict, economy=economy,
                climate=climate)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--name", default="fake")
    ap.add_argument("--no-validation", action="store_true")
    ap.add_argument("--incomplete", action="store_true")
    ap.add_argument("--divert", action="store_true", help="no flow from Hub to Camp South")
    a = ap.parse_args(argv)

    rng = np.random.default_rng(a.seed)
    T, R, E = a.days, len(REGIONS), len(ROUTES)
    s = simulate(T, rng, a.divert)
    idx = {r[0]: i for i, r in enumerate(REGIONS)}
    init_pop = np.array([r[6] for r in REGIONS])
    population = init_pop * (1 - MOBILE_FRACTION) + s["agents"] * PEOPLE_PER_AGENT
    start = dt.date(2024, 1, 1)
    dates = [(start + dt.timedelta(days=d)).isoformat() for d in range(T)]

    with h5py.File(a.out, "w") as f:
        g = f.create_group("time")
        put(g, "day", np.arange(T), "day", "day index from the start date", np.int32)
        put(g, "date", fixed_strings(dates), "1", "calendar date YYYY-MM-DD")
        g = f.create_group("regions")
        put(g, "name", fixed_strings([r[0] for r in REGIONS]), "1", "region name")
        put(g, "type", fixed_strings([r[1] for r in REGIONS]), "1", "settlement|camp|transit")
        put(g, "lat", [r[2] for r in REGIONS], "degrees", "latitude", np.float64)
        put(g, "lon", [r[3] for r in REGIONS], "degrees", "longitude", np.float64)
        put(g, "country", fixed_strings([r[4] for r in REGIONS]), "1", "country")
        put(g, "capacity", [r[5] for r in REGIONS], "people", "camp capacity, 0 = unlimited",
            np.float64)
        put(g, "initial_population", init_pop, "people", "population on day 0", np.float64)
        g = f.create_group("routes")
        put(g, "from", [idx[r[0]] for r in ROUTES], "1", "region index of one end", np.int32)
        put(g, "to", [idx[r[1]] for r in ROUTES], "1", "region index of the other end", np.int32)
        put(g, "km", [r[2] for r in ROUTES], "km", "route length", np.float64)
        g = f.create_group("series")
        put(g, "population", population, "people", "people after the day's moves", np.float64, True)
        put(g, "agents", s["agents"], "agents", "agents in the region at day end", np.int64, True)
        put(g, "arrivals", s["arrivals"], "agents", "agents arriving", np.int64, True)
        put(g, "departures", s["departures"], "agents", "agents departing", np.int64, True)
        put(g, "spawned", s["spawned"], "agents", "agents created by displacement", np.int64, True)
        put(g, "route_flow_forward", s["fwd"], "agents", "departures from->to", np.int64, True)
        put(g, "route_flow_backward", s["bwd"], "agents", "departures to->from", np.int64, True)
        put(g, "in_transit", s["in_transit"], "agents", "agents travelling at day end", np.int64, True)
        total = s["agents"].sum(axis=1) + s["in_transit"]
        put(g, "total_agents", total, "agents", "all agents", np.int64, True)
        zeros = np.zeros((T, R), dtype=np.int64)
        put(g, "turned_away_full", zeros, "agents", "movers that stayed, destination full", np.int64, True)
        put(g, "blocked_by_closure", zeros, "agents", "movers whose first choice was closed", np.int64, True)
        put(g, "refused_full", zeros, "agents", "movers the region turned away, being full", np.int64, True)
        write_measures(f, s, population, total, dates)
        g = f.create_group("drivers")
        put(g, "conflict", s["conflict"], "1", "conflict intensity used", np.float64, True)
        put(g, "economy", s["economy"], "1", "economy index used", np.float64, True)
        put(g, "climate", s["climate"], "1", "climate hazard used", np.float64, True)

        if not a.no_validation:
            obs_regions = [idx["Camp North"], idx["Camp South"], idx["City"]]
            sim = population[:, obs_regions]
            noise = rng.normal(1.0, 0.08, size=sim.shape)
            observed = np.maximum(0, sim * noise * np.array([0.8, 1.2, 1.0]))
            err_r, err_u = ard_series(sim, observed)
            g = f.create_group("validation")
            put(g, "region", obs_regions, "1", "observed region index", np.int32)
            put(g, "name", fixed_strings([REGIONS[i][0] for i in obs_regions]), "1", "name")
            put(g, "observed", observed, "people", "observed count", np.float64)
            put(g, "simulated", sim, "people", "simulated count", np.float64)
            put(g, "error_rescaled", err_r, "1", "ARD per day, rescaled", np.float64)
            put(g, "error_unrescaled", err_u, "1", "ARD per day, unrescaled", np.float64)
            for k, v in (("ard_rescaled", float(err_r.mean())), ("ard_unrescaled", float(err_u.mean()))):
                g.attrs[k] = v
                f.attrs[k] = v

        f.attrs["schema_version"] = np.int32(1)
        f.attrs["migflow_version"] = "0.0.0-fake"
        for name, value in (("commit", "unknown"), ("modified", "unknown"), ("type", "fake"),
                            ("compiler", "none"), ("flags", ""), ("hdf5", h5py.version.hdf5_version),
                            ("tbb", "none"), ("mpi", "none")):
            f.attrs["build_" + name] = value
        f.attrs["scenario_name"] = a.name
        f.attrs["scenario_file"] = "(make_fake_result.py)"
        f.attrs["scenario_text"] = f"# synthetic result, not from migflow\nname: {a.name}\n"
        f.attrs["seed"] = np.uint64(a.seed)
        f.attrs["ruleset"] = "native"
        f.attrs["people_per_agent"] = PEOPLE_PER_AGENT
        f.attrs["start_date"] = dates[0]
        f.attrs["days"] = np.int32(T)
        f.attrs["threads"] = np.int32(1)
        f.attrs["wall_seconds"] = 0.0
        f.attrs["agent_steps"] = np.int64(int(s["agents"].sum()))
        f.attrs["complete"] = np.int32(0 if a.incomplete else 1)
    print(a.out)
    return 0


def write_measures(f, s, population, total, dates):
    """/countries and /measures (docs/OUTPUT.md "Outcome measures") from the toy series."""
    T, R = population.shape
    countries = list(dict.fromkeys(r[4] for r in REGIONS))
    country = np.array([countries.index(r[4]) for r in REGIONS], dtype=np.int32)
    onehot = np.zeros((R, len(countries)))
    onehot[np.arange(R), country] = 1.0
    idx = {r[0]: i for i, r in enumerate(REGIONS)}
    g = f.create_group("countries")
    put(g, "name", fixed_strings(countries), "1", "country name")
    put(g, "region_country", country, "1", "per region: index in name", np.int32)
    put(g, "population", population @ onehot, "people", "sum over the country's regions", np.float64)
    for name, key in (("arrivals", "arrivals"), ("departures", "departures")):
        put(g, name, (s[key] @ onehot).astype(np.int64), "agents", "sum over the country's regions")
    for name in ("turned_away_full", "blocked_by_closure"):
        put(g, name, np.zeros((T, len(countries)), dtype=np.int64), "agents", "sum over the regions")
    pairs = sorted({(country[idx[a]], country[idx[b]]) for a, b, _ in ROUTES} |
                   {(country[idx[b]], country[idx[a]]) for a, b, _ in ROUTES})
    pairs = [(a, b) for a, b in pairs if a != b]
    flow = np.zeros((T, len(pairs)), dtype=np.int64)
    for e, (a, b, _) in enumerate(ROUTES):
        ca, cb = country[idx[a]], country[idx[b]]
        if ca != cb:
            flow[:, pairs.index((ca, cb))] += s["fwd"][:, e]
            flow[:, pairs.index((cb, ca))] += s["bwd"][:, e]
    put(g, "flow_from", [a for a, _ in pairs], "1", "country left", np.int32)
    put(g, "flow_to", [b for _, b in pairs], "1", "country headed for", np.int32)
    put(g, "flow", flow, "agents", "departures across the border", np.int64)

    camps = [i for i, r in enumerate(REGIONS) if r[5] > 0]
    full = population[:, camps] >= np.array([REGIONS[i][5] for i in camps]) - PEOPLE_PER_AGENT + 1e-9
    first = np.where(full.any(axis=0), full.argmax(axis=0), -1).astype(np.int32)
    peak_day = population[:, camps].argmax(axis=0).astype(np.int32)
    g = f.create_group("measures/camps")
    put(g, "region", camps, "1", "region index", np.int32)
    put(g, "name", fixed_strings([REGIONS[i][0] for i in camps]), "1", "region name")
    put(g, "capacity", [REGIONS[i][5] for i in camps], "people", "capacity", np.float64)
    put(g, "full_above", [REGIONS[i][5] - PEOPLE_PER_AGENT for i in camps], "people",
        "occupancy above which it is full", np.float64)
    put(g, "first_full_day", first, "day", "first day full, -1 = never", np.int32)
    put(g, "first_full_date", fixed_strings([dates[d] if d >= 0 else "" for d in first]), "1", "date")
    put(g, "peak_population", population[:, camps].max(axis=0), "people", "peak", np.float64)
    put(g, "peak_day", peak_day, "day", "day of the peak", np.int32)
    put(g, "peak_date", fixed_strings([dates[d] for d in peak_day]), "1", "date of the peak")
    put(g, "days_full", full.sum(axis=0), "days", "days full", np.int64)
    put(g, "refused_full", np.zeros(len(camps)), "agents", "movers turned away", np.int64)

    # Toy origins: every agent where it stands, those on the road from Alpha to Hub.
    standing = s["agents"][-1]
    g = f.create_group("measures/origins")
    keep = np.flatnonzero(standing)
    origin = list(keep) + [idx["Alpha"]]
    dest = list(keep) + [idx["Hub"]]
    order = np.lexsort((dest, origin))
    put(g, "origin", np.array(origin)[order], "1", "origin region", np.int32)
    put(g, "destination", np.array(dest)[order], "1", "region at the end", np.int32)
    put(g, "standing", np.append(standing[keep], 0)[order], "agents", "standing there", np.int64)
    put(g, "travelling", np.append(np.zeros(len(keep)), s["in_transit"][-1])[order], "agents",
        "on the way there", np.int64)
    matrix = np.zeros((len(countries), len(countries)), dtype=np.int64)
    for o, d, n in zip(origin, dest, list(standing[keep]) + [s["in_transit"][-1]]):
        matrix[country[o], country[d]] += n
    put(g, "country_matrix", matrix, "agents", "origin country x country at the end", np.int64)
    g.attrs["origin_runs"] = np.int64(len(origin))
    assert matrix.sum() == total[-1]


def ard_series(sim, obs):
    """Flee's averaged relative difference per day (docs/FLEE-SPEC.md), for the fake only."""
    tot_obs = obs.sum(axis=1)
    tot_sim = sim.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(tot_sim > 0, tot_obs / tot_sim, 1.0)
        un = np.abs(sim - obs).sum(axis=1) / np.where(tot_obs > 0, tot_obs, 1.0)
        re = np.abs(sim * scale[:, None] - obs).sum(axis=1) / np.where(tot_obs > 0, tot_obs, 1.0)
    return re, un


if __name__ == "__main__":
    sys.exit(main())
