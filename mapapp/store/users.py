"""Planner and admin accounts: creation, look-up and password checks (werkzeug hashes only)."""
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import MapappError
from .models import User
from . import audit

ROLES = ("planner", "admin")
MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")
# Checked when the username is unknown, so a failed sign-in takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def user_dict(u: User) -> dict:
    return {"id": u.id, "username": u.username, "role": u.role, "created_at": u.created_at}


def _find(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def create_user(session: Session, username: str, password: str, role: str, by: str = "cli") -> dict:
    """Add an account; MapappError for a bad name, role or password, or a taken name."""
    if not _USERNAME.match(username or ""):
        raise MapappError("Username must be 2–100 characters: letters, digits, '.', '_', '@' or '-'.")
    if role not in ROLES:
        raise MapappError(f"Role must be one of {', '.join(ROLES)}.")
    if not password or not password.strip():
        raise MapappError("The password is empty.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise MapappError(f"The password is too short: at least {MIN_PASSWORD_LENGTH} characters.")
    if _find(session, username):
        raise MapappError(f"A user named '{username}' already exists.", 409)
    with audit.write(session, bump=False):  # accounts never change a map
        user = User(username=username, password_hash=generate_password_hash(password), role=role)
        session.add(user)
        session.flush()
        audit.record(session, by, "create", "user", username, None, {"username": username, "role": role})
    return user_dict(user)


def authenticate(session: Session, username: str, password: str) -> dict | None:
    """The account if the name and password match, else None (never says which was wrong)."""
    user = _find(session, username or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user_dict(user) if check_password_hash(user.password_hash, password or "") else None


def get_user(session: Session, user_id: int) -> dict | None:
    user = session.get(User, user_id)
    return user_dict(user) if user else None
