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

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.cache import Cache
from ..core.errors import NotFound
from ..domain import knowledge, vocab
from ..domain.periods import PROMISE_STATES, period_label, promise_state
from ..domain.status import count_statuses, current_follow_up, progress, summary_status
from .camera_sites import list_camera_sites
from .models import Area, Commitment, FollowUp, LagesbildEntry, Promise, commitment_area
from .promises import LOAD, commitment_keys, known_on, promise_detail, unknown_reason

DETAILS_KEPT = 256  # full promise details kept per world; the light summaries cover every promise


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
    details: Cache = field(default_factory=lambda: Cache(DETAILS_KEPT))  # thread-safe: the world is shared


def as_of_for(today: dt.date, year: int | None) -> dt.date:
    """The day a view describes: today, or the last day of a past year."""
    if year is None or year >= today.year:
        return today
    return dt.date(year, 12, 31)


def build(session: Session, today: dt.date, year: int | None = None) -> World:
    """Every published promise, area and camera site as known on the view's day."""
    world = World(today, as_of_for(today, year), year)
    by_municipality = _areas(session, world)
    entries = _entries(session, world)
    promise_rows = session.execute(
        select(Promise.id, Promise.slug, Promise.title, Promise.municipality_code, Promise.municipality_name,
               Promise.parties, Promise.period_start, Promise.period_end, Promise.period_label, Promise.signed,
               Promise.sources, Promise.follow_up_rule, Promise.follow_up_reports, Promise.follow_up_searches)
        .where(Promise.published.is_(True)).order_by(Promise.period_end.desc(), Promise.title)).all()
    targets: dict[int, list[str]] = {}
    for cid, slug in session.execute(select(commitment_area.c.commitment_id, Area.slug)
                                     .join(Area, Area.id == commitment_area.c.area_id)):
        targets.setdefault(cid, []).append(slug)
    by_promise: dict[int, list] = {}
    for row in session.execute(select(Commitment.id, Commitment.promise_id, Commitment.slug, Commitment.title,
                                      Commitment.whole_municipality)
                               .order_by(Commitment.promise_id, Commitment.position)):
        by_promise.setdefault(row[1], []).append(row)
    for p in promise_rows:
        if year is not None and p.period_start > world.as_of:
            continue  # not begun by the end of that year: not part of that year's world
        _add_promise(world, p, by_promise.get(p.id, []), entries, targets, by_municipality)
    world.camera_sites = [s for s in list_camera_sites(session, public=True)
                          if s["known_from"] is None or s["known_from"] <= world.as_of]
    for site in world.camera_sites:
        for area in site["areas"]:
            world.cameras_by_area.setdefault(area["slug"], []).append(site)
    return world


def _areas(session: Session, world: World) -> dict[str, list[str]]:
    lagesbild: dict[int, list[dict]] = {}
    for e in session.scalars(select(LagesbildEntry).order_by(LagesbildEntry.year)):
        if e.year <= world.as_of.year:
            lagesbild.setdefault(e.area_id, []).append({"year": e.year, "status": e.status, "category": e.category,
                                                        "note": e.note, "source": e.source})
    by_municipality: dict[str, list[str]] = {}
    query = select(Area.id, Area.slug, Area.name, Area.municipality_code, Area.municipality_name, Area.area_km2,
                   Area.provenance, Area.est, Area.lagesbild_note).order_by(Area.municipality_name, Area.name)
    for a in session.execute(query):
        world.areas[a.slug] = {"slug": a.slug, "name": a.name,
                               "municipality": {"code": a.municipality_code, "name": a.municipality_name},
                               "area_km2": round(a.area_km2, 3), "provenance": a.provenance, "est": a.est,
                               "lagesbild": lagesbild.get(a.id, []), "lagesbild_note": a.lagesbild_note}
        by_municipality.setdefault(a.municipality_code, []).append(a.slug)
        world.reach[a.slug] = []
        if (a.provenance or {}).get("year"):
            world.boundary_years[a.slug] = int(a.provenance["year"])
    return by_municipality


