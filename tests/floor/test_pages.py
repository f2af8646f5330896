"""The floor's pages: the hall screen, the chair's console and a delegate's floor page."""

import pytest


def test_the_hall_screen_has_the_marked_speaker_element_and_the_sittings_slot(hall, api):
    page = api("thuky").get(f"/meetings/{hall.meeting.id}/screen").get_data(as_text=True)
    assert "data-screen-speaker" in page
    assert "data-sitting-screen" in page
    assert "js/floor/screen.js" in page


@pytest.mark.parametrize(("username", "status"), [("chutoa", 200), ("thuky", 200), ("daibieu1", 403)])
def test_the_console_is_for_the_chair_and_the_secretary(hall, api, username, status):
    assert api(username).get(f"/meetings/{hall.meeting.id}/console").status_code == status


def test_a_delegate_sees_the_guests_they_may_question(hall, api):
    page = api("daibieu1").get(f"/meetings/{hall.meeting.id}/floor").get_data(as_text=True)
    assert "Hoàng Văn Chủ Tịch UBND" in page
    assert "data-floor-register" in page


def test_a_guest_sees_the_floor_but_no_registration(hall, api):
    page = api("khachmoi").get(f"/meetings/{hall.meeting.id}/floor").get_data(as_text=True)
    assert "data-floor-register" not in page


def test_the_meeting_page_links_to_the_floor(hall, api):
    page = api("chutoa").get(f"/meetings/{hall.meeting.id}").get_data(as_text=True)
    assert f"/meetings/{hall.meeting.id}/console" in page
    assert f"/meetings/{hall.meeting.id}/floor" in page
