"""Camera sites as published: a sensitive site is generalised to its area."""
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import vocab
from ..models import CameraSite


def camera_site_dict(s: CameraSite, public: bool = True) -> dict:
    generalise = public and s.sensitive
    point = None if generalise or s.lon is None else {"lon": s.lon, "lat": s.lat}
    precision = "area" if generalise else s.precision
    return {
        "slug": s.slug, "name": s.name, "municipality_code": s.municipality_code,
        "precision": precision, "precision_label": vocab.PRECISIONS[precision],
        "point": point, "areas": [{"slug": a.slug, "name": a.name} for a in s.areas],
        "status": s.status, "status_label": vocab.CAMERA_STATUSES[s.status],
        "decided": s.decided, "date_label": s.date_label, "start": s.start, "end": s.end,
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
