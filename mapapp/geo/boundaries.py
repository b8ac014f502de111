"""Area boundaries from an uploaded file: read, reprojected to WGS84 and checked, ready to preview or import."""
import functools
import math
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from . import shapes as geo
from .formats import BoundaryError, Limits, RawLayer, read_geojson, read_geopackage, sniff, too_many_vertices
from ..core.messages import _
from ..domain.search import fold
from .shapefiles import read_shapefile

__all__ = ["Boundary", "BoundaryError", "BoundaryFile", "Limits", "Options", "clean_label", "read_boundaries"]

SWEDEN = (10.0, 55.0, 24.5, 69.5)  # lon/lat box around Sweden: a boundary outside it means a wrong CRS
_WGS84 = pyproj.CRS.from_epsg(4326)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME_FIELDS = ("name", "namn")
_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))  # direction overrides that disguise text
MAX_PROBLEMS = 50


@dataclass
class Options:
    name_field: str | None = None
    slug_field: str | None = None
    layer: str | None = None


@dataclass
class Boundary:
    number: int  # position in the file, from 1
    slug: str
    name: str
    feature_id: str
    geometry: dict  # GeoJSON in EPSG:4326
    area_km2: float
    vertices: int


@dataclass
class BoundaryFile:
    file: str
    kind: str  # GeoJSON, GeoPackage or Shapefile
    crs: str  # the CRS the file was read in, e.g. EPSG:3006
    feature_field: str
    boundaries: list[Boundary]
    notes: list[str]


def clean_label(filename) -> str:
    """A file name safe to show and store: its last part, no control characters, at most 100 characters."""
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:100] or "uppladdad fil"


def read_boundaries(data: bytes, filename: str, options: Options, limits: Limits) -> BoundaryFile:
    """Every boundary in the file, or a BoundaryError naming file, feature and problem; never writes anything."""
    label = clean_label(filename)
    if not data:
        raise BoundaryError(_("%(file)s: filen är tom.", file=label))
    if len(data) > limits.max_bytes:
        raise BoundaryError(_("%(file)s: filen är för stor (högst %(mb)s MB).", file=label,
                              mb=round(limits.max_bytes / 2**20, 1)), 413)
    raw = _read(data, label, options, limits)
    if not raw.records:
        raise BoundaryError(_("%(file)s: filen innehåller inga objekt.", file=label))
    name_field, slug_field, problem = _fields(raw.fields, options)
    if problem:
        raise BoundaryError(f"{label}: {problem}")
    shapes = [g if isinstance(g, BaseGeometry) else None for g in raw.geometries]
    total = sum(geo.vertex_count(g) for g in shapes)
    if total > limits.max_vertices:
        raise too_many_vertices(label, limits, f"{total:,}".replace(",", " "))
    crs, notes = _source_crs(raw, label, shapes)
    shapes = _to_wgs84(shapes, crs, label)
    if slug_field is None:
        notes.append(_("Filen har ingen slugkolumn: adresserna (slugs) är gjorda av namnen."))
    if raw.kind == "Shapefile" and not raw.encoding_declared:
        notes.append(_("Attributtexten lästes som %(enc)s (filen har ingen .cpg).", enc=raw.encoding))
    boundaries, problems, seen = [], [], {}
    for i, record in enumerate(raw.records):
        name, slug, issue = _name_and_slug(record, name_field, slug_field)
        where = _("%(file)s: objekt %(n)s", file=label, n=i + 1) + (f" ({slug})" if slug else "")
        issue = issue or _geometry_problem(raw.geometries[i], shapes[i], _crs_name(crs))
        if not issue and slug in seen:
            issue = _("adressen %(slug)s används också av objekt %(n)s", slug=slug, n=seen[slug])
        if issue:
            problems.append(f"{where}: {issue}")
            continue
        seen[slug] = i + 1
        ident = record.get(slug_field) if slug_field else record.get(name_field)
        boundaries.append(Boundary(i + 1, slug, name, str(ident).strip(), geo.to_geojson(shapes[i]),
                                   geo.area_km2(shapes[i]), geo.vertex_count(shapes[i])))
    if problems:
        more = _(" (och %(n)s problem till)", n=len(problems) - 1) if len(problems) > 1 else ""
        raise BoundaryError(problems[0] + more, problems=problems[:MAX_PROBLEMS])
    return BoundaryFile(label, raw.kind, _crs_name(crs), slug_field or name_field, boundaries, notes)


