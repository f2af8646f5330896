"""Known devices: a tablet that has logged in as a delegate before goes first at the login gate.

After a successful login the device keeps a signed cookie naming the account (OWASP's "device
cookie" against online guessing). A later login for that account from that device is a
known-good one: it waits ahead of everyone else when a hall logs in at once, and a flood of wrong
passwords from the same address (one NAT for a whole commune) neither locks it out nor uses up its
address's failure allowance; its own failures are counted per device. Reading the cookie touches
no database, so it is decided before the login gate.
"""

import hashlib
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

DEVICE_COOKIE = "phonghop_device"
DEVICE_SALT = "known-device"
# A council's term is five years, its sittings months apart: a device stays known for a year.
DEVICE_MAX_AGE_S = 365 * 24 * 3600
CACHED = "phonghop.known_device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _account(name: str) -> str:
    return name.strip().lower()[:64]


def _mark(name: str) -> str:
    """The account as the cookie names it: not readable from the cookie, the same every time."""
    return hashlib.sha256(f"device:{_account(name)}".encode()).hexdigest()[:24]


def login_name() -> str:
    """The account a login request is for (the form's or the JSON body's `username`)."""
    if request.is_json:
        payload = request.get_json(silent=True)
        name = payload.get("username") if isinstance(payload, dict) else None
    else:
        name = request.form.get("username")
    return _account(name) if isinstance(name, str) else ""


def known_device() -> str | None:
    """The device's id, when its cookie is genuine, recent and names the account this login is
    for; None otherwise. Read once per request: every login limit and the gate ask."""
    if CACHED not in request.environ:  # the request's own (g can outlive it, in tests)
        request.environ[CACHED] = _known_device()
    return request.environ[CACHED]


def _known_device() -> str | None:
    cookie = request.cookies.get(DEVICE_COOKIE)
    name = login_name()
    if not cookie or not name or len(cookie) > 300:
        return None
    try:
        claims = _serializer().loads(cookie, max_age=DEVICE_MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(claims, dict) or claims.get("u") != _mark(name) or not isinstance(claims.get("d"), str):
        return None
    return claims["d"][:32]


def is_known_device() -> bool:
    return known_device() is not None


def remember_device(response, username: str):
    """Mark this device as known for `username` (called on a successful login's response). A
    device keeps its id from one login to the next: its limits follow the device, not the cookie."""
    device = (
        known_device() if _account(login_name()) == _account(username) else None
    ) or secrets.token_urlsafe(12)
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"u": _mark(username), "d": device}),
        max_age=DEVICE_MAX_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        path="/",
    )
    return response
