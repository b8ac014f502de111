"""Request bodies: one app-wide cap; larger ones only on upload routes and only for signed-in planners.

A body over the cap is refused from its Content-Length, before a single byte of it is read or parsed.
"""
import io
import re
from pathlib import Path

import pytest

from test_follow_ups import PDF, form_data, post

pytest_plugins = ["planner_fixtures"]

MB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """A request body that is never really sent: it counts what the app reads of it."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self):
        return True

    def seekable(self):  # the test client measures the body by seeking to its end and back
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"x" * n
        self.position += n
        self.read_bytes += n
        return n


def send(client, path, size):
    body = CountingBody(size)
    answer = client.post(path, input_stream=body,
                         content_type="multipart/form-data; boundary=----lofteskartan")
    return answer, body.read_bytes


def post_routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            # Any value will do: the body is refused before the route's view, or its converter, matters.
            out.append(re.sub(r"<int:[^>]+>", "1", re.sub(r"<(?!int:)[^>]+>", "x", rule.rule)))
    assert out and all("<" not in path for path in out), out
    return sorted(set(out))


def test_an_anonymous_50_mb_post_to_any_route_is_refused_unread(planner_app):
    client = planner_app.test_client()
    for path in post_routes(planner_app):
        answer, read = send(client, path, 50 * MB)
        assert answer.status_code in (401, 413), (path, answer.status_code)
        assert read == 0, (path, read)


def test_a_planner_gets_the_app_wide_cap_except_on_upload_routes(planner, planner_app):
    limit = planner_app.config["MAX_CONTENT_LENGTH"]
    for path in ("/planner/presentations/new", "/planner/camera-sites/new", "/login", "/logout",
                 "/planner/promise/norrkoping-2023-2024", "/planner/areas/import/confirm"):
        answer, read = send(planner, path, limit + 1)
        assert (answer.status_code, read) == (413, 0), path
    # The follow-up form takes an evidence file of up to MAX_EVIDENCE_BYTES (5 MB), larger than the cap.
    pdf = PDF + b"%" * (2 * MB)
    answer = post(planner, form_data(planner, status="pagar", evidence_file=(io.BytesIO(pdf), "stor.pdf")))
    assert answer.status_code == 302, answer.status_code


def test_one_mechanism_sets_the_body_caps():
    package = Path(__file__).resolve().parent.parent / "mapapp"
    setters = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                     if "max_content_length =" in p.read_text(encoding="utf-8"))
    assert setters == ["web/bodies.py"]
