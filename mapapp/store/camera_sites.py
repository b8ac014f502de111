"""Camera sites as published (a sensitive site is generalised to its area), and planners' edits."""
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..geo import shapes as geo
from ..domain import vocab
from ..core.errors import MapappError, NotFound
from .models import Area, CameraSite
from . import audit
from .versions import claim_version

# What a planner may change; the slug is fixed once the site exists.
EDITABLE = ("name", "municipality_code", "precision", "lon", "lat", "status", "decided", "date_label",
            "start", "end", "count", "description", "location_note", "sensitive", "source_url", "source_title")
_CHANGED_ELSEWHERE = "Kameraplatsen har ändrats av någon annan sedan du öppnade formuläret."


def _known_from(s: CameraSite):
    """The earliest date a source about the site carries: nothing about it is known before."""
    dated = [d for d in (s.decided, s.start, s.reported, s.status_as_of) if d]
    return min(dated) if dated else None


def camera_site_dict(s: CameraSite, public: bool = True) -> dict:
    generalise = public and s.sensitive
    details = s.details or {}
    point = None if generalise or s.lon is None else {"lon": s.lon, "lat": s.lat}
    precision = "area" if generalise else s.precision
    return {
        "slug": s.slug, "name": s.name, "municipality_code": s.municipality_code,
        "precision": precision, "precision_label": vocab.PRECISIONS[precision],
        "point": point, "areas": [{"slug": a.slug, "name": a.name} for a in s.areas],
        "status": s.status, "status_label": vocab.CAMERA_STATUSES[s.status],
        "decided": s.decided, "date_label": s.date_label, "start": s.start, "end": s.end,
        "reported": s.reported, "reported_label": (details.get("reported") or {}).get("label"),
        "status_as_of": s.status_as_of, "status_as_of_label": (details.get("status_as_of") or {}).get("label"),
        "status_note": details.get("status_note"), "further_sources": details.get("further_sources") or [],
        "known_from": _known_from(s),
        "count": s.count, "description": s.description,
        "location_note": ("Platsen är generaliserad till området." if generalise else s.location_note),
        "source": {"url": s.source_url, "title": s.source_title},
        "commitments": [f"{c.promise.slug}/{c.slug}" for c in s.commitments],
        "sensitive": s.sensitive if not public else None,
        "version": s.version,
    }


def list_camera_sites(session: Session, public: bool = True, municipality: str | None = None) -> list[dict]:
    query = select(CameraSite).options(selectinload(CameraSite.areas), selectinload(CameraSite.commitments))
    if municipality:
        query = query.where(CameraSite.municipality_code == municipality)
    sites = session.scalars(query.order_by(CameraSite.municipality_code, CameraSite.name)).all()
    return [camera_site_dict(s, public) for s in sites]


def edit_dict(s: CameraSite) -> dict:
    """The editable fields, the areas and the version, exactly as stored (never generalised)."""
    return {"slug": s.slug, **{k: getattr(s, k) for k in EDITABLE},
            "areas": sorted(a.slug for a in s.areas), "version": s.version}


def _load(session: Session, slug: str) -> CameraSite:
    site = session.scalar(select(CameraSite).options(selectinload(CameraSite.areas)).where(CameraSite.slug == slug))
    if site is None:
        raise NotFound(f"Det finns ingen kameraplats med adressen '{slug}'.")
    return site


def get_camera_site(session: Session, slug: str) -> dict:
    return edit_dict(_load(session, slug))


def _areas_for(session: Session, fields: dict, chosen: list[str]) -> list[Area]:
    """With a point: the areas that contain it (so generalising follows a move); else the chosen ones."""
    areas = {a.slug: a for a in session.scalars(select(Area))}
    if fields.get("lon") is not None:
        index = geo.AreaIndex({slug: geo.from_geojson(a.geometry) for slug, a in areas.items()})
        chosen = index.containing(fields["lon"], fields["lat"])
    unknown = [s for s in chosen if s not in areas]
    if unknown:
        raise MapappError(f"Okänt område: {', '.join(unknown)}.")
    return [areas[s] for s in chosen]


def create_camera_site(session: Session, slug: str, fields: dict, chosen_areas: list[str], username: str) -> dict:
    if slug == "new":  # the address of the form that creates sites
        raise MapappError("Adressen 'new' är reserverad; välj en annan.")
    if session.scalar(select(CameraSite.id).where(CameraSite.slug == slug)):
        raise MapappError(f"Det finns redan en kameraplats med adressen '{slug}'.")
    with audit.write(session):
        site = CameraSite(slug=slug, **fields, areas=_areas_for(session, fields, chosen_areas), version=1)
        session.add(site)
        session.flush()
        audit.record(session, username, "create", "camera_site", slug, None, edit_dict(site))
    return edit_dict(site)


def update_camera_site(session: Session, slug: str, fields: dict, chosen_areas: list[str],
                       expected_version: int, username: str) -> dict:
    """Save if nobody saved since expected_version (409 otherwise); audited, all or nothing."""
    site = _load(session, slug)
    before = edit_dict(site)
    if before["version"] != expected_version:
        raise MapappError(_CHANGED_ELSEWHERE, 409)
    areas = _areas_for(session, fields, chosen_areas)
    if all(before[k] == v for k, v in fields.items()) and before["areas"] == sorted(a.slug for a in areas):
        return before  # nothing changed: no new version, no audit entry
    with audit.write(session):
        claim_version(session, site, expected_version, _CHANGED_ELSEWHERE, **fields)
        site.areas = areas
        session.flush()
        audit.record(session, username, "update", "camera_site", slug, before, edit_dict(site))
    return edit_dict(site)
