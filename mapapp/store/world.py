"""The published data as one set of plain dicts, as known on a date: built in a fixed number of queries and
linear time, so a caller can keep it until the data (or the day) changes.

A year view is the world as known at the end of that year: promises that had begun, entries whose source
was out, camera decisions already known; every status replayed from the append-only history.
"""
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from ..core.errors import NotFound
from .camera_sites import list_camera_sites
from .models import Area, Promise
from .promises import LOAD, commitment_keys, promise_detail, promise_summary


@dataclass
class World:
    today: dt.date
    as_of: dt.date
    year: int | None
    promises: dict = field(default_factory=dict)  # slug → promise detail, newest first
    areas: dict = field(default_factory=dict)  # slug → area facts (no geometry), in reading order
    reach: dict = field(default_factory=dict)  # area slug → [(promise slug, [commitment slugs])], newest first
    camera_sites: list = field(default_factory=list)  # as published, known on as_of
    boundary_years: dict = field(default_factory=dict)  # area slug → the year its boundary is from, if known


def as_of_for(today: dt.date, year: int | None) -> dt.date:
    """The day a view describes: today, or the last day of a past year."""
    if year is None or year >= today.year:
        return today
    return dt.date(year, 12, 31)


def build(session: Session, today: dt.date, year: int | None = None) -> World:
    """Every published promise, area and camera site as known on the view's day."""
    world = World(today, as_of_for(today, year), year)
    areas = session.scalars(select(Area).options(selectinload(Area.lagesbild), defer(Area.geometry))
                            .order_by(Area.municipality_name, Area.name)).all()
    by_municipality: dict[str, list[str]] = {}
    for a in areas:
        world.areas[a.slug] = _area_facts(a, world.as_of)
        by_municipality.setdefault(a.municipality_code, []).append(a.slug)
        world.reach[a.slug] = []
        if (a.provenance or {}).get("year"):
            world.boundary_years[a.slug] = int(a.provenance["year"])
    keys = commitment_keys(session)
    promises = session.scalars(select(Promise).options(*LOAD).where(Promise.published.is_(True))
                               .order_by(Promise.period_end.desc(), Promise.title)).all()
    for p in promises:
        if year is not None and p.period_start > world.as_of:
            continue  # not begun by the end of that year: not part of that year's world
        world.promises[p.slug] = promise_detail(p, today, world.as_of, keys)
        reached: dict[str, list[str]] = {}
        for c in p.commitments:
            slugs = by_municipality.get(p.municipality_code, []) if c.whole_municipality else [a.slug for a in c.areas]
            for slug in slugs:
                reached.setdefault(slug, []).append(c.slug)
        for slug, commitment_slugs in reached.items():
            world.reach[slug].append((p.slug, commitment_slugs))
    world.camera_sites = [s for s in list_camera_sites(session, public=True) if _known(s, world.as_of)]
    return world


def _known(site: dict, as_of: dt.date) -> bool:
    """A camera site is part of a view once its first dated source was out by the view's day."""
    return site["known_from"] is None or site["known_from"] <= as_of


def _area_facts(a: Area, as_of: dt.date) -> dict:
    lagesbild = [{"year": e.year, "status": e.status, "category": e.category, "note": e.note, "source": e.source}
                 for e in a.lagesbild if e.year <= as_of.year]
    return {"slug": a.slug, "name": a.name,
            "municipality": {"code": a.municipality_code, "name": a.municipality_name},
            "area_km2": round(a.area_km2, 3), "provenance": a.provenance, "est": a.est,
            "lagesbild": lagesbild, "lagesbild_note": a.lagesbild_note}


def list_promises(world: World) -> list[dict]:
    return [promise_summary(p) for p in world.promises.values()]


def get_promise(world: World, slug: str) -> dict:
    if slug not in world.promises:
        raise NotFound(f"Det finns inget medborgarlöfte med adressen '{slug}'.")
    return world.promises[slug]


def get_commitment(world: World, promise_slug: str, commitment_slug: str) -> dict:
    p = get_promise(world, promise_slug)
    for c in p["commitments"]:
        if c["slug"] == commitment_slug:
            return {**c, "promise_title": p["title"], "promise_period": p["period"], "promise_state": p["state"],
                    "promise_state_label": p["state_label"]}
    raise NotFound(f"Löftet '{promise_slug}' har inget åtagande '{commitment_slug}'.")
