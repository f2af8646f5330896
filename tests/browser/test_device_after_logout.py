"""A shared phone keeps nothing of a person whose login is over: logging out clears their drafts and
unsent comments, and a login ended elsewhere (an admin locking the account) makes the service worker
forget the stored meetings, so their private notes are not served offline."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.live_server import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.server]

CONTROLLED = "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)"
PASSWORD = "Phien-hop-2026-thiet-bi"

# The device's own records (static/js/offline/store.js), as a page script opens them.
OPEN_DB = """new Promise((resolve, reject) => {
    const opening = indexedDB.open('ph-offline', 1);
    opening.onupgradeneeded = () => ['packs', 'outbox', 'drafts']
        .forEach((name) => opening.result.createObjectStore(name));
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
})"""

# What a person leaves on the device while working: a draft comment and an operation not yet sent.
LEAVE_WORK = """async () => {
    const db = await OPEN_DB_HERE;
    await new Promise((resolve) => {
        const tx = db.transaction(['outbox', 'drafts'], 'readwrite');
        const draft = { text: 'Đề nghị làm rõ khoản 2', saved_at: new Date().toISOString() };
        tx.objectStore('drafts').put(draft, 'u:7:comment:1');
        const operation = { event: 'annotation:create', payload: { op_id: 'x1', body: 'Chưa gửi' } };
        tx.objectStore('outbox').put([operation], 'u:7');
        tx.oncomplete = resolve;
    });
    db.close();
}"""

LEFT_ON_DEVICE = """async () => {
    const db = await OPEN_DB_HERE;
    // Records, or for the outbox the operations in them (a page may keep an empty list there).
    const count = (store) => new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(store === 'outbox'
            ? request.result.reduce((n, list) => n + (Array.isArray(list) ? list.length : 1), 0)
            : request.result.length);
    });
    const left = { outbox: await count('outbox'), drafts: await count('drafts') };
    left.packs = await count('packs');
    db.close();
    left.caches = (await caches.keys())
        .filter((name) => name.startsWith('ph-pack-') || name === 'ph-recent');
    return left;
}"""


# A stored meeting with a private note in it, as a pack holds it (static/js/offline/pack.js).
STORE_A_PACK = """async () => {
    const pack = await caches.open('ph-pack-9999');
    const json = { headers: { 'Content-Type': 'application/json' } };
    const note = { id: 1, kind: 'note', visibility: 'private', body: 'Ghi chú riêng của đại biểu' };
    const notes = JSON.stringify({ seq: 1, annotations: [note] });
    await pack.put('/api/documents/9999/annotations?since=0', new Response(notes, json));
    const html = { headers: { 'Content-Type': 'text/html' } };
    await pack.put('/documents/9999', new Response('<!doctype html><p>Bản đã lưu</p>', html));
    const db = await OPEN_DB_HERE;
    await new Promise((resolve) => {
        const tx = db.transaction('packs', 'readwrite');
        tx.objectStore('packs').put({ meeting_id: 9999, state: 'ready', documents: {} }, 9999);
        tx.oncomplete = resolve;
    });
    db.close();
}"""


LEAVE_WORK, LEFT_ON_DEVICE, STORE_A_PACK = (
    script.replace("OPEN_DB_HERE", OPEN_DB) for script in (LEAVE_WORK, LEFT_ON_DEVICE, STORE_A_PACK)
)

ALL_GONE = f"""async () => {{
    const left = await ({LEFT_ON_DEVICE})();
    return left.packs + left.drafts + left.outbox === 0 && left.caches.length === 0;
}}"""


def _sign_in(browser, live_server, username: str, password: str = DEMO_PASSWORD):
    context = browser.new_context(base_url=live_server, **PHONE)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    return context, page


def test_logging_out_leaves_no_drafts_or_unsent_comments_on_the_phone(browser, live_server):
    context, page = _sign_in(browser, live_server, "delegate4")
    try:
        page.evaluate(LEAVE_WORK)
        assert page.evaluate(LEFT_ON_DEVICE)["drafts"] == 1
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url("**/login**")
        left = page.evaluate(LEFT_ON_DEVICE)
        assert (left["drafts"], left["outbox"], left["caches"]) == (0, 0, [])
    finally:
        context.close()


def test_a_login_ended_elsewhere_takes_the_stored_meetings_and_private_notes_off_the_phone(
    browser, live_server
):
    admin = browser.new_context(base_url=live_server)
    try:
        assert admin.request.post("/api/login", data={"username": "admin", "password": DEMO_PASSWORD}).ok
        created = admin.request.post(
            "/api/users", data={"username": "thietbi1", "password": PASSWORD, "full_name": "Lò Văn Thiết"}
        )
        assert created.status == 201, created.text()
        context, page = _sign_in(browser, live_server, "thietbi1", PASSWORD)
        try:
            page.wait_for_function(CONTROLLED, timeout=90_000)
            page.evaluate(STORE_A_PACK)
            page.evaluate(LEAVE_WORK)
            assert page.evaluate(LEFT_ON_DEVICE)["caches"] == ["ph-pack-9999"]

            # The admin locks the account from the office: every login of it ends.
            locked = admin.request.patch(f"/api/users/{created.json()['id']}", data={"is_active": False})
            assert locked.ok, locked.text()

            page.goto("/")  # the network answers with the login page: the worker forgets the packs
            page.wait_for_url("**/login**")
            page.wait_for_function(ALL_GONE, timeout=20_000)

            context.set_offline(True)
            page.goto("/documents/9999")
            expect(page.locator("body")).not_to_contain_text("Bản đã lưu")
            context.set_offline(False)
        finally:
            context.close()
    finally:
        admin.close()
