"""The alert outbox: an event written in the transaction that publishes, mails queued per follower, sent by a command.

Idempotent: an event is fanned out once (claimed by an UPDATE that only one run can win), and an
address gets at most one message per event (a unique constraint), however many of its subscriptions
the event touches. Delivery is at least once: a run claims a message, hands it to the SMTP server,
then marks it sent. A run that stops between the last two leaves its claim; after CLAIM_LEASE the
next run sends the message again, with the same Message-ID (its token), and says so.
"""
import datetime as dt
import secrets

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..domain import vocab
from ..domain.periods import period_label
from ..domain.status import current_follow_up
from .alert_models import AlertAddress, AlertEvent, AlertMessage, AlertSubscription
from .alerts import target_names, transaction
from .models import Area, Commitment, FollowUp, Promise
from .promises import follow_up_dict

CLAIM_LEASE = dt.timedelta(minutes=10)  # a claim older than this was left by a run that stopped
KEEP = dt.timedelta(days=30)  # sent mail and old events are forgotten after this
MAX_ATTEMPTS = 5  # a message refused this often (temporary refusals) is given up


def _areas(session: Session, commitments, municipality_code: str) -> list[dict]:
    """Every area the commitments reach: their own, or all of the municipality's for a municipality-wide one."""
    if any(c.whole_municipality for c in commitments):
        rows = session.execute(select(Area.slug, Area.name).where(Area.municipality_code == municipality_code))
        reached = dict(rows.all())
    else:
        reached = {}
    for c in commitments:
        reached.update({a.slug: a.name for a in c.areas})
    return [{"slug": s, "name": n} for s, n in sorted(reached.items(), key=lambda kv: kv[1])]


def _status(entry: dict | None) -> str:
    return entry["status"] if entry else vocab.DEFAULT_STATUS


def record_follow_up(session: Session, commitment: Commitment, entry: FollowUp, before: dict | None):
    """Queue the event of an entry appended to a published promise, in the write's transaction.

    before: the commitment's current entry before this one (None if it had none)."""
    p = commitment.promise
    if not p.published:
        return  # a draft's entries are not public; publishing the draft is the event
    after = current_follow_up([follow_up_dict(f) for f in commitment.follow_ups])
    areas = _areas(session, [commitment], p.municipality_code)
    facts = {
        "promise": {"slug": p.slug, "title": p.title, "municipality": p.municipality_name},
        "commitment": {"slug": commitment.slug, "title": commitment.title},
        "follow_up": {"id": entry.id, "date": entry.date.isoformat(), "date_label": entry.date_label,
                      "status": entry.status, "note": entry.note, "evidence_url": entry.evidence_url,
                      "evidence_title": entry.evidence_title, "evidence_file": bool(entry.evidence_file),
                      "evidence_kind": entry.evidence_kind, "correction": entry.supersedes_id is not None},
        # The commitment's status as the app shows it: the newest live entry's (not always this one's).
        "status": {"before": _status(before), "after": _status(after), "first": before is None,
                   "changed": _status(before) != _status(after)},
        "areas": areas,
    }
    session.add(AlertEvent(kind="follow_up", promise_slug=p.slug, area_slugs=[a["slug"] for a in areas],
                           facts=facts))


def record_promise(session: Session, p: Promise):
    """Queue the event of a newly published promise; call it in the write's transaction."""
    areas = _areas(session, p.commitments, p.municipality_code)
    sources = (p.details or {}).get("sources") or list(p.sources or [])
    facts = {
        "promise": {"slug": p.slug, "title": p.title, "municipality": p.municipality_name,
                    "period": p.period_label or period_label(p.period_start, p.period_end),
                    "parties": list(p.parties or []), "commitments": [c.title for c in p.commitments],
                    "sources": [{"url": s.get("url"), "title": s.get("title")} for s in sources
                                if isinstance(s, dict)]},
        "areas": areas,
    }
    session.add(AlertEvent(kind="promise", promise_slug=p.slug, area_slugs=[a["slug"] for a in areas], facts=facts))


def _entry_key(promise_slug: str, commitment_slug: str, f) -> tuple:
    return (promise_slug, commitment_slug, f.date, f.status, f.note)


def published_snapshot(session: Session) -> dict:
    """What is public before a re-seed: published promises and their entries (by content: ids change)."""
    # Columns only, no ORM rows: the rows are about to be deleted and their ids reused by the new ones.
    rows = session.execute(select(Promise.slug, Commitment.slug, FollowUp.date, FollowUp.status, FollowUp.note)
                           .join(Commitment, Commitment.promise_id == Promise.id)
                           .join(FollowUp, FollowUp.commitment_id == Commitment.id)
                           .where(Promise.published.is_(True))).all()
    return {"promises": set(session.scalars(select(Promise.slug).where(Promise.published.is_(True)))),
            "entries": {(r[0], r[1], r[2], r[3], r[4]) for r in rows}}


def record_seed_changes(session: Session, before: dict):
    """After a re-seed: an event per promise and entry that the files added; none on the first seed."""
    if not before["promises"]:
        return  # a first seed publishes nothing new to anyone: nobody can follow an empty app
    for p in session.scalars(select(Promise).where(Promise.published.is_(True))):
        if not p.published:
            continue
        if p.slug not in before["promises"]:
            record_promise(session, p)
            continue
        for c in p.commitments:
            old = [f for f in c.follow_ups if _entry_key(p.slug, c.slug, f) in before["entries"]]
            for f in c.follow_ups:
                if f not in old:
                    record_follow_up(session, c, f, current_follow_up([follow_up_dict(o) for o in old]))


