"""Council operations: a province admin creates councils and names their officers; officers
keep their council's roster (the delegates its meetings are for)."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accounts import roster as roster_import
from accounts.models import User
from accounts.service import get_user, require_user
from audit import service as audit
from core.broadcast import disconnect_user_after_commit
from core.collation import name_key
from core.errors import AppError
from core.extensions import db
from councils.models import Council, CouncilLevel, CouncilMember, CouncilOfficer
from councils.permissions import may_enrol, runs_council
from councils.schemas import NewCouncil, NewOfficer, NewRosterMember

PROVINCE_WORDS = ("tỉnh", "thành phố")


def create_council(actor: User, data: NewCouncil) -> Council:
    _require_admin(actor)
    if db.session.scalar(select(Council).where(func.lower(Council.name) == data.name.lower())):
        raise AppError("council_taken", 409, name=data.name)
    council = Council(name=data.name, place=data.place, level=data.level or _level_of(data.name))
    db.session.add(council)
    db.session.flush()
    audit.record(
        actor,
        "council_created",
        council_id=council.id,
        name=council.name,
        place=council.place,
        level=str(council.level),
    )
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
        officer = CouncilOfficer(council_id=council.id, user_id=user.id)
        if not _insert_once(officer):  # named at the same moment by another admin
            officer = db.session.scalar(
                select(CouncilOfficer).where(
                    CouncilOfficer.council_id == council.id, CouncilOfficer.user_id == user.id
                )
            )
        else:
            audit.record(
                actor, "officer_added", council_id=council.id, user_id=user.id, username=user.username
            )
        db.session.expire(council, ["officers"])
    return officer


def _insert_once(row) -> bool:
    """Insert a row a unique constraint keeps single; False if a concurrent request got there
    first (a savepoint, so the rest of the unit of work stands)."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def remove_officer(actor: User, council_id: int, user_id: int) -> None:
    _require_admin(actor)
    council = get_council(actor, council_id)
    officer = db.session.scalar(
        select(CouncilOfficer).where(
            CouncilOfficer.council_id == council.id, CouncilOfficer.user_id == user_id
        )
    )
    if officer is None:
        raise AppError("officer_not_found", 404)
    removed = db.session.get(User, user_id)
    audit.record(
        actor,
        "officer_removed",
        council_id=council.id,
        user_id=user_id,
        username=removed.username if removed is not None else None,
    )
    db.session.delete(officer)
    disconnect_user_after_commit(db.session, user_id)
    db.session.flush()


def visible_councils(user: User) -> list[Council]:
    """Admins see every council; officers see the councils they work for."""
    query = select(Council).order_by(Council.level.desc(), Council.name)
    if not user.is_admin:
        query = query.join(CouncilOfficer).where(CouncilOfficer.user_id == user.id)
    return list(db.session.scalars(query))


def get_council(user: User, council_id: int) -> Council:
    """Unknown and not yours look the same: ids tell an outsider nothing."""
    council = db.session.get(Council, council_id)
    if council is None or not runs_council(user, council.id):
        raise AppError("council_not_found", 404)
    return council


def roster_users(council: Council) -> list[User]:
    """The council's delegates as Vietnamese lists order people: by given name (the last word),
    then by the whole name."""

    return sorted(
        (member.user for member in council.roster), key=lambda user: name_key(user.full_name or user.username)
    )


def roster(actor: User, council_id: int) -> list[User]:
    return roster_users(get_council(actor, council_id))


def add_to_roster(actor: User, council_id: int, data: NewRosterMember) -> tuple[User, bool]:
    """Put an existing account on the roster; (user, whether it was added just now)."""
    council = get_council(actor, council_id)
    user = require_user(data.username)
    if not may_enrol(actor, council.id, user):
        # Told as an unknown account: another council's people are not this officer's to look up.
        raise AppError("user_not_found", 404, username=data.username)
    added = _enrol(actor, council, user)
    db.session.flush()
    return user, added


def _enrol(actor: User, council: Council, user: User) -> bool:
    if any(member.user_id == user.id for member in council.roster):
        return False
    added = _insert_once(CouncilMember(council_id=council.id, user_id=user.id))
    db.session.expire(council, ["roster"])
    if added:
        audit.record(actor, "roster_added", council_id=council.id, user_id=user.id, username=user.username)
    return added


def remove_from_roster(actor: User, council_id: int, user_id: int) -> User:
    """Take a delegate off the roster; returns who it was. Taking them out of the council's
    meetings too is the meetings' part (meetings.service.remove_from_council_roster)."""
    council = get_council(actor, council_id)
    member = next((m for m in council.roster if m.user_id == user_id), None)
    if member is None or not may_enrol(actor, council.id, member.user):
        # Someone another council also counts stays: taking them off would cut their live
        # connection in that council's meetings too. An admin may.
        raise AppError("roster_member_not_found", 404)
    user = member.user
    audit.record(actor, "roster_removed", council_id=council.id, user_id=user_id, username=user.username)
    council.roster.remove(member)
    db.session.flush()
    return user


def import_roster(actor: User, council_id: int, data: bytes) -> dict:
    """The council's list of delegates from a spreadsheet: new usernames become accounts (as the
    admin's import makes them), existing ones are put on the roster as they are."""
    council = get_council(actor, council_id)
    report = roster_import.import_roster(data, actor=actor, keep_existing=True)
    _refuse_others(actor, council, report)
    added = []
    for row in report.created + report.existing:
        user = get_user(row["id"])
        if user is not None and _enrol(actor, council, user):
            added.append(row["username"])
    db.session.flush()
    return {**report.to_dict(), "added": added}


def _refuse_others(actor: User, council: Council, report) -> None:
    """Rows naming another council's people are refused as a taken username, nothing more said."""
    kept = []
    for row in report.existing:
        user = get_user(row["id"])
        if user is not None and not may_enrol(actor, council.id, user):
            error = AppError("username_taken", 409, username=row["username"])
            report.problems.append({"line": row["line"], "field": "username", **error.as_dict()})
        else:
            kept.append(row)
    report.existing = kept
    report.problems.sort(key=lambda problem: problem["line"])


def council_for_new_meeting(user: User, council_id: int | None) -> Council | None:
    """The council a new meeting belongs to: only its officers (and admins) convene for it."""
    return None if council_id is None else get_council(user, council_id)


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise AppError("forbidden", 403)
