"""The floor under a full hall: a chair's action reaches the hall screen and 300 delegates' devices.

300 delegates' sockets (the hall screen is one more) join the meeting's room; the chair gives and
ends the floor `--actions` times over HTTP. Each action's `floor:changed` delta must reach every
socket; the latency from the chair's request to each delivery is measured on the real server and on
a bare Flask-SocketIO server that only emits a delta of the same size (bench/bare_floor_server.py),
same machine, same run, both under gevent; the first `--phones` sockets come in over an emulated
rural link (75 ms each way, 1.6 Mbit/s). Then a queue of 100 is reordered: one delta that
carries the new order (no reload), its size and its p99 to all sockets.

    .venv/bin/python bench/floor_bench.py [--clients 300] [--actions 30]

Targets (issue 19): p99 ≤ 500 ms on one process, ≤ 2 s to a phone on the rural link, deltas ≤ 1 KB;
printed with the ratio to the bare server; the reorder's p50/p99 are printed for information.
Exit status 0 when every target passes. 127.0.0.1 only; bounded clients, actions and time.
"""

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sio_client import Client
from socket_bench import HOST, Server, _percentile, free_port

ROOT = Path(__file__).resolve().parent.parent
P99_TARGET_MS = 500.0
PHONE_P99_TARGET_MS = 2000.0
QUEUE = 100


def prepare(data_dir: Path, clients: int) -> dict:
    """Run in a subprocess: a published meeting, `clients` delegates, a chair, a queue of 100."""
    os.environ.update({"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"})
    sys.path.insert(0, str(ROOT))
    from accounts.models import User
    from accounts.schemas import NewUser
    from accounts.service import create_user, issue_token, start_login
    from composition.app import create_app
    from core.extensions import db
    from floor import service as floor
    from floor.schemas import NewSpeaker
    from meetings.models import Membership
    from meetings.schemas import NewAgendaItem, NewMeeting, NewMember
    from meetings.service import add_agenda_item, add_member, create_meeting, publish

    app = create_app()
    with app.app_context():
        secretary = create_user(NewUser(username="thuky", password="bench-only", full_name="Thư ký"))
        delegates = [
            User(
                username=f"daibieu{n}",
                full_name=f"Nguyễn Văn Đại Biểu {n}",
                password_hash=secretary.password_hash,
            )
            for n in range(1, clients + 1)
        ]
        chair = User(username="chutoa", full_name="Chủ tọa", password_hash=secretary.password_hash)
        db.session.add_all([*delegates, chair])
        db.session.flush()
        meeting = create_meeting(
            secretary, NewMeeting(title="Kỳ họp đo tải", starts_at="2026-12-01T08:00:00", location="")
        )
        add_member(secretary, meeting.id, NewMember(username="chutoa", role="chair"))
        db.session.add_all(
            Membership(meeting_id=meeting.id, user_id=d.id, role="delegate") for d in delegates
        )
        hall = add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Thảo luận"))
        long_queue = add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Hàng đợi 100"))
        publish(secretary, meeting.id)
        db.session.flush()
        speakers = [floor.register(d, hall.id, NewSpeaker(topic="Về giao thông")).id for d in delegates[:60]]
        queued = [floor.register(d, long_queue.id, NewSpeaker()).id for d in delegates[:QUEUE]]
        tokens = []
        for user in [chair, *delegates]:
            start_login(user, via="bench")
            tokens.append(issue_token(user, app.config["SECRET_KEY"]))
        result = {
            "meeting_id": meeting.id,
            "speakers": speakers,
            "queue_item": long_queue.id,
            "queue": queued,
            "chair_token": tokens[0],
            "tokens": tokens[1:],
        }
        db.session.commit()
        db.engine.dispose()
    app.extensions["documents"].pool.close()
    return result


class Hall:
    """Every socket's deliveries: seq -> arrival times."""

    def __init__(self, phones: int):
        self.phones = phones  # sockets 0..phones-1 come in over the emulated rural link
        self.phone_arrivals: dict[int, list[float]] = {}
        self.arrivals: dict[int, list[float]] = {}
        self.sizes: dict[int, int] = {}
        self.disconnects = 0

    def on_event(self, client, name, data, now):
        if name == "floor:changed":
            self.arrivals.setdefault(data["seq"], []).append(now)
            if client.index < self.phones:
                self.phone_arrivals.setdefault(data["seq"], []).append(now)
            self.sizes[data["seq"]] = len(json.dumps(data).encode())

    def on_disconnect(self, _client):
        self.disconnects += 1


