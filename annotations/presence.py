"""Who has a document open, and on which page, keyed by connection.

Presence is about live connections, not stored data: it starts empty after a restart and every
client re-announces itself when it reconnects. One process keeps it in memory (`Presence`);
several processes on one Redis keep it there (`SharedPresence`), so a reader on one process sees
the readers connected to the others.
"""

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Viewer:
    user_id: int
    name: str
    page: int | None
    tick: int


class Presence:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._documents: dict[int, dict[str, Viewer]] = {}
        self._tick = 0

    def enter(self, document_id: int, sid: str, user_id: int, name: str) -> list[dict]:
        with self._lock:
            viewers = self._documents.setdefault(document_id, {})
            known = viewers.get(sid)
            self._tick += 1
            viewers[sid] = Viewer(user_id, name, known.page if known else None, self._tick)
            return self._users(document_id)

    def move(self, document_id: int, sid: str, page: int) -> list[dict] | None:
        """None when this connection has not joined the document."""
        with self._lock:
            viewer = self._documents.get(document_id, {}).get(sid)
            if viewer is None:
                return None
            self._tick += 1
            viewer.page, viewer.tick = page, self._tick
            return self._users(document_id)

    def leave(self, document_id: int, sid: str) -> list[dict] | None:
        with self._lock:
            viewers = self._documents.get(document_id, {})
            if viewers.pop(sid, None) is None:
                return None
            if not viewers:
                self._documents.pop(document_id, None)
            return self._users(document_id)

    def forget(self, document_id: int) -> None:
        """The document's room was closed (it was withdrawn): nobody is reading it any more."""
        with self._lock:
            self._documents.pop(document_id, None)

    def drop(self, sid: str) -> dict[int, list[dict]]:
        """A connection ended: the documents it had open, each with who is left there."""
        with self._lock:
            left = [doc for doc, viewers in self._documents.items() if viewers.pop(sid, None)]
            for document_id in left:
                if not self._documents[document_id]:
                    del self._documents[document_id]
            return {document_id: self._users(document_id) for document_id in left}

    def _users(self, document_id: int) -> list[dict]:
        """One entry per person: someone on a tablet and a phone shows where they looked last."""
        latest: dict[int, Viewer] = {}
        for viewer in self._documents.get(document_id, {}).values():
            if viewer.user_id not in latest or viewer.tick > latest[viewer.user_id].tick:
                latest[viewer.user_id] = viewer
        return [
            {"user_id": v.user_id, "name": v.name, "page": v.page}
            for v in sorted(latest.values(), key=lambda v: (v.name, v.user_id))
        ]


def _users_of(viewers: list[dict]) -> list[dict]:
    latest: dict[int, dict] = {}
    for viewer in viewers:
        known = latest.get(viewer["user_id"])
        if known is None or viewer["tick"] > known["tick"]:
            latest[viewer["user_id"]] = viewer
    return [
        {"user_id": v["user_id"], "name": v["name"], "page": v["page"]}
        for v in sorted(latest.values(), key=lambda v: (v["name"], v["user_id"]))
    ]


