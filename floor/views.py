"""HTTP adapters for the floor: the speaker routes of the contract, the chair's controls, the
questioning notes, and the three pages (hall screen, chair's console, a delegate's floor page)."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from core.http import json_body
from core.validation import parse
from documents.service import active_documents
from floor import audit_labels, errors, presenter, questions, service  # noqa: F401 (their texts)
from floor.permissions import access, require_runner
from floor.schemas import (
    AnswerNote,
    CommitmentReport,
    CurrentItem,
    NewCommitment,
    NewSpeaker,
    Projection,
    SpeakerOrder,
)
from floor.timing import WARNING_S
from meetings.service import get_meeting

bp = Blueprint("floor", __name__)


def _queue_json(speakers) -> list[dict]:
    return [presenter.speaker_json(s) for s in speakers]


@bp.post("/api/agenda/<int:item_id>/speakers")
@login_required
def api_register(item_id: int):
    speaker = service.register(current_user, item_id, parse(NewSpeaker, json_body()))
    return jsonify({"id": speaker.id, "position": speaker.position}), 201


@bp.get("/api/agenda/<int:item_id>/speakers")
@login_required
def api_queue(item_id: int):
    return jsonify(_queue_json(service.queue(current_user, item_id)))


@bp.put("/api/agenda/<int:item_id>/speakers/order")
@login_required
def api_reorder(item_id: int):
    return jsonify(_queue_json(service.reorder(current_user, item_id, parse(SpeakerOrder, json_body()))))


@bp.post("/api/speakers/<int:speaker_id>/start")
@login_required
def api_start(speaker_id: int):
    return jsonify(presenter.speaker_json(service.start(current_user, speaker_id)))


@bp.post("/api/speakers/<int:speaker_id>/next")
@login_required
def api_next_phase(speaker_id: int):
    return jsonify(presenter.speaker_json(service.next_phase(current_user, speaker_id)))


@bp.post("/api/speakers/<int:speaker_id>/stop")
@login_required
def api_stop(speaker_id: int):
    return jsonify(presenter.speaker_json(service.stop(current_user, speaker_id)))


@bp.delete("/api/speakers/<int:speaker_id>")
@login_required
def api_withdraw(speaker_id: int):
    service.withdraw(current_user, speaker_id)
    return jsonify({"ok": True})


@bp.put("/api/speakers/<int:speaker_id>/answer")
@login_required
def api_note_answer(speaker_id: int):
    return jsonify(
        presenter.speaker_json(
            questions.note_answer(current_user, speaker_id, parse(AnswerNote, json_body()))
        )
    )


@bp.post("/api/speakers/<int:speaker_id>/commitments")
@login_required
def api_add_commitment(speaker_id: int):
    commitment = questions.add_commitment(current_user, speaker_id, parse(NewCommitment, json_body()))
    return jsonify(presenter.commitment_json(commitment)), 201


@bp.post("/api/commitments/<int:commitment_id>/close")
@login_required
def api_close_commitment(commitment_id: int):
    commitment = questions.close_commitment(current_user, commitment_id, parse(CommitmentReport, json_body()))
    return jsonify(presenter.commitment_json(commitment))


@bp.get("/api/councils/<int:council_id>/commitments")
@login_required
def api_council_commitments(council_id: int):
    return jsonify(
        [presenter.commitment_json(c) for c in questions.council_commitments(current_user, council_id)]
    )


@bp.get("/api/meetings/<int:meeting_id>/commitments")
@login_required
def api_promised(meeting_id: int):
    found = questions.promised(current_user, meeting_id)
    return jsonify({key: [presenter.commitment_json(c) for c in rows] for key, rows in found.items()})


@bp.get("/api/meetings/<int:meeting_id>/floor")
@login_required
def api_floor(meeting_id: int):
    return jsonify(service.floor_snapshot(current_user, meeting_id))


@bp.put("/api/meetings/<int:meeting_id>/floor/item")
@login_required
def api_current_item(meeting_id: int):
    service.set_current_item(current_user, meeting_id, parse(CurrentItem, json_body()))
    return jsonify(service.floor_snapshot(current_user, meeting_id))


@bp.put("/api/meetings/<int:meeting_id>/floor/projection")
@login_required
def api_project(meeting_id: int):
    service.project(current_user, meeting_id, parse(Projection, json_body()))
    return jsonify(service.floor_snapshot(current_user, meeting_id))


def _page(template: str, meeting_id: int, **extra):
    meeting = get_meeting(current_user, meeting_id)
    found = access(meeting, current_user)
    agenda = [
        {
            "id": item.id,
            "title": item.title,
            "position": item.position,
            "documents": [
                {"id": d.id, "title": d.title, "page_count": d.page_count} for d in active_documents(item)
            ],
        }
        for item in meeting.agenda_items
    ]
    return render_template(
        template, meeting=meeting, access=found, agenda=agenda, warning_s=WARNING_S, **extra
    )


@bp.get("/meetings/<int:meeting_id>/screen")
@login_required
def screen_page(meeting_id: int):
    """The hall screen: whoever may read the meeting may open it on the projector's browser."""
    return _page("floor/screen.html", meeting_id)


@bp.get("/meetings/<int:meeting_id>/console")
@login_required
def console_page(meeting_id: int):
    meeting = get_meeting(current_user, meeting_id)
    require_runner(meeting, current_user)
    return _page("floor/console.html", meeting_id)


@bp.get("/meetings/<int:meeting_id>/floor")
@login_required
def delegate_page(meeting_id: int):
    """A delegate's floor: ask to speak, file a question, see the queue and one's turn."""
    meeting = get_meeting(current_user, meeting_id)
    guests = [m.user for m in meeting.memberships if m.role == "guest"]
    return _page("floor/delegate.html", meeting_id, guests=guests)
