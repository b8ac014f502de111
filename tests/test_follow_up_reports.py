"""A follow-up report uploaded against a promise: proposed entries with the quoted sentence as evidence, each
accepted, changed or rejected by a planner one by one; nothing is recorded without that review."""
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mapapp.store.db import session_factory
from mapapp.store.import_models import FollowUpProposal, ReportImport
from mapapp.store.models import AuditEntry, FollowUp
from planner_support import counts, csrf_token
from test_import_places import draft_json
from test_import_review import publish, upload

pytest_plugins = ["planner_fixtures"]

CORPUS = Path(__file__).parent / "data" / "import-corpus"
SKARA = ("Medborgarlöfte Skara 2018\n\nPolisen och Skara kommun lovar att:\n"
         "• genomföra fyra krogtillsyner under året\n"
         "• fotpatrullera på platser där medborgare uppgett att de känner sig otrygga\n"
         "• utföra två trygghetsvandringar i utvalda bostadsområden\n"
         "• tillsammans med föreningar i Skara kommun genomföra tre nattvandringar under utvalda tillfällen\n"
         "• bjuda in medborgarna till en dialog kring belysningsfrågan i Skara kommun\n\n"
         "Uppföljning sker årligen.\n")
REPORT_URL = "https://polisen.se/om-polisen/medborgarloften/skara/uppfoljning-skara/"


@pytest.fixture
def skara(planner, planner_app):
    """The Skara 2018 promise, imported and published (Skara is a municipality the gazetteer brings in)."""
    assert upload(planner, None, text=SKARA, source_url="https://polisen.se/skara-2018").status_code == 200
    draft = draft_json(planner, "skara-2018")
    assert draft["municipality"] == {"code": "1495", "name": "Skara"}
    assert publish(planner, "skara-2018").status_code == 302
    public = planner_app.test_client()
    assert public.get("/promise/skara-2018").status_code == 200
    assert public.get("/api/promises/skara-2018").get_json()["municipality"] == {"code": "1495", "name": "Skara"}
    return {c["text"].split()[1]: c["slug"] for c in draft["commitments"]}


def send_report(client, slug="skara-2018", text=None, **fields):
    form = {"csrf_token": csrf_token(client, f"/planner/promise/{slug}/report"), "source_url": REPORT_URL,
            "title": "Uppföljning Skara 2018", "report_date": "2019-01-15", **fields}
    if text is None:
        form["document"] = (io.BytesIO((CORPUS / "skara_2018_uppfoljning.txt").read_bytes()), "skara.txt")
    else:
        form["text"] = text
    return client.post(f"/planner/promise/{slug}/report", data=form, content_type="multipart/form-data")


def entries(app) -> int:
    with session_factory(app)() as s:
        return s.scalar(select(func.count()).select_from(FollowUp))


def audit_trail(app) -> list[tuple[str, str]]:
    with session_factory(app)() as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.entity_type).where(
            AuditEntry.entity_type.in_(("follow_up", "follow_up_report", "follow_up_proposal")))
            .order_by(AuditEntry.id)).all()
    return [tuple(r) for r in rows]


def decide(client, report, proposal, action, **changes):
    """Post one proposal's form as the page shows it, with changes (field names without the prefix)."""
    html = client.get(f"/planner/reports/{report}").get_data(as_text=True)
    prefix = f"p{proposal['id']}-"
    form = html[html.index(f'id="proposal-{proposal["id"]}"'):]
    form = form[:form.index("</form>")]
    data = {"action": action}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        data[name] = value
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = text.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        data[name] = chosen.group(1) if chosen else ""
    data.update({prefix + k: v for k, v in changes.items()})
    return client.post(f"/planner/reports/{report}/proposals/{proposal['id']}", data=data)