def _entries(session: Session, world: World) -> dict[int, list[dict]]:
    """Commitment id → its entries known on the view's day, as the status and the schedule need them."""
    out: dict[int, list[dict]] = {}
    query = select(FollowUp.id, FollowUp.commitment_id, FollowUp.date, FollowUp.status, FollowUp.supersedes_id,
                   FollowUp.covers_first, FollowUp.covers_last, FollowUp.published_on, FollowUp.recorded_by,
                   FollowUp.recorded_at, FollowUp.evidence_kind)
    for f in session.execute(query):
        entry = {"id": f.id, "date": f.date, "status": f.status, "supersedes": f.supersedes_id,
                 "known_on": known_on(f), "covers_first": f.covers_first, "covers_last": f.covers_last,
                 "kind": f.evidence_kind}
        if world.as_of >= world.today or entry["known_on"] <= world.as_of:
            out.setdefault(f.commitment_id, []).append(entry)
    return out


def _add_promise(world: World, p, rows, entries, targets, by_municipality):
    state = promise_state(p.period_start, p.period_end, world.as_of)
    rule = dict(p.follow_up_rule)
    rule["due"] = dt.date.fromisoformat(rule["due"]) if rule.get("due") else None
    dues = knowledge.due_dates(rule, p.period_start, p.period_end)
    context = {"reports": p.follow_up_reports or [], "searches": p.follow_up_searches or [], "state": state,
               "nothing_due": not [d for d in dues if d < world.as_of]}
    # Why a commitment has no entry depends on the promise alone, unless a captured report names commitments.
    shared = None if any(r.get("captured") for r in context["reports"]) else unknown_reason("", context)
    commitments, known, reached, statuses = [], [], {}, []
    for cid, _pid, slug, title, whole in rows:
        mine = entries.get(cid)
        latest = current_follow_up(mine) if mine else None
        if latest:
            status = latest["status"]
            text = vocab.STATUSES[status]
            known += [e["covers_last"] or e["date"] for e in mine]
        else:
            status = vocab.DEFAULT_STATUS
            text = vocab.UNKNOWN_STATUS_TEXTS[shared or unknown_reason(slug, context)]
        statuses.append(status)
        commitments.append({"key": f"{p.slug}/{slug}", "slug": slug, "title": title, "status": status,
                            "status_label": vocab.STATUSES[status], "status_text": text})
        for area in (by_municipality.get(p.municipality_code, ()) if whole else targets.get(cid, ())):
            reached.setdefault(area, []).append(slug)
    counts = count_statuses(statuses)
    world.promises[p.slug] = {
        "slug": p.slug, "title": p.title, "municipality": {"code": p.municipality_code, "name": p.municipality_name},
        "parties": list(p.parties),
        "period": {"start": p.period_start, "end": p.period_end,
                   "label": p.period_label or period_label(p.period_start, p.period_end)},
        "state": state, "state_label": PROMISE_STATES[state], "as_of": world.as_of,
        "last_known": max(known) if known else None, "signed": p.signed, "published": True,
        "status_counts": counts, "summary_status": summary_status(counts), "progress": progress(counts),
        "commitment_count": len(commitments),
        "areas": sorted({s for r in rows if not r[4] for s in targets.get(r[0], ())}),
        "whole_municipality": any(r[4] for r in rows),
        "sources": list(p.sources),
        "next_due": next((d for d in dues if d >= world.as_of), None),
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


def get_commitment(world: World, session: Session, promise_slug: str, commitment_slug: str) -> dict:
    p = get_promise(world, session, promise_slug)
    for c in p["commitments"]:
        if c["slug"] == commitment_slug:
            return {**c, "promise_title": p["title"], "promise_period": p["period"], "promise_state": p["state"],
                    "promise_state_label": p["state_label"]}
    raise NotFound(f"Löftet '{promise_slug}' har inget åtagande '{commitment_slug}'.")
