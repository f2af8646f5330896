"""A delegate's phone in a hall where the signal comes and goes: the meeting stored on the device
opens with the network off, what is written offline waits in the outbox and reaches the others when
the link returns, and a half-written comment survives a reload."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsers import PHONE, TABLET, Devices
from tests.conftest import MEETING_PACK
from tests.live_server import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]

SHOTS = Path(__file__).resolve().parents[2] / "shots"
MEETING_TITLE = "Kỳ họp thứ Mười hai"
# What the browser says while the network is off is expected; anything else is a bug.
OFFLINE_NOISE = re.compile(r"ERR_INTERNET_DISCONNECTED|WebSocket connection to|Failed to load resource")

CONTROLLED = "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"

# The share of a page's pixels that are not white, read back from its image: 0 for a blank page.
INK_ON_PAGE = """async (n) => {
    const img = document.querySelector(`.page[data-page="${n}"] .page-image`);
    if (!img || !img.complete || !img.naturalWidth) return 0;
    const canvas = document.createElement('canvas');
    canvas.width = 300;
    canvas.height = Math.round(300 * img.naturalHeight / img.naturalWidth);
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 600) inked += 1;
    return inked / (data.length / 4);
}"""


# How many responses about these documents the worker keeps from visits (outside any pack).
KEPT_FROM_VISITS = """async (ids) => {
    const cache = await caches.open('ph-recent');
    return (await cache.keys()).filter((r) => ids.some((id) => r.url.includes(`/documents/${id}`))).length;
}"""


@pytest.fixture
def device(browser, live_server):
    """`device(viewport, username)`: a signed-in page in its own browser profile (its own storage and
    service worker); console errors fail the test, except the network's own while it is off."""
    devices = Devices(browser, live_server, timeout_ms=20_000, noise=OFFLINE_NOISE)
    yield devices.open
    devices.close()
    assert devices.errors == [], "errors in the browser console"


def _meeting(page) -> dict:
    meetings = page.request.get("/api/meetings").json()
    meeting = next(m for m in meetings if m["title"].startswith(MEETING_TITLE))
    return page.request.get(f"/api/meetings/{meeting['id']}").json()


def _documents(meeting: dict) -> list[dict]:
    return [doc for item in meeting["agenda"] for doc in item["documents"]]


def _store_the_meeting(page, meeting_id: int) -> None:
    page.goto(f"/meetings/{meeting_id}")
    # The service worker serves this page: it will serve it offline. Its install stores every
    # static file first, which takes a while on a busy machine.
    page.wait_for_function(CONTROLLED, timeout=90_000)
    assert [worker.url.rsplit("/", 1)[-1] for worker in page.context.service_workers] == ["sw.js"]
    control = page.locator("[data-offline-pack]")
    expect(control).to_be_enabled()
    control.click()
    expect(control).to_have_attribute("data-offline-pack", "ready", timeout=180_000)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_a_stored_meeting_opens_offline_with_the_pages_of_a_document_never_opened(device):
    page = device(PHONE, "delegate1")
    meeting = _meeting(page)
    _store_the_meeting(page, meeting["id"])
    detail = page.locator("[data-offline-detail]")
    expect(detail).to_contain_text(re.compile(r"\d+ tài liệu · [\d,]+ MB"))
    _shot(page, "meeting-pack-ready-phone")

    document = max(_documents(meeting), key=lambda doc: doc["page_count"])
    page.context.set_offline(True)
    page.goto(f"/documents/{document['id']}?view=pages")
    page.wait_for_function(
        "() => { const i = document.querySelector('.page[data-page=\"1\"] .page-image'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.evaluate(INK_ON_PAGE, 1) > 0.005, "page 1 shows nothing"
    expect(page.locator('.page[data-page="1"] .text-layer span').first).to_be_attached()
    # Far into the document: every page was stored, not only the first ones.
    last = document["page_count"]
    page.evaluate("(n) => window.PHReader.goToPage(n)", last)
    page.wait_for_function(
        '(n) => { const i = document.querySelector(`.page[data-page="${n}"] .page-image`); '
        "return i && i.complete && i.naturalWidth > 0; }",
        arg=last,
    )
    assert page.evaluate(INK_ON_PAGE, last) > 0.001, f"page {last} shows nothing"
    _shot(page, "reader-offline-phone")

    # Reading mode, offline too: the text of the last pages, never opened, from the stored chunks.
    page.goto(f"/documents/{document['id']}?view=text")
    expect(page.locator(".rp").first).to_be_visible()
    page.evaluate("(n) => window.PHReader.goToPage(n)", last - 1)
    expect(page.locator("#page-indicator")).to_have_text(f"Trang {last - 1}/{last}")
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('.reading-page')].slice(n - 3)"
        ".some((p) => p.querySelector('.rp'))",
        arg=last,
    )
    expect(page.locator(".reading-failure")).to_have_count(0)
    _shot(page, "reading-offline-phone")

    page.goto(f"/meetings/{meeting['id']}")
    expect(page.locator("h1")).to_have_text(meeting["title"])
    expect(page.locator("[data-offline-pack]")).to_have_attribute("data-offline-pack", "ready")
    page.reload()
    expect(page.locator(".document-row")).to_have_count(len(_documents(meeting)))
    page.context.set_offline(False)


