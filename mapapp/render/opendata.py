"""Open data: the published layers that the exports and the OGC API both serve, built from the store.

Only published promises are included, and camera sites as published (a sensitive site is generalised
to its area). A commitment's geometry is the union of the areas it targets; a whole-municipality
commitment gets the union of the map's areas in its municipality (not the municipality boundary),
and its `geometry_basis` property says which.
"""
import datetime as dt
import json
from dataclasses import dataclass
from typing import Callable

from ..geo import shapes as geo
from . import mapdata
from ..core.csvtext import csv_text
from ..core.errors import NotFound
from ..core.jsonable import plain
from ..store import areas as area_store
from . import world as worlds

GEOMETRY_NOTES = {
    "areas": "Geometrin är unionen av de områden som åtagandet riktar sig till.",
    "municipality_areas": ("Åtagandet gäller hela kommunen; geometrin är unionen av kartans områden i "
                           "kommunen, inte kommungränsen."),
    "none": "Kartan har inget område för åtagandet.",
}
# Nested objects that CSV and GeoPackage split into one column per member (e.g. period_start).
_SPLIT = {"municipality": ("code", "name"), "period": ("start", "end"), "point": ("lon", "lat"),
          "evidence": ("url", "title", "file"), "source": ("url", "title")}


def area_features(session, today) -> list[dict]:
    """The map's areas (as /api/areas.geojson) with each area's provenance: dataset, licence, attribution."""
    areas = worlds.get(session, today).areas
    # The map's features are cached and shared: each gets a copy with the provenance added.
    return [{**f, "properties": {**f["properties"], "provenance": areas[f["id"]]["provenance"]}}
            for f in mapdata.area_features(session, today, stored=True)]


def camera_features(session, today=None) -> list[dict]:
    """Camera sites as published; a site with no point and no area keeps a null geometry."""
    return mapdata.camera_features(session, today)


def commitment_features(session, today) -> list[dict]:
    """One feature per commitment of a published promise, its geometry from the areas it reaches."""
    geometries = area_store.area_geometries(session)
    names = area_store.area_names(session)
    features, unions = [], {}  # many commitments share a set of areas: union each set once
    for p in worlds.all_promises(session, today):
        in_municipality = sorted(s for s, n in names.items() if n["municipality"]["code"] == p["municipality"]["code"])
        for c in p["commitments"]:
            slugs = in_municipality if c["whole_municipality"] else [a["slug"] for a in c["areas"]]
            basis = ("municipality_areas" if c["whole_municipality"] else "areas") if slugs else "none"
            props = {k: v for k, v in c.items() if k != "follow_ups"}
            props.update({"promise_title": p["title"], "municipality": p["municipality"], "period": p["period"],
                          "follow_up_count": len(c["follow_ups"]), "geometry_basis": basis,
                          "geometry_areas": slugs, "geometry_note": GEOMETRY_NOTES[basis]})
            if tuple(slugs) not in unions:
                unions[tuple(slugs)] = geo.union_geojson([geometries[s] for s in slugs])
            features.append({"type": "Feature", "id": c["key"], "properties": plain(props),
                             "geometry": unions[tuple(slugs)]})
    return features


def promise_rows(session, today) -> list[dict]:
    """Published promises as /api/promises/<slug> gives them, commitments named by key."""
    rows = []
    for p in worlds.all_promises(session, today):
        row = {k: v for k, v in p.items() if k != "commitments"}
        row["commitment_keys"] = [c["key"] for c in p["commitments"]]
        rows.append(plain(row))
    return rows


def follow_up_rows(session, today) -> list[dict]:
    """Every follow-up of a published promise (superseded ones too, flagged), oldest first per promise."""
    rows = []
    for p in worlds.all_promises(session, today):
        entries = [{"promise": p["slug"], "commitment": c["key"], "commitment_title": c["title"], **f}
                   for c in p["commitments"] for f in c["follow_ups"]]
        rows.extend(plain(sorted(entries, key=lambda f: (f["date"], f["id"]))))
    return rows


def _commitment_span(props):
    return props["period"]["start"], props["period"]["end"]


def _camera_span(props):
    start = props.get("start") or props.get("decided")
    return (start, props.get("end")) if start or props.get("end") else None


@dataclass(frozen=True)
class Layer:
    """One open-data layer: spatial layers are GeoJSON features, the others plain rows."""

    name: str
    title: str
    description: str
    build: Callable
    spatial: bool
    span: Callable | None = None  # (start, end) ISO dates of a feature's properties, for datetime queries

    @property
    def table(self) -> str:
        """The layer's name inside a GeoPackage or a JSON document."""
        return self.name.replace("-", "_")

    @property
    def formats(self) -> tuple:
        return ("geojson", "csv", "gpkg") if self.spatial else ("json", "csv", "gpkg")


LAYERS = {layer.name: layer for layer in (
    Layer("areas", "Områden",
          "Stadsdelar och områden med polisens lägesbild, EST och det senaste medborgarlöftet som når dem.",
          area_features, True),
    Layer("camera-sites", "Kamerabevakning",
          "Polisens kamerabevakning som publicerad: en punkt bara där en källa anger en, annars "
          "beslutsområdet som unionen av områdena; känsliga platser generaliserade till området; "
          "platser utan punkt och område har geometrin null.",
          camera_features, True, _camera_span),
    Layer("commitments", "Åtaganden",
          "Åtagandena i publicerade medborgarlöften med status; geometrin är unionen av områdena "
          "åtagandet riktar sig till, eller kartans områden i kommunen för hela kommunen (se geometry_basis).",
          commitment_features, True, _commitment_span),
    Layer("follow-ups", "Uppföljningar", "Publicerade uppföljningar av åtagandena, med underlag.",
          follow_up_rows, False),
    Layer("promises", "Medborgarlöften", "Publicerade medborgarlöften med period, parter och källor.",
          promise_rows, False),
)}


def get_layer(name: str) -> Layer:
    if name not in LAYERS:
        raise NotFound(f"There is no layer '{name}'; the layers are {', '.join(LAYERS)}.")
    return LAYERS[name]


def _cell(value):
    """A value for one table cell: nested JSON as JSON text, dates as ISO text."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(plain(value), ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def flat_row(props: dict) -> dict:
    """One flat table row from nested properties."""
    out = {}
    for key, value in props.items():
        if key in _SPLIT and (value is None or isinstance(value, dict)):
            for member in _SPLIT[key]:
                out[f"{key}_{member}"] = _cell((value or {}).get(member))
        else:
            out[key] = _cell(value)
    return out


def flat_records(layer: Layer, records: list[dict]) -> tuple[list[dict], list | None]:
    """Flat rows and, for a spatial layer, their GeoJSON geometries in the same order."""
    if layer.spatial:
        return [flat_row(f["properties"]) for f in records], [f["geometry"] for f in records]
    return [flat_row(r) for r in records], None


def columns(rows: list[dict]) -> list[str]:
    """Every key of the rows, in the order first seen, so all rows share one header."""
    seen = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def to_csv(rows: list[dict]) -> str:
    """The rows as CSV text (core/csvtext.py: formula-safe cells), one header for all."""
    return csv_text(columns(rows), rows)
