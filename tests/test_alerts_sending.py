"""`flask send-alerts`: at-least-once delivery from the outbox, clear failures, a non-zero exit and nothing lost."""
import datetime as dt

import pytest
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from alerts_support import (PUBLIC, SmtpServer, alerts_app, body, free_port, link, mail_settings, send, shift,  # noqa: F401
                            smtp, stored, subscribe)
from mapapp.store import outbox
from mapapp.store.alert_models import AlertEvent, AlertMessage
from mapapp.store.db import session_factory
from mapapp.store.seed import seed_from_dir


def waiting(app) -> int:
    with session_factory(app)() as s:
        return outbox.waiting(s)


def test_smtp_down_exits_non_zero_and_keeps_every_message(alerts_app, smtp):
    public = alerts_app.test_client()
    subscribe(public, "a@example.se")
    subscribe(public, "b@example.se")
    alerts_app.config["MAIL_SMTP_PORT"] = free_port()  # nothing listens there
    result = send(alerts_app)
    print(result.output.strip())
    assert result.exit_code == 1
    assert "could not talk to the SMTP server 127.0.0.1" in result.output
    assert "Nothing was lost: 2 message(s) stay in the outbox for the next run" in result.output
    assert waiting(alerts_app) == 2
    alerts_app.config["MAIL_SMTP_PORT"] = smtp.port  # the server is back
    result = send(alerts_app)
    assert result.exit_code == 0 and len(smtp.inbox.take()) == 2 and waiting(alerts_app) == 0


def test_a_run_that_stops_between_send_and_mark_is_detected_and_resent_with_the_same_message_id(
        alerts_app, smtp, monkeypatch):
    subscribe(alerts_app.test_client(), "c@example.se")

    class Stopped(Exception):
        """The process ends here: after the SMTP server took the mail, before the outbox knew."""

    def killed(*args, **kwargs):
        raise Stopped()
    with monkeypatch.context() as m:
        m.setattr(outbox, "mark_sent", killed)
        assert send(alerts_app).exit_code != 0
    first = smtp.inbox.take()
    assert len(first) == 1 and waiting(alerts_app) == 1  # sent, but not recorded as sent
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []  # its claim holds for a while
    shift(alerts_app, AlertMessage, "claimed_at", minutes=11)
    result = send(alerts_app)
    print(result.output.strip())
    assert result.exit_code == 0 and "a run that stopped before recording it as sent" in result.output
    again = smtp.inbox.take()
    assert len(again) == 1 and again[0]["Message-ID"] == first[0]["Message-ID"]
    assert waiting(alerts_app) == 0 and send(alerts_app).exit_code == 0 and smtp.inbox.take() == []


def test_a_refused_recipient_does_not_hold_up_the_others(alerts_app, smtp):
    smtp.inbox.refuse = {"gone@example.se": "550 5.1.1 No such user", "busy@example.se": "450 4.2.1 Try later"}
    public = alerts_app.test_client()
    for address in ("gone@example.se", "busy@example.se", "fine@example.se"):
        subscribe(public, address)
    result = send(alerts_app)
    print(result.output.strip())
    assert result.exit_code == 1 and "550 5.1.1 No such user; given up" in result.output
    assert "450 4.2.1 Try later; it stays in the outbox" in result.output
    assert [m["To"] for m in smtp.inbox.take()] == ["fine@example.se"]
    assert waiting(alerts_app) == 1  # the busy one; the gone one is given up
    smtp.inbox.refuse = {}
    assert send(alerts_app).exit_code == 0 and [m["To"] for m in smtp.inbox.take()] == ["busy@example.se"]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"lofteskartan", b"hemligt")
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a loopback test server
@pytest.mark.parametrize("password,exit_code", [("hemligt", 0), ("fel", 1)])
def test_the_smtp_login_is_used(app, password, exit_code):
    with SmtpServer(authenticator=_authenticator, auth_required=True, auth_require_tls=False) as server:
        app.config.update(mail_settings(server.port, MAIL_SMTP_USER="lofteskartan", MAIL_SMTP_PASSWORD=password))
        subscribe(app.test_client(), "d@example.se")
        result = send(app)
        assert result.exit_code == exit_code, result.output
        assert len(server.inbox.take()) == (1 if exit_code == 0 else 0)
        if exit_code:
            assert "refused the login of 'lofteskartan'" in result.output and waiting(app) == 1


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_tls_the_server_does_not_speak_is_a_clear_failure(alerts_app, smtp, tls):
    alerts_app.config["MAIL_SMTP_TLS"] = tls
    subscribe(alerts_app.test_client(), "e@example.se")
    result = send(alerts_app)
    print(result.output.strip())
    assert result.exit_code == 1 and f"(TLS: {tls})" in result.output and waiting(alerts_app) == 1
    assert "Traceback" not in result.output and smtp.inbox.take() == []


