"""What a second (and fourth) server process buys, all on one Redis, measured in the same run.

1. One document, 100 delegates: the delegates are spread evenly over 1, 2 and 4 processes
   (gunicorn, one gevent worker each, `SOCKETIO_MESSAGE_QUEUE` on one redis-server); 10 of them
   post comments at a fixed rate. Every comment must reach the 99 others exactly once. Reported:
   deliveries/s and p99 delivery latency, and both as ratios to one process.
2. A province morning: 30 meetings x 30 delegates arrive at once on `--morning-processes`
   processes, through the shipped nginx sample (TLS; `--via direct` skips it), each commune from
   its own address (127.0.<n>.1, passed on in X-Forwarded-For) with the login limits as shipped:
   each logs in with a password (HTTP), connects, joins their meeting's document and posts 2
   comments at random moments of the next minute (`--comment-window-s`) that reach their
   colleagues. A refused comment is sent again as the browser's outbox does (transient answers,
   same op_id, back-off) and the resends are counted apart. Reported: p99 of login, join and
   comment acks (from the first send), and of delivery, and every error (a refused login, a
   refused ack, a lost delivery, a drop).

    .venv/bin/python bench/multiprocess_bench.py [--seconds 15] [--rate 10] [--processes 1,2,4]
        [--meetings 30 --delegates 30 --morning-processes 2]
    .venv/bin/python bench/multiprocess_bench.py --processes '' --meetings 24 --delegates 25  # 600

The database is PostgreSQL by default, as a province deploys it: a throwaway cluster this run
starts and removes (tests/pg_cluster.py), one fresh copy of the prepared database per run;
`--database sqlite` shares one SQLite file in WAL mode instead. Every process keeps its log in
the run's folder, which is kept (and named) when anything went wrong; each server-side error is
printed with its cause. Every process and the load generator run on this machine, so with few cores the
processes compete with each other and with the generator for the same CPUs: the CPU count is
printed with the results. Traffic goes to 127.0.0.1 only, bounded in clients, rate and time.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import json
import os
import random
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from sio_client import Client
from socket_bench import Run, Server, _drain, _percentile, _send_comments, free_port

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "bench-only-password"
# Logins in flight at once (each a blocking HTTP request on a thread of the load generator).
LOGIN_THREADS = 64
# The browser outbox's answers worth sending again, and how often the bench tries (outbox.js).
TRANSIENT = {"server_busy", "internal_error", "timeout", "request_timeout", "rate_limited"}
OUTBOX_TRIES = 8


# --- data -------------------------------------------------------------------------------------


def prepare(
    data_dir: Path, sizes: list[int], all_tokens: bool = False, extend=None, pdf: Path | None = None
) -> dict:
    """Run in a subprocess: one published meeting per size, with that many delegates and one document.

    Tokens for meeting 0's delegates (every delegate's with `all_tokens`); the file `pdf` instead of
    the demo pack's second document; `extend(app, secretary, result)` adds what another bench needs in the
    same unit of work (bench/soak_bench.py: sittings).
    """
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
    result = {"meetings": []}
    with app.app_context():
        secretary = create_user(
            NewUser(username="thuky", password=PASSWORD, full_name="Thư ký", can_convene=True)
        )
        _, title, filename, data = demo_pack()[1]
        if pdf is not None:
            title, filename, data = pdf.stem, pdf.name, pdf.read_bytes()
        for m, delegates in enumerate(sizes):
            people = [
                User(
                    username=f"m{m}d{n}",
                    full_name=f"Đại biểu {n} kỳ họp {m}",
                    password_hash=secretary.password_hash,  # one hash: set-up time, not login time
                )
                for n in range(delegates)
            ]
            db.session.add_all(people)
            db.session.commit()
            meeting = create_meeting(
                secretary, NewMeeting(title=f"Kỳ họp xã số {m}", starts_at="2026-12-01T08:00:00", location="")
            )
            for person in people:
                add_member(secretary, meeting.id, NewMember(username=person.username, role="delegate"))
            item = add_agenda_item(secretary, meeting.id, NewAgendaItem(title="Tài liệu"))
            document = upload_document(secretary, item.id, filename, data, title, app.extensions["documents"])
            publish(secretary, meeting.id)
            paragraphs = [p.id for p in Paragraph.query.filter_by(document_id=document.id)]
            tokens = []
            if m == 0 or all_tokens:  # the one-document run connects with tokens; the morning logs in
                for person in people:
                    start_login(person, via="bench")
                    tokens.append(issue_token(person, app.config["SECRET_KEY"]))
            result["meetings"].append(
                {
                    "meeting_id": meeting.id,
                    "document_id": document.id,
                    "page_count": document.page_count,
                    "paragraph_ids": paragraphs,
                    "usernames": [p.username for p in people],
                    "tokens": tokens,
                }
            )
        if extend is not None:
            extend(app, secretary, result)
        db.session.commit()  # the last meeting's members, document and publication too
        db.engine.dispose()
    app.extensions["documents"].pool.close()
    result["secret_key"] = (data_dir / "secret_key").read_text().strip()
    return result


# --- servers ----------------------------------------------------------------------------------


class Redis:
    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory

    def __enter__(self):
        with (self.directory / "redis.log").open("wb") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
                 "--dir", str(self.directory)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 15
        while (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout
            != b"PONG\n"
        ):
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)
        return self

    def flush(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "flushall"], capture_output=True, check=True)

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants (gunicorn's worker, the PDF workers)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += tree_cpu_seconds(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def start_processes(
    count: int,
    data_dir: Path,
    redis: Redis,
    secret_key: str,
    tag: str,
    database_url: str,
    behind_nginx: bool = False,
) -> list[Server]:
    servers = []
    for index in range(count):
        port = free_port()
        node_dir = data_dir / f"{tag}-node{index}"
        node_dir.mkdir(exist_ok=True)
        env = {
            "DATA_DIR": str(node_dir),
            "DATABASE_URL": database_url,
            "SOCKETIO_MESSAGE_QUEUE": redis.url,
            "SECRET_KEY": secret_key,
            "AUTO_MIGRATE": "0",
            "PREWARM_PAGES": "0",
            "PDF_WORKERS": "1",
            "HOST": HOST,
            "WORKER_CONNECTIONS": "4000",
        }
        if behind_nginx:
            # Each commune arrives from its own address, which nginx passes on (X-Forwarded-For):
            # the login limits stay as shipped.
            env["TRUSTED_PROXY_COUNT"] = "1"
        else:
            # Straight to the processes, every delegate comes from 127.0.0.1.
            env.update(
                LOGIN_LIMIT_PER_ADDRESS="100000/minute",
                LOGIN_FAILURES_PER_ADDRESS="100000/minute",
                LOGIN_LIMIT_PER_ACCOUNT="100/minute",
            )
        command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        servers.append(Server(f"{tag}{index}", command, port, env, "/healthz", node_dir / "server.log"))
    for server in servers:
        server.__enter__()
    return servers


def stop_processes(servers: list[Server]) -> None:
    """SIGTERM, and time for gunicorn's graceful stop, before Server's own SIGKILL."""
    for server in servers:
        server.process.terminate()
    for server in servers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=40)
        server.__exit__(None, None, None)


async def _wait_subscribed(redis: Redis, count: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["redis-cli", "-p", str(redis.port), "pubsub", "numsub", "flask-socketio"],
            capture_output=True,
            text=True,
        ).stdout.split()
        if len(out) == 2 and int(out[1]) >= count:
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"fewer than {count} processes subscribed to the queue")


# --- 1. one document, 1/2/4 processes -----------------------------------------------------------


async def one_document(ports: list[int], meeting: dict, redis: Redis, args, cpu=None) -> Run:
    """`cpu`: a callable giving the servers' CPU seconds so far; the run then records what
    connecting and joining cost (`run.join_cpu_s`) and what the comments cost (`run.comments_cpu_s`)."""
    cpu = cpu or (lambda: 0.0)
    run = Run(f"{len(ports)} process(es)", args.clients)
    clients = [Client(i, run.on_event, run.on_disconnect) for i in range(args.clients)]
    cpu_before = cpu()
    for batch in range(0, len(clients), 20):
        await asyncio.gather(
            *(
                c.connect(HOST, ports[c.index % len(ports)], meeting["tokens"][c.index])
                for c in clients[batch : batch + 20]
            )
        )
    await _wait_subscribed(redis, len(ports))
    joins = await asyncio.gather(
        *(c.call("document:join", {"document_id": meeting["document_id"]}) for c in clients)
    )
    if not all(ack.get("ok") for ack in joins):
        raise SystemExit(f"join refused: {joins[0]}")
    run.join_cpu_s = cpu() - cpu_before
    senders = clients[: args.senders]
    start = time.monotonic() + 0.5
    await asyncio.gather(*(_send_comments(run, c, meeting, range(-1, 0), 1, start, 0) for c in senders))
    await _drain(run, timeout=10)
    run.sent.clear()
    run.deliveries, run.acked, run.latencies_ms, run.ack_ms = 0, 0, [], []
    for client in clients:
        client.seen.clear()
    start = time.monotonic() + 0.2
    count = int(args.rate * args.seconds)
    cpu_before = cpu()
    await asyncio.gather(
        *(
            _send_comments(run, c, meeting, range(count), args.rate, start, i / (args.rate * args.senders))
            for i, c in enumerate(senders)
        )
    )
    await _drain(run, timeout=30)
    run.comments_cpu_s = cpu() - cpu_before
    run.window_s = max(run.last_delivery - start, 1e-9)
    for client in clients:
        client.close()
    return run


# --- 2. a province morning ----------------------------------------------------------------------


class Entry:
    """Where the morning's tablets connect: the shipped nginx sample in front of the processes
    (TLS, each commune from its own address), or each process directly (all from 127.0.0.1)."""

    def __init__(self, ports: list[int], nginx=None):
        self.nginx = nginx
        self.ports = [nginx.https_port] if nginx else ports
        self.ssl = None
        if nginx:
            self.ssl = ssl.create_default_context(cafile=str(nginx.certificate))

    def url(self, port: int) -> str:
        return f"{'https' if self.nginx else 'http'}://{HOST}:{port}"

    def address(self, commune: int) -> str | None:
        """A commune's own address: 127.0.<n>.1 (all of 127/8 is loopback on Linux)."""
        return f"127.0.{commune + 1}.1" if self.nginx else None

    def session(self, address: str | None) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        if self.nginx:
            session.verify = str(self.nginx.certificate)
        if address:
            for prefix in ("http://", "https://"):
                session.mount(prefix, _FromAddress(address))
        return session


