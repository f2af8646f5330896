"""Whatever a client sends, a bad event is refused with a clear ack, nothing is stored, the socket stays."""

import pytest

from annotations.models import Annotation
from tests.annotations.payloads import comment, highlight, ink, note, op_id, received


def _set(payload: dict, path: str, value) -> dict:
    """Replace one field, e.g. "target.quads" or "body"; `...` removes it."""
    node = payload
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    if value is ...:
        node.pop(last)
    else:
        node[last] = value
    return payload


BAD_CREATES = [
    ("kind", "drawing"),
    ("kind", ...),
    ("op_id", ...),
    ("op_id", "short"),
    ("op_id", "x" * 65),
    ("document_id", "một"),
    ("visibility", "everyone"),
    ("body", "x" * 5001),
    ("body", 42),
    ("target", "page 1"),
    ("target", ...),
    ("target.page", 0),
    ("target.page", 4),
    ("target.quads", []),
    ("target.quads", [[10, 10, 5, 20]]),
    ("target.quads", [[10, 10, 20]]),
    ("target.quads", [[10, 10, 2000, 20]]),
    ("target.quads", [[-40, 10, 20, 20]]),
    ("target.quads", [["NaN", 10, 20, 20]]),
    ("target.quads", [[10, 10, 20, 900]]),
    ("target.quads", [[0, 0, 1, 1]] * 501),
    ("target.color", "magenta"),
    ("target.quote", "x" * 5001),
]


@pytest.mark.parametrize(("field", "value"), BAD_CREATES, ids=[f"{f}={str(v)[:12]}" for f, v in BAD_CREATES])
def test_a_malformed_highlight_is_refused_and_nothing_is_stored(join, document, field, value):
    author, other = join("daibieu1"), join("daibieu2")
    ack = author.emit("annotation:create", _set(highlight(document), field, value), callback=True)
    assert ack["ok"] is False
    assert ack["error"] in {"validation_error", "outside_page", "page_not_found", "invalid_json"}
    assert ack["message"]
    assert Annotation.query.count() == 0
    assert received(other, "annotation:created") == []
    assert author.is_connected()
    assert author.emit("annotation:create", highlight(document), callback=True)["ok"]


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (note, "target.point", [595.9, 10]),
        (note, "target.point", [10]),
        (note, "target.point", ...),
        (ink, "target.paths", []),
        (ink, "target.paths", [[]]),
        (ink, "target.paths", [[[10, 10], [10, 843]]]),
        (ink, "target.paths", [[[1, 1]] * 5001]),
        (ink, "target.pressures", [[0.5]]),
        (ink, "target.width", 100),
        (ink, "reply_to", 1),
    ],
)
def test_malformed_notes_and_ink_are_refused(join, document, make, field, value):
    author = join("daibieu1")
    ack = author.emit("annotation:create", _set(make(document), field, value), callback=True)
    assert ack["ok"] is False
    assert Annotation.query.count() == 0


def test_ink_with_pen_pressure_is_kept_point_for_point(join, document):
    author = join("daibieu1")
    payload = _set(ink(document), "target.pressures", [[0.2, 0.5, 0.9]])
    ack = author.emit("annotation:create", payload, callback=True)
    assert ack["ok"], ack
    assert Annotation.query.one().target["pressures"] == [[0.2, 0.5, 0.9]]


@pytest.mark.parametrize("payload", [None, "annotation", 42, [1, 2], {"op_id": None}])
def test_a_payload_that_is_not_an_object_is_refused(join, payload):
    author = join("daibieu1")
    for event in (
        "document:join",
        "annotation:create",
        "annotation:update",
        "annotation:delete",
        "annotation:hide",
    ):
        ack = author.emit(event, payload, callback=True)
        assert ack["ok"] is False, event
    assert author.is_connected()


def test_a_comment_needs_text(join, document, first_paragraph):
    ack = join("daibieu1").emit("annotation:create", comment(document, first_paragraph, "   "), callback=True)
    assert ack["error"] == "validation_error"


def test_a_paragraph_of_another_document_is_refused(join, document, other_document):
    from documents.models import Paragraph

    foreign = Paragraph.query.filter_by(document_id=other_document.id).first()
    ack = join("daibieu1").emit("annotation:create", comment(document, foreign), callback=True)
    assert ack["error"] == "paragraph_not_found"
    assert Annotation.query.count() == 0


def test_a_reply_to_a_comment_in_another_document_is_refused(join, document, other_document):
    author = join("daibieu1")
    elsewhere = author.emit("annotation:create", comment(other_document, None), callback=True)
    ack = author.emit("annotation:create", comment(document, None, reply_to=elsewhere["id"]), callback=True)
    assert ack["error"] == "annotation_not_found"


def test_a_reply_to_a_highlight_or_to_an_unknown_comment_is_refused(join, document):
    author = join("daibieu1")
    mark = author.emit("annotation:create", highlight(document), callback=True)
    assert (
        author.emit("annotation:create", comment(document, None, reply_to=mark["id"]), callback=True)["error"]
        == "reply_target_invalid"
    )
    assert (
        author.emit("annotation:create", comment(document, None, reply_to=99999), callback=True)["error"]
        == "annotation_not_found"
    )


def test_someone_elses_private_note_cannot_be_found(join, document):
    author, other = join("daibieu1"), join("daibieu2")
    private = author.emit("annotation:create", note(document), callback=True)
    for event in ("annotation:update", "annotation:delete"):
        ack = other.emit(event, {"op_id": op_id(), "id": private["id"], "body": "x"}, callback=True)
        assert ack["error"] == "annotation_not_found"


def test_an_edit_that_moves_a_highlight_off_the_page_is_refused(join, document):
    author = join("daibieu1")
    created = author.emit("annotation:create", highlight(document), callback=True)
    moved = {"op_id": op_id(), "id": created["id"], "target": {"page": 1, "quads": [[500, 10, 700, 20]]}}
    assert author.emit("annotation:update", moved, callback=True)["error"] == "outside_page"
    assert Annotation.query.one().seq == created["seq"]


def test_presence_before_joining_is_refused(connect, document):
    ack = connect("daibieu1").emit("presence:update", {"document_id": document.id, "page": 2}, callback=True)
    assert ack["error"] == "document_not_joined"
