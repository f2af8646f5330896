"""The minutes drafted from what happened in the hall: a sitting run through the API (attendance by
the hall code and by the secretary, a vote, a speech, a question answered with a commitment) and
the minutes downloaded as the chair would, read back with outside readers line by line."""

import io
import subprocess

import docx
import pytest

from core.extensions import db

START = "2026-12-03T08:00:00+07:00"
RESULT = "Tán thành 3/5 đại biểu (60,00% tổng số đại biểu) — THÔNG QUA"


@pytest.fixture
def sitting_open(app, create_user, api):
    """Xã Thần Sa's council (a chair and four delegates on its roster, a clerk as secretary), one
    sitting, still open: four check in, one is absent with a reason, a draft resolution passes 3
    of 5, a speech, a question answered with a commitment. Returns (meeting id, sitting id)."""
    create_user("admin", admin=True)
    create_user("thuky", full_name="Lê Thị Thư Ký")
    create_user("chutoa", full_name="Nguyễn Văn Chủ Tọa")
    for number, name in enumerate(("Lường Thị Mai", "Ma Văn Dũng", "Đàm Thị Hoa", "Hoàng Văn Vắng"), start=1):
        create_user(f"daibieu{number}", full_name=name)
    create_user("chutich", full_name="Nông Văn Bình")
    admin, office = api("admin"), None
    council = admin.post("/api/councils", json={"name": "Hội đồng nhân dân xã Thần Sa", "place": "Thần Sa"})
    council_id = council.get_json()["id"]
    admin.post(f"/api/councils/{council_id}/officers", json={"username": "thuky"})
    office = api("thuky")
    for username in ("chutoa", "daibieu1", "daibieu2", "daibieu3", "daibieu4"):
        assert (
            office.post(f"/api/councils/{council_id}/members", json={"username": username}).status_code == 201
        )
    meeting = office.post(
        "/api/meetings",
        json={
            "title": "Kỳ họp thứ Mười hai",
            "starts_at": START,
            "location": "Hội trường xã",
            "council_id": council_id,
        },
    ).get_json()["id"]
    office.post(f"/api/meetings/{meeting}/members/roster")
    office.post(f"/api/meetings/{meeting}/members", json={"username": "chutoa", "role": "chair"})
    office.post(f"/api/meetings/{meeting}/members", json={"username": "chutich", "role": "guest"})
    item = office.post(
        f"/api/meetings/{meeting}/agenda", json={"title": "Nghị quyết chuyển đổi số"}
    ).get_json()["id"]
    assert office.post(f"/api/meetings/{meeting}/publish").status_code == 200

    chair = api("chutoa")
    sitting = chair.post(f"/api/meetings/{meeting}/sittings").get_json()["id"]
    for username in ("chutoa", "daibieu1", "daibieu2", "daibieu3"):
        code = chair.get(f"/api/sittings/{sitting}/checkin-code").get_json()["code"]
        assert api(username).post(f"/api/sittings/{sitting}/checkin", json={"code": code}).status_code == 200
    absent = _user_id(app, "daibieu4")
    marked = office.put(
        f"/api/sittings/{sitting}/attendance/{absent}", json={"status": "absent", "reason": "co_ly_do"}
    )
    assert marked.status_code == 200

    poll = office.post(
        f"/api/meetings/{meeting}/polls",
        json={
            "title": "Dự thảo Nghị quyết chuyển đổi số",
            "agenda_item_id": item,
            "rule": "majority_of_total",
        },
    ).get_json()["id"]
    assert chair.post(f"/api/polls/{poll}/open").status_code == 200
    for username, choice in (
        ("chutoa", "for"),
        ("daibieu1", "for"),
        ("daibieu2", "for"),
        ("daibieu3", "against"),
    ):
        ballot = {"ballot_id": f"ballot-{username}", "choice": choice}
        assert api(username).post(f"/api/polls/{poll}/ballots", json=ballot).status_code == 200
    assert chair.post(f"/api/polls/{poll}/close", json={"confirm": True}).status_code == 200
    assert chair.get(f"/api/polls/{poll}").get_json()["result_text"] == RESULT

    speech = api("daibieu1").post(
        f"/api/agenda/{item}/speakers", json={"kind": "speech", "topic": "hạ tầng mạng ở thôn bản"}
    )
    speech_id = speech.get_json()["id"]
    chair.post(f"/api/speakers/{speech_id}/start")
    chair.post(f"/api/speakers/{speech_id}/stop")
    question = api("daibieu2").post(
        f"/api/agenda/{item}/speakers",
        json={"kind": "question", "topic": "Khi nào thôn Khuôn Vạc có sóng 4G?", "addressee": "chutich"},
    )
    question_id = question.get_json()["id"]
    chair.post(f"/api/speakers/{question_id}/start")
    office.put(f"/api/speakers/{question_id}/answer", json={"note": "Nhà mạng lắp trạm trong quý II."})
    office.post(
        f"/api/speakers/{question_id}/commitments",
        json={"text": "Phủ sóng 4G thôn Khuôn Vạc", "due_on": "2027-06-30"},
    )
    chair.post(f"/api/speakers/{question_id}/stop")
    return meeting, sitting