def test_a_comment_written_offline_waits_in_the_outbox_and_reaches_another_delegate(device):
    author = device(PHONE, "delegate3")
    reader = device(TABLET, "delegate4")
    meeting = _meeting(author)
    _store_the_meeting(author, meeting["id"])
    document = next(doc for doc in _documents(meeting) if "LẦN 2" in doc["title"].upper())

    reader.goto(f"/documents/{document['id']}")
    expect(reader.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    body = "Đề nghị bổ sung kinh phí cho thôn Nà Cọ (viết khi mất sóng)."
    reader.locator("[data-panel='comments']").click()  # every comment of the document, live
    arrived = reader.locator("#annot-panel .comment-body", has_text=body)

    author.context.set_offline(True)
    author.goto(f"/documents/{document['id']}?view=pages")
    expect(author.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    author.wait_for_timeout(600)  # a tap is judged after the selection it may start has settled
    author.locator('.page[data-page="1"] .pmark').nth(8).tap()
    author.locator("[data-composer] textarea").fill(body)
    author.locator("[data-composer] button[type=submit]").click()
    author.locator("#annot-panel [data-close]").click()
    status = author.locator(".annot-bar [data-status]")
    expect(status).to_be_visible()
    expect(status).to_contain_text("1 thao tác")
    badge = author.locator("[data-outbox-badge]")
    expect(badge).to_have_text("1 chờ gửi")
    box = badge.bounding_box()
    assert box["y"] >= author.locator(".topbar").bounding_box()["height"]  # under the bar, on screen
    _shot(author, "outbox-reader-phone")

    # Still waiting after a reload, and counted on the meeting page.
    author.goto(f"/meetings/{meeting['id']}")
    outbox = author.locator("[data-outbox]")
    expect(outbox).to_be_visible()
    expect(outbox).to_contain_text("1 thao tác chờ gửi")
    _shot(author, "outbox-meeting-phone")

    expect(arrived).to_have_count(0)
    author.context.set_offline(False)
    expect(outbox).to_be_hidden(timeout=30_000)
    expect(arrived).to_have_count(1)  # once: the author's outbox and the server agree on one op_id


def test_a_half_written_comment_survives_a_reload_until_sent_or_discarded(device):
    page = device(PHONE, "delegate5")
    meeting = _meeting(page)
    document = _documents(meeting)[0]
    page.goto(f"/documents/{document['id']}?view=pages")
    marks = page.locator('.page[data-page="1"] .pmark')
    expect(marks.first).to_be_visible()
    page.wait_for_timeout(600)
    marks.nth(2).tap()
    draft = "Ý kiến viết dở: đề nghị làm rõ"
    page.locator("[data-composer] textarea").fill(draft)
    page.wait_for_timeout(800)  # saved a moment after typing stops

    page.reload()
    offer = page.locator(".draft-offer")
    expect(offer).to_contain_text("1 ý kiến viết dở")
    offer.locator("button", has_text="Mở lại").click()
    expect(page.locator("[data-composer] textarea")).to_have_value(draft)
    expect(page.locator("[data-composer] .draft-notice")).to_contain_text("Bản nháp chưa gửi")
    _shot(page, "draft-restored-phone")

    page.locator("[data-composer] [data-draft-discard]").click()
    expect(page.locator("[data-composer] textarea")).to_have_value("")
    page.wait_for_timeout(800)
    page.reload()
    expect(marks.first).to_be_visible()
    page.wait_for_timeout(800)
    expect(page.locator(".draft-offer")).to_have_count(0)


def test_removing_a_stored_meeting_gives_its_space_back(device):
    page = device(TABLET, "delegate2")
    meeting = _meeting(page)
    _store_the_meeting(page, meeting["id"])
    _shot(page, "meeting-pack-ready-tablet")
    name = f"ph-pack-{meeting['id']}"
    assert page.evaluate("(name) => caches.has(name)", name)
    ids = [doc["id"] for doc in _documents(meeting)]
    assert page.evaluate(KEPT_FROM_VISITS, ids) > 0
    storage = page.locator("[data-offline-storage]")
    expect(storage).to_be_visible()
    expect(storage.locator("summary")).to_contain_text("Kỳ họp đã lưu trên máy: 1")

    page.locator("[data-offline-remove]").click()
    page.locator("dialog .button.danger").click()
    control = page.locator("[data-offline-pack]")
    expect(control).to_have_attribute("data-offline-pack", "")
    expect(page.locator("#toast")).to_contain_text("giải phóng")
    assert not page.evaluate("(name) => caches.has(name)", name)
    expect(storage).to_be_hidden()
    assert page.evaluate(KEPT_FROM_VISITS, ids) == 0, "copies of its documents stay on the device"

    _store_the_meeting(page, meeting["id"])
    page.goto(f"/meetings/{meeting['id']}?lang=en")
    expect(page.locator("[data-offline-pack]")).to_have_text("Saved on this device, readable offline")
    _shot(page, "meeting-pack-ready-tablet-en")


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": (MEETING_PACK / name).read_bytes()}


STORED = """async ([name, url]) => Boolean(await (await caches.open(name)).match(url))"""


def test_a_stored_meeting_follows_a_replaced_and_a_withdrawn_document(device):
    secretary = device(TABLET, "secretary")
    meeting_id = secretary.request.post(
        "/api/meetings",
        data={
            "title": "Kỳ họp chuyên đề (lưu trên máy)",
            "starts_at": "2026-11-02T08:00:00+07:00",  # before the demo meeting, which tests take as newest
            "location": "",
        },
    ).json()["id"]
    member = {"username": "delegate1", "role": "delegate"}
    assert secretary.request.post(f"/api/meetings/{meeting_id}/members", data=member).ok
    item = secretary.request.post(f"/api/meetings/{meeting_id}/agenda", data={"title": "Dự thảo"}).json()
    draft = secretary.request.post(
        f"/api/agenda/{item['id']}/documents", multipart={"file": _pdf("du-thao-nghi-quyet-v1.pdf")}
    ).json()
    programme = secretary.request.post(
        f"/api/agenda/{item['id']}/documents", multipart={"file": _pdf("chuong-trinh-ky-hop.pdf")}
    ).json()
    assert secretary.request.post(f"/api/meetings/{meeting_id}/publish").ok

    page = device(PHONE, "delegate1")
    _store_the_meeting(page, meeting_id)
    detail = page.locator("[data-offline-detail]")
    expect(detail).to_contain_text("2 tài liệu")
    name = f"ph-pack-{meeting_id}"
    old_view = f"/api/documents/{draft['id']}/pages/1/view"
    assert page.evaluate(STORED, [name, old_view])

    # While the delegate has the meeting page open, the secretary replaces one and withdraws the other.
    replaced = secretary.request.post(
        f"/api/documents/{draft['id']}/replace", multipart={"file": _pdf("du-thao-nghi-quyet-v2.pdf")}
    ).json()
    assert secretary.request.delete(f"/api/documents/{programme['id']}").ok
    expect(detail).to_contain_text("1 tài liệu", timeout=60_000)
    expect(page.locator("[data-offline-pack]")).to_have_attribute("data-offline-pack", "ready")
    assert page.evaluate(STORED, [name, f"/api/documents/{replaced['id']}/pages/1/view"])
    assert not page.evaluate(STORED, [name, old_view]), "the replaced version's pages stay on the device"
    assert not page.evaluate(STORED, [name, f"/api/documents/{programme['id']}/paragraphs"])

    page.context.set_offline(True)
    page.goto(f"/documents/{replaced['id']}?view=pages")
    page.wait_for_function(
        "() => { const i = document.querySelector('.page[data-page=\"1\"] .page-image'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.evaluate(INK_ON_PAGE, 1) > 0.005
    page.context.set_offline(False)


def _small_meeting(secretary, title: str, starts_at: str, delegate: str) -> int:
    meeting_id = secretary.request.post(
        "/api/meetings", data={"title": title, "starts_at": starts_at}
    ).json()["id"]
    member = {"username": delegate, "role": "delegate"}
    assert secretary.request.post(f"/api/meetings/{meeting_id}/members", data=member).ok
    item = secretary.request.post(f"/api/meetings/{meeting_id}/agenda", data={"title": "Chương trình"}).json()
    upload = {"file": _pdf("chuong-trinh-ky-hop.pdf")}
    assert secretary.request.post(f"/api/agenda/{item['id']}/documents", multipart=upload).ok
    assert secretary.request.post(f"/api/meetings/{meeting_id}/publish").ok
    return meeting_id


# The device's quota, made small enough that storing `needed` more bytes takes one meeting's room.
SMALL_QUOTA = """async (needed) => {
    const real = await navigator.storage.estimate();
    const quota = (real.usage + needed - 20000) / 0.9;
    navigator.storage.estimate = async () => ({ usage: real.usage, quota });
    return quota;
}"""


def test_when_the_device_is_full_the_oldest_stored_meeting_makes_room(device):
    secretary = device(TABLET, "secretary")
    oldest = _small_meeting(
        secretary, "Kỳ họp thứ Mười (lưu trên máy)", "2026-10-01T08:00:00+07:00", "delegate2"
    )
    older = _small_meeting(
        secretary, "Kỳ họp thứ Mười một (lưu trên máy)", "2026-11-01T08:00:00+07:00", "delegate2"
    )
    page = device(PHONE, "delegate2")
    _store_the_meeting(page, older)  # stored first, but its meeting is the later of the two
    _store_the_meeting(page, oldest)
    meeting = _meeting(page)
    needed = 60_000 * sum(doc["page_count"] for doc in _documents(meeting))  # pack.js's estimate
    page.goto(f"/meetings/{meeting['id']}")
    page.wait_for_function(CONTROLLED, timeout=90_000)
    page.evaluate(SMALL_QUOTA, needed)
    page.locator("[data-offline-pack]").click()
    expect(page.locator("[data-offline-pack]")).to_have_attribute(
        "data-offline-pack", "ready", timeout=180_000
    )

    stored = page.evaluate("async () => (await caches.keys()).filter((name) => name.startsWith('ph-pack-'))")
    assert f"ph-pack-{oldest}" not in stored, "the oldest meeting should have made room"
    assert f"ph-pack-{older}" in stored
    assert f"ph-pack-{meeting['id']}" in stored
    expect(page.locator("[data-offline-storage] summary")).to_contain_text("Kỳ họp đã lưu trên máy: 2")


VISITED_COPIES = """async (path) => {
    const cache = await caches.open("ph-recent");
    return (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith(path)).length;
}"""


def test_the_next_person_on_a_phone_never_gets_what_the_previous_one_read(device, live_server):
    page = device(PHONE, "delegate1")
    meeting = _meeting(page)
    document = _documents(meeting)[0]
    page.goto(f"/meetings/{meeting['id']}")
    page.wait_for_function(CONTROLLED, timeout=90_000)
    page.goto(f"/documents/{document['id']}?view=pages")  # read, not stored as a pack
    expect(page.locator('.page[data-page="1"] .pmark').first).to_be_visible()
    path = f"/api/documents/{document['id']}"
    page.wait_for_function(f"() => ({VISITED_COPIES})({path!r}).then((n) => n > 0)")

    page.context.clear_cookies()  # the session ended without a logout: nothing was cleared then
    page.goto("/login")
    page.fill("input[name=username]", "delegate2")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    assert page.evaluate(VISITED_COPIES, path) == 0
    assert page.evaluate(VISITED_COPIES, f"/documents/{document['id']}") == 0
