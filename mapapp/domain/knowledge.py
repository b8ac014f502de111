"""What is known about each follow-up a promise's rule asks for, and from where.

Every due follow-up (a slot) gets one state, the strongest that a source supports:

- recorded:  an entry with evidence covers the slot (the parties' own follow-up, or other evidence);
- news_only: only a news report covers it;
- published: a follow-up report for that period was published, but its content is not captured here;
- not_found: it was looked for and not found (where and when are said);
- not_due:   it is not due yet;
- unknown:   no follow-up is registered here for that period — which says nothing about whether one
  was published. Public pages never turn this into "not published" or "late".

A year view counts only the entries known by its day (known()): an entry recorded later is not back-dated.
"""
import datetime as dt

from .periods import period_label
from .schedule import due_dates
from .vocab import N_

SLOT_STATES = {
    "recorded": N_("uppföljning registrerad"),
    "news_only": N_("bara en nyhetsuppgift"),
    "published": N_("publicerad, innehållet inte infört här"),
    "not_found": N_("sökt men inte hittad"),
    "not_due": N_("inte aktuell än"),
    "unknown": N_("ingen uppföljning registrerad här"),
}
FINAL_REPORT_GRACE = dt.timedelta(days=365)  # a final report often comes after the period


def _overlaps(first: dt.date, last: dt.date, start: dt.date, end: dt.date) -> bool:
    return first <= end and last >= start


def _range(entry: dict) -> tuple[dt.date, dt.date]:
    """The period an entry reports on: what it covers, or its date alone."""
    return entry.get("covers_first") or entry["date"], entry.get("covers_last") or entry["date"]


def known(items: list[dict], as_of: dt.date) -> list[dict]:
    """The entries known on as_of (each carries known_on: published or recorded)."""
    return [e for e in items if e["known_on"] <= as_of]


def schedule(rule: dict, start: dt.date, end: dt.date, entries: list[dict], reports: list[dict],
             searches: list[dict], as_of: dt.date) -> dict:
    """Every slot with its state and its sources, the next due date, and the promise-wide knowledge.

    entries are those known on as_of (see known()); as_of is the view's day."""
    dues = due_dates(rule, start, end)
    slots, previous = [], start - dt.timedelta(days=1)
    for i, due in enumerate(dues):
        first, last = previous + dt.timedelta(days=1), due
        reach = last + FINAL_REPORT_GRACE if i == len(dues) - 1 else last
        covering = [e for e in entries if _covers(e, first, last, reach)]
        report = next((r for r in reports if r["covers"] and not r["captured"]
                       and _overlaps(r["covers"]["first"], r["covers"]["last"], first, last)), None)
        # A search without a period (e.g. for one document's content) says nothing about a particular slot.
        search = next((s for s in searches if s["covers"]
                       and _overlaps(s["covers"]["first"], s["covers"]["last"], first, last)), None)
        state = _state(covering, report, search, due, as_of)
        slots.append({"due": due, "period": {"first": first, "last": last, "label": period_label(first, last)},
                      "state": state, "entries": sorted(e["id"] for e in covering),
                      "report": report, "search": search})
        previous = due
    upcoming = [s["due"] for s in slots if s["due"] >= as_of]
    return {
        "due_dates": slots,
        "next_due": upcoming[0] if upcoming else None,
        "counts": {key: sum(1 for s in slots if s["state"] == key) for key in SLOT_STATES},
        "reports": reports,
        "searches": searches,
        "ended": end < as_of,
    }


def _covers(entry: dict, first: dt.date, last: dt.date, reach: dt.date) -> bool:
    start, stop = _range(entry)
    if entry.get("covers_first"):
        return _overlaps(start, stop, first, last)
    return first <= entry["date"] <= reach  # an entry without a stated period counts where it is dated


def _state(covering, report, search, due, as_of) -> str:
    if any(e.get("kind") != "news" for e in covering):
        return "recorded"
    if covering:
        return "news_only"
    if report:
        return "published"
    if search:
        return "not_found"
    if due >= as_of:
        return "not_due"
    return "unknown"


def to_do(slots: list[dict], today: dt.date) -> list[dt.date]:
    """The planners' list: due dates passed without a recorded follow-up (capture it, or chase it)."""
    return [s["due"] for s in slots if s["due"] < today and s["state"] != "recorded"]
