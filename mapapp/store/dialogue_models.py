"""The tables of medborgardialoger: sessions, the room's anonymous answers, questions to the panel, and
results left as input (dialogunderlag) for an area's next promise. No table holds an IP address, a name
or a precise position; a phone is a random id that is erased when its session closes."""
import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, Presentation, Promise, _now


class DialogueSession(Base):
    """One medborgardialog held with a saved presentation: a date, a place, a short code phones open."""
    __tablename__ = "dialogue_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    # The presentation may change or go later; what the room was asked is kept in `questions`.
    presentation_id: Mapped[int | None] = mapped_column(
        ForeignKey("presentation.id", ondelete="SET NULL", name="fk_dialogue_session_presentation_id"), index=True)
    presentation_slug: Mapped[str] = mapped_column(String(80))
    presentation_name: Mapped[str] = mapped_column(String(200))
    promise_slug: Mapped[str] = mapped_column(String(80))
    promise_title: Mapped[str] = mapped_column(String(300))
    municipality_code: Mapped[str] = mapped_column(String(4))
    held_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    questions: Mapped[dict] = mapped_column(JSON)  # areas with their commitments, themes, scale (domain/dialogue.py)
    cell_metres: Mapped[int] = mapped_column(Integer)  # the grid the place answers were snapped to
    state: Mapped[str] = mapped_column(String(10), default="open")  # open or closed
    results_visible: Mapped[bool] = mapped_column(default=False)
    participants: Mapped[int | None] = mapped_column(Integer)  # counted when the session closes
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    presentation: Mapped[Presentation | None] = relationship()


class DialogueAnswer(Base):
    """One phone's answer to one question; a second answer to the same question replaces it."""
    __tablename__ = "dialogue_answer"
    __table_args__ = (UniqueConstraint("session_id", "phone", "question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialogue_session.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))  # random, from the phone's signed cookie; NULL once closed
    area: Mapped[str] = mapped_column(String(80))  # the area the phone said it lives in
    question: Mapped[str] = mapped_column(String(200))  # area, rate:<commitment key>, themes, place
    value: Mapped[dict | list | int | str] = mapped_column(JSON)  # a level, themes, or a grid cell [e, n]
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class DialogueQuestion(Base):
    """A phone's short question to the panel: held until a planner approves it, never public before."""
    __tablename__ = "dialogue_question"
    __table_args__ = (UniqueConstraint("session_id", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialogue_session.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="held")  # held, approved or rejected
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DialogueAttachment(Base):
    """A closed session's results for one area, left as dialogunderlag for the area's next promise."""
    __tablename__ = "dialogue_attachment"
    __table_args__ = (UniqueConstraint("session_id", "area"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialogue_session.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(80), index=True)
    # The draft it feeds, where one exists yet; the results are public on the area page either way.
    promise_id: Mapped[int | None] = mapped_column(
        ForeignKey("promise.id", ondelete="SET NULL", name="fk_dialogue_attachment_promise_id"), index=True)
    attached_by: Mapped[str] = mapped_column(String(100))
    attached_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    session: Mapped[DialogueSession] = relationship()
    promise: Mapped[Promise | None] = relationship()
