"""JSON that joins features: a meeting with its agenda's documents, shaped from each package's own
presenters (meetings.presenters, documents.presenters)."""

from documents.presenters import document_summary
from documents.reading import active_documents
from meetings.permissions import access_to
from meetings.presenters import meeting_summary, member_json
from sittings.polls import meeting_polls


def meeting_detail(meeting, user) -> dict:
    """The meeting with its agenda; secretaries also see members and replaced versions."""
    access = access_to(meeting, user)
    votes = _closed_votes_by_item(meeting)
    detail = {
        **meeting_summary(meeting, user, access.role),
        "can_manage": access.manages,
        "can_export": access.exports,
        "agenda": [
            {
                "id": item.id,
                "position": item.position,
                "title": item.title,
                "documents": [document_summary(doc) for doc in active_documents(item)],
                "votes": votes.get(item.id, []),
            }
            for item in meeting.agenda_items
        ],
    }
    if access.manages:
        detail["members"] = [member_json(m) for m in meeting.memberships]
    return detail


def _closed_votes_by_item(meeting) -> dict[int, list[dict]]:
    """Each resolution voted on, under its agenda item (or its document's): passed or not, with the
    official wording frozen at close, so the agenda shows what the council decided."""
    documents = {doc.id: item.id for item in meeting.agenda_items for doc in item.documents}
    votes: dict[int, list[dict]] = {}
    for poll in meeting_polls(meeting):
        item_id = poll.agenda_item_id or documents.get(poll.document_id)
        if poll.state != "closed" or not poll.result_text or item_id is None:
            continue
        votes.setdefault(item_id, []).append(
            {
                "poll_id": poll.id,
                "title": poll.title,
                "document_id": poll.document_id,
                "passed": bool(poll.passed),
                "result_text": poll.result_text,
            }
        )
    return votes
