"""What bench/soak_bench.py reads on the servers every window, and whether it grew.

Each server process's resident memory and open descriptors with its children (gunicorn's master,
its worker, the worker's PDF process), the database's connections (and how many are inside a
transaction or a query, i.e. held rather than pooled), Redis's clients; then a line fitted to each
over the run's second half.
"""

import os
import statistics
from pathlib import Path

from multiprocess_bench import Redis

# Flat: what the line fitted over the second half adds across it stays within the larger of a share
# of the mean and an absolute amount.
TOLERANCE = {"rss_mb": (0.05, 8.0), "fds": (0.05, 5.0), "db": (0.0, 3.0), "redis": (0.05, 3.0)}


def _tree(pid: int) -> list[int]:
    """A process and its descendants (gunicorn's master, its worker, the worker's PDF process)."""
    found = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += _tree(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return 0


class Gauges:
    """Each server process's memory and descriptors, the database's connections, Redis's clients."""

    def __init__(self, servers, database_url: str, redis: Redis) -> None:
        import redis as redis_client

        self.pids = [server.process.pid for server in servers]
        self.pg = None
        if database_url.startswith("postgresql"):
            import psycopg

            self.pg = psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True)
        self.redis = redis_client.Redis(host="127.0.0.1", port=redis.port)

    def read(self) -> dict:
        trees = [_tree(pid) for pid in self.pids]
        db = db_busy = None
        if self.pg is not None:  # the bench's own connection left out
            db, db_busy = self.pg.execute(
                "SELECT count(*), count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        return {
            "rss_mb": [round(sum(_rss_kb(p) for p in tree) / 1024, 1) for tree in trees],
            "fds": [sum(_fds(p) for p in tree) for tree in trees],
            "db": db,
            "db_busy": db_busy,  # in a transaction or a query: held, not just pooled
            "redis": self.redis.info("clients")["connected_clients"] - 1,
            "load1": round(os.getloadavg()[0], 2),
        }

    def close(self) -> None:
        if self.pg is not None:
            self.pg.close()
        self.redis.close()


def _slope_per_min(points: list[tuple[float, float]]) -> float:
    xs, ys = [x / 60 for x, _ in points], [y for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def growth(rows: list[dict], duration: float) -> dict:
    """Each gauge's line over the second half: the slope per minute, what it adds across the second
    half, and whether that stays within TOLERANCE."""
    half = [row for row in rows[1:] if row["t_s"] >= duration / 2]
    series: dict[str, list[tuple[float, float]]] = {}
    for row in half:
        for gauge in ("rss_mb", "fds"):
            for process, value in enumerate(row[gauge]):
                series.setdefault(f"{gauge}[{process}]", []).append((row["t_s"], value))
        for gauge in ("db", "redis"):
            if row[gauge] is not None:
                series.setdefault(gauge, []).append((row["t_s"], row[gauge]))
    found = {}
    for name, points in series.items():
        if len(points) < 3:
            continue
        slope = _slope_per_min(points)
        added = slope * (points[-1][0] - points[0][0]) / 60
        share, absolute = TOLERANCE[name.split("[")[0]]
        allowed = max(share * statistics.fmean(v for _, v in points), absolute)
        found[name] = {
            "slope_per_min": round(slope, 3),
            "added_over_second_half": round(added, 2),
            "allowed": round(allowed, 2),
            "flat": added <= allowed,
        }
    return found
