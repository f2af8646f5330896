"""From measured CPU per operation to cores and processes for N delegates at once.

The demand of each kind of work is an assumption, and each is a flag (printed with the table):
a province morning is every delegate logging in, joining a document and commenting within the
same minutes while reading; a vote is every delegate casting a ballot within seconds while
the others keep reading. CPU demand (CPU-seconds per second = cores kept busy) is the rate times
the measured cost; app cores = the larger of the two peaks / the target utilisation, rounded up to
processes (one per core, docs/deploy.md section 5). PostgreSQL and Redis, measured over the same
windows, are sized the same way and stated separately; nginx is not measured here.

    .venv/bin/python bench/sizing_model.py bench/out/sizing_bench.json [--delegates 100,300] ...
"""

import argparse
import json
import math
import sys
from pathlib import Path

ASSUMPTIONS = (
    "login_window",
    "comments_each",
    "comment_window",
    "room",
    "page_every",
    "vote_window",
    "utilisation",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sizing model (assumptions)")
    group.add_argument("--delegates", default="100,300,600,1200,2400", help="delegates at once, per row")
    group.add_argument("--login-window", type=float, default=600.0, help="s in which every delegate logs in")
    group.add_argument("--comments-each", type=float, default=2.0, help="comments per delegate in the window")
    group.add_argument("--comment-window", type=float, default=600.0, help="s in which they comment")
    group.add_argument("--room", type=int, default=30, help="delegates in a document room (a commune)")
    group.add_argument("--page-every", type=float, default=20.0, help="s between two pages a delegate reads")
    group.add_argument("--vote-window", type=float, default=10.0, help="s in which all delegates vote")
    group.add_argument("--utilisation", type=float, default=0.6, help="target CPU utilisation of a core")
    group.add_argument("--check-morning", default="24x25",
                       help="multiprocess_bench morning to predict: MEETINGSxDELEGATES")  # fmt: skip


def costs(rows: list[dict]) -> dict:
    """Milliseconds of CPU per operation: app process tree, and PostgreSQL + Redis."""

    def one(kind: str) -> tuple[float, float]:
        found = [r for r in rows if r["kind"] == kind and r["count"]]
        if not found:
            return 0.0, 0.0
        best = max(found, key=lambda r: r["count"])
        return best["cpu_ms_per_op"], best["db_redis_cpu_ms_per_op"]

    comments = sorted((r["room"], r["cpu_ms_per_op"], r["db_redis_cpu_ms_per_op"]) for r in rows
                      if r["kind"] == "comment" and r["count"])  # fmt: skip
    return {
        "login": one("login"),
        "join_document": one("join_document"),
        "page_warm": one("page_warm"),
        "page_cold": one("page_cold"),
        "ballot": one("ballot"),
        "join_meeting": one("join_meeting"),
        "comment_fit": _fit(comments),
    }


def _fit(points: list[tuple[int, float, float]]) -> dict:
    """A comment costs a fixed part plus a part per delegate it reaches: a + b x (room - 1)."""
    if not points:
        return {"app": (0.0, 0.0), "backing": (0.0, 0.0)}
    if len(points) == 1:
        room, app, backing = points[0]
        return {"app": (0.0, app / (room - 1)), "backing": (backing, 0.0)}
    (r1, a1, b1), (r2, a2, b2) = points[0], points[-1]
    slope = (a2 - a1) / (r2 - r1)
    back_slope = (b2 - b1) / (r2 - r1)
    return {
        "app": (max(a1 - slope * (r1 - 1), 0.0), slope),
        "backing": (max(b1 - back_slope * (r1 - 1), 0.0), back_slope),
    }


def comment_cost(fit: dict, room: int) -> tuple[float, float]:
    (a, b), (c, d) = fit["app"], fit["backing"]
    return max(a + b * (room - 1), 0.0), max(c + d * (room - 1), 0.0)


def model(rows: list[dict], args) -> dict:
    c = costs(rows)
    comment = comment_cost(c["comment_fit"], args.room)
    table = []
    for n in [int(x) for x in args.delegates.split(",") if x]:
        rates = {
            "logins_per_s": n / args.login_window,
            "comments_per_s": n * args.comments_each / args.comment_window,
            "deliveries_per_s": n * args.comments_each / args.comment_window * (args.room - 1),
            "page_views_per_s": n / args.page_every,
            "ballots_per_s": n / args.vote_window,
        }
        demand = {}  # CPU seconds per second: cores kept busy
        for side in (0, 1):  # app, PostgreSQL + Redis
            morning = (
                rates["logins_per_s"] * (c["login"][side] + c["join_document"][side])
                + rates["comments_per_s"] * comment[side]
                + rates["page_views_per_s"] * c["page_warm"][side]
            ) / 1000
            vote = (
                rates["ballots_per_s"] * c["ballot"][side] + rates["page_views_per_s"] * c["page_warm"][side]
            ) / 1000
            demand[side] = {"morning": morning, "vote": vote}
        app_peak = max(demand[0].values())
        table.append(
            {
                "delegates": n,
                **{k: round(v, 2) for k, v in rates.items()},
                "app_cores_busy_morning": round(demand[0]["morning"], 2),
                "app_cores_busy_vote": round(demand[0]["vote"], 2),
                "processes": max(1, math.ceil(app_peak / args.utilisation)),
                "db_redis_cores_busy": round(max(demand[1].values()), 2),
                "db_redis_cores": max(1, math.ceil(max(demand[1].values()) / args.utilisation)),
            }
        )
    meetings, delegates = (int(x) for x in args.check_morning.split("x"))
    people = meetings * delegates
    predicted = (
        people * (c["login"][0] + c["join_document"][0])
        + people * args.comments_each * comment_cost(c["comment_fit"], delegates)[0]
    )
    return {
        "costs_ms": {k: v for k, v in c.items() if k != "comment_fit"},
        "comment_fit_ms": c["comment_fit"],
        "comment_in_room_ms": comment,
        "assumptions": {k: getattr(args, k) for k in ASSUMPTIONS},
        "table": table,
        "morning_check": {
            "meetings": meetings,
            "delegates": delegates,
            "predicted_server_cpu_s": round(predicted / 1000, 1),
        },
    }


def markdown(result: dict, args) -> str:
    c, a = result["costs_ms"], result["assumptions"]
    lines = [
        f"Assumptions: every delegate logs in (and joins a document) within {a['login_window']:g} s; "
        f"each comments {a['comments_each']:g} times in {a['comment_window']:g} s into a room of "
        f"{a['room']}; each reads a page every {a['page_every']:g} s (caches warm); a vote of all "
        f"delegates within {a['vote_window']:g} s while the pages keep being read; cores sized for "
        f"{a['utilisation']:.0%} utilisation. The morning and the vote are two peaks; the larger decides.",
        "",
        "| delegates | logins/s | comments/s (deliveries/s) | page views/s | ballots/s "
        "| app cores busy, morning | app cores busy, vote | **app processes** "
        "| PostgreSQL + Redis cores busy (cores at target) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["table"]:
        lines.append(
            f"| {r['delegates']} | {r['logins_per_s']:.2f} | {r['comments_per_s']:.2f} "
            f"({r['deliveries_per_s']:.0f}) | {r['page_views_per_s']:.1f} | {r['ballots_per_s']:.0f} "
            f"| {r['app_cores_busy_morning']:.2f} | {r['app_cores_busy_vote']:.2f} | **{r['processes']}** "
            f"| {r['db_redis_cores_busy']:.2f} ({r['db_redis_cores']}) |"
        )
    m = result["morning_check"]
    lines += [
        "",
        "Costs used (CPU ms per operation, app process tree / PostgreSQL + Redis): "
        + "; ".join(f"{k} {v[0]:.2f} / {v[1]:.2f}" for k, v in c.items())
        + f"; comment in a room of {a['room']} {result['comment_in_room_ms'][0]:.2f} / "
        f"{result['comment_in_room_ms'][1]:.2f}.",
        "",
        f"multiprocess_bench morning of {m['meetings']} x {m['delegates']}: predicted server CPU "
        f"{m['predicted_server_cpu_s']:g} s (logins, joins and comments; its `server_cpu_s`).",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", nargs="+", help="sizing_bench.json files; their costs are averaged")
    add_arguments(parser)
    args = parser.parse_args()
    runs = [json.loads(Path(path).read_text())["rows"] for path in args.results]
    rows = [
        dict(r, cpu_ms_per_op=sum(run[i]["cpu_ms_per_op"] or 0 for run in runs) / len(runs),
             db_redis_cpu_ms_per_op=sum(run[i]["db_redis_cpu_ms_per_op"] or 0 for run in runs) / len(runs))
        for i, r in enumerate(runs[0])
    ]  # fmt: skip
    print(markdown(model(rows, args), args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
