"""Named presentations: a planner's chosen order of areas and commitments for one promise."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..core.errors import MapappError, NotFound
from .models import Presentation
from . import audit
from .promises import load_promise
from .versions import claim_version

_CONFLICT = "Presentationen har ändrats av någon annan sedan du öppnade formuläret."


def presentation_dict(p: Presentation) -> dict:
    return {"slug": p.slug, "name": p.name, "promise": p.promise.slug, "promise_title": p.promise.title,
            "areas": list(p.area_slugs), "commitments": list(p.commitment_keys),
            "created_by": p.created_by, "created_at": p.created_at, "version": p.version}


def _snapshot(p: Presentation) -> dict:
    """What the audit log keeps: the fields a planner chooses."""
    return {k: v for k, v in presentation_dict(p).items() if k in ("slug", "name", "promise", "areas", "commitments",
                                                                    "version")}


def _query():
    return select(Presentation).options(selectinload(Presentation.promise))


def list_presentations(session: Session, promise_slug: str | None = None) -> list[dict]:
    query = _query().order_by(Presentation.created_at.desc(), Presentation.id.desc())
    rows = session.scalars(query).all()
    return [presentation_dict(p) for p in rows if promise_slug is None or p.promise.slug == promise_slug]


def _load(session: Session, slug: str) -> Presentation:
    p = session.scalar(_query().where(Presentation.slug == slug))
    if p is None:
        raise NotFound(f"Det finns ingen presentation med adressen '{slug}'.")
    return p


def get_presentation(session: Session, slug: str, promise_slug: str | None = None) -> dict:
    """A presentation; 404 if it does not exist or belongs to another promise than `promise_slug`."""
    p = _load(session, slug)
    if promise_slug is not None and p.promise.slug != promise_slug:
        raise NotFound(f"Presentationen '{slug}' hör inte till löftet '{promise_slug}'.")
    return presentation_dict(p)


def _check_keys(promise, commitment_keys: list[str]):
    known = {f"{promise.slug}/{c.slug}" for c in promise.commitments}
    unknown = [k for k in commitment_keys if k not in known]
    if unknown:
        raise MapappError(f"Löftet har inga åtaganden {', '.join(unknown)}.")


def create_presentation(session: Session, promise_slug: str, values: dict, username: str) -> dict:
    """Store a new presentation (values: slug, name, areas, commitments); audited, all or nothing."""
    promise = load_promise(session, promise_slug)
    _check_keys(promise, values["commitments"])
    if session.scalar(select(Presentation.id).where(Presentation.slug == values["slug"])) is not None:
        raise MapappError(f"Adressen '{values['slug']}' används redan av en annan presentation.", 409)
    try:
        with audit.write(session, bump=False):  # a presentation changes no map or public page
            p = Presentation(slug=values["slug"], promise=promise, name=values["name"],
                             area_slugs=list(values["areas"]), commitment_keys=list(values["commitments"]),
                             created_by=username, version=1)
            session.add(p)
            session.flush()
            audit.record(session, username, "create", "presentation", p.slug, None, _snapshot(p))
    except IntegrityError:  # the same slug saved at the same moment by someone else
        raise MapappError(f"Adressen '{values['slug']}' används redan av en annan presentation.", 409) from None
    return presentation_dict(p)


def update_presentation(session: Session, slug: str, values: dict, expected_version: int, username: str) -> dict:
    """Save a new name and order if nobody saved since expected_version (409 otherwise); audited."""
    p = _load(session, slug)
    before = _snapshot(p)
    if p.version != expected_version:
        raise MapappError(_CONFLICT, 409)
    _check_keys(p.promise, values["commitments"])
    changes = {"name": values["name"], "area_slugs": list(values["areas"]),
               "commitment_keys": list(values["commitments"])}
    if (p.name, p.area_slugs, p.commitment_keys) == (changes["name"], changes["area_slugs"], changes["commitment_keys"]):
        return presentation_dict(p)  # nothing changed: no new version, no audit entry
    with audit.write(session, bump=False):
        claim_version(session, p, expected_version, _CONFLICT, **changes)
        audit.record(session, username, "update", "presentation", slug, before, _snapshot(p))
    return presentation_dict(p)
