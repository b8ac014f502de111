"""Importing promise documents in the browser: upload, review beside the marked source, save, publish."""
import io
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from mapapp.store.db import session_factory
from mapapp.store.models import AuditEntry, Promise, User
from planner_support import PASSWORD, counts, csrf_token, login

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin

SEEDS = Path(__file__).parent / "data" / "seeds"
NORRMALM = SEEDS / "004_551f9de1e0a2196d.txt"
DRAFT = "norrmalm-2018-draft"
EXPECTED = {  # seed -> the drafts it gives (the curated promises hold the plain slugs)
    "000_d3ad751963882e1b.txt": ["norrkoping-2020-2022-draft", "norrkoping-2018-2019-draft"],
    "001_b7c2dbbc183ed716.txt": ["norrkoping-2023-2024-draft"],
    "002_38ecb879a60c7a57.txt": [],  # the press release: no draft, on purpose
    "003_b4b69d941b3a8619.txt": ["linkoping-2021-2022-draft", "skaggetorp-2018-2019-draft"],
    "004_551f9de1e0a2196d.txt": [DRAFT],
}


def upload(client, name="norrmalm.txt", data=None, **fields):
    form = {"csrf_token": csrf_token(client, "/planner/import"), **fields}
    if name is not None:
        form["document"] = (io.BytesIO(NORRMALM.read_bytes() if data is None else data), name)
    return client.post("/planner/import", data=form, content_type="multipart/form-data")


def promises(app) -> dict:
    with session_factory(app)() as s:
        return dict(s.execute(select(Promise.slug, Promise.published)).all())


def audit_actions(app, slug) -> list[str]:
    with session_factory(app)() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity_key == slug).order_by(AuditEntry.id)))


