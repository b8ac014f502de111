"""The data version: a counter bumped on every write, read to know when cached maps are stale."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DataVersion, _now


def bump_version(session: Session):
    row = session.get(DataVersion, 1)
    if row is None:
        row = DataVersion(id=1, counter=0)
        session.add(row)
    row.counter = (row.counter or 0) + 1
    row.changed_at = _now()


def current_version(session: Session) -> int:
    return session.scalar(select(DataVersion.counter).where(DataVersion.id == 1)) or 0


def version_of(engine) -> int:
    """The data version read straight from the engine (no ORM session): checked on every cached page."""
    with engine.connect() as conn:
        return conn.execute(select(DataVersion.counter).where(DataVersion.id == 1)).scalar() or 0
