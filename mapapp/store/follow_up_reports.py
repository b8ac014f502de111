"""Follow-up reports imported against a promise: each proposed entry waits until a planner accepts (perhaps
changed) or rejects it; nothing is recorded before that, and every step is audited."""
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ..core.errors import MapappError, NotFound
from ..domain import vocab
from . import audit
from .follow_ups import append_follow_up, latest_id
from .import_models import FollowUpProposal, ReportImport
from .models import Commitment
from .promises import load_promise

# The reader's statuses (importer.followup: the Swedish labels) as the status vocabulary's keys.
STATUS_KEYS = {label: key for key, label in vocab.STATUSES.items()}
_HANDLED = "Förslaget är redan godtaget eller avvisat av någon annan. Ladda om sidan."
_LOAD = (selectinload(ReportImport.proposals).selectinload(FollowUpProposal.commitment)
         .selectinload(Commitment.follow_ups), selectinload(ReportImport.promise))


def proposal_dict(pr: FollowUpProposal) -> dict:
    c = pr.commitment
    return {"id": pr.id, "position": pr.position, "evidence": pr.evidence, "span": pr.span,
            "status": pr.status, "status_label": vocab.STATUSES.get(pr.status, pr.status),
            "confidence": pr.confidence,
            "commitment": {"key": f"{c.promise.slug}/{c.slug}", "slug": c.slug, "title": c.title, "text": c.text},
            "latest_id": latest_id(c)}


def report_dict(row: ReportImport, with_text: bool = True) -> dict:
    p = row.promise
    out = {"id": row.id, "promise": {"slug": p.slug, "title": p.title, "published": p.published,
                                     "period": {"start": p.period_start, "end": p.period_end}},
           "title": row.title, "source_url": row.source_url, "file_name": row.file_name,
           "period_label": row.period_label, "report_date": row.report_date,
           "covers": {"first": row.covers_first, "last": row.covers_last} if row.covers_first else None,
           "uploaded_by": row.uploaded_by, "uploaded_at": row.uploaded_at,
           "proposals": [proposal_dict(pr) for pr in row.proposals]}
    if with_text:
        out["text"] = row.text
    return out


def store_report(session: Session, promise_slug: str, report: dict, proposals: list[dict], username: str) -> dict:
    """Keep a report and its proposals (from importer.followup.propose_follow_ups) for review; audited."""
    p = load_promise(session, promise_slug, include_drafts=True)
    by_slug = {c.slug: c for c in p.commitments}
    if not proposals or any(pr["commitment"] not in by_slug for pr in proposals):
        raise MapappError("Rapporten gav inga förslag som hör till löftets åtaganden; inget sparades.", 422)
    with audit.write(session, bump=False):  # nothing public changes until a proposal is accepted
        row = ReportImport(promise=p, uploaded_by=username, **report)
        for position, pr in enumerate(proposals, 1):
            row.proposals.append(FollowUpProposal(
                commitment=by_slug[pr["commitment"]], position=position, evidence=pr["evidence"], span=pr["span"],
                status=STATUS_KEYS.get(pr["status"], vocab.DEFAULT_STATUS), confidence=pr["confidence"]))
        session.add(row)
        session.flush()
        audit.record(session, username, "import", "follow_up_report", f"{p.slug}#{row.id}", None,
                     report_dict(row, with_text=False))
    return report_dict(row)


def list_reports(session: Session) -> list[dict]:
    """Every report with proposals still waiting, newest first."""
    rows = session.scalars(select(ReportImport).options(*_LOAD).order_by(ReportImport.id.desc()))
    return [{**report_dict(r, with_text=False), "waiting": len(r.proposals)} for r in rows]


def get_report(session: Session, report_id: int) -> dict:
    row = session.scalar(select(ReportImport).options(*_LOAD).where(ReportImport.id == report_id))
    if row is None:
        raise NotFound("Det finns ingen uppföljningsrapport som väntar på granskning med det numret; "
                       "den kan redan vara färdiggranskad.")
    return report_dict(row)


def waiting(session: Session, report_id: int, proposal_id: int | None = None) -> int:
    """How many proposals of the report (or just this one) still wait for review."""
    query = select(func.count()).select_from(FollowUpProposal).where(FollowUpProposal.report_id == report_id)
    if proposal_id is not None:
        query = query.where(FollowUpProposal.id == proposal_id)
    return session.scalar(query)


def _take(session: Session, report_id: int, proposal_id: int) -> tuple[FollowUpProposal, bool]:
    """Remove a proposal from the queue in the caller's transaction (and its report, if it was the last);
    409 when someone else took it first."""
    pr = session.scalar(select(FollowUpProposal).options(selectinload(FollowUpProposal.commitment))
                        .where(FollowUpProposal.id == proposal_id, FollowUpProposal.report_id == report_id))
    if pr is None:
        raise NotFound("Rapporten har inget sådant förslag; det kan redan vara godtaget eller avvisat.")
    done = session.execute(delete(FollowUpProposal).where(FollowUpProposal.id == proposal_id)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise MapappError(_HANDLED, 409)
    left = session.scalar(select(func.count()).select_from(FollowUpProposal)
                          .where(FollowUpProposal.report_id == report_id))
    if not left:
        session.execute(delete(ReportImport).where(ReportImport.id == report_id)
                        .execution_options(synchronize_session=False))
    return pr, not left


def accept(session: Session, report_id: int, proposal_id: int, fields: dict, username: str, seen_id: int,
           confirmed: bool) -> dict:
    """Record the (perhaps changed) proposal as a follow-up entry, append-only and with the usual conflict
    rules; the proposal leaves the queue in the same transaction. Returns the entry."""
    try:
        pr, _ = _take(session, report_id, proposal_id)
        before = proposal_dict(pr)
        proposed = {"status": pr.status, "note": pr.evidence}
        changed = [k for k, v in proposed.items() if fields[k] != v]
        audit.record(session, username, "accept", "follow_up_proposal", f"{before['commitment']['key']}#p{pr.id}",
                     before, {"status": fields["status"], "changed": changed})
        return append_follow_up(session, pr.commitment.promise.slug, pr.commitment.slug, fields, username, seen_id,
                                confirmed)  # commits the removal, the audit entries and the entry together
    except BaseException:
        session.rollback()
        raise


def reject(session: Session, report_id: int, proposal_id: int, username: str) -> bool:
    """Drop a proposal without recording anything; audited. True when it was the report's last."""
    with audit.write(session, bump=False):
        pr, last = _take(session, report_id, proposal_id)
        before = proposal_dict(pr)
        audit.record(session, username, "reject", "follow_up_proposal", f"{before['commitment']['key']}#p{pr.id}",
                     before, None)
    return last
