"""The room's answers: one per question per phone (a second one replaces the first), questions to the
panel held for moderation. A phone is only the random id its signed cookie carries; nothing else of it is kept."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import MapappError, NotFound
from ..domain import dialogue
from . import audit
from .dialogue_models import DialogueAnswer, DialogueQuestion
from .dialogues import CLOSED, answers_of, load, session_dict
from .models import _now

BUSY = "Svaret kunde inte sparas just nu; skicka igen."


def phone_state(session: Session, code: str, phone: str | None) -> dict:
    """What one phone has answered in a session: its area, {question: value}, and its question to the panel."""
    s = load(session, code)
    if not phone:
        return {"area": None, "answers": {}, "question": None}
    rows = session.execute(select(DialogueAnswer.question, DialogueAnswer.value).where(
        DialogueAnswer.session_id == s.id, DialogueAnswer.phone == phone)).all()
    answers = {q: v for q, v in rows}
    asked = session.scalar(select(DialogueQuestion).where(DialogueQuestion.session_id == s.id,
                                                          DialogueQuestion.phone == phone))
    return {"area": answers.pop("area", None), "answers": answers,
            "question": {"text": asked.text, "state": asked.state} if asked else None}


def _write(session: Session, work):
    """Run work() in one transaction; a clash with the same phone's other request is tried once more."""
    for attempt in (1, 2):
        try:
            result = work()
            session.commit()
            return result
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise MapappError(BUSY, 409) from None
        except BaseException:
            session.rollback()
            raise


def save_answers(session: Session, code: str, phone: str, area: str, answers: dict, max_participants: int) -> int:
    """Store a phone's area and answers (checked by the caller), replacing its earlier ones; returns how many.

    A phone that moves to another area keeps only the answers that still apply there (its place and the
    ratings of commitments that do not reach the new area are dropped).
    """
    def work():
        s = load(session, code)
        if s.state != "open":
            raise MapappError(CLOSED, 409)
        area_q = dialogue.area_of(s.questions, area)
        if area_q is None:
            raise MapappError(f"Dialogen gäller inte området '{area}'.")
        mine = {a.question: a for a in session.scalars(select(DialogueAnswer).where(
            DialogueAnswer.session_id == s.id, DialogueAnswer.phone == phone))}
        if not mine:
            if _participants(session, s.id) >= max_participants:
                raise MapappError("Dialogen har tagit emot så många deltagare som den kan.", 429)
        moved = "area" in mine and mine["area"].value != area
        now = _now()
        for question, row in list(mine.items()):
            stale = question == "place" or (question.startswith("rate:") and question[5:] not in area_q["commitments"])
            if moved and stale and question not in answers:
                session.delete(row)
                del mine[question]
            elif moved:
                row.area = area
        for question, value in {"area": area, **answers}.items():
            row = mine.get(question)
            if row is None:
                session.add(DialogueAnswer(session_id=s.id, phone=phone, area=area, question=question, value=value,
                                           answered_at=now))
            elif row.value != value or row.area != area:
                row.value, row.area, row.answered_at = value, area, now
        session.flush()
        return len(answers)
    return _write(session, work)


def ask(session: Session, code: str, phone: str, area: str | None, text: str):
    """A phone's question to the panel (one per phone: a new one replaces it), held until approved."""
    def work():
        s = load(session, code)
        if s.state != "open":
            raise MapappError(CLOSED, 409)
        row = session.scalar(select(DialogueQuestion).where(DialogueQuestion.session_id == s.id,
                                                            DialogueQuestion.phone == phone))
        if row is None:
            row = DialogueQuestion(session_id=s.id, phone=phone)
            session.add(row)
        if row.text != text or row.state == "rejected":  # any change goes back to moderation
            row.text, row.state, row.decided_by, row.decided_at = text, "held", None, None
        row.area, row.submitted_at = area, _now()
        session.flush()
    _write(session, work)


def question_dict(q: DialogueQuestion, names: dict) -> dict:
    return {"id": q.id, "text": q.text, "state": q.state, "area": q.area, "area_name": names.get(q.area),
            "submitted_at": q.submitted_at, "decided_by": q.decided_by, "decided_at": q.decided_at}


def questions(session: Session, code: str, states: tuple = ("held", "approved", "rejected")) -> list[dict]:
    """The questions to the panel in the given states, oldest first (as they were asked)."""
    return _questions(session, load(session, code), states)


def _questions(session: Session, s, states: tuple) -> list[dict]:
    names = {a["slug"]: a["name"] for a in s.questions["areas"]}
    rows = session.scalars(select(DialogueQuestion).where(DialogueQuestion.session_id == s.id,
                                                          DialogueQuestion.state.in_(states))
                           .order_by(DialogueQuestion.submitted_at, DialogueQuestion.id))
    return [question_dict(q, names) for q in rows]


def _participants(session: Session, session_id: int) -> int:
    """Phones that have answered: each answers the area question once."""
    return session.scalar(select(func.count()).select_from(DialogueAnswer).where(
        DialogueAnswer.session_id == session_id, DialogueAnswer.question == "area")) or 0


def room_view(session: Session, code: str) -> dict:
    """What the room's poll reads, the session once: while its results are hidden, how many phones answered
    (a count, no answers read); while shown, its answers and approved questions (participants count from them)."""
    s = load(session, code)
    if not s.results_visible:
        return {"session": session_dict(s), "participants": _participants(session, s.id)}
    return {"session": session_dict(s), "answers": answers_of(session, s.id),
            "approved": _questions(session, s, ("approved",))}


def decide(session: Session, code: str, question_id: int, approve: bool, username: str) -> dict:
    """Approve (shown to the room) or reject (never shown) a question; audited."""
    s = load(session, code)
    q = session.scalar(select(DialogueQuestion).where(DialogueQuestion.id == question_id,
                                                      DialogueQuestion.session_id == s.id))
    if q is None:
        raise NotFound(f"Dialogen har ingen fråga {question_id}.")
    names = {a["slug"]: a["name"] for a in s.questions["areas"]}
    before = question_dict(q, names)
    with audit.write(session, bump=False):  # the room's screen asks for it; no cached page shows questions
        q.state, q.decided_by, q.decided_at = ("approved" if approve else "rejected"), username, _now()
        audit.record(session, username, "approve" if approve else "reject", "dialogue", f"{code}/q{q.id}",
                     before, question_dict(q, names))
    return question_dict(q, names)

