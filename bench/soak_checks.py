"""Nothing lost, checked after bench/soak_bench.py's run against what the server stored.

Every acked comment stored once and known to every delegate of its document (live while joined,
or by the catch-up after a reconnect); the comments that must have arrived live on a connection
did; every acked ballot in its poll's tally, once, with one receipt however often it was resent.
"""

import asyncio
import collections
import json
import time

from soak_hall import LIVE_GRACE_S, Delegate, Hall, Op, comment_key, http


def live_misses(delegates: list[Delegate], comments: list[Op]) -> int:
    """Comments that should have arrived live on a connection and did not: sent after it joined,
    and acked more than LIVE_GRACE_S before it dropped (or at any time, on a connection still up)."""
    by_document: dict[int, list[Op]] = collections.defaultdict(list)
    for op in comments:
        if op.ack is not None:
            by_document[op.document_id].append(op)
    missed = 0
    for delegate in delegates:
        for window in delegate.windows:
            if window.joined_at is None:
                continue
            for op in by_document[delegate.document_id]:
                if op.first_sent > window.joined_at and (
                    window.dropped_at is None or op.acked_at + LIVE_GRACE_S < window.dropped_at
                ):
                    missed += op.ack["id"] not in window.live
    return missed


async def settle(delegates: list[Delegate], comments: list[Op], limit_s: float = 30.0) -> int:
    """Wait until the last deliveries have arrived (bounded), then count what did not."""
    deadline = time.monotonic() + limit_s
    await asyncio.sleep(2)
    while (missed := live_misses(delegates, comments)) and time.monotonic() < deadline:
        await asyncio.sleep(1)
    return missed


async def nothing_lost(hall: Hall, meetings: list[dict], port: int, token: str) -> dict:
    """Every acked comment stored once and known to every delegate of its document (live or by
    catch-up); every acked ballot in its poll's tally, once; nothing stored that was never acked."""
    ledger, lost = hall.ledger, collections.Counter()
    comments = list(ledger.comments.values())
    lost["comments that should have arrived live and did not"] = await settle(hall.delegates, comments)
    stored_ids: dict[int, set[int]] = {}
    stored_keys: collections.Counter = collections.Counter()
    for meeting in meetings:
        document_id = meeting["document_id"]
        status, body = await http(port, "GET", f"/api/documents/{document_id}/annotations?since=0", token)
        if status != 200:
            raise SystemExit(f"reading the stored comments: HTTP {status}")
        rows = json.loads(body)["annotations"]
        stored_ids[document_id] = {row["id"] for row in rows}
        stored_keys.update(comment_key(row) for row in rows)
    for op in comments:
        times = stored_keys[op.key]
        if op.ack is not None and times != 1:
            lost[f"acked comments stored {times} times"] += 1
        elif op.ack is None and times:
            lost["comments stored but never acked (the outbox gave up)"] += 1
        elif op.ack is None and op.refused is None:
            lost["comments never acked"] += 1
    for delegate in hall.delegates:
        missing = stored_ids[delegate.document_id] - delegate.known.keys()
        lost["comments a delegate never received (live or by catch-up)"] += len(missing)
    chosen: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for op in ledger.ballots:
        if op.ack is not None:
            chosen[op.poll_id][op.payload["choice"]] += 1
        elif op.refused is None:
            lost["ballots never acked"] += 1
        if len(set(op.receipts)) > 1:
            lost["ballots resent and given another receipt"] += 1
    for poll_id, poll in ledger.polls.items():
        status, body = await http(port, "GET", f"/api/polls/{poll_id}", token)
        detail = json.loads(body) if status == 200 else {}
        if detail.get("state") != "closed":
            lost["polls left open"] += 1
            continue
        counted = {c: detail["counts"][c] for c in ("for", "against", "abstain")}
        poll["counted"] = counted
        if counted != {c: chosen[poll_id][c] for c in counted}:
            lost["polls whose tally differs from the acked ballots"] += 1
    ledger.counts["comments acked"] = sum(op.ack is not None for op in comments)
    ledger.counts["ballots acked"] = sum(op.ack is not None for op in ledger.ballots)
    ledger.counts["polls"] = len(ledger.polls)
    return {kind: n for kind, n in lost.items() if n}
