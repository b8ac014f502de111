"""Boundary files to raw features: GeoJSON read with json, GeoPackage with pyogrio; the types they share."""
import json
import math
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from pyogrio import list_layers, read_info
from pyogrio.raw import read as ogr_read

from . import safezip
from ..core.errors import MapappError
from ..core.messages import _

KINDS = {"geojson": "GeoJSON", "json": "GeoJSON", "gpkg": "GeoPackage", "zip": "Shapefile"}
_GPKG_MAGIC = b"SQLite format 3\x00"
_POSITION = re.compile(rb"\[\s*[-+]?[0-9.]")  # the start of a GeoJSON position such as [16.1, 58.6]


class BoundaryError(MapappError):
    """A refused boundary file; the message names the first problem, `problems` lists them all."""

    status = 422

    def __init__(self, message: str, status: int | None = None, problems: list[str] | None = None):
        super().__init__(message, status)
        self.problems = problems or [message]


@dataclass
class Limits:
    max_bytes: int = 20 * 2**20
    max_features: int = 500
    max_vertices: int = 200_000
    zip: safezip.ZipLimits = field(default_factory=safezip.ZipLimits)

    @classmethod
    def from_config(cls, config) -> "Limits":
        """MAX_BOUNDARY_BYTES, _FEATURES, _VERTICES, _UNPACKED_BYTES and _ZIP_MEMBERS from the settings."""
        return cls(int(config["MAX_BOUNDARY_BYTES"]), int(config["MAX_BOUNDARY_FEATURES"]),
                   int(config["MAX_BOUNDARY_VERTICES"]),
                   safezip.ZipLimits(int(config["MAX_BOUNDARY_ZIP_MEMBERS"]), int(config["MAX_BOUNDARY_UNPACKED_BYTES"]),
                                     safezip.ZipLimits().max_ratio))


@dataclass
class RawLayer:
    kind: str  # "GeoJSON", "GeoPackage" or "Shapefile"
    crs: str | None  # as the file states it; None when it states none
    fields: list[str]
    records: list[dict]
    geometries: list  # per feature: a shapely geometry, None (no geometry) or a str saying why it is unusable
    fids: list
    encoding: str = "UTF-8"  # of the attribute text
    encoding_declared: bool = True  # False for a Shapefile without .cpg: GDAL then assumes ISO-8859-1


def too_many_vertices(label: str, limits: Limits, found: str) -> BoundaryError:
    return BoundaryError(_("%(file)s: för många hörnpunkter (%(found)s; högst %(n)s per fil). Förenkla gränserna "
                           "eller dela upp filen.", file=label, found=found,
                           n=f"{limits.max_vertices:,}".replace(",", " ")))


def too_many_features(label: str, limits: Limits, found) -> BoundaryError:
    return BoundaryError(_("%(file)s: för många objekt (%(found)s; högst %(n)s per fil).", file=label,
                           found=found, n=limits.max_features))


def sniff(data: bytes, label: str) -> str:
    """The file's kind from its name, confirmed by its content."""
    ext = label.rsplit(".", 1)[-1].lower() if "." in label else ""
    if ext in ("shp", "shx", "dbf", "prj", "cpg"):
        raise BoundaryError(_("%(file)s: en Shapefile är flera filer. Zippa .shp, .shx, .dbf och .prj tillsammans "
                              "och ladda upp zip-filen.", file=label))
    if ext not in KINDS:
        raise BoundaryError(_("%(file)s: okänd filtyp; ladda upp .geojson, .gpkg eller en .zip med en Shapefile.",
                              file=label))
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    found = ("GeoPackage" if data.startswith(_GPKG_MAGIC)
             else "Shapefile" if data.startswith((b"PK\x03\x04", b"PK\x05\x06"))
             else "GeoJSON" if head.startswith(b"{") else None)
    if found != KINDS[ext]:
        raise BoundaryError(_("%(file)s: filen heter .%(ext)s men innehållet är inte %(kind)s.", file=label, ext=ext,
                              kind=_("en zip-fil") if ext == "zip" else KINDS[ext]))
    return found


def read_geopackage(data: bytes, label: str, layer: str | None, limits: Limits, workdir: Path, columns) -> RawLayer:
    """The features of one GeoPackage layer; `columns` picks the attribute columns to read from the layer's fields."""
    path = workdir / "upload.gpkg"
    path.write_bytes(data)
    return read_ogr(path, label, _gpkg_layer(path, label, layer), "GeoPackage", limits, columns)


