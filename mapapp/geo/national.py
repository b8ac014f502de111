"""The national background layer's geometry: all 3,363 SCB RegSO 2025 areas, checked and simplified per zoom band.

Loaded once into the database by `flask --app mapapp load-national` (or by gunicorn's start hook),
with every geometry pre-simplified per zoom band, then held in memory per process and served by
bounding box. Why this design (and not inlining, or vector tiles) is argued in BENCHMARKS.md:

- the map never inlines the national polygons; the page script asks for the areas in view,
- each zoom band gets geometry simplified to about one screen pixel at the band's largest zoom
  (in metres, EPSG:3006, topology kept) and coordinates rounded to what that pixel can show,
- a band caps the features per answer, largest areas first, and says when it truncated.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from . import shapes as geo
from ..core.errors import DataError

NATIONAL_FILE = Path("national") / "scb_regso_2025_sverige_simplified10m.gpkg"
LAYER = "regso_2025"
ATTRIBUTION = "Statistikområden: SCB RegSO 2025 (CC0 1.0), Källa: SCB"
REQUIRED_FIELDS = ("regsokod", "regsonamn", "kommunkod", "lanskod")
MAX_ZOOM = 22


@dataclass(frozen=True)
class Band:
    """A zoom range served with one pre-simplified geometry column."""
    name: str
    min_zoom: int
    max_zoom: int
    tolerance_m: float  # 0 = the stored geometry (the source is already simplified to 10 m)
    decimals: int  # coordinate decimals kept: 3 ≈ 110 m, 4 ≈ 11 m, 6 ≈ 0.1 m
    column: str
    max_features: int


# Tolerance ≈ one pixel at the band's largest zoom at latitude 60° (78 271 m / 2^zoom):
# z6 ≈ 1 220 m, z8 ≈ 306 m, z10 ≈ 76 m. Caps hold the largest answer to a few hundred kB gzipped.
BANDS = (
    Band("national", 0, 6, 1200, 3, "geometry_t1200", 4000),
    Band("regional", 7, 8, 300, 3, "geometry_t300", 4000),
    Band("local", 9, 10, 75, 4, "geometry_t75", 1500),
    Band("detail", 11, MAX_ZOOM, 0, 6, "geometry", 1000),
)


def band_for(zoom: int) -> Band:
    return next(b for b in BANDS if b.min_zoom <= zoom <= b.max_zoom)


def source_path(geodata_dir) -> Path:
    return Path(geodata_dir) / NATIONAL_FILE


def _round(geoms, decimals: int):
    rounded = shapely.transform(geoms, lambda c: np.round(c, decimals))
    try:
        return shapely.remove_repeated_points(rounded)
    except shapely.errors.GEOSException:  # a ring that rounding collapsed: keep it as rounded
        out = []
        for g in rounded:
            try:
                out.append(shapely.remove_repeated_points(g))
            except shapely.errors.GEOSException:
                out.append(g)
        return np.array(out, dtype=object)


def read_source(path: Path, kommun: tuple[str, ...] | None = None):
    """The RegSO file as a GeoDataFrame in EPSG:4326, checked; DataError names file, feature and field."""
    import geopandas as gpd
    label = str(path.name)
    if not path.is_file():
        raise DataError(label, "file", "", f"not found at {path}")
    try:
        frame = gpd.read_file(path, layer=LAYER)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(label, "file", "", f"not readable as a GeoPackage layer '{LAYER}' ({exc})") from None
    missing = [f for f in REQUIRED_FIELDS if f not in frame.columns]
    if missing:
        raise DataError(label, "file", missing[0], "missing required field")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise DataError(label, "file", "crs", f"CRS is {frame.crs}; expected WGS84 (EPSG:4326)")
    if kommun:
        frame = frame[frame["kommunkod"].isin(kommun)]
    geoms = frame.geometry.values
    kinds = shapely.get_type_id(geoms)
    valid = shapely.is_valid(geoms)
    for i in np.flatnonzero(~np.isin(kinds, (3, 6)) | ~valid | shapely.is_empty(geoms)):
        code = frame["regsokod"].iloc[i]
        reason = shapely.is_valid_reason(geoms[i]) if kinds[i] in (3, 6) else "not a (Multi)Polygon"
        raise DataError(label, f"feature {i} ({code})", "geometry", reason)
    if frame["regsokod"].duplicated().any():
        code = frame["regsokod"][frame["regsokod"].duplicated()].iloc[0]
        raise DataError(label, f"feature {code}", "regsokod", "appears more than once")
    return frame


def build_rows(frame, batch: str) -> list[dict]:
    """One row per area: attributes, bbox, km² and the geometry of every band as GeoJSON text."""
    geoms = frame.geometry.values
    metric = frame.geometry.to_crs(geo.SWEREF99TM)
    columns = {"geometry": shapely.to_geojson(_round(geoms, 6))}
    for band in BANDS:
        if band.tolerance_m:
            simplified = metric.simplify(band.tolerance_m, preserve_topology=True).to_crs(geo.WGS84)
            columns[band.column] = shapely.to_geojson(_round(simplified.values, band.decimals))
    bounds = shapely.bounds(geoms)
    area = metric.area.to_numpy() / 1e6
    rows = []
    for i, (code, name, kommun, lan) in enumerate(zip(frame["regsokod"], frame["regsonamn"],
                                                      frame["kommunkod"], frame["lanskod"])):
        rows.append({"code": str(code), "name": str(name), "kommunkod": str(kommun), "lanskod": str(lan),
                     "area_km2": float(area[i]), "min_lon": float(bounds[i, 0]), "min_lat": float(bounds[i, 1]),
                     "max_lon": float(bounds[i, 2]), "max_lat": float(bounds[i, 3]), "batch": batch,
                     **{col: str(values[i]) for col, values in columns.items()}})
    return rows


class PointIndex:
    """Point-in-area look-ups in a few microseconds, with the same answers as geo.AreaIndex.containing.

    A uniform grid of 0.05° cells is built once with the STRtree: for each cell, the areas that meet it.
    A cell lying wholly inside its only area answers without any geometry test; otherwise the point is
    tested against the cell's few prepared polygons in one GEOS call. Cells meeting no area (sea,
    neighbouring countries) are absent and answer at once.
    """

    CELL = 0.05

    def __init__(self, area_index: geo.AreaIndex):
        self.keys = list(area_index.keys)
        geoms = np.asarray(area_index.geoms, dtype=object)
        keys = np.asarray(self.keys, dtype=object)
        self.cells: dict[tuple[int, int], object] = {}
        if not len(geoms):
            return
        shapely.prepare(geoms)
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        gx, gy = np.meshgrid(np.arange(math.floor(minx / self.CELL), math.floor(maxx / self.CELL) + 1),
                             np.arange(math.floor(miny / self.CELL), math.floor(maxy / self.CELL) + 1))
        gx, gy = gx.ravel(), gy.ravel()
        boxes = shapely.box(gx * self.CELL, gy * self.CELL, (gx + 1) * self.CELL, (gy + 1) * self.CELL)
        tree = area_index.tree
        cell_of, area_of = tree.query(boxes, predicate="intersects")
        inside = set(zip(*(a.tolist() for a in tree.query(boxes, predicate="within"))))
        order = np.lexsort((area_of, cell_of))
        cell_of, area_of = cell_of[order], area_of[order]
        starts = np.flatnonzero(np.r_[True, cell_of[1:] != cell_of[:-1]])
        for cell, group in zip(cell_of[starts].tolist(), np.split(area_of, starts[1:])):
            first = int(group[0])
            if len(group) == 1 and (cell, first) in inside:
                entry = [keys[first]]  # the whole cell is inside one area: the answer, ready
            elif len(group) == 1:
                entry = (geoms[first], keys[first])
            else:
                entry = (geoms[group], keys[group])
            self.cells[(int(gx[cell]), int(gy[cell]))] = entry

    def containing(self, lon: float, lat: float) -> list[str]:
        entry = self.cells.get((math.floor(lon / self.CELL), math.floor(lat / self.CELL)))
        if entry is None:
            return []
        if isinstance(entry, list):
            return list(entry)
        geoms, keys = entry
        if isinstance(keys, str):
            return [keys] if shapely.intersects_xy(geoms, lon, lat) else []
        return keys[shapely.intersects_xy(geoms, lon, lat)].tolist()


class BoxIndex:
    """Which of many bounding boxes meet a query box, in one vectorised comparison."""

    def __init__(self, boxes: list[tuple[float, float, float, float]]):
        self.bounds = np.array(boxes, dtype=float).reshape(-1, 4)

    def __len__(self) -> int:
        return len(self.bounds)

    def matching(self, bbox: tuple[float, float, float, float]) -> list[int]:
        """Positions of the boxes that meet bbox, in the order given."""
        minx, miny, maxx, maxy = bbox
        b = self.bounds
        hit = (b[:, 0] <= maxx) & (b[:, 2] >= minx) & (b[:, 1] <= maxy) & (b[:, 3] >= miny)
        return np.flatnonzero(hit).tolist()
