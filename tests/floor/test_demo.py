"""`flask demo` opens the floor: a guest to question and a queue on the current item."""

from accounts.service import find_user
from floor.service import floor_snapshot
from meetings.service import visible_meetings


def test_the_demo_has_a_speaker_queue_on_the_current_item(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "ubndxa" in result.output
    chair = find_user("chair")
    [meeting] = visible_meetings(chair)
    floor = floor_snapshot(chair, meeting.id)
    assert floor["agenda_item"]["id"] == meeting.agenda_items[0].id
    assert [s["kind"] for s in floor["queue"]] == ["speech", "speech", "question"]
    assert floor["queue"][2]["addressee"]["name"] == "Nông Văn Bình"
