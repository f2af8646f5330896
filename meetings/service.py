"""Meeting operations: the secretary builds the meeting; members see it once published."""

from sqlalchemy import func, select

from accounts.models import User
from accounts.service import require_user
from audit import service as audit
from core.broadcast import after_commit, disconnect_user_after_commit, user_room
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from councils import service as councils_service
from councils.permissions import belongs_to, is_officer, officer_councils, roster_councils
from councils.service import council_for_new_meeting, roster_users
from meetings.models import AgendaItem, Meeting, MeetingStatus, Membership, Role
from meetings.permissions import require_manager, require_visible
from meetings.presenters import meeting_summary
from meetings.schemas import AgendaOrder, MeetingChanges, NewAgendaItem, NewMeeting, NewMember


def create_meeting(actor: User, data: NewMeeting) -> Meeting:
    """Only those an admin allows may convene a meeting; they become its first secretary.
    A council's meeting is convened by its officers (an admin named them) or an admin."""
    council = council_for_new_meeting(actor, data.council_id)
    if council is None and not actor.may_convene:
        raise AppError("convene_not_allowed", 403)
    meeting = Meeting(
        title=data.title,
        starts_at=data.starts_at,
        location=data.location,
        created_by_id=actor.id,
        council=council,
    )
    meeting.memberships.append(Membership(user_id=actor.id, role=Role.SECRETARY))
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting_created", meeting_id=meeting.id, title=meeting.title)
    db.session.flush()
    return meeting


def update_meeting(actor: User, meeting_id: int, changes: MeetingChanges) -> Meeting:
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    if changes.title is not None:
        meeting.title = changes.title
    if changes.starts_at is not None:
        meeting.starts_at = changes.starts_at
    if changes.location is not None:
        meeting.location = changes.location
    if changes.council_id is not None and changes.council_id != meeting.council_id:
        _join_council(actor, meeting, changes.council_id)
    notify_members(meeting, "meeting:updated")
    db.session.flush()
    return meeting


def _join_council(actor: User, meeting: Meeting, council_id: int) -> None:
    """A meeting made without a council gets one (its roster, its name on the digest), once:
    every member (secretaries too, who would lose sight of it) must already be on that council's
    roster or among its officers."""
    if meeting.council_id is not None:
        raise AppError("meeting_council_fixed", 409)
    council = council_for_new_meeting(actor, council_id)
    for membership in meeting.memberships:
        if not belongs_to(membership.user, council.id):
            raise AppError(
                "not_on_council_roster", 409, username=membership.user.username, council=council.name
            )
    meeting.council = council
    audit.record(actor, "meeting_council_set", meeting_id=meeting.id, council_id=council.id)


def visible_meetings(user: User) -> list[Meeting]:
    """What meetings.permissions.can_see allows, as one query: the user's meetings (of their
    councils only, or published ones they are a guest of), and every meeting of the councils they
    are an officer of."""
    query = select(Meeting).order_by(Meeting.starts_at.desc())
    if not user.is_admin:
        mine = (
            select(Membership.meeting_id)
            .join(Meeting, Meeting.id == Membership.meeting_id)
            .where(Membership.user_id == user.id)
            .where((Meeting.status == MeetingStatus.PUBLISHED) | (Membership.role == Role.SECRETARY))
            # A guest (khách mời) is invited by name from outside the council (MeetingAccess.sees).
            .where(
                Meeting.council_id.is_(None)
                | Meeting.council_id.in_(roster_councils(user))
                | (Membership.role == Role.GUEST)
            )
        )
        query = query.where(Meeting.id.in_(mine) | Meeting.council_id.in_(officer_councils(user)))
    return list(db.session.scalars(query))


def get_meeting(user: User, meeting_id: int) -> Meeting:
    return require_visible(db.session.get(Meeting, meeting_id), user)


def audit_events(actor: User, meeting_id: int, before: int | None = None) -> list:
    """What happened in one meeting, for those who manage it (its secretaries, officers, admins)."""
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    return audit.events_of_meeting(meeting.id, before)


def add_member(actor: User, meeting_id: int, data: NewMember) -> Membership:
    """Invite someone, or change their role if they are already a member. Guests (khách mời) come
    from outside the council; every other role needs a seat on its roster or office."""
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    user = require_user(data.username)
    if data.role != Role.GUEST and not belongs_to(user, meeting.council_id):
        raise AppError("not_on_council_roster", 409, username=user.username, council=meeting.council.name)
    membership = db.session.scalar(
        select(Membership).where(Membership.meeting_id == meeting.id, Membership.user_id == user.id)
    )
    membership = _seat(actor, meeting, user, Role(data.role), membership)
    db.session.flush()
    return membership


def invite_council_roster(actor: User, meeting_id: int) -> list[Membership]:
    """Invite everyone on the meeting's council roster not yet invited, as delegates: a
    council's sessions are for all its delegates, and typing thirty usernames is how one is missed."""
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    if meeting.council is None:
        raise AppError("meeting_has_no_council", 409)
    invited = {membership.user_id for membership in meeting.memberships}
    added = [
        _seat(actor, meeting, user, Role.DELEGATE)
        for user in roster_users(meeting.council)
        if user.id not in invited and user.is_active
    ]
    db.session.flush()
    return added


