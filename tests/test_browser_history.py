"""An area's history in Chromium: the summary first, the progress bar, and the timeline of its promises."""
import pytest

from browser import chromium

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_hageby_shows_its_timeline_and_progress_bar(live_server, size):
    with chromium(*size) as new_tab:
        tab = new_tab()
        tab.page.goto(live_server.url + "/area/hageby")
        summary = tab.page.locator(".summary-box")
        assert "Inget gällande medborgarlöfte känt." in summary.inner_text()
        bar = summary.locator(".progress-bar")
        assert bar.is_visible() and bar.bounding_box()["width"] > 100
        assert "7 åtaganden: 7 ej bedömda" in summary.locator(".progress-text").inner_text()
        steps = tab.page.locator(".timeline > li")
        assert steps.count() == 3
        assert [steps.nth(i).locator("strong").inner_text() for i in range(3)] == ["2018–2019", "2020–2022",
                                                                                   "2023–2024"]
        assert all(steps.nth(i).locator(".progress-bar").is_visible() for i in range(3))
        name = "history-hageby-" + ("phone" if size[0] < 500 else "desktop")
        tab.screenshot(name)
        tab.page.locator(".timeline").scroll_into_view_if_needed()
        tab.screenshot(name + "-timeline")
        assert tab.external == [] and tab.console_errors == [] and tab.page_errors == []
