"""E-mail alerts for citizens: subscribe (double opt-in), confirm by the mailed link, unsubscribe in one click.

The forms post without a CSRF token: they act on no session (the subscribe form sits on cached public
pages, and a mail client's RFC 8058 one-click POST carries none). What protects a stranger's inbox is
the confirmation link, the per-client rate limit and the one-confirmation-mail-an-hour rule.
"""
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from ..core import tokens
from ..core.bounds import whole_number
from ..core.errors import MapappError, NotFound
from ..domain.alerts import LANGUAGES, BadAddress, check_address
from ..render import mail
from ..store import alerts as alert_store
from ..store.db import get_session

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

ADDRESS_ERRORS = {
    "empty": _l("Skriv din e-postadress."),
    "too_long": _l("E-postadressen får vara högst 254 tecken."),
    "invalid": _l("Det där ser inte ut som en e-postadress. Skriv en adress, som namn@exempel.se."),
}


@bp.after_request
def _no_store(response):
    # The links carry tokens and the pages name an address: never cached, never sent on as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def enabled() -> bool:
    """Alerts are offered only where mail can be sent."""
    return bool(current_app.config["MAIL_SMTP_HOST"])


def _target():
    source = request.form if request.method == "POST" else request.args
    kind, slug = source.get("kind", ""), source.get("slug", "")
    return {"kind": kind, "slug": slug, "name": alert_store.target_name(get_session(), kind, slug)}


@bp.route("/subscribe", methods=["GET", "POST"])
def subscribe():
    """The form (GET, also where a refused address is shown again) and the subscription itself (POST)."""
    if not enabled():
        raise NotFound(gettext("E-postbevakning är inte påslagen på den här webbplatsen."))
    target = _target()
    if request.method == "GET":
        return render_template("alerts/subscribe.html", target=target, email="", error=None)
    raw = request.form.get("email", "")
    language = request.form.get("lang")
    language = language if language in LANGUAGES else str(get_locale() or "sv")
    try:
        email = check_address(raw)
    except BadAddress as err:
        return render_template("alerts/subscribe.html", target=target, email=raw[:254],
                               error=ADDRESS_ERRORS[err.reason]), 400
    alert_store.subscribe(get_session(), email, language, target["kind"], target["slug"])
    return render_template("alerts/subscribed.html", target=target,
                           minutes=current_app.config["ALERT_MAIL_INTERVAL_MINUTES"],
                           hours=current_app.config["ALERT_CONFIRM_HOURS"])


def _read(token: str, purpose: str, max_age: int | None = None):
    try:
        return tokens.read(current_app.config["SECRET_KEY"], purpose, token, max_age)
    except tokens.TokenExpired:
        raise MapappError(gettext("Länken har gått ut: den gäller i %(hours)s timmar. Anmäl bevakningen igen, "
                                  "så får du en ny.", hours=current_app.config["ALERT_CONFIRM_HOURS"])) from None
    except tokens.TokenInvalid:
        raise MapappError(gettext("Länken är inte giltig. Kopiera hela länken från mejlet.")) from None


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """GET shows what the link confirms with a button (a mail scanner's visit confirms nothing); POST confirms."""
    payload = _read(token, mail.CONFIRM, current_app.config["ALERT_CONFIRM_HOURS"] * 3600)
    if not (isinstance(payload, dict) and isinstance(payload.get("k"), str) and isinstance(payload.get("s"), list)
            and all(isinstance(i, int) for i in payload["s"])):
        raise MapappError(gettext("Länken är inte giltig. Kopiera hela länken från mejlet."))
    session = get_session()
    if request.method == "POST":
        subs = alert_store.confirm(session, payload["k"], payload["s"])
    else:
        subs = alert_store.pending(session, payload["k"], payload["s"])
    if not subs:
        raise MapappError(gettext("Bevakningen finns inte längre: den har avslutats, eller länken gick ut och "
                                  "adressen raderades. Anmäl bevakningen igen om du vill."))
    return render_template("alerts/confirm.html", subscriptions=subs, done=request.method == "POST",
                           unsubscribe=mail.unsubscribe_token(payload["k"]))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """GET shows what the address follows with buttons; POST ends all (RFC 8058 one-click) or the one chosen."""
    key = _read(token, mail.UNSUBSCRIBE)
    if not isinstance(key, str):
        raise MapappError(gettext("Länken är inte giltig. Kopiera hela länken från mejlet."))
    session = get_session()
    if request.method == "GET":
        return render_template("alerts/unsubscribe.html", view=alert_store.address_view(session, key), result=None)
    only = request.form.get("only")
    number = whole_number(only) if only is not None else None
    if only is not None and number is None:  # not a subscription id the database could hold
        raise MapappError(gettext("Formuläret är trasigt. Ladda om sidan."))
    result = alert_store.unsubscribe(session, key, number)
    view = None if result["deleted"] else alert_store.address_view(session, key)
    return render_template("alerts/unsubscribe.html", view=view, result=result)


def init_app(app):
    """The blueprint, without CSRF (see above), with the subscription rate limit per client address."""
    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(bp)
    limiter = app.extensions["mapapp_limiter"]
    app.view_functions["alerts.subscribe"] = limiter.limit(
        lambda: current_app.config["ALERT_SUBSCRIBE_RATE_LIMIT"], methods=["POST"],
        error_message=lambda: gettext("För många anmälningar från din adress. Vänta en stund och försök igen."),
    )(subscribe)
