"""A built map as the parts a page embeds: the header (stylesheets), the map's element (with its server-drawn
first frame, see first_frame.py) and its script, split so the areas are drawn in the first frame a phone paints."""
import re

from .first_frame import area_picture


def _stable_ids(root):
    """Number every element in tree order: Folium's random ids would give each worker different bytes (and
    so a different ETag) for the same map."""
    n, stack = 0, [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{n:08x}"
        n += 1
        stack.extend(element._children.values())


def render_parts(m, link=None) -> dict:
    """Header, body and script of a map for a page (Folium's 'components' recipe); link(slug): an area's URL."""
    root = m.get_root()
    _stable_ids(root)
    root.render()
    # The picture only where the map script is split in two, which is where it is removed.
    frame = area_picture(m.get_name(), *m.frame_areas, m.frame_bounds, link) \
        if getattr(m, "frame_areas", None) and getattr(m, "first_frame", None) else None
    script = _in_two_frames(root, m, frame is not None) if getattr(m, "first_frame", None) \
        else root.script.render()
    header = root.header.render() + (frame["style"] if frame else "")
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
    return {"header": _LEAFLET_TAG.sub("", header), "html": root.html.render() + (frame["svg"] if frame else ""),
            "script": leaflet + "<script>\n" + script + "\n</script>"}


def _in_two_frames(root, m, framed: bool = False) -> str:
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
    if framed:  # the server's picture goes in the step that draws Leaflet's layer: one frame shows either
        now.append(f'(function (f) {{ if (f) {{ f.parentNode.removeChild(f); }} }})'
                   f'(document.getElementById("{m.get_name()}-frame"));')
    # Two frames: a callback of the first frame runs before that frame is painted. A hidden tab has no frames.
    return "\n".join(now) + "\n(function (later) {\nvar done = false;\n" \
        "function run() { if (!done) { done = true; later(); } }\n" \
        "requestAnimationFrame(function () { requestAnimationFrame(run); });\nsetTimeout(run, 1000);\n" \
        "})(function () {\n" + "\n".join(later) + "\n});"


_LEAFLET_TAG = re.compile(r'<script src="[^"]*/leaflet\.js"></script>\s*')
_LEAFLET_DEFAULTS = re.compile(r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>\s*")
