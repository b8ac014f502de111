"""Presenter mode in headless Chromium at 1920×1080, with every request that leaves 127.0.0.1 blocked:
stepping by keyboard, the map framing each area, nothing overflowing, large type, the QR code,
and a reload staying on its slide."""
import json
from pathlib import Path

import pytest
import yaml

from browser import chromium
from conftest import LiveServer, make_app

pytestmark = pytest.mark.browser

PROMISE = "norrkoping-2023-2024"
TITLE = "Medborgarlöfte Norrköping 2023–2024"
AREAS = ["Centrala Norrköping", "Hageby", "Klockaretorpet", "Marielund", "Navestad"]
NEXT_KEYS = ["ArrowRight", "PageDown", "Space"]  # what keyboards and presentation clickers send

# The current slide, measured: its heading, what overflows, the smallest text, the QR code.
STATE = """() => {
    const slide = document.querySelector('.slide.is-current');
    const all = [slide, ...slide.querySelectorAll('*')];
    const overflowing = all.filter(e => e.scrollHeight > e.clientHeight && (e === slide || e.clientHeight > 0))
        .map(e => `${e.tagName}.${e.className.baseVal ?? e.className}: ${e.scrollHeight} > ${e.clientHeight}`);
    const texts = all.filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
    const box = slide.getBoundingClientRect();
    return {
        n: Number(slide.dataset.n), visible: document.querySelectorAll('.slide:not([hidden])').length,
        heading: slide.querySelector('h2').textContent.trim(),
        overflowing, wider: slide.scrollWidth > slide.clientWidth,
        inViewport: box.top >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
        smallest: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
        textCount: texts.length, hash: location.hash,
        qr: slide.querySelectorAll('.qr svg path').length,
    };
}"""

# Whether the map's view holds the slide's areas, from the page's own JSON block.
MAP_HOLDS = """n => {
    const data = JSON.parse(document.getElementById('present-data').textContent);
    const slide = data.slides[n - 1], map = window.Presenter.map;
    if (!map || document.body.dataset.mapMoving === 'true') return false;
    const view = map.getBounds();
    return slide.areas.every(slug => {
        const a = data.areas[slug], [w, s, e, north] = a.bbox;
        return view.contains(L.latLngBounds([s, w], [north, e])) && view.contains([a.label_point[1], a.label_point[0]]);
    });
}"""


def _slide(tab, n: int) -> dict:
    tab.page.wait_for_function("n => document.querySelector('.slide.is-current')?.dataset.n === String(n)", arg=n)
    tab.page.wait_for_function(MAP_HOLDS, arg=n)
    return tab.page.evaluate(STATE)


def _check(state: dict, n: int):
    assert state["n"] == n and state["visible"] == 1 and state["hash"] == f"#/{n}"
    assert state["overflowing"] == [] and not state["wider"], state
    assert state["inViewport"], state
    assert state["textCount"] > 0 and state["smallest"] >= 28, state


def test_walk_through_norrkoping_by_keyboard(app, live_server):
    app.config["PUBLIC_URL"] = live_server.url  # the address the room's phones reach (here: this server)
    with chromium(1920, 1080) as new_tab:
        tab = new_tab()
        tab.page.goto(f"{live_server.url}/present/{PROMISE}")
        tab.page.wait_for_function("window.Presenter && window.Presenter.map")
        total = tab.page.locator("section.slide").count()
        data = json.loads(tab.page.text_content("#present-data"))
        assert total == data["count"]
        headings = []
        for n in range(1, total + 1):
            state = _slide(tab, n)
            _check(state, n)
            headings.append(state["heading"])
            tab.screenshot(f"present-{n:02d}")
            if n < total:
                tab.page.keyboard.press(NEXT_KEYS[n % len(NEXT_KEYS)])

        # Title, one slide (or more, if its commitments do not fit) per area in order, summary, closing.
        assert list(dict.fromkeys(headings)) == [TITLE, *AREAS, "Sammanfattning", "Följ löftet"]
        assert state["qr"] > 0  # the last slide: the QR code, drawn from inline SVG
        assert data["slides"][-1]["url"] == f"{live_server.url}/promise/{PROMISE}"
        assert tab.page.get_attribute(".slide.is-current .qr", "aria-label").endswith(f"/promise/{PROMISE}")

        # Past the end nothing moves; back by ←, PageUp; Home and End jump.
        tab.page.keyboard.press("ArrowRight")
        assert _slide(tab, total)["n"] == total
        tab.page.keyboard.press("ArrowLeft")
        _slide(tab, total - 1)
        tab.page.keyboard.press("PageUp")
        _slide(tab, total - 2)
        tab.page.keyboard.press("Home")
        _slide(tab, 1)
        tab.page.keyboard.press("End")
        _slide(tab, total)

        # Reload at slide 3 stays at slide 3, map included; ?slide=N opens at N.
        tab.page.keyboard.press("Home")
        tab.page.keyboard.press("PageDown")
        tab.page.keyboard.press("ArrowRight")
        _slide(tab, 3)
        tab.page.reload()
        tab.page.wait_for_function("window.Presenter && window.Presenter.map")
        assert _slide(tab, 3)["heading"] == headings[2]
        tab.page.goto(f"{live_server.url}/present/{PROMISE}?slide=4")
        tab.page.wait_for_function("window.Presenter && window.Presenter.map")
        assert _slide(tab, 4)["hash"] == "#/4"

        assert tab.external == [], tab.external
        assert tab.console_errors == [] and tab.page_errors == []
        # No tile layer by default: polygons on a plain background.
        assert tab.page.locator(".leaflet-tile").count() == 0
        assert tab.page.locator("path.present-area").count() == len(AREAS)


