"""Response headers a public-sector service sends: CSP with script hashes, nosniff, referrer, framing.

Every response (pages, JSON, files, errors, 404s) gets `X-Content-Type-Options: nosniff`, a
`Referrer-Policy`, `X-Frame-Options: DENY` and a Content-Security-Policy with `frame-ancestors 'none'`.

Inline scripts are allowed one by one, by the SHA-256 hash of exactly the text served (so a page
reused by pagecache.py, or compressed afterwards, gets the same, correct header). Only scripts the
app vouched for when it rendered them are hashed: `trusted_scripts` (a template filter) marks
the markup the app made itself — Folium's map scripts, a template's own line — with an HMAC of
the script text under the secret key. A script that reached the page any other way (an injected
`<script>`, were escaping ever to fail) carries no valid mark, gets no hash, and the browser
refuses to run it; inline event handlers and `javascript:` URLs are never allowed.
"""
import base64
import hashlib
import hmac
import re
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix
from markupsafe import Markup

# A script element's start tag (its attributes) and end tag: the HTML parser ends it at the first </script.
_OPEN = re.compile(r"<script\b([^>]*)>", re.I)
_CLOSE = re.compile(r"</script\s*>", re.I)
_EXTERNAL = re.compile(r"\ssrc\s*=", re.I)
_DATA_BLOCK = re.compile(r"""\stype\s*=\s*["']?application/(?:ld\+)?json\b""", re.I)
_MARK = re.compile(r'\sdata-csp="([0-9a-f]{64})"')


def _scripts(html: str):
    """(start, end, attributes, text) of each script element, in page order."""
    pos = 0
    while (start := _OPEN.search(html, pos)) is not None:
        end = _CLOSE.search(html, start.end())
        if end is None:
            return
        yield start.start(), end.end(), start.group(1), html[start.end():end.start()]
        pos = end.end()


def _text(body: str) -> str:
    """The script text as the browser hashes it: the HTML parser turns CR LF and CR into LF first."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def _mark(body: str) -> str:
    key = hashlib.sha256(b"mapapp-csp-trusted-script:" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    return hmac.new(key, _text(body).encode("utf-8"), hashlib.sha256).hexdigest()


def trust(markup, expected: int = 1) -> Markup:
    """Markup the app made itself, with its inline script marked as vouched for (a template filter).

    Use it only on markup no user text flows into as markup (Folium's header and script carry geometry
    and slugs only; see maps._bare), never on data. It holds `expected` inline scripts (one, for a
    Folium header or script); if it holds more, text has broken out of a script and nothing is marked.
    """
    html, out, pos = str(markup), [], 0
    inline = [s for s in _scripts(html) if not (_EXTERNAL.search(s[2]) or _DATA_BLOCK.search(s[2]))]
    if len(inline) > expected:
        current_app.logger.error("CSP: %d inline scripts where %d were expected; none is trusted",
                                 len(inline), expected)
        return Markup(html)
    for start, end, attrs, body in inline:
        out += [html[pos:start], f'<script{_MARK.sub("", attrs)} data-csp="{_mark(body)}">{body}</script>']
        pos = end
    return Markup("".join(out) + html[pos:])


def link_url(url) -> str | None:
    """The URL if a page may link to it (absolute http(s), or a path on this site), else None (a filter).

    Data files and imports are not form-checked, so a source URL could say javascript: or data:;
    such a value is shown as text, never made a link.
    """
    value = str(url or "").strip()
    if not value or any(c.isspace() or ord(c) < 32 for c in value):
        return None
    if value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    parts = urlsplit(value)
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def script_hashes(html: str) -> list[str]:
    """CSP source expressions for the vouched-for inline scripts in the page, in page order."""
    hashes, untrusted = [], 0
    for _start, _end, attrs, body in _scripts(html):
        if _EXTERNAL.search(attrs) or _DATA_BLOCK.search(attrs):
            continue  # a file (allowed by 'self') or a data block (never run)
        mark = _MARK.search(attrs)
        if not (mark and hmac.compare_digest(mark.group(1), _mark(body))):
            untrusted += 1
            continue
        digest = base64.b64encode(hashlib.sha256(_text(body).encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    if untrusted:
        current_app.logger.warning("CSP: %d inline script(s) without the app's mark on this page are blocked",
                                   untrusted)
    return hashes


def _tile_source(tiles: str) -> str | None:
    """The img-src source for a tile URL template, e.g. https://*.tile.example.org for {s} subdomains."""
    parts = urlsplit(tiles.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in tiles and host.startswith("a."):
        host = "*." + host[2:]
    return f"{parts.scheme}://{host}"


def policy(html: str | None) -> str:
    """The Content-Security-Policy for one response.

    Pages: scripts from this site plus each vouched-for inline script by hash; no 'unsafe-inline',
    no 'unsafe-eval', no event-handler attributes. Styles keep 'unsafe-inline': Leaflet and Folium
    position the map with inline style attributes and <style> blocks, and a style cannot run script
    (see SECURITY.md). Anything else (JSON, GeoJSON, Atom, files, JSON errors) may load nothing at all.
    """
    if html is None:
        return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    img = ["'self'", "data:"]
    tiles = current_app.config["TILE_URL"]
    source = _tile_source(tiles) if tiles else None
    if source:
        img.append(source)
    scripts = ["'self'", *script_hashes(html)]
    return "; ".join([
        "default-src 'self'", f"script-src {' '.join(scripts)}", "style-src 'self' 'unsafe-inline'",
        f"img-src {' '.join(img)}", "connect-src 'self'", "font-src 'self'", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ])


def init_app(app):
    """Register the headers and the `trusted_scripts` filter.

    Call after httpcache.init_app: Flask runs after_request hooks in reverse order of registration,
    so this one then runs before Flask-Compress and hashes the uncompressed page.
    """
    app.add_template_filter(trust, "trusted_scripts")
    app.add_template_filter(link_url, "link_url")
    hops = int(app.config["PROXY_FIX_HOPS"])
    if hops:
        # Only the entries our own proxies added are believed; a client's X-Forwarded-For is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        max_age = int(app.config["HSTS_MAX_AGE"])
        if request.is_secure and max_age:  # over TLS only: browsers ignore it on plain HTTP
            response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = _policy_for(app, response)
        return response


def _policy_for(app, response) -> str:
    """policy() of the response's page, remembered per page: by its ETag when it has one (a reused page's,
    made from its body by pagecache.py), so a reused page is neither decoded nor hashed again; else by its text."""
    if response.mimetype != "text/html":
        return policy(None)
    if response.direct_passthrough or response.is_streamed or "Content-Encoding" in response.headers:
        return policy("")
    etag, weak = response.get_etag()
    html = None if etag and not weak else response.get_data(as_text=True)
    if html == "":
        return policy(html)
    memo = app.extensions.setdefault("mapapp_csp_memo", {})
    key = (("etag", etag) if html is None else (hash(html), len(html))) + (current_app.config["TILE_URL"],)
    if key not in memo:
        if len(memo) > 512:
            memo.clear()
        memo[key] = policy(response.get_data(as_text=True) if html is None else html)
    return memo[key]
