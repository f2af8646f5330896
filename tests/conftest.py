"""Fixtures: an app on a migrated copy of the database (SQLite, or PostgreSQL: tests/databases.py),
clients, logins and `create_*` factories."""

import os
import shutil
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient

from composition.app import create_app
from core.extensions import db
from core.transactions import unit_of_work
from tests.databases import ON_POSTGRESQL, cluster, copy_data_dir, data_env

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
MEETING_PACK = FIXTURES / "meeting"
BAD_FILES = FIXTURES / "bad"
PASSWORD = "matkhau123"
# Programs the suite runs, and the Debian package that brings each (scripts/setup.sh installs them).
REQUIRED_PROGRAMS = {
    "pdftoppm": "poppler-utils",
    "chromium": "chromium",
    "qpdf": "qpdf",
    "soffice": "libreoffice-writer-nogui",
    "redis-server": "redis-server",  # tests/cluster: several processes on one Redis
    "nginx": "nginx",  # tests/cluster: the deploy/ sample in front of them
    "openssl": "openssl",  # its test certificate
}


def pytest_sessionstart(session) -> None:
    """A missing install step shows up as one clear line on the first run, not as tracebacks."""
    missing = [
        f"{program} (Debian: {package})"
        for program, package in REQUIRED_PROGRAMS.items()
        if shutil.which(program) is None
    ]
    if not Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf").is_file():
        missing.append("the Times-metric serif of official papers (Debian: fonts-liberation2)")
    if missing:
        pytest.exit("missing programs: " + ", ".join(missing) + " - run: bash scripts/setup.sh dev", 3)
    if not MEETING_PACK.is_dir():
        pytest.exit(f"the shared fixtures are not beside the checkout: {FIXTURES} does not exist", 3)


@pytest.fixture(autouse=True)
def quick_password_hashes(request, monkeypatch):
    """argon2id at its lowest cost in tests (the production hash takes ~70 ms, and most tests make
    and log in several accounts: that was a third of the suite's time). The same code and the
    same hash format; a test about the stored hash itself asks for `real_password_hashes`."""
    if request.node.get_closest_marker("real_password_hashes"):
        return
    from argon2 import PasswordHasher

    cheapest = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("accounts.passwords._hasher", cheapest)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """Run the Alembic migrations once; every test starts from a copy of that database."""
    data_dir = tmp_path_factory.mktemp("template")
    saved = {name: os.environ.get(name) for name in ("DATA_DIR", "DATABASE_URL")}
    os.environ.update(data_env(data_dir))
    try:
        app = create_app({"TESTING": True})
        app.extensions["documents"].pool.close()
        with app.app_context():
            db.engine.dispose()  # closing the last connection checkpoints the WAL into the file
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return data_dir


@pytest.fixture(scope="session")
def pdf_pool():
    """One set of PDF worker processes for the whole run: starting them is the slow part."""
    from storage.workers import PdfWorkerPool

    pool = PdfWorkerPool(size=2, timeout_s=30)
    yield pool
    pool.close()


class FreshLoginClient(FlaskClient):
    """Tests keep one app context open, so `g` outlives a request; real requests never share it.

    Werkzeug leaves a large multipart body's temporary file open; close it with the request.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # a file sent from disk is read and closed, as a server does
        g.pop("_login_user", None)
        response = super().open(*args, **kwargs)
        response.request.environ["wsgi.input"].close()
        g.pop("_login_user", None)
        return response


@pytest.fixture
def app(tmp_path, monkeypatch, migrated_template, pdf_pool):
    data_dir = tmp_path / "data"
    if ON_POSTGRESQL:
        copy_data_dir(migrated_template, data_dir)
    else:
        data_dir.mkdir()
        for name in ("phonghop.sqlite3", "secret_key"):
            shutil.copy(migrated_template / name, data_dir / name)
        # The catalogs the template compiled, with their times: not compiled again for each test.
        shutil.copytree(migrated_template / "translations", data_dir / "translations")
    for name, value in data_env(data_dir).items():
        monkeypatch.setenv(name, value)
    # A poll's vote count is sent with each ballot's commit, not by a trailing thread that could
    # outlive the test's database (tests/sittings/test_sitting_live.py sets its own interval).
    app = create_app(
        {"TESTING": True, "AUTO_MIGRATE": False, "PREWARM_PAGES": False, "POLL_PULSE_INTERVAL_S": 0}
    )
    app.extensions["documents"].pool.close()
    app.extensions["documents"].pool = pdf_pool
    app.test_client_class = FreshLoginClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if ON_POSTGRESQL:
        cluster().drop_database(data_env(data_dir)["DATABASE_URL"])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def create_user(app):
    from accounts.schemas import NewUser
    from accounts.service import create_user as create

    @unit_of_work
    def factory(username: str, *, admin: bool = False, full_name: str | None = None):
        return create(
            NewUser(
                username=username, password=PASSWORD, full_name=full_name or username.title(), is_admin=admin
            )
        )

    return factory


@pytest.fixture
def token_for(client):
    """Log in through the API and return a bearer token."""

    def login(username: str, password: str = PASSWORD) -> str:
        response = client.post("/api/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    return login


@pytest.fixture
def api(client, token_for):
    """`api(user).get(...)`: a client that authenticates every call with that user's token."""

    class Caller:
        def __init__(self, username: str):
            self.headers = {"Authorization": f"Bearer {token_for(username)}"}

        def __getattr__(self, method):
            def call(url, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(client, method)(url, headers=headers, **kwargs)

            return call

    return Caller


@pytest.fixture
def create_meeting(app):
    """A meeting with a secretary, optional chair/delegates and agenda items, optionally published."""
    from meetings import service
    from meetings.models import Meeting
    from meetings.schemas import NewAgendaItem, NewMeeting, NewMember

    @unit_of_work
    def factory(secretary, *, chair=None, delegates=(), agenda=("Nội dung 1",), published=True) -> Meeting:
        meeting = service.create_meeting(
            secretary,
            NewMeeting(
                title="Kỳ họp thứ Mười hai", starts_at="2026-12-01T08:00:00+07:00", location="Hội trường"
            ),
        )
        if chair is not None:
            service.add_member(secretary, meeting.id, NewMember(username=chair.username, role="chair"))
        for delegate in delegates:
            service.add_member(secretary, meeting.id, NewMember(username=delegate.username, role="delegate"))
        for title in agenda:
            service.add_agenda_item(secretary, meeting.id, NewAgendaItem(title=title))
        if published:
            service.publish(secretary, meeting.id)
        return meeting

    return factory


@pytest.fixture
def create_document(app):
    from documents.service import upload_document

    @unit_of_work
    def factory(secretary, agenda_item, filename: str = "to-trinh-de-an-chuyen-doi-so.pdf", title=None):
        data = (MEETING_PACK / filename).read_bytes()
        return upload_document(secretary, agenda_item.id, filename, data, title, app.extensions["documents"])

    return factory
