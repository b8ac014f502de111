"""The promise areas' shapes for maps, made once per data version: label points, bounding boxes, display
geometry rounded to what a screen shows, and simplified geometry per zoom band for answers by bbox."""
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import shapely

from .national import BoxIndex, band_for
from .shapes import SWEREF99TM, WGS84

DISPLAY_DECIMALS = 6  # ~0.1 m: the stored precision, so a map page draws exactly the source polygon


@dataclass
class AreaShapes:
    slugs: list[str]
    label_point: dict[str, list[float]]
    bbox: dict[str, list[float]]
    boxes: BoxIndex
    load_geometry: Callable[[], dict[str, str]]  # slug → GeoJSON text as stored, read when first needed
    _geometry: dict | None = None
    _bands: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def geometry(self) -> dict[str, str]:
        """Every area's stored geometry text (read once; a map of the areas' facts alone never needs it)."""
        if self._geometry is None:
            with self._lock:
                if self._geometry is None:
                    self._geometry = self.load_geometry()
        return self._geometry

    def in_bbox(self, bbox) -> list[str]:
        """The slugs of the areas whose bounding box meets bbox (minLon, minLat, maxLon, maxLat)."""
        return [self.slugs[i] for i in self.boxes.matching(bbox)]

    def band_geometry(self, zoom: int) -> dict[str, str]:
        """slug → GeoJSON text simplified to about a pixel at the zoom's band (built once per band)."""
        band = band_for(zoom)
        if band.name not in self._bands:
            self._bands[band.name] = simplify(self.geometry, band.tolerance_m, band.decimals)
        return self._bands[band.name]


def build(facts: dict[str, tuple[list, list]], load_geometry: Callable[[], dict[str, str]]) -> AreaShapes:
    """Shapes of every area from their stored label points and boxes (slug → (label_point, bbox))."""
    slugs = list(facts)
    return AreaShapes(slugs=slugs, label_point={s: facts[s][0] for s in slugs}, bbox={s: facts[s][1] for s in slugs},
                      boxes=BoxIndex([tuple(facts[s][1]) for s in slugs]), load_geometry=load_geometry)


def simplify(geometry_texts: dict[str, str], tolerance_m: float, decimals: int) -> dict[str, str]:
    """Simplify in metres (topology kept) and round coordinates for display."""
    slugs = list(geometry_texts)
    if not slugs:
        return {}
    geoms = shapely.from_geojson([geometry_texts[s] for s in slugs])
    if tolerance_m:
        import geopandas as gpd
        metric = gpd.GeoSeries(geoms, crs=WGS84).to_crs(SWEREF99TM)
        geoms = metric.simplify(tolerance_m, preserve_topology=True).to_crs(WGS84).values
    rounded = shapely.transform(geoms, lambda c: np.round(c, decimals))
    return dict(zip(slugs, (str(t) for t in shapely.to_geojson(rounded))))

