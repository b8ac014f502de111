"""Areas with their promises, lägesbild, EST and camera sites, as plain dicts."""
import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain import vocab
from ..core.errors import NotFound
from .models import Area, CameraSite
from .camera_sites import camera_site_dict
from .promises import applies_to, commitment_dict, published_promises, schedule_for
from ..domain.status import count_statuses, summary_status

_LOAD = (selectinload(Area.lagesbild),)


def _promises_for(area: Area, promises) -> list:
    """Promises with at least one commitment reaching the area, newest first."""
    return [p for p in promises if any(applies_to(c, area) for c in p.commitments)]


def _in_year(p, year: int | None) -> bool:
    return year is None or p.period_start.year <= year <= p.period_end.year


def _lagesbild_dict(e) -> dict:
    return {"year": e.year, "status": e.status, "category": e.category,
            "category_label": vocab.LAGESBILD_CATEGORIES.get(e.category) if e.category else None,
            "note": e.note, "source": e.source}


def area_summary(area: Area, promises, today: dt.date, year: int | None = None) -> dict:
    """What the map shows for one area: the promise that applies (latest, or in a year) and its state."""
    mine = [p for p in _promises_for(area, promises) if _in_year(p, year)]
    current = mine[0] if mine else None
    reaching = [c for c in current.commitments if applies_to(c, area)] if current else []
    counts = count_statuses([commitment_dict(c)["status"] for c in reaching])
    listing = [e for e in area.lagesbild if year is None or e.year <= year]
    return {
        "slug": area.slug, "name": area.name,
        "municipality": {"code": area.municipality_code, "name": area.municipality_name},
        "area_km2": round(area.area_km2, 3),
        "approximation": bool(area.provenance.get("approximation")),
        "attribution": area.provenance.get("attribution"),
        "est_member": bool(area.est.get("member")),
        "lagesbild_latest": _lagesbild_dict(listing[-1]) if listing else None,
        "promises": [{"slug": p.slug, "title": p.title, "period": {"start": p.period_start, "end": p.period_end}}
                     for p in _promises_for(area, promises)],
        "current_promise": ({"slug": current.slug, "title": current.title,
                             "period": {"start": current.period_start, "end": current.period_end}}
                            if current else None),
        "status_counts": counts, "commitment_count": len(reaching),
        "summary_status": summary_status(counts) if current else None,
        "next_due": schedule_for(current, today)["next_due"] if current else None,
        "overdue_count": len(schedule_for(current, today)["overdue"]) if current else 0,
    }


def list_areas(session: Session, today: dt.date, year: int | None = None,
               municipality: str | None = None) -> list[dict]:
    query = select(Area).options(*_LOAD).order_by(Area.municipality_name, Area.name)
    if municipality:
        query = query.where(Area.municipality_code == municipality)
    promises = published_promises(session)
    return [area_summary(a, promises, today, year) for a in session.scalars(query)]


def load_area(session: Session, slug: str) -> Area:
    area = session.scalar(select(Area).options(*_LOAD).where(Area.slug == slug))
    if area is None:
        raise NotFound(f"Det finns inget område med adressen '{slug}'.")
    return area


def get_area(session: Session, slug: str, today: dt.date) -> dict:
    """Everything the area page shows, in reading order."""
    area = load_area(session, slug)
    promises = published_promises(session)
    out = area_summary(area, promises, today)
    out.update({
        "provenance": area.provenance, "lagesbild": [_lagesbild_dict(e) for e in area.lagesbild],
        "lagesbild_note": area.lagesbild_note, "est": area.est,
        "promise_details": [],
        "camera_sites": [camera_site_dict(s) for s in _camera_sites(session, area)],
    })
    for p in _promises_for(area, promises):
        reaching = [c for c in p.commitments if applies_to(c, area)]
        out["promise_details"].append({
            "slug": p.slug, "title": p.title, "period": {"start": p.period_start, "end": p.period_end},
            "parties": list(p.parties), "follow_up_rule": p.follow_up_rule,
            "schedule": schedule_for(p, today),
            "commitments": [commitment_dict(c) for c in reaching],
        })
    return out


def _camera_sites(session: Session, area: Area):
    query = (select(CameraSite).options(selectinload(CameraSite.areas), selectinload(CameraSite.commitments))
             .where(CameraSite.areas.any(Area.id == area.id)).order_by(CameraSite.name))
    return session.scalars(query).all()


def area_geometries(session: Session) -> dict[str, dict]:
    """Slug → GeoJSON geometry for every area."""
    rows = session.execute(select(Area.slug, Area.geometry)).all()
    return {slug: json.loads(geometry) for slug, geometry in rows}


def area_names(session: Session) -> dict[str, dict]:
    rows = session.execute(select(Area.slug, Area.name, Area.municipality_code, Area.municipality_name)).all()
    return {r.slug: {"slug": r.slug, "name": r.name,
                     "municipality": {"code": r.municipality_code, "name": r.municipality_name}} for r in rows}


def known_areas(session: Session) -> dict:
    """{slug: {name, municipality_code, municipality_name, est}} for the importer to recognise areas."""
    return {a.slug: {"name": a.name, "municipality_code": a.municipality_code,
                     "municipality_name": a.municipality_name, "est": bool((a.est or {}).get("member"))}
            for a in session.scalars(select(Area))}
