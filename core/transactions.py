"""One transaction per unit of work, owned by the boundary: the HTTP request, the Socket.IO event
and the CLI command commit (or roll back) once; services only add and flush.

So a multi-step operation (`flask demo`, a password change that also starts a new login) is
atomic, and `core.broadcast` effects run once, after that single commit. Two documented
exceptions: an annotation operation commits its change with its op_id's ack
(`annotations.service._commit`, docs/realtime.md), and a refusal that must leave a trace
(a failed login on the audit trail) asks for it with `keep_on_refusal`.
"""

from collections.abc import Callable
from functools import wraps

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.extensions import db

_WROTE = "wrote_in_transaction"
_KEEP = "keep_on_refusal"


def keep_on_refusal(session: Session | None = None) -> None:
    """What this unit of work wrote so far is committed even though it ends in a refusal."""
    (session or db.session).info[_KEEP] = True


def has_written(session: Session | None = None) -> bool:
    """Whether the open transaction changed anything (pending objects or flushed statements)."""
    session = session or db.session
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def release_connection() -> None:
    """Before a long wait (a worker, a hashing thread), give the pooled connection back.

    Only a transaction that wrote nothing is ended here; one that wrote (a CLI command's earlier
    steps) keeps its connection, so the unit of work stays one transaction.
    """
    if not has_written():
        db.session.commit()


def finish(refused: bool) -> None:
    """End the unit of work: commit, or roll back a refusal (unless it asked to be kept)."""
    session = db.session
    if refused and not session.info.get(_KEEP):
        session.rollback()
    else:
        session.commit()


def commit_response(response):
    """`after_request`: a 2xx/3xx answer commits; a refusal or failure rolls back."""
    finish(refused=response.status_code >= 400)
    return response


def unit_of_work(command: Callable) -> Callable:
    """A CLI command (or any caller outside a request) as one transaction."""

    @wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_KEEP, None)
