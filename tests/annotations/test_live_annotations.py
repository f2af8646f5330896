"""Delegates annotating one document together: what each of them sees, live, and who may do what."""

import pytest

from annotations.models import Annotation
from core.extensions import db, socketio
from tests.annotations.payloads import comment, highlight, ink, note, op_id, received


def test_a_comment_is_acked_once_stored_and_reaches_everyone_in_the_document(
    join, document, first_paragraph, people
):
    author, other = join("daibieu1"), join("daibieu2")
    ack = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    assert ack["ok"] is True
    assert ack["seq"] == 1
    stored = db.session.get(Annotation, ack["id"])
    assert stored.body == "Đề nghị làm rõ nguồn kinh phí."
    [event] = received(other, "annotation:created")
    assert event["id"] == ack["id"]
    assert event["author"] == {"id": people["daibieu1"].id, "name": "Daibieu1"}
    assert event["paragraph_id"] == first_paragraph.id
    assert event["page"] == first_paragraph.page
    assert event["visibility"] == "shared"
    assert event["hidden"] is False
    assert set(event) >= {"kind", "target", "body", "reply_to", "seq", "created_at", "updated_at"}
    assert len(received(author, "annotation:created")) == 1


def test_joining_reports_the_latest_seq_to_catch_up_from(join, connect, document):
    join("daibieu1").emit("annotation:create", highlight(document), callback=True)
    ack = connect("daibieu2").emit("document:join", {"document_id": document.id}, callback=True)
    assert ack == {"ok": True, "seq": 1}


def test_sending_the_same_operation_twice_stores_one_annotation_with_the_same_ack(
    join, document, first_paragraph
):
    author, other = join("daibieu1"), join("daibieu2")
    payload = comment(document, first_paragraph)
    first = author.emit("annotation:create", payload, callback=True)
    second = author.emit("annotation:create", payload, callback=True)
    assert first == second
    assert Annotation.query.count() == 1
    assert len(received(other, "annotation:created")) == 1


def test_the_same_op_id_from_another_device_of_the_author_is_still_one_annotation(
    join, document, first_paragraph
):
    tablet, phone = join("daibieu1"), join("daibieu1")
    payload = comment(document, first_paragraph)
    assert tablet.emit("annotation:create", payload, callback=True) == phone.emit(
        "annotation:create", payload, callback=True
    )
    assert Annotation.query.count() == 1


def test_a_resent_edit_or_hide_gets_its_first_ack_and_changes_nothing_later(join, document, first_paragraph):
    author, chair = join("daibieu1"), join("chutoa")
    created = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    hide = {"op_id": op_id(), "id": created["id"]}
    hidden = chair.emit("annotation:hide", hide, callback=True)
    chair.emit("annotation:hide", {"op_id": op_id(), "id": created["id"], "hidden": False}, callback=True)
    assert chair.emit("annotation:hide", hide, callback=True) == hidden
    assert not db.session.get(Annotation, created["id"]).is_hidden

    edit = {"op_id": op_id(), "id": created["id"], "body": "Sửa lần một"}
    edited = author.emit("annotation:update", edit, callback=True)
    author.emit("annotation:delete", {"op_id": op_id(), "id": created["id"]}, callback=True)
    assert author.emit("annotation:update", edit, callback=True) == edited


@pytest.mark.parametrize("make", [note, ink])
def test_notes_and_ink_are_private_by_default_and_reach_only_the_authors_devices(join, document, make):
    tablet, phone, other = join("daibieu1"), join("daibieu1"), join("daibieu2")
    ack = tablet.emit("annotation:create", make(document), callback=True)
    assert ack["ok"]
    assert [e["id"] for e in received(phone, "annotation:created")] == [ack["id"]]
    assert received(other, "annotation:created") == []
    assert db.session.get(Annotation, ack["id"]).visibility == "private"


