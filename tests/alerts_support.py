"""Shared by the alert tests: a local SMTP server (aiosmtpd) that keeps what it is sent, and the app set to use it."""
import email
import re
import socket
from email.policy import default
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from mapapp.store.alert_models import AlertAddress, AlertMessage, AlertSubscription
from mapapp.store.db import session_factory

PUBLIC = "https://lofteskartan.example"
FROM = "Löfteskartan <bevakning@lofteskartan.example>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler: every message accepted, kept with its envelope; some recipients refused if asked."""

    def __init__(self):
        self.envelopes = []
        self.refuse = {}  # recipient -> SMTP answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def mails(self) -> list:
        return [email.message_from_bytes(e.content, policy=default) for e in self.envelopes]

    def take(self) -> list:
        """The mails received since the last take."""
        mails, self.envelopes = self.mails, []
        return mails


class SmtpServer:
    def __init__(self, **options):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def mail_settings(port: int, **extra) -> dict:
    return {"MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": port, "MAIL_SMTP_TLS": "none", "MAIL_FROM": FROM,
            "PUBLIC_URL": PUBLIC, "MAIL_SMTP_TIMEOUT": 5, **extra}


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def alerts_app(app, smtp):
    """The seeded app sending through the local SMTP server."""
    app.config.update(mail_settings(smtp.port))
    return app


def subscribe(client, address="anna@example.se", kind="area", slug="hageby", lang="sv"):
    return client.post("/alerts/subscribe", data={"email": address, "kind": kind, "slug": slug, "lang": lang})


def send(app, *args):
    return app.test_cli_runner().invoke(args=["send-alerts", *args])


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def link(mail, kind: str) -> str:
    """The path of a link in the mail (confirm or unsubscribe), checked to be on the public address."""
    url = re.search(rf"{re.escape(PUBLIC)}/alerts/{kind}/\S+", body(mail)).group(0)
    return urlsplit(url).path


def stored(app) -> dict:
    """What the alert tables hold, for checking that a refused request stored nothing."""
    with session_factory(app)() as s:
        return {"addresses": sorted(s.scalars(select(AlertAddress.email))),
                "subscriptions": s.scalar(select(func.count()).select_from(AlertSubscription)),
                "messages": s.scalar(select(func.count()).select_from(AlertMessage))}


def shift(app, model, column: str, **delta):
    """Move a timestamp column of every row back in time (the clock the tests cannot wait for)."""
    import datetime as dt
    with session_factory(app)() as s, s.begin():
        col = getattr(model, column)
        for row_id, value in s.execute(select(model.id, col)).all():
            if value is not None:
                s.execute(update(model).where(model.id == row_id).values({column: value - dt.timedelta(**delta)}))
