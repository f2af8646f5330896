"""`ballot:cast` from the device outbox: resent until acked, the op_id is the ballot's id, so a
phone that drops its link after the tap and comes back is counted once."""

from accounts.events import acked
from accounts.models import User
from core.extensions import socketio
from core.validation import parse
from sittings import polls
from sittings.schemas import SocketBallot


@socketio.on("ballot:cast")
@acked
def on_ballot(user: User, payload):
    data = parse(SocketBallot, payload)
    ballot = polls.cast_ballot(user, data.poll_id, data.op_id, data.choice)
    return {"ok": True, "poll_id": data.poll_id, "receipt": ballot.receipt}
