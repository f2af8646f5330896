"""Follow a meeting's sitting live: the room every sitting event (attendance, polls, the floor,
the hall screen) is sent to. Joining asks the same question as reading the meeting."""

from flask_socketio import join_room, leave_room

from accounts.events import acked
from accounts.models import User
from core.broadcast import meeting_room
from core.extensions import socketio
from core.validation import parse
from meetings.schemas import MeetingRef
from meetings.service import get_meeting


@socketio.on("meeting:join")
@acked
def on_join(user: User, payload):
    meeting = get_meeting(user, parse(MeetingRef, payload).meeting_id)
    join_room(meeting_room(meeting.id))
    return {"ok": True}


@socketio.on("meeting:leave")
@acked
def on_leave(_user: User, payload):
    leave_room(meeting_room(parse(MeetingRef, payload).meeting_id))
    return {"ok": True}
