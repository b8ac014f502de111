"""Promises, commitments and follow-ups as plain dicts."""
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain import vocab
from ..core.errors import MapappError, NotFound
from .models import Commitment, Promise
from ..domain.schedule import follow_up_schedule
from . import audit
from ..domain.status import count_statuses, current_follow_up, summary_status
from .versions import claim_version

_LOAD = (selectinload(Promise.commitments).selectinload(Commitment.follow_ups),
         selectinload(Promise.commitments).selectinload(Commitment.areas),
         selectinload(Promise.commitments).selectinload(Commitment.camera_sites))


def follow_up_dict(f) -> dict:
    return {
        "id": f.id, "date": f.date, "date_label": f.date_label, "status": f.status,
        "status_label": vocab.STATUSES[f.status], "note": f.note, "basis": f.basis,
        "evidence": {"url": f.evidence_url, "title": f.evidence_title, "file": f.evidence_file,
                     "file_url": f"/evidence/{f.id}" if f.evidence_file else None},
        "recorded_by": f.recorded_by, "recorded_at": f.recorded_at, "supersedes": f.supersedes_id,
    }


def commitment_dict(c: Commitment) -> dict:
    latest = current_follow_up(c.follow_ups)
    status = latest.status if latest else vocab.DEFAULT_STATUS
    history = [follow_up_dict(f) for f in c.follow_ups]
    superseded = {f["supersedes"] for f in history if f["supersedes"]}
    for f in history:
        f["superseded"] = f["id"] in superseded
    return {
        "key": f"{c.promise.slug}/{c.slug}", "slug": c.slug, "promise": c.promise.slug,
        "position": c.position, "title": c.title, "text": c.text, "text_note": c.text_note,
        "note": c.note, "responsible": c.responsible, "responsible_label": vocab.RESPONSIBLE[c.responsible],
        "themes": list(c.themes), "method": c.method, "target": c.target,
        "whole_municipality": c.whole_municipality,
        "areas": [{"slug": a.slug, "name": a.name} for a in c.areas],
        "camera_sites": [s.slug for s in c.camera_sites],
        "status": status, "status_label": vocab.STATUSES[status],
        "status_text": vocab.UNKNOWN_STATUS_TEXT if latest is None else vocab.STATUSES[status],
        "status_date": latest.date if latest else None,
        "status_date_label": (latest.date_label or latest.date.isoformat()) if latest else None,
        "follow_ups": history,
    }


def applies_to(c: Commitment, area) -> bool:
    """A commitment reaches an area if it targets it or the area's whole municipality."""
    if c.whole_municipality:
        return c.promise.municipality_code == area.municipality_code
    return any(a.id == area.id for a in c.areas)


def schedule_for(p: Promise, today: dt.date, commitments=None) -> dict:
    rule = dict(p.follow_up_rule)
    if rule.get("due"):
        rule["due"] = dt.date.fromisoformat(rule["due"])
    reported = [f.date for c in (commitments or p.commitments) for f in c.follow_ups]
    return follow_up_schedule(rule, p.period_start, p.period_end, reported, today)


def promise_summary(p: Promise, today: dt.date) -> dict:
    statuses = [current_follow_up(c.follow_ups) for c in p.commitments]
    counts = count_statuses([s.status if s else vocab.DEFAULT_STATUS for s in statuses])
    area_slugs = sorted({a.slug for c in p.commitments for a in c.areas})
    return {
        "slug": p.slug, "title": p.title,
        "municipality": {"code": p.municipality_code, "name": p.municipality_name},
        "parties": list(p.parties), "period": {"start": p.period_start, "end": p.period_end},
        "signed": p.signed, "published": p.published,
        "status_counts": counts, "summary_status": summary_status(counts),
        "commitment_count": len(p.commitments), "areas": area_slugs,
        "whole_municipality": any(c.whole_municipality for c in p.commitments),
        "schedule": schedule_for(p, today),
    }


def promise_detail(p: Promise, today: dt.date) -> dict:
    out = promise_summary(p, today)
    out.update({
        "problem_picture": p.problem_picture, "dialogue": p.dialogue,
        "follow_up_rule": p.follow_up_rule, "sources": list(p.sources),
        "related_reports": list(p.related_reports), "version": p.version,
        "commitments": [commitment_dict(c) for c in p.commitments],
    })
    return out


def list_promises(session: Session, today: dt.date, include_drafts=False) -> list[dict]:
    query = select(Promise).options(*_LOAD).order_by(Promise.period_end.desc(), Promise.title)
    if not include_drafts:
        query = query.where(Promise.published.is_(True))
    return [promise_summary(p, today) for p in session.scalars(query)]


def load_promise(session: Session, slug: str, include_drafts=False) -> Promise:
    p = session.scalar(select(Promise).options(*_LOAD).where(Promise.slug == slug))
    if p is None or (not p.published and not include_drafts):
        raise NotFound(f"Det finns inget medborgarlöfte med adressen '{slug}'.")
    return p


def get_promise(session: Session, slug: str, today: dt.date, include_drafts=False) -> dict:
    return promise_detail(load_promise(session, slug, include_drafts), today)


def get_commitment(session: Session, promise_slug: str, commitment_slug: str, today: dt.date) -> dict:
    p = load_promise(session, promise_slug)
    for c in p.commitments:
        if c.slug == commitment_slug:
            out = commitment_dict(c)
            out["promise_title"] = p.title
            return out
    raise NotFound(f"Löftet '{promise_slug}' har inget åtagande '{commitment_slug}'.")


def published_promises(session: Session):
    return session.scalars(select(Promise).options(*_LOAD).where(Promise.published.is_(True))
                           .order_by(Promise.period_end.desc(), Promise.title)).all()


def all_promises(session: Session):
    """Every promise, drafts included, newest first (for planners)."""
    return session.scalars(select(Promise).options(*_LOAD).order_by(Promise.period_end.desc(), Promise.title)).all()


def promise_meta(p: Promise) -> dict:
    """The fields a planner edits, with the version the edit form must carry back."""
    return {"slug": p.slug, "title": p.title, "parties": list(p.parties), "signed": p.signed,
            "problem_picture": p.problem_picture, "follow_up_text": p.follow_up_rule.get("text"),
            "version": p.version}


def get_promise_meta(session: Session, slug: str) -> dict:
    return promise_meta(load_promise(session, slug, include_drafts=True))


def update_promise_meta(session: Session, slug: str, changes: dict, expected_version: int, username: str) -> dict:
    """Save metadata if nobody saved since expected_version (409 otherwise); audited, all or nothing."""
    p = load_promise(session, slug, include_drafts=True)
    before = promise_meta(p)
    if before["version"] != expected_version:
        raise MapappError("Löftet har ändrats av någon annan sedan du öppnade formuläret.", 409)
    if all(before[k] == v for k, v in changes.items()):
        return before  # nothing changed: no new version, no audit entry
    values = {k: v for k, v in changes.items() if k != "follow_up_text"}
    values["follow_up_rule"] = {**p.follow_up_rule, "text": changes["follow_up_text"]}
    with audit.write(session):
        claim_version(session, p, expected_version,
                      "Löftet har ändrats av någon annan sedan du öppnade formuläret.", **values)
        audit.record(session, username, "update", "promise", slug, before, promise_meta(p))
    return promise_meta(p)
