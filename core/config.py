"""Configuration from environment variables, with defaults safe for a single-office install."""

import os
import secrets
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _secret_key(data_dir: Path) -> str:
    """Keep a generated key in DATA_DIR so sessions survive restarts without any setup."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = data_dir / "secret_key"
    try:  # O_EXCL: of two processes starting together, one writes and both read the same key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if not value else value.strip().lower() in ("1", "true", "yes", "on")


def load_config() -> dict:
    """Read the environment once, when the app is created."""
    data_dir = Path(os.environ.get("DATA_DIR", "instance")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    max_upload_mb = _env_int("MAX_UPLOAD_MB", 50)
    token_max_age_s = _env_int("TOKEN_MAX_AGE_S", 30 * 24 * 3600)
    queue = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # Behind a TLS-terminating proxy: cookies only over HTTPS, links built as https://.
    https = _env_flag("FORCE_HTTPS") or os.environ.get("PREFERRED_URL_SCHEME") == "https"
    return {
        "DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{data_dir / 'phonghop.sqlite3'}"
        ),
        "SECRET_KEY": _secret_key(data_dir),
        # Where uploaded files live: "database" (shared by every node; DATA_DIR only caches them)
        # or "local" (DATA_DIR/blobs, one node only).
        "BLOB_STORE": os.environ.get("BLOB_STORE") or "database",
        "SOCKETIO_MESSAGE_QUEUE": queue,
        # `json`: one JSON object per log line with its request id (core/logs.py); default: human.
        "LOG_FORMAT": (os.environ.get("LOG_FORMAT") or "text").strip().lower(),
        "LOG_LEVEL": (os.environ.get("LOG_LEVEL") or "INFO").strip().upper(),
        # With a Redis queue, each process's readers are kept there; a process whose heartbeat is
        # older than this is taken for dead and its readers leave the list (annotations/presence.py).
        "PRESENCE_HOST_TTL_S": _env_float("PRESENCE_HOST_TTL_S", 30.0),
        # `python wsgi.py` switches to gevent; the CLI and tests stay on plain threads.
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE") or "threading",
        # Serve static/dist's bundles when built from today's sources (core/assets.py); `off`: always
        # the source modules (bench/reader_network_bench.py compares the two).
        "STATIC_BUNDLES": (os.environ.get("STATIC_BUNDLES") or "on").strip().lower()
        not in ("0", "off", "false"),
        "MAX_UPLOAD_MB": max_upload_mb,
        # Room for a multipart envelope around the largest accepted file.
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024 + 64 * 1024,
        "MAX_PAGES": _env_int("MAX_PAGES", 500),
        "MAX_PAGE_SIDE_PT": _env_float("MAX_PAGE_SIDE_PT", 5000.0),
        "PDF_WORKERS": _env_int("PDF_WORKERS", 2),
        "RENDER_TIMEOUT_S": _env_float("RENDER_TIMEOUT_S", 20.0),
        "INGEST_TIMEOUT_S": _env_float("INGEST_TIMEOUT_S", 120.0),
        # Lanes (storage/workers.py): workers only page renders may use (default: half), how many
        # callers may wait per lane and for how long before `server_busy` (503, Retry-After).
        "PDF_RENDER_RESERVED": _env_int("PDF_RENDER_RESERVED", -1),
        "PDF_QUEUE_LIMIT": _env_int("PDF_QUEUE_LIMIT", 64),
        "PDF_RENDER_WAIT_S": _env_float("PDF_RENDER_WAIT_S", 15.0),
        "PDF_INGEST_WAIT_S": _env_float("PDF_INGEST_WAIT_S", 30.0),
        "INGESTS_PER_USER": _env_int("INGESTS_PER_USER", 2),
        "PREWARM_PAGES": os.environ.get("PREWARM_PAGES", "1") != "0",
        # One login (token, session, remember cookie) lasts at most this long (docs/security.md).
        "TOKEN_MAX_AGE_S": token_max_age_s,
        "AUTO_MIGRATE": os.environ.get("AUTO_MIGRATE", "1") != "0",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": token_max_age_s,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        # Proxies in front of the server whose X-Forwarded-For/-Proto/-Host are believed (0: none).
        "TRUSTED_PROXY_COUNT": _env_int("TRUSTED_PROXY_COUNT", 0),
        # Rate-limit counters: memory:// holds for one process; several processes count together in
        # the message queue's Redis unless another storage is named.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or (queue if queue and queue.startswith(("redis://", "rediss://")) else "memory://"),
        # Redis gone for a moment: each process counts in memory meanwhile rather than refuse logins.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS") or "300/minute",
        "LOGIN_FAILURES_PER_ADDRESS": os.environ.get("LOGIN_FAILURES_PER_ADDRESS") or "60/minute",
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT") or "10/minute;30/hour;100/day",
        # Every attempt from a device that logged in to the account before (accounts/devices.py).
        "LOGIN_LIMIT_PER_DEVICE": os.environ.get("LOGIN_LIMIT_PER_DEVICE") or "10/minute",
        # Threads for password hashing and roster parsing (default: one fewer than the cores).
        "OFFLOAD_THREADS": _env_int("OFFLOAD_THREADS", 0),
        # Their priority below the event loop's (core/offload.py); 0 on a machine shared with other work.
        "OFFLOAD_NICENESS": _env_int("OFFLOAD_NICENESS", 10),
        # A client must send its whole request body within this many seconds of going quiet.
        "BODY_READ_TIMEOUT_S": _env_float("BODY_READ_TIMEOUT_S", 20.0),
        # The request line and all headers must arrive within this, however they are dripped.
        "HEADER_READ_TIMEOUT_S": _env_float("HEADER_READ_TIMEOUT_S", 30.0),
        # After SIGTERM, requests in flight get this long to finish (core/serving.py).
        "SHUTDOWN_GRACE_S": _env_float("SHUTDOWN_GRACE_S", 25.0),
        # This process's name among several (deploy/: the port); nginx routes by it (core/node.py).
        "NODE_ID": os.environ.get("NODE_ID") or None,
        # Waiting longer than this for a database connection answers 503, never a hung request.
        # Sized for a reconnect storm: when one of two processes dies, its tablets reconnect to the
        # survivor at once, each taking a connection for its login check, join and catch-up.
        # Two processes at the maximum hold 2 × 40 of PostgreSQL's default 100 connections.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_timeout": _env_float("DB_POOL_TIMEOUT_S", 5.0),
            "pool_size": _env_int("DB_POOL_SIZE", 10),
            "max_overflow": _env_int("DB_MAX_OVERFLOW", 30),
        },
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "BABEL_DEFAULT_LOCALE": "vi",
        "LANGUAGES": ["vi", "en"],
        "JSON_AS_ASCII": False,
        # Brotli, then gzip, for every text response (HTML, JSON, JS, CSS, SVG); see docs/rendering.md.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "COMPRESS_BR_LEVEL": 5,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/csv",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/ld+json",
            "image/svg+xml",
        ],
    }
