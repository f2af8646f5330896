"""Account operations shared by the CLI, the JSON API and the admin pages."""

import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from accounts.models import User
from accounts.schemas import Credentials, NewUser
from core.errors import AppError
from core.extensions import db

TOKEN_SALT = "api-token"


def create_user(data: NewUser) -> User:
    """Create an account; usernames are unique case-insensitively."""
    if find_user(data.username) is not None:
        raise AppError("username_taken", 409, username=data.username)
    user = User(
        username=data.username,
        password_hash=generate_password_hash(data.password),
        full_name=data.full_name,
        position=data.position,
        unit=data.unit,
        is_admin=data.is_admin,
    )
    db.session.add(user)
    db.session.commit()
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def require_user(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise AppError("user_not_found", 404, username=username)
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.full_name, User.username)))


def authenticate(credentials: Credentials) -> User:
    """Check a password; the same refusal for unknown users and wrong passwords."""
    user = find_user(credentials.username)
    if (
        user is None
        or not user.is_active
        or not check_password_hash(user.password_hash, credentials.password)
    ):
        raise AppError("invalid_credentials", 401)
    return user


def generate_password() -> str:
    """A password an office can read aloud or print on a slip: no look-alike characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)


def issue_token(user: User, secret_key: str) -> str:
    """A signed bearer token; changing the password revokes all earlier ones."""
    return _serializer(secret_key).dumps({"uid": user.id, "gen": user.token_generation})


def user_from_token(token: str, secret_key: str, max_age_s: int) -> User | None:
    try:
        claims = _serializer(secret_key).loads(token, max_age=max_age_s)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(claims, dict):
        return None
    user = get_user(claims.get("uid"))
    if user is None or not user.is_active or user.token_generation != claims.get("gen"):
        return None
    return user
