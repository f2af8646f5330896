"""Account operations shared by the CLI, the JSON API and the admin pages."""

import secrets
from collections.abc import Callable
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from accounts import passwords
from accounts.models import LoginSession, User
from accounts.schemas import AccountChanges, Credentials, NewUser, PasswordChange
from audit import service as audit
from core.broadcast import disconnect_room_after_commit, disconnect_user_after_commit, login_room
from core.clock import utcnow
from core.errors import AppError
from core.extensions import db
from core.offload import off_loop
from core.transactions import keep_on_refusal, release_connection

TOKEN_SALT = "api-token"
# How often a login's `last_seen` is written: often enough to list devices, rarely enough that
# a hall of readers does not queue writes on SQLite.
LAST_SEEN_EVERY = timedelta(minutes=5)
# Failed logins under unknown names: one counted audit row per address per window.
UNKNOWN_USER_WINDOW = timedelta(minutes=10)
UNKNOWN_NAMES_KEPT = 20
_dummy_hash: str | None = None


def _released(function, *args):
    """Off the loop, holding no pooled connection: a hall of logins queueing for the hashing
    threads must not empty the pool. Only a read-only transaction is ended here."""
    release_connection()
    return off_loop(function, *args)


def generate_password_hash(password: str) -> str:
    """Today's hash (argon2id, accounts/passwords.py); tests swap in a cheap one by this name."""
    return passwords.hash_password(password)


def _hash_all(plain: list[str]) -> list[str]:
    return [generate_password_hash(password) for password in plain]


def hash_password(password: str) -> str:
    """Hash off the event loop (~70 ms of argon2id)."""
    return _released(generate_password_hash, password)


# A roster import hashes this many rows per trip to the hashing threads: between trips the
# logins queued for the same threads get their turn (a 240-row roster held them 32.6 s).
HASH_BATCH = 4


def hash_passwords(plain: list[str]) -> list[str]:
    """Many hashes in small batches (a roster import) that never hold a hall's logins for long."""
    hashes: list[str] = []
    for start in range(0, len(plain), HASH_BATCH):
        hashes += _released(_hash_all, plain[start : start + HASH_BATCH])
    return hashes


def password_matches(password_hash: str, password: str) -> bool:
    return _released(passwords.verify, password_hash, password)


def _check_and_upgrade(stored: str, password: str) -> tuple[bool, str | None]:
    """The check, and for a right password stored the old way its argon2id hash: one trip."""
    if not passwords.verify(stored, password):
        return False, None
    return True, None if passwords.is_current(stored) else generate_password_hash(password)


