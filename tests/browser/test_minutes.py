"""The secretary writes the chair's conclusion on the minutes page of a tablet, and it stays written."""

from tests.browser.conftest import PHONE, TABLET


def test_the_secretary_saves_a_conclusion_on_the_minutes_page_of_a_tablet(open_page):
    page = open_page(TABLET, "secretary")
    page.goto("/meetings/1/minutes")
    page.wait_for_selector("#minutes-state:has-text('Dự thảo')")
    first = page.locator(".minutes-paragraph").first
    first.locator("textarea").fill("Chủ tọa kết luận: thống nhất trình kỳ họp.")
    first.locator("button[type=submit]").click()
    page.wait_for_selector(".minutes-saved:has-text('Đã lưu')")
    page.reload()
    assert page.locator("textarea").first.input_value() == "Chủ tọa kết luận: thống nhất trình kỳ họp."


def test_the_chair_sees_the_finalise_button_on_a_phone(open_page):
    page = open_page(PHONE, "chair")
    page.goto("/meetings/1/minutes")
    page.wait_for_selector("#minutes-finalise:visible")
    box = page.locator("#minutes-finalise").bounding_box()
    assert box["height"] >= 44


def test_the_secretary_is_told_attendance_is_not_final_while_the_sitting_is_open(open_page):
    """The demo's sitting is still open and one delegate has not been marked: the page says the
    attendance is not final and how many are not yet marked, rather than calling them absent."""
    page = open_page(TABLET, "secretary")
    page.goto("/meetings/1/minutes")
    notice = page.locator("#minutes-attendance")
    notice.wait_for(state="visible")
    assert notice.inner_text() == (
        "Phiên họp chưa bế mạc: số liệu điểm danh chưa chốt. "
        "Đại biểu chưa điểm danh: 1 (chưa ghi là vắng mặt)."
    )
