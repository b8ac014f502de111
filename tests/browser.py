"""Headless Chromium for the journeys: every request that leaves 127.0.0.1 is blocked and counted.

The map's tile host (the TILE_URL setting's, OpenStreetMap by default) is the only outside host the app may
even ask; its requests are counted apart (`tab.tiles`), everything else in `tab.external` must stay empty.
"""
import contextlib
from pathlib import Path
from urllib.parse import urlsplit

from mapapp.core.settings import DEFAULTS

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
TILE_HOST = urlsplit(DEFAULTS["TILE_URL"].replace("{s}", "a")).hostname
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


class Tab:
    """A page plus what it tried to fetch from outside, its console errors and dialogs."""

    def __init__(self, page):
        self.page, self.external, self.console_errors, self.dialogs, self.page_errors = page, [], [], [], []
        self.tiles = []
        page.route("**/*", self._route)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            (self.tiles if urlsplit(url).hostname == TILE_HOST else self.external).append(url)
            route.abort()

    def _console(self, message):
        # A blocked tile is the offline case the map must survive; its load error is expected, not a fault.
        if message.type == "error" and urlsplit(message.location.get("url") or "").hostname != TILE_HOST:
            self.console_errors.append(message.text)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@contextlib.contextmanager
def chromium(width=1280, height=900, **context_options):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        # Reduced motion: the app then skips zoom animations, so clicks land where they aim.
        context_options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
        try:
            yield lambda: Tab(context.new_page())
        finally:
            context.close()
            browser.close()


def settle(tab, timeout_s: float = 10.0):
    """Wait until the page script has bound the map (it arrives after the first frame, maybe after the load
    event) and the map has stopped zooming and panning (checked twice, 100 ms apart)."""
    import time
    # The locate button's handler comes with locate.js, loaded beside the page script in either order.
    state = ("document.querySelector('.folium-map[data-map-ready]') && "
             "(window.LofteskartanLocate || !document.querySelector('[data-locate]')) "
             "? [window.lofteskartanMap.getZoom(), "
             "window.lofteskartanMap.getCenter().lat, !!window.lofteskartanMap._animatingZoom] : [null, null, true]")
    deadline, last = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        now = tab.page.evaluate(state)
        if now == last and not now[2]:
            return now[0]
        last = now
        tab.page.wait_for_timeout(100)
    raise AssertionError("the page script never bound the map" if last == [None, None, True] else "the map kept moving")


def when_bound(page, timeout_ms: int = 15000) -> bool:
    """On a page with the app's map, wait until its page script has bound it (labels, roles, handlers are
    its work, so checks made before would see a half-made page); other pages pass at once. False when it
    never did (a script blocked or failing): the caller says so as a finding instead of timing out."""
    if not page.locator("#map-features").count():
        return True
    try:
        page.wait_for_selector(".folium-map[data-map-ready]", state="attached", timeout=timeout_ms)
        return True
    except Exception:  # Playwright's TimeoutError
        return False


def click_area(tab, slug: str):
    """Click inside an area where a person would: on its label point, once the map has stopped moving."""
    page = tab.page
    settle(tab)
    page.evaluate("window.lofteskartanMap.getContainer().scrollIntoView({block: 'center'})")  # as a thumb would
    settle(tab)
    x, y = page.evaluate("""slug => {
        const layer = window.Lofteskartan.layers[slug];
        const [lon, lat] = layer.feature.properties.label_point;
        const p = window.lofteskartanMap.latLngToContainerPoint([lat, lon]);
        const box = window.lofteskartanMap.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", slug)
    page.mouse.click(x, y)


AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, base_url: str, username: str = "planner"):
    """Sign in through the form, as a person would; ends on the planner's overview."""
    import re

    from planner_support import PASSWORD
    page.goto(base_url + "/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/planner$"))


def axe_result(page) -> dict:
    """axe-core's WCAG 2.1 A/AA and best-practice audit of the page as it is once its map is bound, the same
    every run (the page needs bypass_csp so axe-core can be added)."""
    when_bound(page)
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")


def serious(result: dict) -> list[tuple]:
    """An audit's serious and critical findings: (rule, impact, how many nodes, the first node)."""
    return [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def serious_axe_violations(page) -> list[str]:
    """The rules with serious or critical findings on the page; [] when axe-core is not installed (tests/js)."""
    return [finding[0] for finding in serious(axe_result(page))] if AXE.exists() else []
