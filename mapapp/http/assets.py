"""Static files sent cheaply: each URL carries its content's hash (?v=…), so a browser keeps it for a year
without asking again; the bytes are read once, compressed once (gzip for gzip-only clients too), and a
reload of an unversioned URL is a 304."""
import gzip
import os
import threading

import brotli
from flask import abort, current_app, g, request

from ..render.assets import static_file as read_static

YEAR = 365 * 24 * 3600


def static_file(filename):
    """The static route: long-lived when the URL names this content's hash, revalidated otherwise."""
    found = read_static(filename)
    if found is None:
        abort(404)
    data, digest, mimetype = found
    encoding = request.accept_encodings.best_match(ENCODINGS) if _compressible(mimetype) else None
    if encoding:
        response = current_app.response_class(_encoded(filename, data, digest, encoding), mimetype=mimetype)
        response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        response.set_etag(f"{digest}:{encoding}")
    else:
        response = current_app.response_class(data, mimetype=mimetype)
        response.set_etag(digest)
        g.mapapp_etag = digest  # Flask-Compress keeps the compressed bytes under this key
    if request.args.get("v") == digest:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


# A file is compressed once per process at the strongest setting (Brotli 11 is about 13 % smaller than gzip for
# Leaflet, too slow to run per answer but not once), for clients offering br, else gzip. Kept per file name and
# encoding, the latest content only: as many entries as static files, twice.
ENCODINGS = ["br", "gzip"]
_encodings: dict[tuple[str, str], tuple[str, bytes]] = {}
_lock = threading.Lock()


def _compressible(mimetype: str) -> bool:
    return mimetype.startswith(("text/", "application/javascript", "application/json", "image/svg+xml"))


def _encoded(filename: str, data: bytes, digest: str, encoding: str) -> bytes:
    known = _encodings.get((filename, encoding))
    if known is None or known[0] != digest:
        known = (digest, brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, 9, mtime=0))
        with _lock:
            _encodings[(filename, encoding)] = known
    return known[1]


def warm(app):
    """Read and compress every static text file now: in gunicorn's master the workers inherit the bytes, so no
    worker's first visitor waits for Brotli 11 (about 170 ms for Leaflet)."""
    with app.app_context():
        for root, _dirs, names in os.walk(app.static_folder):
            for name in names:
                filename = os.path.relpath(os.path.join(root, name), app.static_folder).replace(os.sep, "/")
                try:
                    found = read_static(filename)
                except OSError:  # an unreadable file fails its own URL, as before, not the server's start
                    continue
                if found and _compressible(found[2]):
                    for encoding in ENCODINGS:
                        _encoded(filename, found[0], found[1], encoding)


def _versioned(endpoint, values):
    """url_for("static", filename=…) gains ?v=<content hash>, so the URL changes when the file does."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        found = read_static(values["filename"])
        if found:
            values["v"] = found[1]


def init_app(app):
    app.view_functions["static"] = static_file
    # Browsers ask for /favicon.ico on every first visit, whatever the page says.
    app.add_url_rule("/favicon.ico", "favicon", lambda: static_file("favicon.ico"))
    app.url_defaults(_versioned)
