"""The server's picture of a map's areas (render/first_frame.py): drawn where Leaflet then draws them, gone
once Leaflet has, and without JavaScript a map whose areas lead to their pages."""
import pytest

from browser import chromium, settle

pytestmark = pytest.mark.browser

PHONE = (375, 667)
# slug → [left, top, right, bottom] of each area's shape on screen, in the picture and in Leaflet's layer (the
# areas wholly inside the map: Leaflet clips the others to its view, the picture leaves that to the map's edge;
# an area page's one shape is not named by the page script).
PICTURE = """() => Object.fromEntries(Array.from(document.querySelectorAll('.map-first-frame a')).map(a => {
  const r = a.querySelector('path').getBoundingClientRect();
  return [a.getAttribute('href').split('/').pop(), [r.left, r.top, r.right, r.bottom]];
}))"""
LEAFLET = """() => {
  const box = document.querySelector('.leaflet-container').getBoundingClientRect();
  const only = location.pathname.startsWith('/area/') ? location.pathname.split('/').pop() : null;
  return Object.fromEntries(Array.from(document.querySelectorAll('.leaflet-overlay-pane path.area-shape'))
    .map(p => [p.getAttribute('data-slug') || only, p.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.left >= box.left - 2 && r.right <= box.right + 2 && r.top >= box.top - 2
                       && r.bottom <= box.bottom + 2)
    .map(([slug, r]) => [slug, [r.left, r.top, r.right, r.bottom]]));
}"""


@pytest.mark.parametrize("path, size", [("/", PHONE), ("/?kommun=0581", PHONE), ("/?kommun=0581", (1280, 900)),
                                        ("/area/hageby", PHONE)])
def test_the_picture_shows_the_areas_where_leaflet_draws_them_and_gives_way_to_them(live_server, path, size):
    with chromium(*size, java_script_enabled=False) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + path)
        picture = tab.page.evaluate(PICTURE)
        if size == PHONE and path == "/?kommun=0581":
            tab.page.locator(".map-frame").screenshot(path=str(_artifact("phone-map-without-javascript")))
    with chromium(*size) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + path)
        settle(tab)
        assert tab.page.locator(".map-first-frame").count() == 0
        drawn = tab.page.evaluate(LEAFLET)
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []
    assert drawn, "no area wholly in the map to compare"
    for slug, rect in drawn.items():
        assert picture[slug] == pytest.approx(rect, abs=2), slug  # whole pixels, simplified to one


def test_without_javascript_an_area_in_the_picture_leads_to_its_page(live_server):
    with chromium(1280, 900, java_script_enabled=False) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/?kommun=0581")
        box = tab.page.locator('.map-first-frame a[href="/area/hageby"] path').bounding_box()
        tab.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tab.page.wait_for_url("**/area/hageby")
        assert tab.external == []


def _artifact(name: str):
    from browser import ARTIFACTS
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