@pytest.fixture
def sitting_held(sitting_open, api):
    """The same sitting, closed by the chair."""
    meeting, sitting = sitting_open
    assert api("chutoa").post(f"/api/sittings/{sitting}/close").status_code == 200
    return meeting


def _user_id(app, username):
    from accounts.service import find_user

    with app.app_context():
        user_id = find_user(username).id
        db.session.rollback()
    return user_id


def _papers(api, meeting, tmp_path) -> dict[str, str]:
    """The minutes as the chair downloads them, PDF (read by pdftotext) and DOCX (python-docx)."""
    chair = api("chutoa")
    pdf = chair.get(f"/api/meetings/{meeting}/minutes.pdf")
    assert pdf.status_code == 200, pdf.get_json()
    path = tmp_path / "bien-ban.pdf"
    path.write_bytes(pdf.data)
    pdf_text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = chair.get(f"/api/meetings/{meeting}/minutes.docx")
    assert word.status_code == 200
    word_text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    return {"pdf": " ".join(pdf_text.split()), "docx": " ".join(word_text.split())}


@pytest.fixture
def minutes_text(sitting_held, api, tmp_path):
    return _papers(api, sitting_held, tmp_path)


@pytest.mark.parametrize("paper", ["pdf", "docx"])
def test_the_minutes_hold_what_happened_in_the_sitting(minutes_text, paper):
    text = minutes_text[paper]
    assert text.count(RESULT) == 1
    assert "4/5" in text  # present of the council's total
    assert "Hoàng Văn Vắng (có lý do)" in text
    assert "Vắng mặt (1): Hoàng Văn Vắng." in text  # in the vote's named list, and only there
    assert "Có mặt nhưng không bấm (" not in text  # everyone present voted: no such list
    assert "Nguyễn Văn Chủ Tọa" in text  # the chair
    assert "Lường Thị Mai" in text
    assert "hạ tầng mạng ở thôn bản" in text
    assert "Nông Văn Bình" in text  # the guest, questioned
    assert "Khi nào thôn Khuôn Vạc có sóng 4G?" in text
    assert "Nhà mạng lắp trạm trong quý II." in text
    assert "Phủ sóng 4G thôn Khuôn Vạc" in text
    assert "Phiên thứ nhất" in text


def test_a_delegate_nobody_marked_is_not_written_absent_until_the_sitting_closes(
    app, sitting_open, api, tmp_path
):
    """The secretary undoes a mistaken mark while the sitting is open: the draft says the delegate
    is not yet marked and that attendance is not final, never "absent without a reason" before it
    is true; once the chair closes the sitting, a delegate still unmarked is absent without one."""
    meeting, sitting = sitting_open
    office = api("thuky")
    undone = office.delete(f"/api/sittings/{sitting}/attendance/{_user_id(app, 'daibieu4')}")
    assert undone.status_code == 200
    office.put(
        f"/api/meetings/{meeting}/minutes/paragraphs/{_first_item(office, meeting)}",
        json={"text": "Kết luận."},
    )

    while_open = _papers(api, meeting, tmp_path)
    for text in while_open.values():
        assert "Chưa điểm danh (1): Hoàng Văn Vắng." in text
        assert "(Phiên họp chưa bế mạc: số liệu điểm danh chưa phải là số liệu chính thức.)" in text
        assert "Hoàng Văn Vắng (có lý do)" not in text
        assert "không có lý do" not in text
    editor = office.get(f"/api/meetings/{meeting}/minutes").get_json()
    assert editor["attendance"] == {"final": False, "unmarked": 1}

    assert api("chutoa").post(f"/api/sittings/{sitting}/close").status_code == 200
    closed = _papers(api, meeting, tmp_path)
    for text in closed.values():
        assert "Vắng mặt không có lý do (1): Hoàng Văn Vắng." in text
        assert "Chưa điểm danh" not in text
        assert "chưa phải là số liệu chính thức" not in text
    editor = office.get(f"/api/meetings/{meeting}/minutes").get_json()
    assert editor["attendance"] == {"final": True, "unmarked": 0}
    # The secretary's page lists what the close changed since the last edit.
    assert {"change": "removed", "line": "Chưa điểm danh (1): Hoàng Văn Vắng."} in editor["changes"]
    assert {"change": "added", "line": "Vắng mặt không có lý do (1): Hoàng Văn Vắng."} in editor["changes"]


def test_the_chair_cannot_finalise_the_minutes_while_the_sitting_is_open(sitting_open, api):
    """Its attendance is not final yet: the official text would say so for ever."""
    meeting, sitting = sitting_open
    refused = api("chutoa").post(f"/api/meetings/{meeting}/minutes/finalise", json={})
    assert (refused.status_code, refused.get_json()["error"]) == (409, "minutes_sitting_open")
    assert api("chutoa").get(f"/api/meetings/{meeting}/minutes").get_json()["state"] == "draft"
    assert api("chutoa").post(f"/api/sittings/{sitting}/close").status_code == 200
    final = api("chutoa").post(f"/api/meetings/{meeting}/minutes/finalise", json={})
    assert final.get_json()["state"] == "final"


def _first_item(client, meeting) -> str:
    paragraphs = client.get(f"/api/meetings/{meeting}/minutes").get_json()["paragraphs"]
    return next(p["key"] for p in paragraphs if p["kind"] == "conclusion")
