"""The national background layer: all 3,363 SCB RegSO 2025 areas beside the promise areas.

Loaded once into the database by `flask --app mapapp load-national` (or by gunicorn's start hook),
with every geometry pre-simplified per zoom band, then held in memory per process and served by
bounding box. Why this design (and not inlining, or vector tiles) is argued in BENCHMARKS.md:

- the map never inlines the national polygons; the page script asks for the areas in view,
- each zoom band gets geometry simplified to about one screen pixel at the band's largest zoom
  (in metres, EPSG:3006, topology kept) and coordinates rounded to what that pixel can show,
- a band caps the features per answer, largest areas first, and says when it truncated.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.orm import Session

from . import geo
from .errors import DataError
from .models import BackgroundArea, NationalBase

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


def source_path(app) -> Path:
    return Path(app.config["GEODATA_DIR"]) / NATIONAL_FILE


def ensure_table(engine):
    NationalBase.metadata.create_all(engine)


# --- loading ------------------------------------------------------------------------------------

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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_national(app, path: Path | None = None, kommun: tuple[str, ...] | None = None) -> dict:
    """Replace the background areas with the file's, in one transaction (readers see old or new)."""
    from .db import get_engine
    path = Path(path) if path else source_path(app)
    frame = read_source(path, kommun)  # checked fully before anything is written
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    batch = f"{_sha256(path)[:16]}-{stamp}"
    rows = build_rows(frame, batch)
    engine = get_engine(app)
    ensure_table(engine)
    with Session(engine) as session, session.begin():
        session.execute(delete(BackgroundArea))
        for start in range(0, len(rows), 500):
            session.execute(insert(BackgroundArea), rows[start:start + 500])
    return {"areas": len(rows), "batch": batch, "file": str(path)}


def is_loaded(engine) -> bool:
    if not inspect(engine).has_table(BackgroundArea.__tablename__):
        return False
    with engine.connect() as conn:
        return conn.scalar(select(BackgroundArea.id).limit(1)) is not None


# --- serving ------------------------------------------------------------------------------------

