"""Areas and places as search candidates."""
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .models import Area, Place


def search_candidates(session: Session) -> list[dict]:
    """Every area and place with the names it may be found by."""
    out = []
    for a in session.scalars(select(Area).order_by(Area.name)):
        out.append({"kind": "area", "slug": a.slug, "name": a.name, "area": a.slug, "area_name": a.name,
                    "municipality": a.municipality_name, "names": [a.name],
                    "placement": "polygon", "note": None, "point": None, "source": None})
    for p in session.scalars(select(Place).options(selectinload(Place.area)).order_by(Place.name)):
        out.append({"kind": "place", "slug": p.slug, "name": p.name, "area": p.area.slug,
                    "area_name": p.area.name, "municipality": p.area.municipality_name,
                    "names": [p.name, *p.aliases],
                    "placement": "source_point" if p.lon is not None else "area_polygon",
                    "point": {"lon": p.lon, "lat": p.lat} if p.lon is not None else None,
                    "note": p.note, "source": {"url": p.source_url, "title": p.source_title}})
    return out
