"""Dialogue sessions: open, show, hide or reveal results, close, and attach results as dialogunderlag.

Opening, moderating and closing change nothing public, so they leave the data version alone; only an
attachment (results that become public on the area page) moves it on. Answers are in dialogue_answers.py.
"""
import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..core.errors import MapappError, NotFound
from ..domain import dialogue
from ..geo import grid
from . import audit
from .dialogue_models import DialogueAnswer, DialogueAttachment, DialogueQuestion, DialogueSession
from .models import Presentation, Promise, _now

CLOSED = "Dialogen är avslutad; den tar inte emot fler svar."


def session_dict(s: DialogueSession) -> dict:
    return {"code": s.code, "presentation": {"slug": s.presentation_slug, "name": s.presentation_name},
            "promise": {"slug": s.promise_slug, "title": s.promise_title},
            "municipality_code": s.municipality_code, "held_on": s.held_on, "place": s.place,
            "questions": s.questions, "cell_metres": s.cell_metres, "state": s.state,
            "results_visible": s.results_visible, "participants": s.participants,
            "created_by": s.created_by, "created_at": s.created_at, "closed_by": s.closed_by,
            "closed_at": s.closed_at, "version": s.version}


def _snapshot(s: DialogueSession) -> dict:
    return {k: v for k, v in session_dict(s).items() if k not in ("questions", "created_at", "closed_at")}


def load(session: Session, code: str, lock: bool = False) -> DialogueSession:
    query = select(DialogueSession).where(DialogueSession.code == code)
    s = session.scalar(query.with_for_update() if lock else query)
    if s is None:
        raise NotFound(f"Det finns ingen dialog med koden '{code}'.")
    return s


def get(session: Session, code: str) -> dict:
    return session_dict(load(session, code))


def list_sessions(session: Session) -> list[dict]:
    rows = session.scalars(select(DialogueSession).order_by(DialogueSession.held_on.desc(), DialogueSession.id.desc()))
    return [session_dict(s) for s in rows]


def open_session(session: Session, presentation_slug: str, values: dict, username: str) -> dict:
    """A new open session for a saved presentation (values: held_on, place, questions, cell_metres); audited."""
    p = session.scalar(select(Presentation).options(selectinload(Presentation.promise))
                       .where(Presentation.slug == presentation_slug))
    if p is None:
        raise NotFound(f"Det finns ingen presentation med adressen '{presentation_slug}'.")
    for _attempt in range(5):  # a new code until it is free: 32^6 codes make a clash rare
        code = dialogue.new_code()
        if session.scalar(select(DialogueSession.id).where(DialogueSession.code == code)) is None:
            break
    s = DialogueSession(code=code, presentation=p, presentation_slug=p.slug, presentation_name=p.name,
                        promise_slug=p.promise.slug, promise_title=p.promise.title,
                        municipality_code=p.promise.municipality_code, held_on=values["held_on"],
                        place=values["place"], questions=values["questions"], cell_metres=values["cell_metres"],
                        state="open", results_visible=False, created_by=username, version=1)
    try:
        with audit.write(session, bump=False):  # nothing public changes until results are attached
            session.add(s)
            session.flush()
            audit.record(session, username, "open", "dialogue", code, None, _snapshot(s))
    except IntegrityError:  # the same code drawn at the same moment by another planner
        raise MapappError("Koden hann tas av en annan dialog; försök igen.", 409) from None
    return session_dict(s)


def set_visible(session: Session, code: str, visible: bool, username: str) -> dict:
    """Reveal or hide the results on the room's screen; audited."""
    s = load(session, code)
    if s.results_visible != visible:
        before = _snapshot(s)
        with audit.write(session, bump=False):
            s.results_visible = visible
            s.version += 1
            audit.record(session, username, "reveal" if visible else "hide", "dialogue", code, before, _snapshot(s))
    return session_dict(s)


def close_session(session: Session, code: str, username: str) -> dict:
    """End the session: no more answers, participants counted, and every phone's id erased; audited."""
    s = load(session, code, lock=True)
    if s.state == "closed":
        return session_dict(s)
    before = _snapshot(s)
    with audit.write(session, bump=False):  # public pages change only when results are attached
        s.participants = session.scalar(select(func.count()).select_from(DialogueAnswer).where(
            DialogueAnswer.session_id == s.id, DialogueAnswer.question == "area")) or 0
        s.state, s.closed_by, s.closed_at = "closed", username, _now()
        s.version += 1
        # After the session no answer needs to know which phone sent it: the link is dropped for good.
        session.execute(update(DialogueAnswer).where(DialogueAnswer.session_id == s.id).values(phone=None))
        session.execute(update(DialogueQuestion).where(DialogueQuestion.session_id == s.id).values(phone=None))
        audit.record(session, username, "close", "dialogue", code, before, _snapshot(s))
    return session_dict(s)


# --- results as dialogunderlag ----------------------------------------------------------------

def drafts_for(session: Session, municipality_code: str) -> list[dict]:
    """The unpublished promises (drafts) of a municipality: where an area's next promise takes shape."""
    rows = session.scalars(select(Promise).where(Promise.published.is_(False),
                                                 Promise.municipality_code == municipality_code)
                           .order_by(Promise.period_start.desc(), Promise.title))
    return [{"slug": p.slug, "title": p.title} for p in rows]


