"""The national background layer served from memory: per batch, features per zoom band as ready JSON text.

Loaded once into the database (`flask --app mapapp load-national`, or gunicorn's start hook), then held
per process and served by bounding box; every answer is reused until a reload changes the batch.
"""
import json
import threading

from ..core.cache import app_cache
from ..geo import national as geo_national
from ..geo import shapes as geo
from ..store import national as national_store
from ..store.db import get_engine


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
            self.boxes = geo_national.BoxIndex([])
            return
        rows = national_store.area_rows(engine, batch)
        self.codes = [r.code for r in rows]  # largest first: a capped answer keeps the big picture
        self.props = [{"code": r.code, "name": r.name, "kommunkod": r.kommunkod} for r in rows]
        self._by_code = dict(zip(self.codes, self.props))
        self.boxes = geo_national.BoxIndex([(r.min_lon, r.min_lat, r.max_lon, r.max_lat) for r in rows])

    @property
    def loaded(self) -> bool:
        return bool(self.codes)

    def _band_features(self, band: geo_national.Band) -> list[str]:
        """Feature JSON text for every area at this band, read from the database on first use."""
        features = self._features.get(band.name)
        if features is not None:
            return features
        with self._lock:
            if band.name not in self._features:
                geometry = national_store.geometries(self.engine, self.batch, band.column)
                self._features[band.name] = [
                    '{"type":"Feature","id":%s,"properties":%s,"geometry":%s}'
                    % (json.dumps(code), json.dumps(props, ensure_ascii=False, separators=(",", ":")),
                       geometry.get(code, "null"))  # null only if a reload replaced the batch meanwhile
                    for code, props in zip(self.codes, self.props)]
            return self._features[band.name]

    def collection(self, bbox, zoom: int, limit: int | None = None) -> bytes:
        """The FeatureCollection for a bbox at a zoom, as UTF-8 JSON."""
        band = geo_national.band_for(zoom)
        cap = min(limit or band.max_features, band.max_features)
        positions = self.boxes.matching(bbox) if self.loaded else []
        chosen = positions[:cap]
        features = self._band_features(band) if len(chosen) else []
        head = {"type": "FeatureCollection", "loaded": self.loaded, "attribution": geo_national.ATTRIBUTION,
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
                    rows = national_store.geometries(self.engine, self.batch)
                    codes = [c for c in self.codes if c in rows]  # all, unless a reload replaced the batch
                    self._index = geo.AreaIndex.from_geojson_texts(dict((c, rows[c]) for c in codes))
        return self._index

    def point_index(self) -> geo_national.PointIndex:
        if self._point_index is None:
            index = self.index()
            with self._lock:
                if self._point_index is None:
                    self._point_index = geo_national.PointIndex(index)
        return self._point_index

    def warm(self) -> "NationalLayer":
        """Build everything now (every band's features and the look-up index), e.g. before workers fork."""
        if self.loaded:
            for band in geo_national.BANDS:
                self._band_features(band)
            self.point_index()
        return self

    def lookup(self, lon: float, lat: float) -> list[dict]:
        if not self.loaded:
            return []
        return [self._by_code[c] for c in self.point_index().containing(lon, lat)]


_layers_lock = threading.Lock()


def answer_cache(app):
    """Background answers (bytes), keyed by batch and query, bounded by BACKGROUND_CACHE_BYTES."""
    return app_cache(app, "background", "BACKGROUND_CACHE_BYTES", by_bytes=True)


def get_layer(app) -> NationalLayer:
    """This process's layer for the loaded batch; rebuilt only when a reload changed the batch."""
    engine = get_engine(app)
    batch = national_store.current_batch(engine)
    layer = app.extensions.get("mapapp_national_layer")
    if layer is None or layer.batch != batch:
        with _layers_lock:
            layer = app.extensions.get("mapapp_national_layer")
            if layer is None or layer.batch != batch:
                layer = NationalLayer(engine, batch)
                app.extensions["mapapp_national_layer"] = layer
    return layer
