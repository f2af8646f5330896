"""Sittings and attendance: the chair opens and closes, delegates check in with the hall code,
the secretary marks by hand. Every change is audited and broadcast to the meeting's room after
the commit."""

from sqlalchemy import select

from accounts.models import User
from audit.service import record
from core.broadcast import after_commit, meeting_room
from core.clock import utcnow
from core.collation import name_key
from core.errors import AppError
from core.extensions import db
from meetings.models import Meeting
from meetings.permissions import require_visible
from sittings import checkin, messages, rules  # noqa: F401  (messages registers the refusals)
from sittings.models import Attendance, Poll, Sitting
from sittings.permissions import entitled_ids, is_entitled, require_runner, require_secretary
from sittings.schemas import AttendanceMark

PRESENT = ("present", "late")


def get_sitting(user: User, sitting_id: int) -> tuple[Sitting, Meeting]:
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is None:
        raise AppError("sitting_not_found", 404)
    meeting = require_visible(db.session.get(Meeting, sitting.meeting_id), user, "sitting_not_found")
    return sitting, meeting


def open_sitting_of(meeting_id: int) -> Sitting | None:
    return db.session.scalar(
        select(Sitting).where(Sitting.meeting_id == meeting_id, Sitting.closed_at.is_(None))
    )


def latest_sitting_of(meeting_id: int) -> Sitting | None:
    return db.session.scalar(
        select(Sitting).where(Sitting.meeting_id == meeting_id).order_by(Sitting.id.desc()).limit(1)
    )


def open_sitting(actor: User, meeting_id: int) -> Sitting:
    """The chair opens a phiên họp; a meeting has at most one open at a time."""
    meeting = require_visible(db.session.get(Meeting, meeting_id), actor)
    require_runner(meeting, actor)
    if open_sitting_of(meeting.id) is not None:
        raise AppError("sitting_already_open", 409)
    sitting = Sitting(meeting_id=meeting.id, opened_by_id=actor.id, opened_at=utcnow())
    db.session.add(sitting)
    db.session.flush()
    record(actor, "sitting.opened", meeting_id=meeting.id, sitting_id=sitting.id)
    _broadcast(meeting.id, "sitting:opened", {"sitting_id": sitting.id, "meeting_id": meeting.id})
    return sitting


def close_sitting(actor: User, sitting_id: int) -> Sitting:
    sitting, meeting = get_sitting(actor, sitting_id)
    require_runner(meeting, actor)
    if not sitting.is_open:
        raise AppError("sitting_closed", 409)
    still_open = db.session.scalar(select(Poll.id).where(Poll.sitting_id == sitting.id, Poll.state == "open"))
    if still_open is not None:
        raise AppError("poll_still_open", 409)
    sitting.closed_at = utcnow()
    sitting.closed_by_id = actor.id
    record(actor, "sitting.closed", meeting_id=meeting.id, sitting_id=sitting.id)
    _broadcast(meeting.id, "sitting:closed", {"sitting_id": sitting.id, "meeting_id": meeting.id})
    return sitting


def checkin_code(actor: User, sitting_id: int) -> dict:
    """The code the hall screen shows; only those who run the sitting may read it."""
    sitting, meeting = get_sitting(actor, sitting_id)
    require_runner(meeting, actor)
    if not sitting.is_open:
        raise AppError("sitting_closed", 409)
    code, expires_in = checkin.current(sitting.id)
    return {"code": code, "expires_in": expires_in, "meeting_id": meeting.id}


def check_in(actor: User, sitting_id: int, code: str) -> Attendance:
    """A delegate in the hall types the code on the screen: present."""
    sitting, meeting = get_sitting(actor, sitting_id)
    if not is_entitled(meeting, actor):
        raise AppError("not_entitled", 403)
    if not sitting.is_open:
        raise AppError("sitting_closed", 409)
    if not checkin.is_valid(sitting.id, code):
        raise AppError("checkin_code_invalid", 403)
    mark = _attendance(sitting.id, actor.id)
    if mark is not None and mark.status in PRESENT:
        return mark  # checked in twice (two devices, a resend): nothing changes
    if mark is None:
        mark = Attendance(sitting_id=sitting.id, user_id=actor.id, status="present", source="checkin")
        db.session.add(mark)
    else:
        mark.status, mark.reason, mark.source, mark.marked_at = "present", "", "checkin", utcnow()
    db.session.flush()
    record(actor, "sitting.checked_in", meeting_id=meeting.id, sitting_id=sitting.id)
    _attendance_changed(sitting, meeting)
    return mark


