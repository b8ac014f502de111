"""Behind a reverse proxy: X-Forwarded-* trusted only from PROXY_FIX_HOPS proxies; HSTS and Secure cookies over TLS."""
import pytest

from conftest import make_app
from planner_support import csrf_token

TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "lofteskartan.example", "X-Forwarded-Port": "443"}


@pytest.fixture
def proxied(tmp_path, seeded_template):
    import os
    import shutil
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path, PROXY_FIX_HOPS=1, LOGIN_RATE_LIMIT="2 per minute")
    yield app
    app.extensions["mapapp_engine"].dispose()


def _attempts(client, addresses) -> list[int]:
    token = csrf_token(client)
    return [client.post("/login", headers={"X-Forwarded-For": addr},
                        data={"csrf_token": token, "username": "nobody", "password": "wrong"}).status_code
            for addr in addresses]


def test_without_hops_forwarded_headers_are_ignored(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    answer = client.get("/login", headers={**TLS, "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" not in answer.headers
    assert "Secure" not in answer.headers.get("Set-Cookie", "")
    # A client cannot buy itself a fresh rate-limit budget by naming another address.
    assert _attempts(client, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [401, 401, 429]


def test_behind_one_proxy_tls_gives_hsts_secure_cookies_and_https_links(proxied):
    client = proxied.test_client()
    answer = client.get("/login", headers=TLS)
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    cookie = answer.headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie
    plain = proxied.test_client().get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers and "; Secure" not in plain.headers["Set-Cookie"]
    redirect = client.get("/planner", headers=TLS)
    assert redirect.status_code == 302 and redirect.headers["Location"].startswith("/login")


def test_behind_one_proxy_the_client_address_is_the_one_the_proxy_saw(proxied):
    client = proxied.test_client()
    # Each address has its own budget of two; a spoofed entry before the proxy's own is not believed.
    assert _attempts(client, ["198.51.100.1", "198.51.100.2", "198.51.100.1", "198.51.100.1"]) == [401, 401, 401, 429]
    assert _attempts(client, ["10.9.9.9, 198.51.100.2", "10.9.9.8, 198.51.100.2"]) == [401, 429]


def test_with_the_shared_limit_store_down_sign_in_still_works_and_is_limited(tmp_path, seeded_template):
    """Redis unreachable: no 500 on sign-in; each worker counts in its own memory until Redis is back."""
    import os
    import shutil
    from conftest import _free_port
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_free_port()}/0",
                   LOGIN_RATE_LIMIT="2 per minute")
    assert _attempts(app.test_client(), ["-", "-", "-"]) == [401, 401, 429]
    app.extensions["mapapp_engine"].dispose()
