"""Load and check the data files in geodata/: one clear DataError per broken record."""
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..geo import shapes as geo
from ..domain import vocab
from ..core.errors import DataError
from .promise_files import load_follow_ups, load_promise, check_reports
from .records import Record, read_records, read_yaml, unique

@dataclass
class Dataset:
    areas: list[dict] = field(default_factory=list)
    promises: list[dict] = field(default_factory=list)
    follow_ups: list[dict] = field(default_factory=list)
    camera_sites: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)


def load(data_dir: Path, extra: bool = False) -> Dataset:
    """Read every data file under data_dir and check it; raise DataError on the first problem.

    The promise, commitment, follow-up and camera-site dicts have the shape the ORM models take. With
    extra=True each also carries an `extra` dict with the fields the models do not have yet (period
    precision, follow-up knowledge, camera status dates …; SCHEMA.md); a caller that builds models from
    the dicts removes `extra` first."""
    data_dir = Path(data_dir)
    ds = Dataset()
    ds.areas = _load_areas(data_dir)
    slugs = {a["slug"] for a in ds.areas}
    promise_files = sorted((data_dir / "promises").glob("*.yaml"))
    if not promise_files:
        raise DataError("promises/", "folder", "", "no promise files (*.yaml) found")
    for path in promise_files:
        ds.promises.append(load_promise(path, f"promises/{path.name}", slugs))
    unique([p["slug"] for p in ds.promises], "promises/", "promise")
    commitments = {f"{p['slug']}/{c['slug']}": (p, c) for p in ds.promises for c in p["commitments"]}
    ds.camera_sites = _load_camera_sites(data_dir / "camera_sites.yaml", slugs, commitments)
    ds.follow_ups = load_follow_ups(data_dir / "follow_ups.yaml", commitments)
    check_reports(ds.promises, ds.follow_ups)
    ds.places = _load_places(data_dir / "places.yaml", {a["slug"]: a for a in ds.areas})
    if not extra:
        for record in (*ds.promises, *(c for p in ds.promises for c in p["commitments"]), *ds.follow_ups,
                       *ds.camera_sites):
            record.pop("extra")
    return ds


def _load_places(path: Path, areas: dict) -> list[dict]:
    out = []
    for rec in read_records(path, "place", optional=True):
        area = rec.get("area")
        if area not in areas:
            rec.fail("area", f"unknown area '{area}'")
        point = None
        if rec.data.get("point") is not None:
            p = rec.child("point", "point")
            try:
                lon, lat = geo.valid_lon_lat(p.get("lon", (int, float)), p.get("lat", (int, float)))
            except ValueError as exc:
                p.fail("point", str(exc))
            if not areas[area]["geometry"].covers(geo.point(lon, lat)):
                p.fail("point", f"the point is not inside the area '{area}'")
            point = {"lon": lon, "lat": lat}
        src = rec.child("source", "source")
        out.append({"slug": rec.slug(), "name": rec.get("name"), "aliases": rec.strings("aliases", required=False),
                    "area": area, "point": point, "note": rec.get("note", required=False),
                    "source_url": src.get("url"), "source_title": src.get("title")})
    unique([p["slug"] for p in out], path.name, "place")
    return out


def _load_areas(data_dir: Path) -> list[dict]:
    features = geo.read_feature_collection(data_dir / "areas.geojson", "areas.geojson")
    extra = read_yaml(data_dir / "areas.yaml", "areas.yaml") or {}
    if not isinstance(extra, dict):
        raise DataError("areas.yaml", "file", "", "expected a mapping from area slug to facts")
    areas = []
    for i, feature in enumerate(features):
        rec = Record(feature["properties"], "areas.geojson", f"feature {i}")
        slug = rec.slug()
        rec.name = f"feature {i} ({slug})"
        prov = rec.child("provenance", "provenance")
        provenance = {k: prov.get(k) for k in ("dataset", "licence", "attribution", "caveat", "file")}
        provenance["approximation"] = prov.get("approximation", bool)
        provenance["feature_ids"] = prov.strings("feature_ids")
        provenance["feature_field"] = prov.get("feature_field")
        provenance["upstream"] = prov.strings("upstream", required=False)
        facts = Record(extra.get(slug) or {}, "areas.yaml", f"area '{slug}'")
        areas.append({
            "slug": slug, "name": rec.get("name"),
            "municipality_code": rec.get("municipality_code"),
            "municipality_name": rec.get("municipality_name"),
            "provenance": provenance,
            "geometry": feature["geometry"],
            "lagesbild": _lagesbild(facts),
            "lagesbild_note": facts.get("lagesbild_note", required=False),
            "est": _est(facts),
        })
    unique([a["slug"] for a in areas], "areas.geojson", "area")
    unknown = set(extra) - {a["slug"] for a in areas}
    if unknown:
        raise DataError("areas.yaml", f"area '{sorted(unknown)[0]}'", "", "no such area in areas.geojson")
    return areas


