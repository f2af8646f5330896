"""Pages and headers that hold for every request: hostile query keys and JSON nesting never give
a 5xx; every response is nosniff; every HTML page carries a CSP without inline script."""

import pytest

from tests.conftest import PASSWORD

DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
# Query keys that are url_for()'s own arguments, and a repeated lang.
HOSTILE_KEYS = "?endpoint=x&_external=1&_anchor=a&_method=POST&_scheme=javascript&values=1&lang=en&lang=zz"


@pytest.fixture
def signed_in(client, create_user, create_meeting, create_document):
    admin = create_user("quantri", admin=True)
    meeting = create_meeting(admin)
    document = create_document(admin, meeting.agenda_items[0], "chuong-trinh-ky-hop.pdf")
    client.post("/login", data={"username": "quantri", "password": PASSWORD})
    return meeting, document


def _pages(app, meeting, document):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static", "/socket.io")) or "GET" not in rule.methods:
            continue
        url = rule.rule.replace("<int:meeting_id>", str(meeting.id))
        url = url.replace("<int:document_id>", str(document.id))
        if "<" not in url:
            yield url


def test_query_keys_named_like_url_for_arguments_do_not_break_pages(app, client, signed_in):
    failures = []
    for url in _pages(app, *signed_in):
        response = client.get(url + HOSTILE_KEYS)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []


def test_the_language_switch_keeps_the_page_and_its_query(client, signed_in):
    meeting, _ = signed_in
    page = client.get(f"/meetings/{meeting.id}?endpoint=x").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}?endpoint=x&amp;lang=en"' in page


@pytest.mark.parametrize("body", [DEEP_JSON, DEEP_OBJECT])
def test_json_nested_past_the_recursion_limit_is_refused_as_invalid(client, signed_in, body):
    meeting, _ = signed_in
    for url in ("/api/login", "/api/meetings", f"/api/meetings/{meeting.id}/agenda"):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, url
        assert response.get_json()["error"] in ("invalid_json", "validation_error")


def test_every_html_page_has_a_csp_without_inline_script(app, client, signed_in):
    for url in [*_pages(app, *signed_in), "/no-such-page"]:
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        csp = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'"
        assert "ws://localhost" in directives["connect-src"]
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        body = response.get_data(as_text=True)
        assert "<script>" not in body, url  # only src= scripts and JSON data blocks


def test_every_response_says_nosniff(client, signed_in):
    _, document = signed_in
    for url in ("/api/me", f"/api/documents/{document.id}/pages/1/image?width=320", "/static/js/app.js"):
        response = client.get(url)
        response.close()
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
