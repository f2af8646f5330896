"""Several real app processes on one Redis and one database, as a province deployment runs them.

The database is one PostgreSQL database in the PostgreSQL pass (as in production), else one
SQLite file in WAL mode shared by the processes; each process has its own DATA_DIR, as each node
of a deployment has.
"""

import contextlib
import secrets
import sqlite3

import pytest

from tests.cluster.redis_server import RedisServer
from tests.databases import MARKER, ON_POSTGRESQL, cluster
from tests.live_server import LiveServer, make_demo_data, wait_until


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cluster_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cluster-demo")
    make_demo_data(data_dir)
    return data_dir


@pytest.fixture
def start_nodes(redis_server, cluster_template, tmp_path):
    """`start_nodes(n, **env)`: n processes sharing one database, one Redis and one SECRET_KEY (also
    with those of earlier calls in the same test)."""
    redis_server.client().flushall()
    database_url = _shared_database(cluster_template, tmp_path)
    # One key for every process of the test, however many calls start them: a browser's session
    # cookie signed by one process must open a socket on another after a failover.
    secret_key = secrets.token_hex(16)
    started: list[LiveServer] = []

    def start(count: int = 2, gunicorn: bool = False, **settings) -> list[LiveServer]:
        env = {
            "DATABASE_URL": database_url,
            "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
            "SECRET_KEY": secret_key,
            "AUTO_MIGRATE": "0",
            "PREWARM_PAGES": "0",
            **{key: str(value) for key, value in settings.items()},
        }
        nodes = []
        for index in range(count):
            node = LiveServer(
                cluster_template, tmp_path / f"node{len(started) + index}", env, gunicorn=gunicorn
            )
            started.append(node)
            node.start()
            nodes.append(node)
        return nodes

    yield start
    for node in started:
        node.stop()


def _shared_database(template, tmp_path) -> str:
    """A copy of the demo's database that every node of the test opens."""
    if ON_POSTGRESQL:
        from tests.pg_cluster import database_name

        source = database_name((template / MARKER).read_text())
        return cluster().create_database(template=source, prefix="nodes")
    database = tmp_path / "shared.sqlite3"
    with (
        contextlib.closing(sqlite3.connect(template / "phonghop.sqlite3")) as source,
        contextlib.closing(sqlite3.connect(database)) as copy,
    ):
        source.backup(copy)  # the committed pages, WAL included
    return f"sqlite:///{database}"


def wait_for_subscribers(redis_server: RedisServer, count: int) -> None:
    """A process subscribes to the queue once its first client connects; wait until all have."""
    wait_until(
        lambda: redis_server.subscribers() >= count, timeout=15, what=f"{count} processes on the queue"
    )
