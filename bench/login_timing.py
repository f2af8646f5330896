"""A wrong password and an unknown username take the same time to refuse (no username oracle).

    .venv/bin/python bench/login_timing.py [--tries 15]

Logs in through the app (test client, production password hashing) alternately as an unknown
user and as a known user with a wrong password; prints both medians and their ratio. Exit
status 0 when the ratio is within 0.75..1.33.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=15, choices=range(3, 101), metavar="3..100")
    args = parser.parse_args()
    os.environ.update({"DATA_DIR": tempfile.mkdtemp(prefix="login-timing-"), "PDF_WORKERS": "1"})
    os.environ["RATELIMIT_ENABLED"] = "0"  # the per-account limit would answer 429 after 10 tries
    sys.path.insert(0, str(ROOT))
    from accounts.schemas import NewUser
    from accounts.service import create_user
    from composition.app import create_app
    from core.extensions import db

    app = create_app()
    with app.app_context():
        create_user(NewUser(username="daibieu1", password="matkhau123"))
        db.session.commit()
        client = app.test_client()

        def refused_ms(username: str, password: str) -> float:
            started = time.perf_counter()
            answer = client.post("/api/login", json={"username": username, "password": password})
            assert answer.status_code == 401, answer.status_code
            return (time.perf_counter() - started) * 1000

        refused_ms("khongco", "x")  # warm-up: the dummy hash is made on first use
        unknown, wrong = [], []
        for n in range(args.tries):
            unknown.append(refused_ms(f"khongco{n}", "sai-mat-khau"))
            wrong.append(refused_ms("daibieu1", f"sai-mat-khau-{n}"))
    app.extensions["documents"].pool.close()
    ratio = statistics.median(wrong) / statistics.median(unknown)
    print(
        f"unknown user: median {statistics.median(unknown):.0f} ms; wrong password: median "
        f"{statistics.median(wrong):.0f} ms; ratio {ratio:.2f}"
    )
    return 0 if 0.75 <= ratio <= 1.33 else 1


if __name__ == "__main__":
    sys.exit(main())
