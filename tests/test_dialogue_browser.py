"""A dialogue in headless Chromium: one presenter page (a planner, 1920×1080) and 20 phones, each its own
browser context (its own cookies), answering through the phone page on the app's public address. Every
request that leaves 127.0.0.1 is blocked and counted.

Shown: the presenter's page matches the answers within 2 s of the last one; a second answer from the same
phone replaces the first; a free-text question that was not approved never reaches the presenter's page,
neither its DOM nor any answer it fetched; the dialogue's slides fit their screen like the others.
"""
import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from browser import ARGS, CHROMIUM, Tab, chromium
from conftest import LiveServer
from dialogue_support import EST, PROMISE, inside, save_presentation
from planner_support import PASSWORD
from test_presenter_browser import STATE, _check

pytestmark = pytest.mark.browser
pytest_plugins = ["planner_fixtures"]

PHONES = 20
THEMES = ["narkotika", "unga", "alkohol"]
LEVELS = ["Nej, inte alls", "Lite", "Ganska mycket", "Ja, tydligt", "Vet inte"]
SANDVIK = f"{PROMISE}/uppsokande-ungdomar"


def _plan(n: int) -> dict:
    """What phone n answers: most live in Hageby; every fifth does not know; five mark the same spot."""
    return {"area": "hageby" if n < 14 else "navestad", EST: 0 if n % 5 == 0 else n % 4 + 1,
            SANDVIK: (n + 1) % 4 + 1, "themes": [THEMES[n % 3]] + (["annat"] if n % 4 == 0 else []),
            "place": n < 5, "question": _question(n) if n in (1, 2, 3) else None}


def _question(n: int) -> str:
    """A question as long as a phone may send (280 characters), so the slide must hold three of them."""
    text = f"Hemlig fråga från mobil {n}: varför lyser inte gatlamporna vid gångtunneln under Hagebyvägen "
    return (text + "på kvällarna när ungdomarna går hem från fritidsgården, och vem ansvarar för det " * 4)[:280]


def _expected(plans: list[dict]) -> dict:
    """What the presenter's page should say for EST and SANDVIK: answers, levels, and the 'märker av' share."""
    out = {}
    for key in (EST, SANDVIK):
        values = [p[key] for p in plans]
        counts = [values.count(level) for level in (1, 2, 3, 4, 0)]
        rated = sum(counts[:4])
        out[key] = {"answers": f"{len(values)} svar",
                    "noticed": f"{round(100 * (counts[2] + counts[3]) / rated)} % märker av",
                    "levels": " (" + ", ".join(f"{label}: {n}" for label, n in zip(LEVELS, counts)) + ")"}
    return out


READ = """keys => {
    const out = {participants: document.querySelector('[data-live=participants]').textContent,
                 hidden: document.body.classList.contains('results-hidden'), ratings: {},
                 themes: [...document.querySelectorAll('[data-live=themes] li')].map(li => li.textContent),
                 questions: [...document.querySelectorAll('[data-live=questions] li')].map(li => li.textContent),
                 cells: [...document.querySelectorAll('.cell-count')].map(e => e.textContent)};
    for (const key of keys) {
        const li = document.querySelector(`.live-rating[data-key="${key}"]`);
        out.ratings[key] = Object.fromEntries(['answers', 'noticed', 'levels'].map(
            part => [part, li.querySelector(`[data-part=${part}]`).textContent]));
    }
    return out;
}"""


def _phone(context, url: str, plan: dict, spot: tuple[float, float]):
    """Answer as a person on a phone would: choose the area, tap the answers, the map, write, send."""
    tab = Tab(context.new_page())
    page = tab.page
    page.goto(url)
    page.check(f"#area-{plan['area']}")
    page.click("form.area-form button[type=submit]")
    page.wait_for_selector("#questions")
    page.wait_for_load_state("load")  # as a person waits for the page: its map script may still move things
    for key in (EST, SANDVIK):
        page.check(f'input[name="rate:{key}"][value="{plan[key]}"]')
    for theme in plan["themes"]:
        page.check(f'input[name=themes][value="{theme}"]')
    if plan["place"]:
        page.wait_for_function("() => !!window.dialoguePhoneMap")
        page.locator("#place-map").scroll_into_view_if_needed()
        x, y = page.evaluate("""([lon, lat]) => {
            const map = window.dialoguePhoneMap, p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""", list(spot))
        page.mouse.click(x, y)
        assert page.input_value("#place-lon") != ""
    if plan["question"]:
        page.fill("#question", plan["question"])
    page.click("form.answers-form button[type=submit]")
    page.wait_for_selector("#saved")
    return tab


@pytest.fixture
def dialogue_server(planner_app):
    with LiveServer(planner_app) as server:
        planner_app.config["PUBLIC_URL"] = server.url
        save_presentation(planner_app)
        yield server


def _sign_in(page, base: str):
    page.goto(f"{base}/login")
    page.get_by_label("Användarnamn").fill("planner")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{base}/planner")


