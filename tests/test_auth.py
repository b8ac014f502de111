"""Accounts, sign-in and sign-out, roles, CSRF and rate limits; no write without a signed-in planner."""
import io
import os
import shutil

import pytest
from sqlalchemy import select

from conftest import make_app
from mapapp.store.db import session_factory
from mapapp.store.models import User
from planner_support import PASSWORD, add_user, counts, csrf_token, login

pytest_plugins = ["planner_fixtures"]  # its fixtures: planner_app, planner, admin, fresh_accounts
pytestmark = pytest.mark.usefixtures("fresh_accounts")

PDF = b"%PDF-1.4\n%%EOF\n"


# --- create-user -----------------------------------------------------------------------------

def test_create_user_from_stdin_stores_only_a_hash(app, runner):
    result = runner.invoke(args=["create-user", "anna", "--role", "planner", "--password-stdin"],
                           input="ett långt lösenord\n")
    assert result.exit_code == 0, result.output
    assert "created planner 'anna'" in result.output
    with app.app_context(), session_factory(app)() as s:
        user = s.scalar(select(User).where(User.username == "anna"))
    assert user.role == "planner" and "ett långt lösenord" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    client = app.test_client()
    assert login(client, "anna", "ett långt lösenord").status_code == 302


def test_create_user_prompts_twice(runner):
    result = runner.invoke(args=["create-user", "bo", "--role", "admin"], input="hemligt-lösen\nhemligt-lösen\n")
    assert result.exit_code == 0, result.output
    mismatch = runner.invoke(args=["create-user", "cia", "--role", "admin"], input="hemligt-lösen\nannat-lösen\n")
    assert mismatch.exit_code != 0 and "do not match" in mismatch.output


@pytest.mark.parametrize("args, stdin, message", [
    (["create-user", "x1", "--role", "boss", "--password-stdin"], "ett långt lösenord\n", "'boss' is not one of"),
    (["create-user", "x2", "--role", "planner", "--password-stdin"], "\n", "The password is empty"),
    (["create-user", "x3", "--role", "planner", "--password-stdin"], "kort\n", "too short"),
    (["create-user", "x 4", "--role", "planner", "--password-stdin"], "ett långt lösenord\n", "Username must be"),
    (["create-user", "x5", "--password-stdin"], "ett långt lösenord\n", "Missing option '--role'"),
])
def test_create_user_refuses_bad_input(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0 and message in result.output
    with app.app_context(), session_factory(app)() as s:
        assert s.scalar(select(User.id).where(User.username == args[1])) is None


def test_create_user_refuses_a_duplicate(runner):
    args = ["create-user", "dora", "--role", "planner", "--password-stdin"]
    assert runner.invoke(args=args, input="ett långt lösenord\n").exit_code == 0
    again = runner.invoke(args=["create-user", "DORA", "--role", "admin", "--password-stdin"],
                          input="ett långt lösenord\n")
    assert again.exit_code == 1 and "already exists" in again.output


# --- sign-in and sign-out ------------------------------------------------------------------

def test_sign_in_and_out(planner_app):
    client = planner_app.test_client()
    assert client.get("/planner").headers["Location"].startswith("/login?next=/planner")
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/planner"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/planner").get_data(as_text=True)
    assert "Logga ut planner" in page
    # GET only shows the sign-out button; signing out is a POST with the CSRF token.
    assert client.get("/logout").status_code == 200 and client.get("/planner").status_code == 200
    assert client.post("/logout").status_code == 400
    assert client.get("/planner").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")}).status_code == 302
    assert client.get("/planner").status_code == 302


def test_a_failed_sign_in_does_not_say_whether_the_user_exists(planner_app):
    client = planner_app.test_client()
    wrong_password = login(client, "planner", "fel lösenord här")
    no_such_user = login(client, "ingen-sadan", "fel lösenord här")
    assert wrong_password.status_code == no_such_user.status_code == 401
    for response in (wrong_password, no_such_user):
        html = response.get_data(as_text=True)
        assert "Fel användarnamn eller lösenord." in html
        assert "finns inte" not in html
    assert client.get("/planner").status_code == 302


def test_sign_in_goes_only_to_local_pages(planner_app):
    def sign_in(target):
        client = planner_app.test_client()  # signing in starts a fresh session, so one client each
        data = {"csrf_token": csrf_token(client), "username": "planner", "password": PASSWORD}
        return client.post("/login?next=" + target, data=data).headers["Location"]
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert sign_in(target) == "/planner"
    assert sign_in("/planner/overdue") == "/planner/overdue"


