"""The hall's check-in code: short, shown on the hall screen, changing every 30 seconds.

The code is an HMAC of the secret key, the sitting and the 30-second window, so every process
computes the same code without storing it. The code of the window before is still accepted (a
delegate typing as it changes), so a code lives at most a minute: one read out over the phone
a minute later no longer checks anyone in.
"""

import hashlib
import hmac
import time

from flask import current_app

WINDOW_S = 30
ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud and typed on a phone
LENGTH = 5


def now() -> float:
    return time.time()


def _code(sitting_id: int, window: int) -> str:
    key = (
        current_app.config["SECRET_KEY"].encode()
        if isinstance(current_app.config["SECRET_KEY"], str)
        else current_app.config["SECRET_KEY"]
    )
    digest = hmac.new(key, f"checkin:{sitting_id}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def current(sitting_id: int) -> tuple[str, int]:
    """The code to show now and the seconds until it changes."""
    moment = now()
    window = int(moment // WINDOW_S)
    return _code(sitting_id, window), max(1, int((window + 1) * WINDOW_S - moment))


def is_valid(sitting_id: int, code: str) -> bool:
    typed = code.strip().upper()
    window = int(now() // WINDOW_S)
    return any(hmac.compare_digest(typed, _code(sitting_id, w)) for w in (window, window - 1))