def _read(data: bytes, label: str, options: Options, limits: Limits) -> RawLayer:
    """The file's features, read by its kind; GDAL reads from a temporary folder that is always removed."""
    kind = sniff(data, label)
    if kind == "GeoJSON":
        return read_geojson(data, label, limits)
    columns = functools.partial(_columns, options=options)
    with tempfile.TemporaryDirectory(prefix="mapapp-boundary-") as folder:
        if kind == "GeoPackage":
            return read_geopackage(data, label, options.layer, limits, Path(folder), columns)
        return read_shapefile(data, label, limits, Path(folder), columns)


def _columns(fields: list[str], options: Options) -> list[str]:
    """The columns worth reading: the name and the slug column, where the file has them."""
    return [f for f in _fields(fields, options)[:2] if f]


def _fields(fields: list[str], options: Options) -> tuple[str | None, str | None, str | None]:
    """The name and slug columns (by option, else by the usual names), and what is wrong if they are missing."""
    by_lower = {f.lower(): f for f in reversed(fields)}
    known = ", ".join(fields)[:200] or "–"
    name = by_lower.get((options.name_field or "").lower()) if options.name_field else next(
        (by_lower[n] for n in _NAME_FIELDS if n in by_lower), None)
    slug = by_lower.get((options.slug_field or "slug").lower())
    if options.name_field and name is None:
        return None, slug, _("kolumnen %(field)s finns inte; filen har: %(known)s", field=repr(options.name_field[:80]),
                             known=known)
    if options.slug_field and slug is None:
        return name, None, _("kolumnen %(field)s finns inte; filen har: %(known)s", field=repr(options.slug_field[:80]),
                             known=known)
    if name is None:
        return None, slug, _("ingen namnkolumn (name eller namn); välj namnkolumnen. Filen har: %(known)s",
                             known=known)
    return name, slug, None


def _crs_name(crs: pyproj.CRS) -> str:
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name


def _describe(bounds) -> str:
    minx, miny, maxx, maxy = bounds
    guess = (_(" – de ser ut som meter i SWEREF 99 TM (EPSG:3006)")
             if 1e5 <= minx <= maxx <= 1.1e6 and 6e6 <= miny <= maxy <= 7.8e6 else "")
    return _("x %(x0)s–%(x1)s, y %(y0)s–%(y1)s", x0=f"{minx:.0f}", x1=f"{maxx:.0f}", y0=f"{miny:.0f}",
             y1=f"{maxy:.0f}") + guess


def _source_crs(raw: RawLayer, label: str, shapes: list) -> tuple[pyproj.CRS, list[str]]:
    """The CRS to read the coordinates in; refused when it is missing or plainly wrong, saying which."""
    usable = [g for g in shapes if g is not None and not g.is_empty]
    bounds = tuple(float(v) for v in shapely.total_bounds(usable)) if usable else None
    lon_lat = bounds is None or (all(map(math.isfinite, bounds)) and -180 <= bounds[0] <= bounds[2] <= 180
                                 and -90 <= bounds[1] <= bounds[3] <= 90)
    if raw.crs is None:
        if raw.kind == "GeoJSON" and not lon_lat:
            raise BoundaryError(_("%(file)s: GeoJSON utan \"crs\" är WGS84 (EPSG:4326), men koordinaterna är inte "
                                  "longitud/latitud (%(where)s). Exportera filen i EPSG:4326.", file=label,
                                  where=_describe(bounds)))
        if not lon_lat:
            raise BoundaryError(_("%(file)s: filen anger inget koordinatsystem (ingen .prj eller inget SRS) och "
                                  "koordinaterna är inte longitud/latitud (%(where)s). Ange koordinatsystemet i filen.",
                                  file=label, where=_describe(bounds)))
        notes = [] if raw.kind == "GeoJSON" else [_("Filen anger inget koordinatsystem; koordinaterna är "
                                                    "longitud/latitud och lästes som WGS84 (EPSG:4326).")]
        return _WGS84, notes
    try:
        crs = pyproj.CRS.from_user_input(raw.crs)
    except (pyproj.exceptions.CRSError, ValueError, TypeError):
        raise BoundaryError(_("%(file)s: okänt koordinatsystem %(crs)s.", file=label,
                              crs=repr(str(raw.crs)[:80]))) from None
    if crs.is_geographic and not lon_lat:
        raise BoundaryError(_("%(file)s: filen säger %(crs)s (grader) men koordinaterna är inte longitud/latitud "
                              "(%(where)s). Rätta koordinatsystemet i filen.", file=label, crs=_crs_name(crs),
                              where=_describe(bounds)))
    if crs.equals(_WGS84, ignore_axis_order=True):
        return _WGS84, []
    return crs, [_("Omräknad från %(crs)s till WGS84 (EPSG:4326).", crs=_crs_name(crs))]


