"""HTTP adapters for the sitting: the contract's JSON routes and the sitting pages."""

from flask import Blueprint, jsonify, render_template, url_for
from flask_login import current_user, login_required

from core.http import json_body
from core.validation import parse
from meetings.service import get_meeting
from sittings import polls, qr, service
from sittings.permissions import require_runner
from sittings.presenter import sitting_state
from sittings.schemas import AttendanceMark, BoardResult, CheckIn, HandsBallot, NewBallot, NewPoll

bp = Blueprint("sittings", __name__)


@bp.post("/api/meetings/<int:meeting_id>/sittings")
@login_required
def api_open_sitting(meeting_id: int):
    sitting = service.open_sitting(current_user, meeting_id)
    return jsonify({"id": sitting.id}), 201


@bp.post("/api/sittings/<int:sitting_id>/close")
@login_required
def api_close_sitting(sitting_id: int):
    sitting = service.close_sitting(current_user, sitting_id)
    return jsonify({"id": sitting.id, "closed_at": sitting.closed_at.isoformat()})


@bp.get("/api/meetings/<int:meeting_id>/sitting")
@login_required
def api_meeting_sitting(meeting_id: int):
    return jsonify(sitting_state(current_user, meeting_id))


@bp.get("/api/sittings/<int:sitting_id>/checkin-code")
@login_required
def api_checkin_code(sitting_id: int):
    shown = service.checkin_code(current_user, sitting_id)
    link = url_for("sittings.vote_page", meeting_id=shown["meeting_id"], code=shown["code"], _external=True)
    return jsonify({**shown, "qr": qr.data_uri(link)})


@bp.post("/api/sittings/<int:sitting_id>/checkin")
@login_required
def api_check_in(sitting_id: int):
    mark = service.check_in(current_user, sitting_id, parse(CheckIn, json_body()).code)
    return jsonify({"status": mark.status})


@bp.get("/api/sittings/<int:sitting_id>/attendance")
@login_required
def api_attendance(sitting_id: int):
    sitting, meeting = service.get_sitting(current_user, sitting_id)
    return jsonify(service.attendance_summary(sitting, meeting))


@bp.put("/api/sittings/<int:sitting_id>/attendance/<int:user_id>")
@login_required
def api_mark_attendance(sitting_id: int, user_id: int):
    mark = service.mark_attendance(current_user, sitting_id, user_id, parse(AttendanceMark, json_body()))
    return jsonify({"user_id": mark.user_id, "status": mark.status, "reason": mark.reason})


@bp.delete("/api/sittings/<int:sitting_id>/attendance/<int:user_id>")
@login_required
def api_undo_attendance(sitting_id: int, user_id: int):
    service.undo_attendance(current_user, sitting_id, user_id)
    return jsonify({"user_id": user_id, "status": "unmarked"})


@bp.post("/api/meetings/<int:meeting_id>/polls")
@login_required
def api_create_poll(meeting_id: int):
    poll = polls.create_poll(current_user, meeting_id, parse(NewPoll, json_body()))
    return jsonify({"id": poll.id}), 201


@bp.get("/api/polls/<int:poll_id>")
@login_required
def api_poll(poll_id: int):
    poll, meeting = polls.get_poll(current_user, poll_id)
    return jsonify(polls.poll_detail(poll, meeting, current_user))


@bp.post("/api/polls/<int:poll_id>/open")
@login_required
def api_open_poll(poll_id: int):
    poll = polls.open_poll(current_user, poll_id)
    return jsonify({"id": poll.id, "state": poll.state})


@bp.post("/api/polls/<int:poll_id>/close")
@login_required
def api_close_poll(poll_id: int):
    poll = polls.close_poll(current_user, poll_id)
    return jsonify(
        {"id": poll.id, "state": poll.state, "counts": poll.counts, "result_text": poll.result_text}
    )


@bp.post("/api/polls/<int:poll_id>/ballots")
@login_required
def api_cast_ballot(poll_id: int):
    data = parse(NewBallot, json_body())
    ballot = polls.cast_ballot(current_user, poll_id, data.ballot_id, data.choice)
    return jsonify({"receipt": ballot.receipt})


@bp.post("/api/polls/<int:poll_id>/hands")
@login_required
def api_record_hands(poll_id: int):
    ballot = polls.record_hands(current_user, poll_id, parse(HandsBallot, json_body()))
    return jsonify({"receipt": ballot.receipt, "by_hands": True})


@bp.post("/api/polls/<int:poll_id>/result")
@login_required
def api_board_result(poll_id: int):
    poll = polls.enter_board_result(current_user, poll_id, parse(BoardResult, json_body()))
    return jsonify(
        {"id": poll.id, "state": poll.state, "counts": poll.counts, "result_text": poll.result_text}
    )


@bp.get("/meetings/<int:meeting_id>/sitting")
@login_required
def sitting_page(meeting_id: int):
    """The chair's and secretary's console: open/close, attendance, polls."""
    meeting = get_meeting(current_user, meeting_id)
    require_runner(meeting, current_user)
    return render_template("sittings/console.html", meeting=meeting)


@bp.get("/meetings/<int:meeting_id>/vote")
@login_required
def vote_page(meeting_id: int):
    """The delegate's phone: check in with the hall code, then vote."""
    meeting = get_meeting(current_user, meeting_id)
    return render_template("sittings/vote.html", meeting=meeting)
