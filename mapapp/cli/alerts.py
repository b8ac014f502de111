"""`flask send-alerts`: the outbox of e-mail alerts, sent through the configured SMTP server (a timer runs it).

Exit 0: every message due was sent (or none was due). Exit 1: the SMTP server could not be reached,
refused the login or the sender, or refused a message; what was not sent stays in the outbox for the
next run. Exit 2: alerts are not configured (MAIL_SMTP_HOST, MAIL_FROM, PUBLIC_URL, …); nothing sent.
"""
import datetime as dt
import sys
from email.utils import parseaddr
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from ..domain.alerts import ascii_address
from ..render import mail
from ..store import alerts as alert_store
from ..store import outbox
from ..store.db import session_factory
from ..store.models import _now
from .smtp import TLS_MODES, Mailer, SmtpDown, SmtpRefused

EXIT_SMTP, EXIT_CONFIG = 1, 2


def config_problems(cfg) -> list[str]:
    """What keeps alerts from being sent, in the words of the settings."""
    problems = []
    if not cfg["MAIL_SMTP_HOST"]:
        problems.append("MAIL_SMTP_HOST is not set (alerts are off)")
    if cfg["MAIL_SMTP_TLS"] not in TLS_MODES:
        problems.append(f"MAIL_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {cfg['MAIL_SMTP_TLS']!r}")
    if not (isinstance(cfg["MAIL_SMTP_PORT"], int) and 0 < cfg["MAIL_SMTP_PORT"] < 65536):
        problems.append(f"MAIL_SMTP_PORT must be a port number, not {cfg['MAIL_SMTP_PORT']!r}")
    if cfg["MAIL_SMTP_USER"] and not cfg["MAIL_SMTP_PASSWORD"]:
        problems.append("MAIL_SMTP_USER is set but MAIL_SMTP_PASSWORD is not")
    if not (cfg["MAIL_FROM"] and mail.sender_domain(cfg["MAIL_FROM"])):
        problems.append(f"MAIL_FROM must be an address such as 'Löfteskartan <bevakning@example.se>', "
                        f"not {cfg['MAIL_FROM']!r}")
    public = urlsplit(cfg["PUBLIC_URL"] or "")
    if public.scheme not in ("http", "https") or not public.netloc:
        problems.append("PUBLIC_URL must be the site's public address (https://…): every link in a mail uses it")
    return problems


@click.command("send-alerts")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="The most messages to send in one run; the rest wait for the next.")
@with_appcontext
def send_alerts_command(limit):
    """Send the alert mails waiting in the outbox; run it every few minutes from a timer.

    Also deletes unconfirmed addresses whose link has expired, and forgets mail older than 30 days.
    Exit 0: all due mail sent. 1: SMTP failure, unsent mail kept for the next run. 2: not configured.

    Example: flask --app mapapp send-alerts
    """
    cfg = current_app.config
    problems = config_problems(cfg)
    if problems:
        click.echo("send-alerts: cannot send: " + "; ".join(problems) + ". Nothing was sent.", err=True)
        sys.exit(EXIT_CONFIG)
    now = _now()
    with session_factory()() as session:
        purged = alert_store.purge_unconfirmed(session, dt.timedelta(hours=cfg["ALERT_CONFIRM_HOURS"]), now)
        outbox.purge_old(session, now)
        queued = outbox.fan_out(session, now)
        due = outbox.due_messages(session, now, dt.timedelta(minutes=cfg["ALERT_MAIL_INTERVAL_MINUTES"]), limit)
        counts, stopped = _send(session, due, cfg)
        left = outbox.waiting(session)
    click.echo(f"send-alerts: {queued} new message(s) queued; sent {counts['sent']} of {len(due)} due"
               f"{_extra(counts)}; {left} waiting in the outbox; deleted {purged['addresses']} unconfirmed "
               f"address(es) and {purged['subscriptions']} expired subscription(s).")
    if stopped:
        click.echo(f"send-alerts: stopped: {stopped.rstrip('.')}. Nothing was lost: {left} message(s) stay in the outbox "
                   "for the next run.", err=True)
    if stopped or counts["refused"] or counts["given_up"]:
        sys.exit(EXIT_SMTP)


def _extra(counts: dict) -> str:
    parts = [f"{counts[k]} {label}" for k, label in (("skipped", "needing no mail"), ("refused", "refused, to retry"),
                                                      ("given_up", "given up")) if counts[k]]
    return f" ({', '.join(parts)})" if parts else ""


def _send(session, due: list[int], cfg) -> tuple[dict, str | None]:
    """Claim, compose, send and mark each message; stop at the first server failure."""
    counts = {"sent": 0, "skipped": 0, "refused": 0, "given_up": 0}
    sender = parseaddr(cfg["MAIL_FROM"])[1]
    mailer = Mailer(cfg["MAIL_SMTP_HOST"], cfg["MAIL_SMTP_PORT"], cfg["MAIL_SMTP_TLS"], cfg["MAIL_SMTP_USER"],
                    cfg["MAIL_SMTP_PASSWORD"], cfg["MAIL_SMTP_TIMEOUT"])
    with mailer, current_app.test_request_context("/", base_url=cfg["PUBLIC_URL"]):
        for message_id in due:
            message = outbox.claim(session, message_id, _now())
            if message is None:
                continue  # another run has it, or it went with its address
            if not message["subscriptions"]:  # confirmed or unsubscribed meanwhile: nothing to say
                outbox.mark_sent(session, message, _now(), note="no mail needed: nothing left to confirm or tell")
                counts["skipped"] += 1
                continue
            if message["earlier_claim"]:
                click.echo(f"send-alerts: message {message_id} was claimed at {message['earlier_claim']:%Y-%m-%d %H:%M} "
                           "UTC by a run that stopped before recording it as sent; sending it again with the same "
                           f"Message-ID <{message['token']}@…>, so a second copy can be recognised.", err=True)
            try:
                mailer.send(mail.compose(message, cfg["MAIL_FROM"]), sender,
                            ascii_address(message["address"]["email"]))
            except SmtpRefused as err:
                gave_up = outbox.release(session, message, str(err), _now(), give_up=err.permanent)
                counts["given_up" if gave_up else "refused"] += 1
                click.echo(f"send-alerts: message {message_id}: {err}"
                           + ("; given up" if gave_up else "; it stays in the outbox"), err=True)
                continue
            except SmtpDown as err:
                outbox.release(session, message, str(err), _now())
                return counts, str(err)
            outbox.mark_sent(session, message, _now())
            counts["sent"] += 1
    return counts, None
