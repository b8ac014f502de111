"""The published data as plain dicts, as known on a date: built in a fixed number of Core queries and linear
time, so a caller keeps it until the data (or the day) changes.

The world holds what the map and the lists need for every promise and area (state, counts, the
commitments' statuses, which areas they reach). A promise's full detail (schedule, entries, sources) is
built from the ORM when a page first asks for it and kept with the world.

A year view is the world as known at the end of that year: promises that had begun, entries whose source
was out, camera decisions already known; every status replayed from the append-only history.
"""
import datetime as dt
from dataclasses import dataclass, field

import orjson
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from ..core.cache import Cache, size_of
from ..core.errors import NotFound
from ..domain import vocab
from ..domain.schedule import due_dates
from ..domain.periods import PROMISE_STATES, period_label, promise_state
from ..domain.status import count_statuses, current_follow_up, progress, summary_status
from .camera_sites import list_camera_sites
from .models import Area, Commitment, FollowUp, LagesbildEntry, Promise, commitment_area
from .promises import LOAD, commitment_keys, known_on, promise_detail, unknown_reason

DETAILS_BYTES = 8 << 20  # full promise details kept per world (counted in its size); the summaries cover all


@dataclass
class World:
    today: dt.date
    as_of: dt.date
    year: int | None
    promises: dict = field(default_factory=dict)  # slug → light summary, newest first
    commitments: dict = field(default_factory=dict)  # promise slug → [light commitment], in order
    areas: dict = field(default_factory=dict)  # slug → area facts (no geometry), in reading order
    reach: dict = field(default_factory=dict)  # area slug → [(promise slug, [commitment slugs])], newest first
    camera_sites: list = field(default_factory=list)  # as published, known on as_of
    boundary_years: dict = field(default_factory=dict)  # area slug → the year its boundary is from, if known
    cameras_by_area: dict = field(default_factory=dict)  # area slug → the camera sites touching it
    details_bytes: int = DETAILS_BYTES
    details: Cache = None  # thread-safe (the world is shared): promise slug → full detail, made on first use

    def __post_init__(self):
        if self.details is None:
            self.details = Cache(self.details_bytes, by_bytes=True)

    @property
    def nbytes(self) -> int:
        """About the memory it holds, with room for the promise details it may keep (a bounded cache weighs it)."""
        return sum(size_of(part) for part in (self.promises, self.commitments, self.areas, self.reach,
                                               self.camera_sites, self.boundary_years, self.cameras_by_area)
                   ) + self.details_bytes


def as_of_for(today: dt.date, year: int | None) -> dt.date:
    """The day a view describes: today, or the last day of a past year."""
    if year is None or year >= today.year:
        return today
    return dt.date(year, 12, 31)


class _Texts:
    """JSON read as text and decoded once per distinct text: promises share rules, parties, reports."""

    def __init__(self):
        self.seen: dict = {}

    def __call__(self, value):
        if not isinstance(value, (str, bytes)):
            return value  # already decoded by the driver
        decoded = self.seen.get(value, _NONE)
        if decoded is _NONE:
            decoded = self.seen[value] = orjson.loads(value)
        return decoded


_NONE = object()


def _text(column):
    """A JSON column read as its text (decoded by _Texts), the same SQL on SQLite and PostgreSQL."""
    return cast(column, Text)


def build(session: Session, today: dt.date, year: int | None = None, details_bytes: int = DETAILS_BYTES) -> World:
    """Every published promise, area and camera site as known on the view's day.

    Linear in the rows, with the work a promise shares with others (its rule's due dates, its period's
    label, why an unassessed commitment is unknown, a summary's colour and bar) done once per distinct value."""
    world = World(today, as_of_for(today, year), year, details_bytes=details_bytes)
    texts = _Texts()
    rows = session.connection().execute  # Core rows: the ORM's per-row machinery is not needed for columns
    slugs, by_municipality = _areas(rows, world, texts)
    entries = _entries(rows, world)
    promise_rows = rows(
        select(Promise.id, Promise.slug, Promise.title, Promise.municipality_code, Promise.municipality_name,
               _text(Promise.parties), Promise.period_start, Promise.period_end, Promise.period_label, Promise.signed,
               _text(Promise.sources), _text(Promise.follow_up_rule), _text(Promise.follow_up_reports),
               _text(Promise.follow_up_searches))
        .where(Promise.published.is_(True)).order_by(Promise.period_end.desc(), Promise.title)).all()
    targets: dict[int, list[str]] = {}
    for cid, aid in rows(select(commitment_area.c.commitment_id, commitment_area.c.area_id)):
        if aid in slugs:
            targets.setdefault(cid, []).append(slugs[aid])
    by_promise: dict[int, list] = {}
    for row in rows(select(Commitment.id, Commitment.promise_id, Commitment.slug, Commitment.title,
                                      Commitment.whole_municipality)
                               .order_by(Commitment.promise_id, Commitment.position)):
        by_promise.setdefault(row[1], []).append(row)
    shared = _Shared(world, texts)
    for p in promise_rows:
        if year is not None and p.period_start > world.as_of:
            continue  # not begun by the end of that year: not part of that year's world
        _add_promise(world, p, by_promise.get(p.id, []), entries, targets, by_municipality, shared)
    world.camera_sites = [s for s in list_camera_sites(session, public=True)
                          if s["known_from"] is None or s["known_from"] <= world.as_of]
    for site in world.camera_sites:
        for area in site["areas"]:
            world.cameras_by_area.setdefault(area["slug"], []).append(site)
    return world


