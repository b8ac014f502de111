"""The coarse grid that unsafe-place answers snap to: square cells in SWEREF 99 TM (EPSG:3006).

A phone sends a point; only the cell it falls in is kept (its column and row: E // size, N // size),
so no stored answer says more than "somewhere in this square".
"""
import math

import pyproj
import shapely

from ..core.messages import _
from .shapes import SWEREF99TM, WGS84, from_geojson, to_metres, valid_lon_lat

_TO_DEGREES = pyproj.Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)


def snap(lon, lat, area_geometry: dict | str, size: int, tolerance_m: float = 50) -> list[int]:
    """The cell [column, row] of a point in the area (or within tolerance_m of its edge); ValueError says why not."""
    try:
        lon_f, lat_f = valid_lon_lat(lon, lat)
    except ValueError:
        raise ValueError(_("Platsen kunde inte läsas. Markera den på kartan igen.")) from None
    point = to_metres(shapely.Point(lon_f, lat_f))
    if to_metres(from_geojson(area_geometry)).distance(point) > tolerance_m:
        raise ValueError(_("Markera en plats inom området."))
    return [math.floor(point.x / size), math.floor(point.y / size)]


def cell_polygon(cell: list[int], size: int) -> dict:
    """The cell as a GeoJSON polygon in WGS84 (lon/lat, 6 decimals), its corners projected exactly."""
    e, n = cell[0] * size, cell[1] * size
    corners = [(e, n), (e + size, n), (e + size, n + size), (e, n + size), (e, n)]
    lons, lats = _TO_DEGREES.transform([c[0] for c in corners], [c[1] for c in corners])
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in zip(lons, lats)]]}


def with_geometry(cells: list[dict], size: int) -> list[dict]:
    """Cells {cell, count} with their polygons, for maps and JSON."""
    return [{**c, "geometry": cell_polygon(c["cell"], size)} for c in cells]


def cell_layer(rows: list[dict], size: int) -> tuple:
    """A GeoPackage layer (for geopackage.write_geopackage) of grid cells as WGS84 polygons with their counts."""
    columns = ["datum", "plats", "kod", "omrade", "omrade_namn", "e_sweref99tm", "n_sweref99tm", "rutstorlek_m",
               "antal"]
    flat = [{"datum": r["held_on"], "plats": r["place"], "kod": r["code"], "omrade": r["area"],
             "omrade_namn": r["area_name"], "e_sweref99tm": r["cell"][0] * size, "n_sweref99tm": r["cell"][1] * size,
             "rutstorlek_m": size, "antal": r["count"]} for r in rows]
    return "dialog_otrygga_platser", flat, columns, [cell_polygon(r["cell"], size) for r in rows]
