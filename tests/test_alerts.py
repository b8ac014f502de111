"""E-mail alerts: subscribe, confirm by the mailed link, get one mail per published follow-up, unsubscribe in one click.

A local SMTP server (aiosmtpd) receives what `flask send-alerts` sends, and the tests read it.
"""
import re

import pytest

from alerts_support import PUBLIC, alerts_app, body, link, send, smtp, stored, subscribe  # noqa: F401 (fixtures)
from planner_support import csrf_token

pytest_plugins = ["planner_fixtures"]

PROMISE, COMMITMENT = "norrkoping-2023-2024", "est"  # reaches Hageby, Navestad and three more areas
FOLLOW_UP = f"/planner/commitment/{PROMISE}/{COMMITMENT}/follow-up"


def record_follow_up(planner, **fields):
    html = planner.get(FOLLOW_UP).get_data(as_text=True)
    seen = re.search(r'name="seen_latest" type="hidden" value="(\d+)"', html).group(1)
    data = {"csrf_token": csrf_token(planner, FOLLOW_UP), "seen_latest": seen, "date": "2024-11-15",
            "status": "pagar", "note": "EST-gruppen träffas varannan vecka i Hageby.",
            "evidence_title": "EST-lägesbild v. 46", "evidence_url": "https://polisen.se/est-v46", **fields}
    response = planner.post(FOLLOW_UP, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def confirm(client, mail):
    path = link(mail, "confirm")
    page = client.get(path)
    assert page.status_code == 200 and "Bekräfta" in page.get_data(as_text=True)
    done = client.post(path)
    assert done.status_code == 200 and "Bevakningen är bekräftad" in done.get_data(as_text=True)


def test_subscribe_confirm_follow_up_one_mail_and_one_click_unsubscribe(alerts_app, smtp, planner):
    """The issue's journey: subscribe → confirmation mail → confirm → a recorded follow-up → send-alerts →
    one mail with an unsubscribe link that works; an unconfirmed address gets nothing."""
    public = alerts_app.test_client()
    page = public.get("/area/hageby").get_data(as_text=True)
    assert 'action="/alerts/subscribe"' in page and 'name="slug" value="hageby"' in page

    answer = subscribe(public, "anna@example.se")
    assert answer.status_code == 200 and "Kolla din e-post" in answer.get_data(as_text=True)
    assert subscribe(public, "bertil@example.se").status_code == 200  # never confirms
    result = send(alerts_app)
    assert result.exit_code == 0, result.output
    mails = {m["To"]: m for m in smtp.inbox.take()}
    assert sorted(mails) == ["anna@example.se", "bertil@example.se"]
    invite = mails["anna@example.se"]
    assert invite["Subject"] == "Bekräfta din bevakning på Löfteskartan"
    assert f"Hageby (område): {PUBLIC}/area/hageby" in body(invite)
    assert invite["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    confirm(public, invite)

    record_follow_up(planner)
    result = send(alerts_app)
    assert result.exit_code == 0, result.output
    print(result.output.strip())
    raw = smtp.inbox.envelopes[0].content.decode("ascii")
    # As sent: the unsubscribe URL on one plain line (RFC 2369), not RFC 2047-encoded, and no one else addressed.
    assert re.search(rf"\r\nList-Unsubscribe: <{re.escape(PUBLIC)}/alerts/unsubscribe/\S+>\r\n", raw)
    assert smtp.inbox.envelopes[0].rcpt_tos == ["anna@example.se"]
    mails = smtp.inbox.take()
    assert [m["To"] for m in mails] == ["anna@example.se"]  # bertil never confirmed: nothing
    alert = mails[0]
    text = body(alert)
    assert alert["Subject"] == "Ny status, pågår: Brottsförebyggande arbete med EST"
    assert f"{PUBLIC}/promise/{PROMISE}/commitment/{COMMITMENT}" in text
    assert "Status enligt uppföljningen: pågår" in text and "https://polisen.se/est-v46" in text
    assert "Det är den första uppföljningen av åtagandet som registrerats här." in text
    assert f"- Hageby: {PUBLIC}/area/hageby" in text and f"{PUBLIC}/promise/{PROMISE}" in text
    assert "inte publicerad" not in text and "försenad" not in text
    assert alert["Message-ID"].endswith("@lofteskartan.example>")

    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []  # never twice

    # The mail client's one-click POST (RFC 8058) to the List-Unsubscribe address deletes the address.
    target = re.fullmatch(r"<(.+)>", alert["List-Unsubscribe"]).group(1)
    assert target.startswith(PUBLIC + "/alerts/unsubscribe/") and link(alert, "unsubscribe") in target
    done = public.post(target.removeprefix(PUBLIC), data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "din e-postadress är raderad" in done.get_data(as_text=True)
    assert "anna@example.se" not in stored(alerts_app)["addresses"]

    record_follow_up(planner, status="genomford", date="2024-12-01")
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []  # unsubscribed: nothing more


def test_a_status_change_and_a_correction_say_what_changed(alerts_app, smtp, planner):
    public = alerts_app.test_client()
    subscribe(public, "olle@example.se", "promise", PROMISE)
    send(alerts_app)
    confirm(public, smtp.inbox.take()[0])
    record_follow_up(planner)
    record_follow_up(planner, status="genomford", date="2024-12-01", note="Arbetet är klart.")
    record_follow_up(planner, status="pagar", date="2024-10-01", note="En äldre rapport.")
    send(alerts_app)
    first, changed, older = smtp.inbox.take()
    assert changed["Subject"] == "Ny status, genomförd: Brottsförebyggande arbete med EST"
    assert "Åtagandets status har ändrats: pågår → genomförd." in body(changed)
    # An entry dated before the newest does not change what the commitment's status is.
    assert older["Subject"] == "Ny uppföljning: Brottsförebyggande arbete med EST"
    assert "Åtagandets status är oförändrad: genomförd." in body(older)


def test_one_mail_per_event_for_an_address_following_the_area_and_the_promise(alerts_app, smtp, planner):
    public = alerts_app.test_client()
    subscribe(public, "cecilia@example.se", "area", "hageby")
    subscribe(public, "cecilia@example.se", "promise", PROMISE)
    send(alerts_app)
    invites = smtp.inbox.take()
    assert len(invites) == 1  # both in one confirmation mail
    assert "Hageby (område)" in body(invites[0]) and "(medborgarlöfte)" in body(invites[0])
    confirm(public, invites[0])
    record_follow_up(planner)
    send(alerts_app)
    mails = smtp.inbox.take()
    assert len(mails) == 1
    assert "du bevakar: Hageby (område), Medborgarlöfte" in " ".join(body(mails[0]).split())


def test_an_unconfirmed_address_gets_nothing_and_is_deleted_when_its_link_expires(alerts_app, smtp, planner):
    from alerts_support import shift
    from mapapp.store.alert_models import AlertSubscription
    public = alerts_app.test_client()
    subscribe(public, "david@example.se")
    send(alerts_app)
    invite = smtp.inbox.take()[0]
    record_follow_up(planner)
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []
    assert stored(alerts_app)["addresses"] == ["david@example.se"]

    shift(alerts_app, AlertSubscription, "confirm_sent_at", hours=49)  # the link has expired
    result = send(alerts_app)
    assert "deleted 1 unconfirmed address(es)" in result.output
    assert stored(alerts_app) == {"addresses": [], "subscriptions": 0, "messages": 0}
    answer = public.get(link(invite, "confirm"))
    assert answer.status_code == 400  # the link is past its age, and the address is gone anyway


def test_english_subscriber_gets_english_mail_with_swedish_content_marked(alerts_app, smtp, planner):
    public = alerts_app.test_client()
    subscribe(public, "eve@example.se", lang="en")
    send(alerts_app)
    invite = smtp.inbox.take()[0]
    assert invite["Subject"] == "Confirm your alert on Löfteskartan" and invite["Content-Language"] == "en"
    assert "Hageby (area)" in body(invite)
    confirm(public, invite)
    record_follow_up(planner)
    send(alerts_app)
    text = body(smtp.inbox.take()[0])
    assert "Status according to the follow-up: in progress" in text
    assert "quoted in Swedish" in text and "EST-gruppen träffas" in text


def test_a_published_promise_reaches_the_areas_followers(alerts_app, smtp, planner):
    from pathlib import Path
    import io
    public = alerts_app.test_client()
    subscribe(public, "fia@example.se", "area", "norrmalm")
    send(alerts_app)
    confirm(public, smtp.inbox.take()[0])
    seed = Path(__file__).parent / "data" / "seeds" / "004_551f9de1e0a2196d.txt"
    form = {"csrf_token": csrf_token(planner, "/planner/import"), "source_url": "https://polisen.se/norrmalm-2018",
            "document": (io.BytesIO(seed.read_bytes()), "norrmalm.txt")}
    assert planner.post("/planner/import", data=form, content_type="multipart/form-data").status_code in (200, 302)
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []  # a draft is not news
    slug = "norrmalm-2018-draft"
    html = planner.get(f"/planner/drafts/{slug}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    published = planner.post(f"/planner/drafts/{slug}/publish",
                             data={"csrf_token": csrf_token(planner, f"/planner/drafts/{slug}"), "version": version})
    assert published.status_code == 302
    send(alerts_app)
    mails = smtp.inbox.take()
    assert len(mails) == 1 and mails[0]["Subject"].startswith("Nytt medborgarlöfte: ")
    text = body(mails[0])
    assert f"{PUBLIC}/promise/{slug}" in text and "https://polisen.se/norrmalm-2018" in text
    assert f"- Norrmalm: {PUBLIC}/area/norrmalm" in text


def test_unsubscribe_page_asks_first_and_a_second_click_is_harmless(alerts_app, smtp):
    public = alerts_app.test_client()
    subscribe(public, "gustav@example.se")
    subscribe(public, "gustav@example.se", "area", "navestad")
    send(alerts_app)
    path = link(smtp.inbox.take()[0], "unsubscribe")
    page = public.get(path)
    assert page.status_code == 200 and "Avsluta alla bevakningar och radera adressen" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert stored(alerts_app)["subscriptions"] == 2  # a visit (or a mail scanner) deletes nothing
    sub_id = re.search(r'name="only" value="(\d+)"', page.get_data(as_text=True)).group(1)
    for broken in ("9" * 5000, "²", "-1"):  # never a 500, and nothing is unsubscribed
        assert public.post(path, data={"only": broken}).status_code == 400
    assert stored(alerts_app)["subscriptions"] == 2
    assert public.post(path, data={"only": sub_id}).status_code == 200
    assert stored(alerts_app)["subscriptions"] == 1 and stored(alerts_app)["addresses"] == ["gustav@example.se"]
    assert public.post(path).status_code == 200
    assert stored(alerts_app) == {"addresses": [], "subscriptions": 0, "messages": 0}
    again = public.post(path)
    assert again.status_code == 200 and "inga fler mejl" in again.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/alerts/confirm/{t}", "/alerts/unsubscribe/{t}"])
def test_forged_and_expired_links_are_a_400_with_a_message(alerts_app, smtp, monkeypatch, path):
    public = alerts_app.test_client()
    for token in ("nonsense", "eyJrIjoiYWJjIn0.forged.signature", "x" * 2000):
        answer = public.get(path.format(t=token))
        assert answer.status_code == 400 and "Länken är inte giltig" in answer.get_data(as_text=True)
        assert public.post(path.format(t=token)).status_code == 400
    subscribe(public, "hanna@example.se")
    send(alerts_app)
    invite = smtp.inbox.take()[0]
    import time
    later = time.time() + 49 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    expired = public.get(link(invite, "confirm"))
    assert expired.status_code == 400 and "Länken har gått ut" in expired.get_data(as_text=True)
    assert public.post(link(invite, "confirm")).status_code == 400
    assert public.get(link(invite, "unsubscribe")).status_code == 200  # unsubscribing never expires


BAD = {
    "not an address": ("inte en adress", "ser inte ut som en e-postadress"),
    "2000 characters": ("a" * 1990 + "@example.se", "högst 254 tecken"),
    "header injection": ("a@b.se\r\nBcc: x@y", "ser inte ut som en e-postadress"),
    "two addresses": ("a@b.se, c@d.se", "ser inte ut som en e-postadress"),
    "empty": ("", "Skriv din e-postadress"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_addresses_are_a_400_with_a_message_and_nothing_is_stored(alerts_app, smtp, case):
    value, message = BAD[case]
    answer = subscribe(alerts_app.test_client(), value)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert stored(alerts_app) == {"addresses": [], "subscriptions": 0, "messages": 0}
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []


@pytest.mark.parametrize("kind,slug,status", [("area", "atlantis", 404), ("promise", "norrmalm-2018-draft", 404),
                                              ("camera", "hageby", 400), ("area", "x" * 2000, 404)])
def test_unknown_targets_are_refused_and_nothing_is_stored(alerts_app, kind, slug, status):
    answer = subscribe(alerts_app.test_client(), "ida@example.se", kind, slug)
    assert answer.status_code == status and "<h1>" in answer.get_data(as_text=True)
    assert stored(alerts_app)["addresses"] == []


def test_subscriptions_are_rate_limited_per_client(alerts_app):
    alerts_app.config["ALERT_SUBSCRIBE_RATE_LIMIT"] = "3 per minute"
    public = alerts_app.test_client()
    statuses = [subscribe(public, f"j{n}@example.se").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "För många anmälningar" in subscribe(public, "k@example.se").get_data(as_text=True)
    assert len(stored(alerts_app)["addresses"]) == 3


def test_one_confirmation_mail_an_hour_to_an_address(alerts_app, smtp):
    """Nobody can use the form to flood a stranger's inbox: further requests wait for the hour, in one mail."""
    from alerts_support import shift
    from mapapp.store.alert_models import AlertAddress
    public = alerts_app.test_client()
    subscribe(public, "karin@example.se")
    send(alerts_app)
    assert len(smtp.inbox.take()) == 1
    for slug in ("navestad", "marielund", "klockaretorpet"):
        assert subscribe(public, "Karin@Example.se", "area", slug).status_code == 200
    result = send(alerts_app)
    assert result.exit_code == 0 and smtp.inbox.take() == []
    assert "1 waiting in the outbox" in result.output
    shift(alerts_app, AlertAddress, "confirm_mailed_at", minutes=61)
    send(alerts_app)
    mails = smtp.inbox.take()
    assert len(mails) == 1
    assert all(name in body(mails[0]) for name in ("Navestad", "Marielund", "Klockaretorpet"))


def test_alerts_are_off_without_an_smtp_server(app):
    public = app.test_client()
    assert 'action="/alerts/subscribe"' not in public.get("/area/hageby").get_data(as_text=True)
    assert subscribe(public).status_code == 404
    result = send(app)
    assert result.exit_code == 2 and "MAIL_SMTP_HOST is not set" in result.output


def test_asking_again_for_what_an_address_follows_sends_nothing_and_says_nothing_more(alerts_app, smtp):
    public = alerts_app.test_client()
    subscribe(public, "lena@example.se", "promise", PROMISE)
    send(alerts_app)
    confirm(public, smtp.inbox.take()[0])
    again = subscribe(public, "lena@example.se", "promise", PROMISE)
    fresh = subscribe(public, "mats@example.se", "promise", PROMISE)
    # The same answer for a followed address as for a new one: the form tells nobody what an address follows.
    assert again.status_code == fresh.status_code == 200
    assert again.get_data(as_text=True) == fresh.get_data(as_text=True)
    send(alerts_app)
    assert [m["To"] for m in smtp.inbox.take()] == ["mats@example.se"]
    promise_page = public.get(f"/promise/{PROMISE}").get_data(as_text=True)
    assert 'name="kind" value="promise"' in promise_page and "Få ett mejl när en uppföljning av löftet" in promise_page
