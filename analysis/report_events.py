"""When closures and shocks were in force.

Result files record them as the run applied them, in `/events` (and a comparison's
baseline in `/baseline_events`; docs/OUTPUT.md "Policy events"): dates clipped to the
run, one-way border closures as one-way, Flee cases' closures included. Files written
before /events existed fall back to the scenario text the file stores (root attribute
`scenario_text`, YAML): its `closures:` block, the `closed:` lists of inline routes and
the `shocks:` block. A scenario that is not YAML then gives no windows and a note.
"""
import datetime as dt


class Event:
    def __init__(self, kind, label, start, end):
        self.kind = kind    # "closure" or "shock"
        self.label = label  # e.g. "Mali–Mauritania border closed"
        self.start = start  # first day in force (datetime.date)
        self.end = end      # first day no longer in force

    def days(self):
        return (self.end - self.start).days

    def describe(self):
        last = self.end - dt.timedelta(days=1)
        return f"{self.label}: {self.start:%d %b %Y} to {last:%d %b %Y} ({self.days()} days)"


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def _closure_label(c):
    if "border" in c:
        a, b = c["border"]
        return f"{a}–{b} border closed"
    if "route" in c:
        a, b = c["route"]
        return f"road {a}–{b} closed"
    if "region" in c:
        return f"{c['region']} closed"
    if "camp" in c:
        return f"camp {c['camp']} closed"
    return "closure"


def _shock_label(s):
    mode = s.get("mode")
    sev = s.get("severity")
    what = f"{s.get('driver', '?')} shock in {s.get('region', '?')}"
    return f"{what} ({mode} {sev})" if mode else f"{what} (severity {sev})"


def _text(values):
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values]


def applied_events(f, group, first_day):
    """Events of an open h5py file's `group` ("events", "baseline_events"); None if absent."""
    if group not in f:
        return None
    out = []
    for kind, sub in (("closure", "closures"), ("shock", "shocks")):
        g = f[group].get(sub)
        if g is None:
            continue
        labels = _text(g["label"][()])
        starts, ends = g["start_day"][()], g["end_day"][()]
        for label, a, b in zip(labels, starts, ends):
            if b > a:
                out.append(Event(kind, label, first_day + dt.timedelta(days=int(a)),
                                 first_day + dt.timedelta(days=int(b))))
    return out


def events(scenario_text, first_day, day_after_last):
    """(list of Event, note or None). `first_day`, `day_after_last`: the run's dates."""
    if not scenario_text:
        return [], "the file stores no scenario text: closure and shock windows are not shown"
    try:
        import yaml
        doc = yaml.safe_load(scenario_text)
    except Exception as e:  # a Flee case or text YAML cannot read
        return [], f"the stored scenario is not YAML ({type(e).__name__}): closure and shock windows are not shown"
    if not isinstance(doc, dict):
        return [], "the stored scenario is not a YAML mapping: closure and shock windows are not shown"
    found = []
    for c in doc.get("closures") or []:
        if isinstance(c, dict) and "from" in c:
            found.append(("closure", _closure_label(c), c.get("from"), c.get("to")))
    routes = doc.get("routes")
    if isinstance(routes, list):
        for r in routes:
            if isinstance(r, dict) and isinstance(r.get("closed"), list):
                ends = r.get("between") or [r.get("from"), r.get("to")]
                for w in r["closed"]:
                    if isinstance(w, dict) and "from" in w:
                        found.append(("closure", f"road {ends[0]}–{ends[1]} closed", w.get("from"), w.get("to")))
    for s in doc.get("shocks") or []:
        if isinstance(s, dict) and "from" in s:
            found.append(("shock", _shock_label(s), s.get("from"), s.get("to")))
    out = []
    for kind, label, start, end in found:
        try:
            a = max(_date(start), first_day)
            b = min(_date(end), day_after_last) if end is not None else day_after_last
        except ValueError:
            continue
        if a < b:
            out.append(Event(kind, label, a, b))
    return out, None


def of_view(v, first_day, day_after_last):
    """(events, note) of a loaded result: /events when the file has it, else its scenario text."""
    if getattr(v, "applied_events", None) is not None:
        return v.applied_events, None
    return events(v.scenario_text, first_day, day_after_last)