def test_twenty_phones_and_the_presenters_page(dialogue_server, planner_app):
    base = dialogue_server.url
    spot = inside(planner_app, "hageby")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            room = browser.new_context(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
            presenter = Tab(room.new_page())
            _sign_in(presenter.page, base)
            presenter.page.goto(f"{base}/planner/dialogues/new?presentation=dialog-hageby-navestad")
            presenter.page.get_by_label("Plats").fill("Hageby bibliotek")
            presenter.page.get_by_role("button", name="Starta dialogen").click()
            presenter.page.wait_for_selector(".dialogue-code")
            code = presenter.page.text_content(".dialogue-code").strip()
            console = Tab(room.new_page())
            console.page.goto(f"{base}/planner/dialogues/{code}")

            fetched = []  # every results answer the presenter's page received, as text
            presenter.page.on("response", lambda r: "/results.json" in r.url and r.status == 200
                              and fetched.append(r.text()))
            presenter.page.goto(f"{base}/dialog/{code}/present")
            presenter.page.wait_for_function("window.Presenter && window.Presenter.map")
            data = json.loads(presenter.page.text_content("#present-data"))
            numbers = {s["kind"]: s["n"] for s in reversed(data["slides"])}
            assert data["dialogue"]["phone_url"] == f"{base}/d/{code}"

            # The dialogue's slides fit the screen like every other slide, hidden or revealed.
            for kind in ("dialogue-join", "dialogue-ratings", "dialogue-themes", "dialogue-places",
                         "dialogue-questions"):
                presenter.page.goto(f"{base}/dialog/{code}/present#/{numbers[kind]}")
                presenter.page.wait_for_function("n => document.querySelector('.slide.is-current')?.dataset.n === String(n)",
                                                 arg=numbers[kind])
                _check(presenter.page.evaluate(STATE), numbers[kind])
                assert presenter.page.evaluate(
                    "() => { const c = document.querySelector('.controls'); return c.scrollWidth <= c.clientWidth; }")
                presenter.screenshot(f"dialogue-{kind}")
            presenter.page.goto(f"{base}/dialog/{code}/present#/{numbers['dialogue-ratings']}")
            presenter.page.wait_for_function("window.Presenter && window.Presenter.map")
            assert presenter.page.evaluate("document.body.classList.contains('results-hidden')")
            presenter.page.click("[data-live-toggle]")  # the presenter reveals the results
            presenter.page.wait_for_function("() => !document.body.classList.contains('results-hidden')")

            phones, plans, contexts = [], [_plan(n) for n in range(PHONES)], []
            started = time.monotonic()
            for n, plan in enumerate(plans):
                context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce",
                                              is_mobile=True, has_touch=True)
                contexts.append(context)
                phones.append(_phone(context, f"{base}/d/{code}", plan, spot))
            # Phone 0 changes its mind: its second answer replaces the first.
            plans[0] = {**plans[0], EST: 4}
            again = phones[0].page
            again.goto(f"{base}/d/{code}")
            again.check(f'input[name="rate:{EST}"][value="4"]')
            again.click("form.answers-form button[type=submit]")
            again.wait_for_selector("#saved")
            last = time.monotonic()
            answering = last - started

            expected = _expected(plans)
            presenter.page.wait_for_function(
                """([keys, want]) => {
                    const li = k => document.querySelector(`.live-rating[data-key="${k}"] [data-part=levels]`);
                    return keys.every(k => li(k) && li(k).textContent === want[k].levels)
                        && document.querySelector('[data-live=participants]').textContent === '20';
                }""", arg=[[EST, SANDVIK], expected], timeout=5000, polling=50)
            lag = time.monotonic() - last
            seen = presenter.page.evaluate(READ, [EST, SANDVIK])
            print(f"\n20 phones answered in {answering:.1f} s; the presenter's page matched {lag:.2f} s "
                  f"after the last answer")
            assert lag <= 2.0, lag
            assert seen["participants"] == "20" and not seen["hidden"]
            assert seen["ratings"] == expected
            # Five phones marked the same spot: one cell, its count on the map (the minimum is 3).
            assert seen["cells"] == ["5"]
            presenter.screenshot("dialogue-ratings-answered")

            presenter.page.goto(f"{base}/dialog/{code}/present#/{numbers['dialogue-themes']}")
            presenter.page.wait_for_function("() => document.querySelectorAll('[data-live=themes] li').length > 1")
            themes = presenter.page.evaluate(READ, [EST])["themes"]
            picked = [t for p in plans for t in p["themes"]]
            assert themes == [f"{t}{picked.count(t)}" for t in sorted(set(picked), key=lambda t: (-picked.count(t), t))]
            presenter.screenshot("dialogue-themes-answered")
            presenter.page.goto(f"{base}/dialog/{code}/present#/{numbers['dialogue-places']}")
            presenter.page.wait_for_function("() => document.querySelectorAll('.cell-count').length === 1")
            presenter.screenshot("dialogue-places-answered")
            phones[4].screenshot("dialogue-phone")

            # Questions: three asked, none approved, none on the presenter's page; then one approved.
            questions_slide = f"{base}/dialog/{code}/present#/{numbers['dialogue-questions']}"
            presenter.page.goto(questions_slide)
            presenter.page.wait_for_timeout(1500)
            assert "Hemlig fråga" not in presenter.page.content()
            console.page.reload()
            held = console.page.locator("#held-questions li")
            assert held.count() == 3
            console.page.locator("#held-questions li", has_text="mobil 2").locator("button", has_text="Godkänn").click()
            console.page.wait_for_load_state()
            approved_at = time.monotonic()
            presenter.page.wait_for_function(
                "() => document.querySelector('[data-live=questions]').textContent.includes('mobil 2')", polling=50)
            print(f"an approved question reached the presenter's page {time.monotonic() - approved_at:.2f} s later")
            text = presenter.page.content()
            presenter.screenshot("dialogue-questions-answered")
            assert "Hemlig fråga från mobil 2" in text
            assert "mobil 1" not in text and "mobil 3" not in text
            assert fetched and not any("mobil 1" in body or "mobil 3" in body for body in fetched)

            # The two other questions approved: three of the longest still fit the slide.
            for n in (1, 3):
                console.page.reload()
                console.page.locator("#held-questions li", has_text=f"mobil {n}").locator(
                    "button", has_text="Godkänn").click()
                console.page.wait_for_load_state()
            presenter.page.wait_for_function("() => document.querySelectorAll('[data-live=questions] li').length === 3")
            _check(presenter.page.evaluate(STATE), numbers["dialogue-questions"])
            presenter.screenshot("dialogue-questions-three")

            # Hiding the results takes them off the screen; the count of participants stays.
            presenter.page.keyboard.press("r")
            presenter.page.wait_for_function("() => document.body.classList.contains('results-hidden')")
            assert not presenter.page.is_visible(".slide.is-current .live-results")

            for tab in [presenter, console, *phones]:
                assert tab.external == [], tab.external
                assert tab.page_errors == [] and tab.console_errors == [], (tab.page_errors, tab.console_errors)
            for context in contexts:
                context.close()
            room.close()
        finally:
            browser.close()


AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def test_phone_pages_have_no_serious_accessibility_violations(dialogue_server, planner_app):
    """axe-core on a phone: the code form, the answers (with the map), the saved page, and the results page."""
    from dialogue_support import PRESENTATION
    from mapapp.store import dialogues
    from mapapp.store.db import session_factory
    assert AXE.exists(), "run the README test command: it installs axe-core with npm"
    with planner_app.app_context(), session_factory(planner_app)() as s:
        qs = {"areas": [{"slug": "hageby", "name": "Hageby", "commitments": [EST]}], "themes": ["unga", "annat"],
              "commitments": [{"key": EST, "title": "Brottsförebyggande arbete med EST"}]}
        code = dialogues.open_session(s, PRESENTATION, {"held_on": planner_app.config["TODAY"], "place": "Hageby",
                                                        "questions": qs, "cell_metres": 250}, "planner")["code"]
    base = dialogue_server.url
    with chromium(375, 667, bypass_csp=True) as new_tab:
        tab = new_tab()
        for path in ("/d", f"/d/{code}", f"/dialog/{code}/results"):
            tab.page.goto(base + path)
            if path == f"/d/{code}":  # one area: the questions come at once
                tab.page.wait_for_function("() => !!window.dialoguePhoneMap")
            tab.page.add_script_tag(path=str(AXE))
            result = tab.page.evaluate("""() => axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
            bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
            print(f"axe {path}: {len(result['passes'])} rules passed, {len(bad)} serious/critical")
            assert bad == [], bad
        tab.page.goto(f"{base}/d/{code}")
        tab.page.check(f'input[name="rate:{EST}"][value="2"]')
        tab.page.click("form.answers-form button[type=submit]")
        tab.page.wait_for_selector("#saved")
        assert tab.page.is_checked(f'input[name="rate:{EST}"][value="2"]')
        assert tab.external == [] and tab.page_errors == []


def test_the_area_page_draws_the_attached_cells(dialogue_server, planner_app, planner):
    """After the session, results left as dialogunderlag: the area page's map shows the cell with its count."""
    from dialogue_support import Phone, open_session, planner_post
    code = open_session(planner)
    spot = inside(planner_app, "hageby")
    for _n in range(3):
        phone = Phone(planner_app, code)
        phone.choose("hageby")
        assert phone.answer("hageby", {EST: 3}, lon=spot[0], lat=spot[1]).status_code == 302
    planner_post(planner, code, "/close")
    assert planner_post(planner, code, "/attach", area="hageby").status_code == 302
    with chromium(1280, 900) as new_tab:
        tab = new_tab()
        tab.page.goto(f"{dialogue_server.url}/area/hageby")
        tab.page.wait_for_selector(".cell-count")
        assert tab.page.locator(".cell-count").all_text_contents() == ["3"]
        assert "3 deltagare från området" in tab.page.inner_text(".dialogues")
        tab.screenshot("dialogue-area-page")
        assert tab.external == [] and tab.page_errors == [] and tab.console_errors == []
