"""Password hashes: argon2id at OWASP's recommended minimum, older werkzeug hashes still accepted.

OWASP's Password Storage Cheat Sheet lists five equally strong argon2id settings (m=47 MiB t=1,
19 MiB t=2, 12 MiB t=3, 9 MiB t=4, 7 MiB t=5; p=1). Measured on the project's 2-core machine
(best of 5 checks, the machine shared): 174, 102, 81, 87 and 69 ms, against 525 ms for
werkzeug's scrypt default that stored every password until now. The cheapest, m=7 MiB t=5, is
used: a hall's logins are paid for in hashing time (docs/security.md, the login limits).

A password stored under an older scheme (werkzeug's scrypt or pbkdf2) still logs in, and is
re-hashed with argon2id in the same trip to the hashing thread (`check`); the login stores it.
Pure functions over strings, so they run on a worker thread (core/offload.py).
"""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

ARGON2_TIME_COST = 5
ARGON2_MEMORY_KIB = 7 * 1024
ARGON2_PARALLELISM = 1
_hasher = PasswordHasher(
    time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
)


MIN_LENGTH = 8


@cache
def _common() -> frozenset[str]:
    """The 30,000 commonest passwords, as zxcvbn (a maintained PyPI package) ranks them."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def weakness(password: str) -> str | None:
    """Why a new password is refused (in Vietnamese), or None: 8 characters, not a common one."""
    if len(password) < MIN_LENGTH:
        return f"mật khẩu cần ít nhất {MIN_LENGTH} ký tự"
    if password.lower() in _common() or password.strip().lower() in _common():
        return "mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def is_current(stored: str) -> bool:
    """Stored with today's argon2id settings: nothing to upgrade."""
    return stored.startswith("$argon2id$") and not _hasher.check_needs_rehash(stored)


def verify(stored: str, password: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)