def another_app(tmp_path, seeded_template, **config):
    """A second app on its own copy of the database, for settings fixed when the app is made."""
    folder = tmp_path / "another"
    folder.mkdir()
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        shutil.copy(seeded_template, folder / "test.sqlite")
    return make_app(folder, **config)


def test_sign_in_is_rate_limited(tmp_path, seeded_template):
    app = another_app(tmp_path, seeded_template, LOGIN_RATE_LIMIT="3 per minute")
    add_user(app, "planner")
    client = app.test_client()
    token = csrf_token(client)
    statuses = [client.post("/login", data={"csrf_token": token, "username": "planner", "password": "fel"}).status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = client.post("/login", data={"csrf_token": token, "username": "planner", "password": PASSWORD})
    assert limited.status_code == 429 and "För många inloggningsförsök" in limited.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # the form itself stays reachable
    app.extensions["mapapp_engine"].dispose()


def test_secure_cookie_behind_https(tmp_path, seeded_template):
    app = another_app(tmp_path, seeded_template, PREFERRED_URL_SCHEME="https")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")  # the session cookie carrying the CSRF token
    assert "Secure" in next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    app.extensions["mapapp_engine"].dispose()


def test_a_sign_in_without_csrf_token_is_refused(planner_app):
    response = planner_app.test_client().post("/login", data={"username": "planner", "password": PASSWORD})
    assert response.status_code == 400


def test_roles(planner, admin):
    assert planner.get("/admin/audit").status_code == 403
    assert planner.get("/admin/audit.json").status_code == 403
    assert admin.get("/admin/audit").status_code == 200
    assert admin.get("/planner").status_code == 200  # admin includes planner


def test_anonymous_json_twins_answer_401(planner_app):
    client = planner_app.test_client()
    for path in ("/planner.json", "/planner/overdue.json", "/planner/est.json", "/admin/audit.json",
                 "/planner/camera-sites.json", "/planner/promise/norrmalm-2018.json"):
        response = client.get(path)
        assert response.status_code == 401 and response.get_json()["error"]["status"] == 401


# --- every write route refuses anonymous and CSRF-less posts --------------------------------

WRITES = {
    "follow-up": ("/planner/commitment/norrkoping-2023-2024/est/follow-up",
                  {"date": "2024-11-15", "status": "pagar", "note": "x", "evidence_title": "EST v. 1",
                   "seen_latest": "0"}),
    "new camera site": ("/planner/camera-sites/new",
                        {"slug": "ny-plats", "name": "Ny", "municipality_code": "0180", "precision": "site",
                         "lon": "18.06", "lat": "59.33", "status": "active", "description": "d",
                         "source_url": "https://polisen.se/", "source_title": "t"}),
    "edit camera site": ("/planner/camera-sites/sergels-torg-2018",
                         {"name": "Ändrad", "municipality_code": "0180", "precision": "site", "lon": "18.06",
                          "lat": "59.33", "status": "ended", "description": "d", "source_url": "https://polisen.se/",
                          "source_title": "t", "version": "1"}),
    "edit promise": ("/planner/promise/norrmalm-2018",
                     {"title": "Ändrad", "parties": "Polisen", "follow_up_text": "x", "version": "1"}),
}


@pytest.mark.parametrize("route", WRITES, ids=list(WRITES))
def test_anonymous_or_csrf_less_posts_write_nothing(planner_app, planner, route):
    path, data = WRITES[route]
    before = counts(planner_app)
    anonymous = planner_app.test_client()
    assert anonymous.post(path, data=data).status_code == 400  # no CSRF token
    token = csrf_token(anonymous)  # a valid token for the anonymous session
    refused = anonymous.post(path, data={**data, "csrf_token": token})
    assert refused.status_code == 401
    assert planner.post(path, data=data).status_code == 400  # signed in, but no CSRF token
    forged = planner.post(path, data={**data, "csrf_token": token})  # someone else's token
    assert forged.status_code == 400
    assert counts(planner_app) == before


def test_anonymous_upload_stores_no_file(planner_app):
    path, data = WRITES["follow-up"]
    anonymous = planner_app.test_client()
    token = csrf_token(anonymous)
    before = counts(planner_app)
    response = anonymous.post(path, data={**data, "csrf_token": token, "evidence_file": (io.BytesIO(PDF), "a.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code == 401 and counts(planner_app) == before
