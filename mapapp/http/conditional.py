"""HTTP efficiency for every answer: compression and validators, so a reload costs almost nothing.

- Flask-Compress compresses HTML, JSON and GeoJSON (br when the client offers it, else gzip; static files are
  compressed by http/assets.py). The compressed bytes of an answer are kept, keyed by its ETag, so each
  version of a page is compressed once, not once per request; a page-sized answer is compressed harder
  (Brotli 11, once), since a phone waits for every byte of it before it asks for anything else.
- Every GET 200 page or JSON answer gets an ETag (SHA-1 of its uncompressed body) and
  `Cache-Control: no-cache` (plus `private` and `Vary: Cookie` when it read the session), and a
  conditional GET is answered 304 with no body. Answers that set their own validators or
  Cache-Control (static files, /api/background.geojson) keep them.

Whole pages are reused by pagecache.py; this module only makes each answer cheap to send.
"""
import hashlib

import brotli
from flask import current_app, g, request, session
from flask_compress import Compress

from ..core.cache import Cache

CONDITIONAL_MIMETYPES = {"text/html", "application/json", "application/geo+json"}
EXTRA_COMPRESS_MIMETYPES = {"application/geo+json"}
# Up to this size an answer is compressed at Brotli 11 (a 38 kB page: 16 % smaller than at 5, in about 50 ms, once
# per version); larger ones (national GeoJSON, megabytes) stay at the fast level, which takes milliseconds.
STRONG_BR_MAX_BYTES = 256 * 1024


class _CompressedCache(Cache):
    """Flask-Compress's cache: compressed bytes by 'algorithm;etag'; answers without an ETag are not kept."""

    def get(self, key):
        return None if key.endswith(";") else super().get(key)

    def set(self, key, value):
        if not key.endswith(";"):
            super().set(key, value)


def _compress_key(_request) -> str:
    return g.get("mapapp_etag") or ""


def init_app(app):
    # Brotli first, at a level as fast as gzip's and about 9 % smaller (Flask-Compress's default, zstd at level 3,
    # is larger than gzip for these pages); each answer is compressed once and kept (below).
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_CACHE_KEY", _compress_key)
    app.config.setdefault("COMPRESS_CACHE_BACKEND",
                          lambda: _CompressedCache(app.config["COMPRESS_CACHE_BYTES"], by_bytes=True))
    compress = Compress(app)
    compress.compress_mimetypes_set |= EXTRA_COMPRESS_MIMETYPES
    app.extensions["mapapp_compress"] = compress
    # Registered after Compress, so it runs before it: the ETag is taken from the uncompressed body.
    app.after_request(_validators)


def _compress_small_hard(response, etag: str):
    """Put this answer's Brotli 11 bytes where Flask-Compress looks first, unless they are there already (only
    for a body that is sent: a 304 or a HEAD answer is not worth 50 ms)."""
    if request.method != "GET" or response.status_code != 200 or "br" not in request.accept_encodings \
            or response.content_length is None \
            or not current_app.config["COMPRESS_MIN_SIZE"] <= response.content_length <= STRONG_BR_MAX_BYTES:
        return
    cache = current_app.extensions["mapapp_compress"].cache
    if cache.get(f"br;{etag}") is None:
        cache.set(f"br;{etag}", brotli.compress(response.get_data(), quality=11))


def etag_of(body: bytes) -> str:
    """The validator of a body: its SHA-1, the same on every worker and server."""
    return hashlib.sha1(body).hexdigest()


def _validators(response):
    """ETag, Cache-Control and the conditional answer for GET 200 pages and JSON."""
    if g.pop("mapapp_etag", None) and response.mimetype not in CONDITIONAL_MIMETYPES and response.get_etag()[0]:
        g.mapapp_etag = response.get_etag()[0]  # a static file: compressed once, kept under its content hash
        return response
    if (request.method not in ("GET", "HEAD") or response.status_code != 200 or response.direct_passthrough
            or response.is_streamed or response.mimetype not in CONDITIONAL_MIMETYPES
            or "Content-Encoding" in response.headers):
        return response
    etag = response.headers.get("ETag")
    if etag:
        etag = response.get_etag()[0]
    else:
        etag = etag_of(response.get_data())
        response.set_etag(etag)
    g.mapapp_etag = etag
    private = bool(getattr(session, "accessed", False)) or "Set-Cookie" in response.headers
    if "Cache-Control" not in response.headers:
        # The browser keeps it but asks first: a 304 costs almost nothing.
        response.headers["Cache-Control"] = "no-cache, private" if private else "no-cache"
    if private:
        response.vary.add("Cookie")
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        response = response.make_conditional(request)
    _compress_small_hard(response, etag)
    return response
