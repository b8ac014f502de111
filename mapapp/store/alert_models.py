"""The tables of e-mail alerts: addresses, what each follows, published events and the outbox of mails.

Nothing points at promise or area rows by id: a re-seed replaces those rows, and what someone follows
(a slug) or what was published (a snapshot of its facts) must outlive that.
"""
import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, _now


class AlertAddress(Base):
    """A subscriber: the e-mail address is the only personal data kept, deleted with its last subscription."""
    __tablename__ = "alert_address"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    language: Mapped[str] = mapped_column(String(20))  # a locale (sv, en): the language of every mail to it
    # Random, signed into the links of its mails: a row id that SQLite reuses never matches an old link.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    confirm_mailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # the last confirmation mail sent
    subscriptions: Mapped[list["AlertSubscription"]] = relationship(
        back_populates="address", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AlertSubscription.id")


class AlertSubscription(Base):
    """One area or promise an address follows; pending until the address confirms it by the mailed link."""
    __tablename__ = "alert_subscription"
    __table_args__ = (UniqueConstraint("address_id", "kind", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("alert_address.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # area or promise
    slug: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    confirm_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # its link's clock starts here
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    address: Mapped[AlertAddress] = relationship(back_populates="subscriptions")


class AlertEvent(Base):
    """Something published (a follow-up, a new promise), written in the transaction that published it."""
    __tablename__ = "alert_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # follow_up or promise
    promise_slug: Mapped[str] = mapped_column(String(80))
    area_slugs: Mapped[list] = mapped_column(JSON)  # every area it concerns (a whole municipality: all of them)
    facts: Mapped[dict] = mapped_column(JSON)  # what the mail says, as published
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    fanned_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # its mails are in the outbox


class AlertMessage(Base):
    """The outbox: one mail to one address, kept until sent; at most one per address and event."""
    __tablename__ = "alert_message"
    __table_args__ = (UniqueConstraint("address_id", "event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("alert_address.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("alert_event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # confirm or alert
    token: Mapped[str] = mapped_column(String(32), unique=True)  # its Message-ID, the same on every try
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # a run is handing it to the SMTP server
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # refused for good; not tried again
    last_error: Mapped[str | None] = mapped_column(Text)
