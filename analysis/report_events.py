"""When closures and shocks were in force, read from the scenario text the file stores.

The result file keeps the scenario as run (root attribute `scenario_text`, YAML); its
`closures:` block, the `closed:` lists of inline routes and the `shocks:` block give the
windows the report shades. Windows are clipped to the run; a window without `to` lasts
to the end. A scenario that is not YAML (a Flee directory's text) gives no windows and
a note saying so.
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
