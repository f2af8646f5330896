"""`flask demo`'s floor: a guest to question and a speaker queue on the sitting's current item."""

import click

from accounts.models import User
from accounts.schemas import NewUser
from accounts.service import create_user
from floor import service
from floor.schemas import CurrentItem, NewSpeaker
from meetings.models import Meeting, Role
from meetings.schemas import NewMember
from meetings.service import add_member

DEMO_GUEST = ("ubndxa", "Nông Văn Bình", "Chủ tịch UBND xã Thần Sa")


def add_demo_floor(secretary: User, meeting: Meeting, password: str) -> None:
    """Two delegates waiting to speak and a question to the commune's chairman on the first item."""
    guests = meeting.members_with_role(Role.GUEST)
    if guests:
        guest = guests[0]
    else:
        username, name, position = DEMO_GUEST
        guest = create_user(NewUser(username=username, password=password, full_name=name, position=position))
        add_member(secretary, meeting.id, NewMember(username=username, role=Role.GUEST))
        click.echo(f"  {username:<10} {Role.GUEST.value:<9} {name} ({position})")
    first = meeting.agenda_items[0]
    service.set_current_item(secretary, meeting.id, CurrentItem(agenda_item_id=first.id))
    delegates = {user.username: user for user in meeting.members_with_role(Role.DELEGATE)}
    requests = [
        ("delegate3", NewSpeaker(kind="speech", topic="Giao thông nông thôn và kênh mương nội đồng")),
        ("delegate4", NewSpeaker(kind="speech", topic="Chuyển đổi số ở thôn, bản")),
        (
            "delegate5",
            NewSpeaker(
                kind="question", topic="Khi nào hoàn thành đường liên thôn Nà Pàn?", addressee=guest.username
            ),
        ),
    ]
    for username, request in requests:
        if username in delegates:
            service.register(delegates[username], first.id, request)
