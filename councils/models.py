"""A council owns its meetings; its officers convene them and keep its roster."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.clock import utcnow
from core.extensions import db


class CouncilLevel(StrEnum):
    """Since 1 July 2025 local government has two tiers: the province, and the commune level
    (xã, phường, đặc khu)."""

    PROVINCE = "province"
    COMMUNE = "commune"


class Council(db.Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As it heads the council's papers: "Hội đồng nhân dân xã Thần Sa".
    name: Mapped[str] = mapped_column(String(300), unique=True)
    # As the date line of its papers names it: "Thần Sa, ngày 01 tháng 12 năm 2026".
    place: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), default=CouncilLevel.COMMUNE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    officers: Mapped[list["CouncilOfficer"]] = relationship(
        back_populates="council", cascade="all, delete-orphan"
    )
    roster: Mapped[list["CouncilMember"]] = relationship(
        back_populates="council", cascade="all, delete-orphan"
    )

    def to_dict(self) -> dict:
        """Kept for callers of the method; the shape is councils.presenters'."""
        from councils.presenters import council_json

        return council_json(self)


class CouncilOfficer(db.Model):
    """Office staff of a council (Văn phòng HĐND): they convene its meetings."""

    __tablename__ = "council_officers"
    __table_args__ = (UniqueConstraint("council_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    council: Mapped[Council] = relationship(back_populates="officers")
    user: Mapped[User] = relationship()


class CouncilMember(db.Model):
    """A delegate on the council's roster (danh sách đại biểu): only they (and its officers) may
    be invited to the council's meetings, and leaving the roster takes its meetings away."""

    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("council_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    council: Mapped[Council] = relationship(back_populates="roster")
    user: Mapped[User] = relationship()
