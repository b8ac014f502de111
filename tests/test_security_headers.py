"""Security headers on every kind of answer, and the Content-Security-Policy: its script hashes match the
bytes served (compressed, reused from the page cache, or not), only scripts the app vouched for get one,
and every HTML page of the app loads in Chromium without a single CSP violation or script error."""
import base64
import gzip
import hashlib
import io
import re

import pytest

from mapapp.http import security
from planner_support import csrf_token
from security_support import post_forms, rules, urls

pytest_plugins = ["planner_fixtures", "suite_report"]

HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin",
           "X-Frame-Options": "DENY"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def assert_secure(response, what):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{what}: {name} = {response.headers.get(name)!r}"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp or "sandbox" in csp, f"{what}: {csp!r}"
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";")[0], f"{what}: inline scripts allowed"
    assert "'unsafe-eval'" not in csp, what


def served_hashes(html: str) -> list[str]:
    """The hashes the browser computes for the vouched-for inline scripts of a page."""
    out = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        if "src=" not in attrs and "json" not in attrs and "data-csp" in attrs:
            out.append("'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'")
    return out


def csp_hashes(response) -> list[str]:
    return re.findall(r"'sha256-[^']+'", response.headers["Content-Security-Policy"])


def test_every_kind_of_answer_carries_the_headers(planner_app, planner):
    app = planner_app
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    follow_up = "/planner/commitment/norrkoping-2023-2024/uppsokande-ungdomar/follow-up"
    assert planner.post(follow_up, data={
        "csrf_token": csrf_token(planner, follow_up), "date": "2024-05-31", "status": "pagar", "note": "n",
        "seen_latest": "0", "confirm": "y", "evidence_file": (io.BytesIO(PNG), "a.png")},
        content_type="multipart/form-data").status_code == 302
    evidence = planner.get(f"{follow_up}.json").get_json()["follow_ups"][-1]["evidence"]["file_url"]
    client = app.test_client()
    etag = client.get("/").headers["ETag"]
    answers = {
        "page": client.get("/"), "page from the page cache": client.get("/"),
        "304": client.get("/", headers={"If-None-Match": etag}), "gzip page": client.get("/", headers={
            "Accept-Encoding": "gzip"}), "JSON twin": client.get("/index.json"),
        "GeoJSON": client.get("/api/areas.geojson"), "Atom": client.get("/promise/norrkoping-2023-2024/feed.atom"),
        "iCalendar": client.get("/promise/norrkoping-2023-2024/follow-ups.ics"),
        "GeoPackage": client.get("/api/export/lofteskartan.gpkg"), "CSS": client.get("/static/css/app.css"),
        "JavaScript": client.get("/static/js/lofteskartan.js"), "evidence file": client.get(evidence),
        "404 page": client.get("/no-such-page"), "404 JSON": client.get("/api/no-such-thing"),
        "404 OGC": client.get("/ogc/no-such-thing"), "405": client.put("/"),
        "400 bad parameter": client.get("/?year=1900"), "400 without CSRF token": client.post("/login"),
        "401 JSON": client.get("/planner.json"), "302 to sign-in": client.get("/planner"),
        "planner page": planner.get("/planner"), "403": planner.get("/admin/audit"),
    }
    for _ in range(3):
        limited = client.post("/login", data={"csrf_token": csrf_token(client), "username": "x", "password": "y"})
    answers["429"] = limited
    assert answers["304"].status_code == 304 and answers["429"].status_code == 429
    assert answers["gzip page"].headers.get("Content-Encoding") == "gzip"
    assert answers["evidence file"].status_code == 200
    for what, response in answers.items():
        assert_secure(response, what)
    assert answers["evidence file"].headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert answers["JSON twin"].headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_an_unhandled_error_page_carries_the_headers(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert_secure(response, "500")


def test_script_hashes_match_the_bytes_served_compressed_cached_or_not(client):
    plain = client.get("/")
    page = plain.get_data(as_text=True)
    assert len(served_hashes(page)) == 1  # Folium's map script (its settings script, which restated Leaflet's defaults, is dropped)
    assert csp_hashes(plain) == served_hashes(page)
    again = client.get("/")  # from pagecache.py: same bytes, same header
    assert again.data == plain.data and csp_hashes(again) == csp_hashes(plain)
    for encoding in ("gzip", "br"):
        packed = client.get("/", headers={"Accept-Encoding": encoding})
        assert packed.headers.get("Content-Encoding") == encoding  # compressed after the hook hashed it
        body = gzip.decompress(packed.data) if encoding == "gzip" else _brotli(packed.data)
        assert csp_hashes(packed) == served_hashes(body.decode())
    present = client.get("/present/norrkoping-2023-2024")
    assert len(served_hashes(present.get_data(as_text=True))) == 2
    assert csp_hashes(present) == served_hashes(present.get_data(as_text=True))


def _brotli(data: bytes) -> bytes:
    try:
        import brotli
    except ImportError:
        import brotlicffi as brotli
    return brotli.decompress(data)


def test_the_headers_hook_runs_before_compression(app):
    """Flask runs after_request hooks in reverse order of registration: ours must be registered after Compress's."""
    hooks = [getattr(getattr(f, "func", f), "__qualname__", repr(f)) for f in app.after_request_funcs[None]]
    ours = next(i for i, name in enumerate(hooks) if name.endswith("secure_headers"))
    compress = next(i for i, name in enumerate(hooks) if name.startswith("Compress."))
    assert ours > compress, hooks


def test_only_scripts_the_app_vouched_for_get_a_hash(app):
    with app.test_request_context():
        trusted = security.trust("<script>var map = 1;</script>")
        mark = re.search(r'data-csp="([0-9a-f]+)"', trusted).group(1)
        page = (f"<html>{trusted}<script>alert(1)</script>"  # an injected script: no mark
                f'<script data-csp="{mark}">alert(2)</script>'  # a copied mark on other text
                '<script type="application/json">{"a": 1}</script><script src="/static/js/x.js"></script></html>')
        hashes = security.script_hashes(page)
        expected = "'sha256-" + base64.b64encode(hashlib.sha256(b"var map = 1;").digest()).decode() + "'"
        assert hashes == [expected]
        # Text that broke out of a script (two scripts where one was expected): nothing is vouched for.
        assert "data-csp" not in security.trust('<script>var a = "</script><script>alert(3)</script>";</script>')
        assert security.policy(None).startswith("default-src 'none'")


@pytest.mark.parametrize("url, allowed", [
    ("https://polisen.se/x?y=1", True), ("http://example.org", True), ("/area/hageby", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example", False), ("/\\evil.example", False), ("https://", False), ("vbscript:x", False),
    ("java\nscript:alert(1)", False), ("", False), (None, False),
])
def test_only_web_links_become_links(url, allowed):
    assert (security.link_url(url) is not None) is allowed


def test_tiles_are_the_only_other_image_source(tmp_path, seeded_template):
    import shutil
    from conftest import make_app
    shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path, TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tile.example.org;" in csp
    app.extensions["mapapp_engine"].dispose()


# --- every HTML page in Chromium -----------------------------------------------------------------

CSP_LISTENER = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));"""


@pytest.mark.browser
def test_every_page_loads_without_a_csp_violation_or_script_error(planner_app, planner, admin):
    """Every GET route of the url_map that answers HTML, anonymous and signed in as an admin, in Chromium."""
    from browser import chromium, when_bound
    from conftest import LiveServer
    from planner_support import PASSWORD
    app = planner_app
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    # Something behind every route: a presentation, a draft, an uploaded document.
    new = "/planner/presentations/new?promise=norrkoping-2023-2024"
    form = next(f for f in post_forms(admin.get(new).get_data(as_text=True)) if "name" in f["fields"])
    admin.post(new, data={**{k: v[0] if len(v) == 1 else v for k, v in form["fields"].items()},
                          "name": "Dialog", "slug": "dialog"})
    seed = (__import__("pathlib").Path(__file__).parent / "data" / "seeds" / "004_551f9de1e0a2196d.txt").read_bytes()
    admin.post("/planner/import", data={"csrf_token": csrf_token(admin, "/planner/import"),
                                        "document": (io.BytesIO(seed), "n.txt"), "source_url": "https://example.org/n"},
               content_type="multipart/form-data")
    drafts = [d["slug"] for d in admin.get("/planner/drafts.json").get_json()["drafts"]]
    pools = {"slug": ["hageby", "norrkoping-2023-2024", "uppsokande-ungdomar", "norrkoping-beslut-2022-06-10",
                      "dialog", *drafts[:1]],
             "promise_slug": ["norrkoping-2023-2024"], "*": ["x"]}
    pages = {}  # url -> who may open it
    for rule in rules(app, {"GET"}):
        if "fmt" in rule.arguments or rule.endpoint.startswith(("ogc.", "api.", "exports.", "background.")):
            continue
        for url in urls(rule, pools, limit=40):
            for who, client in (("anonymous", app.test_client()), ("admin", admin)):
                response = client.get(url)
                if response.status_code == 200 and response.mimetype == "text/html":
                    pages.setdefault(url, who)
                    break
            if url in pages:
                break  # one working URL per rule is enough
    pages.update({"/no-such-page": "anonymous", "/login": "anonymous", "/planner/presentations/new": "admin",
                  "/?kommun=0581&layers=areas,camera,est,lagesbild": "anonymous", "/search?q=hageby&list=1": "anonymous"})
    problems = []
    with LiveServer(app) as server, chromium() as new_tab:
        tab = new_tab()
        tab.page.add_init_script(CSP_LISTENER)
        for who in ("anonymous", "admin"):
            if who == "admin":
                tab.page.goto(server.url + "/login")
                tab.page.fill("#username", "admin"); tab.page.fill("#password", PASSWORD)
                tab.page.click("button.primary"); tab.page.wait_for_load_state("load")
            for url in sorted(u for u, w in pages.items() if w == who):
                tab.console_errors.clear(); tab.page_errors.clear()
                response = tab.page.goto(server.url + url)
                tab.page.wait_for_load_state("load")
                if not when_bound(tab.page):  # the map's own scripts have run
                    problems.append(f"{who} {url}: the page script never bound the map")
                tab.page.wait_for_timeout(150)  # and the background layer's first fetch
                violations = tab.page.evaluate("window.__csp")
                errors = [e for e in tab.console_errors if not (response.status >= 400 and "Failed to load" in e)]
                if violations or errors or tab.page_errors:
                    problems.append(f"{who} {url}: csp {violations}, console {errors}, script {tab.page_errors}")
        # the policy is live: an inline script added now is refused and reported
        tab.page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
                          " document.body.appendChild(s); }")
        tab.page.wait_for_timeout(100)
        assert tab.page.evaluate("window.__ran") is None and tab.page.evaluate("window.__csp.length") == 1
        assert tab.external == []
    from suite_report import report
    report(f"csp: {len(pages)} HTML pages of {len(rules(app, {'GET'}))} GET routes loaded in Chromium "
           f"({sum(w == 'admin' for w in pages.values())} signed in): {len(problems)} with a CSP violation or script error")
    assert len(pages) >= 25, sorted(pages)
    assert not problems, "\n".join(problems)
