"""The files a page cannot be drawn without, named in a `Link: rel=preload` header.

A browser reads the header as soon as the answer starts, so these downloads overlap the page's own body
instead of waiting for the parser to reach their tags: on a slow phone network that is a round trip saved
before the map can be drawn. Deferred scripts are left out (they would compete with the ones that matter).
"""
import re

_STYLESHEET = re.compile(rb'<link rel="stylesheet" href="(/static/[^"<>\s]+)"')
_BLOCKING_SCRIPT = re.compile(rb'<script src="(/static/[^"<>\s]+)"></script>')


def link_header(body: bytes) -> str | None:
    """`Link` value preloading the page's own stylesheets and parser-blocking scripts, or None."""
    if not body.lstrip().lower().startswith(b"<!doctype html"):
        return None
    # Scripts first: the largest (Leaflet) decides when the map can be drawn, and is asked for first.
    links = [f"<{m.decode()}>; rel=preload; as=script" for m in _BLOCKING_SCRIPT.findall(body)]
    links += [f"<{m.decode()}>; rel=preload; as=style" for m in _STYLESHEET.findall(body)]
    return ", ".join(dict.fromkeys(links)) or None
