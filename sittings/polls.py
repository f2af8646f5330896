"""Polls and ballots: counted exactly once over a dropping link, frozen at close, by the law.

A ballot carries the device's own id: the same id again is the same ballot (the first answer,
even after close, for a ballot that reached the server while the poll was open); a different
second ballot is refused unless the council allows changes. Closing freezes the total, who was
present, the counts, the named list and a hash chain over the ballots in order.
"""

import hashlib
import hmac
import json

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from audit.service import record
from core.clock import utcnow
from core.collation import name_key
from core.errors import AppError
from core.extensions import db
from documents.models import Document
from meetings.models import AgendaItem, Meeting
from meetings.permissions import require_visible
from sittings import pulse, rules
from sittings.models import Ballot, Poll
from sittings.permissions import (
    can_run,
    entitled_count,
    entitled_ids,
    is_entitled,
    require_runner,
    require_secretary,
)
from sittings.schemas import BoardResult, HandsBallot, NewPoll
from sittings.service import _broadcast, is_present, names_of, open_sitting_of, present_ids

RECEIPT_ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
CHOICES = ("for", "against", "abstain")


def get_poll(user: User, poll_id: int) -> tuple[Poll, Meeting]:
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise AppError("poll_not_found", 404)
    meeting = require_visible(db.session.get(Meeting, poll.meeting_id), user, "poll_not_found")
    return poll, meeting


def create_poll(actor: User, meeting_id: int, data: NewPoll) -> Poll:
    """The secretary prepares a poll per draft resolution, tied to its agenda item and document."""
    meeting = require_visible(db.session.get(Meeting, meeting_id), actor)
    require_secretary(meeting, actor)
    _check_belongs(meeting, data)
    poll = Poll(
        meeting_id=meeting.id,
        title=data.title,
        agenda_item_id=data.agenda_item_id,
        document_id=data.document_id,
        rule=data.rule,
        kind=data.kind,
        state="draft",
    )
    db.session.add(poll)
    db.session.flush()
    record(actor, "poll.created", meeting_id=meeting.id, poll_id=poll.id, title=poll.title, rule=poll.rule)
    _changed(poll, meeting)  # the chair's console lists it at once
    return poll


def open_poll(actor: User, poll_id: int) -> Poll:
    poll, meeting = get_poll(actor, poll_id)
    require_runner(meeting, actor)
    if poll.kind == "manual":
        raise AppError("poll_is_manual", 409)
    if poll.state != "draft":
        raise AppError("poll_not_draft", 409)
    sitting = open_sitting_of(meeting.id)
    if sitting is None:
        raise AppError("sitting_not_open", 409)
    poll.state, poll.sitting_id, poll.opened_at = "open", sitting.id, utcnow()
    record(actor, "poll.opened", meeting_id=meeting.id, poll_id=poll.id)
    _changed(poll, meeting)
    return poll


def not_voted(poll: Poll, meeting: Meeting) -> list[dict]:
    """Present delegates whose ballot has not reached the server: named to the chair before close."""
    voted = set(db.session.scalars(select(Ballot.user_id).where(Ballot.poll_id == poll.id)))
    present = present_ids(poll.sitting_id)
    waiting = [uid for uid in entitled_ids(meeting) if uid in present and uid not in voted]
    names = names_of(waiting)
    return [{"user_id": uid, "full_name": names.get(uid, "")} for uid in waiting]


def close_poll(actor: User, poll_id: int) -> Poll:
    """Freeze who was entitled and present with the tally; later check-ins change nothing."""
    poll = db.session.scalar(select(Poll).where(Poll.id == poll_id).with_for_update())
    if poll is None:
        raise AppError("poll_not_found", 404)
    poll, meeting = get_poll(actor, poll_id)
    require_runner(meeting, actor)
    if poll.kind == "manual":
        raise AppError("poll_is_manual", 409)
    if poll.state != "open":
        raise AppError("poll_not_open", 409)
    _freeze(poll, meeting)
    record(
        actor,
        "poll.closed",
        meeting_id=meeting.id,
        poll_id=poll.id,
        counts=poll.counts,
        result_text=poll.result_text,
        digest=poll.digest,
    )
    _changed(poll, meeting)
    return poll


def cast_ballot(actor: User, poll_id: int, ballot_id: str, choice: str) -> Ballot:
    """A delegate's own ballot, from their device (HTTP or the outbox's `ballot:cast`)."""
    poll, meeting = get_poll(actor, poll_id)
    return _cast(actor, poll, meeting, actor.id, ballot_id, choice, recorded_by=None)


def record_hands(actor: User, poll_id: int, data: HandsBallot) -> Ballot:
    """The secretary records the show of hands of a delegate whose device failed, marked as such."""
    poll, meeting = get_poll(actor, poll_id)
    require_secretary(meeting, actor)
    return _cast(actor, poll, meeting, data.user_id, data.ballot_id, data.choice, recorded_by=actor)


