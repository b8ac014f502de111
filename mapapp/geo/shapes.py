"""All geometry: reading and checking boundary files, CRS, areas in km², point look-ups."""
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from ..core.errors import DataError

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"  # metres, for areas and distances in Sweden
_CRS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326",
                "urn:ogc:def:crs:EPSG::4326"}
_TO_METRES = pyproj.Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)


def read_feature_collection(path: Path, label: str | None = None) -> list[dict]:
    """Read a GeoJSON FeatureCollection in WGS84, or raise DataError naming file and feature."""
    label = label or path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(label, "file", "", f"not readable as GeoJSON ({exc})") from None
    return parse_feature_collection(data, label)


def parse_feature_collection(data, label: str) -> list[dict]:
    """Check a decoded FeatureCollection and return its features with shapely geometries."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DataError(label, "file", "type", "expected a GeoJSON FeatureCollection")
    crs_name = ((data.get("crs") or {}).get("properties") or {}).get("name")
    if crs_name and crs_name not in _CRS84_NAMES:
        raise DataError(label, "file", "crs", f"CRS is {crs_name}; geometry must be WGS84 (EPSG:4326)")
    features = data.get("features")
    if not isinstance(features, list):
        raise DataError(label, "file", "features", "expected a list of features")
    out = []
    for i, feature in enumerate(features):
        record = f"feature {i}"
        props = (feature or {}).get("properties") or {}
        if props.get("slug"):
            record = f"feature {i} ({props['slug']})"
        out.append({"properties": props, "geometry": parse_geometry(feature.get("geometry"), label, record)})
    return out


def parse_geometry(geojson, label: str, record: str) -> BaseGeometry:
    """Turn a GeoJSON geometry into a valid lon/lat (Multi)Polygon, or raise DataError."""
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several types for malformed input
        raise DataError(label, record, "geometry", f"not a GeoJSON geometry ({exc})") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise DataError(label, record, "geometry", f"expected a Polygon or MultiPolygon, got {geom.geom_type}")
    if geom.is_empty:
        raise DataError(label, record, "geometry", "the polygon is empty")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise DataError(label, record, "geometry",
                        "coordinates are not lon/lat degrees; the file must be in WGS84 (EPSG:4326), "
                        "not projected (e.g. EPSG:3006)")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise DataError(label, record, "geometry", f"invalid polygon: {reason}")
    return geom


def point(lon: float, lat: float):
    """A WGS84 point."""
    return shapely.Point(lon, lat)


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    """Project a WGS84 geometry to SWEREF 99 TM."""
    return shapely.transform(geom, _TO_METRES.transform, interleaved=False)


def area_km2(geom: BaseGeometry) -> float:
    """Area in km², computed in EPSG:3006."""
    return to_metres(geom).area / 1e6


def to_geojson(geom: BaseGeometry) -> dict:
    """GeoJSON geometry dict (RFC 7946, lon/lat)."""
    return mapping(geom)


def from_geojson(data: dict | str) -> BaseGeometry:
    """Shapely geometry from stored GeoJSON."""
    return shape(json.loads(data) if isinstance(data, str) else data)


def simplify_for_display(geom: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """Simplify in metres (keeping topology) and return WGS84 geometry."""
    if tolerance_m <= 0:
        return geom
    back = pyproj.Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)
    simplified = to_metres(geom).simplify(tolerance_m, preserve_topology=True)
    return shapely.transform(simplified, back.transform, interleaved=False)


def valid_lon_lat(lon, lat) -> tuple[float, float]:
    """Parse and range-check a lon/lat pair; ValueError says what is wrong."""
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValueError("lon and lat must be numbers in decimal degrees") from None
    if not (np.isfinite(lon_f) and np.isfinite(lat_f)):
        raise ValueError("lon and lat must be finite numbers")
    if not -180 <= lon_f <= 180:
        raise ValueError("lon must be between -180 and 180")
    if not -90 <= lat_f <= 90:
        raise ValueError("lat must be between -90 and 90")
    return lon_f, lat_f


@dataclass
class Nearest:
    key: str
    distance_m: float


class AreaIndex:
    """A spatial index (STRtree) over area polygons for point look-ups."""

    def __init__(self, keyed_geometries: dict[str, BaseGeometry]):
        self.keys = list(keyed_geometries)
        self.geoms = [keyed_geometries[k] for k in self.keys]
        self.tree = STRtree(self.geoms)
        self._metric = None

    @classmethod
    def from_geojson_texts(cls, keyed_texts: dict[str, str]) -> "AreaIndex":
        """An index over GeoJSON geometry texts, parsed in one vectorised call."""
        keys = list(keyed_texts)
        shapes = shapely.from_geojson([keyed_texts[k] for k in keys]) if keys else []
        return cls(dict(zip(keys, shapes)))

    @property
    def nbytes(self) -> int:
        """About what it holds in GEOS, counting the metric copy nearest() makes: ~16 bytes a vertex."""
        vertices = int(shapely.get_num_coordinates(self.geoms).sum()) if self.geoms else 0
        return 2 * (16 * vertices + 300 * len(self.geoms)) + sum(len(k) + 57 for k in self.keys)

    def containing(self, lon: float, lat: float) -> list[str]:
        """Keys of the areas that contain (or touch) the point."""
        point = shapely.Point(lon, lat)
        hits = self.tree.query(point, predicate="intersects")
        return [self.keys[i] for i in sorted(hits)]

    def nearest(self, lon: float, lat: float) -> Nearest | None:
        """The nearest area and its distance in metres (EPSG:3006)."""
        if not self.geoms:
            return None
        if self._metric is None:
            metric = [to_metres(g) for g in self.geoms]
            self._metric = (STRtree(metric), metric)
        tree, metric = self._metric
        point = to_metres(shapely.Point(lon, lat))
        i = int(tree.nearest(point))
        return Nearest(self.keys[i], float(metric[i].distance(point)))


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """A bbox query value in CRS84 (4 numbers, or 6 with heights that are ignored); ValueError says why."""
    parts = [p.strip() for p in (text or "").split(",")]
    if len(parts) not in (4, 6):
        raise ValueError("bbox must be four numbers: minLon,minLat,maxLon,maxLat (CRS84)")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError("bbox must be four numbers: minLon,minLat,maxLon,maxLat (CRS84)") from None
    if not all(np.isfinite(values)):
        raise ValueError("bbox values must be finite numbers")
    minx, miny, maxx, maxy = values if len(values) == 4 else (values[0], values[1], values[3], values[4])
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180):
        raise ValueError("bbox longitudes must be between -180 and 180")
    if not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise ValueError("bbox latitudes must be between -90 and 90")
    if miny > maxy:
        raise ValueError("bbox minLat must not be greater than maxLat")
    return minx, miny, maxx, maxy


def intersects_bbox(geometry: dict | None, bbox: tuple[float, float, float, float]) -> bool:
    """Whether a GeoJSON geometry (None never does) intersects a CRS84 bbox."""
    if not geometry:
        return False
    minx, miny, maxx, maxy = bbox
    # OGC API Features: minLon > maxLon is a box that crosses the antimeridian, so split it in two.
    boxes = [shapely.box(minx, miny, maxx, maxy)] if minx <= maxx else [
        shapely.box(minx, miny, 180, maxy), shapely.box(-180, miny, maxx, maxy)]
    geom = from_geojson(geometry)
    return any(geom.intersects(box) for box in boxes)


def union_geojson(geometries: list[dict]) -> dict | None:
    """The union of GeoJSON geometries as one GeoJSON geometry, or None for none."""
    if not geometries:
        return None
    return to_geojson(shapely.union_all([from_geojson(g) for g in geometries]))


DISPLAY_DECIMALS = 6  # about 0.1 m: finer than any zoom a map offers, and a seventh of the bytes of a polygon


def display_geojson(geojson_text: str, decimals: int = DISPLAY_DECIMALS) -> dict:
    """The geometry as a map draws it: the stored shape with coordinates rounded to what a screen can show."""
    return json.loads(shapely.to_geojson(shapely.transform(shapely.from_geojson(geojson_text),
                                                           lambda c: np.round(c, decimals))))


def shape_facts(geojson_text: str) -> tuple[list[float], list[float]]:
    """A point inside the geometry ([lon, lat]) and its bounding box, rounded to 6 decimals."""
    geom = shapely.from_geojson(geojson_text)
    point = shapely.point_on_surface(geom)
    return [round(point.x, 6), round(point.y, 6)], [round(float(v), 6) for v in geom.bounds]


def bounds_of(geometries: list[dict | None]) -> list[float] | None:
    """[minLon, minLat, maxLon, maxLat] around GeoJSON geometries (None entries skipped)."""
    shapes = [from_geojson(g) for g in geometries if g]
    if not shapes:
        return None
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(shapes))
    # Rounded outwards, so the box still contains every geometry.
    return [float(np.floor(minx * 1e6) / 1e6), float(np.floor(miny * 1e6) / 1e6),
            float(np.ceil(maxx * 1e6) / 1e6), float(np.ceil(maxy * 1e6) / 1e6)]


def to_wgs84(geoms, source_crs):
    """Reproject geometries (one or an array) from a CRS pyproj knows to WGS84 lon/lat; pyproj errors propagate."""
    transformer = pyproj.Transformer.from_crs(pyproj.CRS.from_user_input(source_crs), WGS84, always_xy=True)
    return shapely.transform(geoms, transformer.transform, interleaved=False)


def vertex_count(geom: BaseGeometry | None) -> int:
    """Coordinate pairs in a geometry (0 for None): the measure boundary uploads are capped by."""
    return 0 if geom is None else int(shapely.get_num_coordinates(geom))
