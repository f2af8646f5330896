"""Backups known to restore: the runbook's own commands (docs/deploy.md, "9. Backups") carry a
meeting from a running server into an empty PostgreSQL cluster, and the app serves it from there
as it did before: every document and page, every annotation, every audit row.

Two fresh clusters stand for two machines: production, set up as section 1 of the runbook sets it
up, and a new machine whose PostgreSQL was just installed. The restored app starts with an empty
DATA_DIR, so every file it serves comes out of the dump, and with the SECRET_KEY of the saved
phonghop.env, so the people logged in before the backup are still logged in after it.
"""

import contextlib
import hashlib
import re
import secrets
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import socketio
from markupsafe import escape

from tests.databases import MARKER, ON_POSTGRESQL
from tests.live_server import MEETING_PACK, ROOT, LiveServer, make_demo_data

RUNBOOK = ROOT / "docs" / "deploy.md"
# The runbook's commands, word for word; each runs as `runuser -u postgres -- COMMAND`.
CREATE_ROLE = "createuser -P phonghop"
CREATE_DATABASE = "createdb -O phonghop phonghop"
DUMP = "pg_dump -Fc phonghop"
RESTORE = "pg_restore --single-transaction -d phonghop"
DATABASE_PASSWORD = "mat-khau-csdl"
# A small meeting: one page of programme, a three-page draft that gets a second version.
PACK = ("chuong-trinh-ky-hop.pdf", "du-thao-nghi-quyet-v1.pdf")
SECOND_VERSION = "du-thao-nghi-quyet-v2.pdf"
PEOPLE = ("admin", "secretary", "chair", "delegate1", "delegate2")


def _backups_section() -> str:
    text = RUNBOOK.read_text(encoding="utf-8")
    return text[text.index("## 9. Backups") : text.index("## 10.")]


def test_the_runbook_prints_the_commands_the_restore_test_runs():
    section = _backups_section()
    for command in (CREATE_ROLE, CREATE_DATABASE, f"{DUMP} >", f"{RESTORE} <"):
        assert re.search(rf"^\s*runuser -u postgres -- {re.escape(command)}(\s|$)", section, re.M), command
    assert Path(__file__).relative_to(ROOT).as_posix() in section


def _database(machine) -> str:
    """Section 1 of the runbook: the app's role (asked for its password) owning its database."""
    machine.operator(CREATE_ROLE, input=f"{DATABASE_PASSWORD}\n{DATABASE_PASSWORD}\n")
    machine.operator(CREATE_DATABASE)
    return machine.url("phonghop", user="phonghop", password=DATABASE_PASSWORD)


@pytest.fixture
def machines():
    """Production's cluster, and the empty one of a machine that replaces it (made meanwhile)."""
    from tests.pg_cluster import Cluster

    with ThreadPoolExecutor(1) as pool:
        new_machine = pool.submit(Cluster)
        production = Cluster()
        yield production, new_machine
    production.stop()
    new_machine.result().stop()