def test_buttons_full_screen_and_animated_flights(live_server):
    """Without reduced motion the map flies, and still ends on the slide's area; F toggles full screen."""
    with chromium(1920, 1080, reduced_motion="no-preference") as new_tab:
        tab = new_tab()
        tab.page.goto(f"{live_server.url}/present/{PROMISE}#/2")
        tab.page.wait_for_function("window.Presenter && window.Presenter.map")
        _slide(tab, 2)
        tab.page.click("button[data-go=next]")
        _slide(tab, 3)
        assert tab.page.text_content("#announcer").startswith("Bild 3 av ")
        assert tab.page.text_content("#slide-counter").startswith("3 / ")
        tab.page.focus("button[data-go=prev]")
        tab.page.keyboard.press("Space")  # a focused button does its own job, once
        _slide(tab, 2)
        tab.page.keyboard.press("End")
        _slide(tab, int(tab.page.locator("section.slide").count()))
        tab.page.keyboard.press("f")
        tab.page.wait_for_function("document.fullscreenElement === document.documentElement")
        tab.page.keyboard.press("f")
        tab.page.wait_for_function("document.fullscreenElement === null")
        tab.page.keyboard.press("b")  # a clicker's "blank screen" key
        assert "is-blackout" in tab.page.get_attribute("body", "class")
        tab.page.keyboard.press("b")
        assert "is-blackout" not in tab.page.get_attribute("body", "class")
        assert tab.external == [] and tab.page_errors == []


LONG = ("Mycket långa ord som Brottsförebyggandesamverkansöverenskommelse och trygghetsvandringar "
        "i bostadsområdena kring Hagebyhöjden, Navestad och Klockaretorpet ") * 4
PAYLOAD = "<script>alert(1)</script>{{7*7}}<img src=x onerror=alert(3)>"


@pytest.fixture
def crowded_server(tmp_path, geodata_copy):
    """A promise with many long commitments, long follow-up notes, many dialogue groups and hostile text."""
    path = geodata_copy / "promises" / f"{PROMISE}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = data["commitments"][0]
    data["commitments"] = [{**base, "slug": f"c{i}", "title": (PAYLOAD if i == 0 else "") + LONG[: 60 + 20 * i]}
                           for i in range(12)]
    data["commitments"][3]["areas"] = ["hageby"]
    data["dialogue"]["groups"] = [f"Fokusgrupp {i}: " + LONG[: 20 + 9 * i] for i in range(30)]
    data["title"] = "Medborgarlöfte Norrköping 2023–2024 " + PAYLOAD
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    follow_ups = geodata_copy / "follow_ups.yaml"
    entries = yaml.safe_load(follow_ups.read_text(encoding="utf-8"))
    for i in (1, 2, 5, 7):
        entries.append({"commitment": f"{PROMISE}/c{i}", "date": "2024-06-30", "date_label": "halvår 1 2024",
                        "status": "pagar", "note": PAYLOAD + LONG * 3,
                        "evidence": {"kind": "parties", "url": "https://example.org/uppfoljning", "title": "Uppföljning"}})
    follow_ups.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    (tmp_path / "crowded").mkdir()
    app = make_app(tmp_path / "crowded", geodata=geodata_copy)
    with LiveServer(app) as server:
        yield server


def test_crowded_promise_splits_slides_instead_of_shrinking_text(crowded_server):
    with chromium(1920, 1080) as new_tab:
        tab = new_tab()
        tab.page.goto(f"{crowded_server.url}/present/{PROMISE}")
        tab.page.wait_for_function("window.Presenter && window.Presenter.map")
        data = json.loads(tab.page.text_content("#present-data"))
        kinds = [s["kind"] for s in data["slides"]]
        assert "dialogue" in kinds  # thirty dialogue groups continue on a slide of their own
        hageby = [s for s in data["slides"] if s.get("area") == "hageby"]
        assert len(hageby) > 1 and all(s["parts"] == len(hageby) for s in hageby)
        assert sum(len(s["commitments"]) for s in hageby) == 12
        for n in range(1, data["count"] + 1):
            state = _slide(tab, n)
            _check(state, n)
            tab.screenshot(f"present-crowded-{n:02d}")
            tab.page.keyboard.press("PageDown")
        tab.page.goto(f"{crowded_server.url}/present/{PROMISE}#/1")
        assert PAYLOAD in tab.page.inner_text(".slide.is-current h2")
        assert tab.dialogs == [] and tab.page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
        assert tab.external == [] and tab.page_errors == []


AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by the README test command (npm)")
def test_every_slide_passes_axe(live_server):
    with chromium(1920, 1080, bypass_csp=True) as new_tab:  # so axe-core can be added to the page
        tab = new_tab()
        tab.page.goto(f"{live_server.url}/present/{PROMISE}")
        tab.page.wait_for_function("window.Presenter && window.Presenter.map")
        tab.page.add_script_tag(path=str(AXE))
        for n in range(1, tab.page.locator("section.slide").count() + 1):
            _slide(tab, n)
            result = tab.page.evaluate("""() => axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
            assert [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]] == [], n
            tab.page.keyboard.press("ArrowRight")
        assert tab.external == []
