"""The promise areas' shapes for maps: which areas a view's box meets, and geometry simplified to about a
pixel at a zoom band, made per area so a city view only ever touches its own areas."""
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely

from .national import BoxIndex, band_for
from .shapes import SWEREF99TM, WGS84



class AreaShape(NamedTuple):
    """One area as a map needs it: a point inside it for its label, its box, its geometry text as stored."""
    label_point: list[float] | None
    bbox: list[float] | None
    geometry: str


@dataclass
class AreaBoxes:
    """Every area's bounding box, for finding the areas a view meets in one vectorised comparison."""
    slugs: list[str]
    boxes: BoxIndex

    def in_bbox(self, bbox) -> list[str]:
        """The slugs of the areas whose bounding box meets bbox (minLon, minLat, maxLon, maxLat)."""
        return [self.slugs[i] for i in self.boxes.matching(bbox)]

    @property
    def nbytes(self) -> int:
        return self.boxes.bounds.nbytes + sum(len(s) + 57 for s in self.slugs) + 8 * len(self.slugs) + 200


def area_boxes(boxes: dict[str, list[float]]) -> AreaBoxes:
    """The box index of areas given as slug → [minLon, minLat, maxLon, maxLat]."""
    slugs = list(boxes)
    return AreaBoxes(slugs, BoxIndex([tuple(boxes[s]) for s in slugs]))


def simplify_for_zoom(geometry_texts: dict[str, str], zoom: int) -> dict[str, str]:
    """slug → GeoJSON text simplified to about a pixel at the zoom's band, rounded to what it can show."""
    band = band_for(zoom)
    return simplify(geometry_texts, band.tolerance_m, band.decimals)


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
