"""GeoPackage files from flat rows and GeoJSON geometries, written with GeoPandas and pyogrio."""
import pandas as pd
import geopandas as gpd
import pyogrio
from shapely.geometry import shape

from .shapes import WGS84


def _typed(values: list) -> pd.Series:
    """A column with a real GeoPackage type: booleans, integers and reals stay typed, the rest is text."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Int64")
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Float64")
    # Everything else is text; a column that is empty in every row is still a text column.
    return pd.Series([None if v is None else str(v) for v in values], dtype="string")


def write_geopackage(path, layers: list[tuple[str, list[dict], list[str], list | None]]):
    """Write layers (name, rows, columns, GeoJSON geometries or None for a table) into one GeoPackage."""
    for name, rows, cols, geometries in layers:
        frame = pd.DataFrame({c: _typed([r.get(c) for r in rows]) for c in cols}, index=range(len(rows)))
        if geometries is None:
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
            continue
        shapes = gpd.GeoSeries([shape(g) if g else None for g in geometries], index=frame.index, crs=WGS84)
        gpd.GeoDataFrame(frame, geometry=shapes).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
