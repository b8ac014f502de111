"""Load and check the data files in geodata/: one clear DataError per broken record."""
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..geo import shapes as geo
from ..domain import vocab
from ..core.errors import DataError
from .records import Record, read_yaml, unique



@dataclass
class Dataset:
    areas: list[dict] = field(default_factory=list)
    promises: list[dict] = field(default_factory=list)
    follow_ups: list[dict] = field(default_factory=list)
    camera_sites: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)


def load(data_dir: Path) -> Dataset:
    """Read every data file under data_dir and check it; raise DataError on the first problem."""
    data_dir = Path(data_dir)
    ds = Dataset()
    ds.areas = _load_areas(data_dir)
    slugs = {a["slug"] for a in ds.areas}
    promise_files = sorted((data_dir / "promises").glob("*.yaml"))
    if not promise_files:
        raise DataError("promises/", "folder", "", "no promise files (*.yaml) found")
    for path in promise_files:
        ds.promises.append(_load_promise(path, f"promises/{path.name}", slugs))
    unique([p["slug"] for p in ds.promises], "promises/", "promise")
    commitments = {f"{p['slug']}/{c['slug']}": (p, c) for p in ds.promises for c in p["commitments"]}
    ds.camera_sites = _load_camera_sites(data_dir / "camera_sites.yaml", slugs, commitments)
    ds.follow_ups = _load_follow_ups(data_dir / "follow_ups.yaml", commitments)
    ds.places = _load_places(data_dir / "places.yaml", {a["slug"]: a for a in ds.areas})
    return ds


def _load_places(path: Path, areas: dict) -> list[dict]:
    raw = read_yaml(path, path.name) if path.exists() else []
    if not isinstance(raw, list):
        raise DataError(path.name, "file", "", "expected a list of places")
    out = []
    for i, item in enumerate(raw or []):
        rec = Record(item, path.name, f"place {i + 1}")
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
    return {"member": member, "groups": est.strings("groups", required=False),
            "note": est.get("note", required=False), "source": est.get("source", required=member)}


def _load_promise(path: Path, label: str, area_slugs: set) -> dict:
    rec = Record(read_yaml(path, label), label, "promise")
    slug = rec.slug()
    rec.name = f"promise '{slug}'"
    muni = rec.child("municipality", "municipality")
    period = rec.child("period", "period")
    start, end = period.get("start", dt.date), period.get("end", dt.date)
    if end < start:
        period.fail("end", "period ends before it starts")
    rule = rec.child("follow_up_rule", "follow_up_rule")
    cadence = rule.get("cadence", choices=vocab.CADENCES)
    months = rule.get("months", list, required=cadence == "semiannual", default=[])
    if any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
        rule.fail("months", "expected month numbers 1–12")
    commitments = []
    for i, raw in enumerate(rec.get("commitments", list)):
        commitments.append(_commitment(Record(raw, label, f"{rec.name} commitment {i + 1}"), area_slugs))
    if not commitments:
        rec.fail("commitments", "a promise needs at least one commitment")
    unique([c["slug"] for c in commitments], label, "commitment")
    dialogue = None
    if rec.data.get("dialogue"):
        d = rec.child("dialogue", "dialogue")
        dialogue = {"summary": d.get("summary"), "groups": d.strings("groups", required=False)}
    return {
        "slug": slug, "title": rec.get("title"),
        "municipality_code": muni.get("code"), "municipality_name": muni.get("name"),
        "parties": rec.strings("parties"),
        "period_start": start, "period_end": end,
        "signed": rec.get("signed", dt.date, required=False),
        "problem_picture": rec.get("problem_picture", required=False),
        "dialogue": dialogue,
        "follow_up_rule": {
            "cadence": cadence, "months": months, "text": rule.get("text"),
            "due": rule.get("due", dt.date, required=cadence == "once"),
            "reporter": rule.get("reporter", required=False), "note": rule.get("note", required=False),
        },
        "sources": [_source(Record(s, label, f"{rec.name} source {i + 1}"))
                    for i, s in enumerate(rec.get("sources", list))],
        "related_reports": [_report(Record(r, label, f"{rec.name} related report {i + 1}"))
                            for i, r in enumerate(rec.get("related_reports", list, required=False, default=[]))],
        "commitments": commitments,
    }


