"""Who moderates a meeting's comments: its chair and secretaries, its council's officers and admins,
the same people whether a hidden comment reaches them live or they read the document later."""

import pytest

from core.extensions import db
from tests.annotations.payloads import comment, op_id, received

TEXT = "Đề nghị làm rõ nguồn kinh phí."


@pytest.fixture
def council_meeting(meeting, create_user):
    """The meeting is a council's (its members on the roster), `canbo` an officer, `quantri` an admin."""
    from councils.models import CouncilOfficer

    officer = create_user("canbo")
    create_user("quantri", admin=True)
    meeting.council.officers.append(CouncilOfficer(user=officer))
    db.session.commit()
    return meeting


@pytest.mark.parametrize(
    ("username", "moderates"),
    [("daibieu2", False), ("chutoa", True), ("thuky", True), ("canbo", True), ("quantri", True)],
)
def test_a_hidden_comments_text_reaches_live_exactly_those_the_reader_shows_it_to(
    council_meeting, join, connect, api, document, first_paragraph, username, moderates
):
    watcher = join(username)
    created = join("daibieu1").emit("annotation:create", comment(document, first_paragraph), callback=True)
    watcher.get_received()
    ack = connect("thuky").emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    assert ack["ok"], ack
    live = {event["body"] for event in received(watcher, "annotation:updated")}
    later = api(username).get(f"/api/documents/{document.id}/annotations").get_json()["annotations"]
    [read] = [a["body"] for a in later if a["id"] == created["id"]]
    assert (TEXT in live) == moderates
    assert read == (TEXT if moderates else "")


@pytest.mark.parametrize(("username", "ack"), [("daibieu2", "forbidden"), ("canbo", "ok"), ("quantri", "ok")])
def test_the_councils_officers_hide_comments_as_the_chair_does(
    council_meeting, join, document, first_paragraph, username, ack
):
    created = join("daibieu1").emit("annotation:create", comment(document, first_paragraph), callback=True)
    answer = join(username).emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    assert ("ok" if answer["ok"] else answer["error"]) == ack
