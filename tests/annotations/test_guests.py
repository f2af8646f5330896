"""A guest (khách mời: an official of the People's Committee invited to read the pack and answer
questions) keeps their own highlights, ink and notes private, starts no shared thread, and may
answer in a delegate's thread; the answer is labelled as theirs, never as a delegate's opinion."""

import pytest

from annotations.models import Annotation
from core.extensions import db
from meetings import service as meetings
from meetings.schemas import NewMember
from tests.annotations.payloads import comment, highlight, ink, note, op_id, received

GUEST = "khachmoi"
OFFICE = "Phó Chủ tịch Ủy ban nhân dân xã, UBND xã Thần Sa"


@pytest.fixture
def guest(meeting, people, create_user):
    """Ông Hoàng Văn Khánh, Phó Chủ tịch UBND xã, invited to the meeting as a guest."""
    user = create_user(GUEST, full_name="Hoàng Văn Khánh")
    user.position, user.unit = "Phó Chủ tịch Ủy ban nhân dân xã", "UBND xã Thần Sa"
    meetings.add_member(people["thuky"], meeting.id, NewMember(username=GUEST, role="guest"))
    db.session.commit()
    return user


def _refusal(ack: dict) -> str | None:
    return None if ack["ok"] else ack["error"]


def _stored(document) -> list[Annotation]:
    db.session.expire_all()
    return Annotation.query.filter_by(document_id=document.id).all()


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda d, p: comment(d, p, visibility="shared"), id="a shared comment"),
        pytest.param(lambda d, p: comment(d, p), id="a comment, shared by default"),
        pytest.param(lambda d, p: comment(d, None, visibility="shared"), id="on the whole document"),
        pytest.param(lambda d, p: highlight(d, visibility="shared"), id="a shared highlight"),
        pytest.param(lambda d, p: note(d, visibility="shared"), id="a shared note"),
        pytest.param(lambda d, p: ink(d, visibility="shared"), id="shared ink"),
    ],
)
def test_a_guest_cannot_share_an_annotation_of_their_own_and_nothing_is_stored(
    guest, join, document, first_paragraph, payload
):
    delegate = join("daibieu1")
    client = join(GUEST)

    ack = client.emit("annotation:create", payload(document, first_paragraph), callback=True)

    assert _refusal(ack) == "guest_cannot_share"
    assert "Khách mời" in ack["message"]
    assert client.is_connected()
    assert _stored(document) == []
    assert received(delegate, "annotation:created") == []


def test_a_guests_private_highlight_ink_and_notes_are_kept_and_reach_no_one_else(
    guest, join, api, document, first_paragraph
):
    delegate = join("daibieu1")
    client = join(GUEST)
    sent = [
        note(document, visibility="private"),
        highlight(document, visibility="private"),
        ink(document, visibility="private"),
        comment(document, first_paragraph, body="Chuẩn bị số liệu giải trình", visibility="private"),
    ]

    acks = [client.emit("annotation:create", payload, callback=True) for payload in sent]

    assert [ack["ok"] for ack in acks] == [True] * 4
    assert {a.visibility for a in _stored(document)} == {"private"}
    assert received(delegate, "annotation:created") == []
    mine = api(GUEST).get(f"/api/documents/{document.id}/annotations").get_json()["annotations"]
    theirs = api("daibieu1").get(f"/api/documents/{document.id}/annotations").get_json()["annotations"]
    assert (len(mine), theirs) == (4, [])


def test_a_guest_cannot_share_a_private_annotation_afterwards(guest, join, document, first_paragraph):
    client = join(GUEST)
    private = client.emit("annotation:create", note(document, visibility="private"), callback=True)

    ack = client.emit(
        "annotation:update", {"op_id": op_id(), "id": private["id"], "visibility": "shared"}, callback=True
    )

    assert _refusal(ack) == "guest_cannot_share"
    assert db.session.get(Annotation, private["id"]).visibility == "private"
    edited = client.emit(
        "annotation:update", {"op_id": op_id(), "id": private["id"], "body": "Hỏi lại"}, callback=True
    )
    assert edited["ok"] is True


def test_the_refusal_is_explained_in_english_too(guest, app, token_for, document, first_paragraph):
    from core.extensions import socketio

    client = socketio.test_client(app, auth={"token": token_for(GUEST)}, query_string="lang=en")
    client.emit("document:join", {"document_id": document.id}, callback=True)

    ack = client.emit("annotation:create", comment(document, first_paragraph), callback=True)

    assert _refusal(ack) == "guest_cannot_share"
    assert "Guests" in ack["message"]
    client.disconnect()


