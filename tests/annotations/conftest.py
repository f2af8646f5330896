"""A published meeting with a chair, three delegates and a document, and socket clients for them."""

import os

import pytest

from core.app import create_app
from core.extensions import db, socketio


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """TEMPORARY copy of the shared fixture that also checkpoints the WAL before it is copied."""
    data_dir = tmp_path_factory.mktemp("template")
    previous = os.environ.get("DATA_DIR")
    os.environ["DATA_DIR"] = str(data_dir)
    try:
        app = create_app({"TESTING": True})
        app.extensions["documents"].pool.close()
        with app.app_context():
            db.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("DATA_DIR", None)
        else:
            os.environ["DATA_DIR"] = previous
    return data_dir


@pytest.fixture
def people(create_user):
    return {
        name: create_user(name)
        for name in ("thuky", "chutoa", "daibieu1", "daibieu2", "daibieu3", "nguoingoai")
    }


@pytest.fixture
def meeting(people, create_meeting):
    return create_meeting(
        people["thuky"],
        chair=people["chutoa"],
        delegates=[people["daibieu1"], people["daibieu2"], people["daibieu3"]],
        agenda=("Dự thảo nghị quyết", "Chương trình"),
    )


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
