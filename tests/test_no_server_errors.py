"""Nothing a client sends makes the server answer 5xx: every /api/ route, hostile inputs."""

import io
import re

import pytest

HOSTILE_JSON_BODIES = [
    None,
    {},
    [],
    "text",
    {"title": None, "username": 5, "password": [], "role": {}, "starts_at": "31/02/2026"},
    {"title": "x" * 100_000, "item_ids": ["a", None, 1.5]},
    {"title": "\u0000\ud7ff", "starts_at": "2026-13-45T99:99:99", "location": 7},
    {"item_ids": list(range(1000))},
    {"title": "Kỳ họp", "starts_at": "9999-12-31T23:59:59-14:00", "location": "x"},
    {"title": "Kỳ họp", "starts_at": "0001-01-01T00:00:00+14:00"},
    {"username": "a" * 64, "role": "delegate", "item_ids": [2**70]},
]
HOSTILE_QUERIES = [
    "?since=9999-12-31T23:59:59-14:00&until=0001-01-01T00:00:00%2B14:00",
    "?since=-1&width=-5&format=zzz&agenda_item=99999999999999999999&document=abc",
    "?since=99999999999999999999999&width=99999999999999999999",
    "?endpoint=x&_external=1&_anchor=a&_method=POST&values=1&lang=en&lang=zz",
]
# The last one is valid JSON nested deeper than Python's recursion limit.
RAW_BODIES = [b"\xff\xfe\x00", b"{", b'{"a": ' * 500, b"[" * 50_000 + b"]" * 50_000]


def _urls(app, ids):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for value in ids:
            url = re.sub(r"<(?:int:)?[a-z_]+>", str(value), rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


@pytest.fixture
def populated(create_user, create_meeting, create_document):
    admin = create_user("quantri", admin=True)
    delegate = create_user("daibieu1")
    meeting = create_meeting(admin, delegates=[delegate])
    create_document(admin, meeting.agenda_items[0], "chuong-trinh-ky-hop.pdf")
    return meeting


@pytest.mark.parametrize("username", ["quantri", "daibieu1", None])
def test_no_route_answers_5xx_to_hostile_input(app, client, api, populated, username):
    caller = api(username) if username else client
    failures = []
    for method, url in _urls(app, ids=(1, 999999)):
        for body in HOSTILE_JSON_BODIES:
            response = getattr(caller, method.lower())(url, json=body)
            if response.status_code >= 500:
                failures.append((method, url, body, response.status_code))
        for raw in RAW_BODIES:
            response = getattr(caller, method.lower())(url, data=raw, content_type="application/json")
            if response.status_code >= 500:
                failures.append((method, url, raw, response.status_code))
        if method == "GET":
            for query in HOSTILE_QUERIES:
                response = caller.get(url + query)
                if response.status_code >= 500:
                    failures.append((method, url + query, None, response.status_code))
        if method == "POST":
            response = caller.post(
                url,
                data={"file": (io.BytesIO(b"%PDF-1.7\n%garbage"), "x.pdf")},
                content_type="multipart/form-data",
            )
            if response.status_code >= 500:
                failures.append((method, url, "multipart", response.status_code))
    assert failures == []
