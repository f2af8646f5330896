"""What one core buys: server CPU-seconds per login, comment delivery, page view and ballot.

One app process as a province runs it (gunicorn, deploy/gunicorn.conf.py, one gevent worker,
PostgreSQL in a throwaway cluster, the Redis message queue on) is given a steady load of known
size of each kind of work in turn, and the CPU the process tree spends on it is read from
/proc (gunicorn's master, its worker and the worker's PDF processes; the hashing threads are
the worker's threads). CPU spent stays meaningful on a machine busy with other work, where
latency does not: ops per CPU-second is what one core serves. PostgreSQL's and redis-server's
CPU over the same windows is reported beside it (the headroom they need).

1. logins: password logins over HTTP (`POST /api/login`, argon2id), `--login-concurrency` at a time;
2. deliveries: one document room of each `--rooms` size on sockets, `--senders` commenting at
   `--rate` each; a delivery is one `annotation:created` received by one other delegate;
3. page views: what the reader fetches for a page (`/pages/N/view`, `/paragraphs?page=N`, the
   block's glyph sheet once) of the 28-page report: first a cold first render (one reader alone),
   then `--readers` delegates reading every page with the server's caches warm;
4. ballots: `--voters` delegates in the meeting room, each casting `ballot:cast` in one open poll
   within `--vote-window` s (and, before, `meeting:join` in the same window).

Then the sizing model (bench/sizing_model.py) turns the costs into cores and processes for a
province morning and a vote, and the figures go to bench/out/sizing_bench.json.

    .venv/bin/python bench/sizing_bench.py [--logins 120] [--rooms 100,30] [--readers 30] [--voters 200]

Traffic goes to 127.0.0.1 only, bounded in clients, rate and time.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import requests
import sizing_model
from ballot_bench import _load as vote_load
from multiprocess_bench import (
    Entry,
    Redis,
    _login,
    one_document,
    server_errors,
    start_processes,
    stop_processes,
    tree_cpu_seconds,
)
from socket_bench import HOST, _percentile

ROOT = Path(__file__).resolve().parent.parent
READING = ROOT.parent / "shared" / "fixtures" / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"


# --- data ---------------------------------------------------------------------------------------


def add_reading_document(data_dir: Path, document_id: int) -> dict:
    """Run in a subprocess: the 28-page report beside meeting 0's document, for the readers."""
    os.environ.update({"DATA_DIR": str(data_dir), "PREWARM_PAGES": "0", "PDF_WORKERS": "1"})
    sys.path.insert(0, str(ROOT))
    from accounts.models import User
    from composition.app import create_app
    from core.extensions import db
    from documents.models import Document
    from documents.service import upload_document

    app = create_app()
    with app.app_context():
        secretary = User.query.filter_by(username="thuky").one()
        item_id = db.session.get(Document, document_id).agenda_item_id
        document = upload_document(
            secretary, item_id, READING.name, READING.read_bytes(), "Báo cáo", app.extensions["documents"]
        )
        result = {"document_id": document.id, "pages": document.page_count}
        db.session.commit()
        db.engine.dispose()
    app.extensions["documents"].pool.close()
    return result


