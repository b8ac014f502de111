"""E-mail alerts in a phone's browser: the form on the area page, the mailed link's button, axe-core on every alert page."""
import re
from pathlib import Path

import pytest

from alerts_support import PUBLIC, alerts_app, body, link, send, smtp  # noqa: F401 (fixtures)
from browser import AXE, axe_result, chromium, serious
from conftest import LiveServer

pytestmark = pytest.mark.browser


def axe_serious(tab) -> list:
    return serious(axe_result(tab.page))


def tab_artifact(name: str) -> Path:
    from browser import ARTIFACTS
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def overflow(tab) -> int:
    return tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_subscribe_on_a_phone_confirm_with_the_button_and_unsubscribe(alerts_app, smtp):
    assert AXE.exists(), "run the README test command: it installs axe-core with npm"
    with LiveServer(alerts_app) as server, chromium(390, 844, bypass_csp=True) as new_tab:
        tab = new_tab()
        page = tab.page
        page.goto(server.url + "/area/hageby")
        checked = {"/area/hageby": axe_serious(tab)}
        page.locator(".summary-box").screenshot(path=str(tab_artifact("alerts-area-form-phone")))
        page.get_by_label(re.compile("Få ett mejl när en uppföljning")).fill("anna@example.se")
        page.get_by_role("button", name="Bevaka").click()
        page.wait_for_selector("h1:has-text('Kolla din e-post')")
        checked["subscribed"] = axe_serious(tab)

        page.goto(server.url + "/alerts/subscribe?kind=area&slug=hageby")
        page.get_by_label("Din e-postadress").fill("a@b.se\nBcc: x@y")
        page.get_by_role("button", name="Bevaka").click()
        page.wait_for_selector("#alert-error")
        assert page.get_by_label("Din e-postadress").get_attribute("aria-invalid") == "true"
        checked["refused address"] = axe_serious(tab)

        assert send(alerts_app).exit_code == 0
        invite = smtp.inbox.take()[0]
        page.goto(server.url + link(invite, "confirm"))
        checked["confirm"] = axe_serious(tab)
        page.get_by_role("button", name="Bekräfta").click()
        page.wait_for_selector("h1:has-text('Bevakningen är bekräftad')")
        checked["confirmed"] = axe_serious(tab)
        tab.screenshot("alerts-confirmed-phone")

        page.goto(server.url + link(invite, "unsubscribe"))
        checked["unsubscribe"] = axe_serious(tab)
        page.get_by_role("button", name="Avsluta alla bevakningar och radera adressen").click()
        page.wait_for_selector("text=din e-postadress är raderad")
        checked["unsubscribed"] = axe_serious(tab)
        print("axe on the alert pages at 390×844:", {k: len(v) for k, v in checked.items()}, "serious/critical")
        assert all(v == [] for v in checked.values()), checked
        assert tab.external == [] and tab.page_errors == []

    with LiveServer(alerts_app) as server, chromium(320, 640) as new_tab:
        tab = new_tab()
        for path in ("/alerts/subscribe?kind=promise&slug=norrkoping-2023-2024", link(invite, "unsubscribe")):
            tab.page.goto(server.url + path)
            assert overflow(tab) <= 0, path
