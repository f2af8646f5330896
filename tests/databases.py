"""Which database the suite runs on: SQLite files (default) or, with `TEST_DATABASE=postgresql`,
databases in a throwaway PostgreSQL cluster the run starts itself (tests/pg_cluster.py).

A data directory made for a test names its PostgreSQL database in a `database_url` file, so
the helpers that copy a data directory (a live server started from a demo template) copy its
database too, with `CREATE DATABASE ... TEMPLATE`.
"""

import os
import shutil
from pathlib import Path

ON_POSTGRESQL = os.environ.get("TEST_DATABASE", "sqlite").lower() in ("postgresql", "postgres", "pg")
MARKER = "database_url"


def cluster():
    from tests.pg_cluster import cluster as started

    return started()


def data_env(data_dir: Path) -> dict[str, str]:
    """The environment a process needs to use this data directory (and, on PostgreSQL, its database)."""
    env = {"DATA_DIR": str(data_dir)}
    if ON_POSTGRESQL:
        marker = Path(data_dir) / MARKER
        if not marker.exists():
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            marker.write_text(cluster().create_database(prefix="data"))
        env["DATABASE_URL"] = marker.read_text()
    return env


def copy_data_dir(template: Path, data_dir: Path) -> None:
    """A copy of a data directory, with a copy of its database."""
    shutil.copytree(template, data_dir)
    marker = Path(template) / MARKER
    if ON_POSTGRESQL and marker.exists():
        from tests.pg_cluster import database_name

        url = cluster().create_database(template=database_name(marker.read_text()), prefix="copy")
        (Path(data_dir) / MARKER).write_text(url)
