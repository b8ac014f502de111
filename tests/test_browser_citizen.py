"""Citizen journeys on a phone-sized screen (375×667), offline."""
import pytest

from browser import chromium, settle
from conftest import GEODATA
from mapapp.store import dataset

pytestmark = pytest.mark.browser

PHONE = (375, 667)
LAKE_GLAN = {"longitude": 15.98, "latitude": 58.62}  # open water west of Norrköping, outside every area


def inside(slug):
    p = next(a for a in dataset.load(GEODATA).areas if a["slug"] == slug)["geometry"].representative_point()
    return {"longitude": p.x, "latitude": p.y}


def test_search_skaggetorp_reaches_the_area_page(live_server):
    with chromium(*PHONE) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        tab.page.fill("#site-search", "skaggetorp")
        tab.page.press("#site-search", "Enter")
        tab.page.wait_for_url("**/area/skaggetorp")
        assert tab.page.inner_text("h1") == "Skäggetorp"
        tab.screenshot("phone-skaggetorp")
        assert tab.external == [] and tab.console_errors == []


def test_my_location_inside_navestad_shows_navestad(live_server):
    with chromium(*PHONE, geolocation=inside("navestad"), permissions=["geolocation"]) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/")
        settle(tab)  # the button's handler comes with the page's later scripts
        assert tab.page.is_enabled("button[data-locate]")  # sent disabled, enabled by that script
        tab.page.click("button[data-locate]")
        link = tab.page.locator("#area-panel a.lookup-link")
        link.wait_for()
        assert link.inner_text() == "Navestad"
        assert "Punkten ligger i" in tab.page.inner_text("#area-panel")
        tab.screenshot("phone-located-navestad")
        assert tab.external == []


def test_point_in_lake_glan_says_so_and_names_the_nearest_area(live_server):
    with chromium(*PHONE, geolocation=LAKE_GLAN, permissions=["geolocation"]) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/search")
        tab.page.click("button[data-locate]")
        tab.page.locator("#lookup-result a.lookup-link").wait_for()
        text = tab.page.inner_text("#lookup-result")
        assert "Punkten ligger inte i något område med medborgarlöfte" in text
        assert "Närmast är Klockaretorpet" in text and "km bort" in text
        assert tab.external == []


def test_language_switch_round_trips_and_keeps_the_page(live_server):
    with chromium(*PHONE) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/area/hageby")
        assert tab.page.get_attribute("html", "lang") == "sv"
        tab.page.click("a.lang-switch")
        tab.page.wait_for_url("**/area/hageby?lang=en")
        assert tab.page.get_attribute("html", "lang") == "en"
        assert "Skip to content" in tab.page.content()
        assert tab.page.inner_text("h1") == "Hageby"
        tab.page.goto(live_server.url + "/promise/norrmalm-2018")  # the choice is remembered
        assert tab.page.get_attribute("html", "lang") == "en"
        tab.page.click("a.lang-switch")
        tab.page.wait_for_url("**/promise/norrmalm-2018?lang=sv")
        assert tab.page.get_attribute("html", "lang") == "sv"
        assert "Hoppa till innehållet" in tab.page.content()


def test_map_panel_and_lists_fit_a_phone(live_server):
    with chromium(*PHONE) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/?kommun=0581")
        overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "the page scrolls sideways on a phone"
        tab.screenshot("phone-map")
