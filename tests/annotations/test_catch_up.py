"""A client that was offline asks what changed since the last seq it saw, and gets exactly that."""

import pytest

from annotations import queries
from tests.annotations.payloads import comment, highlight, note, op_id, received


def test_catching_up_returns_changes_after_a_seq_with_deletions_as_tombstones(
    join, api, document, first_paragraph
):
    author = join("daibieu1")
    kept = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    gone = author.emit("annotation:create", highlight(document), callback=True)
    author.emit("annotation:delete", {"op_id": op_id(), "id": gone["id"]}, callback=True)

    everything = api("daibieu2").get(f"/api/documents/{document.id}/annotations").get_json()
    assert everything["seq"] == 3
    assert [a["id"] for a in everything["annotations"]] == [kept["id"]]

    later = api("daibieu2").get(f"/api/documents/{document.id}/annotations?since=1").get_json()
    assert later["annotations"] == [{"id": gone["id"], "document_id": document.id, "seq": 3, "deleted": True}]
    assert api("daibieu2").get(f"/api/documents/{document.id}/annotations?since=3").get_json() == {
        "seq": 3,
        "annotations": [],
    }


def test_catching_up_shows_private_notes_only_to_their_author(join, api, document):
    private = join("daibieu1").emit("annotation:create", note(document), callback=True)
    mine = api("daibieu1").get(f"/api/documents/{document.id}/annotations").get_json()
    theirs = api("daibieu2").get(f"/api/documents/{document.id}/annotations").get_json()
    assert [a["id"] for a in mine["annotations"]] == [private["id"]]
    assert theirs["annotations"] == []


def test_a_hidden_comment_keeps_its_text_for_its_author_and_the_chair_only(
    join, api, document, first_paragraph
):
    created = join("daibieu1").emit("annotation:create", comment(document, first_paragraph), callback=True)
    join("chutoa").emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    bodies = {
        username: api(username).get(f"/api/documents/{document.id}/annotations").get_json()["annotations"][0]
        for username in ("daibieu1", "chutoa", "thuky", "daibieu2")
    }
    assert all(view["hidden"] for view in bodies.values())
    assert bodies["daibieu1"]["body"] == bodies["chutoa"]["body"] == bodies["thuky"]["body"] != ""
    assert bodies["daibieu2"]["body"] == ""
    assert bodies["daibieu2"]["redacted"] is True


def test_the_chair_can_show_a_hidden_comment_again(join, api, document, first_paragraph):
    created = join("daibieu1").emit("annotation:create", comment(document, first_paragraph), callback=True)
    chair, other = join("chutoa"), join("daibieu2")
    chair.emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    chair.emit("annotation:hide", {"op_id": op_id(), "id": created["id"], "hidden": False}, callback=True)
    latest = received(other, "annotation:updated")[-1]
    assert latest["hidden"] is False
    assert latest["body"] == "Đề nghị làm rõ nguồn kinh phí."


@pytest.mark.parametrize(("username", "status"), [("nguoingoai", 404), (None, 401)])
def test_outsiders_cannot_read_a_documents_annotations(api, client, document, username, status):
    caller = api(username) if username else client
    response = caller.get(f"/api/documents/{document.id}/annotations")
    assert response.status_code == status


@pytest.mark.parametrize("since", ["abc", "-1", "1.5"])
def test_a_bad_since_is_a_clear_400(api, document, since):
    response = api("daibieu1").get(f"/api/documents/{document.id}/annotations?since={since}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"


def test_the_digest_reads_shared_comments_by_paragraph_without_private_deleted_or_hidden_ones(
    join, document, first_paragraph
):
    from documents.models import Paragraph

    later_paragraph = (
        Paragraph.query.filter_by(document_id=document.id).order_by(Paragraph.number.desc()).first()
    )
    author, chair = join("daibieu1"), join("chutoa")
    late = author.emit("annotation:create", comment(document, later_paragraph, "Đoạn cuối"), callback=True)
    early = author.emit("annotation:create", comment(document, first_paragraph, "Đoạn đầu"), callback=True)
    whole = author.emit("annotation:create", comment(document, None, "Toàn văn"), callback=True)
    author.emit(
        "annotation:create", comment(document, first_paragraph, "Riêng", visibility="private"), callback=True
    )
    gone = author.emit("annotation:create", comment(document, first_paragraph, "Xóa"), callback=True)
    author.emit("annotation:delete", {"op_id": op_id(), "id": gone["id"]}, callback=True)
    hidden = author.emit("annotation:create", comment(document, first_paragraph, "Ẩn"), callback=True)
    chair.emit("annotation:hide", {"op_id": op_id(), "id": hidden["id"]}, callback=True)

    digest = queries.shared_annotations([document.id], kinds=["comment"])
    assert [a.id for a in digest] == [whole["id"], early["id"], late["id"]]
    with_hidden = queries.shared_annotations_of_meeting(document.meeting.id, include_hidden=True)
    assert hidden["id"] in [a.id for a in with_hidden]
