"""The shipped nginx sample (deploy/nginx/phonghop.conf) run for real on loopback, in front of two
app processes: only addresses, certificate and paths are rewritten, every directive is kept."""

import getpass
import os
import re
import shutil
import subprocess
from pathlib import Path

import requests

from tests.live_server import ROOT, free_port, wait_until

SAMPLE = ROOT / "deploy" / "nginx" / "phonghop.conf"
SAMPLE_PORTS = ("5001", "5002")
# What docs/deploy.md ("nginx") tells a province to set in /etc/nginx/nginx.conf: every live tablet
# holds two connections in nginx (its own and the one to the process); Debian's 768 per worker
# refused logins from about the 250th delegate of a morning (bench/multiprocess_bench.py).
MAIN_CONTEXT = "worker_processes auto;\nworker_rlimit_nofile 16384;\nevents { worker_connections 8192; }"


class Nginx:
    def __init__(self, directory: Path, app_ports: list[int]):
        """Two processes as the sample names them; one process stands in for both."""
        self.directory = directory
        self.app_ports = app_ports * 2 if len(app_ports) == 1 else app_ports
        self.https_port, self.http_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.certificate = directory / "cert.pem"
        self.process: subprocess.Popen | None = None

    def _site(self) -> str:
        site = SAMPLE.read_text()
        for sample_port, port in zip(SAMPLE_PORTS, self.app_ports, strict=True):
            site = re.sub(rf"127\.0\.0\.1:{sample_port}\b", f"127.0.0.1:{port}", site)
        replacements = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "/etc/ssl/phonghop/fullchain.pem": str(self.certificate),
            "/etc/ssl/phonghop/privkey.pem": str(self.directory / "key.pem"),
            "/etc/nginx/phonghop-build.conf": str(self.directory / "build.conf"),
            "/var/log/nginx/": f"{self.directory}/",
            "root /opt/phonghop/app/static;": f"root {ROOT / 'static'};",
        }
        for old, new in replacements.items():
            assert old in site, f"the nginx sample no longer has {old!r}"
            site = site.replace(old, new)
        directives = "\n".join(line for line in site.splitlines() if not line.strip().startswith("#"))
        # Whole port numbers only: a free port the test was given (50012) starts like a sample's (5001).
        stray = re.search(r"127\.0\.0\.1:500\d\b", directives)
        assert stray is None, "the sample names a process the test does not start"
        return site

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.directory / "key.pem"), "-out", str(self.certificate)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        subprocess.run(
            ["bash", str(ROOT / "deploy" / "nginx-build-id.sh"), str(self.directory / "build.conf")],
            env={"APP_DIR": str(ROOT), "PATH": "/usr/bin:/bin"},
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        (self.directory / "site.conf").write_text(self._site())
        # Started as root (CI), nginx's workers drop to `nobody`, who cannot read a checkout in a
        # private temporary folder; they keep the tests' own user instead.
        worker_user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
        (self.directory / "nginx.conf").write_text(
            f"{worker_user}daemon off;\npid {self.directory}/nginx.pid;\n"
            f"error_log {self.directory}/error.log;\n"
            f"{MAIN_CONTEXT}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n  include {self.directory}/site.conf;\n}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        with (self.directory / "nginx.out").open("ab") as out:
            self.process = subprocess.Popen(
                [nginx, "-c", str(self.directory / "nginx.conf"), "-p", str(self.directory)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, timeout=15, what="nginx")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"nginx exited: {(self.directory / 'nginx.out').read_text()[-2000:]}")
        try:
            return (
                requests.get(f"{self.url}/healthz", verify=str(self.certificate), timeout=2).status_code
                == 200
            )
        except requests.RequestException:
            return False

    def access_log(self) -> list[str]:
        """Lines of the sample's log format: `... $status $bytes $request_time $upstream_addr rid=...`."""
        return (self.directory / "phonghop.access.log").read_text().splitlines()

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override verify
        session.verify = str(self.certificate)
        return session

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
