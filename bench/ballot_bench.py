"""Votes under load: N delegates of one council vote within 10 s, 30 % of them dropping their link
after sending and resending the same ballot; every ballot must be counted exactly once.

Printed as ratios against baselines measured in the same run, on the same server:
- ack p99 of `ballot:cast` against the ack p99 of `meeting:join` (an authenticated socket event
  that reads the meeting), the same N clients, the same 10 s window;
- the tally at close (`POST /api/polls/<id>/close`: freeze entitled, present, counts, named list,
  hash chain) against a plain authenticated GET (`GET /api/polls/<id>`).
The issue's targets (ack p99 <= 300 ms on one process, tally <= 50 ms) are printed beside the
measured values; on a shared machine the ratios are what to compare between runs.

    .venv/bin/python bench/ballot_bench.py [--delegates 500] [--window 10] [--drop 0.3]

Every delegate's phone is also in the meeting's room (`meeting:join`), as the vote page is, so
the server also sends `poll:changed` to all of them; the bench waits (at most 5 s) until the last
count each phone saw says every delegate has voted, and says how many phones never saw it.

As a province deploys it: `--processes 2` (PostgreSQL + Redis unless `--database sqlite`) starts a
throwaway PostgreSQL cluster (tests/pg_cluster.py), a redis-server and that many gunicorn processes
(one gevent worker each) the way bench/multiprocess_bench.py does. Phone i connects straight to
process i mod n (no nginx); a phone that drops its link comes back on the next process, so its
resend lands on another process than its first send. The close and the GET go to the first process.
`--processes 1 --database postgresql` is the same start-up with one process: the one-process
figure to compare with. Exit status 0 when every ballot is counted once, every resend got the
same receipt, every phone saw the full count and no server process logged an error.

    .venv/bin/python bench/ballot_bench.py --processes 2 [--delegates 500]
    .venv/bin/python bench/ballot_bench.py --processes 1 --database postgresql
"""

import argparse
import asyncio
import collections
import contextlib
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from multiprocess_bench import _load as load_average
from multiprocess_bench import in_run_folder
from sio_client import Client
from socket_bench import HOST, Server, free_port

ROOT = Path(__file__).resolve().parent.parent
ACK_TARGET_MS, TALLY_TARGET_MS = 300.0, 50.0


def prepare(data_dir: Path, delegates: int) -> dict:
    """Run in a subprocess: a council of `delegates`, its meeting, an open sitting where all are
    present, an open poll, and a token for each delegate and for the secretary."""
    os.environ.update({"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"})
    sys.path.insert(0, str(ROOT))
    from accounts.models import User
    from accounts.schemas import NewUser
    from accounts.service import create_user, issue_token, start_login
    from composition.app import create_app
    from core.extensions import db
    from councils.models import Council, CouncilMember, CouncilOfficer
    from meetings.models import Membership
    from meetings.schemas import NewMeeting
    from meetings.service import create_meeting, publish
    from sittings import polls, service
    from sittings.models import Attendance
    from sittings.schemas import NewPoll

    app = create_app()
    with app.app_context():
        secretary = create_user(NewUser(username="thuky", password="bench-only", full_name="Thư ký"))
        people = [
            User(username=f"daibieu{n}", full_name=f"Đại biểu {n}", password_hash=secretary.password_hash)
            for n in range(1, delegates + 1)
        ]
        db.session.add_all(people)
        council = Council(name="Hội đồng nhân dân xã Đo Tải", place="Đo Tải")
        council.officers.append(CouncilOfficer(user=secretary))
        council.roster.extend(CouncilMember(user=person) for person in people)
        db.session.add(council)
        db.session.flush()
        meeting = create_meeting(
            secretary,
            NewMeeting(
                title="Kỳ họp đo tải", starts_at="2026-12-01T08:00:00", location="", council_id=council.id
            ),
        )
        db.session.add_all(Membership(meeting_id=meeting.id, user_id=p.id, role="delegate") for p in people)
        publish(secretary, meeting.id)
        sitting = service.open_sitting(secretary, meeting.id)
        db.session.add_all(
            Attendance(sitting_id=sitting.id, user_id=p.id, status="present", source="secretary")
            for p in people
        )
        poll = polls.create_poll(secretary, meeting.id, NewPoll(title="Nghị quyết đo tải"))
        polls.open_poll(secretary, poll.id)
        tokens = []
        for person in [secretary, *people]:
            start_login(person, via="bench")
            tokens.append(issue_token(person, app.config["SECRET_KEY"]))
        result = {
            "meeting_id": meeting.id,
            "poll_id": poll.id,
            "secretary": tokens[0],
            "tokens": tokens[1:],
            "secret_key": app.config["SECRET_KEY"],  # for the processes of `--processes n`
        }
        db.session.commit()
        db.engine.dispose()
    app.extensions["documents"].pool.close()
    return result


