"""Many delegates writing into one document at the same moment, each on a connection of its own
(real threads; on the PostgreSQL pass, a real PostgreSQL server and its row locks).

Every change takes the document's next seq, so catch-up (`?since=`) misses nothing: the seqs
handed out are consecutive, with no gap and no duplicate, and an op_id sent by several devices
at once is stored once and acked the same everywhere.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from accounts.service import find_user
from annotations import service
from annotations.models import Annotation, ProcessedOperation
from annotations.schemas import NewAnnotation
from core.extensions import db
from core.validation import parse
from tests.annotations.payloads import comment

WRITERS = ("daibieu1", "daibieu2", "daibieu3", "chutoa")
EACH = 8


def _at_once(app, work, callers):
    """Run `work(username)` on one thread per caller, released together, each in its own app context."""
    start = threading.Barrier(len(callers))

    def run(username):
        with app.app_context():
            user = find_user(username)
            db.session.commit()  # hold no snapshot from before the barrier
            start.wait(timeout=30)
            try:
                return work(user)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(callers)) as pool:
        return list(pool.map(run, callers))


def test_writers_at_once_get_consecutive_seqs_and_lose_nothing(app, document, first_paragraph):
    """The document has no seq yet: the first writers also race to create its counter."""

    def write(user):
        return [
            service.create_annotation(
                user, parse(NewAnnotation, comment(document, first_paragraph, f"Ý kiến {n}"))
            )
            for n in range(EACH)
        ]

    acks = [ack for batch in _at_once(app, write, WRITERS) for ack in batch]
    assert all(ack["ok"] for ack in acks)
    assert sorted(ack["seq"] for ack in acks) == list(range(1, len(WRITERS) * EACH + 1))
    stored = db.session.scalars(select(Annotation.seq).where(Annotation.document_id == document.id)).all()
    assert sorted(stored) == list(range(1, len(WRITERS) * EACH + 1))


def test_one_op_id_sent_by_several_devices_at_once_is_stored_once(app, document, first_paragraph):
    """A delegate's phone and tablet (or a resend racing the first try) send the same operation."""
    payload = comment(document, first_paragraph, "Gửi một lần thôi")

    def send(user):
        return service.create_annotation(user, parse(NewAnnotation, payload))

    acks = _at_once(app, send, ["daibieu1"] * 6)
    assert all(ack["ok"] for ack in acks)
    assert len({(ack["id"], ack["seq"]) for ack in acks}) == 1
    assert (
        db.session.scalar(select(func.count(Annotation.id)).where(Annotation.document_id == document.id)) == 1
    )
    assert db.session.scalar(select(func.count(ProcessedOperation.id))) == 1
    # The seqs the losing tries took were rolled back with them: the next change follows on.
    [ack] = {ack["seq"] for ack in acks}
    nxt = service.create_annotation(
        find_user("daibieu2"), parse(NewAnnotation, comment(document, first_paragraph))
    )
    assert nxt["seq"] == ack + 1
