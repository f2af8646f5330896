"""How many have voted, sent to the meeting's room at most once a second per poll.

Each ballot changes the count; sent on every ballot, 500 ballots in 10 s to 500 phones in the room
would be 250,000 messages. The first ballot after a quiet second is sent at once; later ones in
that second are folded into one trailing message with the count as it then is. Process-local:
with several processes each folds its own ballots (the message queue carries them all).
"""

import time

from flask import current_app

from core.broadcast import meeting_room, run_after_commit
from core.extensions import db, socketio

DEFAULT_INTERVAL_S = 1.0


def _state() -> dict:
    return current_app.extensions.setdefault("poll_pulse", {"sent": {}, "pending": set()})


def ballot_counted(poll_id: int, meeting_id: int, payload_for) -> None:
    """After the commit, send `payload_for(poll_id)` now, or once the second is over."""
    interval = current_app.config.get("POLL_PULSE_INTERVAL_S", DEFAULT_INTERVAL_S)
    state = _state()
    now = time.monotonic()
    room = meeting_room(meeting_id)
    if interval <= 0 or now - state["sent"].get(poll_id, 0.0) >= interval:
        state["sent"][poll_id] = now
        payload = payload_for(poll_id)
        run_after_commit(db.session, lambda: socketio.emit("poll:changed", payload, to=room))
        return
    if poll_id in state["pending"]:
        return
    state["pending"].add(poll_id)
    app = current_app._get_current_object()
    wait = interval - (now - state["sent"][poll_id])
    run_after_commit(
        db.session, lambda: socketio.start_background_task(_trailing, app, poll_id, room, wait, payload_for)
    )


def _trailing(app, poll_id: int, room: str, wait: float, payload_for) -> None:
    socketio.sleep(wait)
    with app.app_context():
        state = _state()
        state["pending"].discard(poll_id)
        state["sent"][poll_id] = time.monotonic()
        try:
            payload = payload_for(poll_id)
            if payload is not None:
                socketio.emit("poll:changed", payload, to=room)
        except Exception:  # the next ballot or the close sends the count again; never a dead thread
            app.logger.warning("poll %s: the trailing count could not be sent", poll_id, exc_info=True)
        finally:
            db.session.remove()
