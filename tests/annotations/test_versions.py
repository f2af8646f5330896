"""A new version of a document carries every comment, highlight and note of the old one."""

import io
import threading

import pytest

from documents.models import Paragraph
from tests.annotations.payloads import comment, highlight, ink, note, op_id, received
from tests.conftest import MEETING_PACK

# v1 → v2 of the draft resolution: the title and "3." edited, "6. Là thành viên" removed,
# "7." to "9." renumbered 6 to 8, a new "9. Giao Ủy ban" added; the rest as it was.
EXPECTED = {
    "NGHỊ QUYẾT (DỰ THẢO)": ("NGHỊ QUYẾT (DỰ THẢO LẦN 2)", "edited"),
    "3. Cùng với đó": ("3. Cùng với đó", "edited"),
    "6. Là thành viên": (None, "orphaned"),
    "7. Còn bà Nguyễn Thị Hà": ("6. Còn bà Nguyễn Thị Hà", "unchanged"),
    "8. Từ ngày Tổ": ("7. Từ ngày Tổ", "unchanged"),
    "9. Chuyển đổi số bắt đầu": ("8. Chuyển đổi số bắt đầu", "unchanged"),
}


def _paragraphs(document_id):
    return Paragraph.query.filter_by(document_id=document_id).order_by(Paragraph.number).all()


