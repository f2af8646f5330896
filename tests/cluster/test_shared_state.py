"""What processes share in Redis, seen from two of them: upload turns and readers of a document."""

import pytest

from annotations.presence import SharedPresence
from core.cluster import RedisSlots
from core.errors import AppError
from tests.live_server import wait_until


def test_one_persons_uploads_count_together_on_every_process(redis_server):
    redis_server.client().flushall()
    on_a = RedisSlots(1, redis_server.client(), hold_s=60)
    on_b = RedisSlots(1, redis_server.client(), hold_s=60)
    busy = AppError("too_many_uploads", 429)

    with on_a.turn("user:7", busy):
        with pytest.raises(AppError) as refused, on_b.turn("user:7", busy):
            pass
        with on_b.turn("user:8", busy):  # someone else's upload is not held up
            pass
    assert refused.value.code == "too_many_uploads"
    with on_b.turn("user:7", busy):  # the first upload ended: a new one may start
        pass


def test_a_turn_taken_by_a_process_that_died_is_given_back_after_its_hold(redis_server):
    redis_server.client().flushall()
    dead = RedisSlots(1, redis_server.client(), hold_s=1)
    alive = RedisSlots(1, redis_server.client(), hold_s=1)
    assert dead._take("user:7")  # and never gives it back: the process was killed

    wait_until(lambda: alive._take("user:7"), timeout=10, what="the dead process's turn to expire")


def test_readers_on_a_process_that_died_leave_the_list_once_its_heartbeat_stops(redis_server):
    redis_server.client().flushall()
    killed = SharedPresence(redis_server.client(), host_ttl_s=0.5)
    surviving = SharedPresence(redis_server.client(), host_ttl_s=30)
    killed.enter(4, "sid-on-killed", 1, "Lường Thị Mai")

    assert [u["user_id"] for u in surviving.enter(4, "sid-on-surviving", 2, "Ma Văn Dũng")] == [1, 2]
    # The killed process beat once and never again; the next page turn no longer lists its reader.
    wait_until(
        lambda: [u["user_id"] for u in surviving.move(4, "sid-on-surviving", 3)] == [2],
        timeout=10,
        what="the dead process's reader to leave",
    )
