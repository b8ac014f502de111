"""A planner's journey in headless Chromium: sign in, overdue list, record a follow-up with evidence, sign out,
see it on the public area page. Every request leaving 127.0.0.1 is blocked and counted; there must be none."""
import re

import pytest

from browser import chromium
from planner_support import PASSWORD

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "EST-gruppen i Marielund träffades varje vecka under hösten."


def test_planner_records_a_follow_up_that_the_public_sees(planner_app, live_server):
    with chromium() as new_tab:
        tab = new_tab()
        page = tab.page
        page.goto(live_server.url + "/area/marielund")
        page.get_by_role("link", name="Logga in").click()

        page.get_by_label("Användarnamn").fill("planner")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(re.compile(r"/planner$"))
        assert page.get_by_role("heading", name="Planerarens översikt").is_visible()

        page.get_by_role("link", name="Försenade uppföljningar").first.click()
        page.wait_for_url(re.compile(r"/planner/overdue$"))
        row = page.locator('tr[data-key="norrkoping-2023-2024/est"]')
        assert "is-overdue" in row.get_attribute("class")
        tab.screenshot("planner-overdue")
        row.get_by_role("link", name=re.compile("Registrera uppföljning")).click()

        page.wait_for_url(re.compile(r"/follow-up$"))
        page.get_by_label("Datum", exact=True).fill("2024-11-15")
        page.get_by_label("Status", exact=True).select_option("delvis_genomford")
        page.get_by_label("Vad gjordes").fill(NOTE)
        page.get_by_label("Dokument (PDF, PNG eller JPEG)").set_input_files(
            {"name": "est-uppfoljning.pdf", "mimeType": "application/pdf", "buffer": PDF})
        page.get_by_label(re.compile("Underlagets namn")).fill("EST-uppföljning hösten 2024")
        page.get_by_role("button", name="Spara uppföljningen").click()
        page.wait_for_url(re.compile(r"saved=\d+"))
        assert page.get_by_role("status").filter(has_text="Sparat som post").is_visible()
        tab.screenshot("planner-follow-up-saved")

        page.get_by_role("button", name="Logga ut planner").click()
        page.wait_for_url(live_server.url + "/")
        assert page.get_by_role("link", name="Logga in").is_visible()

        page.goto(live_server.url + "/area/marielund")
        entry = page.locator("li.follow-up", has_text=NOTE)
        assert entry.is_visible()
        assert "delvis genomförd" in entry.inner_text()
        link = entry.get_by_role("link", name=re.compile("Dokument: EST-uppföljning hösten 2024"))
        assert re.fullmatch(r"/evidence/\d+", link.get_attribute("href"))
        entry.scroll_into_view_if_needed()
        tab.screenshot("planner-journey-public-area")

        # Signed out, the planner pages send you to sign in again.
        page.goto(live_server.url + "/planner/overdue")
        assert "/login?next=" in page.url

        assert tab.external == [], tab.external
        assert tab.dialogs == []


def test_est_map_draws_the_est_areas(planner_app, live_server):
    with chromium() as new_tab:
        tab = new_tab()
        page = tab.page
        page.goto(live_server.url + "/login")
        page.get_by_label("Användarnamn").fill("planner")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(re.compile(r"/planner$"))
        page.goto(live_server.url + "/planner/est")
        page.wait_for_selector("path.est-shape")
        assert page.locator("path.est-shape").count() == 5
        tab.screenshot("planner-est-map")
        assert tab.external == [], tab.external
