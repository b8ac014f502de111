"""Browser journeys on the map, in headless Chromium with every non-loopback request blocked."""
import pytest
import yaml

from browser import chromium, click_area, settle
from conftest import LiveServer, make_app

pytestmark = pytest.mark.browser

AREA_SLUGS = {"hageby", "navestad", "klockaretorpet", "centrala-norrkoping", "marielund", "skaggetorp", "norrmalm"}


def test_map_renders_offline_with_every_district(live_server):
    with chromium() as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        settle(tab)  # the page script names the shapes (data-slug)
        drawn = tab.page.eval_on_selector_all("path.area-shape", "els => els.map(e => e.getAttribute('data-slug'))")
        tab.screenshot("map-home")
        assert set(drawn) == AREA_SLUGS
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []
        # The legend and labels render without any tile server.
        assert tab.page.is_visible("text=Teckenförklaring")


def test_click_hageby_opens_panel_then_area_page(live_server):
    with chromium() as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        settle(tab)
        tab.page.click("path.municipality-dot-0581")  # national view: zoom to Norrköping first
        assert settle(tab) >= 10
        click_area(tab, "hageby")
        panel = tab.page.locator("#area-panel")
        panel.locator("h2", has_text="Hageby").wait_for()
        assert "Medborgarlöfte Norrköping 2023–2024" in panel.inner_text()
        assert "ej bedömd" in panel.inner_text()
        tab.screenshot("map-hageby-panel")
        panel.locator("a.panel-link").click()
        tab.page.wait_for_url("**/area/hageby")
        # The unassessed commitments are folded into one line; a click opens them.
        fold = tab.page.locator("#p-norrkoping-2023-2024 details.unassessed > summary")
        assert "7 åtaganden: ej bedömd — ingen uppföljning registrerad här" in fold.inner_text()
        fold.click()
        body = tab.page.inner_text("main")
        assert "Medborgarlöfte Norrköping 2023–2024" in body
        for title in ["Kameraövervakning på hot spots", "Brottsförebyggande arbete med EST", "SSPF för barn och unga 10–18 år"]:
            assert title in body
        assert "ej bedömd — ingen uppföljning registrerad här" in body and "publicerad" not in fold.inner_text()
        assert tab.external == [] and tab.console_errors == []


def test_keyboard_reaches_an_area(live_server):
    with chromium() as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/?kommun=0580")
        tab.page.focus("path.area-shape[data-slug=skaggetorp]")
        tab.page.keyboard.press("Enter")
        heading = tab.page.locator("#area-panel h2", has_text="Skäggetorp")
        heading.wait_for()
        assert heading.inner_text() == "Skäggetorp"
        assert "Medborgarlöfte" in tab.page.inner_text("#area-panel")


def test_an_area_under_two_camera_decisions_is_outlined_once_naming_both(live_server):
    with chromium(390, 844) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/area/skaggetorp")
        tab.page.wait_for_selector("path.camera-area")
        settle(tab)  # the tooltips are bound by the page script, which may come after the outline is drawn
        assert tab.page.locator("path.area-shape").count() == 1
        assert tab.page.locator("path.camera-area").count() == 1  # drawn from the area's geometry, once
        tab.page.dispatch_event("path.camera-area", "mouseover")  # its stroke, not the middle, takes the pointer
        tooltip = tab.page.locator(".leaflet-tooltip").inner_text()
        assert "Planerade kameror runt Skäggetorp centrum" in tooltip
        assert "Polisens kamerabevakning i Skäggetorp" in tooltip
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []


PAYLOAD = "<script>alert(1)</script>\"'`${alert(2)}{{7*7}}<img src=x onerror=alert(3)>"


@pytest.fixture
def hostile_server(tmp_path, geodata_copy):
    """An app whose area name and commitment text are script-like payloads."""
    areas = geodata_copy / "areas.geojson"
    areas.write_text(areas.read_text(encoding="utf-8").replace('"name": "Hageby"', '"name": ' + _json(PAYLOAD)),
                     encoding="utf-8")
    promise = geodata_copy / "promises" / "norrkoping-2023-2024.yaml"
    data = yaml.safe_load(promise.read_text(encoding="utf-8"))
    data["commitments"][0]["text"] = PAYLOAD
    data["commitments"][0]["title"] = PAYLOAD
    promise.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "hostile").mkdir()
    app = make_app(tmp_path / "hostile", geodata=geodata_copy)
    with LiveServer(app) as server:
        yield server


def _json(value):
    import json
    return json.dumps(value)


def test_hostile_text_never_executes_and_shows_literally(hostile_server):
    with chromium() as new_tab:
        tab = new_tab()
        tab.page.goto(hostile_server.url + "/?kommun=0581")
        tab.page.wait_for_selector("path.area-shape[data-slug=hageby]")
        settle(tab)
        tab.page.hover("path.area-shape[data-slug=hageby]")
        tooltip = tab.page.locator(".leaflet-tooltip").first
        tooltip.wait_for()
        assert PAYLOAD in tooltip.inner_text()
        assert PAYLOAD in tab.page.eval_on_selector_all(".area-label", "els => els.map(e => e.textContent)")
        click_area(tab, "hageby")
        assert tab.page.inner_text("#area-panel h2") == PAYLOAD
        for path in ["/area/hageby", "/promise/norrkoping-2023-2024", "/promise/norrkoping-2023-2024/commitment/uppsokande-ungdomar"]:
            tab.page.goto(hostile_server.url + path)
            tab.page.wait_for_load_state("load")
            assert PAYLOAD in tab.page.inner_text("main"), path
        tab.screenshot("xss-area-page")
        assert tab.dialogs == [], "a payload executed"
        assert tab.page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
        assert tab.external == []
