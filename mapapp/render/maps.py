"""All Folium map building: layers, styles, labels and the wiring to the page's own script (its custom
elements in map_elements.py)."""
import re

import folium
from markupsafe import escape

from ..domain import vocab
from ..geo.screen import MAX_ZOOM
from . import map_elements as elements
from .assets import asset_url

LEAFLET_JS = [("leaflet", "/static/vendor/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "/static/vendor/leaflet/leaflet.css")]
SWEDEN_BOUNDS = [[55.3, 11.0], [69.1, 24.2]]
# Layer-control labels; the page passes them translated (they are ours, never data text).
LAYER_NAMES = {"areas": "Områden med medborgarlöften", "camera": "Kamerabevakning", "est": "EST-områden",
               "lagesbild": "Polisens lägesbild"}

LAGESBILD_COLOURS = {"utsatt": "#d95f02", "riskomrade": "#a6361c", "sarskilt_utsatt": "#67000d", "okand": "#d95f02"}


def _bare(features: list[dict], keep=("slug",)) -> dict:
    """Geometry plus the few machine values styling needs.

    Folium renders its scripts twice through Jinja, so any text it embeds is evaluated as a
    template ({{ … }} would run). No data text reaches Folium: the page script reads names and
    descriptions from a separate JSON block rendered once by Flask.
    """
    out = []
    for f in features:
        props = {k: f["properties"].get(k) for k in keep}
        out.append({"type": "Feature", "id": f["properties"]["slug"], "properties": props, "geometry": f["geometry"]})
    return {"type": "FeatureCollection", "features": out}


# What the page script reads of an EST or lägesbild outline (the full properties are the areas layer's).
PAGE_KEYS = {"est": ("slug", "name"), "lagesbild": ("slug", "name", "lagesbild")}


def page_data(layers: dict[str, list[dict]]) -> dict:
    """Per layer, slug → the properties the page script reads, for the page's JSON block."""
    def props(key, f):
        return {k: f["properties"].get(k) for k in PAGE_KEYS[key]} if key in PAGE_KEYS else f["properties"]
    return {key: {f["properties"]["slug"]: props(key, f) for f in features} for key, features in layers.items()}


_LINK = re.compile(r"&lt;a href=&#34;(https://[A-Za-z0-9./_~%-]+)&#34;&gt;([^&<]{1,80})&lt;/a&gt;")


def attribution_html(text: str) -> str:
    """The tile provider's credit as HTML: escaped, except plain https links (<a href="https://…">…</a>)."""
    return _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(2)}</a>', str(escape(text)))


def new_map(tile_url: str | None, tile_attribution: str, bounds=None, static_prefix: str = "") -> folium.Map:
    """A Folium map whose assets are all served by the app; tiles only if configured."""
    m = folium.Map(location=[59.0, 16.0], zoom_start=6, tiles=None, control_scale=False,
                   prefer_canvas=False, zoom_control=True)
    # The tiles' last zoom, set on the map: fitBounds runs before the tile layer exists (it comes a frame later, or
    # never without TILE_URL) and would otherwise zoom past it; the server's picture is sized to the same cap.
    m.options["max_zoom"] = MAX_ZOOM
    elements.ScaleBar().add_to(m)  # not Folium's control_scale, which is part of the map's first-frame script
    m.default_js = [(n, static_prefix + u) for n, u in LEAFLET_JS]
    m.default_css = [(n, static_prefix + u) for n, u in LEAFLET_CSS]
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=attribution_html(tile_attribution or "Kartbakgrund"),
                         name="Bakgrundskarta", control=False).add_to(m)
    # Framed without animation: an animated first fit is carried out a frame later, after the page script has
    # applied a shared link's view (#zoom/lat/lon), and would undo it; the first frame is the framed map, too.
    fit = folium.FitBounds(bounds or SWEDEN_BOUNDS)
    fit.options["animate"] = False
    m.add_child(fit)
    m.first_frame = [fit]  # what the first frame draws with the map; see map_parts.render_parts
    m.frame_bounds = fit.bounds  # and, with frame_areas set, what the server's picture of it frames
    return m


def _area_style(feature):
    colour = vocab.STATUS_COLOURS.get(feature["properties"].get("summary_status"), vocab.STATUS_COLOURS["ej_bedomd"])
    return {"color": "#1f2933", "weight": 2, "fillColor": colour, "fillOpacity": 0.55,
            "className": "area-shape"}


CAMERA_AREA = {"color": "#5e3c99", "weight": 3, "fill": False, "dashArray": "8 6", "className": "camera-area"}
EST_OUTLINE = {"color": "#1f78b4", "weight": 3, "fill": False, "dashArray": None, "className": "est-shape"}


def _category(feature) -> str:
    category = feature["properties"].get("category")
    return category if category in LAGESBILD_COLOURS else "okand"


def _lagesbild_style(feature):
    category = _category(feature)
    return {"color": LAGESBILD_COLOURS[category], "weight": 3, "fillColor": LAGESBILD_COLOURS[category],
            "fillOpacity": 0.25, "dashArray": "2 6", "className": "lagesbild-shape"}


