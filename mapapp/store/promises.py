"""Promises, commitments and follow-up entries as plain dicts, as known on a date (today, or a year's end)."""
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..core.errors import MapappError, NotFound
from ..domain import knowledge, vocab
from ..domain.periods import PROMISE_STATES, period_label, promise_state
from ..domain.status import count_statuses, current_follow_up, progress, summary_status
from . import audit
from .models import Commitment, Promise
from .versions import claim_version

LOAD = (selectinload(Promise.commitments).selectinload(Commitment.follow_ups),
        selectinload(Promise.commitments).selectinload(Commitment.areas),
        selectinload(Promise.commitments).selectinload(Commitment.camera_sites))
SOURCE_DATA = "källdata"  # recorded_by of the entries that come from the data files


def known_on(f) -> dt.date:
    """When an entry became known: its source's publication, or when a planner recorded it (an unknown
    publication date is estimated by the end of what the entry covers)."""
    if f.recorded_by == SOURCE_DATA:
        return f.published_on or f.covers_last or f.date
    return f.recorded_at.date()


def follow_up_dict(f) -> dict:
    """An entry with what it covers, its evidence and when it became known."""
    from_source = f.recorded_by == SOURCE_DATA
    kind = f.evidence_kind or ("other" if f.status != vocab.DEFAULT_STATUS else None)
    return {
        "id": f.id, "date": f.date, "date_label": f.date_label, "status": f.status,
        "status_label": vocab.STATUSES[f.status], "note": f.note, "basis": f.basis,
        "covers": ({"first": f.covers_first, "last": f.covers_last, "label": period_label(f.covers_first, f.covers_last)}
                   if f.covers_first else None),
        "evidence": {"url": f.evidence_url, "title": f.evidence_title, "file": f.evidence_file,
                     "file_url": f"/evidence/{f.id}" if f.evidence_file else None,
                     "kind": kind, "kind_label": vocab.EVIDENCE_KINDS.get(kind)},
        "published_on": f.published_on, "known_on": known_on(f),
        "known_on_estimated": from_source and f.published_on is None,
        "recorded_by": f.recorded_by, "recorded_at": f.recorded_at, "supersedes": f.supersedes_id,
    }


def _entry_for_schedule(e: dict) -> dict:
    covers = e["covers"] or {}
    return {"id": e["id"], "date": e["date"], "covers_first": covers.get("first"), "covers_last": covers.get("last"),
            "kind": e["evidence"]["kind"], "known_on": e["known_on"]}


def _knowledge(p: Promise, as_of: dt.date) -> tuple[list, list]:
    """The promise's published reports and searches as known on as_of (nothing dated after it)."""
    def span(raw):
        if not raw:
            return None
        return {"first": dt.date.fromisoformat(raw["first"]), "last": dt.date.fromisoformat(raw["last"]),
                "label": raw.get("label")}
    reports = [{**r, "covers": span(r.get("covers"))} for r in p.follow_up_reports or []]
    searches = [{**s, "covers": span(s.get("covers"))} for s in p.follow_up_searches or []]
    reports = [r for r in reports if r["covers"] is None or r["covers"]["last"] <= as_of]
    searches = [s for s in searches if (s["covers"] is None or s["covers"]["last"] <= as_of)]
    return reports, searches


def _lineage(c: Commitment, keys: dict) -> dict | None:
    if not c.lineage:
        return None
    before = keys.get(c.predecessor_id)
    return {"relation": c.lineage, "relation_label": vocab.LINEAGE[c.lineage], "note": c.lineage_note,
            "predecessor": before}


def commitment_dict(c: Commitment, as_of: dt.date | None = None, context: dict | None = None) -> dict:
    """A commitment with its entries known on as_of (all when None), its status and what is known."""
    context = context or {}
    history = [follow_up_dict(f) for f in c.follow_ups]
    if as_of is not None:
        history = [f for f in history if f["known_on"] <= as_of]
    latest = current_follow_up(history)
    status = latest["status"] if latest else vocab.DEFAULT_STATUS
    superseded = {f["supersedes"] for f in history if f["supersedes"]}
    for f in history:
        f["superseded"] = f["id"] in superseded
    details = c.details or {}
    return {
        "key": f"{c.promise.slug}/{c.slug}", "slug": c.slug, "promise": c.promise.slug,
        "position": c.position, "title": c.title, "text": c.text, "text_note": c.text_note,
        "note": c.note, "responsible": c.responsible, "responsible_label": vocab.RESPONSIBLE[c.responsible],
        "themes": list(c.themes), "method": c.method, "target": c.target,
        "whole_municipality": c.whole_municipality,
        "areas": [{"slug": a.slug, "name": a.name} for a in c.areas],
        "areas_note": details.get("areas_note"), "areas_inferred": bool(details.get("areas_inferred")),
        "areas_outside_map": details.get("areas_outside_map") or [], "group": details.get("group"),
        "text_truncated": bool(details.get("text_truncated")),
        "title_en": details.get("title_en"), "text_en": details.get("text_en"),
        "camera_sites": [s.slug for s in c.camera_sites],
        "status": status, "status_label": vocab.STATUSES[status],
        "status_text": vocab.STATUSES[status] if latest else vocab.UNKNOWN_STATUS_TEXTS[unknown_reason(c.slug, context)],
        "status_date": latest["date"] if latest else None,
        "status_date_label": (latest["date_label"] or latest["date"].isoformat()) if latest else None,
        "status_basis": latest["evidence"]["kind"] if latest else None,
        "lineage": _lineage(c, context.get("keys", {})),
        "follow_ups": history,
    }


