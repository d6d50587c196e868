"""When closures and shocks were in force.

Result files record them as the run applied them, in `/events` (and a comparison's
baseline in `/baseline_events`; docs/OUTPUT.md "Policy events"): dates clipped to the
run, one-way border closures as one-way, Flee cases' closures included. They are read,
never worked out again from the scenario text: a file written before /events existed
gets no windows and a note saying so.
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


NOT_STORED = "the file stores no /events (written before them): closure and shock windows are not shown"


def of_view(v):
    """(events, note) of a loaded result: its /events, or [] and a note for files without them."""
    if getattr(v, "applied_events", None) is not None:
        return v.applied_events, None
    return [], NOT_STORED
