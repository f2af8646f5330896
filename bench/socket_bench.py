"""Live annotation under load: the real server against a bare Flask-SocketIO server, same machine, same run.

100 delegates open one document; 10 of them post 10 comments/s each. Every comment must reach
all 99 others exactly once; the real server's delivery throughput must be at least 0.7x the bare
server's (bench/bare_socket_server.py: join, ack, broadcast, nothing else) and its p99 latency at
most 2x the bare one's + 50 ms. Both run under gevent, as `python wsgi.py` does.

    .venv/bin/python bench/socket_bench.py [--seconds 20] [--no-gevent-websocket]

The load generator is one asyncio process speaking Engine.IO 4 / Socket.IO 5 over raw
websockets (lighter than a full client, so it leaves CPU to the server); it connects to
127.0.0.1 only, with bounded clients, rates and duration. Exit status 0 when every target passes.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sio_client import Client

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
THROUGHPUT_RATIO_MIN = 0.7
P99_FACTOR, P99_SLACK_MS = 2.0, 50.0
ACK_WAIT_S = 30.0


# --- the server side: data for the real server, starting and stopping servers -------------------


def prepare(data_dir: Path, clients: int) -> dict:
    """Run in a subprocess: a published meeting with `clients` delegates, one document, their tokens."""
    os.environ.update({"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"})
    sys.path.insert(0, str(ROOT))
    from accounts.models import User
    from accounts.schemas import NewUser
    from accounts.service import create_user, issue_token, start_login
    from composition.app import create_app
    from composition.demo_pack import demo_pack
    from core.extensions import db
    from documents.models import Paragraph
    from documents.service import upload_document
    from meetings.schemas import NewAgendaItem, NewMeeting, NewMember
    from meetings.service import add_agenda_item, add_member, create_meeting, publish

    app = create_app()
    with app.app_context():
        secretary = create_user(NewUser(username="thuky", password="bench-only", full_name="Thư ký"))
        # One password hash for all: hashing 100 passwords would be most of the set-up time.
        delegates = [
            User(username=f"daibieu{n}", full_name=f"Đại biểu {n}", password_hash=secretary.password_hash)
            for n in range(1, clients + 1)
        ]
        db.session.add_all(delegates)
        db.session.commit()
        meeting = create_meeting(
            secretary, NewMeeting(title="Kỳ họp đo tải", starts_at="2026-12-01T08:00:00", location="")
        )
        for delegate in delegates:
            add_member(secretary, meeting.id, NewMember(username=delegate.username, role="delegate"))
        item = add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Tài liệu"))
        _, title, filename, data = demo_pack()[1]
        document = upload_document(secretary, item.id, filename, data, title, app.extensions["documents"])
        publish(secretary, meeting.id)
        paragraphs = [p.id for p in Paragraph.query.filter_by(document_id=document.id)]
        tokens = []
        for delegate in delegates:  # a token names a login (accounts.models.LoginSession)
            start_login(delegate, via="bench")
            tokens.append(issue_token(delegate, app.config["SECRET_KEY"]))
        result = {"document_id": document.id, "paragraph_ids": paragraphs, "tokens": tokens}
        db.session.commit()  # the set-up is one unit of work (core/transactions.py)
        db.engine.dispose()
    app.extensions["documents"].pool.close()
    return result


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


class Server:
    def __init__(self, name: str, command: list[str], port: int, env: dict, probe: str, log: Path):
        self.name, self.command, self.port, self.env, self.probe, self.log = (
            name,
            command,
            port,
            env,
            probe,
            log,
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env={**os.environ, **self.env, "PORT": str(self.port)},
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while not _answers(f"http://{HOST}:{self.port}{self.probe}"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.name} did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        return self

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *_exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Run:
    """One server's measurement: what was sent, who got what, and when."""

    name: str
    clients: int
    sent: dict[tuple[int, int], float] = field(default_factory=dict)
    acked: int = 0
    refused: int = 0
    deliveries: int = 0
    duplicates: int = 0
    disconnects: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)
    last_delivery: float = 0.0
    window_s: float = 0.0
    generator_cpu_s: float = 0.0
    join_cpu_s: float = 0.0  # the servers' CPU, when the caller measures it
    comments_cpu_s: float = 0.0

    def on_disconnect(self, _client: Client) -> None:
        self.disconnects += 1

    def on_event(self, client: Client, name: str, data: dict, now: float) -> None:
        if name != "annotation:created":
            return
        _, sender, number, _ = data["body"].split(" ", 3)
        key = (int(sender), int(number))
        if key[0] == client.index:
            return  # the author's own devices get it too; the target counts the 99 others
        if key in client.seen:
            self.duplicates += 1
            return
        client.seen.add(key)
        if key in self.sent:
            self.deliveries += 1
            self.latencies_ms.append((now - self.sent[key]) * 1000)
            self.last_delivery = now

    @property
    def expected(self) -> int:
        return len(self.sent) * (self.clients - 1)


