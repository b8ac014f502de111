"""Shared by the planner tests: accounts, sign-in with a real CSRF token, and counting what was stored."""
import re
from pathlib import Path

from sqlalchemy import func, select

from mapapp.store.db import session_factory
from mapapp.store.models import AuditEntry, CameraSite, FollowUp, Promise
from mapapp.store import users
from mapapp.store.versions import current_version

PASSWORD = "korrekt-häst-batteri"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def add_user(app, username, role="planner"):
    with app.app_context(), session_factory(app)() as session:
        users.create_user(session, username, PASSWORD, role, by="test")


def csrf_token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return _TOKEN.search(html).group(1)


def login(client, username="planner", password=PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})


def counts(app) -> dict:
    """Rows and files that a refused write must leave exactly as they were."""
    folder = app.config["EVIDENCE_DIR"]
    with app.app_context(), session_factory(app)() as s:
        return {
            "follow_ups": s.scalar(select(func.count()).select_from(FollowUp)),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
            "camera_versions": sorted(s.execute(select(CameraSite.slug, CameraSite.version)).all()),
            "promise_versions": sorted(s.execute(select(Promise.slug, Promise.version)).all()),
            "data_version": current_version(s),
            "files": sorted(p.name for p in Path(folder).glob("*")) if folder else [],
        }
