"""Recording follow-ups: shown at once everywhere, evidence checked and served safely, bad input stores nothing."""
import io
import json
import re

import pytest

from planner_support import counts, csrf_token

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin

PROMISE, COMMITMENT, AREA = "norrkoping-2023-2024", "est", "marielund"
FORM = f"/planner/commitment/{PROMISE}/{COMMITMENT}/follow-up"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(client, path=FORM, **fields) -> dict:
    """What the form would send: its CSRF token and 'seen latest' id, then the given fields."""
    html = client.get(path).get_data(as_text=True)
    seen = re.search(r'name="seen_latest" type="hidden" value="(\d+)"', html).group(1)
    data = {"csrf_token": csrf_token(client, path), "seen_latest": seen, "date": "2024-11-15",
            "status": "ej_genomford", "note": "EST-gruppen träffades inte under hösten.",
            "evidence_title": "EST-lägesbild v. 46"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, path=FORM):
    return client.post(path, data=data, content_type="multipart/form-data")


def area_fill(html: str, slug: str) -> str:
    """The fill colour the rendered map's area styler gives an area (its switch on feature.id)."""
    styler = next(m.group(1) for m in re.finditer(r"_styler\(feature\) \{(.*?)\n\s*\}\n", html, re.S)
                  if "area-shape" in m.group(1))
    default = None
    for labels, style in re.findall(r'((?:case "[^"]+":\s*)+|default:)\s*return (\{[^}]*\})', styler):
        colour = json.loads(style)["fillColor"]
        if f'case "{slug}":' in labels:
            return colour
        if labels == "default:":
            default = colour
    return default


def test_a_follow_up_shows_at_once_on_map_area_page_and_api(planner, planner_app):
    public = planner_app.test_client()
    before = {f["id"]: f for f in public.get("/api/areas.geojson").get_json()["features"]}[AREA]
    # In November 2026 the area's last promise (2023–2024) has ended: the map says so, and shows it as history.
    assert before["properties"]["summary_status"] == "inget_gallande"
    assert before["properties"]["last_promise"]["slug"] == PROMISE
    assert before["properties"]["status_counts"]["ej_genomford"] == 0
    assert area_fill(public.get("/").get_data(as_text=True), AREA) == "#d9d9d9"  # cached map built now
    assert '"ej_genomford":1' not in public.get("/index.map.json").get_data(as_text=True).replace(" ", "")

    response = post(planner, form_data(planner))
    assert response.status_code == 302 and "saved=" in response.location

    after = {f["id"]: f for f in public.get("/api/areas.geojson").get_json()["features"]}[AREA]
    assert after["properties"]["summary_status"] == "inget_gallande"
    assert after["properties"]["status_counts"]["ej_genomford"] == 1
    assert '"ej_genomford":1' in public.get("/index.map.json").get_data(as_text=True).replace(" ", "")  # rebuilt
    area = public.get(f"/area/{AREA}.json").get_json()
    est = next(c for p in area["promise_details"] for c in p["commitments"] if c["slug"] == COMMITMENT)
    assert est["status"] == "ej_genomford" and est["follow_ups"][-1]["recorded_by"] == "planner"
    assert "EST-gruppen träffades inte under hösten." in public.get(f"/area/{AREA}").get_data(as_text=True)
    api = public.get(f"/api/promises/{PROMISE}/commitments/{COMMITMENT}").get_json()
    assert api["status"] == "ej_genomford" and api["follow_ups"][-1]["evidence"]["title"] == "EST-lägesbild v. 46"


def test_link_evidence_and_ej_bedomd_without_evidence(planner):
    assert post(planner, form_data(planner, evidence_title=None, status="pagar",
                                   evidence_url="https://norrkoping.se/est")).status_code == 302
    assert post(planner, form_data(planner, evidence_title=None, status="ej_bedomd",
                                   note="Ingen uppföljning publicerad.")).status_code == 302
    entries = planner.get(FORM + ".json").get_json()["follow_ups"]
    assert [e["status"] for e in entries] == ["pagar", "ej_bedomd"]
    assert entries[0]["evidence"]["url"] == "https://norrkoping.se/est"


