"""Static files by content: each read once per version of the file, with a short hash of its bytes that
goes into its URL (?v=…), so a URL names exactly one content."""
import hashlib
import mimetypes
import os
import threading

from flask import current_app
from werkzeug.security import safe_join

_lock = threading.Lock()


def static_file(filename: str) -> tuple[bytes, str, str] | None:
    """(bytes, hash, mimetype) of a static file, read once per file version; None when there is no such file."""
    path = safe_join(current_app.static_folder, filename)
    if path is None or not os.path.isfile(path):
        return None
    stamp = os.stat(path).st_mtime_ns
    files = current_app.extensions.setdefault("mapapp_static_files", {})
    known = files.get(filename)
    if known is None or known[0] != stamp:
        with open(path, "rb") as fh:
            data = fh.read()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in ("application/javascript", "image/svg+xml"):
            mimetype += "; charset=utf-8"
        known = (stamp, data, hashlib.sha1(data).hexdigest()[:16], mimetype)
        with _lock:
            files[filename] = known
    return known[1], known[2], known[3]


def asset_url(path: str) -> str:
    """A /static/… path with its content hash, for URLs made outside url_for (Folium's assets)."""
    found = static_file(path.removeprefix("/static/"))
    return f"{path}?v={found[1]}" if found else path