def enter_board_result(actor: User, poll_id: int, data: BoardResult) -> Poll:
    """A secret ballot stays on paper: the secretary enters the vote-counting board's totals."""
    poll, meeting = get_poll(actor, poll_id)
    require_secretary(meeting, actor)
    if poll.kind != "manual":
        raise AppError("poll_not_manual", 409)
    if poll.state == "closed":
        raise AppError("poll_not_open", 409)
    total = entitled_count(meeting)
    if data.for_ + data.against + data.abstain > total:
        raise AppError("board_totals_inconsistent")
    counts = {"for": data.for_, "against": data.against, "abstain": data.abstain}
    counts["not_voted"] = 0
    counts["absent"] = total - sum(counts.values())
    board = {name: getattr(data, name) for name in ("issued", "returned", "valid", "invalid")}
    sitting = open_sitting_of(meeting.id)
    poll.sitting_id = poll.sitting_id or (sitting.id if sitting else None)
    poll.board, poll.counts, poll.total, poll.roll = board, counts, total, None
    _decide(poll, meeting)
    poll.state, poll.closed_at = "closed", utcnow()
    poll.digest = chain_digest(poll, [])
    record(
        actor, "poll.board_result", meeting_id=meeting.id, poll_id=poll.id, counts=counts, board=board,
        result_text=poll.result_text, digest=poll.digest,
    )  # fmt: skip
    _changed(poll, meeting)
    return poll


def poll_detail(poll: Poll, meeting: Meeting, user: User) -> dict:
    """The contract's shape; how anyone voted stays hidden until the poll closes."""
    detail = {
        "id": poll.id,
        "meeting_id": poll.meeting_id,
        "sitting_id": poll.sitting_id,
        "agenda_item_id": poll.agenda_item_id,
        "document_id": poll.document_id,
        "title": poll.title,
        "kind": poll.kind,
        "state": poll.state,
        "rule": poll.rule,
        "rule_article": rules.rule(meeting.council_id, poll.rule).article,
        "total": poll.total,
        "counts": poll.counts,
        "passed": poll.passed,
        "result_text": poll.result_text,
        "digest": poll.digest,
        "board": poll.board,
        "roll": poll.roll,
        "opened_at": poll.opened_at.isoformat() if poll.opened_at else None,
        "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
    }
    if poll.state != "closed":
        voted = _voted_count(poll.id)
        detail["total"] = entitled_count(meeting)
        detail["voted"] = voted
        detail["counts"] = {"for": None, "against": None, "abstain": None, "not_voted": None, "absent": None}
        if poll.state == "open" and can_run(meeting, user):
            detail["not_voted"] = not_voted(poll, meeting)
    mine = db.session.scalar(select(Ballot).where(Ballot.poll_id == poll.id, Ballot.user_id == user.id))
    detail["my_ballot"] = {"receipt": mine.receipt, "choice": mine.choice} if mine else None
    return detail


def meeting_polls(meeting: Meeting) -> list[Poll]:
    return list(db.session.scalars(select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.id)))


def chain_digest(poll: Poll, ballots: list[Ballot]) -> str:
    """A hash chain over the ballots in the order they arrived (or over a board's totals)."""
    link = hashlib.sha256(f"poll:{poll.id}:{poll.title}:{poll.rule}:{poll.kind}".encode()).hexdigest()
    if poll.kind == "manual":
        return hashlib.sha256(
            (link + json.dumps([poll.counts, poll.board], sort_keys=True)).encode()
        ).hexdigest()
    for ballot in ballots:
        hands = ballot.recorded_by_id or ""
        row = f"{ballot.user_id}|{ballot.ballot_id}|{ballot.choice}|{ballot.receipt}|{hands}"
        link = hashlib.sha256(f"{link}|{row}".encode()).hexdigest()
    return link


def verify(poll: Poll) -> bool:
    """Whether the stored ballots still match the digest printed with the result."""
    return poll.digest == chain_digest(poll, _ballots(poll.id))


def closed_polls() -> list[Poll]:
    return list(db.session.scalars(select(Poll).where(Poll.state == "closed").order_by(Poll.id)))


