"""Event payloads as a client would send them, valid unless a test changes them."""

import uuid


def op_id() -> str:
    return uuid.uuid4().hex


def received(client, name: str) -> list[dict]:
    return [event["args"][0] for event in client.get_received() if event["name"] == name]


def comment(document, paragraph, body="Đề nghị làm rõ nguồn kinh phí.", **extra) -> dict:
    return {
        "op_id": op_id(),
        "document_id": document.id,
        "kind": "comment",
        "target": {
            "paragraph_id": paragraph.id if paragraph else None,
            "quote": paragraph.text[:40] if paragraph else "",
        },
        "body": body,
        **extra,
    }


def highlight(document, page=1, quads=((72, 100, 300, 114),), **extra) -> dict:
    return {
        "op_id": op_id(),
        "document_id": document.id,
        "kind": "highlight",
        "target": {"page": page, "quads": [list(q) for q in quads], "quote": "kinh phí"},
        **extra,
    }


def note(document, page=1, point=(100, 200), **extra) -> dict:
    return {
        "op_id": op_id(),
        "document_id": document.id,
        "kind": "note",
        "target": {"page": page, "point": list(point)},
        "body": "Hỏi lại phòng Tài chính",
        **extra,
    }


def ink(document, page=1, paths=(((10, 10), (20, 25), (30, 40)),), **extra) -> dict:
    return {
        "op_id": op_id(),
        "document_id": document.id,
        "kind": "ink",
        "target": {"page": page, "paths": [[list(p) for p in path] for path in paths]},
        **extra,
    }
