"""Did they keep it — answered honestly over time: what is known about each follow-up and from where,
promises that end, a year view as of that year, and progress that never claims more than the counts."""
import datetime as dt
import json
import re

import pytest

from conftest import make_app
from planner_support import csrf_token

pytest_plugins = ["planner_fixtures"]

DECEMBER_2026 = dt.date(2026, 12, 2)
NEGATIVE_CLAIMS = ("ingen uppföljning publicerad", "försenad", "ej publicerad")


@pytest.fixture
def december(tmp_path, seeded_template):
    """The app as a visitor sees it on 2 December 2026."""
    import os
    import shutil
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path, TODAY=DECEMBER_2026)
    yield app.test_client()
    app.extensions["mapapp_engine"].dispose()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_skaggetorp_in_december_2026_says_the_promise_has_ended(december):
    data = december.get("/area/skaggetorp.json").get_json()
    linkoping = next(p for p in data["promise_details"] if p["slug"] == "linkoping-2021-2022")
    assert linkoping["state"] == "ended" and linkoping["state_label"] == "avslutat"
    assert data["current_promise"] is None and data["summary_status"] == "inget_gallande"
    assert data["last_promise"]["slug"] == "linkoping-2023-2024" and data["last_promise"]["last_known"]
    html = re.sub(r"<[^>]+>", "", text(december.get("/area/skaggetorp")))
    assert "Inget gällande medborgarlöfte känt." in html and "Medborgarlöften som gäller området" not in html
    assert "avslutat 2022-12-31 · senast kända läge per 2022-09" in html
    for claim in NEGATIVE_CLAIMS:
        assert claim not in html


def test_a_published_follow_up_whose_content_is_not_captured_says_so_with_its_link(december):
    data = december.get("/promise/norrkoping-2020-2022.json").get_json()
    report = next(r for r in data["follow_up_reports"] if r["title"] == "UppföljningT3 Norrköping")
    assert report["captured"] is False and report["seen_in"]["url"].startswith("https://polisen.se/")
    assert {c["status_text"] for c in data["commitments"]} == {
        "ej bedömd här — en uppföljning har publicerats men dess innehåll är inte infört"}
    html = text(december.get("/promise/norrkoping-2020-2022"))
    assert "UppföljningT3 Norrköping" in html and "publicerad, men innehållet är inte infört här" in html
    assert report["seen_in"]["url"] in html
    for claim in NEGATIVE_CLAIMS:
        assert claim not in html
    # A period for which no follow-up is registered says exactly that, for that period.
    assert "ingen uppföljning registrerad här för juni–november 2021" in html


def test_slots_covered_by_an_entry_for_a_period_count_as_covered(december):
    slots = december.get("/promise/linkoping-2021-2022.json").get_json()["schedule"]["due_dates"]
    state = {s["due"]: s["state"] for s in slots}
    assert [state[d] for d in ("2022-05-31", "2022-06-30", "2022-07-31", "2022-08-31")] == ["recorded"] * 4
    assert state["2021-12-31"] == "news_only"  # December 2021 rests on a newspaper article alone
    assert "försenad" not in json.dumps(slots)


def test_periods_print_as_the_source_gives_them(december):
    promises = {p["slug"]: p for p in december.get("/index.json").get_json()["promises"]}
    assert promises["norrmalm-2018"]["period"]["label"] == "2018"
    assert promises["linkoping-2021-2022"]["period"]["label"] == "2021–2022"
    assert "2018–2018" not in text(december.get("/"))


def test_the_four_missing_promises_are_listed_with_their_sources(december):
    promises = {p["slug"]: p for p in december.get("/index.json").get_json()["promises"]}
    expected = {"linkoping-2023-2024": "polisen.se", "linkoping-city-2018-2019": "linkoping.se",
                "norrmalm-2019": "polisen.se", "norrmalm-2022": "polisen.se"}
    for slug, host in expected.items():
        urls = [s["url"] for s in promises[slug]["sources"] if s.get("url")]
        assert any(host in u for u in urls), (slug, urls)


def _dates_after(value, limit: str) -> list[str]:
    found = []
    if isinstance(value, dict):
        for v in value.values():
            found += _dates_after(v, limit)
    elif isinstance(value, list):
        for v in value:
            found += _dates_after(v, limit)
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and value > limit:
        found.append(value)
    return found


