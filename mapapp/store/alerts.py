"""Alert subscriptions: subscribe (pending), confirm by the mailed link, unsubscribe (the address deleted).

The e-mail address is the only personal data kept; it goes when its last subscription goes, and an
unconfirmed one goes when its link has expired (purge_unconfirmed). Never audited: the audit log
keeps its entries, and an address must not outlive its unsubscribe there.
"""
import contextlib
import datetime as dt
import secrets

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..core.errors import MapappError, NotFound
from ..core.messages import _
from ..domain.alerts import KINDS
from .alert_models import AlertAddress, AlertMessage, AlertSubscription
from .models import Area, Promise, _now


@contextlib.contextmanager
def transaction(session: Session):
    """One transaction for an alert write (never audited, never a data-version bump: no page shows it)."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def target_names(session: Session, targets) -> dict:
    """(kind, slug) → the area's name or the published promise's title; what no longer exists is left out."""
    targets = set(targets)
    areas = {s for k, s in targets if k == "area"}
    promises = {s for k, s in targets if k == "promise"}
    names = {("area", s): n for s, n in session.execute(select(Area.slug, Area.name).where(Area.slug.in_(areas)))}
    names |= {("promise", s): t for s, t in session.execute(
        select(Promise.slug, Promise.title).where(Promise.slug.in_(promises), Promise.published.is_(True)))}
    return names


def target_name(session: Session, kind: str, slug: str) -> str:
    """The name of what may be followed, or NotFound."""
    if kind not in KINDS:
        raise MapappError(_("Man kan bevaka ett område eller ett medborgarlöfte."))
    name = target_names(session, [(kind, slug)]).get((kind, slug))
    if name is None:
        raise NotFound(_("Det finns inget område eller publicerat medborgarlöfte med adressen '%(slug)s'.", slug=slug))
    return name


def subscribe(session: Session, email: str, language: str, kind: str, slug: str) -> dict:
    """Add a pending subscription of a checked address (domain.alerts) and queue its confirmation mail."""
    # The answer is the same whatever the address already follows, so the form tells nobody what a
    # stranger's address follows; how often a confirmation may go is decided when it is sent
    # (outbox.due_messages), so no number of requests here can flood an inbox.
    name = target_name(session, kind, slug)
    try:
        _subscribe(session, email, language, kind, slug)
    except IntegrityError:  # the same new address sent twice at once, or purged meanwhile: the retry sees it
        _subscribe(session, email, language, kind, slug)
    return {"kind": kind, "slug": slug, "name": name}


def _subscribe(session: Session, email: str, language: str, kind: str, slug: str):
    with transaction(session):
        address = session.scalar(select(AlertAddress).where(AlertAddress.email == email))
        if address is None:
            address = AlertAddress(email=email, language=language, key=secrets.token_hex(16))
            session.add(address)
            session.flush()
        address.language = language  # the newest choice: every mail to the address is in it
        sub = session.scalar(select(AlertSubscription).where(
            AlertSubscription.address_id == address.id, AlertSubscription.kind == kind, AlertSubscription.slug == slug))
        if sub is None:
            sub = AlertSubscription(address_id=address.id, kind=kind, slug=slug)
            session.add(sub)
        if sub.confirmed_at is None:
            # A new request: its expiry counts from now, and from the new mail once that goes.
            sub.created_at, sub.confirm_sent_at = _now(), None
            queued = session.scalar(select(AlertMessage.id).where(
                AlertMessage.address_id == address.id, AlertMessage.kind == "confirm",
                AlertMessage.sent_at.is_(None), AlertMessage.failed_at.is_(None)))
            if queued is None:
                session.add(AlertMessage(address_id=address.id, kind="confirm", token=secrets.token_hex(16)))


def _address(session: Session, key: str) -> AlertAddress | None:
    return session.scalar(select(AlertAddress).options(selectinload(AlertAddress.subscriptions))
                          .where(AlertAddress.key == key))


def _subscription_dict(sub: AlertSubscription, names: dict) -> dict:
    return {"id": sub.id, "kind": sub.kind, "slug": sub.slug, "name": names.get((sub.kind, sub.slug)),
            "confirmed": sub.confirmed_at is not None}


def address_view(session: Session, key: str) -> dict | None:
    """An address and what it follows (for the unsubscribe page), or None once it is deleted."""
    address = _address(session, key)
    if address is None:
        return None
    names = target_names(session, [(s.kind, s.slug) for s in address.subscriptions])
    return {"email": address.email, "language": address.language,
            "subscriptions": [_subscription_dict(s, names) for s in address.subscriptions]}


def pending(session: Session, key: str, ids) -> list[dict]:
    """The subscriptions of a confirmation link that still exist (pending or already confirmed)."""
    address = _address(session, key)
    if address is None:
        return []
    chosen = [s for s in address.subscriptions if s.id in set(ids)]
    names = target_names(session, [(s.kind, s.slug) for s in chosen])
    return [_subscription_dict(s, names) for s in chosen]


def confirm(session: Session, key: str, ids) -> list[dict]:
    """Confirm the subscriptions a link names (what its mail listed, nothing added since); idempotent."""
    with transaction(session):
        address = _address(session, key)
        if address is None:
            return []
        chosen = [s for s in address.subscriptions if s.id in set(ids)]
        for s in chosen:
            s.confirmed_at = s.confirmed_at or _now()
        names = target_names(session, [(s.kind, s.slug) for s in chosen])
        return [_subscription_dict(s, names) for s in chosen]


def unsubscribe(session: Session, key: str, only: int | None = None) -> dict:
    """End one subscription, or all; the address is deleted with its last one (and its queued mail)."""
    with transaction(session):
        address = _address(session, key)
        if address is None:
            return {"deleted": True, "ended": 0}
        ended = [s for s in address.subscriptions if only is None or s.id == only]
        if only is not None and not ended:
            raise MapappError(_("Den bevakningen finns inte längre."), 404)
        if len(ended) == len(address.subscriptions):
            session.delete(address)
            return {"deleted": True, "ended": len(ended)}
        for s in ended:
            address.subscriptions.remove(s)
        return {"deleted": False, "ended": len(ended)}


def purge_unconfirmed(session: Session, max_age: dt.timedelta, now: dt.datetime) -> dict:
    """Delete subscriptions whose link has expired unconfirmed, then every address left with none."""
    cutoff = now - max_age
    with transaction(session):
        subs = session.execute(delete(AlertSubscription).where(
            AlertSubscription.confirmed_at.is_(None),
            func.coalesce(AlertSubscription.confirm_sent_at, AlertSubscription.created_at) < cutoff)).rowcount
        has_any = exists().where(AlertSubscription.address_id == AlertAddress.id)
        addresses = session.execute(delete(AlertAddress).where(~has_any)
                                    .execution_options(synchronize_session=False)).rowcount
    return {"subscriptions": subs, "addresses": addresses}


def counts(session: Session) -> dict:
    """How many addresses and subscriptions are kept, confirmed or not (for the command's report)."""
    return {"addresses": session.scalar(select(func.count()).select_from(AlertAddress)),
            "confirmed": session.scalar(select(func.count()).select_from(AlertSubscription)
                                        .where(AlertSubscription.confirmed_at.is_not(None))),
            "pending": session.scalar(select(func.count()).select_from(AlertSubscription)
                                      .where(AlertSubscription.confirmed_at.is_(None)))}
