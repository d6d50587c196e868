"""Units and descriptions of the result datasets, as the HDF5 recorder writes them
(sim/output/hdf5_recorder.cpp, docs/OUTPUT.md). An in-process run has no file to read
them from; the tests check that they equal the file's, dataset by dataset."""

SERIES = {
    "population": ("people", "people in the region after the day's moves (residents + agents x people_per_agent)"),
    "agents": ("agents", "agents standing in the region at the end of the day"),
    "arrivals": ("agents", "agents that reached the region that day"),
    "departures": ("agents", "agents that left the region that day"),
    "spawned": ("agents", "agents created in the region that day (agents present before day 0 are not counted)"),
    "turned_away_full": ("agents", "movers standing in the region that stayed because their destination "
                                   "was full (docs/MODEL.md section 8, docs/FLEE.md 'Turned away')"),
    "blocked_by_closure": ("agents", "movers standing in the region whose first choice was closed by a "
                                     "closure (docs/MODEL.md section 8, docs/FLEE.md 'Turned away')"),
    "refused_full": ("agents", "movers the region turned away that day, being full (per destination)"),
    "route_flow_forward": ("agents", "agents departing along the route from -> to that day"),
    "route_flow_backward": ("agents", "agents departing along the route to -> from that day"),
    "in_transit": ("agents", "agents travelling at the end of the day"),
    "total_agents": ("agents", "all agents at the end of the day (standing + travelling)"),
}

DRIVERS = {
    "conflict": ("1", "conflict intensity in [0,1] used on that day, shocks applied"),
    "economy": ("1", "economy level (scenario's own units, e.g. an index) used on that day, shocks applied"),
    "climate": ("1", "climate hazard in [0,1] used on that day, shocks applied"),
}

VALIDATION = {
    "observed": ("people", "observed count per day and observed region"),
    "simulated": ("people", "simulated population per day and observed region"),
    "error_rescaled": ("1", "relative difference per day, simulated rescaled to the observed total"),
    "error_unrescaled": ("1", "relative difference per day, simulated as is"),
}

REGIONS = {
    "type": ("1", "region type: settlement, camp or transit"),
    "country": ("1", "country of the region"),
    "lat": ("degrees", "latitude"),
    "lon": ("degrees", "longitude"),
    "capacity": ("people", "capacity in people, 0 = unlimited"),
    "initial_population": ("people", "population at the start of the run"),
}

ROUTES = {
    "from": ("1", "index of the first end of the route in /regions"),
    "to": ("1", "index of the second end of the route in /regions"),
    "km": ("km", "route length"),
}