def test_a_report_becomes_proposals_accepted_changed_or_rejected_one_by_one(planner, planner_app, skara):
    before = entries(planner_app)
    response = send_report(planner)
    assert response.status_code == 302
    report = int(response.location.rsplit("/", 1)[1])
    data = planner.get(f"/planner/reports/{report}.json").get_json()
    by_commitment = {p["commitment"]["slug"]: p for p in data["proposals"]}
    assert set(by_commitment) == {skara["fyra"], skara["på"], skara["två"], skara["med"]}
    assert skara["in"] not in by_commitment  # the belysning dialog: nothing reported, nothing proposed
    assert data["period_label"] == "2018" and data["covers"] == {"first": "2018-01-01", "last": "2018-12-31"}
    for p in data["proposals"]:
        a, b = p["span"]
        assert data["text"][a:b] == p["evidence"] and p["status"] == "genomford"
    assert entries(planner_app) == before  # nothing recorded yet
    page = planner.get(f"/planner/reports/{report}").get_data(as_text=True)
    night = by_commitment[skara["med"]]
    assert f'id="src-p{night["id"]}"' in page and "Kommunen har tillsammans med föreningar" in page
    assert f'value="{REPORT_URL}"' in page and 'value="Uppföljning Skara 2018"' in page

    accepted, changed, rejected = (by_commitment[skara[k]] for k in ("fyra", "två", "på"))
    assert decide(planner, report, accepted, "accept").status_code == 302
    assert decide(planner, report, changed, "accept", status="delvis_genomford",
                  note="En av två trygghetsvandringar genomfördes.").status_code == 302
    assert decide(planner, report, rejected, "reject").status_code == 302
    assert entries(planner_app) == before + 2
    api = planner_app.test_client().get("/api/promises/skara-2018").get_json()
    recorded = {c["slug"]: c["follow_ups"] for c in api["commitments"] if c["follow_ups"]}
    assert set(recorded) == {accepted["commitment"]["slug"], changed["commitment"]["slug"]}
    first = recorded[accepted["commitment"]["slug"]][0]
    assert first["note"] == accepted["evidence"] and first["status"] == "genomford"
    assert first["evidence"]["url"] == REPORT_URL and first["evidence"]["title"] == "Uppföljning Skara 2018"
    assert first["evidence"]["kind"] == "parties" and first["recorded_by"] == "planner"
    assert (first["date"], first["covers"]["first"], first["covers"]["last"]) == ("2019-01-15", "2018-01-01",
                                                                                 "2018-12-31")
    second = recorded[changed["commitment"]["slug"]][0]
    assert (second["status"], second["note"]) == ("delvis_genomford", "En av två trygghetsvandringar genomfördes.")
    assert audit_trail(planner_app) == [("import", "follow_up_report"), ("accept", "follow_up_proposal"),
                                        ("append", "follow_up"), ("accept", "follow_up_proposal"),
                                        ("append", "follow_up"), ("reject", "follow_up_proposal")]
    left = planner.get(f"/planner/reports/{report}.json").get_json()["proposals"]
    assert [p["id"] for p in left] == [night["id"]]  # still waiting, for a planner to come back to
    assert decide(planner, report, night, "reject").status_code == 302
    assert planner.get(f"/planner/reports/{report}.json").status_code == 404  # all reviewed: the report is gone
    assert planner.get("/planner/reports.json").get_json()["reports"] == []
    assert entries(planner_app) == before + 2


def test_a_proposal_is_taken_once(planner, planner_app, admin, skara):
    report = int(send_report(planner).location.rsplit("/", 1)[1])
    proposal = planner.get(f"/planner/reports/{report}.json").get_json()["proposals"][0]
    assert decide(admin, report, proposal, "reject").status_code == 302  # the admin was first
    before = counts(planner_app)
    late = planner.post(f"/planner/reports/{report}/proposals/{proposal['id']}",
                        data={"action": "accept", "csrf_token": csrf_token(planner, "/planner/reports")})
    assert late.status_code == 404 and "redan vara godtaget eller avvisat" in late.get_data(as_text=True)
    assert counts(planner_app) == before


def test_a_newer_entry_is_a_conflict_until_confirmed(planner, planner_app, admin, skara):
    report = int(send_report(planner).location.rsplit("/", 1)[1])
    target = planner.get(f"/planner/reports/{report}.json").get_json()["proposals"][0]
    assert target["latest_id"] == 0  # what the planner's page carries as "seen"
    promise, slug = target["commitment"]["key"].split("/")
    follow = f"/planner/commitment/{promise}/{slug}/follow-up"  # meanwhile the admin records an entry
    assert admin.post(follow, data={"csrf_token": csrf_token(admin, follow), "date": "2018-12-01",
                                    "status": "pagar", "note": "Pågår.", "evidence_title": "Möte",
                                    "evidence_kind": "parties", "seen_latest": "0"}).status_code == 302
    before = entries(planner_app)
    response = decide(planner, report, target, "accept", seen_latest="0")
    assert response.status_code == 409 and "En nyare uppföljning har sparats" in response.get_data(as_text=True)
    assert entries(planner_app) == before
    assert decide(planner, report, target, "accept", seen_latest="0", confirm="y").status_code == 302
    assert entries(planner_app) == before + 1


