"""Accounts and sessions: sign-in (rate-limited), sign-out, roles, CSRF, and the create-user command."""
import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..http.pagecache import is_cached_read
from ..store.db import get_session
from ..core.errors import MapappError
from .errors import error_answer, wants_json
from .forms import LoginForm, LogoutForm
from ..store import users as user_store

bp = Blueprint("auth", __name__)


class Account(UserMixin):
    """The signed-in person as Flask-Login sees them; built from a plain dict, never an ORM row."""

    def __init__(self, data: dict):
        self.id, self.username, self.role = data["id"], data["username"], data["role"]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_planner(self) -> bool:
        return self.role in user_store.ROLES  # admin includes planner


def require_planner():
    """Refuse anyone who is not a signed-in planner (or admin); usable as a before_request hook."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_planner:
        raise MapappError(_("Du behöver vara planerare för att se det här."), 403)
    return None


def admin_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        refused = require_planner()
        if refused is not None:
            return refused
        if not current_user.is_admin:
            raise MapappError(_("Bara administratörer kan se det här."), 403)
        return view(*args, **kwargs)
    return wrapped


def _unauthorized():
    # A page visit goes to the sign-in form; a write or a JSON request is refused outright.
    if request.method == "GET" and not wants_json():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    raise MapappError(_("Logga in som planerare för att göra det här."), 401)


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in form cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("planner.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    status = 200
    if form.validate_on_submit():
        account = user_store.authenticate(get_session(), form.username.data.strip(), form.password.data)
        if account:
            lang = session.get("lang")
            session.clear()  # nothing from before sign-in carries over
            if lang:
                session["lang"] = lang
            login_user(Account(account))
            return redirect(_safe_next(request.args.get("next")))
        # The same words whether the name or the password was wrong.
        form.form_errors.append(_("Fel användarnamn eller lösenord."))
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST":  # CSRFProtect has already checked the token
        logout_user()
        return redirect(url_for("pages.index"))
    return render_template("auth/logout.html", form=form)


def init_app(app):
    """Sessions, roles, CSRF on every form, the sign-in rate limit and secure cookies."""
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.session_interface = _SessionOverTLS()
    CSRFProtect(app)
    manager = LoginManager(app)
    manager.user_loader(_load_account)
    manager.unauthorized_handler(_unauthorized)
    # One limiter per app, so apps in one process (tests) never share counters or settings.
    # Redis unreachable: each worker counts in its own memory until it is back (weaker, never a 500).
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                      in_memory_fallback_enabled=True)
    app.extensions["mapapp_limiter"] = limiter
    # Reads of reused pages skip the limiter's bookkeeping, as static files do: no limit applies to a GET.
    limiter.request_filter(is_cached_read)
    app.register_blueprint(bp)
    app.view_functions["auth.login"] = limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
        error_message=lambda: _("För många inloggningsförsök. Vänta en stund och försök igen."),
    )(login)

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return error_answer(400, _("Formuläret saknar en giltig säkerhetskod. Ladda om sidan och försök igen."))


class _SessionOverTLS(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, and on every answer to a request that came over TLS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


def _load_account(user_id: str):
    try:
        data = user_store.get_user(get_session(), int(user_id))
    except ValueError:
        return None
    return Account(data) if data else None