class _FromAddress(requests.adapters.HTTPAdapter):
    def __init__(self, address: str):
        self.address = address  # before the base class builds its pool
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Morning:
    def __init__(self) -> None:
        self.login_ms: list[float] = []
        self.join_ms: list[float] = []
        self.ack_ms: list[float] = []
        self.delivery_ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.resent: dict[str, int] = {}  # transient refusals the outbox sent again
        self.generator_lag_ms: list[float] = []  # how late the load generator's own loop ran
        self.ack_at: list[tuple[float, float]] = []  # (seconds into the comment window, ack ms)

        self.sent: dict[str, float] = {}
        self.expected = 0
        self.delivered = 0

    async def watch_generator(self) -> None:
        """A timer that should fire every 100 ms: how late it fires is time every latency measured
        here spent waiting in the load generator, not in the server."""
        while True:
            planned = time.monotonic() + 0.1
            await asyncio.sleep(0.1)
            self.generator_lag_ms.append(max(0.0, time.monotonic() - planned) * 1000)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def on_event(self, client: Client, name: str, data: dict, now: float) -> None:
        if name != "annotation:created":
            return
        key = data["body"].split(" ", 2)[1]
        sent = self.sent.get(key)
        # Counted for those who had joined when commenting began: the expected deliveries.
        if sent is not None and client.counted and not key.startswith(f"{client.index}:"):
            self.delivered += 1
            self.delivery_ms.append((now - sent) * 1000)

    def on_disconnect(self, _client: Client) -> None:
        self.error("connection dropped")