def test_a_highlight_is_shared_by_default_and_may_be_made_private(join, document):
    author, other = join("daibieu1"), join("daibieu2")
    shared = author.emit("annotation:create", highlight(document), callback=True)
    private = author.emit("annotation:create", highlight(document, visibility="private"), callback=True)
    assert [e["id"] for e in received(other, "annotation:created")] == [shared["id"]]
    assert private["ok"]


def test_a_comment_on_the_whole_document_has_no_paragraph(join, document):
    author, other = join("daibieu1"), join("daibieu2")
    ack = author.emit("annotation:create", comment(document, None, "Tán thành toàn văn."), callback=True)
    [event] = received(other, "annotation:created")
    assert event["id"] == ack["id"]
    assert event["paragraph_id"] is None
    assert event["target"] == {"paragraph_id": None, "quote": ""}


def test_a_reply_joins_the_thread_of_its_paragraph(join, document, first_paragraph):
    author, other = join("daibieu1"), join("daibieu2")
    parent = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    reply = comment(document, None, "Tôi đồng ý.", reply_to=parent["id"])
    ack = other.emit("annotation:create", reply, callback=True)
    assert ack["ok"], ack
    event = next(e for e in received(author, "annotation:created") if e["id"] == ack["id"])
    assert event["reply_to"] == parent["id"]
    assert event["paragraph_id"] == first_paragraph.id


def test_a_reply_to_a_reply_stays_in_the_same_thread(join, document, first_paragraph):
    author, other = join("daibieu1"), join("daibieu2")
    root = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    reply = other.emit(
        "annotation:create", comment(document, None, "Đồng ý.", reply_to=root["id"]), callback=True
    )
    answer = author.emit(
        "annotation:create", comment(document, None, "Cảm ơn.", reply_to=reply["id"]), callback=True
    )
    assert answer["ok"], answer
    event = next(e for e in received(other, "annotation:created") if e["id"] == answer["id"])
    assert event["reply_to"] == root["id"]


def test_control_characters_are_dropped_from_comment_text(join, document, first_paragraph):
    author, other = join("daibieu1"), join("daibieu2")
    ack = author.emit(
        "annotation:create", comment(document, first_paragraph, "Đề\x0b nghị\x01 bổ sung"), callback=True
    )
    assert ack["ok"], ack
    [event] = received(other, "annotation:created")
    assert event["body"] == "Đề nghị bổ sung"


def test_editing_and_deleting_ones_own_comment_reaches_the_others(join, document, first_paragraph):
    author, other = join("daibieu1"), join("daibieu2")
    created = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    edit = {"op_id": op_id(), "id": created["id"], "body": "Đề nghị bổ sung số liệu."}
    updated = author.emit("annotation:update", edit, callback=True)
    assert updated == {"ok": True, "id": created["id"], "seq": created["seq"] + 1}
    deleted = author.emit("annotation:delete", {"op_id": op_id(), "id": created["id"]}, callback=True)
    assert deleted["seq"] == created["seq"] + 2
    events = other.get_received()
    assert [e["name"] for e in events] == ["annotation:created", "annotation:updated", "annotation:deleted"]
    assert events[1]["args"][0]["body"] == "Đề nghị bổ sung số liệu."
    assert events[2]["args"][0] == {
        "id": created["id"],
        "document_id": document.id,
        "seq": deleted["seq"],
        "deleted": True,
    }


@pytest.mark.parametrize("event", ["annotation:update", "annotation:delete"])
def test_nobody_changes_someone_elses_annotation(join, document, first_paragraph, event):
    author, chair = join("daibieu1"), join("chutoa")
    created = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    ack = chair.emit(event, {"op_id": op_id(), "id": created["id"], "body": "Sửa hộ"}, callback=True)
    assert ack["ok"] is False
    assert ack["error"] == "not_your_annotation"
    assert db.session.get(Annotation, created["id"]).body == "Đề nghị làm rõ nguồn kinh phí."