async def _send_comments(run, client, setup, numbers: range, rate, start, offset):
    """Open loop: comments leave on schedule whether or not the server has kept up."""
    paragraphs = setup["paragraph_ids"]
    pending = []
    for step, number in enumerate(numbers):
        await asyncio.sleep(max(0.0, start + offset + step / rate - time.monotonic()))
        sent_at = time.monotonic()
        run.sent[(client.index, number)] = sent_at
        future = client.call(
            "annotation:create",
            {
                "op_id": uuid.uuid4().hex,
                "document_id": setup["document_id"],
                "kind": "comment",
                "target": {"paragraph_id": paragraphs[number % len(paragraphs)], "quote": ""},
                "body": f"bench {client.index} {number} Ý kiến góp ý số {number} về đoạn văn này.",
                "visibility": "shared",
            },
        )
        future.add_done_callback(lambda f, t=sent_at: _count_ack(run, f, t))
        pending.append(future)
    await asyncio.wait(pending, timeout=ACK_WAIT_S)  # a server that falls behind is reported, not waited for


def _count_ack(run: Run, future: asyncio.Future, sent_at: float) -> None:
    if future.cancelled():
        return
    if future.result().get("ok"):
        run.acked += 1
        run.ack_ms.append((time.monotonic() - sent_at) * 1000)
    else:
        run.refused += 1


async def measure(name: str, port: int, setup: dict, args) -> Run:
    run = Run(name, args.clients)
    clients = [Client(i, run.on_event, run.on_disconnect) for i in range(args.clients)]
    tokens = setup["tokens"]
    for batch in range(0, len(clients), 20):
        await asyncio.gather(*(c.connect(HOST, port, tokens[c.index]) for c in clients[batch : batch + 20]))
    joins = await asyncio.gather(
        *(c.call("document:join", {"document_id": setup["document_id"]}) for c in clients)
    )
    if not all(ack.get("ok") for ack in joins):
        raise SystemExit(f"{name}: join refused: {joins[0]}")
    senders = clients[: args.senders]
    start = time.monotonic() + 0.5
    # A warm-up comment from each sender (numbered -1), forgotten once it has reached everyone.
    await asyncio.gather(*(_send_comments(run, c, setup, range(-1, 0), 1, start, 0) for c in senders))
    await _drain(run, timeout=10)
    run.sent.clear()
    run.deliveries, run.acked, run.latencies_ms, run.ack_ms = 0, 0, [], []
    for client in clients:
        client.seen.clear()
    start = time.monotonic() + 0.2
    cpu_before = time.process_time()
    await asyncio.gather(
        *(
            _send_comments(
                run,
                c,
                setup,
                range(int(args.rate * args.seconds)),
                args.rate,
                start,
                i / (args.rate * args.senders),
            )
            for i, c in enumerate(senders)
        )
    )
    await _drain(run, timeout=20)
    run.window_s = max(run.last_delivery - start, 1e-9)
    run.generator_cpu_s = time.process_time() - cpu_before
    for client in clients:
        client.close()
    return run