class Person:
    """Someone logged in on production; the same token is used on the restored server."""

    def __init__(self, server: LiveServer, username: str):
        self.username = username
        self.token = server.login(username)

    def get(self, server: LiveServer, path: str) -> requests.Response:
        response = requests.get(
            f"{server.url}{path}", headers={"Authorization": f"Bearer {self.token}"}, timeout=30
        )
        assert response.status_code == 200, (server.url, path, response.status_code, response.text[:300])
        return response

    def json(self, server: LiveServer, path: str):
        return self.get(server, path).json()

    @contextlib.contextmanager
    def reading(self, server: LiveServer, document_id: int):
        """A live connection joined to the document, as the reader opens one."""
        client = socketio.Client(reconnection=False)
        client.connect(server.url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        try:
            assert client.call("document:join", {"document_id": document_id}, timeout=10)["ok"]
            yield client
        finally:
            client.disconnect()

    def annotate(self, server: LiveServer, document_id: int, kind: str, target: dict, **fields) -> int:
        payload = {"op_id": uuid.uuid4().hex, "document_id": document_id, "kind": kind, "target": target}
        with self.reading(server, document_id) as client:
            ack = client.call("annotation:create", {**payload, **fields}, timeout=10)
        assert ack["ok"], ack
        return ack["id"]

    def hide(self, server: LiveServer, document_id: int, annotation_id: int) -> None:
        with self.reading(server, document_id) as client:
            ack = client.call("annotation:hide", {"op_id": uuid.uuid4().hex, "id": annotation_id}, timeout=10)
        assert ack["ok"], ack


def _a_day_of_the_meeting(server: LiveServer, people: dict, meeting_id: int) -> None:
    """Delegates annotate the draft in every way the reader offers; the chair hides a comment;
    the secretary uploads the draft's second version (annotations carried across) and exports."""
    secretary, chair = people["secretary"], people["chair"]
    delegate1, delegate2 = people["delegate1"], people["delegate2"]
    draft = _documents(secretary, server, meeting_id)[-1]
    first = secretary.json(server, f"/api/documents/{draft}/paragraphs")[0]
    comment = delegate1.annotate(
        server,
        draft,
        "comment",
        {"paragraph_id": first["id"], "quote": first["text"][:40]},
        body="Đề nghị làm rõ nguồn kinh phí thực hiện.",
    )
    delegate2.annotate(
        server,
        draft,
        "comment",
        {"paragraph_id": first["id"], "quote": ""},
        body="Tán thành.",
        reply_to=comment,
    )
    delegate1.annotate(
        server, draft, "note", {"page": 1, "point": [300, 200]}, body="Hỏi lại phòng Tài chính"
    )
    delegate1.annotate(
        server, draft, "highlight", {"page": 1, "quads": [[72, 100, 300, 114]], "quote": "", "color": "green"}
    )
    delegate2.annotate(server, draft, "ink", {"page": 2, "paths": [[[90, 120], [140, 160], [200, 150]]]})
    rude = delegate2.annotate(
        server, draft, "comment", {"paragraph_id": None, "quote": ""}, body="Ý kiến lạc đề"
    )
    chair.hide(server, draft, rude)
    with (MEETING_PACK / SECOND_VERSION).open("rb") as file:
        response = requests.post(
            f"{server.url}/api/documents/{draft}/replace",
            headers={"Authorization": f"Bearer {secretary.token}"},
            files={"file": (SECOND_VERSION, file, "application/pdf")},
            timeout=60,
        )
    assert response.status_code == 201, response.text
    for export in ("digest.docx", "digest.csv"):
        secretary.get(server, f"/api/meetings/{meeting_id}/{export}")


def _documents(person: Person, server: LiveServer, meeting_id: int) -> list[int]:
    meeting = person.json(server, f"/api/meetings/{meeting_id}")
    return [document["id"] for item in meeting["agenda"] for document in item["documents"]]


def _every_document(person: Person, server: LiveServer, meeting_id: int) -> dict[int, dict]:
    """The meeting's documents, each earlier version included (it stays readable)."""
    documents, waiting = {}, _documents(person, server, meeting_id)
    while waiting:
        document = person.json(server, f"/api/documents/{waiting.pop(0)}")
        documents[document["id"]] = document
        if document["replaces_id"]:
            waiting.append(document["replaces_id"])
    return documents


def _audit(person: Person, server: LiveServer, path: str) -> list[dict]:
    """Every row, page after page (newest first)."""
    rows, before = [], ""
    while page := person.json(server, f"{path}{before}"):
        rows += page
        before = f"?before={page[-1]['id']}"
    return rows


def _served(server: LiveServer, people: dict, meeting_id: int) -> dict:
    """What the meeting's people are served: documents, pages, files and annotations."""
    secretary = people["secretary"]
    served = {"meeting": secretary.json(server, f"/api/meetings/{meeting_id}")}
    for document_id, document in _every_document(secretary, server, meeting_id).items():
        file = secretary.get(server, f"/api/documents/{document_id}/file").content
        served[f"document {document_id}"] = {
            "document": document,
            "paragraphs": secretary.json(server, f"/api/documents/{document_id}/paragraphs"),
            "file": hashlib.sha256(file).hexdigest(),
            "pages": [_page(secretary, server, document_id, page["number"]) for page in document["pages"]],
        }
        for name in ("secretary", "chair", "delegate1", "delegate2"):  # private ones: each their own
            annotations = people[name].json(server, f"/api/documents/{document_id}/annotations?since=0")
            served[f"annotations of {document_id} for {name}"] = annotations
    return served


def _page(person: Person, server: LiveServer, document_id: int, number: int) -> dict:
    image = person.get(server, f"/api/documents/{document_id}/pages/{number}/image?width=480&format=png")
    view = person.get(server, f"/api/documents/{document_id}/pages/{number}/view")
    assert image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    return {"image": hashlib.sha256(image.content).hexdigest(), "view": view.text}


def _digests(server: LiveServer, people: dict, meeting_id: int) -> dict:
    """The chair's digest and the comment table; the exports (not the digest) add audit rows."""
    chair = people["chair"]
    digest = chair.json(server, f"/api/meetings/{meeting_id}/digest.json")
    digest.pop("generated_at")
    jsonld = chair.get(server, f"/api/meetings/{meeting_id}/annotations.jsonld").text
    return {
        "digest": digest,
        "csv": chair.get(server, f"/api/meetings/{meeting_id}/digest.csv").text,
        "web annotations": jsonld.replace(server.url, "http://server"),
    }


@pytest.mark.server
@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="a pg_dump backup needs PostgreSQL: the PostgreSQL pass runs it"
)
def test_a_nightly_backup_restored_into_an_empty_cluster_serves_the_meeting_as_before(machines, tmp_path):
    production, new_machine_starting = machines
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in PACK:
        shutil.copy(MEETING_PACK / name, pack / name)
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / MARKER).write_text(_database(production))
    make_demo_data(demo, pack)
    settings = {"SECRET_KEY": secrets.token_hex(32), "PREWARM_PAGES": "0"}  # phonghop.env
    source = LiveServer(
        demo,
        tmp_path / "production",
        {**settings, "AUTO_MIGRATE": "0"},
        database_url=(demo / MARKER).read_text(),
    )
    source.start()
    try:
        people = {name: Person(source, name) for name in PEOPLE}
        meeting_id = source.get("/api/meetings", people["secretary"].token)[0]["id"]
        _a_day_of_the_meeting(source, people, meeting_id)
        before = _served(source, people, meeting_id)
        digests = _digests(source, people, meeting_id)
        meeting_audit = _audit(people["secretary"], source, f"/api/meetings/{meeting_id}/audit")
        all_audit = _audit(people["admin"], source, "/api/audit")

        backup = tmp_path / "phonghop-nightly.dump"
        with backup.open("wb") as file:  # the shell's `> phonghop-$(date +%F).dump`
            production.operator(DUMP, stdout=file)
    finally:
        source.stop()

    new_machine = new_machine_starting.result()
    restored_url = _database(new_machine)
    with backup.open("rb") as file:
        new_machine.operator(RESTORE, stdin=file)
    empty = tmp_path / "empty"
    empty.mkdir()
    restored = LiveServer(empty, tmp_path / "restored", settings, database_url=restored_url)
    assert [path.name for path in restored.data_dir.iterdir()] == [MARKER]  # no file, no cache
    restored.start()
    try:
        assert _audit(people["secretary"], restored, f"/api/meetings/{meeting_id}/audit") == meeting_audit
        assert _audit(people["admin"], restored, "/api/audit") == all_audit
        trail = people["secretary"].get(restored, f"/meetings/{meeting_id}/audit").text
        assert re.findall(r'data-action="([^"]+)"', trail) == [row["action"] for row in meeting_audit[:200]]
        after = _served(restored, people, meeting_id)
        assert after.keys() == before.keys()
        for key in before:
            assert after[key] == before[key], key
        assert _digests(restored, people, meeting_id) == digests
        _the_pages_open(restored, people, meeting_id, before)
        _the_restored_server_goes_on(restored, people, meeting_id, before, all_audit)
    finally:
        restored.stop()


