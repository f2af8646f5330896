"""The floor in the hall: a phone delegate asks to speak, the chair's tablet gives the floor, the
projector shows the name and a running countdown; a question's commitment comes back at the
council's next meeting; a delegate's reader follows the projected page."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET
from tests.live_server import LiveServer, make_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.server]

SHOTS = Path(__file__).resolve().parents[2] / "shots"
HALL = {"viewport": {"width": 1920, "height": 1080}}
CONSOLE_TABLET = {**TABLET, "viewport": {"width": 1024, "height": 768}}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of this module's own: it adds the council's next meeting, which the other browser
    tests (one demo meeting each) must not see."""
    template = tmp_path_factory.mktemp("floor-demo-data")
    make_demo_data(template)
    server = LiveServer(template, tmp_path_factory.mktemp("floor-live-server") / "data")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _meeting(page) -> dict:
    """The demo meeting (a test below adds the council's next one)."""
    meeting = next(
        m for m in page.request.get("/api/meetings").json() if m["title"].startswith("Kỳ họp thứ Mười hai")
    )
    return page.request.get(f"/api/meetings/{meeting['id']}").json()


def test_a_phone_delegate_registers_and_the_hall_shows_them_speaking_with_a_countdown(open_page):
    delegate = open_page(PHONE, "delegate1")
    meeting = _meeting(delegate)
    chair = open_page(CONSOLE_TABLET, "chair")
    hall = open_page(HALL, "secretary")
    hall.goto(f"/meetings/{meeting['id']}/screen")
    chair.goto(f"/meetings/{meeting['id']}/console")
    delegate.goto(f"/meetings/{meeting['id']}/floor")

    delegate.locator("[data-floor-topic]").fill("Về nước sạch cho thôn Nà Pàn")
    delegate.locator("[data-floor-register]").click()
    expect(delegate.locator("[data-floor-mine]")).to_contain_text("4")
    expect(hall.locator("[data-screen-queue]")).to_contain_text("Lường Thị Mai")
    delegate.locator("[data-floor-queue]").scroll_into_view_if_needed()
    _shot(delegate, "floor-phone-queue")

    row = chair.locator("[data-console-queue] li", has_text="Lường Thị Mai")
    row.get_by_role("button", name="Mời phát biểu").click()
    clicked = time.monotonic()
    expect(hall.locator("[data-screen-speaker]")).to_have_text("Lường Thị Mai", timeout=1000)
    assert time.monotonic() - clicked < 1.0
    timer = hall.locator("[data-screen-timer]")
    expect(timer).to_be_visible(timeout=1000)
    first = timer.text_content()
    hall.wait_for_timeout(1300)
    assert timer.text_content() != first, "the countdown runs"
    assert first.startswith(("7:00", "6:5"))
    _shot(hall, "floor-hall-screen")
    hall.set_viewport_size({"width": 640, "height": 360})
    _shot(hall, "floor-hall-screen-640x360")
    hall.set_viewport_size({"width": 1920, "height": 1080})
    expect(chair.locator("[data-console-speaker]")).to_have_text("Lường Thị Mai")
    _shot(chair, "floor-chair-console")
    chair.set_viewport_size({"width": 390, "height": 844})
    _shot(chair, "floor-chair-console-phone")

    chair.locator("[data-console-stop]").click()
    expect(hall.locator("[data-screen-speaker]")).not_to_have_text("Lường Thị Mai")


def test_a_questions_commitment_comes_back_at_the_councils_next_meeting(open_page):
    chair = open_page(CONSOLE_TABLET, "chair")
    meeting = _meeting(chair)
    secretary = open_page(TABLET, "secretary")
    # The demo queue holds delegate5's question to the commune chairman.
    chair.goto(f"/meetings/{meeting['id']}/console")
    row = chair.locator("[data-console-queue] li", has_text="Đàm Thị Lan")
    row.get_by_role("button", name="Mời phát biểu").click()
    expect(chair.locator("[data-console-phase]")).to_have_text("Chất vấn")
    chair.locator("[data-console-next]").click()
    expect(chair.locator("[data-console-speaker]")).to_have_text("Nông Văn Bình")
    chair.locator("[data-console-stop]").click()

    secretary.goto(f"/meetings/{meeting['id']}/console")
    question = secretary.locator("[data-console-questions] form", has_text="Đàm Thị Lan")
    question.locator("input[type=text]").fill("Hoàn thành đường liên thôn Nà Pàn")
    question.locator("input[type=date]").fill("2027-06-30")
    question.get_by_role("button", name="Ghi cam kết").click()
    expect(question.locator(".floor-commitments")).to_contain_text("Hoàn thành đường liên thôn Nà Pàn")

    council_id = meeting["council"]["id"]
    starts = (datetime.now(UTC) + timedelta(days=60)).isoformat()
    later = secretary.request.post(
        "/api/meetings", data={"title": "Kỳ họp thứ Mười ba", "starts_at": starts, "council_id": council_id}
    ).json()["id"]
    secretary.request.post(f"/api/meetings/{later}/members/roster")
    secretary.request.post(f"/api/meetings/{later}/publish")

    delegate = open_page(PHONE, "delegate1")
    delegate.goto(f"/meetings/{later}/floor")
    promised = delegate.locator("[data-floor-promised]")
    expect(promised).to_contain_text("Hoàn thành đường liên thôn Nà Pàn")
    expect(promised).to_contain_text("Nông Văn Bình")
    promised.scroll_into_view_if_needed()
    _shot(delegate, "floor-phone-promised")
    secretary.goto(f"/councils/{council_id}")
    commitments = secretary.locator("[data-council-commitments]")
    expect(commitments).to_contain_text("Hoàn thành đường liên thôn Nà Pàn")
    expect(commitments).to_contain_text("30/06/2027")
    commitments.scroll_into_view_if_needed()
    _shot(secretary, "floor-council-commitments-tablet")
    delegate.set_viewport_size({"width": 1024, "height": 768})
    delegate.goto(f"/meetings/{meeting['id']}/floor")
    _shot(delegate, "floor-delegate-page-tablet")


