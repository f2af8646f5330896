"""Login rate limits (Flask-Limiter): generous per address, strict per account.

A council's hall reaches the server through one NAT address, so the per-address limit is
sized for a whole hall logging in within a minute (`LOGIN_LIMIT_PER_ADDRESS`, 300/minute).
Guessing one delegate's password is what the per-account limit stops: only failed attempts
count, in windows that widen (`LOGIN_LIMIT_PER_ACCOUNT`, 10/minute; 30/hour; 100/day), so a
guesser is slowed more and more while the delegate who typed a wrong password twice is not.
Counters live in `RATELIMIT_STORAGE_URI` (memory:// for one process, redis:// for several).
"""

from flask import current_app, request
from flask_limiter.util import get_remote_address

from core.extensions import limiter


def _account_key() -> str:
    if request.is_json:
        payload = request.get_json(silent=True)
        name = payload.get("username") if isinstance(payload, dict) else None
    else:
        name = request.form.get("username")
    return "account:" + (name.strip().lower()[:64] if isinstance(name, str) else "")


def _failed(response) -> bool:
    return response.status_code == 401


per_address = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    scope="login-address",
    methods=["POST"],
)
per_account = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    scope="login-account",
    methods=["POST"],
    deduct_when=_failed,
)


def login_limited(view):
    """Both login limits on one view."""
    return per_address(per_account(view))
