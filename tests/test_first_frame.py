"""The map's first frame drawn by the server: a picture of the areas a page carries, sized by container
queries to the zoom Leaflet's fitBounds will pick, removed where Leaflet draws its own; Leaflet's pixel
arithmetic checked on tiny literal shapes."""
import math
import re

import pytest

from mapapp.geo import screen
from mapapp.render.first_frame import area_picture

SQUARE = {"type": "Polygon",
          "coordinates": [[[16.0, 58.0], [16.01, 58.0], [16.01, 58.01], [16.0, 58.01], [16.0, 58.0]]]}
HOLED = {"type": "Polygon", "coordinates": [SQUARE["coordinates"][0],
                                            [[16.004, 58.004], [16.006, 58.004], [16.006, 58.006], [16.004, 58.004]]]}
STYLE = {"color": "#1f2933", "weight": 2, "fillColor": "#d9d9d9", "fillOpacity": 0.55}


def _frame(page: str) -> str:
    match = re.search(r'<svg id="map_[0-9a-f]+-frame".*?</svg>', page, re.S)
    return match.group(0) if match else ""


def test_pixels_are_leaflets_web_mercator_at_256_pixels_a_tile():
    x, y = screen.pixels([0.0, -180.0, 180.0], [0.0, 85.0511287798, -85.0511287798], 0)
    assert list(x) == pytest.approx([128, 0, 256]) and list(y) == pytest.approx([128, 0, 256], abs=1e-6)
    x1, y1 = screen.pixels(16.0, 58.0, 1)
    mercator = math.log(math.tan(math.pi / 4 + math.radians(58.0) / 2))  # the textbook form, not the code's
    assert (float(x1), float(y1)) == pytest.approx((512 * (0.5 + 16 / 360), 512 * (0.5 - mercator / (2 * math.pi))))
    assert float(screen.pixels(0, 89.9, 0)[1]) == pytest.approx(0, abs=1e-6)  # clamped as Leaflet clamps


def test_fit_zoom_is_the_whole_level_leaflets_fit_bounds_picks():
    bounds = [[58.0, 16.0], [58.01, 16.01]]
    _, _, w0, h0 = screen.box_pixels(bounds, 0)
    for zoom in (10, 14, 17):
        assert screen.fit_zoom(bounds, w0 * 2 ** zoom, h0 * 2 ** zoom) == zoom
        assert screen.fit_zoom(bounds, w0 * 2 ** zoom * 0.999, 10_000) == zoom  # within 1/100 of a level: taken
        assert screen.fit_zoom(bounds, w0 * 2 ** zoom * 0.99, 10_000) == zoom - 1
    assert screen.fit_zoom([[58.0, 16.0], [58.0, 16.0]], 390, 400) == screen.MAX_ZOOM  # a point: as close as tiles go


def test_rings_are_whole_pixels_from_the_origin_holes_kept_and_never_simplified_away():
    left, top, width, height = screen.box_pixels([[58.0, 16.0], [58.01, 16.01]], 14)
    rings = screen.rings_in_pixels(SQUARE, 14, (left, top), 1.0)
    assert len(rings) == 1 and len(rings[0]) == 4  # the closing point left out
    assert rings[0].min(axis=0).tolist() == [0, 0] and rings[0].max(axis=0).tolist() == [round(width), round(height)]
    assert len(screen.rings_in_pixels(HOLED, 14, (left, top), 1.0)) == 2
    tiny = screen.rings_in_pixels(SQUARE, 2, (0, 0), 1.0)  # far under a pixel: a dot
    assert len(tiny) == 1 and len(tiny[0]) == 1


def _chosen(css: str, width: float, height: float) -> tuple[float, float] | None:
    """The picture's size a container of width × height gets: the last container query it meets."""
    chosen = None
    for min_w, min_h, w, h in re.findall(r"min-width: ([\d.]+)px\) and \(min-height: ([\d.]+)px\) \{ #\S+ \{ "
                                         r"width: ([\d.]+)px; height: ([\d.]+)px", css):
        if width >= float(min_w) and height >= float(min_h):
            chosen = (float(w), float(h))
    return chosen


