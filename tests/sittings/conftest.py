"""A council's meeting ready for a sitting: an officer as secretary (staff, never counted), a
chair and delegates on the roster, and a guest (khách mời) who is never counted."""

from dataclasses import dataclass

import pytest

from core.transactions import unit_of_work


@dataclass
class Hall:
    meeting: object
    council: object
    secretary: object
    chair: object
    delegates: list
    guest: object


@pytest.fixture(autouse=True)
def every_count_sent_at_once(app):
    """No trailing pulse threads outliving a test: each ballot's count is sent with its commit."""
    app.config["POLL_PULSE_INTERVAL_S"] = 0


@pytest.fixture
def create_hall(app, create_user):
    from core.extensions import db
    from councils.models import Council, CouncilMember, CouncilOfficer
    from meetings import service
    from meetings.schemas import NewAgendaItem, NewMeeting, NewMember

    def build(delegates: int = 4) -> Hall:
        secretary = create_user("thuky", full_name="Lê Thư Ký")
        chair = create_user("chutoa", full_name="Nguyễn Chủ Tọa")
        people = [create_user(f"daibieu{n:02d}", full_name=f"Đại Biểu {n:02d}") for n in range(1, delegates)]
        guest = create_user("khachmoi", full_name="Trần Khách Mời")

        @unit_of_work
        def convene():
            council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa")
            council.officers.append(CouncilOfficer(user=secretary))
            for person in (chair, *people):
                council.roster.append(CouncilMember(user=person))
            db.session.add(council)
            db.session.flush()
            meeting = service.create_meeting(
                secretary,
                NewMeeting(
                    title="Kỳ họp thứ Mười hai",
                    starts_at="2026-12-01T08:00:00+07:00",
                    location="Hội trường",
                    council_id=council.id,
                ),
            )
            service.invite_council_roster(secretary, meeting.id)
            service.add_member(secretary, meeting.id, NewMember(username="chutoa", role="chair"))
            service.add_member(secretary, meeting.id, NewMember(username="khachmoi", role="guest"))
            service.add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Nghị quyết chuyển đổi số"))
            service.publish(secretary, meeting.id)
            return meeting, council

        meeting, council = convene()
        return Hall(meeting, council, secretary, chair, people, guest)

    return build
