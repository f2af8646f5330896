"""A sitting's soak: a full hall for half an hour; memory, open files and connections stay flat.

300 delegates (10 meetings x 30) on 2 server processes (gunicorn, one gevent worker each, on one
redis-server, PostgreSQL) for 30 minutes, at a human pace (bench/soak_hall.py): each reads its
meeting's document (a page view every 15-60 s, with `presence:update`), comments now and then
(every 3 minutes on average), loses its link now and then (every 10 minutes on average, 3 % of the
time right after sending a comment or a ballot, before the ack) and comes back as the tablet does,
and votes in the polls its chair opens every 5 minutes and closes 45 s later.

Every `--sample-s` (30 s; 10 s in runs under 10 minutes) one line: each server process's resident
memory (with its children: the PDF worker) and open file descriptors, the database's connections
(pg_stat_activity), Redis's clients, and the window's p99 of comment acks, deliveries, page views,
ballot acks and rejoins, and its errors. At the end: nothing lost (every acked comment stored once
and received by every delegate of its document, live while joined or by the catch-up after a
reconnect; every acked ballot in its poll's tally, once), and the verdict: the growth of memory,
descriptors and connections fitted over the second half, and each p99 of the last third against
the first third.

    .venv/bin/python bench/soak_bench.py [--minutes 30] [--delegates 300] [--meetings 10]
        [--processes 2] [--database postgresql|sqlite]
    .venv/bin/python bench/soak_bench.py --minutes 3      # the short run, a few minutes

Exit status: 1 when anything was lost or any error happened (refusal, time-out, a link the server
dropped, a server-side error in a log), 2 when nothing was lost but something grew or slowed
beyond the tolerances printed with the verdict, else 0. Writes bench/out/soak_bench.json. All
traffic goes to 127.0.0.1; the load generator and the servers share this machine's CPUs.
The checks are in bench/soak_checks.py, the gauges and their fitted lines in bench/soak_gauges.py.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from multiprocess_bench import (
    Redis,
    _copy_database,
    _load,
    in_run_folder,
    prepare,
    server_errors,
    start_processes,
    stop_processes,
    tree_cpu_seconds,
)
from soak_checks import nothing_lost
from soak_gauges import Gauges, growth
from soak_hall import KINDS, Delegate, Hall, Pace, chair, http
from socket_bench import _percentile

ROOT = Path(__file__).resolve().parent.parent
# What a delegate reads: the 28-page report of the shared meeting pack (the demo pack's one-page
# document where the shared folder is absent). Every meeting uploads it: one page cache per process.
REPORT = ROOT.parent / "shared" / "fixtures" / "meeting" / "bao-cao-kinh-te-xa-hoi.pdf"
# Steady: the last third's p99 at most 1.5 x the first third's, or at most 50 ms above it; judged
# only with at least 20 measurements in each third.
P99_RATIO_MAX, P99_SLACK_MS, P99_MIN_N = 1.5, 50.0, 20
SHORT = {
    "comment ack": "ack",
    "delivery": "deliv",
    "page": "page",
    "ballot ack": "ballot",
    "rejoin": "rejoin",
}


# --- data ----------------------------------------------------------------------------------------


def open_sittings(app, secretary, result: dict) -> None:
    """In prepare's unit of work: each meeting's sitting open, every delegate present, a token for
    the secretary, who runs the polls (a meeting of no council: its delegates are the total)."""
    from accounts.models import User
    from accounts.service import issue_token, start_login
    from core.extensions import db
    from sittings import service
    from sittings.models import Attendance

    db.session.flush()
    for meeting in result["meetings"]:
        sitting = service.open_sitting(secretary, meeting["meeting_id"])
        people = User.query.filter(User.username.in_(meeting["usernames"])).all()
        db.session.add_all(
            Attendance(sitting_id=sitting.id, user_id=p.id, status="present", source="secretary")
            for p in people
        )
    start_login(secretary, via="bench")
    result["secretary"] = issue_token(secretary, app.config["SECRET_KEY"])


def _report() -> Path | None:
    return REPORT if REPORT.exists() else None


def window_stats(hall: Hall, since: float, until: float) -> dict:
    stats = {}
    for kind in KINDS:
        values = [ms for at, ms in hall.ledger.latency[kind] if since <= at < until]
        stats[kind] = {
            "n": len(values),
            "p50_ms": round(_percentile(values, 50), 1) if values else None,
            "p99_ms": round(_percentile(values, 99), 1) if values else None,
        }
    stats["errors"] = sum(1 for at, _ in hall.ledger.errors if since <= at < until)
    return stats


def _line(row: dict) -> str:
    def pair(values):
        return "/".join(f"{v:g}" for v in values)

    cells = [
        f"{row['t_s'] / 60:5.1f}",
        f"{pair(row['rss_mb']):>13}",
        f"{pair(row['fds']):>9}",
        f"{'-' if row['db'] is None else str(row['db']) + '/' + str(row['db_busy']):>6}",
        f"{row['redis']:>5}",
        f"{row['load1']:>5.1f}",
    ]
    for kind in KINDS:
        got = row.get(kind)
        cells.append(f"{'' if not got or got['p99_ms'] is None else round(got['p99_ms']):>6}")
    cells.append(f"{row.get('errors', ''):>6}")
    return " ".join(cells) + ("  " + row["phase"] if row.get("phase") else "")


HEADER = (
    "  min        RSS MB       fds     db redis  load "
    + " ".join(f"{SHORT[k]:>6}" for k in KINDS)
    + " errors\n"
    + " " * 51
    + "(p99 in ms of each window; RSS and fds per server process;\n"
    + " " * 51
    + " db: connections to the database / of them in a transaction or query)"
)


# --- the run ---------------------------------------------------------------------------------------


async def warm_up(setup: dict, ports: list[int]) -> float:
    """Each process makes the document's page views once, as PREWARM_PAGES does after an upload:
    the soak measures a hall at work, not each page's first reader."""
    meeting, started = setup["meetings"][0], time.monotonic()

    async def pages(port: int) -> None:
        for number in range(1, meeting["page_count"] + 1):
            path = f"/api/documents/{meeting['document_id']}/pages/{number}/view"
            status, _ = await http(port, "GET", path, setup["secretary"], compressed=True, timeout=120)
            if status != 200:
                raise SystemExit(f"warm-up: {path} answered HTTP {status}")

    await asyncio.gather(*(pages(port) for port in ports))
    return time.monotonic() - started