def _commitment(rec: Record, area_slugs: set) -> dict:
    areas = rec.get("areas", (list, str))
    if isinstance(areas, str):
        if areas != "all":
            rec.fail("areas", "expected a list of area slugs or 'all' for the whole municipality")
        areas = []
    for slug in areas:
        if slug not in area_slugs:
            rec.fail("areas", f"unknown area '{slug}'")
    target = None
    if rec.data.get("target") is not None:
        t = rec.child("target", "target")
        target = {"count": t.get("count", int), "unit": t.get("unit"), "text": t.get("text")}
    method = rec.get("method", required=False, choices=vocab.METHODS)
    return {
        "slug": rec.slug(), "title": rec.get("title"), "text": rec.get("text").strip(),
        "text_note": rec.get("text_note", required=False), "note": rec.get("note", required=False),
        "responsible": rec.get("responsible", choices=vocab.RESPONSIBLE),
        "themes": rec.strings("themes"), "method": method, "target": target,
        "areas": areas, "whole_municipality": not areas,
        "camera_sites": rec.strings("camera_sites", required=False),
    }


def _source(rec: Record) -> dict:
    seed, url = rec.get("seed", required=False), rec.get("url", required=False)
    if not seed and not url:
        rec.fail("url", "a source needs a seed file or a URL")
    return {"seed": seed, "url": url, "title": rec.get("title")}


def _report(rec: Record) -> dict:
    return {"date_label": rec.get("date_label"), "title": rec.get("title"),
            "summary": rec.get("summary"), "url": rec.get("url")}


def _load_follow_ups(path: Path, commitments: dict) -> list[dict]:
    raw = read_yaml(path, path.name) or []
    if not isinstance(raw, list):
        raise DataError(path.name, "file", "", "expected a list of follow-ups")
    out = []
    for i, item in enumerate(raw):
        rec = Record(item, path.name, f"follow-up {i + 1}")
        key = rec.get("commitment")
        if key not in commitments:
            rec.fail("commitment", f"unknown commitment '{key}' (use promise-slug/commitment-slug)")
        status = rec.get("status", choices=vocab.STATUSES)
        evidence = rec.child("evidence", "evidence") if item.get("evidence") else None
        if status != vocab.DEFAULT_STATUS and evidence is None:
            rec.fail("evidence", f"status '{status}' needs evidence")
        out.append({
            "commitment": key, "date": rec.get("date", dt.date),
            "date_label": rec.get("date_label", required=False), "status": status,
            "note": rec.get("note"), "basis": rec.get("basis", required=False),
            "evidence_url": evidence.get("url") if evidence else None,
            "evidence_title": evidence.get("title") if evidence else None,
        })
    return out


def _load_camera_sites(path: Path, area_slugs: set, commitments: dict) -> list[dict]:
    raw = read_yaml(path, path.name) or []
    if not isinstance(raw, list):
        raise DataError(path.name, "file", "", "expected a list of camera sites")
    out = []
    for i, item in enumerate(raw):
        rec = Record(item, path.name, f"camera site {i + 1}")
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
        src = rec.child("source", "source")
        out.append({
            "slug": rec.slug(), "name": rec.get("name"),
            "municipality_code": rec.get("municipality"), "precision": precision, "point": point,
            "areas": areas, "status": rec.get("status", choices=vocab.CAMERA_STATUSES),
            "decided": rec.get("decided", dt.date, required=False),
            "date_label": rec.get("date_label", required=False),
            "start": rec.get("start", dt.date, required=False),
            "end": rec.get("end", dt.date, required=False),
            "count": rec.get("count", int, required=False),
            "description": rec.get("description"), "location_note": rec.get("location_note", required=False),
            "sensitive": rec.get("sensitive", bool, required=False, default=False),
            "source_url": src.get("url"), "source_title": src.get("title"),
        })
    unique([c["slug"] for c in out], path.name, "camera site")
    for p_slug, (promise, commitment) in commitments.items():
        for site in commitment["camera_sites"]:
            if site not in {c["slug"] for c in out}:
                raise DataError(f"promises/{promise['slug']}.yaml", f"commitment '{commitment['slug']}'",
                                "camera_sites", f"unknown camera site '{site}'")
    return out