def unknown_reason(slug: str, context: dict) -> str:
    """Why a commitment has no entry, in the words a source supports."""
    reports = context.get("reports", [])
    if any(not r["captured"] for r in reports):
        return "published"
    if any(r["captured"] and slug not in r.get("captured_commitments", []) for r in reports):
        return "not_captured_here"
    if any(s["covers"] for s in context.get("searches", [])):
        return "not_found"
    if context.get("state") == "upcoming" or context.get("nothing_due"):
        return "not_due"
    return "unknown"


def applies_to(c: Commitment, area) -> bool:
    """A commitment reaches an area if it targets it or the area's whole municipality."""
    if c.whole_municipality:
        return c.promise.municipality_code == area.municipality_code
    return any(a.id == area.id for a in c.areas)


def _rule(raw: dict) -> dict:
    rule = dict(raw)
    if rule.get("due"):
        rule["due"] = dt.date.fromisoformat(rule["due"])
    return rule


def schedule_of(detail: dict, commitments: list[dict]) -> dict:
    """The promise's schedule as these commitments alone make it (a planner's view of one commitment)."""
    entries = [_entry_for_schedule(f) for c in commitments for f in c["follow_ups"]]
    return knowledge.schedule(_rule(detail["follow_up_rule"]), detail["period"]["start"], detail["period"]["end"],
                              entries, detail["follow_up_reports"], detail["follow_up_searches"], detail["as_of"])


def promise_detail(p: Promise, today: dt.date, as_of: dt.date | None = None, keys: dict | None = None) -> dict:
    """Everything known about a promise on as_of (default today): state, schedule, commitments, progress."""
    as_of = as_of or today
    reports, searches = _knowledge(p, as_of)
    rule = _rule(p.follow_up_rule)
    state = promise_state(p.period_start, p.period_end, as_of)
    nothing_due = not [d for d in knowledge.due_dates(rule, p.period_start, p.period_end) if d < as_of]
    context = {"reports": reports, "searches": searches, "state": state, "nothing_due": nothing_due,
               "keys": keys or {}}
    # Only a view of a past day leaves out what was not yet known (today's view shows every entry).
    commitments = [commitment_dict(c, as_of if as_of < today else None, context) for c in p.commitments]
    entries = [_entry_for_schedule(f) for c in commitments for f in c["follow_ups"]]
    counts = count_statuses(c["status"] for c in commitments)
    known = [f["covers"]["last"] if f["covers"] else f["date"] for c in commitments for f in c["follow_ups"]]
    details = p.details or {}
    return {
        "slug": p.slug, "title": p.title,
        "municipality": {"code": p.municipality_code, "name": p.municipality_name},
        "parties": list(p.parties), "signatories": details.get("signatories") or [],
        "period": {"start": p.period_start, "end": p.period_end,
                   "label": p.period_label or period_label(p.period_start, p.period_end),
                   "precision": details.get("period_precision")},
        "state": state, "state_label": PROMISE_STATES[state], "as_of": as_of,
        "last_known": max(known) if known else None,
        "signed": p.signed, "signed_label": (details.get("signed") or {}).get("label"),
        "signed_note": details.get("signed_note"), "published": p.published,
        "status_counts": counts, "summary_status": summary_status(counts), "progress": progress(counts),
        "commitment_count": len(p.commitments),
        "areas": sorted({a.slug for c in p.commitments for a in c.areas}),
        "whole_municipality": any(c.whole_municipality for c in p.commitments),
        "schedule": knowledge.schedule(rule, p.period_start, p.period_end, entries, reports, searches, as_of),
        "problem_picture": p.problem_picture, "dialogue": p.dialogue, "dialogue_note": details.get("dialogue_note"),
        "follow_up_rule": p.follow_up_rule, "rule_as_written": details.get("follow_up_rule"),
        "follow_up_reports": reports, "follow_up_searches": searches,
        "groups": details.get("groups") or [], "note": details.get("note"),
        "sources": details.get("sources") or list(p.sources),
        "source_truncated": bool(details.get("source_truncated")), "source_note": details.get("source_note"),
        "related_reports": list(p.related_reports), "version": p.version,
        "commitments": commitments,
    }


SUMMARY_KEYS = ("slug", "title", "municipality", "parties", "period", "state", "state_label", "as_of",
                "last_known", "signed", "published", "status_counts", "summary_status", "progress",
                "commitment_count", "areas", "whole_municipality", "sources", "schedule")


def promise_summary(detail: dict) -> dict:
    return {k: detail[k] for k in SUMMARY_KEYS}


def load_promise(session: Session, slug: str, include_drafts=False) -> Promise:
    p = session.scalar(select(Promise).options(*LOAD).where(Promise.slug == slug))
    if p is None or (not p.published and not include_drafts):
        raise NotFound(f"Det finns inget medborgarlöfte med adressen '{slug}'.")
    return p


def commitment_keys(session: Session, promise_id: int | None = None) -> dict:
    """Commitment id → {key, title, promise title}: how a successor names its predecessor (all commitments,
    or only the predecessors of one promise's commitments)."""
    query = select(Commitment.id, Commitment.slug, Commitment.title, Promise.slug, Promise.title,
                   Promise.period_label).join(Promise)
    if promise_id is not None:
        query = query.where(Commitment.id.in_(select(Commitment.predecessor_id)
                                              .where(Commitment.promise_id == promise_id)))
    rows = session.execute(query).all()
    return {r[0]: {"key": f"{r[3]}/{r[1]}", "title": r[2], "promise": r[3], "promise_title": r[4],
                   "period_label": r[5]} for r in rows}


def all_promises(session: Session, include_drafts: bool = True):
    """Every promise (drafts too unless asked not to), newest first."""
    query = select(Promise).options(*LOAD).order_by(Promise.period_end.desc(), Promise.title)
    if not include_drafts:
        query = query.where(Promise.published.is_(True))
    return session.scalars(query).all()


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
