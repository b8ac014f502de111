"""The phones' rate limits through the app's own limiter: counted per phone (its signed cookie) and per
address, per app instance with the default memory:// storage, and shared by every app server once
RATELIMIT_STORAGE_URI points them at one Redis (a real redis-server on a free loopback port)."""
import shutil
import socket
import subprocess
import time

import pytest

from conftest import make_app
from dialogue_support import EST, Phone, open_session, save_presentation

pytest_plugins = ["planner_fixtures"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(server):
        pytest.skip("redis-server is not installed (scripts/test.sh installs it)")
    import redis
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def _across(first, second, code) -> list:
    """One phone sends two answers to the first server, then a third to the second (a load balancer)."""
    phone = Phone(first, code)
    answers = [phone.choose("hageby"), phone.answer("hageby", {EST: 1})]
    other = Phone(second, code)
    other.client.set_cookie("session", phone.client.get_cookie("session").value, domain="localhost")
    answers.append(other.client.post(f"/d/{code}", data={"csrf_token": phone.token, "area": "hageby",
                                                          f"rate:{EST}": "2"}))
    return answers


def _setup(storage, tmp_path):
    # The limiter reads its storage when the app is made: two fresh apps on the test's database and accounts
    # (planner_app made them).
    first = make_app(tmp_path, RATELIMIT_STORAGE_URI=storage, DIALOGUE_ANSWER_RATE_LIMIT="2 per minute",
                     AUTO_SEED=False, PUBLIC_URL="http://rummet.example")
    save_presentation(first)
    client = first.test_client()
    from planner_support import login
    assert login(client).status_code == 302
    code = open_session(client)
    second = make_app(tmp_path, RATELIMIT_STORAGE_URI=storage, DIALOGUE_ANSWER_RATE_LIMIT="2 per minute",
                      AUTO_SEED=False)
    return first, second, code


def test_memory_limits_are_per_app_instance(planner_app, tmp_path):
    first, second, code = _setup("memory://", tmp_path)
    assert [a.status_code for a in _across(first, second, code)] == [302, 302, 302]  # each counts its own
    phone = Phone(first, code)
    phone.choose("hageby")
    phone.answer("hageby", {EST: 3})
    assert phone.answer("hageby", {EST: 4}).status_code == 429


def test_redis_limits_are_shared_by_every_app_server(planner_app, tmp_path, redis_url):
    first, second, code = _setup(redis_url, tmp_path)
    answers = _across(first, second, code)
    assert [a.status_code for a in answers] == [302, 302, 429]  # the second server knows the phone's two answers
    assert "För många svar på kort tid" in answers[-1].get_data(as_text=True)