def in_subprocess(module: str, function: str, database_url: str, data_dir: Path, *rest) -> dict:
    """`module.function(data_dir, *rest)` in a fresh interpreter on `database_url`; its JSON answer."""
    code = (
        f"import json, sys; from pathlib import Path; sys.path.insert(0, 'bench'); import {module}; "
        f"print(json.dumps({module}.{function}(Path({str(data_dir)!r}), *{rest!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- measuring ----------------------------------------------------------------------------------


class Meter:
    """CPU seconds of the app process tree, and of PostgreSQL and redis-server, over a window."""

    def __init__(self, server_pid: int, postmaster_pid: int, redis_pid: int):
        self.pids = server_pid, postmaster_pid, redis_pid

    def app(self) -> float:
        return tree_cpu_seconds(self.pids[0])

    def both(self) -> tuple[float, float]:
        return self.app(), with_reaped(self.pids[1]) + with_reaped(self.pids[2])


def with_reaped(pid: int) -> float:
    """The tree's CPU plus that of children already gone: a PostgreSQL backend that ends takes its
    CPU time out of the tree and into the postmaster's cutime/cstime."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return tree_cpu_seconds(pid) + (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def row(
    kind: str,
    op: str,
    count: int,
    cpu: tuple[float, float],
    latencies_ms: list[float],
    wall_s: float,
    **extra,
) -> dict:
    load = os.getloadavg()[0]
    app_s, backing_s = cpu
    return {
        "kind": kind,
        "op": op,
        "count": count,
        "server_cpu_s": round(app_s, 3),
        "ops_per_cpu_s": round(count / app_s, 2) if app_s > 0 else None,
        "cpu_ms_per_op": round(app_s * 1000 / count, 3) if count else None,
        "db_redis_cpu_ms_per_op": round(backing_s * 1000 / count, 3) if count else None,
        "wall_s": round(wall_s, 1),
        "p50_ms": round(_percentile(latencies_ms, 50), 1) if latencies_ms else None,
        "p99_ms": round(_percentile(latencies_ms, 99), 1) if latencies_ms else None,
        "load_1min": round(load, 1),
        "disturbed": load > (os.cpu_count() or 1),
        **extra,
    }


def measured(meter: Meter, work) -> tuple[object, tuple[float, float], float]:
    """Run `work()`; its result, the CPU it cost (app, PostgreSQL + Redis) and its wall time."""
    app0, backing0 = meter.both()
    started = time.monotonic()
    result = work()
    app1, backing1 = meter.both()
    return result, (app1 - app0, backing1 - backing0), time.monotonic() - started


def logins(meter: Meter, port: int, usernames: list[str], count: int, concurrency: int) -> dict:
    entry = Entry([port])
    names = [usernames[i % len(usernames)] for i in range(count)]

    def work():
        with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(lambda name: _login(entry, port, None, name), names))

    answers, cpu, wall = measured(meter, work)
    refused = sum(1 for token, _ in answers if token is None)
    if refused:
        print(f"  {refused} logins refused or failed")
    return row(
        "login", "login (password, argon2id)", count - refused, cpu, [ms for t, ms in answers if t], wall
    )


def _reader(port: int, token: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.headers.update({"Authorization": f"Bearer {token}", "Accept-Encoding": "br, gzip"})
    return session


def read_document(port: int, token: str, document: dict) -> list[float]:
    """Every page as the reader fetches it: the block's glyph sheet once, each page's view and layout."""
    base = f"http://{HOST}:{port}/api/documents/{document['document_id']}"
    times = []
    with _reader(port, token) as session:
        for block in range((document["pages"] - 1) // document["glyph_block_pages"] + 1):
            session.get(f"{base}/glyphs/{block}", timeout=120).raise_for_status()
        for number in range(1, document["pages"] + 1):
            started = time.monotonic()
            for path in (f"/pages/{number}/view", f"/paragraphs?page={number}"):
                response = session.get(base + path, timeout=120)
                response.raise_for_status()
                response.content  # noqa: B018  (read to the end, as the browser does)
            times.append((time.monotonic() - started) * 1000)
    return times


def page_views(meter: Meter, port: int, tokens: list[str], document: dict, readers: int) -> list[dict]:
    cold, cpu, wall = measured(meter, lambda: read_document(port, tokens[0], document))
    rows = [row("page_cold", "page view, cold first render", len(cold), cpu, cold, wall)]

    def work():
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(readers, 10)) as pool:
            runs = pool.map(lambda token: read_document(port, token, document), tokens[1 : readers + 1])
            return [ms for times in runs for ms in times]

    warm, cpu, wall = measured(meter, work)
    rows.append(row("page_warm", "page view, warm (view + layout + glyphs)", len(warm), cpu, warm, wall))
    return rows


def deliveries(meter: Meter, port: int, meeting: dict, redis: Redis, room: int, args) -> list[dict]:
    load = SimpleNamespace(
        clients=room, senders=min(args.senders, room), rate=args.rate, seconds=args.seconds
    )
    reads = []

    def cpu():  # one_document reads it before and after the joins, then around the comments
        reads.append(meter.both())
        return reads[-1][0]

    started = time.monotonic()
    run = asyncio.run(one_document([port], meeting, redis, load, cpu=cpu))
    joined_s = time.monotonic() - started - run.window_s
    incomplete = run.deliveries < run.expected or run.duplicates or run.disconnects
    if incomplete:
        print(f"  room {room}: {run.deliveries}/{run.expected} delivered, {run.duplicates} duplicates, "
              f"{run.disconnects} disconnects")  # fmt: skip
    (j0, jb0), (j1, jb1), (c0, cb0), (c1, cb1) = reads
    comments = (c1 - c0, cb1 - cb0)
    return [
        row(
            "join_document",
            f"connect + document:join (room {room})",
            room,
            (j1 - j0, jb1 - jb0),
            [],
            joined_s,
            room=room,
        ),
        row(
            "comment",
            f"comment, room of {room}",
            len(run.sent),
            comments,
            run.ack_ms,
            run.window_s,
            room=room,
        ),
        row(
            "delivery",
            f"delivery, room of {room}",
            run.deliveries,
            comments,
            run.latencies_ms,
            run.window_s,
            room=room,
            incomplete=f"{run.deliveries}/{run.expected}" if incomplete else None,
        ),
    ]


def ballots(meter: Meter, port: int, setup: dict, args) -> list[dict]:
    reads = []

    def cpu():  # _load reads it before and after the joins, then before and after the votes
        reads.append(meter.both())
        return reads[-1][0]

    result = asyncio.run(vote_load(setup, port, args.voting_s, 0.0, 18, cpu))
    (j0, jb0), (j1, jb1), (v0, vb0), (v1, vb1) = reads
    voted = len(result["ballot_ms"])
    refused = collections.Counter(ack.get("error") for ack in result["refused"])
    if refused:
        print(f"  ballots refused (the phone's outbox would send them again): {dict(refused)}")
    joins = result["join_ms"]
    return [
        row(
            "join_meeting", "meeting:join (vote page)", len(joins), (j1 - j0, jb1 - jb0), joins, args.voting_s
        ),
        row(
            "ballot", "ballot:cast", voted, (v1 - v0, vb1 - vb0), result["ballot_ms"], result["vote_window_s"]
        ),
    ]


# --- the run ------------------------------------------------------------------------------------


def postmaster_pid() -> int:
    from tests.pg_cluster import cluster

    return int((cluster().data / "postmaster.pid").read_text().split()[0])


def run(args, data_dir: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from storage.pdf.shared import GLYPH_BLOCK_PAGES
    from tests.pg_cluster import cluster

    started = time.monotonic()
    rooms = [int(n) for n in args.rooms.split(",") if n]
    main_url = cluster().create_database(prefix="sizing")
    vote_url = cluster().create_database(prefix="vote")
    (data_dir / "main").mkdir()
    (data_dir / "vote").mkdir()
    size = max([*rooms, args.readers + 1, 2])
    setup = in_subprocess("multiprocess_bench", "prepare", main_url, data_dir / "main", [size])
    meeting = setup["meetings"][0]
    reading = in_subprocess(
        "sizing_bench", "add_reading_document", main_url, data_dir / "main", meeting["document_id"]
    )
    reading["glyph_block_pages"] = GLYPH_BLOCK_PAGES
    vote = in_subprocess("ballot_bench", "prepare", vote_url, data_dir / "vote", args.voters)
    vote_secret = (data_dir / "vote" / "secret_key").read_text().strip()
    print(f"set-up {time.monotonic() - started:.0f} s; {_load()}")
    rows = []
    with Redis(data_dir / "redis") as redis:
        servers = start_processes(1, data_dir, redis, setup["secret_key"], "main", main_url)
        try:
            meter = Meter(servers[0].process.pid, postmaster_pid(), redis.process.pid)
            port = servers[0].port
            print("page views …")
            rows += page_views(meter, port, meeting["tokens"], reading, args.readers)
            for room in rooms:
                print(f"deliveries, room of {room} …")
                rows += deliveries(meter, port, meeting, redis, room, args)
            print("logins …")
            rows.append(logins(meter, port, meeting["usernames"], args.logins, args.login_concurrency))
        finally:
            stop_processes(servers)
        redis.flush()
        servers = start_processes(1, data_dir, redis, vote_secret, "vote", vote_url)
        try:
            print("ballots …")
            meter = Meter(servers[0].process.pid, postmaster_pid(), redis.process.pid)
            rows += ballots(meter, servers[0].port, vote, args)
        finally:
            stop_processes(servers)
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "rows": rows,
        "server_errors": server_errors(data_dir),
        "elapsed_s": round(time.monotonic() - started),
    }


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} CPUs"


def report(rows: list[dict]) -> None:
    columns = ["op", "count", "server_cpu_s", "ops_per_cpu_s", "cpu_ms_per_op", "db_redis_cpu_ms_per_op",
               "p50_ms", "p99_ms", "load_1min"]  # fmt: skip
    table = [[str(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(columns)]
    for cells, r in zip([columns, *table], [None, *rows], strict=True):
        notes = []
        if r and r["disturbed"]:
            notes.append("disturbed")
        if r and r.get("incomplete"):
            notes.append(f"delivered {r['incomplete']} in time")
        if r and r.get("refused"):
            notes.append(f"refused {r['refused']}")
        line = "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(cells, widths, strict=True))
        )
        print("  ".join([line, *notes]))
    print("(ops_per_cpu_s: what one core serves; p50/p99 wall-clock for reference only, 'disturbed' when "
          "the 1-minute load average exceeded the CPU count)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logins", type=int, default=120, choices=range(1, 1001), metavar="1..1000")
    parser.add_argument("--login-concurrency", type=int, default=4)
    parser.add_argument("--rooms", default="100,30", help="room sizes for the deliveries (each 2..300)")
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=1.0, help="comments per second per sender (<= 50)")
    parser.add_argument("--seconds", type=float, default=15.0, help="commenting time per room (<= 60)")
    parser.add_argument("--readers", type=int, default=30, choices=range(1, 201), metavar="1..200")
    parser.add_argument("--voters", type=int, default=200, choices=range(2, 2001), metavar="2..2000")
    parser.add_argument("--voting-s", type=float, default=10.0, help="s in which the voters vote")
    sizing_model.add_arguments(parser)
    args = parser.parse_args()
    if not all(2 <= int(n) <= 300 for n in args.rooms.split(",") if n):
        parser.error("rooms of 2..300")
    if not (0 < args.rate <= 50 and 0 < args.seconds <= 60 and 1 <= args.login_concurrency <= 64):
        parser.error("rate 0..50, seconds 0..60, login concurrency 1..64")
    if shutil.which("redis-server") is None:
        parser.error("redis-server is missing (Debian: redis-server; scripts/setup.sh dev)")
    data_dir = Path(tempfile.mkdtemp(prefix="sizing-bench-"))
    print(f"sizing bench: one app process (gunicorn, one gevent worker), PostgreSQL, Redis; {_load()}")
    try:
        results = run(args, data_dir)
    except BaseException:
        print(f"process logs kept in {data_dir}")
        raise
    shutil.rmtree(data_dir, ignore_errors=True)
    print()
    report(results["rows"])
    print(f"\nserver-side errors: {len(results['server_errors'])}")
    for line in results["server_errors"][:10]:
        print(f"  {line}")
    print(f"total time {results['elapsed_s']} s; {_load()}")
    model = sizing_model.model(results["rows"], args)
    print()
    print(sizing_model.markdown(model, args))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "sizing_bench.json").write_text(
        json.dumps({"args": vars(args), "command": " ".join(sys.argv), **results, "model": model}, indent=2)
    )
    return 1 if results["server_errors"] else 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
