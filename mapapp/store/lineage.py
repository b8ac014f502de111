"""A commitment's place in its area's history, set by a planner: which earlier commitment it continues or
changes, or that it is new, or that it was dropped after its period. Audited like every write."""
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..core.errors import MapappError, NotFound
from ..domain import vocab
from . import audit
from .models import Commitment, Promise

NEEDS_PREDECESSOR = ("continued", "changed")


def _commitment(session: Session, key: str) -> Commitment:
    promise_slug, _, slug = key.partition("/")
    c = session.scalar(select(Commitment).join(Promise).options(selectinload(Commitment.promise))
                       .where(Promise.slug == promise_slug, Commitment.slug == slug))
    if c is None:
        raise NotFound(f"Det finns inget åtagande '{key}'.")
    return c


def _snapshot(c: Commitment, keys: dict) -> dict:
    before = keys.get(c.predecessor_id)
    return {"relation": c.lineage, "predecessor": before, "note": c.lineage_note}


def candidates(session: Session, key: str) -> list[dict]:
    """Commitments of earlier promises of the same municipality: what a commitment may continue."""
    c = _commitment(session, key)
    rows = session.scalars(select(Commitment).join(Promise).options(selectinload(Commitment.promise))
                           .where(Promise.municipality_code == c.promise.municipality_code,
                                  Promise.period_start < c.promise.period_start)
                           .order_by(Promise.period_start.desc(), Commitment.position)).all()
    return [{"key": f"{r.promise.slug}/{r.slug}", "title": r.title, "promise_title": r.promise.title}
            for r in rows]


def set_lineage(session: Session, key: str, relation: str | None, predecessor: str | None, note: str | None,
                username: str, keys: dict) -> dict:
    """Record (or clear, with relation None) the commitment's link to the previous period; audited."""
    c = _commitment(session, key)
    if relation is not None and relation not in vocab.LINEAGE:
        raise MapappError("Okänd relation till förra perioden.")
    if relation in NEEDS_PREDECESSOR and not predecessor:
        raise MapappError("Välj vilket åtagande från förra perioden det här fortsätter eller ändrar.")
    if relation not in NEEDS_PREDECESSOR and predecessor:
        raise MapappError("Bara ett åtagande som fortsätter eller ändrar ett tidigare har en föregångare.")
    earlier = None
    if predecessor:
        if predecessor not in {x["key"] for x in candidates(session, key)}:
            raise MapappError("Föregångaren måste vara ett åtagande i ett tidigare löfte i samma kommun.")
        earlier = _commitment(session, predecessor)
    before = _snapshot(c, keys)
    with audit.write(session):
        c.lineage, c.predecessor_id = relation, earlier.id if earlier else None
        c.lineage_note = (note or "").strip() or None if relation else None
        session.flush()
        after = _snapshot(c, keys)
        audit.record(session, username, "lineage", "commitment", key, before, after)
    return after