def mark_attendance(actor: User, sitting_id: int, user_id: int, data: AttendanceMark) -> Attendance:
    """The secretary marks a delegate present, late, or absent with a reason (có lý do / không)."""
    sitting, meeting = get_sitting(actor, sitting_id)
    require_secretary(meeting, actor)
    if not sitting.is_open:
        raise AppError("sitting_closed", 409)
    if not is_entitled(meeting, user_id):
        raise AppError("not_entitled", 403)
    mark = _attendance(sitting.id, user_id)
    if mark is None:
        mark = Attendance(sitting_id=sitting.id, user_id=user_id, status=data.status, source="secretary")
        db.session.add(mark)
    mark.status, mark.source, mark.marked_at = data.status, "secretary", utcnow()
    mark.reason = data.reason if data.status == "absent" else ""
    db.session.flush()
    record(
        actor,
        "sitting.attendance_marked",
        meeting_id=meeting.id,
        sitting_id=sitting.id,
        user_id=user_id,
        status=data.status,
        reason=mark.reason,
    )
    _attendance_changed(sitting, meeting)
    return mark


def undo_attendance(actor: User, sitting_id: int, user_id: int) -> None:
    """Undo a mistaken check-in or mark: the delegate is unmarked again."""
    sitting, meeting = get_sitting(actor, sitting_id)
    require_secretary(meeting, actor)
    if not sitting.is_open:
        raise AppError("sitting_closed", 409)
    mark = _attendance(sitting.id, user_id)
    if mark is None:
        return
    db.session.delete(mark)
    db.session.flush()
    record(actor, "sitting.attendance_undone", meeting_id=meeting.id, sitting_id=sitting.id, user_id=user_id)
    _attendance_changed(sitting, meeting)


def is_present(sitting_id: int, user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(Attendance.id).where(
                Attendance.sitting_id == sitting_id,
                Attendance.user_id == user_id,
                Attendance.status.in_(PRESENT),
            )
        )
    )


def present_ids(sitting_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Attendance.user_id).where(
                Attendance.sitting_id == sitting_id, Attendance.status.in_(PRESENT)
            )
        )
    )


def names_of(user_ids) -> dict[int, str]:
    """Each person's name as lists print it: the full name, or the username where none was given."""
    rows = db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(user_ids)))
    return {user_id: full_name or username for user_id, full_name, username in rows}


def attendance_summary(sitting: Sitting, meeting: Meeting, *, people: bool = True) -> dict:
    """ "Có mặt 18/25 · đủ điều kiện tiến hành", with each delegate's mark for chair and secretary."""
    entitled = entitled_ids(meeting)
    marks = {
        mark.user_id: mark
        for mark in db.session.scalars(select(Attendance).where(Attendance.sitting_id == sitting.id))
    }
    present = sum(1 for user_id in entitled if user_id in marks and marks[user_id].status in PRESENT)
    total = len(entitled)
    quorate = rules.is_quorate(meeting.council_id, present, total)
    summary = {
        "sitting_id": sitting.id,
        "total": total,
        "present": present,
        "quorate": quorate,
        "text": attendance_text(present, total, quorate),
    }
    if people:
        names = names_of(entitled)
        summary["people"] = [
            {
                "user_id": user_id,
                "full_name": names.get(user_id, ""),
                "status": marks[user_id].status if user_id in marks else "unmarked",
                "reason": marks[user_id].reason if user_id in marks else "",
                "source": marks[user_id].source if user_id in marks else None,
            }
            for user_id in entitled
        ]
        summary["people"].sort(key=lambda person: (name_key(person["full_name"]), person["user_id"]))
    return summary


def attendance_text(present: int, total: int, quorate: bool) -> str:
    verdict = "đủ điều kiện tiến hành" if quorate else "chưa đủ điều kiện tiến hành"
    return f"Có mặt {present}/{total} · {verdict}"


def attendance_of(sitting_id: int, user_id: int) -> Attendance | None:
    """One person's mark in a sitting (their own phone asks), or None when unmarked."""
    return _attendance(sitting_id, user_id)


def _attendance(sitting_id: int, user_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.sitting_id == sitting_id, Attendance.user_id == user_id)
    )


def _attendance_changed(sitting: Sitting, meeting: Meeting) -> None:
    summary = attendance_summary(sitting, meeting, people=False)
    _broadcast(meeting.id, "attendance:changed", summary)


def _broadcast(meeting_id: int, event: str, payload: dict) -> None:
    after_commit(db.session, event, payload, meeting_room(meeting_id))