def _post(url: str, token: str | None, body: dict | None = None, method: str = "POST") -> int:
    request = urllib.request.Request(url, method=method, data=json.dumps(body or {}).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


class RuralLink:
    """A TCP relay per connection that adds 75 ms each way (150 ms round trip) and serialises at
    1.6 Mbit/s each way: a phone on a commune's mobile link, for the first `--phones` sockets."""

    def __init__(self, target_port: int, one_way_s: float = 0.075, bits_per_s: float = 1_600_000):
        self.target_port, self.one_way_s, self.bits_per_s = target_port, one_way_s, bits_per_s

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._relay, HOST, 0)
        return self.server.sockets[0].getsockname()[1]

    async def _relay(self, reader, writer):
        upstream_reader, upstream_writer = await asyncio.open_connection(HOST, self.target_port)
        try:
            await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        except asyncio.CancelledError:  # the run is over
            upstream_writer.close()
            writer.close()

    async def _pipe(self, source, sink):
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue = asyncio.Queue()

        async def feed():
            while data := await source.read(65536):
                chunks.put_nowait((loop.time() + self.one_way_s, data))
            chunks.put_nowait(None)

        async def deliver():
            line_free = 0.0
            while (item := await chunks.get()) is not None:
                due, data = item
                line_free = max(due, line_free) + len(data) * 8 / self.bits_per_s
                await asyncio.sleep(max(0.0, line_free - loop.time()))
                sink.write(data)
                await sink.drain()
            sink.close()

        try:
            await asyncio.gather(feed(), deliver())
        except (ConnectionError, OSError):
            sink.close()

    def close(self):
        self.server.close()


