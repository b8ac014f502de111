"""Imported area boundaries: which areas are new and which get a new geometry, written in one audited transaction."""
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import MapappError
from .models import Area, _now
from . import audit


def _existing(session: Session, boundaries) -> dict[str, Area]:
    slugs = [b.slug for b in boundaries]
    return {a.slug: a for a in session.scalars(select(Area).where(Area.slug.in_(slugs)))} if slugs else {}


def plan_import(session: Session, boundaries, municipality: tuple[str, str] | None) -> list[dict]:
    """One row per boundary: a new area, or a new geometry for an existing one; refused when that cannot be done."""
    existing = _existing(session, boundaries)
    rows, homeless, elsewhere = [], [], []
    for b in boundaries:
        area = existing.get(b.slug)
        if area is None and municipality is None:
            homeless.append(b.slug)
        if area is not None and municipality and area.municipality_code != municipality[0]:
            elsewhere.append(f"{b.slug} ({area.municipality_name})")
        rows.append({"number": b.number, "slug": b.slug, "name": b.name, "action": "replace" if area else "create",
                     "current_name": area.name if area else None,
                     "current_km2": round(area.area_km2, 3) if area else None,
                     "area_km2": round(b.area_km2, 3), "vertices": b.vertices,
                     "municipality": area.municipality_name if area else municipality[1] if municipality else None})
    if homeless:
        raise MapappError(f"Välj kommun för de nya områdena: {', '.join(homeless)[:300]}.", 422)
    if elsewhere:
        raise MapappError(f"Områdena finns redan i en annan kommun: {', '.join(elsewhere)[:300]}.", 422)
    return rows


def _snapshot(area: Area) -> dict:
    """What the audit log keeps of an area's boundary: the geometry by hash, not the vertices themselves."""
    return {"name": area.name, "municipality_code": area.municipality_code, "area_km2": round(area.area_km2, 4),
            "geometry_sha256": hashlib.sha256(area.geometry.encode("utf-8")).hexdigest(),
            "geometry_bytes": len(area.geometry), "provenance": area.provenance}


def import_boundaries(session: Session, checked, municipality: tuple[str, str] | None, source: dict,
                      username: str) -> dict:
    """Create the new areas and replace the geometry of the existing ones: all or nothing, audited, version bumped.

    source: dataset, licence and attribution as the planner gave them.
    """
    plan_import(session, checked.boundaries, municipality)  # again, inside this write's transaction
    existing = _existing(session, checked.boundaries)
    at = _now().isoformat(timespec="seconds")
    done = {"created": [], "replaced": []}
    try:
        with audit.write(session):
            for b in checked.boundaries:
                provenance = {
                    "dataset": source.get("dataset") or checked.file, "licence": source["licence"],
                    "attribution": source.get("attribution") or f"Källa: {source.get('dataset') or checked.file}",
                    "caveat": "", "approximation": False, "file": checked.file, "format": checked.kind,
                    "crs": checked.crs, "feature_field": checked.feature_field, "feature_ids": [b.feature_id],
                    "upstream": [], "uploaded_by": username, "uploaded_at": at}
                geometry = json.dumps(b.geometry, separators=(",", ":"))
                area = existing.get(b.slug)
                before = _snapshot(area) if area else None
                if area is None:
                    area = Area(slug=b.slug, name=b.name, municipality_code=municipality[0],
                                municipality_name=municipality[1], geometry=geometry, area_km2=b.area_km2,
                                provenance=provenance, lagesbild_note=None, est={"member": False})
                    session.add(area)
                else:
                    area.geometry, area.area_km2, area.provenance = geometry, b.area_km2, provenance
                session.flush()
                audit.record(session, username, "replace-geometry" if before else "import", "area", b.slug,
                             before, _snapshot(area))
                done["replaced" if before else "created"].append(b.slug)
    except IntegrityError:
        raise MapappError("Ett område med samma adress skapades samtidigt. Ladda upp filen igen.", 409) from None
    return done
