"""The tables: subscribers, the ledger, broadcasts, check-ins, notes, snoozes, focus, pauses."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import true as sa_true

from nudgebot.db.types import HourMinute, UTCDateTime
from nudgebot.domain.statuses import DeliveryKind, SnoozeStatus, SubscriberStatus

# Named constraints so Alembic batch mode on SQLite and PostgreSQL agree on every name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Subscriber(Base):
    __tablename__ = "subscribers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    # What Telegram said the user's app language is ('de-AT'), refreshed on every /start.
    language_code: Mapped[str | None] = mapped_column(String(16))
    # The language chosen with /language ('de'); NULL follows language_code.
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=SubscriberStatus.ACTIVE)
    timezone: Mapped[str] = mapped_column(String(64))
    send_time: Mapped[time] = mapped_column(HourMinute)  # local time of the daily tip
    # Set exactly when a tip is scheduled (NULL while stopped, blocked or paused with no end), so
    # the tick's due query is one range scan on this index however many subscribers there are.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    next_local_date: Mapped[date | None] = mapped_column(Date)
    last_delivered_date: Mapped[date | None] = mapped_column(Date)
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Tip ids already delivered in the current rotation cycle, comma-separated.
    cycle_seen: Mapped[str] = mapped_column(Text, default="")
    # 1 while the first rotation runs (content order); from 2 on the order adapts to check-ins.
    cycle_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The weekly summary: on or off, weekday (0 = Monday ... 6 = Sunday) and local HH:MM.
    summary_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    summary_day: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    summary_time: Mapped[time] = mapped_column(HourMinute, default=time(18), server_default="18:00")
    # Like next_due_at: set exactly when a summary is scheduled, so its claim is one range scan.
    next_summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    next_summary_date: Mapped[date | None] = mapped_column(Date)
    # What the bot asked for last ('timezone' or 'time'), so a bare answer is understood.
    awaiting: Mapped[str | None] = mapped_column(String(16))
    # Until this instant (their next local midnight) no streak talk: set by a crisis reply.
    quiet_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def split_seen(cycle_seen: str) -> tuple[str, ...]:
    """The tip ids of `Subscriber.cycle_seen`, which stores them comma-separated."""
    return tuple(part for part in cycle_seen.split(",") if part)


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "kind", "local_date", "ref", name="uq_deliveries_claim"),
        Index("ix_deliveries_message", "chat_id", "message_id"),
        Index("ix_deliveries_pending", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default=DeliveryKind.TIP)
    local_date: Mapped[date] = mapped_column(Date)
    # What the message is beside its kind and day ('' for the daily tip; a broadcast's id), so
    # one subscriber can get two broadcasts on one day and still each one at most once. Never
    # NULL: NULLs are distinct in a UNIQUE constraint and would let a claim be written twice.
    ref: Mapped[str] = mapped_column(String(32), default="", server_default="")
    tip_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Set, and committed, just before the send goes to the transport. A claim whose process
    # died without it was never sent: it is released for a resend instead of made 'unknown'.
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))


class Broadcast(Base):
    """An announcement recorded by `nudgebot broadcast`; its recipients are ledger rows."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # sha256 of the text: running the same command again finds the same broadcast and resumes it.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "local_date", "tip_id", name="uq_checkins_day_tip"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    local_date: Mapped[date] = mapped_column(Date)
    tip_id: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_notes_message"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    local_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NoteCheckIn(Base):
    """The check-ins one free-text note logged, so Undo removes exactly those."""

    __tablename__ = "note_checkins"

    note_id: Mapped[int] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True
    )
    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Snooze(Base):
    """A later reminder of the day's tip; at most one per subscriber and local day."""

    __tablename__ = "snoozes"
    __table_args__ = (UniqueConstraint("subscriber_id", "local_date", name="uq_snoozes_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    # The tip delivery it reminds of: its buttons log that delivery's day.
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL")
    )
    local_date: Mapped[date] = mapped_column(Date)
    tip_id: Mapped[str] = mapped_column(String(40))
    # The reminder source's claim is one range scan on this index.
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), default=SnoozeStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FocusHabit(Base):
    """One of the (at most two) habits a subscriber practises daily, chosen with /focus."""

    __tablename__ = "focus_habits"
    __table_args__ = (UniqueConstraint("subscriber_id", "tip_id", name="uq_focus_habits_tip"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    tip_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Pause(Base):
    """Local days a subscriber rested (/pause): neutral for streaks. end_date NULL: ongoing."""

    __tablename__ = "pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class ProcessedUpdate(Base):
    """A Telegram update_id taken for handling: shared by replicas, so a resend is dropped."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class GroupNote(Base):
    """A group, supergroup or channel that already got the private-chats-only note.

    Only its chat id and when: nothing else from a group is stored. Shared by replicas, so the
    note goes out once per chat however many /start or mentions arrive, wherever they land.
    """

    __tablename__ = "group_notes"

    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime)