def mark_text(html: str, mark_id: str) -> str:
    """The source text inside one <mark>, nested marks included."""
    start = html.index(f'<mark id="{mark_id}"')
    depth, pos = 0, start
    for m in re.finditer(r"<(/?)mark\b[^>]*>", html[start:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            pos = start + m.end()
            break
    inner = html[html.index(">", start) + 1:pos - len("</mark>")]
    return unescape(re.sub(r"<[^>]+>", "", inner))


def form_fields(html: str) -> dict:
    """What the review form would send as it stands (text inputs, textareas, selected options, hidden fields)."""
    form = html[html.index('<form class="review-form"'):html.index("</form>", html.index('<form class="review-form"'))]
    data = {}
    for m in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if attrs.get("type") == "checkbox":
            if "checked" in m.group(1):
                data[attrs["name"]] = "y"
        elif attrs.get("type") == "radio":
            if "checked" in m.group(1):
                data[attrs["name"]] = unescape(attrs.get("value", ""))
        elif "name" in attrs:
            data[attrs["name"]] = unescape(attrs.get("value", ""))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = unescape(text).removeprefix("\r\n").removeprefix("\n")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = [unescape(v) for v in re.findall(r'<option selected value="([^"]*)"', options)]
        data[name] = chosen if "multiple" in form[form.index(f'name="{name}"') - 200:form.index(f'name="{name}"')] \
            else (chosen[0] if chosen else "")
    return data


def save(client, slug=DRAFT, **changes):
    html = client.get(f"/planner/drafts/{slug}").get_data(as_text=True)
    data = {**form_fields(html), **changes}
    return client.post(f"/planner/drafts/{slug}", data={k: v for k, v in data.items() if v is not None})


def publish(client, slug=DRAFT, version=None):
    html = client.get(f"/planner/drafts/{slug}").get_data(as_text=True)
    if version is None:
        version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return client.post(f"/planner/drafts/{slug}/publish",
                       data={"csrf_token": csrf_token(client, f"/planner/drafts/{slug}"), "version": version})


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_each_seed_document_becomes_unpublished_drafts_with_an_account(planner, planner_app, seed):
    before = promises(planner_app)
    response = upload(planner, seed, (SEEDS / seed).read_bytes())
    html = response.get_data(as_text=True)
    assert "Redogörelse från importen" in html
    added = {k: v for k, v in promises(planner_app).items() if k not in before}
    assert sorted(added) == sorted(EXPECTED[seed])
    assert not any(added.values())  # stored unpublished
    for slug in EXPECTED[seed]:
        assert f'href="/planner/drafts/{slug}"' in html
        assert audit_actions(planner_app, slug) == ["import"]
    if EXPECTED[seed]:
        assert response.status_code == 200
    else:
        assert response.status_code == 422
        assert "Inget utkast sparades" in html and "No draft" in html and "Traceback" not in html


def test_pdf_and_pasted_text_are_imported(planner, planner_app):
    from test_importer import make_pdf
    pdf = make_pdf(NORRMALM.read_text(encoding="utf-8"))
    assert upload(planner, "norrmalm.pdf", pdf).status_code == 200
    assert promises(planner_app)[DRAFT] is False
    response = upload(planner, None, text=NORRMALM.read_text(encoding="utf-8"))
    assert response.status_code == 200 and promises(planner_app)["norrmalm-2018-draft-2"] is False
    draft = planner.get("/planner/drafts/norrmalm-2018-draft-2.json").get_json()
    assert draft["sources"] == [{"seed": None, "url": None, "title": "Inklistrad text"}]


def test_review_page_shows_fields_beside_the_marked_source(planner):
    upload(planner)
    response = planner.get(f"/planner/drafts/{DRAFT}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Medborgarlöfte Norrmalm 2018"' in html and 'id="period_start" name="period_start" type="date" ' \
        'value="2018-01-01"' in html
    assert "minst två riktade insatser" in mark_text(html, "src-c1-text")  # the commitment's whole text is marked
    assert mark_text(html, "src-c1-target") == "minst två riktade insatser"
    assert mark_text(html, "src-municipality") == "Stockholms stad"
    assert mark_text(html, "src-follow-up-rule") == "Vårt medborgarlöfte kommer följas upp och utvärderas under hösten 2018."
    assert '<a href="#src-c1-target" data-mark="src-c1-target">”minst två riktade insatser”</a>' in html
    signed = html[html.index('id="signed"'):]
    assert signed[signed.index('<p class="source-ref'):].startswith(
        '<p class="source-ref missing">Hittades inte i dokumentet – fyll i eller lämna tomt.')
    source = NORRMALM.read_text(encoding="utf-8")
    pre = html[html.index('<pre class="source-text"'):html.index("</pre>")]
    assert unescape(re.sub(r"<[^>]+>", "", pre)).strip() == source.strip()  # all of it, unchanged
    data = planner.get(f"/planner/drafts/{DRAFT}.json").get_json()
    assert data["source_text"] == source and data["published"] is False
    assert data["spans"]["commitments"][0]["target"] == [source.index("minst två riktade"),
                                                         source.index("minst två riktade") + 26]


def test_source_text_and_fields_are_escaped(planner, planner_app):
    text = NORRMALM.read_text(encoding="utf-8").replace(
        "Medborgarlöfte på Norrmalm", "Medborgarlöfte på Norrmalm <script>alert(1)</script>", 1)
    assert upload(planner, None, text=text).status_code == 200
    html = planner.get(f"/planner/drafts/{DRAFT}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_edit_save_then_publish_shows_the_promise_everywhere(planner, planner_app):
    upload(planner, source_url="https://polisen.se/norrmalm-2018")
    public = planner_app.test_client()
    assert DRAFT not in [p["slug"] for p in public.get("/index.json").get_json()["promises"]]  # cached map built now

    response = save(planner, title="Medborgarlöfte Norrmalm 2018 (granskat)",
                    **{"commitments-0-text": "Genomföra minst två riktade insatser mot narkotika.",
                       "commitments-1-remove": "y"})
    assert response.status_code == 302 and response.location.endswith("?saved=1")
    draft = planner.get(f"/planner/drafts/{DRAFT}.json").get_json()
    assert draft["title"] == "Medborgarlöfte Norrmalm 2018 (granskat)" and draft["version"] == 2
    assert len(draft["commitments"]) == 3 and [c["position"] for c in draft["commitments"]] == [1, 2, 3]
    assert draft["commitments"][0]["text"] == "Genomföra minst två riktade insatser mot narkotika."
    assert len(draft["spans"]["commitments"]) == 3  # the removed commitment's spans went with it
    assert public.get(f"/promise/{DRAFT}").status_code == 404

    response = publish(planner)
    assert response.status_code == 302 and "published=" + DRAFT in response.location
    assert "Publicerat: Medborgarlöfte Norrmalm 2018 (granskat)" in planner.get(response.location).get_data(as_text=True)
    assert promises(planner_app)[DRAFT] is True
    assert DRAFT in [p["slug"] for p in public.get("/api/promises").get_json()["promises"]]
    assert DRAFT in [p["slug"] for p in public.get("/index.json").get_json()["promises"]]  # the map, rebuilt
    api = public.get(f"/api/promises/{DRAFT}").get_json()
    assert api["sources"][0]["url"] == "https://polisen.se/norrmalm-2018" and len(api["commitments"]) == 3
    assert "Medborgarlöfte Norrmalm 2018 (granskat)" in public.get(f"/promise/{DRAFT}").get_data(as_text=True)
    assert audit_actions(planner_app, DRAFT) == ["import", "update", "publish"]
    assert planner.get(f"/planner/drafts/{DRAFT}").status_code == 404  # no longer a draft
    assert DRAFT not in [d["slug"] for d in planner.get("/planner/drafts.json").get_json()["drafts"]]


def test_new_commitment_and_areas_are_saved(planner):
    upload(planner)
    response = save(planner, **{"commitments-4-text": "Polisen ska patrullera Sergels torg varje helg.",
                                "commitments-4-title": "Patrullera Sergels torg", "commitments-4-responsible": "polisen",
                                "commitments-4-areas": ["norrmalm"], "commitments-0-areas": []})
    assert response.status_code == 302
    commitments = planner.get(f"/planner/drafts/{DRAFT}.json").get_json()["commitments"]
    assert [c["slug"] for c in commitments][-1] == "patrullera-sergels-torg"
    assert commitments[-1]["areas"] == ["norrmalm"] and commitments[0]["areas"] == []


@pytest.mark.parametrize("changes, field, message", [
    ({"period_end": "2017-12-31"}, "period_end", "Perioden slutar innan den börjar."),
    ({"period_start": "2018-13-01"}, "period_start", "Ogiltigt datum"),
    ({"fu_cadence": "weekly"}, "fu_cadence", "Okänt värde."),
    ({"fu_cadence": "semiannual", "fu_months": ""}, "fu_months", "Fyll i fältet."),
    ({"fu_months": "5, 13"}, "fu_months", "Skriv månadsnummer 1–12"),
    ({"commitments-0-areas": ["atlantis"]}, "commitments-0-areas", "Okänt område."),
    ({"commitments-0-responsible": "kungen"}, "commitments-0-responsible", "Okänt värde."),
    ({"commitments-0-text": " "}, "commitments-0-text", "Fyll i fältet."),
    ({"signed": "2030-01-01"}, "signed", "Datumet ligger i framtiden."),
    ({"parties": ""}, "parties", "Fyll i fältet."),
    ({"municipality_code": "9999"}, "municipality_code", "Okänd kommun."),
])
def test_invalid_edits_rerender_the_form_and_store_nothing(planner, planner_app, changes, field, message):
    upload(planner)
    before = counts(planner_app)
    response = save(planner, **changes)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html[html.index(f'id="{field}-error"'):]
    assert counts(planner_app) == before


def test_pasted_text_needs_a_source_link_before_it_can_be_published(planner, planner_app):
    upload(planner, None, text=NORRMALM.read_text(encoding="utf-8"))
    response = publish(planner)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Utkastet publicerades inte" in html and "Ange en länk till källan." in html
    assert promises(planner_app)[DRAFT] is False
    assert save(planner, source_url="https://polisen.se/norrmalm").status_code == 302
    assert publish(planner).status_code == 302 and promises(planner_app)[DRAFT] is True


def test_stale_save_and_stale_publish_get_409_and_write_nothing(planner, planner_app, admin):
    upload(planner)
    stale = form_fields(planner.get(f"/planner/drafts/{DRAFT}").get_data(as_text=True))
    assert save(admin, title="Admins titel").status_code == 302
    before = counts(planner_app)
    response = planner.post(f"/planner/drafts/{DRAFT}", data={**stale, "title": "Planerarens titel"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Någon annan har sparat först" in html and "Admins titel" in html and "Senast ändrat av admin" in html
    assert 'name="version" type="hidden" value="2"' in html  # sending it again overwrites, knowingly
    assert publish(planner, version="1").status_code == 409
    assert counts(planner_app) == before and promises(planner_app)[DRAFT] is False


def test_drafts_are_never_public(planner, planner_app):
    upload(planner)
    public = planner_app.test_client()
    for path in (f"/promise/{DRAFT}", f"/promise/{DRAFT}.json", f"/api/promises/{DRAFT}",
                 f"/api/promises/{DRAFT}/follow-ups", f"/promise/{DRAFT}/feed.atom"):
        assert public.get(path).status_code == 404, path
    assert DRAFT not in public.get("/api/promises").get_data(as_text=True)
    assert DRAFT not in public.get("/index.json").get_data(as_text=True)
    assert public.get(f"/planner/drafts/{DRAFT}").status_code == 302  # to the sign-in form
    assert public.get(f"/planner/drafts/{DRAFT}.json").status_code == 401
    assert public.get("/planner/drafts.json").status_code == 401


def test_refused_writes_store_nothing(planner, planner_app):
    upload(planner)
    before, drafts = counts(planner_app), promises(planner_app)
    anonymous = planner_app.test_client()
    token = csrf_token(anonymous, "/login")
    for path in ("/planner/import", f"/planner/drafts/{DRAFT}", f"/planner/drafts/{DRAFT}/publish"):
        assert anonymous.post(path, data={"csrf_token": token, "version": "1", "text": "x"}).status_code == 401
        assert planner.post(path, data={"version": "1", "text": "x"}).status_code == 400  # no CSRF token
    with session_factory(planner_app)() as s, s.begin():  # an account of another role (none can be made today)
        from werkzeug.security import generate_password_hash
        s.add(User(username="citizen", password_hash=generate_password_hash(PASSWORD), role="citizen"))
    other = planner_app.test_client()
    assert login(other, "citizen").status_code == 302
    assert other.get("/planner/import").status_code == 403
    token = csrf_token(other, "/logout")
    assert other.post(f"/planner/drafts/{DRAFT}/publish", data={"csrf_token": token, "version": "1"}).status_code == 403
    assert counts(planner_app) == before and promises(planner_app) == drafts


@pytest.mark.parametrize("name, data, message", [
    ("tom.txt", b"", "Filen är tom."),
    ("tom.txt", b"  \n\n ", "Filen är tom."),
    ("skrap.txt", bytes(range(256)) * 10, "Dokumentet kunde inte läsas"),
    ("skrap.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 10, "Dokumentet kunde inte läsas"),
    ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Bara textfiler"),
    ("löfte.docx", b"PK\x03\x04", "Bara textfiler"),
    ("utan-filändelse", "Medborgarlöfte 2018".encode(), "Bara textfiler"),
    ("stor.txt", b"Medborgarl\xc3\xb6fte 2018\n" * 200, "Filen är för stor"),
])
def test_bad_uploads_show_the_error_and_store_nothing(planner, planner_app, name, data, message):
    planner_app.config["MAX_IMPORT_BYTES"] = 4000
    before, drafts = counts(planner_app), promises(planner_app)
    response = upload(planner, name, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="document-error"' in html and message in html and "Traceback" not in html
    assert counts(planner_app) == before and promises(planner_app) == drafts


def test_no_document_or_both_is_a_form_error(planner, planner_app):
    before = counts(planner_app)
    assert "Välj en fil eller klistra in" in upload(planner, None).get_data(as_text=True)
    both = upload(planner, text="Medborgarlöfte 2018")
    assert both.status_code == 400 and "inte båda" in both.get_data(as_text=True)
    assert counts(planner_app) == before


def test_json_twins_and_menu_link(planner):
    upload(planner)
    assert planner.get("/planner/import.json").get_json()["max_bytes"] == 5 * 1024 * 1024
    assert [d["slug"] for d in planner.get("/planner/drafts.json").get_json()["drafts"]] == [DRAFT]
    html = planner.get("/planner").get_data(as_text=True)
    assert '<a href="/planner/import">Importera löfte</a>' in html
    drafts = planner.get("/planner/drafts").get_data(as_text=True)
    assert f'href="/planner/drafts/{DRAFT}"' in drafts


def test_too_large_a_request_is_refused_before_it_is_read(planner, planner_app):
    planner_app.config["MAX_IMPORT_BYTES"] = 4000
    before, drafts = counts(planner_app), promises(planner_app)
    response = upload(planner, "stor.txt", b"x" * (400 * 1024))
    assert response.status_code == 413
    assert counts(planner_app) == before and promises(planner_app) == drafts


def test_overlapping_spans_nest_and_the_text_stays_whole():
    from mapapp.render.source_marks import marks
    nodes, links, quotes = marks("abcdefghij", {"period": [2, 6], "signed": [4, 8], "municipality": [4, 8],
                                                "problem_picture": "junk", "commitments": [{"text": [3, 99]}]})

    def flat(items):
        return "".join(n if isinstance(n, str) else flat(n["children"]) for n in items)
    assert flat(nodes) == "abcdefghij"
    assert links["signed"] == links["municipality_code"] == ["src-municipality"]  # one mark for both
    assert quotes == {"src-period": "cdef", "src-municipality": "efgh", "src-c1-text": "defghij"}
    assert [n["id"] for n in nodes if isinstance(n, dict)] == ["src-period", None]  # split; the id stays on the first piece


@pytest.mark.browser
def test_upload_review_and_publish_in_a_browser(planner_app, live_server):
    from browser import chromium, serious_axe_violations, sign_in
    with chromium(bypass_csp=True) as new_tab:  # so axe-core can be added to the page
        tab = new_tab()
        page = tab.page
        sign_in(page, live_server.url)
        page.get_by_role("link", name="Importera löfte").click()
        page.wait_for_url(re.compile(r"/planner/import$"))
        page.get_by_label("Dokument (text, HTML eller PDF)").set_input_files(
            {"name": "norrmalm.txt", "mimeType": "text/plain", "buffer": NORRMALM.read_bytes()})
        page.get_by_role("button", name="Läs in dokumentet").click()
        page.get_by_role("heading", name="1 utkast sparades").wait_for()
        page.get_by_role("link", name="Granska Medborgarlöfte Norrmalm 2018").click()

        page.wait_for_url(re.compile(f"/planner/drafts/{DRAFT}$"))
        page.locator("#commitments-0-target_count").focus()
        mark = page.locator("mark#src-c1-target")
        assert mark.inner_text() == "minst två riktade insatser" and "is-current" in mark.get_attribute("class")
        tab.screenshot("import-review")
        assert serious_axe_violations(page) == []
        page.get_by_label("Titel").fill("Medborgarlöfte Norrmalm 2018 (granskat)")
        page.get_by_role("button", name="Spara utkastet").click()
        page.wait_for_url(re.compile(r"saved=1"))
        page.get_by_role("button", name="Publicera löftet").click()
        page.wait_for_url(re.compile(r"/planner/drafts\?published="))
        page.get_by_role("link", name="Se löftet som allmänheten ser det").click()
        page.wait_for_url(re.compile(f"/promise/{DRAFT}$"))
        assert page.get_by_role("heading", name=re.compile("Medborgarlöfte Norrmalm 2018 \\(granskat\\)")).is_visible()
        assert tab.external == [] and tab.page_errors == [] and tab.console_errors == []
