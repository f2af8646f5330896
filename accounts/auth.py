"""Who is calling: the session cookie (browser) or a bearer token (API clients, sockets).

Both name a login (`accounts.models.LoginSession`), never just a user: logging out, changing
the password or an admin disabling the account ends the login, and with it the cookie, the
remember cookie and the token. The loaders run lazily, the first time a view asks for
`current_user`, after the request body has been read (see `core.bodies`).
"""

from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from accounts.models import User
from accounts.service import resume_login, token_login_key, user_from_token
from core.errors import AppError, forbidden
from core.extensions import db, login_manager
from core.transactions import has_written


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def user_for_token(token: str | None) -> User | None:
    if not token:
        return None
    config = current_app.config
    return _settled(user_from_token(token, config["SECRET_KEY"], config["TOKEN_MAX_AGE_S"]))


def _settled(user: User | None) -> User | None:
    """Finding the caller is a unit of work of its own, ahead of the handler's: a login's
    `last_seen` bump is committed here, so no lock on it is held through a long upload."""
    if has_written():
        db.session.commit()
    return user


def login_key_of_token(token: str | None) -> str | None:
    if not token:
        return None
    config = current_app.config
    claims = token_login_key(token, config["SECRET_KEY"], config["TOKEN_MAX_AGE_S"])
    return claims[1] if claims else None


@login_manager.user_loader
def load_session_user(login_key: str) -> User | None:
    """The session and the remember cookie carry the login's key (Flask-Login's alternative id).

    A bearer token sent with the request names the caller even when a cookie is sent too.
    """
    token = bearer_token()
    if token:
        return user_for_token(token)
    return _settled(resume_login(login_key, current_app.config["TOKEN_MAX_AGE_S"]))


@login_manager.request_loader
def load_token_user(req) -> User | None:
    return user_for_token(bearer_token())


@login_manager.unauthorized_handler
def refuse_anonymous():
    if request.path.startswith("/api/"):
        raise AppError("unauthorized", 401)
    return redirect(url_for("accounts.login_page", next=request.full_path))


def admin_required(view):
    """Admin pages and routes: anonymous callers are sent to log in, others refused."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            raise forbidden()
        return view(*args, **kwargs)

    return guarded


def socket_user(auth: dict | None) -> User | None:
    """The user of a Socket.IO connection: `auth: {token}` or the browser's session cookie."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str):
        return user_for_token(token)
    return current_user._get_current_object() if current_user.is_authenticated else None