async def measure(name: str, port: int, setup: dict, args) -> dict:
    hall = Hall(args.phones)
    rural = RuralLink(port)
    rural_port = await rural.start()
    tokens = [*setup["tokens"][: args.clients], setup["chair_token"]]  # the last one: the hall screen
    clients = [Client(i, hall.on_event, hall.on_disconnect) for i in range(len(tokens))]
    for batch in range(0, len(clients), 25):
        await asyncio.gather(
            *(
                c.connect(HOST, rural_port if c.index < args.phones else port, tokens[c.index])
                for c in clients[batch : batch + 25]
            )
        )
    joins = await asyncio.gather(
        *(c.call("meeting:join", {"meeting_id": setup["meeting_id"]}) for c in clients)
    )
    if not all(ack.get("ok") for ack in joins):
        raise SystemExit(f"{name}: join refused: {joins[0]}")
    base = f"http://{HOST}:{port}"
    real = name == "phonghop"
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(1)

    answered_ms: list[float] = []

    async def act(url, body=None, method="POST") -> float:
        sent = time.monotonic()
        await loop.run_in_executor(pool, _post, url, setup["chair_token"] if real else None, body, method)
        answered_ms.append((time.monotonic() - sent) * 1000)
        return sent

    async def delivered(before: int) -> list[int]:
        """Closed loop: wait until the action's deltas reached every socket (or 10 s passed)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            new = [seq for seq in hall.arrivals if seq > before]
            if new and all(len(hall.arrivals[seq]) == len(clients) for seq in new):
                await asyncio.sleep(0.05)  # a second delta of the same action (the item moved) may follow
                return [seq for seq in hall.arrivals if seq > before]
            await asyncio.sleep(0.005)
        return [seq for seq in hall.arrivals if seq > before]

    sent_at: dict[int, float] = {}
    # The same shape and size as the real server's give-the-floor delta (floor/presenter.py).
    bare_delta = {
        "op": "speaker",
        "speaker": {
            "id": 1,
            "user_id": 3,
            "name": "Nguyễn Văn Đại Biểu 1",
            "kind": "speech",
            "state": "speaking",
            "agenda_item_id": 1,
            "topic": "Về giao thông",
            "position": 1,
            "phase": "speech",
            "allowed_s": 420,
            "remaining_ms": 419998,
            "started_at": "2026-12-06T21:40:00.123456",
            "phase_started_at": "2026-12-06T21:40:00.123456",
        },
        "done_id": None,
    }
    for n in range(args.actions):
        speaker = setup["speakers"][n // 2]
        action = "start" if n % 2 == 0 else "stop"
        url = f"{base}/api/speakers/{speaker}/{action}" if real else f"{base}/api/meetings/1/act"
        before = max(hall.arrivals, default=0)
        sent = await act(url, None if real else bare_delta)
        for seq in await delivered(before):
            sent_at[seq] = sent
        await asyncio.sleep(args.interval)
    latencies = [
        (arrival - sent_at[seq]) * 1000
        for seq, arrivals in hall.arrivals.items()
        if seq in sent_at
        for arrival in arrivals
    ]
    phone_latencies = [
        (arrival - sent_at[seq]) * 1000
        for seq, arrivals in hall.phone_arrivals.items()
        if seq in sent_at
        for arrival in arrivals
    ]
    complete = len(sent_at) >= args.actions and all(len(hall.arrivals[s]) == len(clients) for s in sent_at)

    # A queue of 100 reordered: one delta with the whole new order, to every socket.
    order_latencies, order_size = [], 0
    order = list(reversed(setup["queue"]))
    for _ in range(args.reorders):
        before = max(hall.arrivals, default=0)
        if real:
            sent = await act(
                f"{base}/api/agenda/{setup['queue_item']}/speakers/order", {"speaker_ids": order}, "PUT"
            )
        else:
            sent = await act(
                f"{base}/api/meetings/1/act", {"op": "order", "agenda_item_id": 2, "order": order}
            )
        order = list(reversed(order))
        for seq in await delivered(before):
            order_latencies += [(a - sent) * 1000 for a in hall.arrivals[seq]]
            order_size = max(order_size, hall.sizes[seq])
        await asyncio.sleep(args.interval)
    await asyncio.sleep(0.5)
    for client in clients:
        client.close()
    rural.close()
    pool.shutdown()
    return {
        "server": name,
        "sockets": len(clients),
        "deltas": len(sent_at),
        "every_socket_got_every_delta": complete,
        "disconnects": hall.disconnects,
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "phone_p50_ms": round(_percentile(phone_latencies, 50), 1),
        "phone_p99_ms": round(_percentile(phone_latencies, 99), 1),
        "max_delta_bytes": max((hall.sizes[s] for s in sent_at if s in hall.sizes), default=0),
        "http_p50_ms": round(_percentile(answered_ms, 50), 1),
        "reorder_p50_ms": round(_percentile(order_latencies, 50), 1),
        "reorder_p99_ms": round(_percentile(order_latencies, 99), 1),
        "reorder_delta_bytes": order_size,
    }


def _serve(server: Server, setup: dict, args) -> dict:
    with server:
        return asyncio.run(measure(server.name, server.port, setup, args))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=300, choices=range(1, 301), metavar="1..300")
    parser.add_argument("--actions", type=int, default=30, choices=range(2, 121), metavar="2..120")
    parser.add_argument(
        "--phones", type=int, default=20, help="sockets on the emulated rural link (≤ clients)"
    )
    parser.add_argument("--reorders", type=int, default=10, choices=range(1, 51), metavar="1..50")
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between the chair's actions")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.clients)))
        return 0
    if not 0.05 <= args.interval <= 5 or not 0 <= args.phones <= args.clients:
        parser.error("interval must be 0.05..5 s, phones 0..clients")
    data_dir = Path(tempfile.mkdtemp(prefix="floor-bench-"))
    try:
        return _compare(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _compare(args, data_dir: Path) -> int:
    python = sys.executable
    started = time.monotonic()
    prepared = subprocess.run(
        [python, __file__, "--prepare", str(data_dir), "--clients", str(max(args.clients, QUEUE))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    setup = json.loads(prepared.stdout.strip().splitlines()[-1])
    bare = Server(
        "bare",
        [python, "bench/bare_floor_server.py", str(port := free_port())],
        port,
        {},
        "/api/me",
        data_dir / "bare.log",
    )
    app = Server(
        "phonghop",
        [python, "wsgi.py"],
        free_port(),
        {"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"},
        "/api/me",
        data_dir / "phonghop.log",
    )
    print(
        f"floor bench: {args.clients} delegates' sockets + the hall screen in one meeting room; "
        f"{args.actions} chair actions, {args.reorders} reorders of a queue of {QUEUE}; {os.cpu_count()} CPUs"
    )
    rows = [_serve(bare, setup, args), _serve(app, setup, args)]
    columns = list(rows[0])
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row[c]).rjust(w) for c, w in zip(columns, widths, strict=True)))
    bare_row, app_row = rows
    verdicts = [
        (app_row["every_socket_got_every_delta"], "every socket got every delta"),
        (app_row["p99_ms"] <= P99_TARGET_MS, f"p99 {app_row['p99_ms']} ms <= {P99_TARGET_MS:g} ms"),
        (
            app_row["phone_p99_ms"] <= PHONE_P99_TARGET_MS,
            f"phones on the rural link (150 ms, 1.6 Mbit/s): p99 {app_row['phone_p99_ms']} ms "
            f"<= {PHONE_P99_TARGET_MS:g} ms",
        ),
        (app_row["max_delta_bytes"] <= 1024, f"largest delta {app_row['max_delta_bytes']} bytes <= 1024"),
        (
            app_row["reorder_delta_bytes"] <= 1024 and app_row["every_socket_got_every_delta"],
            f"reorder of {QUEUE}: one delta of {app_row['reorder_delta_bytes']} bytes with the new order",
        ),
    ]
    ratio = app_row["p99_ms"] / max(bare_row["p99_ms"], 0.1)
    print(
        f"ratio p99 phonghop / bare: {ratio:.2f} (p50 {app_row['p50_ms'] / max(bare_row['p50_ms'], 0.1):.2f})"
    )
    for ok, line in verdicts:
        print(("PASS  " if ok else "FAIL  ") + line)
    print(f"total time {time.monotonic() - started:.0f} s")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "floor_bench.json").write_text(
        json.dumps({"args": vars(args) | {"prepare": None}, "rows": rows}, indent=2, default=str)
    )
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
