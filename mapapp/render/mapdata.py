"""GeoJSON features for maps and the API, built from the store and the geometry layer."""


from ..geo import shapes as geo
from ..core.jsonable import plain
from .labels import progress_text
from ..store import areas as area_store
from . import world as worlds



def _with_geometry(props: dict, geometry: dict) -> dict:
    shape = geo.from_geojson(geometry)
    point = shape.representative_point()
    props = {**plain(props), "label_point": [round(point.x, 6), round(point.y, 6)],
             "bbox": [round(v, 6) for v in shape.bounds],
             "progress_text": progress_text(props["progress"]) if props.get("progress", {}).get("total") else None}
    return {"type": "Feature", "id": props["slug"], "properties": props, "geometry": geometry}


def area_features(session, today, year=None, municipality=None) -> list[dict]:
    """One feature per area with the map's summary as properties."""
    geometries = area_store.area_geometries(session)
    return [_with_geometry(a, geometries[a["slug"]])
            for a in area_store.list_areas(worlds.get(session, today, year), municipality)]


def camera_features(session, today, year=None) -> list[dict]:
    """Sites known on the view's day as points; decision areas as the union of their areas (outlines)."""
    geometries = area_store.area_geometries(session)
    features = []
    for site in worlds.get(session, today, year).camera_sites:
        if site["point"]:
            geometry = {"type": "Point", "coordinates": [site["point"]["lon"], site["point"]["lat"]]}
        elif site["areas"]:
            geometry = geo.union_geojson([geometries[a["slug"]] for a in site["areas"]])
        else:
            geometry = None  # published without a mappable place: listed, not drawn
        features.append({"type": "Feature", "id": site["slug"], "properties": plain(site), "geometry": geometry})
    return features


def est_features(features: list[dict]) -> list[dict]:
    return [f for f in features if f["properties"]["est_member"]]


def lagesbild_features(features: list[dict], year=None) -> list[dict]:
    """Areas on the police list in the chosen year (or in the latest list)."""
    out = []
    for f in features:
        latest = f["properties"].get("lagesbild_latest")
        if latest and latest["status"] == "listed":
            out.append({**f, "properties": {**f["properties"], "lagesbild": latest}})
    return out
