"""Who may read, edit, moderate, export and receive each annotation: the one place to ask.

Like h's permission map, every adapter asks here: the write service, catch-up, live broadcasts,
the digest and exports, and the reader template. Meeting visibility itself (members see a
published meeting, secretaries the draft) stays in meetings.permissions; this module adds what
an annotation's visibility and moderation change on top of it.

The rules:
* shared annotations are read by everyone who may read the document; private ones only by
  their author (for anyone else they do not exist: `annotation_not_found`, like unknown ids);
* only the author edits or deletes their own annotation;
* the chair, the secretaries and admins moderate (hide a shared comment) and export
  (meetings.permissions: a meeting role's rule); a hidden comment's text reaches only them and
  its author, everyone else gets it redacted;
* exports carry shared annotations only, never private ones;
* a guest (khách mời: an official invited to read the papers and answer questions, never
  counted) keeps their highlights, ink and notes private and starts no shared thread; they may
  answer in a delegate's shared thread ("giải trình"), and those answers are labelled as a
  guest's and never counted as delegates' opinions (annotations.digest).
"""

from sqlalchemy import ColumnElement, or_

from accounts.models import User
from annotations.models import Annotation, Visibility
from core.broadcast import document_room, user_room
from core.errors import AppError
from meetings.models import Meeting

# The meeting roles' rules live in meetings.permissions; named here too, where callers ask.
from meetings.permissions import (  # noqa: F401
    MODERATORS,
    can_export,
    can_moderate,
    guest_ids,
    is_guest,
    moderator_ids,
    require_exporter,
    require_moderator,
)


def can_read(user: User, annotation: Annotation) -> bool:
    """Given that `user` may read the annotation's document (documents.service.get_document)."""
    return annotation.visibility == Visibility.SHARED or annotation.author_id == user.id


def can_edit(user: User, annotation: Annotation) -> bool:
    return annotation.author_id == user.id


def require_readable(user: User, annotation: Annotation | None) -> Annotation:
    """Unknown, other meetings', other documents' and others' private ids all look the same."""
    if annotation is None or not can_read(user, annotation):
        raise AppError("annotation_not_found", 404)
    return annotation


def require_editable(user: User, annotation: Annotation) -> Annotation:
    if not can_edit(user, annotation):
        raise AppError("not_your_annotation", 403)
    return annotation


def visible_filter(user: User) -> ColumnElement[bool]:
    """The SQL form of `can_read`, for queries over one document the user may read."""
    return or_(Annotation.visibility == Visibility.SHARED, Annotation.author_id == user.id)


def exportable_filter() -> ColumnElement[bool]:
    """What may leave in the digest and exports: shared annotations only."""
    return Annotation.visibility == Visibility.SHARED


def sees_hidden_text(user: User, annotation: Annotation, moderator: bool) -> bool:
    """`moderator` is `can_moderate(user, meeting)`, asked once per request, not per row."""
    return moderator or annotation.author_id == user.id


def reply_visibility_allowed(parent: Annotation, visibility: str) -> bool:
    """A reply is never more visible than its thread: replies in a private thread stay private."""
    return not (parent.visibility == Visibility.PRIVATE and visibility == Visibility.SHARED)


def guest_may_share(visibility: str, parent: Annotation | None) -> bool:
    """What a guest may make shared: only an answer in a shared thread, never a thread or a mark."""
    return visibility != Visibility.SHARED or (parent is not None and parent.visibility == Visibility.SHARED)


def require_may_share(guest: bool, visibility: str | None, parent: Annotation | None) -> None:
    """Asked on create and on edit, by every adapter through annotations.service: a guest's
    (`is_guest(user, meeting)`) shared annotation other than an answer in a shared thread is
    refused (`guest_cannot_share`), and nothing is stored."""
    if guest and not guest_may_share(visibility, parent):
        raise AppError("guest_cannot_share", 403)


def recipients(annotation: Annotation, meeting: Meeting) -> list[tuple[str, bool]]:
    """The rooms a change goes to, each with whether the text must be redacted there.

    A private annotation reaches its author's devices only; a shared one the document's room,
    redacted if hidden, and unredacted to the author and the meeting's moderators: the same set
    `can_moderate` shows the text to when they read it later (meetings.access.moderator_ids).
    """
    if annotation.visibility == Visibility.PRIVATE:
        return [(user_room(annotation.author_id), False)]
    rooms = [(document_room(annotation.document_id), True)]
    if annotation.is_hidden and not annotation.is_deleted:
        moderators = moderator_ids(meeting)
        rooms += [(user_room(user_id), False) for user_id in sorted(moderators | {annotation.author_id})]
    return rooms
