"""Planner test fixtures, loaded with pytest_plugins = ["planner_fixtures"] by the planner test modules."""
import pytest
from sqlalchemy import delete

from mapapp.store.db import session_factory
from mapapp.store.models import AuditEntry, User
from planner_support import add_user, login


@pytest.fixture
def fresh_accounts(app):
    """No accounts or audit entries from an earlier test (a re-seed keeps them, as it should, on PostgreSQL)."""
    with app.app_context(), session_factory(app)() as session, session.begin():
        session.execute(delete(AuditEntry))
        session.execute(delete(User))


@pytest.fixture
def planner_app(app, tmp_path, fresh_accounts):
    """The seeded app with its own evidence folder, a planner 'planner' and an admin 'admin'."""
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    (tmp_path / "evidence").mkdir()
    add_user(app, "planner", "planner")
    add_user(app, "admin", "admin")
    return app


@pytest.fixture
def planner(planner_app):
    """A client signed in as a planner."""
    client = planner_app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture
def admin(planner_app):
    client = planner_app.test_client()
    assert login(client, "admin").status_code == 302
    return client