def _count_positions(data: bytes, cap: int) -> int:
    """How many positions the text holds, counting no further than just past cap (so it is cheap)."""
    if data.count(b"[") <= cap:
        return 0  # fewer brackets than the cap: certainly fewer positions
    n = 0
    for n, _match in enumerate(_POSITION.finditer(data), 1):
        if n > cap:
            break
    return n


def read_geojson(data: bytes, label: str, limits: Limits) -> RawLayer:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BoundaryError(_("%(file)s: filen är inte UTF-8 (byte %(pos)s); GeoJSON ska vara UTF-8. Spara om den "
                              "som UTF-8.", file=label, pos=exc.start)) from None
    if _count_positions(data, limits.max_vertices) > limits.max_vertices:
        raise too_many_vertices(label, limits, _("fler än %(n)s", n=limits.max_vertices))
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BoundaryError(_("%(file)s: JSON-strukturen är för djupt nästlad.", file=label)) from None
    except json.JSONDecodeError as exc:
        raise BoundaryError(_("%(file)s: inte giltig JSON (%(why)s, rad %(line)s, kolumn %(col)s).", file=label,
                              why=exc.msg, line=exc.lineno, col=exc.colno)) from None
    except ValueError as exc:
        raise BoundaryError(_("%(file)s: inte giltig JSON (%(why)s).", file=label, why=str(exc)[:100])) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryError(_("%(file)s: väntade en GeoJSON FeatureCollection.", file=label))
    features = doc.get("features")
    if not isinstance(features, list):
        raise BoundaryError(_("%(file)s: \"features\" ska vara en lista.", file=label))
    if len(features) > limits.max_features:
        raise too_many_features(label, limits, len(features))
    records, geometries, fields = [], [], {}
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            records.append({})
            geometries.append(_("är inte ett GeoJSON-objekt av typen Feature"))
            continue
        props = feature.get("properties")
        records.append(props if isinstance(props, dict) else {})
        fields.update(dict.fromkeys(records[-1]))
        geometries.append(_geojson_geometry(feature.get("geometry")) if props is None or isinstance(props, dict)
                          else _("\"properties\" ska vara ett objekt"))
    return RawLayer("GeoJSON", _geojson_crs(doc.get("crs"), label), [str(f) for f in fields], records, geometries,
                    list(range(len(features))))


def _no_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _geojson_crs(member, label: str) -> str | None:
    """The old-style named CRS ({"type": "name", "properties": {"name": …}}), or None for RFC 7946 WGS84."""
    if member is None:
        return None
    name = ((member.get("properties") or {}).get("name") if isinstance(member, dict) else None)
    if not isinstance(name, str) or not name.strip():
        raise BoundaryError(_("%(file)s: \"crs\" förstås inte; ange {\"type\": \"name\", \"properties\": {\"name\": "
                              "\"EPSG:3006\"}} eller ta bort den för WGS84.", file=label))
    return name.strip()[:200]