class SharedPresence:
    """The same answers as `Presence`, for every process on one Redis.

    A document's readers are one hash (connection id → who, which page, which process). Each
    process keeps a heartbeat key alive; the entries of a process that died without saying
    goodbye (killed, power cut) are dropped the next time the document is read once its
    heartbeat has expired (`host_ttl_s`).
    """

    _ENTER = """
    local known = redis.call('HGET', KEYS[1], ARGV[1])
    local viewer = cjson.decode(ARGV[2])
    if known then viewer['page'] = cjson.decode(known)['page'] end
    viewer['tick'] = redis.call('INCR', KEYS[2])
    redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(viewer))
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    return redis.call('HVALS', KEYS[1])
    """
    _MOVE = """
    local known = redis.call('HGET', KEYS[1], ARGV[1])
    if not known then return false end
    local viewer = cjson.decode(known)
    viewer['page'] = tonumber(ARGV[2])
    viewer['tick'] = redis.call('INCR', KEYS[2])
    redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(viewer))
    return redis.call('HVALS', KEYS[1])
    """
    _LEAVE = """
    if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return false end
    return redis.call('HVALS', KEYS[1])
    """
    # A document nobody has touched for this long is forgotten even if its readers never left.
    DOCUMENT_TTL_S = 24 * 3600

    def __init__(
        self,
        client,
        host_ttl_s: float = 30.0,
        start_heartbeat: Callable[[Callable[[], None]], object] | None = None,
        prefix: str = "phonghop:presence:",
    ) -> None:
        self._client, self._prefix = client, prefix
        self.host_id = uuid.uuid4().hex
        self.host_ttl_s = host_ttl_s
        self._enter = client.register_script(self._ENTER)
        self._move = client.register_script(self._MOVE)
        self._leave = client.register_script(self._LEAVE)
        self._lock = threading.Lock()
        self._joined: dict[str, set[int]] = {}  # this process's connections → their documents
        self._alive: dict[str, float] = {}  # other processes seen alive → until when we believe it
        self._start_heartbeat = start_heartbeat
        self._beating = False

    def _key(self, document_id: int) -> str:
        return f"{self._prefix}document:{document_id}"

    def _host_key(self, host_id: str) -> str:
        return f"{self._prefix}host:{host_id}"

    def _tick_key(self) -> str:
        return f"{self._prefix}tick"

    def beat(self) -> None:
        """Say this process is alive for another `host_ttl_s`."""
        self._client.set(self._host_key(self.host_id), "1", px=int(self.host_ttl_s * 1000))

    def _heartbeat(self) -> None:
        while True:
            time.sleep(self.host_ttl_s / 3)
            with contextlib.suppress(Exception):  # Redis down for a moment: the next beat tries again
                self.beat()

    def _ensure_beating(self) -> None:
        if not self._beating:
            self._beating = True
            self.beat()
            if self._start_heartbeat is not None:
                self._start_heartbeat(self._heartbeat)

    def _users(self, document_id: int, raw: list) -> list[dict]:
        viewers = [json.loads(value) for value in raw]
        dead = self._dead_hosts({v.get("host") for v in viewers} - {self.host_id})
        if dead:
            gone = [v for v in viewers if v.get("host") in dead]
            self._client.hdel(self._key(document_id), *[v["sid"] for v in gone])
            viewers = [v for v in viewers if v.get("host") not in dead]
        return _users_of(viewers)

    def _dead_hosts(self, hosts: set) -> set:
        now = time.monotonic()
        unknown = sorted(h for h in hosts if isinstance(h, str) and self._alive.get(h, 0.0) < now)
        if not unknown:
            return set()
        answers = self._client.mget([self._host_key(h) for h in unknown])
        dead = set()
        for host, answer in zip(unknown, answers, strict=True):
            if answer is None:
                dead.add(host)
            else:  # believe it for a third of its lifetime before asking again
                self._alive[host] = now + self.host_ttl_s / 3
        return dead

    def enter(self, document_id: int, sid: str, user_id: int, name: str) -> list[dict]:
        self._ensure_beating()
        with self._lock:
            self._joined.setdefault(sid, set()).add(document_id)
        viewer = {"sid": sid, "user_id": user_id, "name": name, "page": None, "host": self.host_id}
        raw = self._enter(
            keys=[self._key(document_id), self._tick_key()],
            args=[sid, json.dumps(viewer), self.DOCUMENT_TTL_S],
        )
        return self._users(document_id, raw)

    def move(self, document_id: int, sid: str, page: int) -> list[dict] | None:
        raw = self._move(keys=[self._key(document_id), self._tick_key()], args=[sid, page])
        return None if raw is None else self._users(document_id, raw)

    def leave(self, document_id: int, sid: str) -> list[dict] | None:
        with self._lock:
            self._joined.get(sid, set()).discard(document_id)
        raw = self._leave(keys=[self._key(document_id)], args=[sid])
        return None if raw is None else self._users(document_id, raw)

    def forget(self, document_id: int) -> None:
        self._client.delete(self._key(document_id))

    def drop(self, sid: str) -> dict[int, list[dict]]:
        with self._lock:
            documents = self._joined.pop(sid, set())
        left = {}
        for document_id in sorted(documents):
            users = self.leave(document_id, sid)
            if users is not None:
                left[document_id] = users
        return left
