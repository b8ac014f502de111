"""Boundary files built in the tests: GeoJSON, GeoPackage and zipped Shapefile, plus upload and snapshot helpers."""
import hashlib
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box
from sqlalchemy import func, select

from mapapp.store.db import session_factory
from mapapp.store.models import Area, Base
from mapapp.store.versions import current_version
from planner_support import csrf_token

URL = "/planner/areas/import"
# Two small areas in Norrköping (lon/lat); the first is new, the second has the seeded area's slug.
LUNDBY = box(16.10, 58.55, 16.13, 58.57)
HAGEBY = box(16.20, 58.56, 16.23, 58.58)
BOWTIE = Polygon([(16.10, 58.55), (16.13, 58.57), (16.13, 58.55), (16.10, 58.57), (16.10, 58.55)])


def feature_collection(features, crs=None) -> dict:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geom if isinstance(geom, (dict, type(None)))
         else json.loads(gpd.GeoSeries([geom]).to_json())["features"][0]["geometry"]}
        for props, geom in features]}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return doc


def geojson(features=None, crs=None) -> bytes:
    features = features if features is not None else [({"name": "Lundby", "slug": "lundby"}, LUNDBY)]
    return json.dumps(feature_collection(features, crs), ensure_ascii=False).encode("utf-8")


def frame(rows: list[dict], geoms, crs="EPSG:4326", to_crs=None) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(rows, geometry=list(geoms), crs=crs)
    return gdf.to_crs(to_crs) if to_crs else gdf


def gpkg(gdf: gpd.GeoDataFrame, layer="areas") -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.gpkg"
        gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def shapefile_zip(gdf: gpd.GeoDataFrame, keep=("shp", "shx", "dbf", "prj", "cpg"), encoding="UTF-8",
                  folder="", cpg_text=None) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "omraden.shp"
        gdf.to_file(path, engine="pyogrio", encoding=encoding)
        if cpg_text is not None:
            path.with_suffix(".cpg").write_text(cpg_text)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for ext in keep:
                member = path.with_suffix(f".{ext}")
                if member.exists():
                    zf.write(member, f"{folder}omraden.{ext}")
        return buffer.getvalue()


def upload(client, data: bytes, filename: str, **fields):
    """POST a file to the boundary upload form with a real CSRF token."""
    form = {"csrf_token": csrf_token(client, URL), "licence": "CC0 1.0", **fields,
            "file": (io.BytesIO(data), filename)}
    return client.post(URL, data=form, content_type="multipart/form-data")


def message_of(response) -> str:
    """The one-line message of a refused upload (the form's error, or the error page's)."""
    html = response.get_data(as_text=True)
    for pattern in (r'<p id="import-error">(.*?)</p>', r'<p class="field-error"[^>]*>(.*?)</p>',
                    r'<div class="error-summary".*?<li>(.*?)</li>', r'<section class="error-page">\s*<h1>.*?</h1>\s*<p>(.*?)</p>',
                    r'<section class="import-result[^"]*"[^>]*>\s*<h2[^>]*>(.*?)</h2>'):
        match = re.search(pattern, html, re.S)
        if match:
            return re.sub(r"<[^>]+>", "", match.group(1)).strip()
    return ""


def confirm(client, review_response):
    html = review_response.get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', html).group(1)
    return client.post(f"{URL}/confirm", data={"csrf_token": csrf_token(client, URL), "token": token})


def snapshot(app) -> dict:
    """Row counts of every table, the data version and each area's geometry: what a refused import must keep."""
    with app.app_context(), session_factory(app)() as s:
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
        geometry = {slug: hashlib.sha256(g.encode()).hexdigest()
                    for slug, g in s.execute(select(Area.slug, Area.geometry))}
        return {"counts": counts, "areas": geometry, "version": current_version(s)}