def test_a_year_view_holds_nothing_dated_after_that_year(december):
    cameras = december.get("/index.json?year=2018").get_json()
    html = text(december.get("/?year=2018"))
    assert "Läget per 2018-12-31" in html
    # No camera decision of 2019 or later, and none of 2022 shown as active in 2018.
    features = december.get("/index.map.json?year=2018").get_json()  # the map's data, fetched as it draws
    for site in features.get("camera", {}).values():
        for key in ("decided", "start", "reported", "status_as_of"):
            assert not site.get(key) or site[key] <= "2018-12-31", site
    for area in cameras["areas"]:
        for c in area["commitments"]:
            assert c["status"] == "ej_bedomd" or area["as_of"] == "2018-12-31"
    skaggetorp = december.get("/area/skaggetorp.json?year=2018").get_json()
    entries = [f for p in skaggetorp["promise_details"] for c in p["commitments"] for f in c["follow_ups"]]
    assert entries == []  # the tertial report of 2019 was not out yet
    assert all(s["known_from"] is None or s["known_from"] <= "2018-12-31" for s in skaggetorp["camera_sites"])
    assert not [p for p in skaggetorp["promise_details"] if p["period"]["start"] > "2018-12-31"]
    later = december.get("/area/skaggetorp.json?year=2019").get_json()
    assert [f for p in later["promise_details"] for c in p["commitments"] for f in c["follow_ups"]]


def test_one_assessed_commitment_of_seven_does_not_paint_the_area(tmp_path, seeded_template):
    """Norrköping 2023–2024 in force (June 2024): one "pågår" among seven stays grey, and the bar says why."""
    import os
    import shutil
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path, TODAY=dt.date(2024, 6, 1))
    from mapapp.store.db import session_factory
    from mapapp.store.follow_ups import append_follow_up
    with app.app_context(), session_factory(app)() as session:
        append_follow_up(session, "norrkoping-2023-2024", "est",
                         {"date": dt.date(2024, 5, 20), "status": "pagar", "note": "EST-gruppen träffas varje vecka.",
                          "evidence_title": "EST-lägesbild v. 20", "evidence_kind": "parties"}, "planner", 0, True)
    client = app.test_client()
    hageby = {a["slug"]: a for a in client.get("/index.json").get_json()["areas"]}["hageby"]
    assert hageby["status_counts"]["pagar"] == 1 and hageby["summary_status"] == "ej_bedomd"
    features = {f["id"]: f for f in client.get("/api/areas.geojson").get_json()["features"]}
    assert features["hageby"]["properties"]["progress_text"] == "7 åtaganden: 1 pågår, 6 ej bedömda"
    assert "7 åtaganden: 1 pågår, 6 ej bedömda" in text(client.get("/area/hageby"))
    assert "mer än hälften" in text(client.get("/"))  # the legend states the rule
    app.extensions["mapapp_engine"].dispose()


def test_a_planner_links_a_commitment_to_its_predecessor_and_the_timeline_shows_it(planner, planner_app, admin):
    form = "/planner/commitment/norrkoping-2023-2024/uppsokande-ungdomar/follow-up"
    page = text(planner.get(form))
    assert "norrkoping-2020-2022/ungdomar-i-riskzon" in page  # offered as a predecessor
    response = planner.post("/planner/commitment/norrkoping-2023-2024/uppsokande-ungdomar/lineage",
                            data={"csrf_token": csrf_token(planner, form), "relation": "continued",
                                  "predecessor": "norrkoping-2020-2022/ungdomar-i-riskzon", "note": ""})
    assert response.status_code == 302
    public = planner_app.test_client()
    area = public.get("/area/hageby.json").get_json()
    step = next(t for t in area["timeline"] if t["slug"] == "norrkoping-2023-2024")
    assert step["lineage"][0]["relation"] == "continued"
    assert step["lineage"][0]["predecessor"]["key"] == "norrkoping-2020-2022/ungdomar-i-riskzon"
    assert [t["period"]["label"] for t in area["timeline"]] == ["2018–2019", "2020–2022", "2023–2024"]
    assert "fortsätter" in text(public.get("/area/hageby"))
    entries = admin.get("/admin/audit.json?type=commitment").get_json()["entries"]
    assert entries[0]["action"] == "lineage" and entries[0]["after"]["relation"] == "continued"


@pytest.mark.parametrize("data, message", [
    ({"relation": "continued", "predecessor": ""}, "Välj vilket åtagande"),
    ({"relation": "new", "predecessor": "norrkoping-2020-2022/ungdomar-i-riskzon"}, "Bara ett åtagande"),
    ({"relation": "continued", "predecessor": "linkoping-2021-2022/fysiska-atgarder"}, "tidigare löfte i samma kommun"),
    ({"relation": "ärvt", "predecessor": ""}, "Okänd relation"),
])
def test_a_wrong_link_is_refused_and_changes_nothing(planner, data, message):
    form = "/planner/commitment/norrkoping-2023-2024/uppsokande-ungdomar/follow-up"
    response = planner.post("/planner/commitment/norrkoping-2023-2024/uppsokande-ungdomar/lineage",
                            data={"csrf_token": csrf_token(planner, form), "note": "", **data})
    assert response.status_code == 400 and message in text(response)
    assert planner.get(form + ".json").get_json()["lineage"] is None