@pytest.mark.parametrize("setting,value,words", [
    ("MAIL_SMTP_TLS", "maybe", "MAIL_SMTP_TLS must be one of none, starttls, ssl"),
    ("PUBLIC_URL", None, "PUBLIC_URL must be the site's public address"),
    ("MAIL_FROM", "not an address", "MAIL_FROM must be an address"),
    ("MAIL_SMTP_PORT", "25", "MAIL_SMTP_PORT must be a port number"),
])
def test_missing_or_wrong_settings_exit_2_and_send_nothing(alerts_app, smtp, setting, value, words):
    subscribe(alerts_app.test_client(), "f@example.se")
    alerts_app.config[setting] = value
    result = send(alerts_app)
    assert result.exit_code == 2 and words in result.output and "Nothing was sent" in result.output
    assert smtp.inbox.take() == [] and waiting(alerts_app) == 1


def _confirmed(app, smtp, address="g@example.se", **target):
    public = app.test_client()
    subscribe(public, address, **target)
    send(app)
    path = link(smtp.inbox.take()[0], "confirm")
    assert public.post(path).status_code == 200


def test_a_reseed_that_adds_a_follow_up_mails_it_once(alerts_app, smtp, geodata_copy):
    _confirmed(alerts_app, smtp)
    engine = alerts_app.extensions["mapapp_engine"]
    seed_from_dir(engine, geodata_copy, force=True)  # the same files: nothing new, nothing sent
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []
    with open(geodata_copy / "follow_ups.yaml", "a", encoding="utf-8") as f:
        f.write("- commitment: norrkoping-2020-2022/polisiar-synlighet\n  covers: {start: 2021-01, end: 2021-06}\n"
                "  date_label: första halvåret 2021\n  status: pagar\n  note: Fotpatruller i Hageby varje helg.\n"
                "  evidence:\n    kind: parties\n    url: https://example.se/uppfoljning-2021\n"
                "    title: Uppföljning 2021\n")
    seed_from_dir(engine, geodata_copy, force=True)
    assert send(alerts_app).exit_code == 0
    mails = smtp.inbox.take()
    assert len(mails) == 1 and "Fotpatruller i Hageby varje helg." in body(mails[0])
    assert "https://example.se/uppfoljning-2021" in body(mails[0])
    seed_from_dir(engine, geodata_copy, force=True)  # again: already known
    assert send(alerts_app).exit_code == 0 and smtp.inbox.take() == []


def test_fan_out_and_claims_are_idempotent(alerts_app, smtp):
    _confirmed(alerts_app, smtp)
    with session_factory(alerts_app)() as s, s.begin():
        s.add(AlertEvent(kind="promise", promise_slug="norrkoping-2023-2024", area_slugs=["hageby"],
                         facts={"promise": {"slug": "norrkoping-2023-2024", "title": "T", "municipality": "M",
                                            "period": "2023–2024", "parties": [], "commitments": [],
                                            "sources": []}, "areas": []}))
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with session_factory(alerts_app)() as s:
        assert outbox.fan_out(s, now) == 1 and outbox.fan_out(s, now) == 0
        due = outbox.due_messages(s, now, dt.timedelta(hours=1))
        assert len(due) == 1
        assert outbox.claim(s, due[0], now) is not None
        assert outbox.claim(s, due[0], now) is None  # a second run cannot take it
        assert outbox.due_messages(s, now, dt.timedelta(hours=1)) == []


def test_a_title_with_line_breaks_cannot_add_a_header(alerts_app):
    from mapapp.render import mail
    message = {"id": 1, "kind": "alert", "token": "t" * 32, "attempts": 1, "earlier_claim": None,
               "address": {"email": "h@example.se", "language": "sv", "key": "k" * 32},
               "subscriptions": [{"id": 1, "kind": "area", "slug": "hageby", "name": "Hageby"}],
               "event": {"kind": "promise", "facts": {
                   "promise": {"slug": "p", "title": "Löfte\r\nBcc: x@y.se", "municipality": "M", "period": "2024",
                               "parties": ["Polisen"], "commitments": ["Ett"],
                               "sources": [{"url": "javascript:alert(1)", "title": "Källa"}]},
                   "areas": [{"slug": "hageby", "name": "Hageby"}]}}}
    with alerts_app.test_request_context("/", base_url=PUBLIC):
        built = mail.compose(message, alerts_app.config["MAIL_FROM"])
    headers = built.as_bytes().decode("ascii").split("\r\n\r\n")[0]
    assert "\r\nBcc:" not in headers and built["Subject"] == "Nytt medborgarlöfte: Löfte Bcc: x@y.se"
    assert "javascript:" not in body(built) and "- Källa\n" in body(built)


def test_old_events_and_their_mail_are_forgotten(alerts_app, smtp):
    _confirmed(alerts_app, smtp)
    with session_factory(alerts_app)() as s, s.begin():
        s.add(AlertEvent(kind="promise", promise_slug="x", area_slugs=["hageby"], facts={}))
    shift(alerts_app, AlertEvent, "created_at", days=31)
    send(alerts_app)
    with session_factory(alerts_app)() as s:
        assert s.scalars(select(AlertEvent)).all() == []
    assert stored(alerts_app)["addresses"] == ["g@example.se"]
