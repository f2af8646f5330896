"""A token bucket per connection: a client flooding presence updates is answered, not broadcast.

Turning pages fast is normal (a burst of a few); a script sending hundreds a second would make
every member's device redraw the presence list hundreds of times. Extras are dropped quietly:
the position is still kept, so the next allowed broadcast carries the latest page.
"""

import threading
import time


class Throttle:
    def __init__(self, burst: int = 5, per_second: float = 2.0) -> None:
        self.burst, self.per_second = burst, per_second
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            return allowed

    def forget(self, key: str) -> None:
        with self._lock:
            self._buckets.pop(key, None)
