"""Recording follow-ups (append-only, corrections supersede) and the planner's view of what is due."""
import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..domain import vocab
from ..core.errors import MapappError, NotFound
from .models import Area, Commitment, FollowUp, Promise
from . import audit, lineage, outbox
from ..domain import knowledge
from ..domain.status import current_follow_up
from .promises import all_promises, commitment_keys, follow_up_dict, load_promise, promise_detail, schedule_of


def _find(session: Session, promise_slug: str, commitment_slug: str) -> Commitment:
    p = load_promise(session, promise_slug, include_drafts=True)
    for c in p.commitments:
        if c.slug == commitment_slug:
            return c
    raise NotFound(f"Löftet '{promise_slug}' har inget åtagande '{commitment_slug}'.")


def latest_id(c: Commitment) -> int:
    """The most recently appended entry (by id, not by date): what a planner must have seen."""
    return max((f.id for f in c.follow_ups), default=0)


def planner_commitment(session: Session, promise_slug: str, commitment_slug: str, today: dt.date) -> dict:
    """A commitment with its history, its promise's period and rule, and its own schedule."""
    c = _find(session, promise_slug, commitment_slug)
    detail = promise_detail(c.promise, today, keys=commitment_keys(session))
    mine = next(d for d in detail["commitments"] if d["slug"] == c.slug)
    schedule = schedule_of(detail, [mine])
    return {**mine, "promise_title": detail["title"], "period": detail["period"], "promise_state": detail["state"],
            "lineage_candidates": lineage.candidates(session, mine["key"]),
            "follow_up_rule": detail["follow_up_rule"], "latest_id": latest_id(c),
            "schedule": {**schedule, "overdue": knowledge.to_do(schedule["due_dates"], today)}}


def newer_entries(session: Session, promise_slug: str, commitment_slug: str, seen_id: int) -> list[dict]:
    """Entries appended after the one the planner saw."""
    c = _find(session, promise_slug, commitment_slug)
    return [follow_up_dict(f) for f in sorted(c.follow_ups, key=lambda f: f.id) if f.id > seen_id]


def append_follow_up(session: Session, promise_slug: str, commitment_slug: str, fields: dict,
                     username: str, seen_id: int, confirmed: bool) -> dict:
    """Append an entry; 409 if another was appended since seen_id and the planner has not confirmed."""
    c = _find(session, promise_slug, commitment_slug)
    if fields["status"] not in vocab.STATUSES:
        raise MapappError("Okänd status.")
    if fields["status"] != vocab.DEFAULT_STATUS and not (
            fields.get("evidence_url") or fields.get("evidence_file") or fields.get("evidence_title")):
        raise MapappError("En annan status än ”ej bedömd” kräver underlag.")
    old = None
    if fields.get("supersedes_id"):
        old = next((f for f in c.follow_ups if f.id == fields["supersedes_id"]), None)
        if old is None:
            raise MapappError(f"Åtagandet har ingen post #{fields['supersedes_id']} att rätta.")
    if latest_id(c) > seen_id and not confirmed:
        raise MapappError("En nyare uppföljning har sparats sedan du öppnade formuläret.", 409)
    key = f"{c.promise.slug}/{c.slug}"
    before = current_follow_up([follow_up_dict(f) for f in c.follow_ups])
    with audit.write(session):
        # Lock the commitment row first (SQLite: the write lock; PostgreSQL: the row), then check again:
        # two saves at the same moment must not both pass the check above.
        session.execute(update(Commitment).where(Commitment.id == c.id).values(id=Commitment.id))
        newest = session.scalar(select(func.max(FollowUp.id)).where(FollowUp.commitment_id == c.id)) or 0
        if newest > seen_id and not confirmed:
            raise MapappError("En nyare uppföljning har sparats sedan du öppnade formuläret.", 409)
        entry = FollowUp(**fields, recorded_by=username)
        c.follow_ups.append(entry)
        session.flush()
        audit.record(session, username, "correct" if old else "append", "follow_up", f"{key}#{entry.id}",
                     follow_up_dict(old) if old else None, {**follow_up_dict(entry), "commitment": key})
        outbox.record_follow_up(session, c, entry, before)  # its alert is published with it, or not at all
    return follow_up_dict(entry)


def evidence_file(session: Session, follow_up_id: int, include_drafts: bool = False) -> str:
    """The stored file name of an entry's uploaded document, or NotFound (also for an unpublished promise)."""
    query = (select(FollowUp.evidence_file).join(Commitment).join(Promise)
             .where(FollowUp.id == follow_up_id))
    if not include_drafts:
        query = query.where(Promise.published.is_(True))
    name = session.scalar(query)
    if not name:
        raise NotFound("Det finns inget uppladdat underlag med det numret.")
    return name


def commitment_rows(session: Session, today: dt.date) -> list[dict]:
    """Every commitment (drafts too) as one dashboard row: status, next due, overdue, areas reached."""
    by_municipality: dict[str, list[str]] = {}
    for code, slug in session.execute(select(Area.municipality_code, Area.slug).order_by(Area.name)):
        by_municipality.setdefault(code, []).append(slug)
    rows = []
    for p in all_promises(session):
        detail = promise_detail(p, today)
        for c, d in zip(p.commitments, detail["commitments"]):
            schedule = schedule_of(detail, [d])
            rows.append({
                "key": d["key"], "slug": c.slug, "title": c.title,
                "promise": {"slug": p.slug, "title": p.title, "parties": list(p.parties), "published": p.published,
                            "municipality": {"code": p.municipality_code, "name": p.municipality_name},
                            "period": detail["period"], "state": detail["state"]},
                "status": d["status"], "status_label": d["status_label"], "status_date": d["status_date"],
                "themes": d["themes"], "method": c.method, "responsible": c.responsible,
                "responsible_label": d["responsible_label"], "whole_municipality": c.whole_municipality,
                "areas": (by_municipality.get(p.municipality_code, []) if c.whole_municipality
                          else [a.slug for a in c.areas]),
                "next_due": schedule["next_due"], "overdue": knowledge.to_do(schedule["due_dates"], today),
                "latest_id": latest_id(c),
            })
    return rows
