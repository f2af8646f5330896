"""The simulated hall of bench/soak_bench.py: delegates who read, comment, lose their link and vote,
a chair per meeting who opens and closes polls, and the ledger that checks nothing was lost.

A delegate behaves as the tablet does (static/js/annotate/live.js, static/js/offline/outbox.js):
every comment and ballot goes through an outbox, sent one at a time, kept until acked, resent with
the same op_id after a lost ack (15 s) or a dropped link; on every (re)connect it joins the
document and the meeting, catches up with `?since=<seq of its last catch-up>`, asks the sitting's
state for a poll it has not voted in, then resends its outbox. Everything at a human pace.
"""

import asyncio
import collections
import contextlib
import json
import random
import time
import uuid
from dataclasses import dataclass, field

from sio_client import Client

HOST = "127.0.0.1"
ACK_TIMEOUT_S = 15.0  # static/js/offline/outbox.js: no ack in 15 s, the same op_id again
NOT_NOW = {"server_busy", "internal_error", "timeout", "request_timeout", "rate_limited"}
# A comment acked this long before a delegate's link dropped must have reached it live.
LIVE_GRACE_S = 10.0
# A refused or cut connection, no answer in time, or an answer that is not HTTP.
NETWORK_ERRORS = (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError)
KINDS = ("comment ack", "delivery", "page", "ballot ack", "rejoin")


@dataclass
class Pace:
    """A full hall at a human pace; the bench scales nothing up for short runs but the poll cycle."""

    page_s: tuple[float, float] = (15.0, 60.0)  # between page turns
    comment_mean_s: float = 180.0  # between a delegate's comments (exponential)
    drop_mean_s: float = 600.0  # between a delegate's lost links (exponential)
    offline_s: tuple[float, float] = (3.0, 15.0)  # link gone, then live.js's 1-3 s before reconnecting
    drop_after_send: float = 0.03  # share of comments and ballots whose link drops before the ack
    poll_every_s: float = 300.0
    poll_open_s: float = 45.0
    vote_delay_s: tuple[float, float] = (2.0, 20.0)  # from seeing the poll open to the tap


@dataclass
class Op:
    """One outbox operation (a comment or a ballot) and what became of it."""

    event: str
    payload: dict
    key: str
    author: int
    document_id: int = 0
    poll_id: int = 0
    first_sent: float = 0.0
    sends: int = 0
    acked_at: float = 0.0
    ack: dict | None = None
    receipts: list = field(default_factory=list)
    refused: str | None = None
    drop_after_send: bool = False


@dataclass
class Window:
    """One connection of one delegate: when it joined, when it dropped, what arrived live."""

    joined_at: float | None = None
    dropped_at: float | None = None
    live: set = field(default_factory=set)


class Ledger:
    """Everything measured, with the time it happened, for the windows and the final checks."""

    def __init__(self) -> None:
        self.latency: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
        self.errors: list[tuple[float, str]] = []
        self.counts: collections.Counter = collections.Counter()
        self.comments: dict[str, Op] = {}
        self.ballots: list[Op] = []
        self.polls: dict[int, dict] = {}

    def record(self, kind: str, ms: float) -> None:
        self.latency[kind].append((time.monotonic(), ms))

    def error(self, kind: str) -> None:
        self.errors.append((time.monotonic(), kind))


async def http(port: int, method: str, path: str, token: str, body=None, compressed=False, timeout=30.0):
    """One HTTP/1.1 request on its own connection (gunicorn keeps idle ones 5 s; a reader's next page
    comes later than that): (status, body bytes)."""

    async def exchange():
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            data = b"" if body is None else json.dumps(body).encode()
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n"
                "Connection: close\r\n"
            )
            if compressed:
                head += "Accept-Encoding: gzip, br\r\n"
            if body is not None:
                head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            writer.write(head.encode() + b"\r\n" + data)
            return await reader.read()
        finally:
            writer.close()

    raw = await asyncio.wait_for(exchange(), timeout)
    header, _, payload = raw.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in header.lower():
        chunks, rest = [], payload
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        payload = b"".join(chunks)
    return status, payload


def comment_key(annotation: dict) -> str:
    """The bench's name for a comment, from its body: `soak <key> ...`."""
    words = annotation.get("body", "").split(" ", 2)
    return words[1] if len(words) > 1 else ""