def _login(entry: Entry, port: int, address: str | None, username: str) -> tuple[str | None, float]:
    started = time.monotonic()
    try:
        with entry.session(address) as session:
            response = session.post(
                f"{entry.url(port)}/api/login", json={"username": username, "password": PASSWORD}, timeout=120
            )
    except requests.RequestException:
        return None, 0.0
    elapsed = (time.monotonic() - started) * 1000
    return (response.json().get("token") if response.status_code == 200 else None), elapsed


async def delegate_morning(
    morning, pool, client, entry, port, address, username, meeting, comments, window_s
) -> None:
    loop = asyncio.get_running_loop()
    token, login_ms = await loop.run_in_executor(pool, _login, entry, port, address, username)
    if token is None:
        morning.error("login refused or failed")
        return
    morning.login_ms.append(login_ms)
    try:
        await client.connect(HOST, port, token, ssl=entry.ssl, local_address=address)
    except (OSError, RuntimeError, asyncio.IncompleteReadError):
        morning.error("socket connect failed")
        return
    started = time.monotonic()
    try:
        ack = await asyncio.wait_for(
            client.call("document:join", {"document_id": meeting["document_id"]}), 60
        )
    except TimeoutError:
        morning.error("join not acked in 60 s")
        return
    if not ack.get("ok"):
        morning.error(f"join refused: {ack.get('error')}")
        return
    morning.join_ms.append((time.monotonic() - started) * 1000)
    client.joined = True
    await meeting["all_joined"].wait()
    # A delegate's comments come at a human pace: at random moments of the comment window.
    pace = random.Random(client.index)
    window_started = time.monotonic()
    moments = sorted(pace.uniform(0.5, max(0.5, window_s)) for _ in range(comments))
    for number, moment in enumerate(moments):
        await asyncio.sleep(max(0.0, window_started + moment - time.monotonic()))
        key = f"{client.index}:{number}"
        sent = time.monotonic()
        morning.sent[key] = sent
        morning.expected += meeting["joined"] - 1
        payload = {
            "op_id": uuid.uuid4().hex,
            "document_id": meeting["document_id"],
            "kind": "comment",
            "target": {
                "paragraph_id": meeting["paragraph_ids"][number % len(meeting["paragraph_ids"])],
                "quote": "",
            },
            "body": f"sáng {key} Ý kiến của đại biểu về dự thảo.",
            "visibility": "shared",
        }
        ack = await _send_as_the_outbox(morning, client, payload)
        if ack is None:
            continue
        if ack.get("ok"):
            morning.ack_ms.append((time.monotonic() - sent) * 1000)
            morning.ack_at.append((sent - window_started, morning.ack_ms[-1]))
        else:
            morning.error(f"comment refused: {ack.get('error')}")