async def soak(setup: dict, servers, gauges: Gauges, args, pace: Pace) -> dict:
    hall = Hall(pace, args.seed)
    ports = [server.port for server in servers]
    meetings = setup["meetings"]
    for meeting in meetings:
        for token in meeting["tokens"]:
            index = len(hall.delegates)
            hall.delegates.append(Delegate(hall, index, meeting, ports[index % len(ports)], token))
    rng = random.Random(args.seed)
    duration = args.minutes * 60
    ramp = min(30.0, duration / 6)
    warm_s = await warm_up(setup, ports)
    print(f"warm-up: each process made the {meetings[0]['page_count']} page views once in {warm_s:.0f} s\n")
    rows = [{"t_s": 0.0, "phase": "idle, before the delegates arrive", **gauges.read()}]
    print(HEADER)
    print(_line(rows[0]))
    started = time.monotonic()
    cpu_before = [tree_cpu_seconds(server.process.pid) for server in servers], time.process_time()
    delegates = [asyncio.create_task(d.live(rng.uniform(0, ramp))) for d in hall.delegates]
    chairs = [
        asyncio.create_task(
            chair(
                hall,
                meeting,
                ports[m % len(ports)],
                setup["secretary"],
                ramp + m * pace.poll_every_s / len(meetings),
            )
        )
        for m, meeting in enumerate(meetings)
    ]
    for k in range(1, int(duration // args.sample_s) + 1):
        await asyncio.sleep(max(0.0, started + k * args.sample_s - time.monotonic()))
        since, until = started + (k - 1) * args.sample_s, started + k * args.sample_s
        row = {
            "t_s": k * args.sample_s,
            **await asyncio.to_thread(gauges.read),
            **window_stats(hall, since, until),
        }
        rows.append(row)
        print(_line(row))
    hall.stop()
    await asyncio.gather(*chairs)
    _, late = await asyncio.wait(delegates, timeout=120)
    for task in late:
        task.cancel()
        hall.ledger.error("a delegate still busy 120 s after the stop")
    for task in delegates:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()
    await asyncio.gather(*(d.finish(time.monotonic() + 90) for d in hall.delegates))
    cpu = [
        round(tree_cpu_seconds(server.process.pid) - before, 1)
        for server, before in zip(servers, cpu_before[0], strict=True)
    ]
    generator_cpu = round(time.process_time() - cpu_before[1], 1)
    lost = await nothing_lost(hall, meetings, ports[0], setup["secretary"])
    for delegate in hall.delegates:
        delegate.close()
    await asyncio.sleep(5)
    after = {
        "t_s": time.monotonic() - started,
        "phase": "idle, 5 s after every delegate left",
        **gauges.read(),
    }
    print(_line(after))
    return {
        "rows": rows,
        "after": after,
        "lost": lost,
        "errors": _tally(kind for _, kind in hall.ledger.errors),
        "counts": dict(hall.ledger.counts),
        "polls": {str(k): v for k, v in hall.ledger.polls.items()},
        "server_cpu_s": cpu,
        "generator_cpu_s": generator_cpu,
        "overall": {k: window_stats(hall, started, started + duration + 1)[k] for k in KINDS},
        "thirds": _thirds(hall, started, duration),
    }


def _tally(kinds) -> dict:
    counted: dict[str, int] = {}
    for kind in kinds:
        counted[kind] = counted.get(kind, 0) + 1
    return dict(sorted(counted.items(), key=lambda item: -item[1]))


def _thirds(hall: Hall, started: float, duration: float) -> dict:
    """Each p99 of the last third of the run against the first third's."""
    third = duration / 3
    found = {}
    for kind in KINDS:
        first = window_stats(hall, started, started + third)[kind]
        last = window_stats(hall, started + 2 * third, started + duration)[kind]
        if min(first["n"], last["n"]) < P99_MIN_N:
            continue
        first, last = first["p99_ms"], last["p99_ms"]
        ratio = round(last / first, 2) if first else None
        steady = (ratio is not None and ratio <= P99_RATIO_MAX) or last - first <= P99_SLACK_MS
        found[kind] = {"first_p99_ms": first, "last_p99_ms": last, "ratio": ratio, "steady": steady}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--minutes", type=float, default=30.0, help="length of the run (1..240; 3 for a short one)"
    )
    parser.add_argument("--delegates", type=int, default=300, choices=range(2, 601), metavar="2..600")
    parser.add_argument("--meetings", type=int, default=10, choices=range(1, 31), metavar="1..30")
    parser.add_argument("--processes", type=int, default=2, choices=range(1, 9), metavar="1..8")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--sample-s", type=float, help="seconds per window (30; 10 under 10 minutes)")
    parser.add_argument(
        "--poll-every-s", type=float, help="a poll per meeting this often (300; a third of a short run)"
    )
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        sizes = [int(n) for n in args.sizes.split(",")]
        print(json.dumps(prepare(args.prepare, sizes, all_tokens=True, extend=open_sittings, pdf=_report())))
        return 0
    if not 1 <= args.minutes <= 240 or args.delegates < 2 * args.meetings:
        parser.error("minutes 1..240, and at least 2 delegates per meeting")
    if shutil.which("redis-server") is None:
        parser.error("redis-server is missing (Debian: redis-server; scripts/setup.sh dev)")
    args.sample_s = args.sample_s or (30.0 if args.minutes >= 10 else 10.0)
    poll_every = args.poll_every_s or min(300.0, max(60.0, args.minutes * 60 / 3))
    poll_open = min(45.0, poll_every * 0.6)
    pace = Pace(poll_every_s=poll_every, poll_open_s=poll_open, vote_delay_s=(2.0, min(20.0, poll_open / 2)))
    return in_run_folder("soak-bench-", lambda data_dir: run(args, pace, data_dir))


def run(args, pace: Pace, data_dir: Path) -> int:
    started = time.monotonic()
    per, extra = divmod(args.delegates, args.meetings)
    sizes = [per + (1 if m < extra else 0) for m in range(args.meetings)]
    env, database_url = dict(os.environ), None
    if args.database == "postgresql":
        sys.path.insert(0, str(ROOT))
        from tests.pg_cluster import cluster

        database_url = env["DATABASE_URL"] = cluster().create_database(prefix="soak")
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
    database_url = database_url or _copy_database(data_dir, None)
    print(
        f"soak: {args.delegates} delegates in {args.meetings} meetings on {args.processes} process(es) "
        f"(gunicorn, one gevent worker each, one redis-server, {args.database}) for {args.minutes:g} min; "
        f"a poll per meeting every {pace.poll_every_s:g} s, open {pace.poll_open_s:g} s; "
        f"{os.cpu_count()} CPUs shared by the servers, PostgreSQL, Redis and the load generator"
    )
    print(f"set-up {time.monotonic() - started:.0f} s; {_load()} (other work on this machine shows here)\n")
    with Redis(data_dir / "redis") as redis:
        servers = start_processes(args.processes, data_dir, redis, setup["secret_key"], "soak", database_url)
        gauges = Gauges(servers, database_url, redis)
        try:
            result = asyncio.run(soak(setup, servers, gauges, args, pace))
        finally:
            gauges.close()
            stop_processes(servers)
    result["server_errors"] = server_errors(data_dir)
    result["growth"] = growth(result["rows"], args.minutes * 60)
    return report(args, pace, result, started)


def report(args, pace: Pace, result: dict, started: float) -> int:
    counts = result["counts"]
    print("\nactivity: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    overall = result["overall"].items()
    print(
        "whole run: "
        + "; ".join(f"{k} p50 {s['p50_ms']} / p99 {s['p99_ms']} ms (n={s['n']})" for k, s in overall)
    )
    print(
        f"CPU seconds: server processes {result['server_cpu_s']}, load generator {result['generator_cpu_s']}"
    )
    print(f"\nnothing lost: {'yes' if not result['lost'] else 'NO'}")
    for kind, n in result["lost"].items():
        print(f"  {n} {kind}")
    print(f"errors seen by the delegates: {sum(result['errors'].values())}")
    for kind, n in result["errors"].items():
        print(f"  {n} x {kind}")
    print(f"server-side errors in the logs: {len(result['server_errors'])}")
    for line in result["server_errors"][:20]:
        print(f"  {line}")
    print(
        "\nverdict, gauges over the second half (flat: what the fitted line adds stays within the larger of"
    )
    print("5 % of the mean and 8 MB RSS / 5 descriptors / 3 database connections / 3 Redis clients):")
    for name, g in result["growth"].items():
        verdict = "flat" if g["flat"] else "GROWING"
        print(f"  {name:>10}: {g['slope_per_min']:+.2f}/min, {g['added_over_second_half']:+.1f} over the "
              f"second half (allowed {g['allowed']:.1f}) -> {verdict}")  # fmt: skip
    print(f"verdict, p99 of the last third against the first (steady: at most {P99_RATIO_MAX}x, or at most "
          f"{P99_SLACK_MS:g} ms more; judged with {P99_MIN_N}+ measurements in each third):")  # fmt: skip
    for kind, t in result["thirds"].items():
        print(f"  {kind:>11}: {t['first_p99_ms']} -> {t['last_p99_ms']} ms = {t['ratio']}x "
              f"-> {'steady' if t['steady'] else 'SLOWER'}")  # fmt: skip
    print(f"\ntotal time {time.monotonic() - started:.0f} s; {_load()}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "soak_bench.json").write_text(
        json.dumps({"args": vars(args), "pace": vars(pace), "cpus": os.cpu_count(), **result}, indent=2)
    )
    if result["lost"] or result["errors"] or result["server_errors"]:
        return 1
    drift = not all(g["flat"] for g in result["growth"].values()) or not all(
        t["steady"] for t in result["thirds"].values()
    )
    return 2 if drift else 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each window as soon as it is measured
    sys.exit(main())
