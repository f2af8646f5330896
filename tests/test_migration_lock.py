"""Several nodes booting at the same moment against one fresh database migrate it once.

Real processes (`create_app()` as every node runs it), started together; on the PostgreSQL pass
against one fresh PostgreSQL database (the advisory lock), on the SQLite pass against one file
(the file lock). Each node logs the migrations it applied: each migration appears once in all.
"""

import os
import subprocess
import sys

from tests.databases import data_env
from tests.live_server import ROOT, wait_until

NODES = 4
# Each node imports everything first, says it is ready, and boots when the test says go.
BOOT = (
    "import logging, pathlib, sys, time; logging.basicConfig(level=logging.INFO, stream=sys.stdout); "
    "from composition.app import create_app; go = pathlib.Path(sys.argv[1]); "
    "pathlib.Path(sys.argv[2]).touch(); "
    "[time.sleep(0.005) for _ in iter(lambda: go.exists(), True)]; create_app()"
)


def test_nodes_booting_at_once_run_each_migration_once(tmp_path):
    database = data_env(tmp_path / "shared")
    go, nodes = tmp_path / "go", []
    for number in range(NODES):
        env = {**os.environ, **database, "PDF_WORKERS": "1", "PREWARM_PAGES": "0"}
        if "DATABASE_URL" in database:  # shared-nothing nodes: one database, a data directory each
            env["DATA_DIR"] = str(tmp_path / f"node{number}")
        nodes.append(
            subprocess.Popen(
                [sys.executable, "-c", BOOT, str(go), str(tmp_path / f"ready{number}")],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
    wait_until(lambda: all((tmp_path / f"ready{n}").exists() for n in range(NODES)), 120, "the nodes")
    go.touch()
    logs = [node.communicate(timeout=180)[0].decode() for node in nodes]
    assert [node.returncode for node in nodes] == [0] * NODES, "\n".join(logs)
    applied = [line for log in logs for line in log.splitlines() if "Running upgrade" in line]
    migrations = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    assert len(applied) == len(migrations), "\n".join(applied)
    assert len(set(applied)) == len(applied)