async def _drain(run: Run, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while run.deliveries < run.expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _row(run: Run, server_cpu: float) -> dict:
    return {
        "server": run.name,
        "sent": len(run.sent),
        "acked": run.acked,
        "refused": run.refused,
        "delivered": run.deliveries,
        "expected": run.expected,
        "duplicates": run.duplicates,
        "disconnects": run.disconnects,
        "deliveries_per_s": round(run.deliveries / run.window_s),
        "p50_ms": round(_percentile(run.latencies_ms, 50), 1),
        "p99_ms": round(_percentile(run.latencies_ms, 99), 1),
        "ack_p50_ms": round(_percentile(run.ack_ms, 50), 1),
        "ack_p99_ms": round(_percentile(run.ack_ms, 99), 1),
        "server_cpu_s": round(server_cpu, 1),
        "generator_cpu_s": round(run.generator_cpu_s, 1),
        "window_s": round(run.window_s, 1),
    }


def _serve(server: Server, setup: dict, args) -> dict:
    with server:
        cpu_before = server.cpu_seconds()
        run = asyncio.run(measure(server.name, server.port, setup, args))
        return _row(run, server.cpu_seconds() - cpu_before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100, choices=range(2, 301), metavar="2..300")
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10.0, help="comments per second per sender (≤ 50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="sending time per server (≤ 60)")
    parser.add_argument("--no-gevent-websocket", action="store_true", help="both servers on simple-websocket")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.clients)))
        return 0
    if not (1 <= args.senders <= args.clients and 0 < args.rate <= 50 and 0 < args.seconds <= 60):
        parser.error("senders must be 1..clients, rate 0..50, seconds 0..60")

    data_dir = Path(tempfile.mkdtemp(prefix="socket-bench-"))
    try:
        return _compare(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _compare(args, data_dir: Path) -> int:
    python = sys.executable
    started = time.monotonic()
    prepared = subprocess.run(
        [python, __file__, "--prepare", str(data_dir), "--clients", str(args.clients)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    setup = json.loads(prepared.stdout.strip().splitlines()[-1])
    hide = {"BENCH_NO_GEVENT_WEBSOCKET": "1"} if args.no_gevent_websocket else {}
    app_command = [python, "wsgi.py"]
    if args.no_gevent_websocket:
        app_command = [
            python,
            "-c",
            "import runpy, sys; sys.modules['geventwebsocket'] = None; "
            "runpy.run_path('wsgi.py', run_name='__main__')",
        ]
    bare = Server(
        "bare",
        [python, "bench/bare_socket_server.py", str(port := free_port())],
        port,
        hide,
        "/socket.io/?EIO=4&transport=polling",
        data_dir / "bare.log",
    )
    app = Server(
        "phonghop",
        app_command,
        free_port(),
        {**hide, "DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"},
        "/api/me",
        data_dir / "phonghop.log",
    )
    websocket = "simple-websocket" if args.no_gevent_websocket else "gevent-websocket"
    print(
        f"socket bench: {args.clients} clients in one document, {args.senders} senders x {args.rate:g} "
        f"comments/s for {args.seconds:g} s; gevent, websockets by {websocket}; {os.cpu_count()} CPUs"
    )
    rows = [_serve(bare, setup, args), _serve(app, setup, args)]
    _report(rows, args, time.monotonic() - started)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "socket_bench.json").write_text(
        json.dumps({"args": vars(args) | {"prepare": None}, "rows": rows}, indent=2, default=str)
    )
    return 0 if all(ok for ok, _ in _verdicts(*rows)) else 1


def _report(rows: list[dict], args, elapsed: float) -> None:
    columns = [
        "server",
        "sent",
        "acked",
        "delivered",
        "expected",
        "duplicates",
        "deliveries_per_s",
        "p50_ms",
        "p99_ms",
        "ack_p50_ms",
        "ack_p99_ms",
        "server_cpu_s",
        "generator_cpu_s",
    ]
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row[c]).rjust(w) for c, w in zip(columns, widths, strict=True)))
    for ok, line in _verdicts(*rows):
        print(("PASS  " if ok else "FAIL  ") + line)
    print(f"total time {elapsed:.0f} s")


def _verdicts(bare: dict, app: dict) -> list[tuple[bool, str]]:
    ratio = app["deliveries_per_s"] / max(bare["deliveries_per_s"], 1)
    p99_limit = P99_FACTOR * bare["p99_ms"] + P99_SLACK_MS
    complete = (
        app["acked"] == app["sent"]
        and app["delivered"] == app["expected"]
        and app["duplicates"] == 0
        and app["refused"] == 0
    )
    return [
        (
            complete,
            f"every comment acked and delivered to all others exactly once "
            f"({app['delivered']}/{app['expected']} deliveries, {app['duplicates']} duplicates)",
        ),
        (ratio >= THROUGHPUT_RATIO_MIN, f"throughput ratio {ratio:.2f} (>= {THROUGHPUT_RATIO_MIN})"),
        (
            app["p99_ms"] <= p99_limit,
            f"p99 latency {app['p99_ms']} ms (<= {P99_FACTOR:g} x {bare['p99_ms']} "
            f"+ {P99_SLACK_MS:g} = {p99_limit:.1f} ms)",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