class Hall:
    """The run's shared state: the pace, the ledger and the signal to stop."""

    def __init__(self, pace: Pace, seed: int) -> None:
        self.pace, self.seed = pace, seed
        self.ledger = Ledger()
        self.stopping = asyncio.Event()
        self.delegates: list[Delegate] = []

    async def sleep(self, seconds: float) -> None:
        """Sleep, cut short when the run stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), max(0.0, seconds))

    def stop(self) -> None:
        self.stopping.set()
        for delegate in self.delegates:
            delegate.wake.set()


class Delegate:
    def __init__(self, hall: Hall, index: int, meeting: dict, port: int, token: str) -> None:
        self.hall, self.index, self.meeting, self.port, self.token = hall, index, meeting, port, token
        self.ledger = hall.ledger
        self.rng = random.Random(hall.seed * 100_003 + index)
        self.document_id = meeting["document_id"]
        self.client: Client | None = None
        self.connected = False
        self.need_reconnect = False
        self.wake = asyncio.Event()
        self.outbox: list[Op] = []
        self.sending = asyncio.Lock()
        self.synced = 0
        self.behind = False  # the last catch-up failed
        self.known: dict[int, int] = {}  # annotation id -> seq, live or from a catch-up
        self.windows: list[Window] = []
        self.page = self.rng.randint(1, meeting["page_count"])
        self.voted: set[int] = set()
        self.comments = 0
        self.tasks: set[asyncio.Task] = set()

    # --- what arrives --------------------------------------------------------------------------

    def on_event(self, client: Client, name: str, data: dict, now: float) -> None:
        if client is not self.client:
            return
        if name == "annotation:created" and data.get("document_id") == self.document_id:
            window = self.windows[-1]
            if data["id"] in window.live:
                self.ledger.error("the same comment delivered twice on one connection")
                return
            window.live.add(data["id"])
            self.known[data["id"]] = max(self.known.get(data["id"], 0), data["seq"])
            op = self.ledger.comments.get(comment_key(data))
            if op is not None and op.sends == 1 and op.author != self.index:
                self.ledger.record("delivery", (now - op.first_sent) * 1000)
        elif name == "poll:changed" and data.get("state") == "open":
            self.want_vote(data["poll_id"])

    def on_disconnect(self, client: Client) -> None:
        if client is self.client and self.connected:
            self.ledger.error("link dropped by the server")
            self.cut()

    # --- the link ------------------------------------------------------------------------------

    def cut(self) -> None:
        """The link is gone (a planned drop, or the server's): acks in flight are lost."""
        self.connected = False
        self.windows[-1].dropped_at = time.monotonic()
        self.client.close()
        self.need_reconnect = True
        self.wake.set()

    async def _ack(self, event: str, payload: dict) -> dict:
        future = self.client.call(event, payload)
        done, _ = await asyncio.wait({future}, timeout=30)
        if not done or future.cancelled():
            return {"ok": False, "error": "no_ack" if not done else "link_dropped"}
        return future.result()

    async def connect(self, again: bool) -> bool:
        """Connect, join the document and the meeting, catch up, look for an open poll, resend."""
        started = time.monotonic()
        client = Client(self.index, self.on_event, self.on_disconnect)
        try:
            await asyncio.wait_for(client.connect(HOST, self.port, self.token), 30)
        except (OSError, RuntimeError, EOFError, TimeoutError, asyncio.IncompleteReadError):
            self.ledger.error("socket connect failed")
            if getattr(client, "writer", None) is not None:
                client.writer.close()  # half open: the server would keep its end
            return False
        self.client, self.connected = client, True
        self.windows.append(Window())
        joined = await self._ack("document:join", {"document_id": self.document_id})
        if joined.get("ok"):
            self.windows[-1].joined_at = time.monotonic()
            joined = await self._ack("meeting:join", {"meeting_id": self.meeting["meeting_id"]})
        if not joined.get("ok"):
            if self.connected:
                self.ledger.error(f"join refused: {joined.get('error')}")
                self.cut()
            return False
        await self.catch_up()
        try:
            await self.open_polls()
        except NETWORK_ERRORS:
            self.ledger.error("reading the sitting's state failed")
        self.client.call("presence:update", {"document_id": self.document_id, "page": self.page})
        if again:
            self.ledger.record("rejoin", (time.monotonic() - started) * 1000)
        await self.flush()
        return self.connected

    async def catch_up(self) -> None:
        """`?since=<seq of the last catch-up>`, merged by id as live.js does."""
        try:
            status, body = await http(
                self.port,
                "GET",
                f"/api/documents/{self.document_id}/annotations?since={self.synced}",
                self.token,
            )
        except NETWORK_ERRORS:
            status = 0
        self.behind = status != 200  # tried again a few seconds later
        if self.behind:
            self.ledger.error(f"catch-up HTTP {status or 'failed'}")
            return
        changes = json.loads(body)
        ids = [a["id"] for a in changes["annotations"]]
        if len(ids) != len(set(ids)):
            self.ledger.error("a catch-up listed one annotation twice")
        for annotation in changes["annotations"]:
            self.known[annotation["id"]] = max(self.known.get(annotation["id"], 0), annotation["seq"])
        self.synced = max(self.synced, changes["seq"])

    async def open_polls(self) -> None:
        """The vote page's state after a reconnect: an open poll without my ballot is voted in."""
        status, body = await http(
            self.port, "GET", f"/api/meetings/{self.meeting['meeting_id']}/sitting", self.token
        )
        if status != 200:
            self.ledger.error(f"sitting state HTTP {status}")
            return
        for poll in json.loads(body)["polls"]:
            if poll["state"] == "open" and poll["my_ballot"] is None:
                self.want_vote(poll["id"])

    # --- the outbox ----------------------------------------------------------------------------

    async def submit(self, op: Op) -> None:
        self.outbox.append(op)
        if self.connected:
            await self.flush()

    async def flush(self) -> None:
        """In order, one at a time, while connected; kept until acked or refused for good."""
        async with self.sending:
            backoff = 1.0
            while self.outbox and self.connected:
                op, client = self.outbox[0], self.client
                if op.sends == 0:
                    op.first_sent = time.monotonic()
                op.sends += 1
                sent = time.monotonic()
                future = client.call(op.event, op.payload)
                if op.drop_after_send:
                    op.drop_after_send = False
                    await asyncio.sleep(0)  # it has left; the link drops before the ack comes back
                    self.ledger.counts["links dropped right after a send"] += 1
                    self.cut()
                done, _ = await asyncio.wait({future}, timeout=ACK_TIMEOUT_S)
                if not done:
                    self.ledger.error(f"no ack in {ACK_TIMEOUT_S:g} s ({op.event})")
                    continue
                if future.cancelled():
                    break  # the link dropped: resent after the reconnect
                ack = future.result()
                if ack.get("ok"):
                    self._acked(op, ack, sent)
                    if op.event == "annotation:create" and ack["id"] not in self.known:
                        await self.catch_up()  # live.js: an ack for something not seen yet
                elif ack.get("error") in NOT_NOW:
                    self.ledger.error(f"{op.event} refused for now: {ack.get('error')}")
                    await asyncio.sleep(backoff * self.rng.uniform(0.5, 1.5))
                    backoff = min(backoff * 2, 30.0)
                else:
                    op.refused = ack.get("error")
                    self.outbox.pop(0)
                    if op.event == "ballot:cast" and op.refused == "poll_not_open":
                        self.ledger.counts["ballots after the close (refused, not counted)"] += 1
                    else:
                        self.ledger.error(f"{op.event} refused: {op.refused}")

    def _acked(self, op: Op, ack: dict, sent: float) -> None:
        op.ack, op.acked_at = ack, time.monotonic()
        self.outbox.pop(0)
        if op.sends > 1:
            self.ledger.counts["operations resent"] += 1
        else:
            kind = "comment ack" if op.event == "annotation:create" else "ballot ack"
            self.ledger.record(kind, (op.acked_at - sent) * 1000)
        if op.event == "ballot:cast":
            op.receipts.append(ack.get("receipt"))

    # --- what a delegate does ------------------------------------------------------------------

    def want_vote(self, poll_id: int) -> None:
        if poll_id in self.voted or self.hall.stopping.is_set():
            return
        self.voted.add(poll_id)
        task = asyncio.create_task(self._vote(poll_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _vote(self, poll_id: int) -> None:
        await asyncio.sleep(self.rng.uniform(*self.hall.pace.vote_delay_s))
        op_id = uuid.uuid4().hex
        choice = self.rng.choice(["for", "for", "for", "against", "abstain"])
        op = Op(
            "ballot:cast",
            {"op_id": op_id, "poll_id": poll_id, "choice": choice},
            key=op_id,
            author=self.index,
            poll_id=poll_id,
            drop_after_send=self.rng.random() < self.hall.pace.drop_after_send,
        )
        self.ledger.ballots.append(op)
        await self.submit(op)

    async def comment(self) -> None:
        self.comments += 1
        key = f"d{self.index}c{self.comments}"
        paragraph = self.rng.choice(self.meeting["paragraph_ids"])
        op = Op(
            "annotation:create",
            {
                "op_id": uuid.uuid4().hex,
                "document_id": self.document_id,
                "kind": "comment",
                "target": {"paragraph_id": paragraph, "quote": ""},
                "body": f"soak {key} Ý kiến của đại biểu về đoạn văn này của dự thảo.",
                "visibility": "shared",
            },
            key=key,
            author=self.index,
            document_id=self.document_id,
            drop_after_send=self.rng.random() < self.hall.pace.drop_after_send,
        )
        self.ledger.comments[key] = op
        await self.submit(op)

    async def turn_page(self) -> None:
        """The reader's next page: its view (markup and text layer), then presence."""
        path = f"/api/documents/{self.document_id}/pages/{self.page}/view"
        started = time.monotonic()
        try:
            status, _ = await http(self.port, "GET", path, self.token, compressed=True)
        except NETWORK_ERRORS:
            self.ledger.error("page fetch failed")
            return
        if status == 200:
            self.ledger.record("page", (time.monotonic() - started) * 1000)
        else:
            self.ledger.error(f"page view HTTP {status}")
        if self.connected:
            self.client.call("presence:update", {"document_id": self.document_id, "page": self.page})
        self.page = self.page % self.meeting["page_count"] + 1

    async def live(self, start_in: float) -> None:
        """Arrive, then read, comment and lose the link at a human pace until the run stops."""
        pace, rng = self.hall.pace, self.rng
        await self.hall.sleep(start_in)
        self.need_reconnect = True
        first = True
        now = time.monotonic()
        next_page = now + rng.uniform(*pace.page_s)
        next_comment = now + rng.expovariate(1 / pace.comment_mean_s)
        next_drop = now + rng.expovariate(1 / pace.drop_mean_s)
        while not self.hall.stopping.is_set():
            if self.need_reconnect:
                if not first:
                    await self.hall.sleep(rng.uniform(*pace.offline_s))
                if await self.connect(again=not first):
                    self.ledger.counts["arrivals" if first else "reconnects"] += 1
                    self.need_reconnect, first = False, False
                else:
                    await self.hall.sleep(rng.uniform(1, 5))
                continue
            if self.behind:
                await self.hall.sleep(rng.uniform(2, 5))
                await self.catch_up()
                continue
            now = time.monotonic()
            due = min(next_page, next_comment, next_drop)
            if due > now:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), due - now)
            elif due == next_drop:
                self.ledger.counts["links dropped"] += 1
                self.cut()
                next_drop = now + rng.expovariate(1 / pace.drop_mean_s)
            elif due == next_page:
                await self.turn_page()
                next_page = time.monotonic() + rng.uniform(*pace.page_s)
            else:
                next_comment = now + rng.expovariate(1 / pace.comment_mean_s)
                await self.comment()

    async def finish(self, deadline: float) -> None:
        """After the run: back online if the link is down, and the outbox emptied."""
        for task in list(self.tasks):  # a ballot chosen before the stop still goes
            await task
        while (self.need_reconnect or not self.connected or self.outbox or self.behind) and (
            time.monotonic() < deadline
        ):
            if self.need_reconnect or not self.connected:
                if await self.connect(again=True):
                    self.need_reconnect = False
                else:
                    await asyncio.sleep(2)
            elif self.behind:
                await asyncio.sleep(2)
                await self.catch_up()
            else:
                await self.flush()
                if self.outbox:
                    await asyncio.sleep(1)

    def close(self) -> None:
        if self.client is not None and self.connected:
            self.connected = False
            self.client.close()


async def _press(ledger: Ledger, port: int, path: str, token: str, body=None, expect=200) -> dict | None:
    """The chair presses again when the server says "not now" (a 5xx, no answer), for two minutes; a
    409 on a later press means the earlier one landed. None: refused for good."""
    deadline, presses = time.monotonic() + 120, 0
    while time.monotonic() < deadline:
        presses += 1
        try:
            status, answer = await http(port, "POST", path, token, body, timeout=60)
        except NETWORK_ERRORS:
            status, answer = 0, b""
        if status == expect:
            return json.loads(answer)
        if status == 409 and presses > 1:
            return {}
        ledger.error(f"POST {path.split('/')[-1]} by the chair: HTTP {status}")
        if status and status < 500:
            return None
        await asyncio.sleep(3)
    return None


async def chair(hall: Hall, meeting: dict, port: int, token: str, first_in: float) -> None:
    """Opens a poll every `poll_every_s`, closes it `poll_open_s` later, as the chair would."""
    pace, ledger, number = hall.pace, hall.ledger, 0
    await hall.sleep(first_in)
    while not hall.stopping.is_set():
        number += 1
        cycle = time.monotonic()
        title = {"title": f"Dự thảo nghị quyết số {number}"}
        created = await _press(
            ledger, port, f"/api/meetings/{meeting['meeting_id']}/polls", token, title, 201
        )
        if created and await _press(ledger, port, f"/api/polls/{created['id']}/open", token) is not None:
            ledger.polls[created["id"]] = {"meeting_id": meeting["meeting_id"], "opened": True}
            await hall.sleep(pace.poll_open_s)  # the stop closes it at once
            await _press(ledger, port, f"/api/polls/{created['id']}/close", token)
        await hall.sleep(cycle + pace.poll_every_s - time.monotonic())