async def _send_as_the_outbox(morning, client, payload) -> dict | None:
    """What the browser's outbox does (static/js/offline/outbox.js): a transient refusal is sent
    again, same op_id, after a doubling back-off with jitter; each resend is counted apart."""
    for failures in range(1, OUTBOX_TRIES + 1):
        try:
            ack = await asyncio.wait_for(client.call("annotation:create", payload), 60)
        except TimeoutError:
            morning.error("comment not acked in 60 s")
            return None
        if ack.get("ok") or ack.get("error") not in TRANSIENT or failures == OUTBOX_TRIES:
            return ack
        morning.resent[ack["error"]] = morning.resent.get(ack["error"], 0) + 1
        ceiling = min(30.0, 2 ** (failures - 1))
        await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)
    return None


async def province_morning(entry: Entry, setup: dict, redis: Redis, args) -> tuple[Morning, float]:
    morning = Morning()
    watcher = asyncio.create_task(morning.watch_generator())
    generator_cpu = time.process_time()
    meetings = setup["meetings"][: args.meetings]
    clients, tasks = [], []
    started = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=LOGIN_THREADS)
    try:
        index = 0
        for meeting in meetings:
            meeting["all_joined"] = asyncio.Event()
            meeting["joined"] = 0
        for commune, meeting in enumerate(meetings):
            for username in meeting["usernames"][: args.delegates]:
                client = Client(index, morning.on_event, morning.on_disconnect)
                client.joined = client.counted = False
                clients.append((client, meeting))
                port = entry.ports[index % len(entry.ports)]
                address = entry.address(commune)
                tasks.append(
                    asyncio.create_task(
                        delegate_morning(
                            morning,
                            pool,
                            client,
                            entry,
                            port,
                            address,
                            username,
                            meeting,
                            args.comments,
                            args.comment_window_s,
                        )
                    )
                )
                index += 1

        async def release_when_joined() -> None:
            # Meetings start commenting once everyone who could join has (or after the limit).
            deadline = time.monotonic() + args.morning_limit_s
            while time.monotonic() < deadline and not all(
                t.done() or c.joined for (c, _), t in zip(clients, tasks, strict=True)
            ):
                await asyncio.sleep(0.1)
            for client, _ in clients:
                client.counted = client.joined
            for meeting in meetings:
                meeting["joined"] = sum(1 for c, m in clients if m is meeting and c.joined)
                meeting["all_joined"].set()
            print(
                f"  {sum(c.joined for c, _ in clients)} joined after {time.monotonic() - started:.0f} s; "
                f"their comments over the next {args.comment_window_s:g} s"
            )

        await release_when_joined()
        _, unfinished = await asyncio.wait(tasks, timeout=args.morning_limit_s)
        for task in unfinished:  # still waiting for a login, a join or an ack: counted, not waited for
            task.cancel()
            morning.error(f"delegate not through within {args.morning_limit_s:g} s")
        deadline = time.monotonic() + 30
        while morning.delivered < morning.expected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # logins still queued are dropped
    elapsed = time.monotonic() - started
    watcher.cancel()
    morning.generator_cpu_s = time.process_time() - generator_cpu
    lost = morning.expected - morning.delivered
    if lost > 0:
        morning.errors["deliveries lost"] = lost
    for client, _ in clients:
        if getattr(client, "task", None) is not None:
            client.on_disconnect = lambda _c: None
            client.close()
    return morning, elapsed


