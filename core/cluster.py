"""What several server processes share through Redis, and the same things in one process without it.

`SOCKETIO_MESSAGE_QUEUE=redis://...` makes Socket.IO rooms span every process (python-socketio's
Redis manager); this module adds what that manager does not: dropping every connection in a room
wherever it is connected (`disconnect_room`), and counters several processes must agree on
(`Slots`: one person's uploads being processed at once). Presence lives in
`annotations/presence.py`, rate-limit counters in Flask-Limiter's storage (the same Redis).
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import socketio
from redis.exceptions import RedisError

from core.errors import AppError

log = logging.getLogger(__name__)

# Messages of our own on the Socket.IO channel; python-socketio ignores methods it does not know,
# and we take them out of the stream before it sees them.
DISCONNECT_ROOM = "phonghop:disconnect_room"


def redis_url(config) -> str | None:
    """The Redis the processes share, when the message queue is one."""
    url = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None


# Connections to Redis per process. redis-py's default pool refuses the 101st at once ("Too many
# connections"): a process that dies sends its readers here together, and every one's presence
# and disconnect touch Redis. This pool is larger and makes the rest wait (cooperatively under
# gevent) up to `REDIS_POOL_TIMEOUT_S`, which a refusal then bounds.
REDIS_MAX_CONNECTIONS = 200
REDIS_POOL_TIMEOUT_S = 5


def connect(url: str, max_connections: int = REDIS_MAX_CONNECTIONS):
    import redis

    # Short timeouts: a Redis that stopped answering must fail a request, not hang it.
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=REDIS_POOL_TIMEOUT_S,
        socket_timeout=5,
        socket_connect_timeout=5,
        health_check_interval=30,
    )
    return redis.Redis(connection_pool=pool)


def _disconnect_local(server: socketio.Server, room: str) -> None:
    for sid, _ in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/", ignore_queue=True)


class ClusterManager(socketio.RedisManager):
    """python-socketio's Redis manager plus "drop everyone in this room", on every process.

    The command travels on the same channel as the emits, so an event emitted to a room just
    before its members are dropped (`meeting:removed`) reaches them first on every process.
    """

    def disconnect_room(self, room: str) -> None:
        _disconnect_local(self.server, room)
        self._publish({"method": DISCONNECT_ROOM, "room": room, "host_id": self.host_id})

    def _listen(self):
        marker = DISCONNECT_ROOM.encode()
        for message in super()._listen():
            if not (isinstance(message, bytes) and marker in message):
                yield message
                continue
            try:
                data = self.json.loads(message)
            except ValueError:
                continue
            if not isinstance(data, dict) or data.get("method") != DISCONNECT_ROOM:
                yield data  # an emit whose text happens to contain the marker
            elif data.get("host_id") != self.host_id and isinstance(data.get("room"), str):
                try:
                    _disconnect_local(self.server, data["room"])
                except Exception:
                    self.server.logger.exception("Dropping the connections of %s failed", data["room"])


def disconnect_room(server: socketio.Server, room: str) -> None:
    """Drop every connection in `room`, on this process and, with Redis, on every other one."""
    if isinstance(server.manager, ClusterManager):
        server.manager.disconnect_room(room)
    else:
        _disconnect_local(server, room)


class Slots:
    """At most `limit` turns per key at once, in this process (one process, no Redis)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._taken: dict[str, int] = {}
        self._lock = threading.Lock()

    def _take(self, key: str) -> bool:
        with self._lock:
            if self._taken.get(key, 0) >= self.limit:
                return False
            self._taken[key] = self._taken.get(key, 0) + 1
            return True

    def _give_back(self, key: str) -> None:
        with self._lock:
            self._taken[key] -= 1
            if not self._taken[key]:
                del self._taken[key]

    @contextmanager
    def turn(self, key: str, refusal: AppError) -> Iterator[None]:
        """One turn for `key`, or `refusal` raised when all of them are taken."""
        if not self._take(key):
            raise refusal
        try:
            yield
        finally:
            self._give_back(key)


class RedisSlots(Slots):
    """The same turns counted in Redis, so a person's uploads to two processes count together.

    Each count expires `hold_s` after its last change: a process killed mid-upload cannot keep a
    turn taken for ever.
    """

    _TAKE = """
    local taken = redis.call('INCR', KEYS[1])
    if taken > tonumber(ARGV[1]) then
        redis.call('DECR', KEYS[1])  -- a refused retry must not keep a dead process's turn alive
        return 0
    end
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return 1
    """

    def __init__(self, limit: int, client, hold_s: int, prefix: str = "phonghop:slots:") -> None:
        super().__init__(limit)
        self._client, self._hold_s, self._prefix = client, hold_s, prefix
        self._take_script = client.register_script(self._TAKE)

    def _take(self, key: str) -> bool:
        """While Redis is away the upload is refused as a busy server (retry shortly), not a 500."""
        try:
            return bool(self._take_script(keys=[self._prefix + key], args=[self.limit, self._hold_s]))
        except RedisError as failure:
            log.warning("upload turns: Redis unavailable (%s)", failure)
            raise AppError("server_busy", 503, retry_after_s=5) from failure

    def _give_back(self, key: str) -> None:
        try:
            with self._client.pipeline() as pipe:
                pipe.decr(self._prefix + key).expire(self._prefix + key, self._hold_s).execute()
        except RedisError as failure:  # the count expires by itself `hold_s` later
            log.warning("upload turns: could not give a turn back (%s)", failure)
