"""The application factory: the one place that wires configuration, extensions and features."""

import atexit
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from core import cluster, sqlite_writes
from core.assets import build_id, register_static_caching
from core.bodies import read_body_first
from core.collation import by_given_name
from core.config import load_config
from core.errors import register_error_handlers
from core.extensions import babel, compress, db, limiter, login_manager, migrate, socketio
from core.headers import add_security_headers
from core.i18n import compile_catalogs, plural_forms, select_locale
from core.logs import configure_logging
from core.node import register_node_cookie
from core.security import BoundedIntConverter, refuse_cross_site_writes
from core.transactions import commit_response

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = ROOT / "migrations"
STATIC_DIR = ROOT / "static"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL keeps readers off writers' backs and survives a kill after commit."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an ack promises the row survives a power cut
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={sqlite_writes.BUSY_TIMEOUT_MS}")  # then a cooperative retry
        cursor.close()


class JSONProvider(DefaultJSONProvider):
    """JSON nested deeper than Python's recursion limit is invalid JSON, not a crash: every
    `get_json(silent=True)` then reads it as no JSON at all."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__.split(".")[0],
        template_folder="../templates",
        static_folder=str(STATIC_DIR),
        static_url_path=f"/static/{build_id(STATIC_DIR)}",
    )
    app.json = JSONProvider(app)
    app.config.update(load_config())
    app.config.update(overrides or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers take turns as greenlets, never in SQLite's busy handler (core/sqlite_writes.py).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_writes.engine_options(options)

    db.init_app(app)
    compress.init_app(app)
    register_static_caching(app)
    app.jinja_env.filters["by_given_name"] = by_given_name
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    translations = compile_catalogs(app.config["DATA_DIR"] / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    babel.init_app(app, locale_selector=select_locale)
    _import_socket_handlers()
    _init_socketio(app)
    _trust_proxies(app)
    register_error_handlers(app)
    app.url_map.converters["int"] = BoundedIntConverter
    configure_logging(app)  # first: even a request refused below gets its id
    app.before_request(refuse_cross_site_writes)
    app.before_request(read_body_first)  # before the limiter and before any user is loaded
    limiter.init_app(app)
    app.after_request(add_security_headers)
    app.after_request(commit_response)  # the request is the unit of work (core/transactions.py)
    register_node_cookie(app)
    _register_features(app)
    _attach_document_runtime(app)
    _register_template_helpers(app)

    if app.config["AUTO_MIGRATE"]:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(MIGRATIONS_DIR))
    return app


def _init_socketio(app: Flask) -> None:
    """Socket.IO, and what its processes share: rooms, presence and counters (core/cluster.py)."""
    from annotations.presence import Presence, SharedPresence

    options = {"async_mode": app.config["SOCKETIO_ASYNC_MODE"], "max_http_buffer_size": 1_000_000}
    url = cluster.redis_url(app.config)
    if url is None:
        socketio.server_options.pop("client_manager", None)  # one left by an earlier app (tests)
        socketio.init_app(app, message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"], **options)
        app.extensions["presence"] = Presence()
        return
    client = cluster.connect(url)
    app.extensions["redis"] = client
    socketio.init_app(app, client_manager=cluster.ClusterManager(url, channel="flask-socketio"), **options)
    app.extensions["presence"] = SharedPresence(
        client, host_ttl_s=app.config["PRESENCE_HOST_TTL_S"], start_heartbeat=socketio.start_background_task
    )


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, believe their X-Forwarded-For/-Proto/-Host (docs/security.md)."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _import_socket_handlers() -> None:
    """Import before the first `init_app`: Flask-SocketIO re-registers only handlers it saw then."""
    from accounts import events as account_events  # noqa: F401
    from annotations import events as annotation_events  # noqa: F401
    from meetings import events as meeting_events  # noqa: F401
    from sittings import events as sitting_events  # noqa: F401


def _register_features(app: Flask) -> None:
    from accounts.cli import users_cli
    from accounts.views import bp as accounts_bp
    from annotations.cli import annotations_cli
    from annotations.export_views import bp as exports_bp
    from annotations.views import bp as annotations_bp
    from composition.audit_views import bp as audit_bp
    from composition.demo import demo_command
    from composition.pages import alias_endpoint
    from composition.pages import bp as pages_bp
    from core.health import bp as health_bp
    from councils.views import bp as councils_bp
    from documents.views import bp as documents_bp
    from floor.views import bp as floor_bp
    from meetings.views import bp as meetings_bp
    from minutes.views import bp as minutes_bp
    from offline.views import bp as offline_bp
    from sittings.cli import polls_cli
    from sittings.views import bp as sittings_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(councils_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(annotations_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(pages_bp)
    app.url_build_error_handlers.append(alias_endpoint)
    app.register_blueprint(offline_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(sittings_bp)
    app.register_blueprint(floor_bp)
    app.register_blueprint(minutes_bp)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(annotations_cli)
    app.cli.add_command(polls_cli)


def _attach_document_runtime(app: Flask) -> None:
    from documents.service import DocumentRuntime
    from storage.page_cache import PageCache
    from storage.pdf.shared import PdfLimits
    from storage.workers import PdfWorkerPool

    data_dir = app.config["DATA_DIR"]
    pool = PdfWorkerPool(
        size=app.config["PDF_WORKERS"],
        timeout_s=app.config["RENDER_TIMEOUT_S"],
        ingest_timeout_s=app.config["INGEST_TIMEOUT_S"],
        render_reserved=None if app.config["PDF_RENDER_RESERVED"] < 0 else app.config["PDF_RENDER_RESERVED"],
        queue_limit=app.config["PDF_QUEUE_LIMIT"],
        render_wait_s=app.config["PDF_RENDER_WAIT_S"],
        ingest_wait_s=app.config["PDF_INGEST_WAIT_S"],
    )
    atexit.register(pool.close)
    app.extensions["documents"] = DocumentRuntime(
        store=_blob_store(app),
        pool=pool,
        cache=PageCache(data_dir / "page-cache"),
        limits=PdfLimits(
            max_bytes=app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
            max_pages=app.config["MAX_PAGES"],
            max_page_side_pt=app.config["MAX_PAGE_SIDE_PT"],
        ),
        schedule=socketio.start_background_task if app.config["PREWARM_PAGES"] else None,
        uploads=_upload_slots(app),
    )


def _upload_slots(app: Flask) -> cluster.Slots:
    limit = app.config["INGESTS_PER_USER"]
    client = app.extensions.get("redis")
    if client is None:
        return cluster.Slots(limit)
    # A turn outlives the longest ingest a worker is allowed, then is forgotten.
    return cluster.RedisSlots(
        limit, client, hold_s=int(app.config["INGEST_TIMEOUT_S"] + app.config["PDF_INGEST_WAIT_S"]) + 60
    )


def _blob_store(app: Flask):
    """Stored files in the database (every node reads them; DATA_DIR only caches them), or with
    `BLOB_STORE=local` on this node's disk only (one node)."""
    from documents.models import StoredFile, StoredFileChunk
    from storage.blobstore import LocalBlobStore
    from storage.database_blobs import DatabaseBlobStore

    folder = app.config["DATA_DIR"] / "blobs"
    if app.config["BLOB_STORE"] == "local":
        return LocalBlobStore(folder)
    with app.app_context():
        engine = db.engine
    return DatabaseBlobStore(
        engine,
        lambda: db.session,
        StoredFile.__table__,
        StoredFileChunk.__table__,
        cache_dir=app.config["DATA_DIR"] / "blob-cache",
        legacy=LocalBlobStore(folder) if folder.is_dir() else None,  # files an earlier release kept
    )


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    @app.context_processor
    def inject_locale():
        return {
            "current_locale": str(get_locale()),
            "current_path": request.full_path,
            "language_url": language_url,
            "plural_forms": plural_forms,
        }

    @app.after_request
    def remember_language(response):
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"]:
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax")
        return response


def language_url(lang: str) -> str:
    """This page in another language: its own path and query, `lang` replaced.

    Built from the path, not `url_for(request.endpoint, **request.args)`: query keys such as
    `endpoint` or `_external` are url_for's own arguments and broke every page they reached.
    """
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return f"{request.path}?{urlencode([*args, ('lang', lang)])}"