# --- the run ------------------------------------------------------------------------------------


def _copy_database(data_dir: Path, template_url: str | None) -> str:
    """A fresh copy of the prepared database for each run: the same starting point every time."""
    if template_url is not None:
        from tests.pg_cluster import cluster, database_name

        return cluster().create_database(template=database_name(template_url), prefix="run")
    target = data_dir / "shared.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(data_dir / "phonghop.sqlite3")
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{target}"


def login_addresses(database_url: str) -> int:
    """How many addresses the app saw the morning's logins come from (one per commune behind nginx)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                sqlalchemy.text("SELECT count(DISTINCT address) FROM login_sessions WHERE address <> ''")
            )
    finally:
        engine.dispose()


def server_errors(data_dir: Path) -> list[str]:
    """Every error a server process logged, with its cause: the last line of each traceback."""
    found = []
    for log in sorted(data_dir.glob("*-node*/server.log")):
        lines = log.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines):
            if "ERROR" in line or "Traceback" in line:
                cause = next(
                    (
                        later
                        for later in lines[number + 1 : number + 80]
                        if later
                        and not later[0].isspace()
                        and not later.startswith(("Traceback", "The above", "During handling"))
                    ),
                    "",
                )
                found.append(f"{log.parent.name}: {line.strip()[:160]} <- {cause.strip()[:200]}")
    return found


def in_run_folder(prefix: str, body) -> int:
    """`body(folder)` in a new temporary folder, which is removed when it returns 0 and else kept
    (and named) with the process logs in it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    status = 1
    try:
        status = body(folder)
        return status
    finally:
        if status == 0:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"process logs kept in {folder}")


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100, choices=range(2, 301), metavar="2..300")
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10.0, help="comments per second per sender (<= 50)")
    parser.add_argument("--seconds", type=float, default=15.0, help="sending time per run (<= 60)")
    parser.add_argument(
        "--processes", default="1,2,4", help="process counts for the one-document run ('' to skip it)"
    )
    parser.add_argument("--meetings", type=int, default=30, choices=range(61), metavar="0..60")
    parser.add_argument("--delegates", type=int, default=30, choices=range(2, 61), metavar="2..60")
    parser.add_argument("--comments", type=int, default=2, help="comments per delegate in the morning")
    parser.add_argument(
        "--comment-window-s",
        type=float,
        default=60.0,
        help="each delegate's comments fall at random moments of this window after the meeting has joined",
    )
    parser.add_argument("--morning-processes", default="2", help="process counts for the morning")
    parser.add_argument("--morning-limit-s", type=float, default=600.0, help="bound on each morning phase")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument(
        "--via",
        choices=["nginx", "direct"],
        default="nginx",
        help="the morning through the shipped nginx sample (each commune from its own address), or direct",
    )
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare, [int(n) for n in args.sizes.split(",")])))
        return 0
    counts = [int(n) for n in args.processes.split(",") if n]
    morning_counts = [int(n) for n in args.morning_processes.split(",") if n]
    if not (1 <= args.senders <= args.clients and 0 < args.rate <= 50 and 0 < args.seconds <= 60):
        parser.error("senders must be 1..clients, rate 0..50, seconds 0..60")
    if not all(1 <= n <= 8 for n in counts + morning_counts):
        parser.error("1..8 processes")
    if shutil.which("redis-server") is None:
        parser.error("redis-server is missing (Debian: redis-server; scripts/setup.sh dev)")
    return in_run_folder("multiprocess-bench-", lambda data_dir: run(args, counts, morning_counts, data_dir))