def _prepare_in_subprocess(data_dir: Path, delegates: int, database_url: str | None = None) -> dict:
    import subprocess

    env = {**os.environ, "DATABASE_URL": database_url} if database_url else None
    code = (
        "import json, sys; sys.path.insert(0, 'bench'); from ballot_bench import prepare; "
        f"print(json.dumps(prepare(__import__('pathlib').Path({str(data_dir)!r}), {delegates})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _http(method: str, url: str, token: str) -> tuple[float, dict]:
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    return (time.perf_counter() - started) * 1000, body


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class Phones:
    """What the phones received, by the process each was connected to when it came: `events` in
    all, `by_process[p][name]`, and the `voted` of the last open-poll `poll:changed` each phone saw
    on its current link (a phone that comes back after the last count has none: the vote page
    reads the sitting after its `meeting:join`, static/js/sitting/state.js)."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self.events: dict[str, int] = {}
        self.by_process: list[dict[str, int]] = [{} for _ in ports]
        self.last_voted: dict[int, int] = {}
        self.process_of: dict[int, int] = {}  # phone -> the process its last link went to
        self.connect_retries: collections.Counter = collections.Counter()  # why a connect was tried again
        self.resends: collections.Counter = collections.Counter()  # transient answers the outbox resent

    async def connect(self, index: int, process: int, token: str) -> Client:
        def on_event(_client, name, data, _now):
            self.events[name] = self.events.get(name, 0) + 1
            received = self.by_process[process]
            received[name] = received.get(name, 0) + 1
            if name == "poll:changed" and data.get("state") == "open":
                self.last_voted[index] = data.get("voted", 0)

        self.last_voted.pop(index, None)
        for attempt in itertools.count(1):
            client = Client(index, on_event, lambda _c: None)
            try:  # socket.io-client's 20 s connect time-out, then its reconnection's back-off
                await asyncio.wait_for(client.connect(HOST, self.ports[process], token), CONNECT_TIMEOUT_S)
                break
            except (TimeoutError, RuntimeError, ConnectionError) as error:
                if attempt == CONNECT_TRIES:
                    raise
                self.connect_retries[str(error)[:60] or type(error).__name__] += 1
                with contextlib.suppress(Exception):
                    client.writer.close()
                await asyncio.sleep(_backoff_s(attempt))
        self.process_of[index] = process
        return client

    def short_of(self, total: int) -> tuple[list[int], list[int]]:
        """Per process: the phones whose last count says fewer than `total` voted, and those that
        got no count on their current link."""
        short, unseen = [0 for _ in self.ports], [0 for _ in self.ports]
        for index, process in self.process_of.items():
            if index not in self.last_voted:
                unseen[process] += 1
            elif self.last_voted[index] != total:
                short[process] += 1
        return short, unseen


ACK_TIMEOUT_S = 15.0  # static/js/offline/outbox.js: no ack in 15 s, the outbox sends it again
# static/js/offline/outbox.js: answers worth sending again after a back-off (a busy server).
TRANSIENT = {"server_busy", "internal_error", "timeout", "request_timeout", "rate_limited"}
CONNECT_TIMEOUT_S, CONNECT_TRIES = 20.0, 6


def _backoff_s(failures: int) -> float:
    """outbox.js's backoffMs: doubling from 1 s up to 30 s, with jitter."""
    ceiling = min(30.0, 2.0 ** max(0, failures - 1))
    return ceiling / 2 + random.random() * ceiling / 2


async def _timed(
    client: Client, event: str, payload: dict, tries: int = 8, resends=None
) -> tuple[float, dict]:
    """Send until acknowledged, as the outbox does (again after no ack in 15 s, and after a
    transient answer, with its back-off); the time is from the first send to the ack."""
    started = time.monotonic()
    for attempt in range(1, tries + 1):
        try:
            ack = await asyncio.wait_for(client.call(event, payload), ACK_TIMEOUT_S)
        except TimeoutError:
            continue
        if ack.get("ok") or ack.get("error") not in TRANSIENT or attempt == tries:
            return (time.monotonic() - started) * 1000, ack
        if resends is not None:
            resends[f"{event} {ack.get('error')}"] += 1
        await asyncio.sleep(_backoff_s(attempt))
    return (time.monotonic() - started) * 1000, {"ok": False, "error": "no_ack"}


async def _load(setup: dict, ports: list[int], args, cpu, connected=None) -> dict:
    """Phone i on process i mod n; a phone that drops its link comes back on the next process.
    `connected`: awaited once every phone is connected (the processes' queue subscriptions)."""
    window, drop = args.window, args.drop
    rng = random.Random(args.seed)
    tokens, meeting_id, poll_id = setup["tokens"], setup["meeting_id"], setup["poll_id"]
    phones = Phones(ports)
    clients = []
    for start in range(0, len(tokens), 50):  # connect in batches: a hall's phones do not all open at once
        clients += await asyncio.gather(
            *(
                phones.connect(i, i % len(ports), tokens[i])
                for i in range(start, min(start + 50, len(tokens)))
            )
        )
    if connected is not None:
        await connected()

    # Baseline: every phone joins the meeting's room, spread over the same window.
    async def join(client: Client, offset: float):
        await asyncio.sleep(offset)
        return await _timed(client, "meeting:join", {"meeting_id": meeting_id}, resends=phones.resends)

    cpu_before = cpu()
    joins = await asyncio.gather(*(join(c, rng.uniform(0, window)) for c in clients))
    join_cpu = cpu() - cpu_before
    join_ms = [ms for ms, ack in joins if ack.get("ok")]

    # The vote: each phone sends one ballot; the droppers lose their link before the ack and resend.
    droppers = set(rng.sample(range(len(clients)), int(len(clients) * drop)))
    receipts: dict[int, list[str]] = {}

    async def vote(index: int, offset: float):
        await asyncio.sleep(offset)
        client = clients[index]
        ballot = {
            "op_id": uuid.uuid4().hex,
            "poll_id": poll_id,
            "choice": rng.choice(["for", "for", "against", "abstain"]),
        }
        if index in droppers:
            client.call("ballot:cast", ballot)
            await asyncio.sleep(0)  # the ballot has left; the link drops before its ack comes back
            client.close()
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            elsewhere = (phones.process_of[index] + 1) % len(ports)
            client = clients[index] = await phones.connect(index, elsewhere, tokens[index])
            await _timed(client, "meeting:join", {"meeting_id": meeting_id}, resends=phones.resends)
        ms, ack = await _timed(client, "ballot:cast", ballot, resends=phones.resends)
        receipts.setdefault(index, []).append(ack.get("receipt") if ack.get("ok") else ack.get("error"))
        if index in droppers:  # the outbox may send it yet again (a second lost ack): same answer
            _, again = await _timed(client, "ballot:cast", ballot, resends=phones.resends)
            receipts[index].append(again.get("receipt") if again.get("ok") else again.get("error"))
        return ms, ack, ballot["choice"]

    started, cpu_before = time.monotonic(), cpu()
    votes = await asyncio.gather(*(vote(i, rng.uniform(0, window)) for i in range(len(clients))))
    vote_window, vote_cpu = time.monotonic() - started, cpu() - cpu_before
    deadline = time.monotonic() + 5.0  # let the last poll:changed events arrive
    while sum(map(sum, phones.short_of(len(clients)))) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for client in clients:
        client.close()
    chosen = {"for": 0, "against": 0, "abstain": 0}
    for _ms, ack, choice in votes:
        if ack.get("ok"):
            chosen[choice] += 1
    return {
        "join_ms": join_ms,
        "ballot_ms": [ms for ms, ack, _ in votes if ack.get("ok")],
        "refused": [ack for _, ack, _ in votes if not ack.get("ok")],
        "consistent": all(len(set(r)) == 1 for r in receipts.values()),
        "chosen": chosen,
        "droppers": len(droppers),
        "vote_window_s": vote_window,
        "events": phones.events,
        "resends": dict(phones.resends),
        "connect_retries": dict(phones.connect_retries),
        "by_process": phones.by_process,
        "phones_by_process": [list(phones.process_of.values()).count(p) for p in range(len(ports))],
        "short_of_full_count": phones.short_of(len(clients))[0],
        "no_count": phones.short_of(len(clients))[1],
        "join_cpu_ms": join_cpu * 1000 / len(clients),
        "vote_cpu_ms": vote_cpu * 1000 / len(clients),
    }


def _measure(setup: dict, ports: list[int], args, cpu, connected=None) -> dict:
    """The vote on the phones, then the close's tally against a plain GET on the first process."""
    result = asyncio.run(_load(setup, ports, args, cpu, connected))
    base = f"http://{HOST}:{ports[0]}/api/polls/{setup['poll_id']}"
    result["get_ms"] = statistics.median(_http("GET", base, setup["secretary"])[0] for _ in range(20))
    result["close_ms"], result["closed"] = _http("POST", f"{base}/close", setup["secretary"])
    _, result["final"] = _http("GET", base, setup["secretary"])
    return result


def _on_wsgi(args, data_dir: Path, tmp: Path) -> dict:
    """The default run: one `python wsgi.py` on SQLite."""
    setup = _prepare_in_subprocess(data_dir, args.delegates)
    port = free_port()
    env = {"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1", "AUTO_MIGRATE": "0"}
    with Server("wsgi.py", [sys.executable, "wsgi.py"], port, env, "/healthz", tmp / "server.log") as srv:
        result = _measure(setup, [port], args, srv.cpu_seconds)
    result["stored"] = _stored(f"sqlite:///{data_dir / 'phonghop.sqlite3'}", setup["poll_id"])
    result["server_errors"] = []
    return result


def _on_processes(args, data_dir: Path) -> dict:
    """As a province deploys it: gunicorn processes on one redis-server and one database, started by
    bench/multiprocess_bench.py's code; the database a throwaway PostgreSQL cluster's."""
    from multiprocess_bench import (
        Redis,
        _copy_database,
        _wait_subscribed,
        server_errors,
        start_processes,
        stop_processes,
        tree_cpu_seconds,
    )

    database_url = None
    if args.database == "postgresql":
        sys.path.insert(0, str(ROOT))
        from tests.pg_cluster import cluster

        database_url = cluster().create_database(prefix="ballot")
    setup = _prepare_in_subprocess(data_dir, args.delegates, database_url)
    database_url = database_url or _copy_database(data_dir, None)
    with Redis(data_dir / "redis") as redis:
        servers = start_processes(
            args.processes, data_dir, redis, setup["secret_key"], "ballot", database_url
        )
        try:
            result = _measure(
                setup,
                [server.port for server in servers],
                args,
                lambda: sum(tree_cpu_seconds(server.process.pid) for server in servers),
                lambda: _wait_subscribed(redis, len(servers)),
            )
        finally:
            stop_processes(servers)
    result["stored"] = _stored(database_url, setup["poll_id"])
    result["server_errors"] = server_errors(data_dir)
    return result


def _stored(database_url: str, poll_id: int) -> tuple[int, int]:
    """The poll's ballot rows in the database, and how many delegates they belong to."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = "SELECT count(*), count(DISTINCT user_id) FROM ballots WHERE poll_id = :poll"
            rows, voters = connection.execute(sqlalchemy.text(query), {"poll": poll_id}).one()
    finally:
        engine.dispose()
    return rows, voters


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--drop", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        choices=range(1, 9),
        metavar="1..8",
        help="1: one `python wsgi.py` (on SQLite unless --database postgresql); more: gunicorn processes "
        "on one redis-server",
    )
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql"], help="sqlite for one process, else postgresql"
    )
    args = parser.parse_args()
    args.database = args.database or ("sqlite" if args.processes == 1 else "postgresql")
    deployed = args.processes > 1 or args.database == "postgresql"
    if deployed and shutil.which("redis-server") is None:
        parser.error("redis-server is missing (Debian: redis-server; scripts/setup.sh dev)")
    shape = (
        f"{args.processes} gunicorn process(es), one gevent worker each, on one redis-server, {args.database}"
        if deployed
        else "one `python wsgi.py`, SQLite"
    )
    print(f"{shape}; {os.cpu_count()} CPUs shared by the servers, the database and the load generator")
    print(f"{load_average()} before (other work on this machine shows here)")
    print(f"Preparing a council of {args.delegates} delegates …", flush=True)

    def measure(tmp: Path) -> int:
        data_dir = tmp / "data"
        data_dir.mkdir()
        return _report(args, _on_processes(args, data_dir) if deployed else _on_wsgi(args, data_dir, tmp))

    return in_run_folder("ballot-bench-", measure)


def _report(args, result: dict) -> int:
    counts = result["final"]["counts"]
    counted = {key: counts[key] for key in ("for", "against", "abstain")}
    rows, voters = result["stored"]
    once = (
        counted == result["chosen"]
        and sum(counted.values()) == args.delegates
        and rows == voters == args.delegates
        and result["consistent"]
    )
    ack_p99, join_p99 = p99(result["ballot_ms"]), p99(result["join_ms"])
    took = result["vote_window_s"]
    print(f"delegates {args.delegates}, window {args.window:.0f} s (votes took {took:.1f} s), "
          f"{result['droppers']} dropped their link and resent"
          + (" (on the next process)" if args.processes > 1 else ""))  # fmt: skip
    print(f"counted {counted} of chosen {result['chosen']}; refused {len(result['refused'])}; "
          f"resends got the same receipt: {result['consistent']}")  # fmt: skip
    print(f"ballot rows stored: {rows}, of {voters} delegates")
    print(f"transient answers sent again (as the outbox does): {result['resends'] or 'none'}; "
          f"connects tried again: {result['connect_retries'] or 'none'}")  # fmt: skip
    print(f"counted exactly once: {once}")
    print(f"poll:changed received by phones: {result['events'].get('poll:changed', 0)}")
    short, unseen = result["short_of_full_count"], result["no_count"]
    for process, received in enumerate(result["by_process"]):
        print(f"  process {process + 1}: {result['phones_by_process'][process]} phones at the end, "
              f"{received.get('poll:changed', 0)} poll:changed received, "
              f"{short[process]} phones whose last count is short of {args.delegates} voted, "
              f"{unseen[process]} came back after the last count")  # fmt: skip
    print(f"ack p99: ballot:cast {ack_p99:.1f} ms vs meeting:join {join_p99:.1f} ms "
          f"-> ratio {ack_p99 / join_p99:.2f} (target {ACK_TARGET_MS:.0f} ms)")  # fmt: skip
    join_cpu, vote_cpu = result["join_cpu_ms"], result["vote_cpu_ms"]
    print(f"server CPU per delegate: vote (with drops, resends) {vote_cpu:.1f} ms vs join {join_cpu:.1f} ms "
          f"-> ratio {vote_cpu / join_cpu:.2f}")  # fmt: skip
    close_ms, get_ms = result["close_ms"], result["get_ms"]
    print(f"tally at close: {close_ms:.1f} ms vs authenticated GET {get_ms:.1f} ms "
          f"-> ratio {close_ms / get_ms:.2f} (target {TALLY_TARGET_MS:.0f} ms)")  # fmt: skip
    print(result["closed"]["result_text"])
    errors = result["server_errors"]
    if args.processes > 1 or args.database == "postgresql":
        print(f"server-side errors in the logs: {len(errors)}")
        for line in errors[:20]:
            print(f"  {line}")
    print(f"{load_average()} after")
    return 0 if once and not sum(short) and not errors else 1


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