def _the_pages_open(server: LiveServer, people: dict, meeting_id: int, served: dict) -> None:
    """The meeting page lists every current document, and each opens in the reader."""
    titles = [document["title"] for item in served["meeting"]["agenda"] for document in item["documents"]]
    page = people["delegate1"].get(server, f"/meetings/{meeting_id}").text
    assert all(str(escape(title)) in page for title in titles), titles
    for item in served["meeting"]["agenda"]:
        for document in item["documents"]:
            reader = people["delegate1"].get(server, f"/documents/{document['id']}").text
            assert str(escape(document["title"])) in reader


def _the_restored_server_goes_on(server, people, meeting_id, before, audit) -> None:
    """New work after the restore gets new ids, not ones the dump already holds."""
    draft = _documents(people["secretary"], server, meeting_id)[-1]
    ids = [
        annotation["id"]
        for key, served in before.items()
        if key.startswith("annotations")
        for annotation in served["annotations"]
    ]
    new = people["delegate1"].annotate(
        server, draft, "comment", {"paragraph_id": None, "quote": ""}, body="Sau khi khôi phục"
    )
    assert new > max(ids)
    pdf = people["chair"].get(server, f"/api/meetings/{meeting_id}/digest.pdf").content
    assert pdf.startswith(b"%PDF")
    latest = _audit(people["admin"], server, "/api/audit")
    assert latest[0]["id"] > audit[0]["id"]
    assert latest[0]["action"] == "exported"
