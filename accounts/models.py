"""The people who use the platform; roles are per meeting (see meetings.models.Membership)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change so every token issued before stops working.
    token_generation: Mapped[int] = mapped_column(default=0)
    # Who may convene meetings: admins always; accounts an admin creates one by one, unless
    # told otherwise; never roster-imported delegates (docs/security.md, "Who may convene").
    can_convene: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The login (LoginSession.key) this request acts under; set by the loaders, never stored here.
    login_key = None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def may_convene(self) -> bool:
        return self.is_admin or self.can_convene

    def get_id(self) -> str:
        """Flask-Login's alternative id: the login, not the user, so every login can be revoked
        on its own and the remember cookie differs on every login."""
        if not self.login_key:
            raise RuntimeError("log in through accounts.service.start_login")
        return self.login_key

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def office(self) -> str:
        """Chức vụ, đơn vị: how a guest's words are attributed ("Phó Chủ tịch, UBND xã")."""
        return ", ".join(part for part in (self.position, self.unit) if part)

    def to_dict(self) -> dict:
        """Kept for callers of the method; the shape is accounts.presenters'."""
        from accounts.presenters import user_json

        return user_json(self)


class LoginSession(db.Model):
    """One login on one device: the session cookie, the remember cookie and the bearer token of
    that login all name it, so logging out (or a password change, or a disabled account) ends
    them everywhere."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
