"""Login rate limits (Flask-Limiter): generous per address, strict on failures, per account.

Every limit is sized from the hashing capacity, since every attempt, right or wrong, known user
or not, costs one password check (~70 ms of argon2id on one hashing thread, accounts/passwords.py:
about 850 checks a minute per thread on the 2-core reference machine):

- all attempts per address (`LOGIN_LIMIT_PER_ADDRESS`, 300/minute): a council's hall reaches the
  server through one NAT address, so a whole hall logs in within a minute; 300 checks are ~35% of
  one thread's minute;
- failed attempts per address (`LOGIN_FAILURES_PER_ADDRESS`, 60/minute): wrong passwords for
  unknown names from one address took 230 checks a minute and slowed real logins to 12–18 s;
  60 failures (~4 s of hashing) a minute leave the hall's logins the rest;
- failed attempts per account (`LOGIN_LIMIT_PER_ACCOUNT`, 10/minute; 30/hour; 100/day), shared by
  the form and `/api/login`: guessing one delegate's password is slowed more and more, while the
  delegate who typed a wrong password twice is not. An admin lifts it (`lift_account_lock`).

A known device (accounts/devices.py: it logged in to that account before) is spared both address
limits, and its failures are counted for that device alone: a flood from the same NAT address,
or someone guessing the delegate's password elsewhere, does not lock the delegate's own tablet.
Instead it has a limit of its own on every attempt (`LOGIN_LIMIT_PER_DEVICE`, 10/minute): its
logins go first at the gate, and a tablet never needs ten a minute. An admin's unlock reaches the
known devices' counters too: it moves the account to a new epoch, which is part of their keys.
Counters live in `RATELIMIT_STORAGE_URI` (memory:// for one process, redis:// for several).
"""

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from accounts.devices import is_known_device, known_device, login_name
from core.extensions import limiter

ACCOUNT_SCOPE = "login-account"


DEVICE_SCOPE = "login-device"
UNLOCK_EPOCH_S = 24 * 3600  # the longest window of the per-account limit


def _unlock_epoch_key(name: str) -> str:
    return f"login-unlocks/{account_key(name)}"


def _device_key() -> str:
    """The account and this device, and how many times an admin unlocked the account lately."""
    device = known_device() or ""
    name = login_name()
    epoch = limiter.storage.get(_unlock_epoch_key(name)) if device else 0
    return f"{account_key(name)}:device:{device}:{epoch}"


def _account_key() -> str:
    return _device_key() if is_known_device() else account_key(login_name())


def _unknown_device() -> bool:
    return not is_known_device()


def account_key(username: str) -> str:
    return "account:" + username.strip().lower()[:64]


def _failed(response) -> bool:
    return response.status_code == 401


per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    scope="login-address",
    methods=["POST"],
    exempt_when=is_known_device,
)
failures_per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
    key_func=get_remote_address,
    scope="login-address-failures",
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=is_known_device,
)
per_account = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    scope=ACCOUNT_SCOPE,
    methods=["POST"],
    deduct_when=_failed,
)


per_known_device = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_DEVICE"],
    key_func=_device_key,
    scope=DEVICE_SCOPE,
    methods=["POST"],
    exempt_when=_unknown_device,
)


def login_limited(view):
    """Every login limit on one view; the form and the API share each counter."""
    return per_address(failures_per_address(per_known_device(per_account(view))))


def lift_account_lock(username: str) -> None:
    """An admin lets a locked-out delegate try again at once: the account's failures are forgotten,
    on unknown devices (the account's counter) and on known ones (a new epoch in their keys)."""
    for item in parse_many(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        limiter.limiter.clear(item, account_key(username), ACCOUNT_SCOPE)
    limiter.storage.incr(_unlock_epoch_key(username), UNLOCK_EPOCH_S)
