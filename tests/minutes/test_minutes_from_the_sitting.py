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
def sitting_held(app, create_user, api):
    """Xã Thần Sa's council (a chair and four delegates on its roster, a clerk as secretary), one
    sitting: four check in, one is absent with a reason, a draft resolution passes 3 of 5."""
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
    assert chair.post(f"/api/sittings/{sitting}/close").status_code == 200
    return meeting


def _user_id(app, username):
    from accounts.service import find_user

    with app.app_context():
        user_id = find_user(username).id
        db.session.rollback()
    return user_id


@pytest.fixture
def minutes_text(sitting_held, api, tmp_path):
    chair = api("chutoa")
    pdf = chair.get(f"/api/meetings/{sitting_held}/minutes.pdf")
    assert pdf.status_code == 200, pdf.get_json()
    path = tmp_path / "bien-ban.pdf"
    path.write_bytes(pdf.data)
    pdf_text = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = chair.get(f"/api/meetings/{sitting_held}/minutes.docx")
    assert word.status_code == 200
    word_text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    return {"pdf": " ".join(pdf_text.split()), "docx": " ".join(word_text.split())}


@pytest.mark.parametrize("paper", ["pdf", "docx"])
def test_the_minutes_hold_what_happened_in_the_sitting(minutes_text, paper):
    text = minutes_text[paper]
    assert text.count(RESULT) == 1
    assert "4/5" in text  # present of the council's total
    assert "Hoàng Văn Vắng (có lý do)" in text
    assert "Nguyễn Văn Chủ Tọa" in text  # the chair
    assert "Lường Thị Mai" in text
    assert "hạ tầng mạng ở thôn bản" in text
    assert "Nông Văn Bình" in text  # the guest, questioned
    assert "Khi nào thôn Khuôn Vạc có sóng 4G?" in text
    assert "Nhà mạng lắp trạm trong quý II." in text
    assert "Phủ sóng 4G thôn Khuôn Vạc" in text
    assert "Phiên thứ nhất" in text
