"""Areas with their promises, lägesbild, EST and camera sites, as plain dicts read from a World."""
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from ..core.errors import NotFound
from ..domain import vocab
from ..domain.status import count_statuses, progress, summary_status
from .models import Area
from .world import World, get_promise

_SHORT = ("slug", "title", "period", "state", "state_label", "last_known")


def _lagesbild_dict(e) -> dict:
    return {**e, "category_label": vocab.LAGESBILD_CATEGORIES.get(e["category"]) if e["category"] else None}


def _reaching(world: World, slug: str) -> list[tuple[dict, list[dict]]]:
    """(promise, its light commitments reaching the area) for every promise of the view, newest first."""
    out = []
    for promise_slug, commitment_slugs in world.reach.get(slug, []):
        wanted = set(commitment_slugs)
        out.append((world.promises[promise_slug], [c for c in world.commitments[promise_slug] if c["slug"] in wanted]))
    return out


def _current(world: World, reaching):
    """The promise that applies: in force on the view's day (a year view: during that year), newest first."""
    if world.year is not None and world.as_of < world.today:
        first = world.as_of.replace(month=1, day=1)
        during = [(p, cs) for p, cs in reaching if p["period"]["start"] <= world.as_of and p["period"]["end"] >= first]
    else:
        during = [(p, cs) for p, cs in reaching if p["state"] == "in_force"]
    return max(during, key=lambda pc: pc[0]["period"]["start"], default=None)


def area_summary(world: World, slug: str) -> dict:
    """What the map and the lists show for one area: the promise in force and its progress, or history."""
    facts = world.areas[slug]
    reaching = _reaching(world, slug)
    current = _current(world, reaching)
    ended = [(p, cs) for p, cs in reaching if p["state"] == "ended"]
    last = max(ended, key=lambda pc: pc[0]["period"]["end"], default=None) if current is None else None
    shown = current or last
    counts = count_statuses(c["status"] for c in shown[1]) if shown else count_statuses([])
    listing = facts["lagesbild"]
    return {
        "slug": slug, "name": facts["name"], "municipality": facts["municipality"],
        "area_km2": facts["area_km2"],
        "approximation": bool(facts["provenance"].get("approximation")),
        "attribution": facts["provenance"].get("attribution"),
        "est_member": bool(facts["est"].get("member")),
        "lagesbild_latest": _lagesbild_dict(listing[-1]) if listing else None,
        "as_of": world.as_of, "year": world.year,
        "promises": [{k: p[k] for k in _SHORT} for p, _cs in reaching],
        "current_promise": {k: current[0][k] for k in _SHORT} if current else None,
        "last_promise": {k: last[0][k] for k in _SHORT} if last else None,
        "status_counts": counts, "commitment_count": sum(counts.values()), "progress": progress(counts),
        "summary_status": (summary_status(counts) if current else "inget_gallande" if last else None),
        "next_due": current[0]["next_due"] if current else None,
        "commitments": shown[1] if shown else [],
        "camera_sites": [{"slug": s["slug"], "name": s["name"], "status": s["status"],
                          "status_label": s["status_label"],
                          "when": s["decided"] or s["start"] or s["reported"] or s["date_label"]}
                         for s in world.cameras_by_area.get(slug, ())],
    }


def has_promise_in_force(world: World, slug: str) -> bool:
    """Whether a promise applies to the area on the view's day (what a national list counts, cheaply)."""
    return _current(world, [(world.promises[p], ()) for p, _cs in world.reach.get(slug, ())]) is not None


def list_areas(world: World, municipality: str | None = None) -> list[dict]:
    return [area_summary(world, slug) for slug, a in world.areas.items()
            if not municipality or a["municipality"]["code"] == municipality]


