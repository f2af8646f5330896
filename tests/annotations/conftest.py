"""A published meeting with a chair, three delegates and a document, and socket clients for them."""

import pytest

from core.extensions import socketio


@pytest.fixture
def people(create_user):
    return {
        name: create_user(name)
        for name in ("thuky", "chutoa", "daibieu1", "daibieu2", "daibieu3", "nguoingoai")
    }


@pytest.fixture
def meeting(people, create_meeting):
    """A meeting of the commune council of Thần Sa, whose name heads the digest's papers."""
    from core.extensions import db
    from councils.models import Council, CouncilMember

    meeting = create_meeting(
        people["thuky"],
        chair=people["chutoa"],
        delegates=[people["daibieu1"], people["daibieu2"], people["daibieu3"]],
        agenda=("Dự thảo nghị quyết", "Chương trình"),
    )
    council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa", level="commune")
    council.roster = [CouncilMember(user_id=membership.user_id) for membership in meeting.memberships]
    meeting.council = council
    db.session.commit()
    return meeting


@pytest.fixture
def document(meeting, people, create_document):
    return create_document(people["thuky"], meeting.agenda_items[0], "du-thao-nghi-quyet-v1.pdf")


@pytest.fixture
def other_document(meeting, people, create_document):
    return create_document(people["thuky"], meeting.agenda_items[1], "chuong-trinh-ky-hop.pdf")


@pytest.fixture
def first_paragraph(document):
    from documents.models import Paragraph

    return Paragraph.query.filter_by(document_id=document.id).order_by(Paragraph.number).first()


@pytest.fixture
def connect(app, token_for):
    """`connect("daibieu1")`: a Socket.IO test client signed in as that user."""
    clients = []

    def factory(username: str):
        client = socketio.test_client(app, auth={"token": token_for(username)})
        assert client.is_connected()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def join(connect, document):
    """`join("daibieu1")`: connected, in the document's room, with earlier events drained."""

    def factory(username: str, document_id: int | None = None):
        client = connect(username)
        ack = client.emit("document:join", {"document_id": document_id or document.id}, callback=True)
        assert ack["ok"], ack
        client.get_received()
        return client

    return factory


@pytest.fixture
def create_annotation(app):
    """`create_annotation(author, document, kind, ...)`: stored straight through the model, with a seq.

    For digest and export tests, which need annotations at given times without a socket round trip.
    """
    from datetime import datetime

    from annotations.models import Annotation, DocumentSequence
    from core.extensions import db

    def factory(
        author,
        document,
        kind: str = "comment",
        *,
        paragraph=None,
        body: str = "Đề nghị làm rõ nguồn kinh phí.",
        target: dict | None = None,
        visibility: str = "shared",
        reply_to=None,
        created_at: datetime | None = None,
        hidden: bool = False,
        deleted: bool = False,
    ) -> Annotation:
        if target is None:
            quote = paragraph.text if paragraph else ""
            target = {"paragraph_id": paragraph.id if paragraph else None, "quote": quote}
        sequence = db.session.get(DocumentSequence, document.id)
        if sequence is None:
            sequence = DocumentSequence(document_id=document.id, last_seq=0)
            db.session.add(sequence)
        sequence.last_seq += 1
        when = created_at or datetime(2026, 12, 1, 2, 0)
        annotation = Annotation(
            document_id=document.id,
            author=author,
            kind=kind,
            visibility=visibility,
            target=target,
            body=body,
            paragraph_id=paragraph.id if paragraph else (reply_to.paragraph_id if reply_to else None),
            page=paragraph.page if paragraph else target.get("page"),
            reply_to_id=reply_to.id if reply_to else None,
            seq=sequence.last_seq,
            created_at=when,
            updated_at=when,
            hidden_at=when if hidden else None,
            deleted_at=when if deleted else None,
        )
        db.session.add(annotation)
        db.session.commit()
        return annotation

    return factory