def _camera(sites: list[dict], area_layer, areas: list[dict], parent) -> dict:
    """The camera layers: "camera_areas", outlines drawn from the areas the map already holds (an area once,
    however many sites cover it), and "camera", the sites with geometry of their own (a point, or areas the
    map does not hold). Either is None when it has nothing."""
    inline = {f["properties"]["slug"] for f in areas} if area_layer else set()
    derived, own = [], []
    for f in sites:
        held = not f["properties"].get("point") and f["properties"].get("areas") and \
            {a["slug"] for a in f["properties"]["areas"]} <= inline
        (derived if held else own).append(f)
    return {"camera": folium.GeoJson(_bare(own), name="camera", style_function=lambda _f: CAMERA_AREA,
                                     marker=folium.CircleMarker(radius=9, color="#5e3c99", weight=3, fill=True,
                                                                fill_color="#ffffff", fill_opacity=1),
                                     control=False).add_to(parent) if own else None,
            "camera_areas": elements.FromAreas(area_layer, _camera_picks(derived), {"site": CAMERA_AREA}
                                               ).add_to(parent) if derived else None}


def _camera_picks(sites: list[dict]) -> dict:
    """Area slug → one outline listing every camera site over that area (an area is outlined once)."""
    by_area: dict[str, list[str]] = {}
    for f in sites:
        for a in f["properties"]["areas"]:
            by_area.setdefault(a["slug"], []).append(f["properties"]["slug"])
    return {slug: [{"style": "site", "sites": sites}] for slug, sites in by_area.items()}


def bounds_of(features) -> list | None:
    """[[south, west], [north, east]] of the features' label bounds, or None."""
    boxes = [f["properties"]["bbox"] for f in features if f["properties"].get("bbox")]
    if not boxes:
        return None
    return [[min(b[1] for b in boxes), min(b[0] for b in boxes)], [max(b[3] for b in boxes), max(b[2] for b in boxes)]]


def overview_map(areas: list[dict], camera: list[dict], est: list[dict], lagesbild: list[dict],
                 year_label: str, tile_url=None, tile_attribution="", bounds=None,
                 attributions=(), static_prefix: str = "", show_layers=None, background: bool = False,
                 names: dict | None = None, remote: dict | None = None) -> folium.Map:
    """The public map: districts coloured by status, camera sites, EST areas and lägesbild
    (and, with background=True, the national RegSO layer fetched by bounding box; see add_background)."""
    show = set(show_layers or ("areas", "camera"))
    m = new_map(tile_url, tile_attribution, bounds or bounds_of(areas), static_prefix)
    names = {**LAYER_NAMES, **(names or {})}
    districts = folium.FeatureGroup(name=names["areas"], show="areas" in show).add_to(m)
    area_layer = None if remote else folium.GeoJson(
        _bare(areas, ("slug", "summary_status")), name="areas", style_function=_area_style,
        highlight_function=lambda f: {"weight": 4}, control=False).add_to(districts)
    m.first_frame.append(districts)
    if area_layer and "areas" in show:
        m.frame_areas = (areas, _area_style)
    cameras = folium.FeatureGroup(name=names["camera"], show="camera" in show).add_to(m)
    camera_layers = _camera(camera, area_layer, areas, cameras)
    est_group = folium.FeatureGroup(name=names["est"], show="est" in show).add_to(m)
    lb_group = folium.FeatureGroup(name=f"{names['lagesbild']} ({year_label})", show="lagesbild" in show).add_to(m)
    categories = [{**f, "properties": {"slug": f["properties"]["slug"],
                                       "category": f["properties"]["lagesbild"]["category"]}} for f in lagesbild]
    if area_layer:
        est_layer = elements.FromAreas(area_layer, {f["properties"]["slug"]: [{"style": "est"}] for f in est},
                               {"est": EST_OUTLINE}).add_to(est_group)
        lb_layer = elements.FromAreas(
            area_layer, {f["properties"]["slug"]: [{"style": _category(f)}] for f in categories},
            {c: _lagesbild_style({"properties": {"category": c}}) for c in LAGESBILD_COLOURS}).add_to(lb_group)
    else:
        est_layer = folium.GeoJson(_bare(est), name="est", style_function=lambda _f: EST_OUTLINE,
                                   control=False).add_to(est_group)
        lb_layer = folium.GeoJson(_bare(categories, ("slug", "category")), name="lagesbild",
                                  style_function=_lagesbild_style, control=False).add_to(lb_group)
    # Made folded: an open list measures the page while it loads (a forced layout that delayed a phone's first
    # frame by a quarter of a second); the page script opens it on a wide screen once the map is drawn.
    control = folium.LayerControl(collapsed=True, position="topright").add_to(m)
    layers = {"areas": area_layer, **camera_layers, "est": est_layer, "lagesbild": lb_layer}
    elements.Wiring({k: v for k, v in layers.items() if v is not None},
                    {"attributions": [str(escape(a)) for a in attributions], "remote": remote,
                     "colours": vocab.STATUS_COLOURS},
                    {"areas": districts, "camera": cameras, "est": est_group, "lagesbild": lb_group},
                    control).add_to(m)
    if background:
        add_background(m, static_prefix, show="regso" in show)
    return m


