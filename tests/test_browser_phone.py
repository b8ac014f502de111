"""A citizen's five seconds on a phone (390×844): the answer next to the tap, the way to their area."""
import pytest

from browser import chromium, click_area, settle
from test_browser_citizen import inside

pytestmark = pytest.mark.browser

PHONE = (390, 844)
IN_VIEW = "el => { const b = el.getBoundingClientRect(); return b.top >= 0 && b.top < innerHeight && b.bottom > 0; }"


def test_tapping_hageby_brings_its_answer_into_view_and_marks_it(live_server):
    with chromium(*PHONE, has_touch=True) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        assert tab.page.locator("h1").is_visible()  # the first screen says what this is
        settle(tab)
        tab.page.click("path.municipality-dot-0581")
        settle(tab)
        click_area(tab, "hageby")
        panel = tab.page.locator("#area-panel")
        panel.locator("h2", has_text="Hageby").wait_for()
        assert panel.evaluate(IN_VIEW), "the answer is where the eye is"
        listed = panel.locator(".panel-commitments li")
        assert listed.count() == 7 and "Kameraövervakning på hot spots" in panel.inner_text()
        assert "Inget gällande medborgarlöfte känt." in panel.inner_text()
        assert "is-selected" in tab.page.get_attribute("path.area-shape[data-slug=hageby]", "class")
        assert tab.page.evaluate("document.activeElement.textContent") == "Hageby"  # focus moved to the answer
        tab.screenshot("phone-tap-hageby")
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []


def test_my_location_inside_navestad_zooms_there_with_a_marker(live_server):
    with chromium(*PHONE, geolocation=inside("navestad"), permissions=["geolocation"]) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        settle(tab)
        tab.page.click("button[data-locate]")
        panel = tab.page.locator("#area-panel")
        panel.locator("h2", has_text="Navestad").wait_for()
        assert tab.page.locator(".location-marker").count() == 1
        assert settle(tab) >= 12
        assert "Punkten ligger i" in panel.inner_text() and panel.evaluate(IN_VIEW)
        tab.screenshot("phone-my-location-navestad")
        assert tab.external == [] and tab.console_errors == []


@pytest.mark.parametrize("slug", ["hageby", "skaggetorp", "norrmalm"])
def test_an_area_page_fits_a_320_px_screen_and_starts_with_its_summary(live_server, slug):
    with chromium(320, 640) as new_tab:
        tab = new_tab()
        tab.page.goto(f"{live_server.url}/area/{slug}")
        width = tab.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"sideways scrolling: {width}"
        box = tab.page.locator(".summary-box").bounding_box()
        assert box["y"] < 640, "the summary is in the first screen"
        tab.screenshot(f"phone-320-{slug}")


def test_the_map_works_with_the_tile_host_blocked(live_server):
    """Streets come from the tile host; blocked (offline), the polygons, labels and legend still work."""
    with chromium(*PHONE) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/?kommun=0581")
        tab.page.wait_for_selector("path.area-shape[data-slug=hageby]")
        settle(tab)
        assert tab.tiles, "the map asked its tile host for streets"
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []
        assert tab.page.locator(".legend").is_visible()
        click_area(tab, "hageby")
        tab.page.locator("#area-panel h2", has_text="Hageby").wait_for()
        tab.screenshot("phone-tiles-blocked")
