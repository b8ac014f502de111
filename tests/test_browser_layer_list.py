"""The map's layer list and its shared view: folded on a phone with its own label, open on a wide screen, the
RegSO layer loaded only when asked for, and the view kept in the URL at national size as well."""
import time

import pytest

from browser import chromium, settle

pytestmark = pytest.mark.browser

PHONE = (390, 844)
LIST = ".leaflet-control-layers"
EXPANDED = f"document.querySelector('{LIST}').classList.contains('leaflet-control-layers-expanded')"


def _wait_until(page, expression: str, timeout: float = 10):
    """Poll from Python: the page's CSP forbids the eval that Playwright's wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def _scripts(tab, asked):
    tab.page.on("request", lambda r: asked.append(r.url))


def test_phone_layer_list_is_folded_with_its_label_and_no_background_script(live_server):
    with chromium(*PHONE, has_touch=True) as new_tab:
        tab, asked = new_tab(), []
        _scripts(tab, asked)
        tab.page.goto(live_server.url + "/")
        settle(tab)
        tab.page.wait_for_timeout(300)  # past the first frame, when a wide screen would open it
        toggle = tab.page.locator(".leaflet-control-layers-toggle")
        assert toggle.get_attribute("title") == "Kartlager: välj vad som visas"
        assert toggle.get_attribute("aria-label") == "Kartlager: välj vad som visas"
        assert not tab.page.evaluate(EXPANDED)
        assert not tab.page.get_by_label("Statistikområden (SCB RegSO)").is_visible()
        toggle.tap()
        _wait_until(tab.page, EXPANDED)
        assert tab.page.get_by_label("Statistikområden (SCB RegSO)").is_visible()  # listed before it is loaded
        assert not any("/static/js/background.js" in u for u in asked), "the RegSO script waits until asked for"
        assert not any("/api/background.geojson" in u for u in asked)
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []


def test_wide_screen_opens_the_list_and_keeps_it_open(live_server):
    with chromium() as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        settle(tab)
        _wait_until(tab.page, EXPANDED)
        tab.page.hover(LIST)
        tab.page.mouse.move(5, 400)  # leaving it does not fold it, as Leaflet's folded list would
        tab.page.wait_for_timeout(200)
        assert tab.page.evaluate(EXPANDED)
        assert tab.page.get_by_label("Områden med medborgarlöften").is_checked()
        assert tab.page_errors == [] and tab.console_errors == []


def test_regso_asked_for_in_the_url_is_shown_and_stays_in_the_url(live_server):
    with chromium() as new_tab:
        tab, asked = new_tab(), []
        _scripts(tab, asked)
        tab.page.goto(live_server.url + "/?kommun=0581&layers=areas,camera,regso")
        tab.page.wait_for_selector(".folium-map[data-background-state]", state="attached")
        settle(tab)  # the view is kept in the URL once the page script has bound the map
        assert tab.page.get_by_label("Statistikområden (SCB RegSO)").is_checked()
        assert any("/static/js/background.js?v=" in u for u in asked)  # fingerprinted, loaded because shown
        tab.page.evaluate("window.lofteskartanMap.setZoom(12, {animate: false}); null")
        _wait_until(tab.page, "location.search.includes('regso') && location.hash.startsWith('#12/')")
        tab.page.get_by_label("Statistikområden (SCB RegSO)").uncheck()
        _wait_until(tab.page, "!location.search.includes('regso')")
        assert tab.page_errors == [] and tab.console_errors == []


def test_national_map_reads_and_keeps_the_view_in_the_url(app):
    from conftest import LiveServer
    app.config["MAP_INLINE_AREAS"] = 2  # the seven areas count as a national data set: loaded by bbox
    with LiveServer(app) as server, chromium() as new_tab:
        tab, asked = new_tab(), []
        _scripts(tab, asked)
        tab.page.goto(server.url + "/#13/58.57800/16.18000")
        tab.page.wait_for_selector("path.area-shape", state="attached")
        assert settle(tab) == 13
        centre = tab.page.evaluate("[window.lofteskartanMap.getCenter().lat, window.lofteskartanMap.getCenter().lng]")
        assert centre == pytest.approx([58.578, 16.18], abs=1e-3)
        assert any("/api/areas.geojson?bbox=" in u for u in asked), "a national map fetches its areas"
        tab.page.evaluate("window.lofteskartanMap.setView([58.59, 16.2], 12, {animate: false}); null")
        _wait_until(tab.page, "location.hash === '#12/58.59000/16.20000'")
        assert "layers=areas" in tab.page.url
        assert tab.page_errors == [] and tab.console_errors == []
