"""The audit trail: logins, accounts, membership, documents, moderation and exports are recorded,
shown to the meeting's secretaries and to admins, and to nobody else."""

import io
import uuid

import pytest

from core.extensions import socketio
from documents.models import Paragraph
from tests.conftest import BAD_FILES, MEETING_PACK, PASSWORD


@pytest.fixture
def setting(create_user, create_meeting, create_document):
    admin = create_user("quantri", admin=True)
    secretary, chair, delegate = create_user("thuky"), create_user("chutoa"), create_user("daibieu1")
    meeting = create_meeting(secretary, chair=chair, delegates=[delegate])
    document = create_document(secretary, meeting.agenda_items[0], "du-thao-nghi-quyet-v1.pdf")
    return admin, meeting, document


def _actions(events: list[dict]) -> list[str]:
    return [event["action"] for event in events]


def test_logins_and_failed_logins_are_on_the_admins_trail(client, api, setting):
    client.post("/api/login", json={"username": "daibieu1", "password": "sai-mat-khau"})
    client.post("/api/login", json={"username": "khongco", "password": "x"})
    client.post("/api/login", json={"username": "daibieu1", "password": PASSWORD})
    events = api("quantri").get("/api/audit").get_json()
    failed = [event for event in events if event["action"] == "login_failed"]
    assert [(e["detail"]["username"], e["detail"]["reason"]) for e in failed] == [
        ("khongco", "unknown_user"),
        ("daibieu1", "wrong_password"),
    ]
    assert any(e["action"] == "login" and e["actor"]["username"] == "daibieu1" for e in events)
    assert events[0]["address"] == "127.0.0.1"
    assert api("thuky").get("/api/audit").status_code == 403


def test_the_secretary_sees_what_happened_in_the_meeting(app, api, setting, token_for):
    _, meeting, document = setting
    secretary = api("thuky")
    secretary.post(f"/api/meetings/{meeting.id}/members", json={"username": "quantri", "role": "delegate"})
    secretary.delete(f"/api/meetings/{meeting.id}/members/{setting[0].id}")
    replaced = secretary.post(
        f"/api/documents/{document.id}/replace",
        data={"file": ((MEETING_PACK / "du-thao-nghi-quyet-v2.pdf").open("rb"), "v2.pdf")},
        content_type="multipart/form-data",
    ).get_json()
    paragraph = Paragraph.query.filter_by(document_id=replaced["id"]).first()
    author = socketio.test_client(app, auth={"token": token_for("daibieu1")})
    chair = socketio.test_client(app, auth={"token": token_for("chutoa")})
    for live in (author, chair):
        live.emit("document:join", {"document_id": replaced["id"]}, callback=True)
    comment = {
        "op_id": uuid.uuid4().hex,
        "document_id": replaced["id"],
        "kind": "comment",
        "target": {"paragraph_id": paragraph.id, "quote": ""},
        "body": "Đề nghị làm rõ.",
    }
    created = author.emit("annotation:create", comment, callback=True)
    hidden = chair.emit("annotation:hide", {"op_id": uuid.uuid4().hex, "id": created["id"]}, callback=True)
    assert hidden["ok"]
    api("chutoa").get(f"/api/meetings/{meeting.id}/digest.csv")
    secretary.delete(f"/api/documents/{replaced['id']}")

    events = secretary.get(f"/api/meetings/{meeting.id}/audit").get_json()
    assert _actions(events) == [
        "document_withdrawn",
        "exported",
        "comment_hidden",
        "document_replaced",
        "member_removed",
        "member_added",
        "document_uploaded",
        "meeting_published",
        "member_added",
        "member_added",
        "meeting_created",
    ]
    assert events[1]["actor"]["username"] == "chutoa"
    assert events[1]["detail"] == {"export": "digest.csv"}
    assert events[3]["detail"]["replaces_id"] == document.id
    for caller in ("chutoa", "daibieu1"):
        assert api(caller).get(f"/api/meetings/{meeting.id}/audit").status_code == 403
    page = api("thuky").get(f"/meetings/{meeting.id}/audit")
    assert page.status_code == 200
    assert "Ẩn ý kiến" in page.get_data(as_text=True)
    author.disconnect()
    chair.disconnect()


def test_a_refused_upload_leaves_no_line(api, setting):
    _, meeting, _ = setting
    before = api("thuky").get(f"/api/meetings/{meeting.id}/audit").get_json()
    bad = next(path for path in sorted(BAD_FILES.iterdir()) if path.is_file())
    response = api("thuky").post(
        f"/api/agenda/{meeting.agenda_items[0].id}/documents",
        data={"file": (io.BytesIO(bad.read_bytes()[:64]), "hong.pdf")},
        content_type="multipart/form-data",
    )
    assert 400 <= response.status_code < 500
    assert api("thuky").get(f"/api/meetings/{meeting.id}/audit").get_json() == before


def test_account_changes_are_on_the_admins_trail_and_page(api, setting):
    admin = api("quantri")
    users = {user["username"]: user["id"] for user in admin.get("/api/users").get_json()}
    admin.patch(f"/api/users/{users['daibieu1']}", json={"is_active": False, "can_convene": False})
    actions = _actions(admin.get("/api/audit").get_json())
    assert actions[:2] == ["convene_changed", "user_disabled"]
    page = admin.get("/admin/audit")
    assert page.status_code == 200
    assert "Đã khóa tài khoản" in page.get_data(as_text=True)
