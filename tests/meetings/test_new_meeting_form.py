"""The "Tạo kỳ họp mới" form creates a meeting of one of the councils its secretary runs."""

import re

import pymupdf

from core.extensions import db
from councils.models import Council, CouncilMember, CouncilOfficer
from tests.conftest import PASSWORD


def _council(name: str, place: str, officer=None) -> Council:
    council = Council(name=name, place=place, level="commune")
    if officer is not None:
        council.officers = [CouncilOfficer(user_id=officer.id)]
    db.session.add(council)
    db.session.commit()
    return council


def _form(client, username: str) -> str:
    client.post("/login", data={"username": username, "password": PASSWORD})
    page = client.get("/").get_data(as_text=True)
    start = page.index('<form id="new-meeting"')
    return page[start : page.index("</form>", start)]


def _options(form: str) -> list[tuple[str, bool]]:
    return [
        (name.strip(), "selected" in attributes)
        for attributes, name in re.findall(r"<option value=\"\d+\"([^>]*)>([^<]+)</option>", form)
    ]


def test_a_secretary_who_runs_one_council_finds_it_chosen_already(app, client, create_user):
    secretary = create_user("thuky")
    _council("Hội đồng nhân dân xã Thần Sa", "Thần Sa", officer=secretary)
    _council("Hội đồng nhân dân xã La Hiên", "La Hiên")  # not theirs: not offered

    form = _form(client, "thuky")

    assert 'name="council_id"' in form
    assert _options(form) == [("Hội đồng nhân dân xã Thần Sa", True)]


def test_a_secretary_who_runs_several_councils_must_choose_one(app, client, create_user):
    secretary = create_user("thuky")
    _council("Hội đồng nhân dân xã Thần Sa", "Thần Sa", officer=secretary)
    _council("Hội đồng nhân dân xã La Hiên", "La Hiên", officer=secretary)

    form = _form(client, "thuky")

    assert sorted(_options(form)) == [
        ("Hội đồng nhân dân xã La Hiên", False),
        ("Hội đồng nhân dân xã Thần Sa", False),
    ]
    assert re.search(r"<select name=\"council_id\" required>", form)


def test_an_officer_not_otherwise_allowed_to_convene_gets_the_form_for_their_council(
    app, client, create_user
):
    officer = create_user("vanphong")
    officer.can_convene = False
    db.session.commit()
    _council("Hội đồng nhân dân xã Thần Sa", "Thần Sa", officer=officer)

    assert _options(_form(client, "vanphong")) == [("Hội đồng nhân dân xã Thần Sa", True)]


def test_a_meeting_made_with_the_form_offers_the_roster_and_heads_its_digest_with_the_council(
    app, client, api, create_user
):
    secretary = create_user("thuky")
    council = _council("Hội đồng nhân dân xã Thần Sa", "Thần Sa", officer=secretary)
    form = _form(client, "thuky")
    chosen = re.search(r"<option value=\"(\d+)\"[^>]*selected", form).group(1)

    # what static/js/meetings.js sends for the form
    created = api("thuky").post(
        "/api/meetings",
        json={
            "title": "Kỳ họp thứ Nhất",
            "starts_at": "2026-12-10T08:00:00+07:00",
            "location": "Hội trường",
            "council_id": int(chosen),
        },
    )
    meeting_id = created.get_json()["id"]
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    paper = api("thuky").get(f"/api/meetings/{meeting_id}/digest.pdf")

    assert int(chosen) == council.id
    assert 'data-action="invite-roster"' in page
    assert paper.status_code == 200
    with pymupdf.open("pdf", paper.data) as pdf:
        text = " ".join(pdf[0].get_text().split())
    assert "HỘI ĐỒNG NHÂN DÂN XÃ THẦN SA" in text
    assert "VÕ NHAI" not in text


def test_a_meeting_made_without_a_council_gets_one_and_then_its_digest(app, api, create_user, create_meeting):
    secretary, chair = create_user("thuky"), create_user("chutoa")
    meeting = create_meeting(secretary, chair=chair)
    council = _council("Hội đồng nhân dân xã Thần Sa", "Thần Sa", officer=secretary)
    refused = api("thuky").get(f"/api/meetings/{meeting.id}/digest.pdf")
    assert (refused.status_code, refused.get_json()["error"]) == (409, "council_required")

    not_on_roster = api("thuky").patch(f"/api/meetings/{meeting.id}", json={"council_id": council.id})
    assert not_on_roster.get_json()["error"] == "not_on_council_roster"
    council.roster = [CouncilMember(user_id=chair.id)]
    db.session.commit()
    joined = api("thuky").patch(f"/api/meetings/{meeting.id}", json={"council_id": council.id})
    moved = api("thuky").patch(f"/api/meetings/{meeting.id}", json={"council_id": council.id + 1})

    assert joined.status_code == 200
    assert api("thuky").get(f"/api/meetings/{meeting.id}/digest.pdf").status_code == 200
    assert (moved.status_code, moved.get_json()["error"]) == (409, "meeting_council_fixed")