def test_uploaded_document_is_stored_randomly_and_served_as_attachment(planner, planner_app, tmp_path):
    data = form_data(planner, evidence_title="Uppföljning EST 2024",
                     evidence_file=(io.BytesIO(PDF), "uppföljning <EST>.pdf"))
    assert post(planner, data).status_code == 302
    files = list((tmp_path / "evidence").iterdir())
    assert len(files) == 1 and re.fullmatch(r"[0-9a-f]{32}\.pdf", files[0].name)
    entry = planner.get(FORM + ".json").get_json()["follow_ups"][-1]
    assert entry["evidence"]["file_url"] == f"/evidence/{entry['id']}"

    public = planner_app.test_client()
    response = public.get(f"/evidence/{entry['id']}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    area_page = public.get(f"/area/{AREA}").get_data(as_text=True)
    assert f'href="/evidence/{entry["id"]}"' in area_page and files[0].name not in area_page
    assert public.get("/evidence/999999").status_code == 404


def test_png_evidence_served_as_png(planner, planner_app):
    assert post(planner, form_data(planner, evidence_file=(io.BytesIO(PNG), "bild.PNG"))).status_code == 302
    entry = planner.get(FORM + ".json").get_json()["follow_ups"][-1]
    response = planner_app.test_client().get(f"/evidence/{entry['id']}")
    assert response.mimetype == "image/png" and response.headers["Content-Disposition"].startswith("attachment")


BAD_INPUT = {
    "invalid date": ({"date": "2024-13-40"}, "Ogiltigt datum"),
    "no date": ({"date": ""}, "Ogiltigt datum"),
    "before the period": ({"date": "2022-12-31"}, "utanför löftesperioden"),
    "over a year after the period": ({"date": "2026-01-01"}, "utanför löftesperioden"),
    "in the future": ({"date": "2026-11-24"}, "i framtiden"),
    "unknown status": ({"status": "klar"}, "Okänd status"),
    "status without evidence": ({"evidence_title": None}, "kräver underlag"),
    "javascript link": ({"evidence_title": None, "evidence_url": "javascript:alert(1)"}, "http://"),
    "no note": ({"note": ""}, "Fyll i fältet"),
    "unknown entry corrected": ({"supersedes": "999999"}, "ingen post med det numret"),
    "half a covered period": ({"covers_first": "2024-05-01"}, "både början och slut"),
    "covered period backwards": ({"covers_first": "2024-08-31", "covers_last": "2024-05-01"}, "slutar innan"),
    "covered period after the entry": ({"covers_first": "2024-05-01", "covers_last": "2024-12-31"},
                                       "sluta senast på uppföljningens datum"),
    "unknown evidence kind": ({"evidence_kind": "rykte"}, "Okänt slag av underlag"),
}


def test_a_news_report_is_recorded_and_shown_as_news(planner, planner_app):
    fields = {"status": "pagar", "evidence_kind": "news", "covers_first": "2024-05-01", "covers_last": "2024-08-31",
              "evidence_url": "https://nt.se/nyheter/est", "evidence_title": "NT: EST i Hageby"}
    assert post(planner, form_data(planner, **fields)).status_code == 302
    entry = planner.get(FORM + ".json").get_json()["follow_ups"][-1]
    assert entry["evidence"]["kind"] == "news" and entry["covers"]["label"] == "maj–augusti 2024"
    page = planner_app.test_client().get(f"/promise/{PROMISE}/commitment/{COMMITMENT}").get_data(as_text=True)
    assert "bara en nyhetsuppgift" in page and "nyhetsuppgift" in page


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_shows_the_error_and_stores_nothing(planner, planner_app, case):
    fields, message = BAD_INPUT[case]
    before = counts(planner_app)
    response = post(planner, form_data(planner, **fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "Formuläret sparades inte" in html
    assert counts(planner_app) == before


UPLOADS = {
    "oversized": (b"%PDF-1.4\n" + b"0" * 2000, "stor.pdf", "för stor"),
    "executable named .pdf": (b"MZ\x90\x00" + b"\x00" * 100, "virus.pdf", "inte en PDF"),
    "png content named .pdf": (PNG, "bild.pdf", "inte en PDF"),
    "html named .png": (b"<html><script>alert(1)</script></html>", "sida.png", "inte en PDF"),
    "text file": (b"hej", "text.txt", "Bara PDF, PNG och JPEG"),
    "empty file": (b"", "tom.pdf", "tom"),
}


@pytest.mark.parametrize("case", UPLOADS, ids=list(UPLOADS))
def test_bad_upload_shows_the_error_and_stores_nothing(planner, planner_app, case):
    content, name, message = UPLOADS[case]
    planner_app.config["MAX_EVIDENCE_BYTES"] = 1000
    before = counts(planner_app)
    response = post(planner, form_data(planner, evidence_file=(io.BytesIO(content), name)))
    assert response.status_code == 400, response.status_code
    assert message in response.get_data(as_text=True)
    assert counts(planner_app) == before


def test_far_too_large_request_is_refused_whole(planner, planner_app):
    planner_app.config["MAX_EVIDENCE_BYTES"] = 1000
    before = counts(planner_app)
    big = (io.BytesIO(b"%PDF-" + b"0" * 400_000), "enorm.pdf")
    assert post(planner, form_data(planner, evidence_file=big)).status_code == 413
    assert counts(planner_app) == before


def test_a_failed_write_leaves_no_file_behind(planner, planner_app, monkeypatch):
    from mapapp.store import follow_ups

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(follow_ups, "append_follow_up", broken)
    before = counts(planner_app)
    assert post(planner, form_data(planner, evidence_file=(io.BytesIO(PDF), "a.pdf"))).status_code == 500
    assert counts(planner_app) == before


def test_final_follow_up_allowed_up_to_a_year_after_the_period(planner):
    assert post(planner, form_data(planner, date="2025-12-31")).status_code == 302  # period ends 2024-12-31
    assert post(planner, form_data(planner, date="2023-01-01")).status_code == 302


def test_a_correction_supersedes_and_both_stay_in_the_history(planner, planner_app):
    assert post(planner, form_data(planner, status="genomford")).status_code == 302
    first = planner.get(FORM + ".json").get_json()["follow_ups"][-1]
    assert post(planner, form_data(planner, status="delvis_genomford", supersedes=str(first["id"]),
                                   note="Rättelse: bara två av tre insatser genomfördes.")).status_code == 302
    data = planner_app.test_client().get(f"/promise/{PROMISE}/commitment/{COMMITMENT}.json").get_json()
    assert [(f["status"], f["superseded"]) for f in data["follow_ups"]] == [("genomford", True),
                                                                           ("delvis_genomford", False)]
    assert data["follow_ups"][1]["supersedes"] == first["id"]
    assert data["status"] == "delvis_genomford"
    page = planner_app.test_client().get(f"/promise/{PROMISE}/commitment/{COMMITMENT}").get_data(as_text=True)
    assert "ersatt av en senare rättelse" in page and "Rättelse: bara två av tre" in page
    # An entry already corrected cannot be corrected again: correct the correction instead.
    again = post(planner, form_data(planner, supersedes=str(first["id"])))
    assert again.status_code == 400 and "redan rättad" in again.get_data(as_text=True)


def test_text_is_escaped_everywhere(planner, planner_app):
    evil = '<script>alert("x")</script>'
    assert post(planner, form_data(planner, note=evil, evidence_title=evil)).status_code == 302
    for path in (f"/area/{AREA}", f"/promise/{PROMISE}", FORM):
        html = (planner if path == FORM else planner_app.test_client()).get(path).get_data(as_text=True)
        assert evil not in html and "&lt;script&gt;" in html


def test_seed_refuses_to_replace_recorded_follow_ups(planner, planner_app):
    assert post(planner, form_data(planner)).status_code == 302
    result = planner_app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0 and "1 follow-ups recorded" in result.output


def test_evidence_of_an_unpublished_promise_is_not_public(planner, planner_app):
    assert post(planner, form_data(planner, evidence_file=(io.BytesIO(PDF), "a.pdf"))).status_code == 302
    entry = planner.get(FORM + ".json").get_json()["follow_ups"][-1]
    from mapapp.store.db import session_factory
    from mapapp.store.models import Promise
    with planner_app.app_context(), session_factory(planner_app)() as s, s.begin():
        s.query(Promise).filter_by(slug=PROMISE).update({"published": False})
    assert planner_app.test_client().get(f"/evidence/{entry['id']}").status_code == 404
    assert planner.get(f"/evidence/{entry['id']}").status_code == 200