def _lagesbild(facts: Record) -> list[dict]:
    entries = []
    for i, raw in enumerate(facts.get("lagesbild", list, required=False, default=[])):
        rec = Record(raw, facts.file, f"{facts.name} lagesbild[{i}]")
        status = rec.get("status", choices=vocab.LAGESBILD_STATUSES)
        entries.append({
            "year": rec.get("year", int), "status": status,
            "category": rec.get("category", required=status == "listed", choices=vocab.LAGESBILD_CATEGORIES),
            "note": rec.get("note", required=False), "source": rec.get("source"),
        })
    return sorted(entries, key=lambda e: e["year"])


def _est(facts: Record) -> dict:
    if "est" not in facts.data:
        return {"member": False}
    est = facts.child("est", "est")
    member = est.get("member", bool)
    notes = []
    for i, raw in enumerate(est.get("notes", list, required=False, default=[])):
        n = Record(raw, facts.file, f"{est.name} note {i + 1}")
        notes.append({"text": n.get("text"), "source": n.get("source")})
    # `note` is sourced by `source`; a fact from elsewhere goes in `notes` with its own source.
    return {"member": member, "groups": est.strings("groups", required=False),
            "note": est.get("note", required=False), "source": est.get("source", required=member),
            "notes": notes}


def _load_camera_sites(path: Path, area_slugs: set, commitments: dict) -> list[dict]:
    out = []
    for rec in read_records(path, "camera site"):
        precision = rec.get("precision", choices=vocab.PRECISIONS)
        point = None
        if precision in ("site", "approximate"):
            p = rec.child("point", "point")
            try:
                lon, lat = geo.valid_lon_lat(p.get("lon", (int, float)), p.get("lat", (int, float)))
            except ValueError as exc:
                p.fail("point", str(exc))
            point = {"lon": lon, "lat": lat}
        elif rec.data.get("point") is not None:
            rec.fail("point", "an 'area' precision camera site has no point")
        areas = rec.strings("areas")
        for slug in areas:
            if slug not in area_slugs:
                rec.fail("areas", f"unknown area '{slug}'")
        if precision == "approximate" and not rec.data.get("location_note"):
            rec.fail("location_note", "an approximate point says what it approximates")
        src = rec.child("source", "source")
        decided = rec.get("decided", dt.date, required=False)
        reported = rec.when("reported", required=False)
        as_of = rec.when("status_as_of")
        if decided and as_of.last < decided:
            rec.fail("status_as_of", "the status is dated before the decision")
        if decided and reported and reported.last < decided:
            rec.fail("reported", "reported before the decision date")
        further = []
        for j, raw in enumerate(rec.get("further_sources", list, required=False, default=[])):
            f = Record(raw, path.name, f"{rec.name} further source {j + 1}")
            further.append({"url": f.get("url"), "title": f.get("title"), "note": f.get("note", required=False)})
        out.append({
            "slug": rec.slug(), "name": rec.get("name"),
            "municipality_code": rec.get("municipality"), "precision": precision, "point": point,
            "areas": areas, "status": rec.get("status", choices=vocab.CAMERA_STATUSES),
            "decided": decided,
            "date_label": rec.get("date_label", required=False),
            "start": rec.get("start", dt.date, required=False),
            "end": rec.get("end", dt.date, required=False),
            "count": rec.get("count", int, required=False),
            "description": rec.get("description"), "location_note": rec.get("location_note", required=False),
            "sensitive": rec.get("sensitive", bool, required=False, default=False),
            "source_url": src.get("url"), "source_title": src.get("title"),
            "extra": {
                "reported": reported.as_dict(rec.get("reported_label", required=False)) if reported else None,
                "status_as_of": as_of.as_dict(rec.get("status_as_of_label", required=False)),
                "status_note": rec.get("status_note", required=False),
                "further_sources": further,
            },
        })
    unique([c["slug"] for c in out], path.name, "camera site")
    for p_slug, (promise, commitment) in commitments.items():
        for site in commitment["camera_sites"]:
            if site not in {c["slug"] for c in out}:
                raise DataError(f"promises/{promise['slug']}.yaml", f"commitment '{commitment['slug']}'",
                                "camera_sites", f"unknown camera site '{site}'")
    return out
