"""A throwaway PostgreSQL cluster for the tests: Debian's `postgresql` binaries, a temporary data
directory, a free port on loopback and a unix socket beside it; gone when the run ends.

`initdb` refuses to run as root, so as root every server program runs as the `postgres` user
(`runuser`). Durability is switched off (fsync, synchronous_commit, full_page_writes): a test
database never outlives the run, and this keeps each test's `CREATE DATABASE` quick.
"""

import atexit
import contextlib
import itertools
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import psycopg

SEARCHED = [Path("/usr/local/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def _program(name: str) -> str:
    for folder in SEARCHED:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found: install Debian's postgresql (bash scripts/setup.sh dev)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One server; `create_database()` hands out databases, optionally copied from a template."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="phonghop-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        self._lock = threading.Lock()
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            _program("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(
            _program("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        atexit.register(self.stop)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120, cwd=self.root)

    @property
    def version(self) -> str:
        """The server's major version, as its data directory records it ("15")."""
        return (self.data / "PG_VERSION").read_text().strip()

    def program(self, name: str) -> str:
        """A client program of the server's own version (`/usr/lib/postgresql/15/bin/pg_dump`), not
        whichever one Debian's `pg_wrapper` would pick on a machine with several."""
        own = Path(f"/usr/lib/postgresql/{self.version}/bin") / name
        return str(own) if own.exists() else _program(name)

    def operator(self, command: str, **streams) -> subprocess.CompletedProcess:
        """`command` as the postgres user, as `runuser -u postgres -- COMMAND` runs it on a server.

        The command line is the runbook's, word for word; PGHOST and PGPORT name this cluster, as
        the default socket names a machine's only one. No controlling terminal, so a password
        prompt (`createuser -P`) reads `input`. `streams`: stdin/stdout files or `input` text.
        """
        name, *arguments = shlex.split(command)
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        env = {**os.environ, "PGHOST": str(self.root), "PGPORT": str(self.port), "PGUSER": "postgres"}
        done = subprocess.run(
            [*prefix, self.program(name), *arguments],
            timeout=120,
            env=env,
            cwd=self.root,
            start_new_session=True,
            stderr=subprocess.PIPE,
            text="input" in streams,
            **streams,
        )
        if done.returncode != 0:
            said = done.stderr if isinstance(done.stderr, str) else done.stderr.decode(errors="replace")
            raise RuntimeError(f"`{command}` failed ({done.returncode}): {said}")
        return done

    def url(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        login = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self, template: str | None = None, prefix: str = "test") -> str:
        """A new empty database (or a copy of `template`) and its SQLAlchemy URL."""
        with self._lock:
            name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name}{copy}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self._run(_program("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: Cluster | None = None


def cluster() -> Cluster:
    """The run's cluster, started on first use."""
    global _cluster
    if _cluster is None:
        _cluster = Cluster()
    return _cluster


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]
