"""The planner's dashboard: per municipality and EST area, next due and overdue, filters, EST map, JSON twins."""
import datetime as dt
import re

import pytest

from planner_support import csrf_token

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin

EST_AREAS = ["centrala-norrkoping", "hageby", "klockaretorpet", "marielund", "navestad"]


def rows(data):
    return [c for m in data["municipalities"] for p in m["promises"] for c in p["commitments"]]


@pytest.fixture
def in_2024(planner_app):
    """A date inside the Norrköping 2023–2024 promise, so something is due and something overdue."""
    planner_app.config["TODAY"] = dt.date(2024, 3, 15)
    return planner_app


def test_dashboard_per_municipality_and_est_area(planner):
    data = planner.get("/planner.json").get_json()
    assert [m["name"] for m in data["municipalities"]] == ["Linköping", "Norrköping", "Stockholm"]
    norrkoping = data["municipalities"][1]
    assert [p["slug"] for p in norrkoping["promises"]] == ["norrkoping-2023-2024", "norrkoping-2020-2022",
                                                           "norrkoping-2018-2019"]
    assert len(rows(data)) == 42
    assert [a["slug"] for a in data["est_areas"]] == EST_AREAS
    marielund = data["est_areas"][3]
    # In November 2026 no promise is known to be in force; the last one is shown as history.
    assert marielund["current_promise"] is None and marielund["last_promise"]["slug"] == "norrkoping-2023-2024"
    assert {c["slug"] for c in marielund["commitments"]} >= {"est", "sspf", "sig", "andts"}
    html = planner.get("/planner").get_data(as_text=True)
    assert "Per EST-område" in html and "Per kommun" in html and "Marielund" in html


def test_next_due_and_overdue_follow_the_rule(planner, in_2024):
    data = planner.get("/planner.json").get_json()
    est = next(r for r in rows(data) if r["key"] == "norrkoping-2023-2024/est")
    assert (est["next_due"], est["overdue"]) == ("2024-12-31", ["2023-12-31"])  # yearly rule
    linkoping = next(r for r in rows(data) if r["key"] == "linkoping-2021-2022/fysiska-atgarder")
    assert linkoping["next_due"] is None and "2022-12-31" in linkoping["overdue"]  # monthly, ended

    overdue = planner.get("/planner/overdue.json").get_json()["commitments"]
    assert "norrkoping-2023-2024/est" in [r["key"] for r in overdue]
    assert all(r["overdue"] for r in overdue)
    html = planner.get("/planner/overdue").get_data(as_text=True)
    assert re.search(r'class="commitment-row is-overdue" data-key="norrkoping-2023-2024/est"', html)
    assert "1 försenade, senast 2023-12-31" in html


def test_a_follow_up_in_the_window_clears_the_overdue_entry(planner, in_2024):
    path = "/planner/commitment/norrkoping-2023-2024/est/follow-up"
    data = {"csrf_token": csrf_token(planner, path), "seen_latest": "0", "date": "2023-11-30", "status": "pagar",
            "note": "EST-gruppen har träffats varje vecka.", "evidence_title": "EST-lägesbild v. 48"}
    assert planner.post(path, data=data).status_code == 302
    overdue = planner.get("/planner/overdue.json").get_json()["commitments"]
    assert "norrkoping-2023-2024/est" not in [r["key"] for r in overdue]
    est = next(r for r in rows(planner.get("/planner.json").get_json()) if r["key"] == "norrkoping-2023-2024/est")
    assert (est["status"], est["status_date"], est["overdue"]) == ("pagar", "2023-11-30", [])


@pytest.mark.parametrize("query, check", [
    ("theme=narkotika", lambda r: "narkotika" in r["themes"]),
    ("method=EST", lambda r: r["method"] == "EST"),
    ("party=polisen", lambda r: r["responsible"] in ("polisen", "both")),
    ("party=both", lambda r: r["responsible"] == "both"),
    ("kommun=0580", lambda r: r["promise"]["municipality"]["code"] == "0580"),
    ("theme=unga&kommun=0581", lambda r: "unga" in r["themes"] and r["promise"]["municipality"]["code"] == "0581"),
])
def test_filters(planner, query, check):
    data = planner.get(f"/planner.json?{query}").get_json()
    found = rows(data)
    assert found and all(check(r) for r in found) and len(found) < 42
    assert all(check(r) for r in planner.get(f"/planner/overdue.json?{query}").get_json()["commitments"])
    assert planner.get(f"/planner?{query}").status_code == 200


@pytest.mark.parametrize("query", ["theme=<script>", "method=XYZ", "party=ingen", "kommun=9999"])
def test_unknown_filter_values_are_a_400(planner, query):
    assert planner.get(f"/planner?{query}").status_code == 400
    response = planner.get(f"/planner/overdue.json?{query}")
    assert response.status_code == 400 and response.get_json()["error"]["status"] == 400
    assert "<script>" not in planner.get(f"/planner?{query}").get_data(as_text=True)


def test_est_map(planner):
    html = planner.get("/planner/est").get_data(as_text=True)
    assert "EST-områden på kartan" in html and "leaflet.js" in html
    listed = {a["slug"] for a in planner.get("/planner/est.json").get_json()["est_areas"]}
    assert listed == {"hageby", "navestad", "klockaretorpet", "centrala-norrkoping", "marielund"}
    for slug in listed:
        assert f'href="/area/{slug}"' in html
    assert "est-shape" in html  # the EST outline layer is drawn
    data = planner.get("/planner/est.json").get_json()
    assert [a["slug"] for a in data["est_areas"]] == EST_AREAS


def test_planner_pages_link_to_each_follow_up_form(planner):
    html = planner.get("/planner").get_data(as_text=True)
    assert 'href="/planner/commitment/norrkoping-2023-2024/est/follow-up"' in html
    assert 'href="/planner/promise/norrkoping-2023-2024"' in html
    form = planner.get("/planner/commitment/norrkoping-2023-2024/est/follow-up")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.get_data(as_text=True)
    assert planner.get("/planner/commitment/norrkoping-2023-2024/nope/follow-up").status_code == 404