def create_user(data: NewUser, actor: User | None = None, password_hash: str | None = None) -> User:
    """Create an account; usernames are unique case-insensitively."""
    if find_user(data.username) is not None:
        raise AppError("username_taken", 409, username=data.username)
    user = User(
        username=data.username,
        password_hash=password_hash or hash_password(data.password),
        full_name=data.full_name,
        position=data.position,
        unit=data.unit,
        is_admin=data.is_admin,
        can_convene=data.can_convene,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user_created", user_id=user.id, username=user.username, can_convene=user.can_convene)
    db.session.flush()
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


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = passwords.hash_password(secrets.token_hex(16))
    return _dummy_hash


def _count_unknown_user(username: str, address: str) -> None:
    """Names nobody has, tried from one address, make one audit row per `UNKNOWN_USER_WINDOW`
    with a count (a flood wrote 253 rows): the first names tried are kept, every try counted."""
    row = audit.record_counted(
        "login_failed", f"unknown_user:{address[:64]}", UNKNOWN_USER_WINDOW,
        username=username, reason="unknown_user", usernames=[username],
    )  # fmt: skip
    names = list((row.detail or {}).get("usernames") or [])
    if username not in names and len(names) < UNKNOWN_NAMES_KEPT:
        row.detail = {**row.detail, "usernames": [*names, username]}


def authenticate(credentials: Credentials, address: str = "") -> User:
    """Check a password; unknown users, disabled accounts and wrong passwords look and take the same."""
    user = find_user(credentials.username)
    stored = user.password_hash if user is not None else _dummy()
    release_connection()
    matches, upgraded = off_loop(_check_and_upgrade, stored, credentials.password)
    if user is None:
        _count_unknown_user(credentials.username[:64], address)
        keep_on_refusal()
        raise AppError("invalid_credentials", 401)
    if not user.is_active or not matches:
        audit.record(
            user,
            "login_failed",
            username=credentials.username[:64],
            reason="disabled" if not user.is_active else "wrong_password",
        )
        keep_on_refusal()
        raise AppError("invalid_credentials", 401)
    if upgraded is not None:
        user.password_hash = upgraded  # stored with the login, no yield in between
    return user


def start_login(user: User, user_agent: str = "", address: str = "", via: str = "form") -> LoginSession:
    """A new login for one device; its key goes in the session, the remember cookie and the token."""
    login = LoginSession(
        user_id=user.id, key=secrets.token_urlsafe(32), user_agent=user_agent[:300], address=address[:64]
    )
    db.session.add(login)
    audit.record(user, "login", via=via)
    db.session.flush()
    user.login_key = login.key
    return login


def resume_login(key: str | None, max_age_s: int) -> User | None:
    """The user of a live login, or None once it was revoked, expired or the account disabled."""
    if not isinstance(key, str) or not key or len(key) > 64:
        return None
    login = db.session.scalar(select(LoginSession).where(LoginSession.key == key))
    now = utcnow()
    if login is None or login.revoked_at is not None or now - login.created_at > timedelta(seconds=max_age_s):
        return None
    user = db.session.get(User, login.user_id)
    if user is None or not user.is_active:
        return None
    if now - login.last_seen > LAST_SEEN_EVERY:
        login.last_seen = now  # the loader commits it on its own (accounts.auth)
        db.session.flush()
    user.login_key = login.key
    return user


def login_is_live(key: str | None) -> bool:
    """Cheap per-event check for a live socket: its login has not been revoked since connect."""
    if not key:
        return False
    return (
        db.session.scalar(
            select(LoginSession.id).where(LoginSession.key == key, LoginSession.revoked_at.is_(None))
        )
        is not None
    )


def end_logins(user: User, keys: set[str]) -> None:
    """Log out: these logins (the session's, the token's) stop working on every device."""
    if not keys:
        return
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.key.in_(keys), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    for key in keys:
        disconnect_room_after_commit(db.session, login_room(key))
    audit.record(user, "logout")
    db.session.flush()


def _revoke_all(user: User) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    user.token_generation += 1
    disconnect_user_after_commit(db.session, user.id)


def change_password(user: User, change: PasswordChange) -> None:
    """The user's own change: the old password first; every login of theirs ends, everywhere."""
    if not password_matches(user.password_hash, change.old_password):
        audit.record(user, "password_change_failed")
        keep_on_refusal()
        raise AppError("wrong_old_password", 403)
    user.password_hash = hash_password(change.new_password)
    _revoke_all(user)
    audit.record(user, "password_changed")
    db.session.flush()


def change_account(actor: User, user_id: int, changes: AccountChanges) -> User:
    """An admin disables or enables an account, or allows it to convene meetings."""
    if not actor.is_admin:
        raise AppError("forbidden", 403)
    user = db.session.get(User, user_id)
    if user is None:
        raise AppError("user_not_found", 404, username=str(user_id))
    if changes.is_active is not None and changes.is_active != user.is_active_account:
        if user.id == actor.id:
            raise AppError("cannot_disable_self", 409)
        user.is_active_account = changes.is_active
        if not changes.is_active:
            _revoke_all(user)
        audit.record(
            actor,
            "user_enabled" if changes.is_active else "user_disabled",
            user_id=user.id,
            username=user.username,
        )
    if changes.can_convene is not None and changes.can_convene != user.can_convene:
        user.can_convene = changes.can_convene
        audit.record(
            actor, "convene_changed", user_id=user.id, username=user.username, can_convene=changes.can_convene
        )
    db.session.flush()
    return user


def lift_login_lock(actor: User, user_id: int, forget: Callable[[str], None]) -> User:
    """An admin lets a delegate locked out by failed logins try again at once, on the record.

    `forget(username)` clears the account's failure counters (the adapter's rate limiter)."""
    if not actor.is_admin:
        raise AppError("forbidden", 403)
    user = db.session.get(User, user_id)
    if user is None:
        raise AppError("user_not_found", 404, username=str(user_id))
    forget(user.username)
    audit.record(actor, "login_lock_lifted", user_id=user.id, username=user.username)
    db.session.flush()
    return user


def generate_password() -> str:
    """A password an office can read aloud or print on a slip: no look-alike characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)


def issue_token(user: User, secret_key: str) -> str:
    """A signed bearer token naming the login it belongs to: logging out ends it."""
    return _serializer(secret_key).dumps({"uid": user.id, "sid": user.login_key})


def token_login_key(token: str, secret_key: str, max_age_s: int) -> tuple[int, str] | None:
    try:
        claims = _serializer(secret_key).loads(token, max_age=max_age_s)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("sid"), str):
        return None
    return claims.get("uid"), claims["sid"]


def user_from_token(token: str, secret_key: str, max_age_s: int) -> User | None:
    claims = token_login_key(token, secret_key, max_age_s)
    if claims is None:
        return None
    user = resume_login(claims[1], max_age_s)
    return user if user is not None and user.id == claims[0] else None
