"""Who belongs to a council: the one place meetings and councils ask.

Officers (office staff) run a council: its roster, its meetings, drafts included. Delegates on
its roster take part in the meetings they are invited to. Nobody else sees anything of it.
"""

from sqlalchemy import exists, select

from accounts.models import User
from core.extensions import db
from councils.models import CouncilMember, CouncilOfficer


def is_officer(user: User, council_id: int | None) -> bool:
    if council_id is None:
        return False
    return bool(
        db.session.scalar(
            select(exists().where(CouncilOfficer.council_id == council_id, CouncilOfficer.user_id == user.id))
        )
    )


def runs_council(user: User, council_id: int | None) -> bool:
    """Admins and the council's officers manage its roster and every meeting it holds."""
    return council_id is not None and (user.is_admin or is_officer(user, council_id))


def belongs_to(user: User, council_id: int | None) -> bool:
    """May take part in the council's meetings: on its roster, or one of its officers.
    A meeting of no council asks nothing more than membership."""
    if council_id is None or user.is_admin:
        return True
    on_roster = exists().where(CouncilMember.council_id == council_id, CouncilMember.user_id == user.id)
    officer = exists().where(CouncilOfficer.council_id == council_id, CouncilOfficer.user_id == user.id)
    return bool(db.session.scalar(select(on_roster | officer)))


def officer_councils(user: User):
    """The ids of the councils `user` is an officer of, as a subquery."""
    return select(CouncilOfficer.council_id).where(CouncilOfficer.user_id == user.id)


def roster_councils(user: User):
    """The ids of the councils whose meetings `user` may take part in, as a subquery."""
    return (
        select(CouncilMember.council_id)
        .where(CouncilMember.user_id == user.id)
        .union(select(CouncilOfficer.council_id).where(CouncilOfficer.user_id == user.id))
    )


def belongs_elsewhere(user: User, council_id: int) -> bool:
    """On another council's roster or among its officers: not an account this council's officers
    may take onto their roster, or off it (an admin may)."""
    on_roster = exists().where(CouncilMember.council_id != council_id, CouncilMember.user_id == user.id)
    officer = exists().where(CouncilOfficer.council_id != council_id, CouncilOfficer.user_id == user.id)
    return bool(db.session.scalar(select(on_roster | officer)))


def may_enrol(actor: User, council_id: int, user: User) -> bool:
    """Officers put on their roster only their own council's people or accounts of no council."""
    return actor.is_admin or not belongs_elsewhere(user, council_id)
