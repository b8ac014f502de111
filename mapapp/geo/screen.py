"""Map pixels as Leaflet reckons them (EPSG:3857, 256-pixel tiles at zoom 0), so the server can draw a map's
areas exactly where Leaflet will draw them, and the zoom Leaflet's fitBounds picks for a box and a size."""
import math

import numpy as np
import shapely
from shapely.geometry import shape

TILE = 256
MAX_ZOOM = 18  # the tiles', and the app's maps' maxZoom (maps.new_map), so fitBounds never goes past it
_MAX_LAT = 85.0511287798  # Leaflet's SphericalMercator clamps latitude here


def pixels(lon, lat, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Leaflet's pixel coordinates (x right, y down from the world's north-west corner) at zoom."""
    scale = TILE * 2.0 ** zoom
    sin = np.sin(np.radians(np.clip(np.asarray(lat, dtype=float), -_MAX_LAT, _MAX_LAT)))
    x = scale * (0.5 + np.asarray(lon, dtype=float) / 360.0)
    y = scale * (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi))
    return x, y


def box_pixels(bounds, zoom: float) -> tuple[float, float, float, float]:
    """[[south, west], [north, east]] as (left, top, width, height) in pixels at zoom."""
    (south, west), (north, east) = bounds
    x, y = pixels([west, east], [north, south], zoom)
    return float(x[0]), float(y[0]), float(x[1] - x[0]), float(y[1] - y[0])


def fit_zoom(bounds, width: float, height: float) -> int:
    """The zoom Leaflet's fitBounds (no padding, zoom snap 1) picks to show bounds in a width × height map."""
    _, _, w0, h0 = box_pixels(bounds, 0)
    scale = min(width / w0 if w0 > 0 else math.inf, height / h0 if h0 > 0 else math.inf)
    if math.isinf(scale):
        return MAX_ZOOM
    zoom = math.floor(math.log2(scale) * 100 + 0.5) / 100  # Leaflet rounds (halves up) to 1/100, then floors
    return max(0, min(MAX_ZOOM, math.floor(zoom)))


def rings_in_pixels(geometry: dict, zoom: int, origin: tuple[float, float], tolerance: float) -> list[np.ndarray]:
    """A (multi)polygon's rings as (n, 2) whole pixels from origin, simplified to tolerance, never to nothing."""
    geom = shape(geometry)
    ox, oy = origin

    def to_pixels(coords):
        x, y = pixels(coords[:, 0], coords[:, 1], zoom)
        return np.column_stack([x - ox, y - oy])

    geom = shapely.transform(geom, to_pixels).simplify(tolerance, preserve_topology=True)
    rings = []
    for polygon in getattr(geom, "geoms", [geom]):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            points = np.rint(np.asarray(ring.coords)[:-1]).astype(int)
            if not len(points):
                continue
            keep = np.any(points != np.roll(points, 1, axis=0), axis=1)
            keep[0] = keep[0] or not keep.any()  # a ring under a pixel is a point: drawn as a dot, like Leaflet's
            rings.append(points[keep])
    return rings
