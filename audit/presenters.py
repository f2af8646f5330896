"""Audit events as JSON: the one place an event is shaped for the audit pages and API."""


def event_json(event) -> dict:
    actor = event.actor
    return {
        "id": event.id,
        "at": event.created_at.isoformat(),
        "actor": None
        if actor is None
        else {"id": actor.id, "username": actor.username, "full_name": actor.full_name},
        "action": event.action,
        "meeting_id": event.meeting_id,
        "document_id": event.document_id,
        "address": event.address,
        "detail": {**(event.detail or {}), "count": event.count} if event.tally_key else event.detail or {},
    }