def test_the_picture_takes_the_size_of_the_zoom_leaflet_will_pick_for_any_map_size():
    bounds = [[58.0, 16.0], [58.01, 16.01]]
    frame = area_picture("map_00000001", [{"type": "Feature", "geometry": SQUARE, "properties": {"slug": "a"}}],
                        lambda _f: STYLE, bounds)
    _, _, w16, _ = screen.box_pixels(bounds, 16)
    edge = math.ceil(w16 * 2 ** -0.005)  # the first whole width at which Leaflet takes zoom 16
    for width, height in [(358, 400), (375, 300), (390, 440), (464.2, 464.2), (1000, 600), (1280, 700.5),
                          (2400, 1300), (edge - 0.4, 2000), (edge - 0.6, 2000)]:
        zoom = screen.fit_zoom(bounds, round(width), round(height))  # Leaflet measures the map in whole pixels
        _, _, w, h = screen.box_pixels(bounds, zoom)
        assert _chosen(frame["style"], width, height) == pytest.approx((w, h), abs=0.01), (width, height)


def test_an_area_is_styled_as_leaflet_styles_it():
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {"slug": "a"}}
    bounds = [[58.0, 16.0], [58.01, 16.01]]
    svg = area_picture("m", [feature], lambda _f: STYLE, bounds, lambda slug: f"/area/{slug}")["svg"]
    assert 'fill="#d9d9d9" fill-opacity="0.55" stroke="#1f2933" stroke-width="2"' in svg
    assert '<a href="/area/a" tabindex="-1"><path' in svg
    outline = area_picture("m", [feature], lambda _f: {"color": "#5e3c99", "fill": False}, bounds)["svg"]
    assert 'fill="none"' in outline and 'stroke="#5e3c99" stroke-width="3"' in outline and "<a " not in outline


def test_areas_no_map_size_can_show_are_left_out():
    near = {"type": "Feature", "geometry": SQUARE, "properties": {"slug": "near", "bbox": [16.0, 58.0, 16.01, 58.01]}}
    far_box = [20.0, 65.0, 20.01, 65.01]
    far = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[20.0, 65.0], [20.01, 65.0],
                                                                              [20.01, 65.01], [20.0, 65.0]]]},
           "properties": {"slug": "far", "bbox": far_box}}
    bounds = [[58.0, 16.0], [58.01, 16.01]]
    svg = area_picture("m", [near, far], lambda _f: STYLE, bounds, lambda slug: f"/area/{slug}")["svg"]
    assert "/area/near" in svg and "/area/far" not in svg and 'data-areas="1"' in svg


def test_nothing_to_draw_draws_no_picture():
    assert area_picture("map_00000001", [], lambda _f: STYLE, [[58, 16], [59, 17]]) is None
    assert area_picture("map_00000001", [{"type": "Feature", "geometry": None, "properties": {"slug": "a"}}],
                       lambda _f: STYLE, [[58, 16], [59, 17]]) is None


def test_the_map_page_carries_a_picture_of_its_areas_linked_to_their_pages(client):
    page = client.get("/").get_data(as_text=True)
    head = page.split("</head>", 1)[0]
    frame = _frame(page)
    assert 'class="map-first-frame"' in frame and 'aria-hidden="true"' in frame
    assert f'data-areas="{frame.count("<path")}"' in frame  # how many, so a half-parsed picture can be told
    slugs = re.findall(r'<a href="/area/([a-z0-9-]+)" tabindex="-1"><path d="M', frame)
    features = client.get("/index.map.json").get_json()["areas"]
    assert sorted(slugs) == sorted(features) and len(slugs) == frame.count("<path")
    assert re.search(r"@container map-frame \(min-width: [\d.]+px\) and \(min-height: [\d.]+px\)", head)
    assert page.index(frame) > page.index('class="folium-map"')  # over the map's element until Leaflet draws


def test_the_map_script_removes_the_picture_in_the_step_that_draws_its_own_areas(client):
    page = client.get("/").get_data(as_text=True)
    script = page[page.index("L.map("):]
    frame_id = re.search(r'<svg id="(map_[0-9a-f]+-frame)"', page).group(1)
    removal = script.index(f'document.getElementById("{frame_id}")')
    assert script.index('"className": "area-shape"') < removal < script.index("(function (later) {")


def test_the_area_page_pictures_its_area(client):
    frame = _frame(client.get("/area/hageby").get_data(as_text=True))
    assert frame.count("<path") == 1 and 'href="/area/hageby"' in frame


def test_a_map_without_its_areas_inline_or_with_them_hidden_has_no_picture(app, client):
    assert _frame(client.get("/?layers=camera").get_data(as_text=True)) == ""
    app.config["MAP_INLINE_BYTES"] = 100
    page = client.get("/?year=2025").get_data(as_text=True)  # by bbox: nothing to draw before the map's script
    assert '"/api/areas.geojson"' in page and _frame(page) == ""
