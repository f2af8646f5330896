"""Who has a document open, and on which page; kept in this process's memory, keyed by connection.

Presence is about live connections, not stored data: it starts empty after a restart and every
client re-announces itself when it reconnects. With several server processes (a message queue),
each process knows only its own connections.
"""

import threading
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