def _to_wgs84(shapes: list, crs: pyproj.CRS, label: str) -> list:
    """2D, in lon/lat, rounded to 7 decimals (about a centimetre); validity is checked on exactly this."""
    array = np.array([shapely.force_2d(g) if g is not None else None for g in shapes], dtype=object)
    try:
        if crs is not _WGS84:
            array = geo.to_wgs84(array, crs)
    except (pyproj.exceptions.ProjError, ValueError) as exc:
        raise BoundaryError(_("%(file)s: koordinaterna kan inte räknas om från %(crs)s (%(why)s).", file=label,
                              crs=_crs_name(crs), why=str(exc).splitlines()[0][:100] if str(exc) else "")) from None
    return list(shapely.transform(array, lambda xy: np.round(xy, 7)))


def _geometry_problem(original, shape, crs_name: str) -> str | None:
    if isinstance(original, str):
        return original
    if shape is None:
        return _("objektet saknar geometri")
    if shape.geom_type not in ("Polygon", "MultiPolygon"):
        return _("väntade Polygon eller MultiPolygon, fick %(kind)s", kind=shape.geom_type)
    if shape.is_empty:
        return _("geometrin är tom")
    minx, miny, maxx, maxy = shape.bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        return _("koordinaterna kan inte räknas om till longitud/latitud")
    if not (SWEDEN[0] <= minx and maxx <= SWEDEN[2] and SWEDEN[1] <= miny and maxy <= SWEDEN[3]):
        return _("ligger vid %(lon)s° Ö, %(lat)s° N – utanför Sverige; stämmer koordinatsystemet (%(crs)s)?",
                 lon=f"{(minx + maxx) / 2:.2f}", lat=f"{(miny + maxy) / 2:.2f}", crs=crs_name)
    if not shape.is_valid:
        return _("ogiltig polygon: %(reason)s. Rätta den i källfilen; den lagas inte automatiskt.",
                 reason=shapely.is_valid_reason(shape))
    return None


def _text(value) -> str | None:
    """An attribute value as text (None when missing); ValueError for lists, objects and booleans."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (dict, list, tuple, bool, np.bool_, bytes, bytearray)):
        raise ValueError(type(value).__name__)
    text = unicodedata.normalize("NFC", value if isinstance(value, str) else str(value)).strip()
    return text or None


def _name_and_slug(record: dict, name_field: str, slug_field: str | None) -> tuple[str | None, str | None, str | None]:
    """The feature's name and slug, or what is wrong with them."""
    try:
        name = _text(record.get(name_field))
        slug = _text(record.get(slug_field)) if slug_field else None
    except ValueError:
        return None, None, _("namnet eller adressen är inte text (kolumnerna %(fields)s)",
                             fields=", ".join(f for f in (name_field, slug_field) if f))
    if slug_field and slug is None:
        return name, None, _("adressen (slug) saknas i kolumnen %(field)s", field=slug_field)
    if slug_field and (len(slug) > 80 or not _SLUG.fullmatch(slug)):
        return name, None, _("%(slug)s är ingen giltig adress (slug): små bokstäver a–z, siffror och bindestreck, "
                             "högst 80 tecken", slug=repr(slug[:80]))
    if name is None:
        return None, slug, _("namnet saknas i kolumnen %(field)s", field=name_field)
    if len(name) > 200:
        return None, slug, _("namnet är längre än 200 tecken")
    if any(unicodedata.category(c) == "Cc" or ord(c) in _BIDI for c in name):
        return None, slug, _("namnet innehåller styrtecken")
    if "\ufffd" in name:
        return None, slug, _("namnet innehåller tecken som inte gick att avkoda (�); spara filen med UTF-8-text")
    if slug is None:
        slug = "-".join(fold(name).split())[:80].strip("-")
        if not slug:
            return name, None, _("det går inte att göra en adress (slug) av namnet %(name)s; ange en slugkolumn",
                                 name=repr(name[:80]))
    return name, slug, None
