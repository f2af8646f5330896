"""Council operations: a province admin creates councils and names their officers."""

from sqlalchemy import func, select

from accounts.models import User
from accounts.service import require_user
from core.errors import AppError
from core.extensions import db
from councils.models import Council, CouncilLevel, CouncilOfficer
from councils.schemas import NewCouncil, NewOfficer

PROVINCE_WORDS = ("tỉnh", "thành phố")


def create_council(actor: User, data: NewCouncil) -> Council:
    _require_admin(actor)
    if db.session.scalar(select(Council).where(func.lower(Council.name) == data.name.lower())):
        raise AppError("council_taken", 409, name=data.name)
    council = Council(name=data.name, place=data.place, level=data.level or _level_of(data.name))
    db.session.add(council)
    db.session.flush()
    return council


def _level_of(name: str) -> CouncilLevel:
    lowered = name.lower()
    return (
        CouncilLevel.PROVINCE
        if any(f" {word} " in f" {lowered} " for word in PROVINCE_WORDS)
        else (CouncilLevel.COMMUNE)
    )


def add_officer(actor: User, council_id: int, data: NewOfficer) -> CouncilOfficer:
    _require_admin(actor)
    council = get_council(actor, council_id)
    user = require_user(data.username)
    officer = db.session.scalar(
        select(CouncilOfficer).where(
            CouncilOfficer.council_id == council.id, CouncilOfficer.user_id == user.id
        )
    )
    if officer is None:
        officer = CouncilOfficer(council=council, user=user)
        db.session.add(officer)
        db.session.flush()
    return officer


def visible_councils(user: User) -> list[Council]:
    """Admins see every council; officers see the councils they work for."""
    query = select(Council).order_by(Council.level.desc(), Council.name)
    if not user.is_admin:
        query = query.join(CouncilOfficer).where(CouncilOfficer.user_id == user.id)
    return list(db.session.scalars(query))


def get_council(user: User, council_id: int) -> Council:
    """Unknown and not yours look the same: ids tell an outsider nothing."""
    council = db.session.get(Council, council_id)
    if council is None or not (user.is_admin or is_officer(user, council)):
        raise AppError("council_not_found", 404)
    return council


def council_for_new_meeting(user: User, council_id: int | None) -> Council | None:
    """The council a new meeting belongs to: only its officers (and admins) convene for it."""
    return None if council_id is None else get_council(user, council_id)


def is_officer(user: User, council: Council) -> bool:
    return any(officer.user_id == user.id for officer in council.officers)


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise AppError("forbidden", 403)
