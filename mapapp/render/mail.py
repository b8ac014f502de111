"""Alert mails as messages: plain text in the subscriber's language, every fact with its link, one-click unsubscribe.

Built inside a request context whose base URL is the public address (the command makes one), so every
link in a mail is absolute and reachable.
"""
import re
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, parseaddr
from urllib.parse import urlsplit

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext

from ..core import tokens
from ..domain.alerts import ascii_address
from ..domain.vocab import N_, STATUSES

CONFIRM = "alert-confirm"  # the purposes the links are signed for
UNSUBSCRIBE = "alert-unsubscribe"
KIND_LABELS = {"area": N_("område"), "promise": N_("medborgarlöfte")}


class _Policy(EmailPolicy):
    """SMTP's policy, except that List-Unsubscribe stays one plain line: a long URL without spaces would
    otherwise be RFC 2047-encoded, which no mail client reads as a link (RFC 2369 wants it as it is)."""

    def fold(self, name, value):
        if name.lower() == "list-unsubscribe":
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() == "list-unsubscribe":
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


POLICY = _Policy(linesep="\r\n")  # email.policy.SMTP, with the exception above


def sender_domain(sender: str) -> str | None:
    """The domain of the From address (for Message-IDs), or None if it is not an address."""
    _name, address = parseaddr(sender)
    local, at, domain = address.rpartition("@")
    return domain if at and local and re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", domain) else None


def confirm_token(key: str, ids: list[int]) -> str:
    return tokens.make(current_app.config["SECRET_KEY"], CONFIRM, {"k": key, "s": ids}, timed=True)


def unsubscribe_token(key: str) -> str:
    return tokens.make(current_app.config["SECRET_KEY"], UNSUBSCRIBE, key)


def _web_link(url) -> str | None:
    """An absolute http(s) link, or None: a data file's other schemes stay out of a mail."""
    value = str(url or "").strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() or ord(c) < 32 for c in value):
        return value
    return None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _target_url(kind: str, slug: str) -> str:
    if kind == "area":
        return url_for("pages.area", slug=slug, _external=True)
    return url_for("pages.promise", slug=slug, _external=True)


def _context(message: dict) -> dict:
    subs = [{**s, "url": _target_url(s["kind"], s["slug"]), "kind_label": gettext(KIND_LABELS[s["kind"]])}
            for s in message["subscriptions"]]
    return {"subscriptions": subs, "language": message["address"]["language"],
            "unsubscribe_url": url_for("alerts.unsubscribe", token=unsubscribe_token(message["address"]["key"]),
                                       _external=True),
            "home_url": url_for("pages.index", _external=True)}


def _confirm(message: dict, context: dict) -> tuple[str, str]:
    token = confirm_token(message["address"]["key"], [s["id"] for s in message["subscriptions"]])
    body = render_template("mail/confirm.txt", **context, hours=current_app.config["ALERT_CONFIRM_HOURS"],
                           confirm_url=url_for("alerts.confirm", token=token, _external=True))
    return gettext("Bekräfta din bevakning på Löfteskartan"), body


def _alert(message: dict, context: dict) -> tuple[str, str]:
    facts = message["event"]["facts"]
    promise_slug = facts["promise"]["slug"]
    areas = [{**a, "url": url_for("pages.area", slug=a["slug"], _external=True)} for a in facts["areas"]]
    context = {**context, "facts": facts, "areas": areas,
               "promise_url": url_for("pages.promise", slug=promise_slug, _external=True)}
    if message["event"]["kind"] == "promise":
        sources = [{"title": s["title"], "url": _web_link(s["url"])} for s in facts["promise"]["sources"]]
        body = render_template("mail/alert_promise.txt", **context, sources=sources)
        return gettext("Nytt medborgarlöfte: %(title)s", title=facts["promise"]["title"]), body
    f = facts["follow_up"]
    evidence = _web_link(f["evidence_url"]) or (
        url_for("evidence.evidence_file", follow_up_id=f["id"], _external=True) if f["evidence_file"] else None)
    commitment_url = url_for("pages.commitment", promise_slug=promise_slug, slug=facts["commitment"]["slug"],
                             _external=True)
    body = render_template("mail/alert_follow_up.txt", **context, evidence_url=evidence,
                           commitment_url=commitment_url)
    title = facts["commitment"]["title"]
    if f["correction"]:
        return gettext("Rättad uppföljning: %(title)s", title=title), body
    if facts["status"]["changed"]:
        status = gettext(STATUSES[facts["status"]["after"]])
        return gettext("Ny status, %(status)s: %(title)s", status=status, title=title), body
    return gettext("Ny uppföljning: %(title)s", title=title), body


def compose(message: dict, sender: str) -> EmailMessage:
    """The mail for one outbox message (a claimed one, see store/outbox.claim), ready to send."""
    language = message["address"]["language"]
    with force_locale(language):
        context = _context(message)
        subject, body = (_confirm if message["kind"] == "confirm" else _alert)(message, context)
    mail = EmailMessage(policy=POLICY)
    # A title from the data must not break the header: one line, whatever it holds.
    mail["Subject"] = _one_line(subject)
    mail["From"] = sender
    mail["To"] = ascii_address(message["address"]["email"])
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = f"<{message['token']}@{sender_domain(sender)}>"  # the same on every try
    mail["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"  # RFC 2369, one click by RFC 8058
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    mail.set_content(_tidy(body), cte="quoted-printable")
    mail["Content-Language"] = language  # after set_content, which replaces every Content- header
    return mail


def _tidy(body: str) -> str:
    """No trailing spaces, at most one empty line in a row (template tags leave some)."""
    lines = [line.rstrip() if line != "-- " else line for line in body.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