def area_map(area_feature: dict, camera: list[dict], tile_url=None, tile_attribution="",
             static_prefix: str = "") -> folium.Map:
    """A small map of one area and its camera sites."""
    m = new_map(tile_url, tile_attribution, bounds_of([area_feature]), static_prefix)
    layer = folium.GeoJson(_bare([area_feature], ("slug", "summary_status")), name="areas",
                           style_function=_area_style, control=False).add_to(m)
    m.first_frame.append(layer)
    m.frame_areas = ([area_feature], _area_style)
    layers = {"areas": layer, **_camera(camera, layer, [area_feature], m)}
    elements.Wiring({k: v for k, v in layers.items() if v is not None}, {"attributions": [], "small": True}).add_to(m)
    return m


def highlight_map(features: list[dict], highlighted: set, tile_url=None, tile_attribution="",
                  static_prefix: str = "") -> folium.Map:
    """A map of a promise's municipality with its targeted areas highlighted."""
    chosen = [f for f in features if f["properties"]["slug"] in highlighted] or features
    m = new_map(tile_url, tile_attribution, bounds_of(chosen), static_prefix)
    features = [{**f, "properties": {**f["properties"], "highlighted": f["properties"]["slug"] in highlighted}}
                for f in features]  # the features are shared (cached): never changed in place
    layer = folium.GeoJson(_bare(features, ("slug", "summary_status", "highlighted")), name="areas",
                           style_function=lambda f: {**_area_style(f),
                                                     "fillOpacity": 0.6 if f["properties"]["highlighted"] else 0.1,
                                                     "weight": 3 if f["properties"]["highlighted"] else 1},
                           control=False).add_to(m)
    elements.Wiring({"areas": layer}, {"attributions": [], "small": True}).add_to(m)
    return m


def candidate_map(features: list[dict], tile_url=None, tile_attribution="", static_prefix: str = "") -> folium.Map:
    """A small map of the polygons proposed for a draft's named places (each labelled by the page script)."""
    m = new_map(tile_url, tile_attribution, bounds_of(features), static_prefix)
    layer = folium.GeoJson(_bare(features, ("slug", "kind")), name="areas", control=False,
                           style_function=lambda f: {"color": "#1f2933", "weight": 2, "fillColor": "#0b5cad",
                                                     "fillOpacity": 0.25,
                                                     "dashArray": "6 4" if f["properties"]["kind"] != "exact" else None,
                                                     "className": "candidate-shape"}).add_to(m)
    elements.Wiring({"areas": layer}, {"attributions": [], "small": True}).add_to(m)
    return m


def presenter_map(areas: list[dict], tile_url=None, tile_attribution="", attributions=(),
                  static_prefix: str = "") -> folium.Map:
    """The presenter's map: the promise's areas on a plain background (tiles only when asked for).

    Geometry and slugs only (see _bare); present.js labels the areas and flies between them. The
    keyboard belongs to the slides, so Leaflet's own arrow-key panning is off, as is wheel zoom.
    """
    m = folium.Map(location=[59.0, 16.0], zoom_start=6, tiles=None, zoom_control=False, keyboard=False,
                   scroll_wheel_zoom=False, prefer_canvas=False, zoom_snap=0.25)
    m.default_js = [(n, static_prefix + u) for n, u in LEAFLET_JS]
    m.default_css = [(n, static_prefix + u) for n, u in LEAFLET_CSS]
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=attribution_html(tile_attribution or "Kartbakgrund"),
                         name="Bakgrundskarta", control=False).add_to(m)
    m.fit_bounds(bounds_of(areas) or SWEDEN_BOUNDS)
    layer = folium.GeoJson(_bare(areas), name="areas", control=False,
                           style_function=lambda _f: {"color": "#1f2933", "weight": 2, "fillColor": "#0b5cad",
                                                      "fillOpacity": 0.12, "className": "present-area"}).add_to(m)
    elements.PresenterWiring(layer, {"attributions": [str(escape(a)) for a in attributions]}).add_to(m)
    return m


def add_background(m: folium.Map, static_prefix: str = "", min_zoom: int = 4, show: bool = False) -> folium.Map:
    """Add the national background layer (drawn from zoom min_zoom, toggled in the layer control if any).

    Must be added after the LayerControl, whose variable the script uses."""
    control = next((c for c in m._children.values() if isinstance(c, folium.LayerControl)), None)
    elements.BackgroundLayer({"url": static_prefix + "/api/background.geojson", "minZoom": min_zoom, "show": show,
                      "script": static_prefix + asset_url("/static/js/background.js")}, control).add_to(m)
    return m
