"""Readers of a document see who else has it open, and on which page, as people come and go."""

from tests.annotations.payloads import received


def _latest_presence(client) -> list[dict]:
    return received(client, "presence")[-1]["users"]


def test_joining_moving_and_leaving_are_announced_to_the_others(join, connect, document, people):
    watcher = join("daibieu1")
    reader = connect("daibieu2")
    reader.emit("document:join", {"document_id": document.id}, callback=True)
    names = {u["user_id"]: u for u in _latest_presence(watcher)}
    assert names[people["daibieu2"].id] == {
        "user_id": people["daibieu2"].id,
        "name": "Daibieu2",
        "page": None,
    }

    assert reader.emit("presence:update", {"document_id": document.id, "page": 3}, callback=True) == {
        "ok": True
    }
    names = {u["user_id"]: u for u in _latest_presence(watcher)}
    assert names[people["daibieu2"].id]["page"] == 3

    reader.disconnect()
    assert [u["user_id"] for u in _latest_presence(watcher)] == [people["daibieu1"].id]


def test_someone_on_two_devices_is_listed_once_at_the_page_they_moved_to_last(join, document, people):
    watcher, tablet, phone = join("chutoa"), join("daibieu1"), join("daibieu1")
    tablet.emit("presence:update", {"document_id": document.id, "page": 2}, callback=True)
    phone.emit("presence:update", {"document_id": document.id, "page": 1}, callback=True)
    users = _latest_presence(watcher)
    assert [u["page"] for u in users if u["user_id"] == people["daibieu1"].id] == [1]


def test_leaving_a_document_stops_its_events(join, document, first_paragraph):
    from tests.annotations.payloads import comment

    author, reader = join("daibieu1"), join("daibieu2")
    assert reader.emit("document:leave", {"document_id": document.id}, callback=True) == {"ok": True}
    author.emit("annotation:create", comment(document, first_paragraph), callback=True)
    assert received(reader, "annotation:created") == []


def test_a_flood_of_page_turns_reaches_the_others_as_a_trickle(join, document, people):
    watcher, flooder = join("chutoa"), join("daibieu1")
    received(watcher, "presence")  # the join announcements
    for page in range(1, 101):
        assert flooder.emit("presence:update", {"document_id": document.id, "page": page}, callback=True) == {
            "ok": True
        }
    assert len(received(watcher, "presence")) < 30