def test_follow_the_screen_turns_a_delegates_reader_to_the_projected_page(open_page):
    reader = open_page(TABLET, "delegate2")
    meeting = _meeting(reader)
    document = max(
        (d for item in meeting["agenda"] for d in item["documents"]), key=lambda d: d["page_count"]
    )
    target = min(document["page_count"], 3)
    assert target > 1
    reader.goto(f"/documents/{document['id']}?view=pages")
    expect(reader.locator('.page[data-page="1"]')).to_be_attached()
    toggle = reader.locator("[data-follow-screen]")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    chair = open_page(CONSOLE_TABLET, "chair")
    chair.goto(f"/meetings/{meeting['id']}/console")
    chair.locator("[data-console-document]").select_option(str(document["id"]))
    chair.locator("[data-console-page]").fill(str(target))
    chair.locator("[data-console-project]").click()
    expect(chair.locator("[data-console-projected]")).to_contain_text(f"trang {target}")
    reader.wait_for_function(f"() => window.PHReader.currentPage() === {target}", timeout=5000)
    _shot(reader, "floor-reader-following")
    hall = open_page(HALL, "secretary")
    hall.goto(f"/meetings/{meeting['id']}/screen")
    expect(hall.locator("[data-screen-projected] img")).to_be_visible()
    hall.wait_for_function("() => document.querySelector('[data-screen-page]').complete")
    _shot(hall, "floor-hall-projected")


def test_the_hall_screen_recovers_by_itself_after_a_dropped_link(open_page):
    hall = open_page(HALL, "secretary")
    meeting = _meeting(hall)
    hall.goto(f"/meetings/{meeting['id']}/screen")
    expect(hall.locator("[data-screen-queue] li").first).to_be_visible()
    hall.wait_for_function("() => window.PH.live().connected")
    queue = hall.request.get(f"/api/meetings/{meeting['id']}/floor").json()["queue"]
    waiting = queue[0]

    hall.evaluate("() => window.PH.live().io.engine.close()")  # the link drops; socket.io retries by itself
    chair = open_page(CONSOLE_TABLET, "chair")
    assert chair.request.post(f"/api/speakers/{waiting['id']}/start").ok
    expect(hall.locator("[data-screen-speaker]")).to_have_text(waiting["name"], timeout=10_000)
    expect(hall.locator("[data-screen-timer]")).to_be_visible()
    assert chair.request.post(f"/api/speakers/{waiting['id']}/stop").ok


def test_the_hall_screen_shows_attendance_and_a_closed_votes_official_result(open_page):
    """The sitting's panes on the projector: "Có mặt x/y" as delegates check in, the open vote's
    count (never how anyone voted), then the result in its official wording once the chair closes it."""
    hall = open_page(HALL, "secretary")
    meeting = _meeting(hall)
    hall.goto(f"/meetings/{meeting['id']}/screen")
    state = hall.request.get(f"/api/meetings/{meeting['id']}/sitting").json()
    attendance = state["attendance"]
    expect(hall.locator("[data-screen-attendance]")).to_contain_text(
        f"{attendance['present']}/{attendance['total']}"
    )
    poll = next(p for p in state["polls"] if p["state"] == "open")
    expect(hall.locator("[data-screen-poll]")).to_contain_text(poll["title"])

    chair = open_page(CONSOLE_TABLET, "chair")
    closed = chair.request.post(f"/api/polls/{poll['id']}/close", data={"confirm": True})
    assert closed.ok, closed.text()
    expect(hall.locator("[data-screen-poll]")).to_contain_text(closed.json()["result_text"], timeout=3000)
    _shot(hall, "floor-hall-screen-poll-result")
