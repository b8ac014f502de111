"""A draft's named places: the import's gazetteer match, the reviewer's choice, and on publishing an Area made
from the gazetteer entry (its polygon and provenance) or a named place that stays off the map."""
import json
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.errors import MapappError
from ..geo import shapes
from ..geo.gazetteer import polygon
from ..importer import gazetteer
from ..importer.draft_areas import entry_keys
from ..importer.people import slugify
from . import audit
from .import_models import DraftPlace
from .models import Area, Promise

CHOICES = ("match", "entry", "area", "none")


def add_places(session: Session, promise: Promise, places: list[dict]):
    """Store the named places of a new draft; one without a gazetteer entry starts as "none" (off the map)."""
    for position, p in enumerate(places, 1):
        session.add(DraftPlace(promise=promise, position=position, name=p["name"][:200], span=p.get("span"),
                               confidence=p["confidence"], how=p.get("how"), match=p.get("match"),
                               choice=None if p.get("match") else "none"))


def place_dict(row: DraftPlace) -> dict:
    return {"position": row.position, "name": row.name, "span": row.span, "confidence": row.confidence,
            "how": row.how, "match": row.match, "choice": row.choice, "entry": row.entry, "area": row.area_slug}


def places_of(session: Session, promise_id: int) -> list[dict]:
    return places_of_drafts(session, [promise_id]).get(promise_id, [])


def places_of_drafts(session: Session, promise_ids) -> dict[int, list[dict]]:
    """Promise id → its named places in order, for many drafts in one query."""
    out = {}
    for r in session.scalars(select(DraftPlace).where(DraftPlace.promise_id.in_(list(promise_ids)))
                             .order_by(DraftPlace.promise_id, DraftPlace.position)):
        out.setdefault(r.promise_id, []).append(place_dict(r))
    return out


def undecided(places: list[dict]) -> list[str]:
    """The names whose gazetteer match nobody has accepted, changed or declined yet."""
    return [p["name"] for p in places if p["choice"] not in CHOICES]


def save_choices(session: Session, promise_id: int, choices: list[dict]):
    """Write the reviewer's choice for each place (by position); the caller owns the transaction."""
    rows = {r.position: r for r in session.scalars(select(DraftPlace).where(DraftPlace.promise_id == promise_id))}
    if sorted(c["position"] for c in choices) != sorted(rows):
        raise MapappError("Formuläret är trasigt: platserna stämmer inte med utkastet. Ladda om sidan.")
    for c in choices:
        row = rows[c["position"]]
        if c["choice"] == "match" and not row.match:
            raise MapappError(f"”{row.name}” har inget förslag ur ortregistret att godta.")
        row.choice = c["choice"] or None
        row.entry = c.get("entry") if c["choice"] == "entry" else None
        row.area_slug = c.get("area") if c["choice"] == "area" else None


def _area_slug(session: Session, name: str, municipality: str | None) -> str:
    taken = set(session.scalars(select(Area.slug)))
    base = slugify(name, words=6)
    slug = base if base not in taken else slugify(f"{name} {municipality or ''}", words=8)
    n = 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _new_area(session: Session, place, gaz, geodata_dir: str, promise: Promise, username: str) -> Area:
    """An app Area from a gazetteer entry: its polygon as the dataset draws it, with the dataset's provenance."""
    meta = gaz.datasets.get(place.dataset) or {}
    geometry = polygon(meta, place.id, geodata_dir) if meta else None
    if geometry is None:
        raise MapappError(f"Gränsen för ”{place.name}” kunde inte läsas ur {meta.get('title', place.dataset)}; "
                          "välj ett annat alternativ.", 422)
    shape = shapes.from_geojson(geometry)
    code = place.municipality_code or promise.municipality_code
    muni = gaz.by_code.get(code, {}).get("name") or promise.municipality_name
    field = meta.get("id_field") or meta.get("name_field")
    # The feature's own id ("561750" of "561750-araby"), or its name where the dataset has no id field.
    suffix = "-" + "-".join(gazetteer.fold(place.name).split())
    own = (place.id.removesuffix(suffix) or place.id) if meta.get("id_field") else place.name
    provenance = {
        "dataset": meta.get("title", place.dataset), "licence": meta.get("licence"),
        "attribution": meta.get("attribution"),
        "caveat": f"Gränsen ur {meta.get('title', place.dataset)}, vald vid granskningen av det importerade "
                  f"löftet ”{promise.title}”.",
        "approximation": False, "file": Path(meta.get("file", "")).name, "feature_field": field,
        "feature_ids": [own], "gazetteer": {"dataset": place.dataset, "id": place.id},
        **({"year": meta["year"]} if meta.get("year") else {}),
    }
    area = Area(slug=_area_slug(session, place.name, muni), name=place.name, municipality_code=code,
                municipality_name=muni, geometry=json.dumps(shapes.to_geojson(shape), separators=(",", ":")),
                area_km2=shapes.area_km2(shape), provenance=provenance, lagesbild_note=None, est={})
    session.add(area)
    session.flush()
    audit.record(session, username, "create", "area", area.slug, None,
                 {"name": area.name, "municipality": {"code": code, "name": muni}, "provenance": provenance,
                  "from_draft": promise.slug})
    return area


def publish_places(session: Session, promise: Promise, geodata_dir: str, username: str) -> list[str]:
    """Turn every decided place into what its commitments target; the caller owns the transaction.

    An accepted or chosen gazetteer entry becomes an app Area unless one already has its boundary; a chosen
    app area is used as it is; a place left unmatched stays a named place (details "areas_outside_map").
    Returns the slugs of the areas made.
    """
    used = {n for c in promise.commitments for n in (c.details or {}).get("places") or []}
    rows = [r for r in session.scalars(select(DraftPlace).where(DraftPlace.promise_id == promise.id))
            if r.name in used]  # a place only a removed commitment named is no longer the promise's
    if undecided([place_dict(r) for r in rows]):
        raise MapappError("Utkastet kan inte publiceras än: ta ställning till varje namngiven plats.", 422)
    gaz = gazetteer.load(geodata_dir)
    areas = list(session.scalars(select(Area)))
    by_entry = {k: a for a in areas for k in entry_keys(a.provenance, gaz)}
    by_slug = {a.slug: a for a in areas}
    resolved, made = {}, []
    for row in rows:
        if row.choice == "none":
            resolved[row.name] = None
        elif row.choice == "area":
            if row.area_slug not in by_slug:
                raise MapappError(f"Okänt område för ”{row.name}”: {row.area_slug}.", 422)
            resolved[row.name] = by_slug[row.area_slug]
        else:
            key = f"{row.match['dataset']}/{row.match['id']}" if row.choice == "match" else row.entry
            place = gaz.entry(key)
            if place is None:
                raise MapappError(f"Ortregistret har ingen post {key} för ”{row.name}”.", 422)
            if key not in by_entry:
                by_entry[key] = _new_area(session, place, gaz, geodata_dir, promise, username)
                made.append(by_entry[key].slug)
            resolved[row.name] = by_entry[key]
    for c in promise.commitments:
        details = dict(c.details or {})
        names = details.pop("places", None) or []
        if not names:
            continue
        outside = [n for n in names if resolved.get(n) is None]
        c.areas = list(c.areas) + [a for a in dict.fromkeys(resolved[n] for n in names if resolved.get(n))
                                   if a not in c.areas]
        if outside:
            details["areas_outside_map"] = outside
        c.details = details or None
        c.whole_municipality = False
    session.execute(delete(DraftPlace).where(DraftPlace.promise_id == promise.id))
    return made