def attachments(session: Session, code: str) -> dict[str, dict]:
    """Area → where the session's results for it were left as dialogunderlag."""
    s = load(session, code)
    rows = session.scalars(select(DialogueAttachment).options(selectinload(DialogueAttachment.promise))
                           .where(DialogueAttachment.session_id == s.id))
    return {a.area: _attachment_dict(a) for a in rows}


def _attachment_dict(a: DialogueAttachment) -> dict:
    draft = a.promise
    return {"area": a.area, "attached_by": a.attached_by, "attached_at": a.attached_at,
            "promise": {"slug": draft.slug, "title": draft.title, "published": draft.published} if draft else None}


def attach(session: Session, code: str, area: str, draft_slug: str | None, username: str) -> dict:
    """Leave a closed session's results for one area as dialogunderlag (to a draft, or to the next promise
    not yet drafted); from then on they are public on the area page, in aggregate. Audited, data version moved on."""
    s = load(session, code)
    if s.state != "closed":
        raise MapappError("Avsluta dialogen innan resultaten lämnas som underlag.", 409)
    if dialogue.area_of(s.questions, area) is None:
        raise MapappError(f"Dialogen gällde inte området '{area}'.")
    draft = None
    if draft_slug:
        draft = session.scalar(select(Promise).where(Promise.slug == draft_slug))
        if draft is None or draft.published or draft.municipality_code != s.municipality_code:
            raise MapappError(f"'{draft_slug}' är inget utkast till ett löfte i dialogens kommun.")
    row = session.scalar(select(DialogueAttachment).where(DialogueAttachment.session_id == s.id,
                                                          DialogueAttachment.area == area))
    before = _attachment_dict(row) if row else None
    with audit.write(session):  # the area page shows the results from now on
        if row is None:
            row = DialogueAttachment(session_id=s.id, area=area)
            session.add(row)
        row.promise, row.attached_by, row.attached_at = draft, username, _now()
        session.flush()
        audit.record(session, username, "attach", "dialogue", f"{code}/{area}", before, _attachment_dict(row))
    return _attachment_dict(row)


def detach(session: Session, code: str, area: str, username: str):
    """Take the results for an area off the area page again; audited, data version moved on."""
    s = load(session, code)
    row = session.scalar(select(DialogueAttachment).where(DialogueAttachment.session_id == s.id,
                                                          DialogueAttachment.area == area))
    if row is None:
        return
    before = _attachment_dict(row)
    with audit.write(session):
        session.execute(delete(DialogueAttachment).where(DialogueAttachment.id == row.id))
        audit.record(session, username, "detach", "dialogue", f"{code}/{area}", before, None)


def draft_attachments(session: Session, promise_slug: str) -> list[dict]:
    """The dialogunderlag left to a promise (draft): which session, which area, how many took part there."""
    rows = session.execute(select(DialogueAttachment.area, DialogueSession)
                           .join(DialogueSession, DialogueAttachment.session_id == DialogueSession.id)
                           .join(Promise, DialogueAttachment.promise_id == Promise.id)
                           .where(Promise.slug == promise_slug).order_by(DialogueSession.held_on)).all()
    out = []
    for area, s in rows:
        participants = session.scalar(select(func.count()).select_from(DialogueAnswer).where(
            DialogueAnswer.session_id == s.id, DialogueAnswer.question == "area", DialogueAnswer.area == area))
        out.append({"code": s.code, "held_on": s.held_on, "place": s.place, "area": area,
                    "area_name": (dialogue.area_of(s.questions, area) or {}).get("name", area),
                    "participants": participants})
    return out


def answer_rows(session: Session, code: str, area: str | None = None) -> list[dict]:
    """Every counted answer of a session (or of one area): area, question and value, nothing else."""
    return answers_of(session, load(session, code).id, area)


def answers_of(session: Session, session_id: int, area: str | None = None) -> list[dict]:
    """The counted answers of the session with this id (or of one area of it)."""
    query = select(DialogueAnswer.area, DialogueAnswer.question, DialogueAnswer.value).where(
        DialogueAnswer.session_id == session_id)
    if area is not None:
        query = query.where(DialogueAnswer.area == area)
    return [{"area": a, "question": q, "value": v} for a, q, v in session.execute(query)]


def area_dialogues(session: Session, area: str, min_count: int, as_of: dt.date) -> list[dict]:
    """The dialogunderlag left for an area, newest first: date, place, participants and counts only."""
    rows = session.execute(select(DialogueAttachment, DialogueSession)
                           .join(DialogueSession, DialogueAttachment.session_id == DialogueSession.id)
                           .options(selectinload(DialogueAttachment.promise))
                           .where(DialogueAttachment.area == area, DialogueSession.held_on <= as_of)
                           .order_by(DialogueSession.held_on.desc(), DialogueSession.id.desc())).all()
    out = []
    for attachment, s in rows:
        counted = dialogue.results(s.questions, answers_of(session, s.id, area), min_count, area)
        counted["places"]["cells"] = grid.with_geometry(counted["places"]["cells"], s.cell_metres)
        draft = attachment.promise
        out.append({"held_on": s.held_on, "place": s.place, "promise": {"slug": s.promise_slug,
                                                                        "title": s.promise_title},
                    # A draft is named only once published: the public learns nothing of unpublished work.
                    "cell_metres": s.cell_metres, "for_promise": (
                        {"slug": draft.slug, "title": draft.title} if draft and draft.published else None),
                    **counted})
    return out
