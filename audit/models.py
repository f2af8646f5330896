"""One row per thing worth answering for later: logins, uploads, membership, moderation, exports."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.extensions import db

if TYPE_CHECKING:  # audit is a leaf below accounts: the user is named, never imported
    from accounts.models import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null for a failed login under an unknown name: the name tried goes in `detail`.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    meeting_id: Mapped[int | None] = mapped_column(index=True)
    document_id: Mapped[int | None]
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # A counted event (`audit.service.record_counted`): one row per key and time window, and how
    # many times it happened, bumped by the database itself so concurrent writers lose no count.
    tally_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    count: Mapped[int] = mapped_column(default=1, server_default="1")

    actor: Mapped["User | None"] = relationship("User")

    def to_dict(self) -> dict:
        """Kept for callers of the method; the shape is audit.presenters'."""
        from audit.presenters import event_json

        return event_json(self)
