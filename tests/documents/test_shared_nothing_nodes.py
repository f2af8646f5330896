"""Two nodes with data directories of their own on one database: what one node stored, the other
serves. A node's DATA_DIR only caches files (the database holds them) and rendered pages (each
node renders its own on demand)."""

import io
import shutil

import pytest

from composition.app import create_app
from tests.conftest import MEETING_PACK, FreshLoginClient

PDF = "du-thao-nghi-quyet-v1.pdf"


@pytest.fixture
def second_node(app, tmp_path, monkeypatch, pdf_pool):
    """Another server process's app: its own DATA_DIR, the same database and SECRET_KEY."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "node-b"))
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    node = create_app({"TESTING": True, "AUTO_MIGRATE": False, "PREWARM_PAGES": False})
    node.test_client_class = FreshLoginClient
    node.extensions["documents"].pool.close()
    node.extensions["documents"].pool = pdf_pool
    yield node
    with node.app_context():
        from core.extensions import db

        db.engine.dispose()


def seat_on_council(meeting) -> None:
    """The meeting's council, whose name heads its digest."""
    from core.extensions import db
    from councils.models import Council, CouncilMember

    council = Council(name="Hội đồng nhân dân xã Thần Sa", place="Thần Sa", level="commune")
    council.roster = [CouncilMember(user_id=membership.user_id) for membership in meeting.memberships]
    meeting.council = council
    db.session.commit()


@pytest.fixture
def uploaded(app, api, create_user, create_meeting):
    """A document a secretary uploaded through the first node, with a shared comment on it."""
    secretary, chair = create_user("thuky"), create_user("chutoa")
    meeting = create_meeting(secretary, chair=chair, agenda=("Dự thảo nghị quyết",))
    seat_on_council(meeting)
    response = api("thuky").post(
        f"/api/agenda/{meeting.agenda_items[0].id}/documents",
        data={"file": (io.BytesIO((MEETING_PACK / PDF).read_bytes()), PDF)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return meeting.id, response.get_json()["id"]


def test_a_document_uploaded_through_one_node_is_read_through_another(
    app, api, uploaded, second_node, token_for
):
    meeting_id, document_id = uploaded
    # The first node's disk goes away entirely: nothing on it is needed by anyone else.
    shutil.rmtree(app.config["DATA_DIR"] / "blob-cache")
    headers = {"Authorization": f"Bearer {token_for('chutoa')}"}
    other = second_node.test_client()

    original = other.get(f"/api/documents/{document_id}/file", headers=headers)
    assert original.status_code == 200
    assert original.data == (MEETING_PACK / PDF).read_bytes()

    page = other.get(f"/api/documents/{document_id}/pages/1/image?width=640&format=png", headers=headers)
    assert page.status_code == 200
    assert page.data.startswith(b"\x89PNG")
    assert other.get(f"/api/documents/{document_id}/pages/1/view", headers=headers).status_code == 200

    annotated = other.get(f"/api/documents/{document_id}/annotated.pdf", headers=headers)
    assert annotated.status_code == 200
    assert annotated.data.startswith(b"%PDF")
    digest = other.get(f"/api/meetings/{meeting_id}/digest.pdf", headers=headers)
    assert digest.status_code == 200
    assert digest.data.startswith(b"%PDF")
    # Its pages were rendered by the second node, into the second node's cache.
    assert any((second_node.config["DATA_DIR"] / "page-cache").rglob("*-png-*"))


def test_a_node_that_lost_its_cache_renders_the_pages_again(app, api, uploaded):
    _, document_id = uploaded
    first = api("chutoa").get(f"/api/documents/{document_id}/pages/1/image?width=640&format=png")
    shutil.rmtree(app.config["DATA_DIR"] / "page-cache")
    shutil.rmtree(app.config["DATA_DIR"] / "blob-cache")
    again = api("chutoa").get(f"/api/documents/{document_id}/pages/1/image?width=640&format=png")
    assert again.status_code == first.status_code == 200
    assert again.data == first.data