def _areas(rows, world: World, texts) -> tuple[dict[int, str], dict[str, list[str]]]:
    """The areas into the world; area id → slug and municipality code → its area slugs."""
    lagesbild: dict[int, list[dict]] = {}
    query = select(LagesbildEntry.area_id, LagesbildEntry.year, LagesbildEntry.status, LagesbildEntry.category,
                   LagesbildEntry.note, LagesbildEntry.source).order_by(LagesbildEntry.year, LagesbildEntry.id)
    for area_id, year, status, category, note, source in rows(query):
        if year <= world.as_of.year:
            lagesbild.setdefault(area_id, []).append({"year": year, "status": status, "category": category,
                                                      "note": note, "source": source})
    slugs: dict[int, str] = {}
    by_municipality: dict[str, list[str]] = {}
    query = select(Area.id, Area.slug, Area.name, Area.municipality_code, Area.municipality_name, Area.area_km2,
                   _text(Area.provenance), _text(Area.est), Area.lagesbild_note).order_by(Area.municipality_name,
                                                                                          Area.name)
    municipalities: dict[tuple, dict] = {}
    for aid, slug, name, code, municipality_name, km2, provenance, est, note in rows(query):
        provenance = texts(provenance)
        municipality = municipalities.get((code, municipality_name))
        if municipality is None:
            municipality = municipalities[(code, municipality_name)] = {"code": code, "name": municipality_name}
        world.areas[slug] = {"slug": slug, "name": name, "municipality": municipality, "area_km2": round(km2, 3),
                             "provenance": provenance, "est": texts(est), "lagesbild": lagesbild.get(aid, []),
                             "lagesbild_note": note}
        slugs[aid] = slug
        by_municipality.setdefault(code, []).append(slug)
        world.reach[slug] = []
        if (provenance or {}).get("year"):
            world.boundary_years[slug] = int(provenance["year"])
    return slugs, by_municipality


def _entries(rows, world: World) -> dict[int, list[dict]]:
    """Commitment id → its entries known on the view's day, as the status and the schedule need them."""
    out: dict[int, list[dict]] = {}
    query = select(FollowUp.id, FollowUp.commitment_id, FollowUp.date, FollowUp.status, FollowUp.supersedes_id,
                   FollowUp.covers_first, FollowUp.covers_last, FollowUp.published_on, FollowUp.recorded_by,
                   FollowUp.recorded_at, FollowUp.evidence_kind)
    for f in rows(query):
        entry = {"id": f.id, "date": f.date, "status": f.status, "supersedes": f.supersedes_id,
                 "known_on": known_on(f), "covers_first": f.covers_first, "covers_last": f.covers_last,
                 "kind": f.evidence_kind}
        if world.as_of >= world.today or entry["known_on"] <= world.as_of:
            out.setdefault(f.commitment_id, []).append(entry)
    return out


class _Shared:
    """What promises share, made once per distinct rule, period, reports or counts (memos for one build)."""

    def __init__(self, world: World, texts):
        self.as_of, self.texts = world.as_of, texts
        self._schedules, self._reasons, self._labels, self._summaries = {}, {}, {}, {}

    def schedule(self, rule_text, start, end) -> tuple[bool, dt.date | None]:
        """(nothing due yet, the next due date) under a rule in a period."""
        key = (rule_text, start, end)
        found = self._schedules.get(key)
        if found is None:
            rule = dict(self.texts(rule_text))
            rule["due"] = dt.date.fromisoformat(rule["due"]) if rule.get("due") else None
            dues = due_dates(rule, start, end)
            found = self._schedules[key] = (not [d for d in dues if d < self.as_of],
                                            next((d for d in dues if d >= self.as_of), None))
        return found

    def reasons(self, reports_text, searches_text, state, nothing_due):
        """The context unknown_reason reads, and the reason every unassessed commitment shares (None when a
        captured report names commitments, so each has its own)."""
        key = (reports_text, searches_text, state, nothing_due)
        found = self._reasons.get(key)
        if found is None:
            context = {"reports": self.texts(reports_text) or [], "searches": self.texts(searches_text) or [],
                       "state": state, "nothing_due": nothing_due}
            common = None if any(r.get("captured") for r in context["reports"]) else unknown_reason("", context)
            found = self._reasons[key] = (context, common)
        return found

    def label(self, start, end) -> str:
        found = self._labels.get((start, end))
        if found is None:
            found = self._labels[(start, end)] = period_label(start, end)
        return found

    def summary(self, statuses: list[str]) -> tuple[dict, str, dict]:
        """(counts, colour, bar) of a promise's statuses; copies, so no two promises share a dict."""
        counts = count_statuses(statuses)
        key = tuple(counts.values())
        found = self._summaries.get(key)
        if found is None:
            found = self._summaries[key] = (summary_status(counts), progress(counts))
        colour, bar = found
        return counts, colour, {**bar, "segments": [dict(s) for s in bar["segments"]]}


