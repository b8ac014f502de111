"""The audit log: every write records who, when, what, before and after, in the write's transaction."""
import contextlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import AuditEntry
from ..core.jsonable import plain
from .versions import bump_version

ENTITY_TYPES = ("follow_up", "commitment", "camera_site", "promise", "presentation", "area", "user", "dialogue",
                "follow_up_report", "follow_up_proposal")


def record(session: Session, username: str, action: str, entity_type: str, entity_key: str,
           before: dict | None, after: dict | None):
    session.add(AuditEntry(username=username, action=action, entity_type=entity_type,
                           entity_key=entity_key, before=plain(before), after=plain(after)))


@contextlib.contextmanager
def write(session: Session, bump: bool = True):
    """One transaction for a change, its audit entry and the data-version bump; all or nothing."""
    try:
        yield
        if bump:  # in the same transaction, so cached maps rebuild exactly when the change is visible
            bump_version(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _entry_dict(e: AuditEntry) -> dict:
    return {"id": e.id, "at": e.at, "username": e.username, "action": e.action,
            "entity_type": e.entity_type, "entity_key": e.entity_key, "before": e.before, "after": e.after}


def list_entries(session: Session, page: int = 1, per_page: int = 50, entity_type: str | None = None) -> dict:
    """Newest first, a page at a time."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
        count = count.where(AuditEntry.entity_type == entity_type)
    total = session.scalar(count)
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return {"total": total, "page": page, "per_page": per_page, "entries": [_entry_dict(e) for e in rows]}


def latest_for(session: Session, entity_type: str, entity_key: str) -> dict | None:
    """The newest entry about one thing (who changed it last, and when)."""
    e = session.scalar(select(AuditEntry).where(AuditEntry.entity_type == entity_type,
                                                AuditEntry.entity_key == entity_key)
                       .order_by(AuditEntry.id.desc()).limit(1))
    return _entry_dict(e) if e else None


def entries_for(session: Session, entity_type: str, entity_key: str) -> list[dict]:
    rows = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == entity_type,
                                                    AuditEntry.entity_key == entity_key)
                           .order_by(AuditEntry.id))
    return [_entry_dict(e) for e in rows]