def _seat(actor: User, meeting: Meeting, user: User, role: Role, membership: Membership | None = None):
    """Give `user` the `role` in `meeting` (a new membership, or a changed role), with its audit
    line; a published meeting appears on their open pages after the commit."""
    details = {"meeting_id": meeting.id, "user_id": user.id, "username": user.username, "role": role}
    if membership is None:
        membership = Membership(meeting=meeting, user=user, role=role)
        db.session.add(membership)
        audit.record(actor, "member_added", **details)
    else:
        audit.record(actor, "member_role_changed", **details, previous=membership.role)
        membership.role = role
    if meeting.is_published:
        summary = meeting_summary(meeting, user, role)
        after_commit(db.session, "meeting:published", summary, user_room(user.id))
    return membership


def remove_member(actor: User, meeting_id: int, user_id: int) -> None:
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    membership = db.session.scalar(
        select(Membership).where(Membership.meeting_id == meeting.id, Membership.user_id == user_id)
    )
    if membership is None:
        raise AppError("member_not_found", 404)
    after_commit(db.session, "meeting:removed", {"id": meeting.id}, user_room(user_id))
    disconnect_user_after_commit(db.session, user_id)
    audit.record(actor, "member_removed", meeting_id=meeting.id, user_id=user_id, role=membership.role)
    db.session.delete(membership)
    db.session.flush()


def remove_from_council_roster(actor: User, council_id: int, user_id: int) -> None:
    """Off the roster, a delegate is taken out of the council's meetings at once (as a secretary
    removing a member does): their open pages are told, their live connections dropped, and no
    event of those meetings reaches them any more. Their comments stay in the meetings' records.
    An officer keeps the meetings: they run the council whether on its roster or not."""
    user = councils_service.remove_from_roster(actor, council_id, user_id)
    if is_officer(user, council_id):
        return
    memberships = db.session.scalars(
        select(Membership)
        .join(Meeting, Meeting.id == Membership.meeting_id)
        .where(Meeting.council_id == council_id, Membership.user_id == user_id)
    )
    for membership in memberships:
        after_commit(db.session, "meeting:removed", {"id": membership.meeting_id}, user_room(user_id))
        audit.record(
            actor, "member_removed", meeting_id=membership.meeting_id, user_id=user_id, role=membership.role
        )
        db.session.delete(membership)
    disconnect_user_after_commit(db.session, user_id)
    db.session.flush()


def add_agenda_item(actor: User, meeting_id: int, data: NewAgendaItem) -> AgendaItem:
    """A new item goes last. Its position is read from the table by the INSERT itself, never from
    the meeting's loaded agenda, which is stale once this unit of work has added an item (`flask
    demo` adds several in one transaction)."""
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    # Two secretaries adding at once must not take the same position: on PostgreSQL the meeting's
    # row is held until commit (NO KEY UPDATE: rows that refer to the meeting are still written
    # meanwhile); SQLite has one writer at a time and reads the position inside the INSERT.
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update(key_share=True))
    last = (
        select(func.coalesce(func.max(AgendaItem.position), 0))
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
        .scalar_subquery()
    )
    item = AgendaItem(meeting=meeting, title=data.title, position=last + 1)
    db.session.add(item)
    notify_members(meeting, "meeting:updated")
    db.session.flush()
    db.session.expire(meeting, ["agenda_items"])  # read afresh, with the new item, when next asked
    return item


def get_agenda_item_for_manager(actor: User, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.removed_at is not None:
        raise AppError("agenda_item_not_found", 404)
    require_manager(item.meeting, actor, "agenda_item_not_found")
    return item


def rename_agenda_item(actor: User, item_id: int, data: NewAgendaItem) -> AgendaItem:
    item = get_agenda_item_for_manager(actor, item_id)
    item.title = data.title
    notify_members(item.meeting, "meeting:updated")
    db.session.flush()
    return item


def reorder_agenda(actor: User, meeting_id: int, order: AgendaOrder) -> Meeting:
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    items = {item.id: item for item in meeting.agenda_items}
    if sorted(order.item_ids) != sorted(items):
        raise AppError("agenda_order_mismatch")
    for position, item_id in enumerate(order.item_ids, start=1):
        items[item_id].position = position
    notify_members(meeting, "meeting:updated")
    db.session.flush()
    db.session.refresh(meeting)
    return meeting


def remove_agenda_item(actor: User, item_id: int) -> None:
    """Take an item off the agenda; its documents must be withdrawn first, so none is lost."""
    item = get_agenda_item_for_manager(actor, item_id)
    if any(document.is_active for document in item.documents):
        raise AppError("agenda_item_not_empty", 409)
    item.removed_at = utcnow()
    notify_members(item.meeting, "meeting:updated")
    db.session.flush()


def publish(actor: User, meeting_id: int) -> Meeting:
    """Members see the meeting from now on; their open meeting lists get it at once."""
    meeting = require_manager(db.session.get(Meeting, meeting_id), actor)
    if not meeting.is_published:
        meeting.status = MeetingStatus.PUBLISHED
        meeting.published_at = utcnow()
        audit.record(actor, "meeting_published", meeting_id=meeting.id)
        for membership in meeting.memberships:
            after_commit(
                db.session,
                "meeting:published",
                meeting_summary(meeting, membership.user, Role(membership.role)),
                user_room(membership.user_id),
            )
    db.session.flush()
    return meeting


def notify_members(meeting: Meeting, event_name: str) -> None:
    """Tell members' open pages to refresh this meeting; drafts only concern secretaries."""
    for membership in meeting.memberships:
        if meeting.is_published or membership.role == Role.SECRETARY:
            after_commit(db.session, event_name, {"id": meeting.id}, user_room(membership.user_id))
