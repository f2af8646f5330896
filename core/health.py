"""`GET /healthz`: may a load balancer send this process traffic? Its database and Redis answer.

200 `{"status": "ok", ...}` when every dependency answered, 503 with the one that did not. It needs
no login and reads nothing a visitor could not know; the reason for a failure goes to the log,
not to the caller.
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.extensions import db

bp = Blueprint("health", __name__)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        current_app.logger.exception("Health check: the database does not answer")
        db.session.rollback()
        return "unavailable"
    finally:
        db.session.remove()  # the connection goes back to the pool at once


def _redis() -> str:
    client = current_app.extensions.get("redis")
    if client is None:
        return "not_configured"
    try:
        client.ping()
        return "ok"
    except Exception:
        current_app.logger.exception("Health check: Redis does not answer")
        return "unavailable"


@bp.get("/healthz")
def healthz():
    checks = {"database": _database(), "redis": _redis()}
    healthy = all(state in ("ok", "not_configured") for state in checks.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", **checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
