"""Who is calling: the session cookie (browser) or a bearer token (API clients, sockets)."""

from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from accounts.models import User
from accounts.service import get_user, user_from_token
from core.errors import AppError, forbidden
from core.extensions import login_manager


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def user_for_token(token: str | None) -> User | None:
    if not token:
        return None
    config = current_app.config
    return user_from_token(token, config["SECRET_KEY"], config["TOKEN_MAX_AGE_S"])


@login_manager.user_loader
def load_session_user(user_id: str) -> User | None:
    user = get_user(int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None


@login_manager.request_loader
def load_token_user(req) -> User | None:
    return user_for_token(_bearer_token())


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
    return current_user if current_user.is_authenticated else None