def fan_out(session: Session, now: dt.datetime) -> int:
    """Queue one message per event for every address with a matching subscription confirmed before it."""
    made = 0
    for event in session.scalars(select(AlertEvent).where(AlertEvent.fanned_out_at.is_(None))
                                 .order_by(AlertEvent.id)).all():
        with transaction(session):
            won = session.execute(update(AlertEvent).where(AlertEvent.id == event.id,
                                                           AlertEvent.fanned_out_at.is_(None))
                                  .values(fanned_out_at=now)).rowcount
            if not won:
                continue  # another run has it
            addresses = set(session.scalars(select(AlertSubscription.address_id).where(
                AlertSubscription.confirmed_at.is_not(None), AlertSubscription.confirmed_at <= event.created_at,
                _matches(event))))
            for address_id in sorted(addresses):
                session.add(AlertMessage(address_id=address_id, event_id=event.id, kind="alert",
                                         token=secrets.token_hex(16)))
            made += len(addresses)
    return made


def _matches(event: AlertEvent):
    return or_(and_(AlertSubscription.kind == "promise", AlertSubscription.slug == event.promise_slug),
               and_(AlertSubscription.kind == "area", AlertSubscription.slug.in_(event.area_slugs or [])))


def _open():
    return and_(AlertMessage.sent_at.is_(None), AlertMessage.failed_at.is_(None))


def due_messages(session: Session, now: dt.datetime, interval: dt.timedelta, limit: int = 500) -> list[int]:
    """Unsent messages no run holds, oldest first; a confirmation waits while its address had one within interval."""
    free = or_(AlertMessage.claimed_at.is_(None), AlertMessage.claimed_at < now - CLAIM_LEASE)
    rested = or_(AlertMessage.kind != "confirm", AlertAddress.confirm_mailed_at.is_(None),
                 AlertAddress.confirm_mailed_at <= now - interval)
    return list(session.scalars(select(AlertMessage.id).join(AlertAddress).where(_open(), free, rested)
                                .order_by(AlertMessage.id).limit(limit)))


def claim(session: Session, message_id: int, now: dt.datetime) -> dict | None:
    """Take one message for sending, with everything its mail says; None if another run has it or it is gone."""
    with transaction(session):
        row = session.get(AlertMessage, message_id)
        if row is None:
            return None
        earlier_claim = row.claimed_at
        won = session.execute(update(AlertMessage).where(
            AlertMessage.id == message_id, _open(),
            or_(AlertMessage.claimed_at.is_(None), AlertMessage.claimed_at < now - CLAIM_LEASE))
            .values(claimed_at=now, attempts=AlertMessage.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        if not won:
            return None
        address = session.get(AlertAddress, row.address_id)
        event = session.get(AlertEvent, row.event_id) if row.event_id else None
        subs = [s for s in address.subscriptions
                if (s.confirmed_at is None if event is None else s.confirmed_at is not None)]
        if event is not None:
            subs = [s for s in subs if s.kind == "area" and s.slug in (event.area_slugs or [])
                    or s.kind == "promise" and s.slug == event.promise_slug]
        names = target_names(session, [(s.kind, s.slug) for s in subs])
        return {"id": row.id, "kind": row.kind, "token": row.token, "attempts": row.attempts + 1,
                "earlier_claim": earlier_claim,
                "address": {"email": address.email, "language": address.language, "key": address.key},
                "event": {"kind": event.kind, "facts": event.facts} if event else None,
                "subscriptions": [{"id": s.id, "kind": s.kind, "slug": s.slug, "name": names[(s.kind, s.slug)]}
                                  for s in subs if (s.kind, s.slug) in names]}


def mark_sent(session: Session, message: dict, now: dt.datetime, note: str | None = None):
    """Record a message as sent (or as needing no mail, with a note); a confirmation starts its links' clock."""
    with transaction(session):
        session.execute(update(AlertMessage).where(AlertMessage.id == message["id"])
                        .values(sent_at=now, claimed_at=None, last_error=note))
        if message["kind"] == "confirm" and note is None:
            session.execute(update(AlertAddress).where(AlertAddress.key == message["address"]["key"])
                            .values(confirm_mailed_at=now))
            ids = [s["id"] for s in message["subscriptions"]]
            session.execute(update(AlertSubscription).where(AlertSubscription.id.in_(ids))
                            .values(confirm_sent_at=now))


def release(session: Session, message: dict, error: str, now: dt.datetime, give_up: bool = False):
    """A send that failed: the message stays in the outbox for the next run (or is given up, with why)."""
    give_up = give_up or message["attempts"] >= MAX_ATTEMPTS
    with transaction(session):
        session.execute(update(AlertMessage).where(AlertMessage.id == message["id"])
                        .values(claimed_at=None, last_error=error[:1000], failed_at=now if give_up else None))
    return give_up


def purge_old(session: Session, now: dt.datetime) -> int:
    """Forget events older than KEEP (with their messages, sent or not) and confirmations handled before it."""
    with transaction(session):
        events = session.execute(delete(AlertEvent).where(AlertEvent.created_at < now - KEEP)).rowcount
        session.execute(delete(AlertMessage).where(AlertMessage.event_id.is_(None), or_(
            AlertMessage.sent_at < now - KEEP, AlertMessage.failed_at < now - KEEP)))
    return events


def waiting(session: Session) -> int:
    """Messages still to send."""
    return session.scalar(select(func.count()).select_from(AlertMessage).where(_open()))