@pytest.mark.parametrize("fields, status, message", [
    ({"text": "Hej, det här är ingen rapport om något åtagande alls."}, 422, "Inget i rapporten kunde kopplas"),
    ({"source_url": "javascript:alert(1)"}, 400, "Länken måste börja med http"),
    ({"source_url": ""}, 400, "Fyll i fältet."),
    ({"title": ""}, 400, "Fyll i fältet."),
    ({"report_date": "2030-01-01"}, 400, "Datumet ligger i framtiden."),
    ({"report_date": "2016-01-01"}, 400, "Datumet ligger utanför löftesperioden"),
    ({"report_date": "2018-13-40"}, 400, "Ogiltigt datum"),
    ({"covers_first": "2018-01-01"}, 400, "Ange både början och slut"),
    ({"covers_first": "2017-01-01", "covers_last": "2018-04-30"}, 400, "inom löftesperioden"),
])
def test_bad_report_uploads_get_a_message_and_store_nothing(planner, planner_app, skara, fields, status, message):
    before = counts(planner_app)
    text = fields.pop("text", None)
    response = send_report(planner, text=text, **fields)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert counts(planner_app) == before
    with session_factory(planner_app)() as s:
        assert s.scalar(select(func.count()).select_from(ReportImport)) == 0


def test_bad_decisions_get_a_message_and_record_nothing(planner, planner_app, skara):
    report = int(send_report(planner).location.rsplit("/", 1)[1])
    proposal = planner.get(f"/planner/reports/{report}.json").get_json()["proposals"][0]
    before = counts(planner_app)
    response = decide(planner, report, proposal, "accept", status="ej_bedomd_eller_annat")
    assert response.status_code == 400 and "Okänd status." in response.get_data(as_text=True)
    response = decide(planner, report, proposal, "accept", date="2030-01-01")
    assert response.status_code == 400 and "Datumet ligger i framtiden." in response.get_data(as_text=True)
    response = decide(planner, report, proposal, "accept", evidence_url="", evidence_title="")
    assert response.status_code == 400 and "kräver underlag" in response.get_data(as_text=True)
    assert decide(planner, report, proposal, "vänta").status_code == 400
    assert planner.get("/planner/reports/999999").status_code == 404
    assert planner.post(f"/planner/reports/{report}/proposals/999999",
                        data={"action": "reject", "csrf_token": csrf_token(planner, "/planner/reports")}).status_code == 404
    assert planner.get("/planner/promise/finns-inte/report").status_code == 404
    assert counts(planner_app) == before
    with session_factory(planner_app)() as s:
        assert s.scalar(select(func.count()).select_from(FollowUpProposal)) == 4


def test_reports_are_for_planners_only(planner_app, skara):
    public = planner_app.test_client()
    assert public.get("/planner/reports").status_code == 302
    assert public.get("/planner/reports.json").status_code == 401
    assert public.get("/planner/promise/skara-2018/report.json").status_code == 401


@pytest.mark.browser
def test_report_review_in_a_browser(planner, planner_app, skara, live_server):
    from browser import chromium, serious_axe_violations, sign_in
    report = int(send_report(planner).location.rsplit("/", 1)[1])
    first = planner.get(f"/planner/reports/{report}.json").get_json()["proposals"][0]
    before = entries(planner_app)
    with chromium(bypass_csp=True) as new_tab:  # bypassed only so axe-core can be added to the page
        tab = new_tab()
        page = tab.page
        sign_in(page, live_server.url)
        page.get_by_role("link", name="Uppföljningsrapporter").click()
        page.get_by_role("link", name="Uppföljning Skara 2018").click()
        page.wait_for_url(re.compile(rf"/planner/reports/{report}$"))
        section = page.locator(f"#proposal-{first['id']}")
        section.get_by_label("Status", exact=True).focus()
        assert "is-current" in page.locator(f"mark#src-p{first['id']}").get_attribute("class")
        tab.screenshot("follow-up-report-review")
        assert serious_axe_violations(page) == []
        section.get_by_role("button", name="Godta uppföljningen").click()
        page.get_by_text("Uppföljningen är registrerad.").wait_for()
        assert page.locator(f"#proposal-{first['id']}").count() == 0
        assert tab.external == [] and tab.page_errors == [] and tab.console_errors == []
    assert entries(planner_app) == before + 1


def test_a_report_over_the_app_wide_cap_but_within_the_import_limit_is_read(planner, skara):
    """The report route is an upload route: a 2 MB report is read (not a bare 413), as the page's 5 MB promises."""
    report = (CORPUS / "skara_2018_uppfoljning.txt").read_bytes()
    big = report + b"\n" + b"Ytterligare text i rapporten.\n" * (2 * 1024 * 1024 // 30)
    form = {"csrf_token": csrf_token(planner, "/planner/promise/skara-2018/report"), "source_url": REPORT_URL,
            "title": "Uppföljning Skara 2018", "report_date": "2019-01-15",
            "document": (io.BytesIO(big), "skara.txt")}
    answer = planner.post("/planner/promise/skara-2018/report", data=form, content_type="multipart/form-data")
    assert answer.status_code != 413
    assert answer.status_code in (200, 302, 400)
    assert "För stor" not in answer.get_data(as_text=True)
