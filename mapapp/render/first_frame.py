"""A map's first frame, drawn by the server: its areas as an SVG picture in the page, sized and placed where
Leaflet's fitBounds will draw them, so a phone shows them at its first paint instead of after Leaflet has
arrived and run. The map script removes the picture in the step that draws Leaflet's own layer; without
JavaScript it stays, and its areas link to their pages."""
import math

from markupsafe import escape

from ..geo import screen
from .maps import bounds_of

# Map sizes (CSS pixels) the picture is sized for exactly, one container query per zoom level Leaflet may
# pick between them; outside them it is fitted to the map, near enough for the moment before Leaflet draws.
SMALLEST, LARGEST = 160, 2560
# Drawn in whole pixels, simplified to a pixel (as Leaflet simplifies its own), at the zoom of a map this size:
# exact on a phone or a laptop, a pixel or two coarse on a larger screen until Leaflet draws (and fewer bytes).
DETAIL, TOLERANCE = 1280, 1.0


def area_picture(map_id: str, features: list[dict], style, bounds, link=None) -> dict | None:
    """{"style": for the head, "svg": the picture} of the features styled by style(f), or None; link(slug): URL."""
    if not bounds or not features:
        return None
    zooms = range(screen.fit_zoom(bounds, SMALLEST, SMALLEST), screen.fit_zoom(bounds, LARGEST, LARGEST) + 1)
    detail = screen.fit_zoom(bounds, DETAIL, DETAIL)  # DETAIL < LARGEST: within zooms
    left, top, width, height = screen.box_pixels(bounds, detail)
    # The most any map from SMALLEST to LARGEST shows around the box: areas beyond it are left out.
    reach = LARGEST / 2 * 2 ** (detail - zooms[0])
    view = (width / 2 - reach, height / 2 - reach, width / 2 + reach, height / 2 + reach)
    paths = [_path(f, style(f), detail, (left, top), link) for f in features if _may_show(f, detail, (left, top), view)]
    paths = [p for p in paths if p]
    if not paths:
        return None
    frame_id = f"{map_id}-frame"
    svg = (f'<svg id="{frame_id}" class="map-first-frame" viewBox="0 0 {_n(width)} {_n(height)}" '
           f'overflow="visible" aria-hidden="true" focusable="false" data-areas="{len(paths)}">{"".join(paths)}</svg>')
    return {"style": f"<style>{_css(frame_id, bounds, zooms)}</style>", "svg": svg}


def _may_show(feature: dict, zoom: int, origin, view) -> bool:
    """Whether the feature's box (when it has one) meets the view, in pixels at zoom from origin."""
    box = bounds_of([feature])
    if not box:
        return True
    x, y, w, h = screen.box_pixels(box, zoom)
    x, y = x - origin[0], y - origin[1]
    return x <= view[2] and x + w >= view[0] and y <= view[3] and y + h >= view[1]


def _css(frame_id: str, bounds, zooms) -> str:
    """Centred like Leaflet's view; at each zoom the map can hold the box at, exactly that zoom's size."""
    rules = [f"#{frame_id} {{ position: absolute; left: 50%; top: 50%; width: 100%; height: 100%; "
             "transform: translate(-50%, -50%); }",
             f"#{frame_id} path {{ vector-effect: non-scaling-stroke; stroke-linecap: round; "
             "stroke-linejoin: round; fill-rule: evenodd; }"]
    for zoom in zooms:
        _, _, width, height = screen.box_pixels(bounds, zoom)
        rules.append(f"@container map-frame (min-width: {_takes(width)}px) and (min-height: {_takes(height)}px) "
                     f"{{ #{frame_id} {{ width: {_n(width)}px; height: {_n(height)}px; }} }}")
    return "\n".join(rules)


def _takes(length: float) -> str:
    """The least map length at which Leaflet takes the zoom whose box is this long, as a container query sees it."""
    # Leaflet rounds the fit to 1/100 of a level before flooring it, and measures the map in whole pixels.
    whole = math.ceil(length * 2 ** -0.005 - 1e-9)
    return _n(whole - 0.5)


def _path(feature: dict, style: dict, zoom: int, origin, link) -> str:
    """One area as a path (relative moves in whole pixels), in a link to its page when link is given."""
    rings = screen.rings_in_pixels(feature["geometry"], zoom, origin, TOLERANCE) if feature.get("geometry") else []
    if not rings:
        return ""
    d = []
    for ring in rings:
        x, y = ring[0]
        steps = ring[1:] - ring[:-1]
        d.append(f"M{x} {y}" + ("l" + " ".join(f"{dx} {dy}" for dx, dy in steps) if len(steps) else "") + "z")
    colour = style.get("color", "#3388ff")  # Leaflet's defaults where the style is silent
    fill = style.get("fillColor", colour) if style.get("fill", True) else "none"
    attributes = (f'd="{"".join(d)}" fill="{escape(fill)}" fill-opacity="{style.get("fillOpacity", 0.2)}" '
                  f'stroke="{escape(colour)}" stroke-width="{style.get("weight", 3)}"')
    path = f"<path {attributes}/>"
    slug = feature.get("properties", {}).get("slug")
    return f'<a href="{escape(link(slug))}" tabindex="-1">{path}</a>' if link and slug else path


def _n(value: float) -> str:
    """A length with two decimals at most."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
