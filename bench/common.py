"""What every part of `make bench` shares: paths and settings from the environment, the results
being gathered, running commands, psql and pgbench, wrk, and a release `kedai serve` on a free
port."""

from __future__ import annotations

import atexit
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
KEDAI = ROOT / "target" / "release" / "kedai"
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
BULK_ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
CLIENTS = [int(c) for c in os.environ.get("BENCH_CLIENTS", "1,8,32").split(",")]
PRODUCTS = 50
LOTS_PER_PRODUCT = int(os.environ.get("BENCH_LOTS", "6000"))
PASSWORD = "bench-password-2026"
RESULTS: dict = {"machine": {}, "orders": [], "reads": [], "analytics": [], "micro": [], "bulk": {},
                 "bulk_sqlite": {}, "search": [], "outbound": {}}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd: list[str], env: dict | None = None, capture: bool = True, check: bool = True, **kw) -> str:
    full_env = {**os.environ, **(env or {})}
    p = subprocess.run(cmd, env=full_env, text=True, capture_output=capture, **kw)
    if check and p.returncode != 0:
        sys.stderr.write(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}\n")
        raise SystemExit(1)
    return p.stdout if capture else ""


# The baselines reach PostgreSQL as Kedai does: without TLS to a server on this machine (Kedai
# adds sslmode=disable to a loopback URL that does not name its sslmode).
LIBPQ_ENV = {"PGSSLMODE": "disable"}


def psql(db: str, sql: str, *extra: str) -> str:
    return run(["psql", f"{PG}/{db}", "-qAtX", "-v", "ON_ERROR_STOP=1", *extra, "-c", sql], env=LIBPQ_ENV)


def recreate_db(name: str, template: str | None = None) -> None:
    psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    tmpl = f' TEMPLATE "{template}"' if template else ""
    psql("postgres", f'CREATE DATABASE "{name}"{tmpl}')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


class Server:
    """A release `kedai serve` on a free port (stopped at exit if a failed run left it up)."""

    running: list["Server"] = []

    def __init__(self, database_url: str, data_dir: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "KEDAI_DATABASE_URL": database_url,
            "KEDAI_DATA_DIR": str(data_dir),
            "KEDAI_BIND": f"127.0.0.1:{self.port}",
            "KEDAI_LOG": "warn",
            "KEDAI_RATE_LIMIT_PER_MINUTE": "1000000000",
            "KEDAI_RATE_LIMIT_PER_IP_PER_MINUTE": "1000000000",
            # The order and read benchmarks measure the request path alone; the outbox worker
            # is measured on its own (bench/outbound.py).
            "KEDAI_NO_WORKERS": "true",
            **(extra_env or {}),
        }
        self.log = open(data_dir / "server.log", "w")
        self.proc = subprocess.Popen([str(KEDAI), "serve"], env={**os.environ, **self.env},
                                     stdout=self.log, stderr=subprocess.STDOUT)
        Server.running.append(self)
        for _ in range(300):
            try:
                if http("GET", f"{self.url}/health")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"kedai exited; see {data_dir / 'server.log'}")
            time.sleep(0.1)
        raise SystemExit("kedai did not start")

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self in Server.running:
            Server.running.remove(self)
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@atexit.register
def stop_servers() -> None:
    for server in list(Server.running):
        server.stop()


def cli(database_url: str, data_dir: Path, *args: str) -> str:
    return run([str(KEDAI), *args], env={"KEDAI_DATABASE_URL": database_url, "KEDAI_DATA_DIR": str(data_dir),
                                         "KEDAI_LOG": "warn"}).strip()


def merchant(database_url: str, data_dir: Path, name: str) -> tuple[str, str]:
    """A tenant and its owner (by the CLI); returns (tenant id, owner e-mail)."""
    tenant = cli(database_url, data_dir, "tenant", "create", "--name", name).splitlines()[-1]
    email = f"owner@{name.lower()}.bench"
    cli(database_url, data_dir, "staff", "create", "--tenant", tenant, "--email", email,
        "--password", PASSWORD, "--role", "owner")
    return tenant, email


def login(server: Server, email: str) -> tuple[str, str, str]:
    """(access token, staff id, session id)."""
    status, body = http("POST", f"{server.url}/v1/auth/login", body={"email": email, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"login failed: {status} {body}")
    token = body["data"]["access_token"]
    import base64
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return token, claims["sub"], claims["sid"]


def wrk(url: str, clients: int, seconds: int, script: str, env: dict) -> dict:
    threads = max(1, min(clients, 2))
    out = run(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s",
               "-s", str(BENCH / script), url], env=env)
    line = next(l for l in out.splitlines() if l.startswith("JSON "))
    r = json.loads(line[5:])
    r["rps"] = r["requests"] / r["seconds"]
    return r


def pgbench(db: str, script: Path, clients: int, seconds: int, defines: dict, env: dict | None = None) -> dict:
    """pgbench -M prepared; a transaction that fails with a serialization failure is retried (up to
    10 tries, as Kedai retries a unit of work that lost a race), any other error fails the run."""
    with tempfile.TemporaryDirectory() as logdir:
        args = ["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(max(1, min(clients, 2))),
                "-T", str(seconds), "-f", str(script), "--max-tries", "10", "-l", "--log-prefix", f"{logdir}/tx"]
        for k, v in defines.items():
            args += ["-D", f"{k}={v}"]
        out = run(args + [f"{PG}/{db}"], env={**LIBPQ_ENV, **(env or {})}, cwd=logdir)  # an aborted client fails the run
        failed = re.search(r"number of failed transactions: (\d+)", out)
        retried = re.search(r"number of transactions retried: (\d+)", out)
        lat: list[int] = []
        for f in Path(logdir).glob("tx*"):
            for line in f.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():  # not a failed transaction
                    lat.append(int(parts[2]))
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    lat.sort()
    return {"rps": tps, "requests": len(lat), "p50_us": percentile(lat, 50), "p99_us": percentile(lat, 99),
            "failed": int(failed.group(1)) if failed else 0, "retried": int(retried.group(1)) if retried else 0}


def percentile(sorted_values: list[int], p: float) -> int:
    if not sorted_values:
        return 0
    k = min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]