def _add_promise(world: World, p, rows, entries, targets, by_municipality, shared: _Shared):
    state = promise_state(p.period_start, p.period_end, world.as_of)
    nothing_due, next_due = shared.schedule(p.follow_up_rule, p.period_start, p.period_end)
    context, common = shared.reasons(p.follow_up_reports, p.follow_up_searches, state, nothing_due)
    commitments, known, reached, statuses, aimed = [], [], {}, [], set()
    whole_municipality = False
    for cid, _pid, slug, title, whole in rows:
        mine = entries.get(cid)
        latest = current_follow_up(mine) if mine else None
        if latest:
            status = latest["status"]
            text = vocab.STATUSES[status]
            known += [e["covers_last"] or e["date"] for e in mine]
        else:
            status = vocab.DEFAULT_STATUS
            text = vocab.UNKNOWN_STATUS_TEXTS[common or unknown_reason(slug, context)]
        statuses.append(status)
        commitments.append({"key": f"{p.slug}/{slug}", "slug": slug, "title": title, "status": status,
                            "status_label": vocab.STATUSES[status], "status_text": text})
        if whole:
            whole_municipality = True
            reaches = by_municipality.get(p.municipality_code, ())
        else:
            reaches = targets.get(cid, ())
            aimed.update(reaches)
        for area in reaches:
            reached.setdefault(area, []).append(slug)
    counts, colour, bar = shared.summary(statuses)
    world.promises[p.slug] = {
        "slug": p.slug, "title": p.title, "municipality": {"code": p.municipality_code, "name": p.municipality_name},
        "parties": list(shared.texts(p.parties)),
        "period": {"start": p.period_start, "end": p.period_end,
                   "label": p.period_label or shared.label(p.period_start, p.period_end)},
        "state": state, "state_label": PROMISE_STATES[state], "as_of": world.as_of,
        "last_known": max(known) if known else None, "signed": p.signed, "published": True,
        "status_counts": counts, "summary_status": colour, "progress": bar,
        "commitment_count": len(commitments),
        "areas": sorted(aimed),
        "whole_municipality": whole_municipality,
        "sources": list(shared.texts(p.sources)),
        "next_due": next_due,
    }
    world.commitments[p.slug] = commitments
    for slug, commitment_slugs in reached.items():
        world.reach[slug].append((p.slug, commitment_slugs))


def list_promises(world: World) -> list[dict]:
    return list(world.promises.values())


def get_promise(world: World, session: Session, slug: str) -> dict:
    """A promise's full detail as known on the view's day, built on first use and kept with the world."""
    if slug not in world.promises:
        raise NotFound(f"Det finns inget medborgarlöfte med adressen '{slug}'.")
    detail = world.details.get(slug)
    if detail is None:
        p = session.scalar(select(Promise).options(*LOAD).where(Promise.slug == slug))
        detail = promise_detail(p, world.today, world.as_of, commitment_keys(session, p.id))
        world.details.set(slug, detail)
    return detail


def all_promises(world: World, session: Session) -> list[dict]:
    """Every promise's full detail, in the world's order: those not kept yet are read in one query, not one each
    (an export reads them all, more than the details cache holds at national size)."""
    missing = [slug for slug in world.promises if world.details.get(slug) is None]
    made = {}
    if missing:
        keys = commitment_keys(session)  # every commitment's key: a superset of each promise's predecessors
        for p in session.scalars(select(Promise).options(*LOAD).where(Promise.slug.in_(missing))):
            made[p.slug] = promise_detail(p, world.today, world.as_of, keys)
    return [made.get(slug) or get_promise(world, session, slug) for slug in world.promises]


def get_commitment(world: World, session: Session, promise_slug: str, commitment_slug: str) -> dict:
    p = get_promise(world, session, promise_slug)
    for c in p["commitments"]:
        if c["slug"] == commitment_slug:
            return {**c, "promise_title": p["title"], "promise_period": p["period"], "promise_state": p["state"],
                    "promise_state_label": p["state_label"]}
    raise NotFound(f"Löftet '{promise_slug}' har inget åtagande '{commitment_slug}'.")
