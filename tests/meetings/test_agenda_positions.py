"""A new agenda item goes last: several added in one unit of work (`flask demo`, a script) are
numbered one after another, and two secretaries adding at the same moment, each on a connection
of its own (real threads; on the PostgreSQL pass, a real server and its row locks), never share a
position."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from accounts.service import find_user
from core.extensions import db
from meetings.models import AgendaItem, Meeting
from meetings.schemas import NewAgendaItem
from meetings.service import add_agenda_item, remove_agenda_item


@pytest.fixture
def secretaries(create_user):
    return [create_user("thuky"), create_user("thuky2")]


@pytest.fixture
def meeting(secretaries, create_meeting):
    from meetings.schemas import NewMember
    from meetings.service import add_member

    meeting = create_meeting(secretaries[0], agenda=())
    add_member(secretaries[0], meeting.id, NewMember(username="thuky2", role="secretary"))
    db.session.commit()
    return meeting


def _positions(meeting_id: int) -> list[tuple[str, int]]:
    query = select(AgendaItem.title, AgendaItem.position).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.removed_at.is_(None)
    )
    return sorted(db.session.execute(query).all(), key=lambda row: row.position)


def test_items_added_in_one_unit_of_work_are_numbered_in_order(secretaries, meeting):
    """The meeting's agenda was read before the items exist, as in `flask demo`."""
    assert meeting.agenda_items == []
    for title in ("Báo cáo", "Tờ trình", "Dự thảo nghị quyết"):
        add_agenda_item(secretaries[0], meeting.id, NewAgendaItem(title=title))
    assert [item.title for item in meeting.agenda_items] == ["Báo cáo", "Tờ trình", "Dự thảo nghị quyết"]
    assert [item.position for item in meeting.agenda_items] == [1, 2, 3]
    db.session.commit()
    assert _positions(meeting.id) == [("Báo cáo", 1), ("Tờ trình", 2), ("Dự thảo nghị quyết", 3)]


def test_an_item_added_after_one_was_removed_goes_after_the_last_item_left(secretaries, meeting):
    _first, second = (
        add_agenda_item(secretaries[0], meeting.id, NewAgendaItem(title=title)) for title in ("Một", "Hai")
    )
    remove_agenda_item(secretaries[0], second.id)
    add_agenda_item(secretaries[0], meeting.id, NewAgendaItem(title="Ba"))
    db.session.commit()
    assert _positions(meeting.id) == [("Một", 1), ("Ba", 2)]


def test_secretaries_adding_items_at_the_same_moment_get_consecutive_positions(app, secretaries, meeting):
    start = threading.Barrier(len(secretaries))
    each = 4

    def add(username):
        with app.app_context():
            secretary = find_user(username)
            db.session.commit()  # hold no snapshot from before the barrier
            start.wait(timeout=30)
            try:
                for n in range(each):
                    add_agenda_item(secretary, meeting.id, NewAgendaItem(title=f"{username} {n}"))
                    db.session.commit()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(secretaries)) as pool:
        list(pool.map(add, [s.username for s in secretaries]))
    db.session.expire_all()
    positions = [position for _title, position in _positions(meeting.id)]
    assert positions == list(range(1, len(secretaries) * each + 1))
    assert len(db.session.get(Meeting, meeting.id).agenda_items) == len(secretaries) * each
