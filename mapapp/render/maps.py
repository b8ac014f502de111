"""All Folium map building: layers, styles, labels and the wiring to the page's own script (its custom
elements in map_elements.py)."""
import re

import folium
from markupsafe import escape

from ..domain import vocab
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
    m.first_frame = [fit]  # what the first frame draws with the map; see render_parts
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


def _stable_ids(root):
    """Number every element in tree order: Folium's random ids would give each worker different bytes (and
    so a different ETag) for the same map."""
    n, stack = 0, [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{n:08x}"
        n += 1
        stack.extend(element._children.values())


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


def render_parts(m: folium.Map) -> dict:
    """Header, body and script of a map, for embedding in a page (Folium's 'components' recipe)."""
    root = m.get_root()
    _stable_ids(root)
    root.render()
    script = _in_two_frames(root, m) if getattr(m, "first_frame", None) else root.script.render()
    header = root.header.render()
    # Folium's full-page defaults would block zooming (WCAG 1.4.4) and size the whole page to the map.
    header = re.sub(r"<meta name=\"viewport\".*?/>", "", header, flags=re.S)
    header = re.sub(r"<style>\s*html, body \{.*?</style>", "", header, flags=re.S)
    header = re.sub(r"<style>\s*#map \{.*?</style>", "", header, flags=re.S)
    # Folium's inline script setting Leaflet's L_NO_TOUCH and L_DISABLE_3D to false says what leaving them unset
    # says, and costs a phone a tenth of a second: an inline script in the head waits for the stylesheets above
    # it and holds the parser meanwhile, so the page is laid out only when they come, just as Leaflet arrives.
    header = _LEAFLET_DEFAULTS.sub("", header)
    # Leaflet's script goes just before the map's own, at the end of the page: in the head it would stop the
    # parser until it arrived, and the page's text would wait with it (on a phone, most of a second).
    leaflet = "".join(_LEAFLET_TAG.findall(header))
    return {"header": _LEAFLET_TAG.sub("", header), "html": root.html.render(),
            "script": leaflet + "<script>\n" + script + "\n</script>"}


def _in_two_frames(root, m: folium.Map) -> str:
    """The map script with only the map and its first_frame elements run at once, the rest (tiles, other
    layers, controls, the page script) a frame later: the areas are drawn in the first frame a phone paints,
    instead of waiting for tile images and secondary layers to be made."""
    first, stack = {m.get_name()}, list(m.first_frame)
    while stack:  # each element's own script, and those of what it holds (a layer's addTo is its child)
        element = stack.pop()
        first.add(element.get_name())
        stack.extend(element._children.values())
    now, later = [], []
    for name, element in root.script._children.items():
        (now if name in first else later).append(element.render())
    # Two frames: a callback of the first frame runs before that frame is painted. A hidden tab has no frames.
    return "\n".join(now) + "\n(function (later) {\nvar done = false;\n" \
        "function run() { if (!done) { done = true; later(); } }\n" \
        "requestAnimationFrame(function () { requestAnimationFrame(run); });\nsetTimeout(run, 1000);\n" \
        "})(function () {\n" + "\n".join(later) + "\n});"


_LEAFLET_TAG = re.compile(r'<script src="[^"]*/leaflet\.js"></script>\s*')
_LEAFLET_DEFAULTS = re.compile(r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>\s*")


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