class NationalLayer:
    """The loaded areas of one batch, in memory: bboxes as arrays, features per band as ready JSON text."""

    def __init__(self, engine, batch: str | None):
        self.engine, self.batch = engine, batch
        self._lock = threading.Lock()
        self._features: dict[str, list[str]] = {}
        self._index = self._point_index = None
        self._by_code: dict[str, dict] = {}
        if batch is None:
            self.codes, self.props = [], []
            self.bounds = np.zeros((0, 4))
            return
        with engine.connect() as conn:
            rows = conn.execute(select(BackgroundArea.code, BackgroundArea.name, BackgroundArea.kommunkod,
                                       BackgroundArea.min_lon, BackgroundArea.min_lat, BackgroundArea.max_lon,
                                       BackgroundArea.max_lat)
                                .where(BackgroundArea.batch == batch)
                                .order_by(BackgroundArea.area_km2.desc(), BackgroundArea.code)).all()
        self.codes = [r.code for r in rows]  # largest first: a capped answer keeps the big picture
        self.props = [{"code": r.code, "name": r.name, "kommunkod": r.kommunkod} for r in rows]
        self._by_code = dict(zip(self.codes, self.props))
        self.bounds = np.array([[r.min_lon, r.min_lat, r.max_lon, r.max_lat] for r in rows], dtype=float).reshape(-1, 4)

    @property
    def loaded(self) -> bool:
        return bool(self.codes)

    def _band_features(self, band: Band) -> list[str]:
        """Feature JSON text for every area at this band, read from the database on first use."""
        features = self._features.get(band.name)
        if features is not None:
            return features
        with self._lock:
            if band.name not in self._features:
                column = getattr(BackgroundArea, band.column)
                with self.engine.connect() as conn:
                    geometry = dict(conn.execute(select(BackgroundArea.code, column)
                                                 .where(BackgroundArea.batch == self.batch)).all())
                self._features[band.name] = [
                    '{"type":"Feature","id":%s,"properties":%s,"geometry":%s}'
                    % (json.dumps(code), json.dumps(props, ensure_ascii=False, separators=(",", ":")),
                       geometry.get(code, "null"))  # null only if a reload replaced the batch meanwhile
                    for code, props in zip(self.codes, self.props)]
            return self._features[band.name]

    def matching(self, bbox: tuple[float, float, float, float]) -> np.ndarray:
        """Positions (largest area first) of the areas whose bbox meets the query bbox."""
        minx, miny, maxx, maxy = bbox
        b = self.bounds
        hit = (b[:, 0] <= maxx) & (b[:, 2] >= minx) & (b[:, 1] <= maxy) & (b[:, 3] >= miny)
        return np.flatnonzero(hit)

    def collection(self, bbox, zoom: int, limit: int | None = None) -> bytes:
        """The FeatureCollection for a bbox at a zoom, as UTF-8 JSON."""
        band = band_for(zoom)
        cap = min(limit or band.max_features, band.max_features)
        positions = self.matching(bbox) if self.loaded else np.zeros(0, dtype=int)
        chosen = positions[:cap]
        features = self._band_features(band) if len(chosen) else []
        head = {"type": "FeatureCollection", "loaded": self.loaded, "attribution": ATTRIBUTION,
                "query": {"bbox": list(bbox), "zoom": zoom},
                "band": {"name": band.name, "zooms": [band.min_zoom, band.max_zoom],
                         "tolerance_m": band.tolerance_m or 10, "max_features": band.max_features},
                "numberMatched": int(len(positions)), "numberReturned": int(len(chosen)),
                "truncated": bool(len(positions) > len(chosen))}
        if not self.loaded:
            head["message"] = "The national layer is not loaded: run `flask --app mapapp load-national`."
        text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        return (text + ',"features":[' + ",".join(features[i] for i in chosen) + "]}").encode("utf-8")

    def index(self) -> geo.AreaIndex:
        """The spatial index (STRtree) over the full geometries, built on first use."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    with self.engine.connect() as conn:
                        rows = dict(conn.execute(select(BackgroundArea.code, BackgroundArea.geometry)
                                                 .where(BackgroundArea.batch == self.batch)).all())
                    codes = [c for c in self.codes if c in rows]  # all, unless a reload replaced the batch
                    shapes = shapely.from_geojson([rows[c] for c in codes]) if codes else []
                    self._index = geo.AreaIndex(dict(zip(codes, shapes)))
        return self._index

    def point_index(self) -> "PointIndex":
        if self._point_index is None:
            index = self.index()
            with self._lock:
                if self._point_index is None:
                    self._point_index = PointIndex(index)
        return self._point_index

    def warm(self) -> "NationalLayer":
        """Build everything now (every band's features and the look-up index), e.g. before workers fork."""
        if self.loaded:
            for band in BANDS:
                self._band_features(band)
            self.point_index()
        return self

    def lookup(self, lon: float, lat: float) -> list[dict]:
        if not self.loaded:
            return []
        return [self._by_code[c] for c in self.point_index().containing(lon, lat)]


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


def current_batch(engine) -> str | None:
    """The loaded batch (one cheap query), or None when nothing is loaded."""
    try:
        with engine.connect() as conn:
            return conn.scalar(select(BackgroundArea.batch).limit(1))
    except Exception:  # the table does not exist yet
        return None


_layers_lock = threading.Lock()


def get_layer(app) -> NationalLayer:
    """This process's layer for the loaded batch; rebuilt only when a reload changed the batch."""
    from .db import get_engine
    engine = get_engine(app)
    batch = current_batch(engine)
    layer = app.extensions.get("mapapp_national_layer")
    if layer is None or layer.batch != batch:
        with _layers_lock:
            layer = app.extensions.get("mapapp_national_layer")
            if layer is None or layer.batch != batch:
                layer = NationalLayer(engine, batch)
                app.extensions["mapapp_national_layer"] = layer
                get_answer_cache(app).clear()
    return layer


class ByteLRU:
    """A thread-safe LRU of byte strings, bounded by their total size."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key, value) -> None:
        cost = _cost(value)
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= _cost(old)
            self._items[key] = value
            self.size += cost
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= _cost(dropped)

    def clear(self):
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self):
        return len(self._items)


def _cost(value) -> int:
    if isinstance(value, (bytes, str)):
        return len(value)
    if isinstance(value, tuple):
        return sum(_cost(v) for v in value) + 64
    return 64


def get_answer_cache(app) -> ByteLRU:
    if "mapapp_national_answers" not in app.extensions:
        app.extensions["mapapp_national_answers"] = ByteLRU(app.config.get("BACKGROUND_CACHE_BYTES", 32 << 20))
    return app.extensions["mapapp_national_answers"]