def _replace(api, document, filename="du-thao-nghi-quyet-v2.pdf"):
    response = api("thuky").post(
        f"/api/documents/{document.id}/replace",
        data={"file": (io.BytesIO((MEETING_PACK / filename).read_bytes()), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _words_of(api, document_id, page, words):
    """The text layer's boxes of these consecutive words, as a reader's selection would give."""
    layer = api("daibieu1").get(f"/api/documents/{document_id}/pages/{page}/text").get_json()["words"]
    texts = [w[4] for w in layer]
    at = next(i for i in range(len(texts)) if texts[i : i + len(words)] == words)
    return layer[at : at + len(words)]


def _union(words):
    return [
        min(w[0] for w in words),
        min(w[1] for w in words),
        max(w[2] for w in words),
        max(w[3] for w in words),
    ]


def test_every_comment_lands_on_the_paragraph_it_was_on_with_its_status(join, api, document, people):
    author = join("daibieu1")
    old = _paragraphs(document.id)
    sent = {p.id: author.emit("annotation:create", comment(document, p), callback=True)["id"] for p in old}

    new_id = _replace(api, document)["id"]

    new = _paragraphs(new_id)
    carried = api("daibieu2").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    assert len(carried) == len(old)  # nothing lost
    by_previous = {a["anchor"]["previous_id"]: a for a in carried}
    new_text = {p.id: p.text for p in new}
    for paragraph in old:
        copy = by_previous[sent[paragraph.id]]
        prefix = next((k for k in EXPECTED if paragraph.text.startswith(k)), None)
        want_prefix, want_status = EXPECTED[prefix] if prefix else (paragraph.text, "unchanged")
        assert copy["anchor"]["status"] == want_status, paragraph.text[:40]
        if want_prefix is None:
            assert copy["paragraph_id"] is None
            assert copy["target"]["paragraph_id"] is None
        else:
            assert new_text[copy["paragraph_id"]].startswith(want_prefix), paragraph.text[:40]
            assert copy["target"]["paragraph_id"] == copy["paragraph_id"]
        assert copy["body"] == "Đề nghị làm rõ nguồn kinh phí."
        assert copy["author"]["id"] == people["daibieu1"].id


def test_a_highlight_lands_on_the_same_words_of_the_new_version(join, api, document):
    quads = [_union(_words_of(api, document.id, 2, ["Nguyễn", "Thị", "Hà,"]))]
    sent = join("daibieu1").emit(
        "annotation:create",
        {
            **highlight(document, page=2, quads=quads),
            "target": {"page": 2, "quads": quads, "quote": "Nguyễn Thị Hà,"},
        },
        callback=True,
    )
    assert sent["ok"], sent

    new_id = _replace(api, document)["id"]

    (copy,) = api("daibieu1").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    expected = _words_of(api, new_id, 2, ["Nguyễn", "Thị", "Hà,"])
    assert copy["anchor"] == {"status": "unchanged", "previous_id": sent["id"], "similarity": 1.0}
    assert copy["target"]["page"] == 2
    assert copy["target"]["quote"] == "Nguyễn Thị Hà,"
    assert copy["target"]["quads"] == [_union(expected)]


def test_notes_ink_replies_and_private_comments_come_along(join, api, document):
    author, other = join("daibieu1"), join("daibieu2")
    paragraphs = _paragraphs(document.id)
    renumbered = next(p for p in paragraphs if p.text.startswith("7. Còn bà"))
    x0, y0 = renumbered.x0, renumbered.y0
    parent = author.emit("annotation:create", comment(document, renumbered), callback=True)
    reply = other.emit(
        "annotation:create",
        {**comment(document, None, body="Đồng ý"), "reply_to": parent["id"]},
        callback=True,
    )
    private = author.emit(
        "annotation:create",
        comment(document, renumbered, visibility="private", body="Riêng tôi"),
        callback=True,
    )
    pin = author.emit(
        "annotation:create",
        note(document, page=2, point=(x0 + 10, y0 + 5), visibility="shared"),
        callback=True,
    )
    stroke = author.emit(
        "annotation:create",
        ink(document, page=2, paths=(((x0 + 20, y0 + 8), (x0 + 60, y0 + 9)),), visibility="shared"),
        callback=True,
    )

    new_id = _replace(api, document)["id"]

    moved = next(p for p in _paragraphs(new_id) if p.text.startswith("6. Còn bà"))
    mine = {
        a["anchor"]["previous_id"]: a
        for a in api("daibieu1").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    }
    theirs = api("daibieu2").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    assert {a["anchor"]["previous_id"] for a in theirs} == {
        parent["id"],
        reply["id"],
        pin["id"],
        stroke["id"],
    }
    assert mine[private["id"]]["visibility"] == "private"
    assert mine[private["id"]]["paragraph_id"] == moved.id
    assert mine[reply["id"]]["reply_to"] == mine[parent["id"]]["id"]
    assert mine[reply["id"]]["paragraph_id"] == moved.id
    assert mine[pin["id"]]["target"]["point"] == [round(moved.x0 + 10, 2), round(moved.y0 + 5, 2)]
    assert mine[pin["id"]]["target"]["page"] == moved.page
    assert mine[stroke["id"]]["target"]["paths"][0][0] == [round(moved.x0 + 20, 2), round(moved.y0 + 8, 2)]
    assert all(a["anchor"]["status"] == "unchanged" for a in mine.values())


def test_carried_annotations_take_the_new_versions_seq_numbers(join, api, document, first_paragraph):
    author = join("daibieu1")
    for _ in range(3):
        author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    new_id = _replace(api, document)["id"]
    listing = api("daibieu1").get(f"/api/documents/{new_id}/annotations?since=1").get_json()
    assert listing["seq"] == 3
    assert [a["seq"] for a in listing["annotations"]] == [2, 3]
    ack = join("daibieu2", new_id).emit("annotation:create", comment_on_new(new_id), callback=True)
    assert ack["seq"] == 4


def comment_on_new(document_id):
    paragraph = _paragraphs(document_id)[0]
    return {
        "op_id": op_id(),
        "document_id": document_id,
        "kind": "comment",
        "target": {"paragraph_id": paragraph.id, "quote": ""},
        "body": "Ý kiến trên bản mới",
    }


def test_readers_of_the_old_version_are_told_live_which_version_replaced_it(join, api, document):
    reader = join("daibieu1")
    new = _replace(api, document)
    (event,) = received(reader, "document:replaced")
    assert event == {"document_id": document.id, "replaced_by": new["id"], "version": 2}


def test_a_deleted_annotation_is_not_carried(join, api, document, first_paragraph):
    author = join("daibieu1")
    gone = author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    author.emit("annotation:delete", {"op_id": op_id(), "id": gone["id"]}, callback=True)
    new_id = _replace(api, document)["id"]
    assert api("daibieu1").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"] == []


def test_the_new_version_tells_what_changed_with_a_word_diff_of_edited_paragraphs(api, document):
    new_id = _replace(api, document)["id"]
    changes = api("daibieu1").get(f"/api/documents/{new_id}/changes").get_json()
    assert changes["previous_id"] == document.id
    text = {p.id: p.text for p in _paragraphs(new_id)}
    by_start = {text[entry["id"]][:20]: entry for entry in changes["paragraphs"]}
    assert by_start["NGHỊ QUYẾT (DỰ THẢO "]["change"] == "edited"
    assert by_start["NGHỊ QUYẾT (DỰ THẢO "]["diff"] == [
        ["=", "NGHỊ QUYẾT (DỰ"],
        ["-", "THẢO)"],
        ["+", "THẢO LẦN 2)"],
    ]
    assert by_start["9. Giao Ủy ban nhân "]["change"] == "added"
    assert by_start["6. Còn bà Nguyễn Thị"]["change"] == "unchanged"
    assert [p["label"] for p in changes["removed"]] == ["6"]
    assert changes["removed"][0]["text"].startswith("6. Là thành viên")
    first = api("daibieu1").get(f"/api/documents/{document.id}/changes").get_json()
    assert first == {"previous_id": None, "paragraphs": [], "removed": []}


def test_the_paragraphs_of_a_new_version_say_how_they_changed(api, document):
    new_id = _replace(api, document)["id"]
    listed = api("daibieu1").get(f"/api/documents/{new_id}/paragraphs").get_json()

    def change(start):
        return next(p["change"] for p in listed if p["text"].startswith(start))

    assert change("3. Cùng với") == "edited"
    assert change("9. Giao Ủy") == "added"
    assert change("6. Còn bà") == "unchanged"
    assert {
        p["change"] for p in api("daibieu1").get(f"/api/documents/{document.id}/paragraphs").get_json()
    } == {None}


def test_a_hidden_comment_stays_hidden_on_the_new_version(join, api, document, first_paragraph):
    created = join("daibieu1").emit("annotation:create", comment(document, first_paragraph), callback=True)
    join("chutoa").emit("annotation:hide", {"op_id": op_id(), "id": created["id"]}, callback=True)
    new_id = _replace(api, document)["id"]
    (theirs,) = api("daibieu2").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    assert theirs["hidden"] is True
    assert theirs["body"] == ""
    (chairs,) = api("chutoa").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    assert chairs["body"] == "Đề nghị làm rõ nguồn kinh phí."


@pytest.mark.parametrize("reader", ["daibieu1", "thuky"], ids=["delegate", "secretary"])
def test_the_changes_of_a_new_version_never_show_the_text_of_a_withdrawn_earlier_one(api, document, reader):
    new_id = _replace(api, document)["id"]
    assert api("thuky").delete(f"/api/documents/{document.id}").status_code == 200

    response = api(reader).get(f"/api/documents/{new_id}/changes")

    assert response.status_code == 200
    assert response.get_json() == {"previous_id": None, "paragraphs": [], "removed": []}
    body = response.get_data(as_text=True)
    assert "Là thành viên" not in body  # the paragraph only the withdrawn version had
    assert "THẢO)" not in body


def _replace_in_background(app, api, document):
    """The secretary's replace as a second request would run it: on a thread of its own."""
    outcome = {}
    caller = api("thuky")

    def run():
        with app.app_context():
            outcome["response"] = _replace(api=lambda _name: caller, document=document)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.fixture
def held_matching(app, monkeypatch):
    """Holds the replace while the worker matches paragraphs, until the test lets it go."""
    pool = app.extensions["documents"].pool
    reached, gate = threading.Event(), threading.Event()
    matching = pool.reanchor

    def reanchor(*args, **kwargs):
        reached.set()
        assert gate.wait(60)
        return matching(*args, **kwargs)

    monkeypatch.setattr(pool, "reanchor", reanchor)
    yield reached, gate
    gate.set()


def test_comments_posted_while_a_replace_is_matched_are_carried_and_later_ones_refused_naming_it(
    app, join, api, document, held_matching
):
    reached, gate = held_matching
    author = join("daibieu1")
    old = _paragraphs(document.id)
    edited = author.emit("annotation:create", comment(document, old[0], "Bản nháp ý kiến"), callback=True)
    dropped = author.emit("annotation:create", comment(document, old[1], "Sẽ xóa"), callback=True)
    thread, outcome = _replace_in_background(app, api, document)
    assert reached.wait(60)

    during = [
        author.emit(
            "annotation:create", comment(document, paragraph, f"Gửi trong lúc thay {n}"), callback=True
        )
        for n, paragraph in enumerate(old[2:6])
    ]
    change = {"op_id": op_id(), "document_id": document.id, "id": edited["id"], "body": "Ý kiến đã sửa"}
    assert author.emit("annotation:update", change, callback=True)["ok"]
    gone = {"op_id": op_id(), "document_id": document.id, "id": dropped["id"]}
    assert author.emit("annotation:delete", gone, callback=True)["ok"]
    gate.set()
    thread.join(60)
    new = outcome["response"]
    after = author.emit("annotation:create", comment(document, old[2], "Gửi sau khi thay"), callback=True)

    assert all(ack["ok"] for ack in during)
    carried = api("daibieu1").get(f"/api/documents/{new['id']}/annotations").get_json()["annotations"]
    by_previous = {a["anchor"]["previous_id"]: a for a in carried}
    assert {ack["id"] for ack in during} <= set(by_previous)
    assert by_previous[edited["id"]]["body"] == "Ý kiến đã sửa"
    assert dropped["id"] not in by_previous
    assert after["ok"] is False
    assert (after["error"], after["replaced_by"], after["version"]) == ("document_replaced", new["id"], 2)
    assert "bản 2" in after["message"]


def test_a_delegate_posting_throughout_a_replace_loses_no_comment(app, join, api, document):
    """The reported case: 32 comments sent one after another while the secretary replaced the
    document; each is either carried to the new version or refused with it named, never lost."""
    author = join("daibieu1")
    old = _paragraphs(document.id)
    acks = []
    # Made here, before the replace commits: the writer's thread touches no ORM object.
    payloads = [comment(document, old[n % len(old)], f"Ý kiến số {n}") for n in range(32)]

    def post():
        with app.app_context():
            for payload in payloads:
                acks.append(author.emit("annotation:create", payload, callback=True))

    writer = threading.Thread(target=post)
    writer.start()
    new_id = _replace(api, document)["id"]
    writer.join(120)

    stored = [ack["id"] for ack in acks if ack["ok"]]
    refused = [ack for ack in acks if not ack["ok"]]
    assert len(stored) + len(refused) == 32
    assert all((ack["error"], ack["replaced_by"]) == ("document_replaced", new_id) for ack in refused)
    carried = api("daibieu1").get(f"/api/documents/{new_id}/annotations").get_json()["annotations"]
    assert set(stored) <= {a["anchor"]["previous_id"] for a in carried}
