"""The outbox worker under `make bench`: how fast it delivers webhooks, and how long a backlog
takes to drain after an outage, beside the two limits of the same work measured in the same
run — the receiver's own capacity (wrk posting the same body to it) and the database's
(pgbench running the worker's statements for each delivery, `worker_job.sql`).

The outage: events are recorded while no worker runs (the receiver or every Kedai instance
down); then one `kedai serve` starts with its worker, and the clock runs until the receiver has
every delivery. Throughput is deliveries per second over that drain.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import common as B

EVENTS = int(os.environ.get("BENCH_WEBHOOKS", "20000"))
CONCURRENCY = 16  # KEDAI_WORKER_CONCURRENCY's default


class Receiver:
    def __init__(self) -> None:
        self.port = B.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, str(B.BENCH / "receiver.py"), str(self.port)])
        for _ in range(100):
            try:
                if B.http("GET", f"{self.url}/count")[0] == 200:
                    return
            except Exception:
                pass
            time.sleep(0.05)
        raise SystemExit("the receiver did not start")

    def count(self) -> int:
        with urllib.request.urlopen(f"{self.url}/count", timeout=10) as r:
            return int(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def record_events_pg(db: str, tenant: str, n: int) -> None:
    B.psql(db, f"""
        INSERT INTO outbox_events (id, tenant_id, event_type, aggregate_id, payload, created_at)
        SELECT gen_random_uuid()::text, '{tenant}', 'order.created', gen_random_uuid()::text,
               '{{"order_id":"' || gen_random_uuid() || '","order_number":"ORD-2026-' || g ||
               '","status":"pending","total_amount":"14.90","currency":"MYR"}}',
               now() AT TIME ZONE 'utc'
        FROM generate_series(1, {n}) g""")


def record_events_sqlite(path: Path, tenant: str, n: int) -> None:
    import sqlite3
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(path) as c:
        c.executemany(
            "INSERT INTO outbox_events (id, tenant_id, event_type, aggregate_id, payload, created_at) "
            "VALUES (?, ?, 'order.created', ?, ?, ?)",
            [(str(uuid.uuid4()), tenant, str(uuid.uuid4()),
              f'{{"order_id":"{uuid.uuid4()}","order_number":"ORD-2026-{i}","status":"pending",'
              f'"total_amount":"14.90","currency":"MYR"}}', now) for i in range(n)])


def drain(url: str, work: Path, email: str, tenant: str, receiver: Receiver, backend: str) -> dict:
    """Registers an endpoint, records the backlog with no worker running, then starts a worker and
    times it until the receiver has every delivery."""
    server = B.Server(url, work, {"KEDAI_NO_WORKERS": "true"})
    token, _, _ = B.login(server, email)
    status, body = B.http("POST", f"{server.url}/v1/webhooks", token,
                          {"url": f"{receiver.url}/hook", "events": ["order.created"]})
    if status != 201:
        raise SystemExit(f"webhook registration failed: {status} {body}")
    server.stop()
    time.sleep(0.01)
    if backend == "postgres":
        record_events_pg(url.rsplit("/", 1)[1], tenant, EVENTS)
    else:
        record_events_sqlite(Path(url), tenant, EVENTS)
    before = receiver.count()
    started = time.monotonic()
    worker = B.Server(url, work, {"KEDAI_NO_WORKERS": "false"})
    while receiver.count() - before < EVENTS:
        if time.monotonic() - started > 600:
            raise SystemExit(f"the backlog did not drain in 10 minutes ({receiver.count() - before}/{EVENTS})")
        time.sleep(0.05)
    seconds = time.monotonic() - started
    rss = worker.rss_kib()
    worker.stop()
    got = receiver.count() - before
    return {"events": EVENTS, "delivered": got, "seconds": seconds, "rps": EVENTS / seconds, "rss_kib": rss}


def bench_outbound() -> None:
    work = Path(tempfile.mkdtemp(prefix="kedai-bench-outbound-"))
    receiver = Receiver()
    try:
        # The receiver's own capacity for the same bodies, at the worker's concurrency.
        B.wrk(f"{receiver.url}/hook", CONCURRENCY, 3, "post.lua", {})
        cap = B.wrk(f"{receiver.url}/hook", CONCURRENCY, B.SECONDS, "post.lua", {})
        # PostgreSQL: the drain, then the database's limit for the worker's statements.
        db = "kedai_bench_outbound"
        B.recreate_db(db)
        url = f"{B.PG}/{db}"
        tenant, email = B.merchant(url, work, "Hooks")
        pg = drain(url, work, email, tenant, receiver, "postgres")
        B.psql(db, "UPDATE webhook_deliveries SET status = 'pending'; "
                   "UPDATE jobs SET status = 'queued', run_at = '2000-01-01', leased_by = NULL")
        warm = B.pgbench(db, B.BENCH / "worker_job.sql", CONCURRENCY, 3, {})
        sql = B.pgbench(db, B.BENCH / "worker_job.sql", CONCURRENCY, B.SECONDS, {})
        sql["transactions"] = warm["requests"] + sql["requests"]
        # SQLite, the embedded default: the drain.
        lite = work / "outbound.db"
        tenant_l, email_l = B.merchant(str(lite), work, "HooksLite")
        sq = drain(str(lite), work, email_l, tenant_l, receiver, "sqlite")
    finally:
        receiver.stop()
    B.log(f"webhooks: receiver {cap['rps']:.0f}/s, worker statements (pgbench) {sql['rps']:.0f}/s; "
          f"drain of {EVENTS}: postgres {pg['seconds']:.1f} s ({pg['rps']:.0f}/s), "
          f"sqlite {sq['seconds']:.1f} s ({sq['rps']:.0f}/s)")
    B.RESULTS["outbound"] = {"receiver": cap, "statements": sql, "postgres": pg, "sqlite": sq,
                             "concurrency": CONCURRENCY}
    shutil.rmtree(work, ignore_errors=True)