def _cast(actor, poll, meeting, voter_id, ballot_id, choice, recorded_by):
    existing = db.session.scalar(select(Ballot).where(Ballot.poll_id == poll.id, Ballot.user_id == voter_id))
    if existing is not None and existing.ballot_id == ballot_id:
        if existing.choice != choice:
            raise AppError("ballot_id_reused", 409)
        return existing  # a resend (a lost ack, the outbox again): the first answer, even after close
    if not is_entitled(meeting, voter_id):
        raise AppError("not_entitled", 403)
    # Read the state under a share lock: close takes the row for update, so a ballot stored
    # before close is in the tally and one after it is refused (PostgreSQL; SQLite has one writer).
    state = db.session.scalar(select(Poll.state).where(Poll.id == poll.id).with_for_update(read=True))
    if state != "open" or poll.kind != "electronic":
        raise AppError("poll_not_open", 409)
    if not is_present(poll.sitting_id, voter_id):
        raise AppError("not_present", 403)
    if existing is not None:
        if not rules.allows_ballot_change(meeting.council_id):
            raise AppError("already_voted", 409)
        previous = existing.choice
        existing.ballot_id, existing.choice, existing.cast_at = ballot_id, choice, utcnow()
        existing.receipt = _receipt(poll.id, voter_id, ballot_id)
        db.session.flush()
        record(actor, "poll.ballot_changed", meeting_id=meeting.id, poll_id=poll.id, previous=previous)
        pulse.ballot_counted(poll.id, meeting.id, _open_payload)
        return existing
    ballot = Ballot(
        poll_id=poll.id,
        user_id=voter_id,
        ballot_id=ballot_id,
        choice=choice,
        receipt=_receipt(poll.id, voter_id, ballot_id),
        recorded_by_id=recorded_by.id if recorded_by else None,
        cast_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
    except IntegrityError:  # the same delegate's other device won the race
        winner = db.session.scalar(
            select(Ballot).where(Ballot.poll_id == poll.id, Ballot.user_id == voter_id)
        )
        if winner is not None and winner.ballot_id == ballot_id:
            return winner
        raise AppError("already_voted", 409) from None
    # The audit trail says that a ballot was cast, never its choice: the named list says that at close.
    if recorded_by is None:
        record(actor, "poll.ballot_cast", meeting_id=meeting.id, poll_id=poll.id, receipt=ballot.receipt)
    else:
        record(
            actor, "poll.hands_recorded", meeting_id=meeting.id, poll_id=poll.id, user_id=voter_id,
            receipt=ballot.receipt,
        )  # fmt: skip
    db.session.flush()
    pulse.ballot_counted(poll.id, meeting.id, _open_payload)
    return ballot


def _freeze(poll: Poll, meeting: Meeting) -> None:
    entitled = entitled_ids(meeting)
    present = present_ids(poll.sitting_id)
    ballots = _ballots(poll.id)
    by_user = {ballot.user_id: ballot for ballot in ballots}
    names = names_of(entitled)
    counts = dict.fromkeys((*CHOICES, "not_voted", "absent"), 0)
    roll = []
    for user_id in entitled:
        ballot = by_user.get(user_id)
        status = ballot.choice if ballot else ("not_voted" if user_id in present else "absent")
        counts[status] += 1
        roll.append(
            {
                "user_id": user_id,
                "full_name": names.get(user_id, ""),
                "status": status,
                "receipt": ballot.receipt if ballot else None,
                "by_hands": bool(ballot and ballot.recorded_by_id),
            }
        )
    poll.total, poll.counts = len(entitled), counts
    poll.roll = sorted(roll, key=lambda row: (name_key(row["full_name"]), row["user_id"]))  # Vietnamese order
    poll.present = len(present)
    _decide(poll, meeting)
    poll.state, poll.closed_at = "closed", utcnow()
    poll.digest = chain_digest(poll, ballots)


def _decide(poll: Poll, meeting: Meeting) -> None:
    poll.passed = rules.passes(meeting.council_id, poll.rule, poll.counts["for"], poll.total)
    poll.result_text = rules.result_text(poll.counts["for"], poll.total, poll.passed)


def _ballots(poll_id: int) -> list[Ballot]:
    return list(db.session.scalars(select(Ballot).where(Ballot.poll_id == poll_id).order_by(Ballot.id)))


def _voted_count(poll_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll_id)) or 0


def _receipt(poll_id: int, user_id: int, ballot_id: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    key = secret.encode() if isinstance(secret, str) else secret
    number = int.from_bytes(
        hmac.new(key, f"receipt:{poll_id}:{user_id}:{ballot_id}".encode(), "sha256").digest()[:8]
    )
    code = []
    for _ in range(4):
        number, index = divmod(number, len(RECEIPT_ALPHABET))
        code.append(RECEIPT_ALPHABET[index])
    return "".join(code)


def _check_belongs(meeting: Meeting, data: NewPoll) -> None:
    if data.agenda_item_id is not None:
        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise AppError("document_outside_meeting")
    if data.document_id is not None:
        document = db.session.get(Document, data.document_id)
        item = db.session.get(AgendaItem, document.agenda_item_id) if document else None
        if item is None or item.meeting_id != meeting.id:
            raise AppError("document_outside_meeting")


def _changed(poll: Poll, meeting: Meeting) -> None:
    """`poll:changed`: how many voted while open, never how; the result once closed."""
    payload = {"poll_id": poll.id, "state": poll.state, "title": poll.title}
    if poll.state == "closed":
        payload.update(
            voted=sum(poll.counts[c] for c in CHOICES), entitled=poll.total, result_text=poll.result_text
        )
    else:
        payload.update(voted=_voted_count(poll.id), entitled=entitled_count(meeting))
    _broadcast(meeting.id, "poll:changed", payload)


def _open_payload(poll_id: int) -> dict | None:
    """The count as it is now, for a pulse sent after the ballot's own transaction."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.state != "open":
        return None  # closed meanwhile: close sent the result itself
    meeting = db.session.get(Meeting, poll.meeting_id)
    return {
        "poll_id": poll.id,
        "state": poll.state,
        "title": poll.title,
        "voted": _voted_count(poll.id),
        "entitled": entitled_count(meeting),
    }
