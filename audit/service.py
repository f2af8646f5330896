"""`record(...)`: every service writes its audit event through here, in its own transaction.

The event joins the caller's SQLAlchemy session and is committed with the change it describes,
so a rolled-back change leaves no trace and a committed one always has its line.

A leaf: every feature calls it, so it imports nothing of theirs (the layers in pyproject.toml).
Who may read a meeting's trail is the meeting's rule (meetings.service.audit_events).
"""

from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from audit.models import AuditEvent
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db

if TYPE_CHECKING:
    from accounts.models import User

# What the list pages show at most; the API pages further with `before=<id>`.
PAGE_SIZE = 200


def record(
    actor: "User | None",
    action: str,
    *,
    meeting_id: int | None = None,
    document_id: int | None = None,
    **detail,
) -> AuditEvent:
    """Add an event to the current transaction; the caller's commit stores it."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        meeting_id=meeting_id,
        document_id=document_id,
        address=_address(),
        detail=detail,
    )
    db.session.add(event)
    return event


def _address() -> str:
    # The calling address is the one thing a service cannot be handed without touching every
    # adapter; it is read here, where no domain logic depends on it.
    return ((request.remote_addr or "") if has_request_context() else "")[:64]


def record_counted(action: str, key: str, every: timedelta, **detail) -> AuditEvent:
    """One row per `key` and window of `every` with a count, for events that come in floods
    (failed logins under names nobody has): the first one's `detail` is kept, the rest counted.

    The row is written or bumped by one `INSERT ... ON CONFLICT DO UPDATE`, so logins failing at
    the same moment, in one process or several, each count once; the row stays locked for the
    caller's transaction, so a change the caller makes to its detail is not lost either."""
    now = utcnow()
    window = int(now.replace(tzinfo=UTC).timestamp() // every.total_seconds())  # utcnow is naive
    tally_key = f"{action}:{window}:{key}"[:160]
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.session.get_bind().dialect.name]
    statement = insert(AuditEvent).values(
        created_at=now, action=action, address=_address(), detail=detail, tally_key=tally_key, count=1
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["tally_key"], set_={"count": AuditEvent.__table__.c["count"] + 1}
        )
    )
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.tally_key == tally_key).execution_options(populate_existing=True)
    )


def _page(query, before: int | None) -> list[AuditEvent]:
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE)))


def events_of_meeting(meeting_id: int, before: int | None = None) -> list[AuditEvent]:
    """One meeting's events, newest first; the caller has checked who may read them."""
    return _page(select(AuditEvent).where(AuditEvent.meeting_id == meeting_id), before)


def all_events(actor: "User", before: int | None = None, action: str | None = None) -> list[AuditEvent]:
    """Everything, newest first, for admins: logins and account changes have no meeting."""
    if not actor.is_admin:
        raise AppError("forbidden", 403)
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    return _page(query, before)
