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

from .errors import DataError

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