def test_sharing_a_private_note_shows_it_to_the_others_but_it_cannot_be_unshared(join, document):
    author, other = join("daibieu1"), join("daibieu2")
    created = author.emit("annotation:create", note(document), callback=True)
    shared = author.emit(
        "annotation:update", {"op_id": op_id(), "id": created["id"], "visibility": "shared"}, callback=True
    )
    assert shared["ok"]
    [event] = received(other, "annotation:updated")
    assert event["body"] == "Hỏi lại phòng Tài chính"
    back = author.emit(
        "annotation:update", {"op_id": op_id(), "id": created["id"], "visibility": "private"}, callback=True
    )
    assert back["error"] == "annotation_already_shared"


def test_the_chair_hides_a_comment_leaving_a_trace_for_others_and_the_text_for_its_author(
    join, document, first_paragraph
):
    author, chair, other = join("daibieu1"), join("chutoa"), join("daibieu2")
    created = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    for client in (author, chair, other):
        client.get_received()
    ack = chair.emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    assert ack["ok"], ack
    [seen_by_other] = received(other, "annotation:updated")
    assert seen_by_other["hidden"] is True
    assert seen_by_other["body"] == ""
    for client in (author, chair):
        versions = received(client, "annotation:updated")
        assert any(v["body"] == "Đề nghị làm rõ nguồn kinh phí." and v["hidden"] for v in versions)
        assert {v["seq"] for v in versions} == {ack["seq"]}


def test_a_delegate_cannot_hide_comments(join, document, first_paragraph):
    author, other = join("daibieu1"), join("daibieu2")
    created = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    ack = other.emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    assert ack["error"] == "forbidden"
    assert not db.session.get(Annotation, created["id"]).is_hidden


def test_events_of_one_document_do_not_reach_readers_of_another(
    join, document, other_document, first_paragraph
):
    author, elsewhere = join("daibieu1"), join("daibieu2", other_document.id)
    author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    assert received(elsewhere, "annotation:created") == []


@pytest.mark.parametrize("username", ["nguoingoai"])
def test_an_outsider_cannot_join_or_annotate(connect, document, first_paragraph, username):
    outsider = connect(username)
    ack = outsider.emit("document:join", {"document_id": document.id}, callback=True)
    assert ack["ok"] is False
    assert ack["error"] == "document_not_found"
    ack = outsider.emit("annotation:create", comment(document, first_paragraph), callback=True)
    assert ack["error"] == "document_not_found"
    assert outsider.is_connected()


def test_in_a_draft_meeting_only_secretaries_join(app, people, create_meeting, create_document, token_for):
    draft = create_meeting(people["thuky"], delegates=[people["daibieu1"]], published=False)
    document = create_document(people["thuky"], draft.agenda_items[0], "chuong-trinh-ky-hop.pdf")
    acks = {}
    for username in ("thuky", "daibieu1"):
        client = socketio.test_client(app, auth={"token": token_for(username)})
        acks[username] = client.emit("document:join", {"document_id": document.id}, callback=True)
        client.disconnect()
    assert acks["thuky"]["ok"] is True
    assert acks["daibieu1"]["ok"] is False


def test_comment_text_is_stored_and_sent_as_text_not_markup(join, document, first_paragraph):
    author, other = join("daibieu1"), join("daibieu2")
    body = '<img src=x onerror="alert(1)"> & <b>đậm</b>'
    author.emit("annotation:create", comment(document, first_paragraph, body), callback=True)
    [event] = received(other, "annotation:created")
    assert event["body"] == body


def test_a_delegate_removed_from_the_meeting_stops_receiving_its_annotations(
    join, connect, document, first_paragraph, people, meeting
):
    from core.transactions import unit_of_work
    from meetings.service import remove_member

    author, removed = join("daibieu1"), join("daibieu2")
    unit_of_work(remove_member)(people["thuky"], meeting.id, people["daibieu2"].id)
    assert not removed.is_connected()
    author.emit("annotation:create", comment(document, first_paragraph), callback=True)

    again = connect("daibieu2")
    refused = again.emit("document:join", {"document_id": document.id}, callback=True)
    assert refused["ok"] is False
    assert not received(again, "annotation:created")
