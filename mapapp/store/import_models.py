"""Tables of the review side of importing: a draft's named places, and follow-up reports' proposals."""
import datetime as dt

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, Commitment, Promise, _now


class DraftPlace(Base):
    """A place an imported draft names that is no area on the map yet: its gazetteer match, as proposed by
    the import, and what the reviewer chose (the match, another entry, an app area, or none)."""
    __tablename__ = "draft_place"
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))  # as the document writes it
    span: Mapped[list | None] = mapped_column(JSON)  # [start, end] in the draft's source text
    confidence: Mapped[float] = mapped_column(Float)
    how: Mapped[str | None] = mapped_column(Text)
    match: Mapped[dict | None] = mapped_column(JSON)  # dataset, id, name, kind, confidence, reason, alternatives
    choice: Mapped[str | None] = mapped_column(String(20))  # match | entry | area | none; None: not decided
    entry: Mapped[str | None] = mapped_column(String(200))  # "dataset/id" chosen instead of the match
    area_slug: Mapped[str | None] = mapped_column(String(80))  # an app area chosen instead
    promise: Mapped[Promise] = relationship()


class ReportImport(Base):
    """A follow-up report a planner uploaded against a promise; kept while its proposals wait for review."""
    __tablename__ = "report_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # the report as read, which the proposals' spans point into
    period_label: Mapped[str | None] = mapped_column(String(100))  # as the report names it: "tertial 1 2024"
    report_date: Mapped[dt.date] = mapped_column(Date)
    covers_first: Mapped[dt.date | None] = mapped_column(Date)
    covers_last: Mapped[dt.date | None] = mapped_column(Date)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    promise: Mapped[Promise] = relationship()
    proposals: Mapped[list["FollowUpProposal"]] = relationship(
        back_populates="report", order_by="FollowUpProposal.position", cascade="all, delete-orphan")


class FollowUpProposal(Base):
    """One reported item matched to a commitment: a follow-up entry proposed for a planner to accept,
    change or reject; nothing is recorded until then."""
    __tablename__ = "follow_up_proposal"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_import.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text)  # the quoted sentence
    span: Mapped[list | None] = mapped_column(JSON)  # [start, end] in the report's text
    status: Mapped[str] = mapped_column(String(30))  # proposed, a key of vocab.STATUSES
    confidence: Mapped[float] = mapped_column(Float)
    report: Mapped[ReportImport] = relationship(back_populates="proposals")
    commitment: Mapped[Commitment] = relationship()