def get_area(world: World, session: Session, slug: str) -> dict:
    """Everything the area page shows, in reading order: summary, promises as a timeline, cameras, lägesbild."""
    if slug not in world.areas:
        raise NotFound(f"Det finns inget område med adressen '{slug}'.")
    facts = world.areas[slug]
    out = area_summary(world, slug)
    boundary_year = world.boundary_years.get(slug)
    out.update({
        "provenance": facts["provenance"], "lagesbild": [_lagesbild_dict(e) for e in facts["lagesbild"]],
        "lagesbild_note": facts["lagesbild_note"], "est": facts["est"],
        "camera_sites": world.cameras_by_area.get(slug, []),
        "promise_details": [],
    })
    for light, reaching in _reaching(world, slug):
        p = get_promise(world, session, light["slug"])
        wanted = {c["slug"] for c in reaching}
        commitments = [c for c in p["commitments"] if c["slug"] in wanted]
        counts = count_statuses(c["status"] for c in commitments)
        out["promise_details"].append({
            **{k: p[k] for k in ("slug", "title", "municipality", "period", "state", "state_label", "last_known",
                                 "signed", "parties", "follow_up_rule", "schedule", "follow_up_reports",
                                 "follow_up_searches")},
            "status_counts": counts, "progress": progress(counts), "summary_status": summary_status(counts),
            "boundary_later": bool(boundary_year and boundary_year > p["period"]["end"].year),
            "boundary_year": boundary_year, "commitments": commitments,
        })
    out["timeline"] = [{k: d[k] for k in ("slug", "title", "period", "state", "state_label", "progress")}
                       | {"lineage": [{"key": c["key"], "title": c["title"], **c["lineage"]}
                                      for c in d["commitments"] if c["lineage"]]}
                       for d in sorted(out["promise_details"], key=lambda d: d["period"]["start"])]
    return out


def area_geometries(session: Session) -> dict[str, dict]:
    """Slug → GeoJSON geometry for every area."""
    return {slug: json.loads(text) for slug, text in geometry_texts(session).items()}


def shape_rows(session: Session, slugs) -> dict[str, tuple]:
    """Slug → (label point, bounding box, geometry text as stored) of the given areas, in few queries."""
    slugs = list(slugs)
    out = {}
    for i in range(0, len(slugs), _IN_CHUNK):
        query = select(Area.slug, Area.label_point, Area.bbox, Area.geometry).where(Area.slug.in_(slugs[i:i + _IN_CHUNK]))
        out.update((r[0], (r[1], r[2], r[3])) for r in session.execute(query))
    return out


_IN_CHUNK = 500  # slugs per IN (…): far below every database's limit on bound parameters


def area_boxes(session: Session) -> dict[str, list[float]]:
    """Slug → bounding box [minLon, minLat, maxLon, maxLat] of every area, as stored beside its geometry."""
    return {r[0]: r[1] for r in session.execute(select(Area.slug, Area.bbox))}


def municipality_boxes(session: Session) -> dict[str, list[float]]:
    """Municipality code → the box around its areas, aggregated by the database (no area's box read here)."""
    corners = [func.min(Area.bbox[0].as_float()), func.min(Area.bbox[1].as_float()),
               func.max(Area.bbox[2].as_float()), func.max(Area.bbox[3].as_float())]
    rows = session.execute(select(Area.municipality_code, *corners).group_by(Area.municipality_code))
    return {r[0]: list(r[1:]) for r in rows if None not in r[1:]}


def geometry_texts(session: Session) -> dict[str, str]:
    """Slug → GeoJSON geometry text as stored, for every area."""
    return dict(session.execute(select(Area.slug, Area.geometry)).all())


def area_names(session: Session) -> dict[str, dict]:
    rows = session.execute(select(Area.slug, Area.name, Area.municipality_code, Area.municipality_name)).all()
    return {r.slug: {"slug": r.slug, "name": r.name,
                     "municipality": {"code": r.municipality_code, "name": r.municipality_name}} for r in rows}


def known_areas(session: Session) -> dict:
    """{slug: {name, municipality_code, municipality_name, est, provenance}} for the importer to recognise
    areas (by name, or by the gazetteer entry their boundary came from)."""
    return {a.slug: {"name": a.name, "municipality_code": a.municipality_code,
                     "municipality_name": a.municipality_name, "est": bool((a.est or {}).get("member")),
                     "provenance": a.provenance or {}}
            for a in session.scalars(select(Area).options(defer(Area.geometry)))}