def run(args, counts: list[int], morning_counts: list[int], data_dir: Path) -> int:
    started = time.monotonic()
    # Meeting 0 holds the one-document run's delegates (and is one of the morning's meetings).
    sizes = [max(args.clients, args.delegates)] + [args.delegates] * (args.meetings - 1)
    template_url = None
    env = dict(os.environ)
    sys.path.insert(0, str(ROOT))  # tests/: the throwaway cluster, the nginx sample's runner
    if args.database == "postgresql":
        from tests.pg_cluster import cluster

        template_url = cluster().create_database(prefix="bench")
        env["DATABASE_URL"] = template_url
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare", str(data_dir), "--sizes", ",".join(map(str, sizes))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if prepared.returncode != 0:
        raise SystemExit(prepared.stderr[-3000:])
    setup = json.loads(prepared.stdout.strip().splitlines()[-1])
    print(
        f"multiprocess bench: {os.cpu_count()} CPUs on this machine, shared by every server process, "
        f"redis-server and the load generator;\n{'PostgreSQL' if template_url else 'SQLite (WAL)'} shared by "
        "the processes; gunicorn, one gevent worker per process"
    )
    print(f"set-up {time.monotonic() - started:.0f} s; {_load()} (other work on this machine shows here)")
    results: dict = {"cpus": os.cpu_count(), "one_document": [], "morning": []}
    with Redis(data_dir / "redis") as redis:
        print(
            f"\n1. one document, {args.clients} delegates spread over the processes, "
            f"{args.senders} senders x {args.rate:g} comments/s for {args.seconds:g} s"
        )
        for count in counts:
            database_url = _copy_database(data_dir, template_url)
            redis.flush()
            servers = start_processes(
                count, data_dir, redis, setup["secret_key"], f"doc{count}", database_url
            )
            try:
                cpu_before = sum(tree_cpu_seconds(s.process.pid) for s in servers)
                measured = asyncio.run(
                    one_document([s.port for s in servers], setup["meetings"][0], redis, args)
                )
                cpu = sum(tree_cpu_seconds(s.process.pid) for s in servers) - cpu_before
            finally:
                stop_processes(servers)
            results["one_document"].append(
                {
                    "processes": count,
                    "sent": len(measured.sent),
                    "acked": measured.acked,
                    "delivered": measured.deliveries,
                    "expected": measured.expected,
                    "duplicates": measured.duplicates,
                    "disconnects": measured.disconnects,
                    "deliveries_per_s": round(measured.deliveries / measured.window_s),
                    "p50_ms": round(_percentile(measured.latencies_ms, 50), 1),
                    "p99_ms": round(_percentile(measured.latencies_ms, 99), 1),
                    "ack_p99_ms": round(_percentile(measured.ack_ms, 99), 1),
                    "server_cpu_s": round(cpu, 1),
                }
            )
        if results["one_document"]:
            _report_one_document(results["one_document"])

        for count in morning_counts if args.meetings else []:
            database_url = _copy_database(data_dir, template_url)
            redis.flush()
            print(
                f"\n2. a province morning on {count} process(es): {args.meetings} meetings x "
                f"{args.delegates} delegates log in, connect, join and post {args.comments} comments each, "
                "all at once, "
                + (
                    "through the nginx sample (TLS), communes from their own addresses, shipped login limits"
                    if args.via == "nginx"
                    else "straight to the processes from 127.0.0.1"
                )
            )
            behind_nginx = args.via == "nginx"
            servers = start_processes(
                count, data_dir, redis, setup["secret_key"], f"morning{count}", database_url, behind_nginx
            )
            nginx = None
            try:
                if behind_nginx:
                    from tests.cluster.nginx_server import Nginx

                    nginx = Nginx(data_dir / f"morning{count}-nginx", [s.port for s in servers])
                    nginx.start()
                entry = Entry([s.port for s in servers], nginx)
                cpu_before = sum(tree_cpu_seconds(s.process.pid) for s in servers)
                morning, elapsed = asyncio.run(province_morning(entry, setup, redis, args))
                cpu = sum(tree_cpu_seconds(s.process.pid) for s in servers) - cpu_before
            finally:
                if nginx is not None:
                    nginx.stop()
                stop_processes(servers)
            row = {
                "processes": count,
                "delegates": args.meetings * args.delegates,
                "elapsed_s": round(elapsed, 1),
                "logins": len(morning.login_ms),
                "login_threads": LOGIN_THREADS,
                "login_p50_ms": round(_percentile(morning.login_ms, 50)),
                "login_p99_ms": round(_percentile(morning.login_ms, 99)),
                "join_p99_ms": round(_percentile(morning.join_ms, 99)),
                "comments_acked": len(morning.ack_ms),
                "ack_p99_ms": round(_percentile(morning.ack_ms, 99)),
                "delivered": morning.delivered,
                "expected": morning.expected,
                "delivery_p99_ms": round(_percentile(morning.delivery_ms, 99)),
                "errors": morning.errors,
                "resent": morning.resent,
                "ack_p99_ms_by_10_s": [
                    round(_percentile(window, 99)) if window else None
                    for start in range(0, int(args.comment_window_s) + 10, 10)
                    for window in [[ms for at, ms in morning.ack_at if start <= at < start + 10]]
                ],
                "generator_cpu_s": round(morning.generator_cpu_s, 1),
                "generator_lag_p99_ms": round(_percentile(morning.generator_lag_ms, 99)),
                "server_cpu_s": round(cpu, 1),
                "via": args.via,
                "login_addresses": login_addresses(database_url),
            }
            results["morning"].append(row)
            for key, value in row.items():
                print(f"  {key:>16}: {value}")
    errors = server_errors(data_dir)
    results["server_errors"] = errors
    print(f"\nserver-side errors: {len(errors)} (a chained traceback counts once per link)")
    for line, times in collections.Counter(errors).most_common(20):
        print(f"  {times} x {line}")
    print(f"\ntotal time {time.monotonic() - started:.0f} s; {_load()}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "multiprocess_bench.json").write_text(json.dumps({"args": vars(args), **results}, indent=2))
    complete = all(r["delivered"] == r["expected"] and r["duplicates"] == 0 for r in results["one_document"])
    clean = all(not r["errors"] for r in results["morning"]) and not errors
    return 0 if complete and clean else 1


def _report_one_document(rows: list[dict]) -> None:
    base = rows[0]
    columns = ["processes", "sent", "acked", "delivered", "expected", "duplicates", "deliveries_per_s",
               "p50_ms", "p99_ms", "ack_p99_ms", "server_cpu_s", "throughput_x", "p99_x"]  # fmt: skip
    for row in rows:
        row["throughput_x"] = round(row["deliveries_per_s"] / max(base["deliveries_per_s"], 1), 2)
        row["p99_x"] = round(row["p99_ms"] / base["p99_ms"], 2) if base["p99_ms"] else float("nan")
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(str(row[c]).rjust(w) for c, w in zip(columns, widths, strict=True)))
    print(
        f"(ratios against {base['processes']} process: throughput_x = deliveries/s, "
        "p99_x = p99 delivery latency)"
    )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each result as soon as it is measured
    sys.exit(main())
