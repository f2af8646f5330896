"""Who the caller is to a meeting: read once per request or live event, then asked of pure rules."""

import pytest
from sqlalchemy import event

from core.extensions import db, socketio
from meetings.access import MeetingAccess
from meetings.models import Role

NO = None


@pytest.mark.parametrize(
    ("role", "officer", "belongs", "admin", "published", "sees", "manages", "moderates_and_exports"),
    [
        (Role.DELEGATE, False, True, False, True, True, False, False),
        (Role.DELEGATE, False, True, False, False, False, False, False),  # a draft
        (Role.DELEGATE, False, False, False, True, False, False, False),  # taken off the roster
        (Role.CHAIR, False, True, False, True, True, False, True),
        (Role.CHAIR, False, False, False, True, False, False, False),
        (Role.SECRETARY, False, True, False, False, True, True, True),
        (NO, True, True, False, False, True, True, True),  # the council's officer: staff who run it
        (NO, False, True, True, False, True, True, True),  # an admin
        (NO, False, True, False, True, False, False, False),  # on the roster, not invited
    ],
)
def test_each_standing_in_a_meeting_gives_what_the_rules_say(
    role, officer, belongs, admin, published, sees, manages, moderates_and_exports
):
    access = MeetingAccess(
        1, 2, admin=admin, role=role, officer=officer, belongs=belongs, published=published
    )
    assert (access.sees, access.manages) == (sees, manages)
    assert access.moderates == access.exports == moderates_and_exports


@pytest.fixture
def standing_queries(app):
    """How many statements ask about memberships, officers or rosters while the block runs."""
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if any(table in statement for table in ("memberships", "council_officers", "council_members")):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def council_document(create_user, create_meeting, create_document):
    from councils.models import Council, CouncilMember

    secretary, chair = create_user("thuky"), create_user("chutoa")
    meeting = create_meeting(secretary, chair=chair)
    council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa")
    council.roster.extend(CouncilMember(user_id=m.user_id) for m in meeting.memberships)
    db.session.add(council)
    db.session.flush()
    meeting.council_id = council.id
    db.session.commit()
    return create_document(secretary, meeting.agenda_items[0], "chuong-trinh-ky-hop.pdf")


def test_reading_a_documents_comments_asks_who_the_caller_is_once(api, council_document, standing_queries):
    caller = api("chutoa")
    standing_queries.clear()
    assert caller.get(f"/api/documents/{council_document.id}/annotations").status_code == 200
    assert len(standing_queries) == 1, standing_queries


def test_a_live_comment_asks_who_the_caller_is_once(app, token_for, council_document, standing_queries):
    client = socketio.test_client(app, auth={"token": token_for("chutoa")})
    client.emit("document:join", {"document_id": council_document.id}, callback=True)
    standing_queries.clear()
    ack = client.emit(
        "annotation:create",
        {
            "op_id": "7f9c1b2e-0000-4000-8000-000000000001",
            "document_id": council_document.id,
            "kind": "comment",
            "target": {"paragraph_id": None, "quote": ""},
            "body": "Đề nghị làm rõ.",
        },
        callback=True,
    )
    client.disconnect()
    assert ack["ok"], ack
    assert len(standing_queries) == 1, standing_queries


@pytest.mark.parametrize(
    ("admin", "officer", "published", "sees", "guest"),
    [
        (False, False, True, True, True),  # khách mời: invited by name, needs no council seat
        (False, False, False, False, True),  # not the draft
        (True, False, False, True, False),  # an admin who is also a guest is staff, and shares
        (False, True, False, True, False),  # so is the council's officer
    ],
)
def test_a_guest_sees_the_published_meeting_only_and_is_a_guest_unless_they_run_the_council(
    admin, officer, published, sees, guest
):
    access = MeetingAccess(
        1, 2, admin=admin, role=Role.GUEST, officer=officer, belongs=admin or officer, published=published
    )
    assert (access.sees, access.guest, access.manages) == (sees, guest, admin or officer)


def test_a_guest_finds_the_published_meeting_they_are_invited_to_in_their_list(
    api, council_document, create_user
):
    from meetings import service
    from meetings.schemas import NewMember

    meeting = council_document.meeting
    secretary = db.session.get(type(meeting.memberships[0].user), meeting.created_by_id)
    create_user("khachmoi")
    service.add_member(secretary, meeting.id, NewMember(username="khachmoi", role="guest"))
    db.session.commit()

    listed = api("khachmoi").get("/api/meetings").get_json()

    assert [m["id"] for m in listed] == [meeting.id]