def test_a_delegate_still_shares_as_before(guest, join, document, first_paragraph):
    ack = join("daibieu1").emit("annotation:create", comment(document, first_paragraph), callback=True)
    assert ack["ok"] is True


@pytest.fixture
def answered(guest, join, document, first_paragraph):
    """Daibieu1 asks on the first paragraph; the guest answers in that thread (giải trình)."""
    asker = join("daibieu1")
    asked = asker.emit("annotation:create", comment(document, first_paragraph), callback=True)
    answer = comment(document, first_paragraph, body="Kinh phí lấy từ ngân sách xã năm 2027.")
    answered = join(GUEST).emit("annotation:create", {**answer, "reply_to": asked["id"]}, callback=True)
    return asker, asked, answered


def test_a_guest_answers_in_a_delegates_thread_and_everyone_hears_it_labelled_with_their_office(
    answered, api, document
):
    asker, asked, ack = answered

    assert ack["ok"] is True
    stored = db.session.get(Annotation, ack["id"])
    assert (stored.visibility, stored.reply_to_id) == ("shared", asked["id"])
    [heard] = [a for a in received(asker, "annotation:created") if a["id"] == ack["id"]]
    assert heard["author"] == {
        "id": stored.author_id,
        "name": "Hoàng Văn Khánh",
        "guest": True,
        "office": OFFICE,
    }
    later = api("daibieu2").get(f"/api/documents/{document.id}/annotations").get_json()["annotations"]
    authors = {a["id"]: a["author"] for a in later}
    assert authors[ack["id"]]["guest"] is True
    assert "guest" not in authors[asked["id"]]  # a delegate is named as before


def test_a_guests_answer_is_listed_labelled_in_the_digest_and_never_counted_as_a_delegates_opinion(
    answered, api, meeting, document, tmp_path
):
    import io
    import subprocess

    import docx

    chair = api("chutoa")
    digest = chair.get(f"/api/meetings/{meeting.id}/digest.json").get_json()

    [doc] = [d for item in digest["agenda"] for d in item["documents"] if d["id"] == document.id]
    counts = doc["counts"]
    assert (counts["comments"], counts["replies"], counts["participants"], counts["answers"]) == (1, 0, 1, 1)
    [paragraph] = doc["paragraphs"]
    assert (paragraph["comments"], paragraph["replies"], paragraph["answers"]) == (1, 0, 1)
    [thread] = paragraph["entries"]
    [answer] = thread["replies"]
    assert (answer["author"]["guest"], answer["author"]["office"]) == (True, OFFICE)
    assert [d["name"] for d in digest["delegates"]] == ["Daibieu1"]

    label = f"Hoàng Văn Khánh (Khách mời, {OFFICE})"
    path = tmp_path / "digest.pdf"
    path.write_bytes(chair.get(f"/api/meetings/{meeting.id}/digest.pdf").data)
    pdf = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hoàng Văn Khánh (Khách mời," in pdf
    assert "1 ý kiến giải trình của khách mời" in " ".join(pdf.split())
    word = docx.Document(io.BytesIO(chair.get(f"/api/meetings/{meeting.id}/digest.docx").data))
    assert label in [p.text.split(" · ")[0] for p in word.paragraphs]
    assert label in chair.get(f"/api/meetings/{meeting.id}/digest.csv").data.decode("utf-8-sig")


def test_the_minutes_count_only_the_delegates_opinions_on_each_document(answered, meeting, document):
    from minutes.assemble import assemble

    record = assemble(meeting, "Hội đồng nhân dân", "Thần Sa", meeting.starts_at)

    [written] = [d for item in record.items for d in item.documents if d.title == document.title]
    assert (written.comments, written.commenters) == (1, 1)


def test_the_annotated_pdf_names_a_guests_answer_as_a_guests(answered, api, document):
    import pymupdf

    pdf = pymupdf.open(stream=api("chutoa").get(f"/api/documents/{document.id}/annotated.pdf").data)
    authors = {annot.info["title"] for page in pdf for annot in page.annots()}

    assert authors == {"Daibieu1", "Hoàng Văn Khánh (Khách mời)"}
