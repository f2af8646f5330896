"""Smaller rules a delegate notices: moved notes, replies in private threads, reused op_ids,
ids from other meetings, and what a withdrawn document leaves behind."""

import pytest

from annotations.models import Annotation
from core.extensions import db
from tests.annotations.payloads import comment, note, op_id, received


def test_a_note_moved_to_another_page_is_found_on_that_page(join, connect, document):
    author = join("daibieu1")
    created = author.emit("annotation:create", note(document, page=1), callback=True)

    moved = author.emit(
        "annotation:update",
        {"op_id": op_id(), "id": created["id"], "target": {"page": 2, "point": [50, 60]}},
        callback=True,
    )

    assert moved["ok"] is True
    assert db.session.get(Annotation, created["id"]).page == 2
    [event] = received(author, "annotation:updated")
    assert (event["page"], event["target"]["page"]) == (2, 2)


def test_a_reply_in_a_private_thread_cannot_be_shared_until_the_thread_is(join, document, first_paragraph):
    author = join("daibieu1")
    thread = author.emit(
        "annotation:create", comment(document, first_paragraph, visibility="private"), callback=True
    )
    reply = author.emit(
        "annotation:create",
        comment(document, first_paragraph, body="Bổ sung", visibility="private", reply_to=thread["id"]),
        callback=True,
    )

    refused = author.emit(
        "annotation:update", {"op_id": op_id(), "id": reply["id"], "visibility": "shared"}, callback=True
    )
    assert (refused["ok"], refused["error"]) == (False, "reply_stays_private")
    assert db.session.get(Annotation, reply["id"]).visibility == "private"

    author.emit(
        "annotation:update", {"op_id": op_id(), "id": thread["id"], "visibility": "shared"}, callback=True
    )
    shared = author.emit(
        "annotation:update", {"op_id": op_id(), "id": reply["id"], "visibility": "shared"}, callback=True
    )
    assert shared["ok"] is True


def test_an_op_id_reused_for_a_different_operation_is_refused_not_acked(join, document, first_paragraph):
    author = join("daibieu1")
    reused = op_id()
    first = author.emit(
        "annotation:create", {**comment(document, first_paragraph), "op_id": reused}, callback=True
    )
    other = author.emit("annotation:create", comment(document, first_paragraph), callback=True)

    delete = author.emit("annotation:delete", {"op_id": reused, "id": other["id"]}, callback=True)

    assert (delete["ok"], delete["error"]) == (False, "op_id_reused")
    assert db.session.get(Annotation, other["id"]).deleted_at is None
    assert first["ok"] is True


def test_a_resent_delete_still_gets_its_first_ack(join, document, first_paragraph):
    author = join("daibieu1")
    created = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    payload = {"op_id": op_id(), "id": created["id"]}

    first = author.emit("annotation:delete", payload, callback=True)
    again = author.emit("annotation:delete", payload, callback=True)

    assert first == again == {"ok": True, "id": created["id"], "seq": created["seq"] + 1}


@pytest.fixture
def foreign_annotation(create_user, create_meeting, create_document, create_annotation):
    """A shared comment in another council's meeting that daibieu1 is no member of."""
    secretary = create_user("thuky-khac")
    meeting = create_meeting(secretary, delegates=[create_user("daibieu-khac")])
    document = create_document(secretary, meeting.agenda_items[0], "chuong-trinh-ky-hop.pdf")
    return create_annotation(secretary, document)


@pytest.mark.parametrize(
    ("event", "extra"),
    [
        ("annotation:update", {"body": "Sửa"}),
        ("annotation:delete", {}),
        ("annotation:hide", {"hidden": True}),
    ],
)
def test_another_meetings_annotation_id_gets_the_same_answer_as_an_unknown_one(
    join, foreign_annotation, event, extra
):
    client = join("thuky")  # a secretary and moderator of her own meeting only

    foreign = client.emit(event, {"op_id": op_id(), "id": foreign_annotation.id, **extra}, callback=True)
    unknown = client.emit(event, {"op_id": op_id(), "id": 10**9, **extra}, callback=True)

    assert foreign == unknown
    assert foreign["error"] == "annotation_not_found"


def test_replying_to_another_meetings_comment_looks_like_replying_to_nothing(
    join, document, first_paragraph, foreign_annotation
):
    client = join("daibieu1")
    foreign = client.emit(
        "annotation:create", comment(document, first_paragraph, reply_to=foreign_annotation.id), callback=True
    )
    unknown = client.emit(
        "annotation:create", comment(document, first_paragraph, reply_to=10**9), callback=True
    )
    assert foreign["error"] == unknown["error"] == "annotation_not_found"


def test_readers_of_a_withdrawn_document_are_told_and_leave_its_room(
    join, connect, api, document, first_paragraph
):
    reader, secretary = join("daibieu1"), join("thuky")

    assert api("thuky").delete(f"/api/documents/{document.id}").status_code == 200

    assert received(reader, "document:withdrawn") == [{"document_id": document.id}]
    secretary.emit("document:join", {"document_id": document.id}, callback=True)  # she still may
    secretary.emit("annotation:create", comment(document, first_paragraph), callback=True)
    assert received(reader, "annotation:created") == []
    rejoin = connect("daibieu2").emit("document:join", {"document_id": document.id}, callback=True)
    assert (rejoin["ok"], rejoin["error"]) == (False, "document_not_found")
    [presence] = received(secretary, "presence")  # her own rejoin: the readers taken out are gone
    assert [user["name"] for user in presence["users"]] == ["Thuky"]


@pytest.mark.parametrize(("username", "status"), [("thuky", 200), ("chutoa", 404), ("daibieu1", 404)])
def test_a_withdrawn_documents_annotated_pdf_is_for_its_secretaries_only(api, document, username, status):
    api("thuky").delete(f"/api/documents/{document.id}")

    assert api(username).get(f"/api/documents/{document.id}/annotated.pdf").status_code == status
