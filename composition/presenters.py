"""JSON that joins features: a meeting with its agenda's documents, shaped from each package's own
presenters (meetings.presenters, documents.presenters)."""

from documents.presenters import document_summary
from documents.reading import active_documents
from meetings.permissions import access_to
from meetings.presenters import meeting_summary, member_json


def meeting_detail(meeting, user) -> dict:
    """The meeting with its agenda; secretaries also see members and replaced versions."""
    access = access_to(meeting, user)
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
            }
            for item in meeting.agenda_items
        ],
    }
    if access.manages:
        detail["members"] = [member_json(m) for m in meeting.memberships]
    return detail