def _finite(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _geojson_geometry(geom):
    """A shapely (Multi)Polygon, None for no geometry, or a str saying what is wrong (checked strictly, RFC 7946)."""
    if geom is None:
        return None
    if not isinstance(geom, dict):
        return _("geometrin är inte ett GeoJSON-objekt")
    kind, coords = geom.get("type"), geom.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        return _("väntade Polygon eller MultiPolygon, fick %(kind)s", kind=str(kind)[:40])
    if not isinstance(coords, list):
        return _("\"coordinates\" ska vara en lista")
    polygons = [coords] if kind == "Polygon" else coords
    for polygon in polygons:
        if not isinstance(polygon, list):
            return _("\"coordinates\" har fel form för %(kind)s", kind=kind)
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return _("en ring behöver minst fyra positioner")
            if not all(isinstance(p, list) and 2 <= len(p) <= 3 and all(_finite(v) for v in p) for p in ring):
                return _("en position är inte två eller tre ändliga tal")
            if ring[0][:2] != ring[-1][:2]:
                return _("en ring är inte sluten (första och sista positionen skiljer sig)")
    if not any(polygons):
        return shapely.Polygon()  # reported as empty by the common checks
    if not all(polygons):
        return _("en polygon i MultiPolygon saknar ringar")
    try:
        return shapely.geometry.shape({"type": kind, "coordinates": coords})
    except Exception as exc:  # shapely raises several types for malformed input
        return _("geometrin kan inte läsas (%(why)s)", why=safezip.why(exc))


def _unreadable_gpkg(label: str, exc: Exception) -> BoundaryError:
    return BoundaryError(_("%(file)s: inte en läsbar GeoPackage (%(why)s).", file=label, why=safezip.why(exc)))


def _check_geopackage(path: Path, label: str):
    """Open the SQLite file ourselves first: a layer must be a table, not a view (a view can run any query)."""
    deadline = time.monotonic() + 5
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise _unreadable_gpkg(label, exc) from None
    try:
        con.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        con.execute("PRAGMA trusted_schema=OFF")
        objects = {str(name).lower(): kind for name, kind in con.execute("SELECT name, type FROM sqlite_master")}
        if objects.get("gpkg_contents") != "table":
            raise BoundaryError(_("%(file)s: inte en GeoPackage (tabellen gpkg_contents saknas).", file=label))
        for (table,) in con.execute("SELECT table_name FROM gpkg_contents"):
            if objects.get(str(table).lower()) != "table":  # SQLite's names ignore case
                raise BoundaryError(_("%(file)s: lagret %(layer)s är ingen tabell (en SQL-vy?); exportera det som "
                                      "en tabell.", file=label, layer=repr(str(table)[:80])))
    except sqlite3.Error as exc:
        raise _unreadable_gpkg(label, exc) from None
    finally:
        con.close()


def _gpkg_layer(path: Path, label: str, layer: str | None) -> str:
    _check_geopackage(path, label)
    try:
        layers = [(str(name), kind) for name, kind in list_layers(path)]
    except Exception as exc:  # GDAL reports damaged files with several exception types
        raise _unreadable_gpkg(label, exc) from None
    names = [name for name, kind in layers if kind]
    if layer:
        if layer not in names:
            raise BoundaryError(_("%(file)s: inget lager som heter %(layer)s; filen har: %(names)s.", file=label,
                                  layer=repr(layer[:80]), names=", ".join(names)[:300] or "–"))
        return layer
    if len(names) != 1:
        raise BoundaryError(_("%(file)s: filen har %(n)s lager med geometri (%(names)s); välj ett.", file=label,
                              n=len(names), names=", ".join(names)[:300] or "–"))
    return names[0]


def read_ogr(path: Path, label: str, layer, kind: str, limits: Limits, columns) -> RawLayer:
    """Read a layer with pyogrio: feature count checked first, then only the chosen columns."""
    try:
        info = read_info(path, layer=layer)
        if info["features"] > limits.max_features:
            raise too_many_features(label, limits, info["features"])
        fields = [str(f) for f in info["fields"]]
        meta, fids, blobs, values = ogr_read(path, layer=layer, columns=columns(fields), return_fids=True,
                                             max_features=limits.max_features + 1)
    except MapappError:
        raise
    except UnicodeDecodeError as exc:
        raise BoundaryError(_("%(file)s: attributtexten är inte %(enc)s (byte %(byte)s); spara om filen med "
                              "UTF-8-text.", file=label, enc=exc.encoding.upper(),
                              byte=repr(exc.object[exc.start:exc.start + 1]))) from None
    except Exception as exc:  # GDAL reports damaged files with several exception types
        raise BoundaryError(_("%(file)s: filen kan inte läsas som %(kind)s (%(why)s).", file=label, kind=kind,
                              why=safezip.why(exc))) from None
    if len(fids) > limits.max_features:
        raise too_many_features(label, limits, _("fler än %(n)s", n=limits.max_features))
    geometries = []
    for blob in blobs:
        try:
            geometries.append(None if blob is None else shapely.from_wkb(blob))
        except Exception as exc:  # curved or damaged geometry that shapely cannot build
            geometries.append(_("geometrin kan inte läsas (%(why)s)", why=safezip.why(exc)))
    names = [str(f) for f in meta["fields"]]
    records = [{name: values[j][i] for j, name in enumerate(names)} for i in range(len(fids))]
    return RawLayer(kind, meta.get("crs"), fields, records, geometries, [int(f) for f in fids],
                    str(meta.get("encoding") or "UTF-8"))
