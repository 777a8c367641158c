#!/usr/bin/env python3
"""Kedai's benchmark suite: `make bench` runs it and rewrites BENCHMARKS.md and the chart.

Every figure is measured next to its baseline in the same run, on the same machine:
- order creation over HTTP (wrk) against two pgbench baselines at the same concurrency, each on
  a fresh copy of the same database: the least SQL that does the same writes
  (order_ideal.sql, the database's limit for this order) and the statements Kedai issues
  (order_create.sql, the transcript);
- reads (product list, order list with filters and search, order detail) against pgbench
  running the SQL Kedai issues for them;
- order search latency on the bulk-loaded merchant, on PostgreSQL and on SQLite, for a few
  representative terms;
- analytics on a bulk-loaded merchant against the raw SQL aggregate run by psql;
- criterion micro benchmarks of FIFO planning and the status machine.

Environment: BENCH_SECONDS (per measured point, default 15), BENCH_ORDERS (bulk orders for
reads, search and analytics, default 1000000), BENCH_PG (admin URL of a PostgreSQL server,
default postgres://postgres@127.0.0.1:5432), BENCH_CLIENTS (default "1,8,32"). The bulk part also
loads its merchant into a SQLite file under TMPDIR (about 1.2 GiB per 200,000 orders), removed
when it is done.
"""

from __future__ import annotations


import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

from common import (BENCH, BULK_ORDERS, CLIENTS, KEDAI, LIBPQ_ENV, LOTS_PER_PRODUCT, PG, PRODUCTS,
                    RESULTS, ROOT, SECONDS, Server, cli, http, log, login, merchant, percentile,
                    pgbench, psql, recreate_db, run, wrk)
import outbound

# ---------------------------------------------------------------------------------------------
# order creation


def order_setup_pg(db: str, tenant: str) -> None:
    """Products priced 10.00 with many three-unit lots each (so two-unit lines span lots)."""
    psql(db, f"""
        INSERT INTO inventory_lots (id, tenant_id, product_id, quantity, remaining, source, note,
                                    received_at, created_at, created_by)
        SELECT gen_random_uuid()::text, '{tenant}', p.id, 3, 3, 'purchase_order', NULL,
               timestamp '2026-01-01' + g * interval '1 second', timestamp '2026-01-01' + g * interval '1 second', NULL
        FROM products p, generate_series(1, {LOTS_PER_PRODUCT}) g WHERE p.tenant_id = '{tenant}';
        INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, reason, source,
                                     reference, note, actor, created_at)
        SELECT gen_random_uuid()::text, tenant_id, product_id, id, 'in', quantity, NULL, source, NULL, NULL, NULL,
               received_at FROM inventory_lots WHERE tenant_id = '{tenant}';
        ANALYZE;
    """)
    # The merchant's order-number sequences (around this year, for Kedai whatever its zone; 2099
    # for the baselines) exist before any run, as they do after a merchant's first order of a
    # year: the runs measure the steady state, not the creation of a sequence.
    year = time.gmtime().tm_year
    psql(db, f"SELECT kedai_order_sequence('{tenant}', y) FROM (VALUES ({year - 1}), ({year}), ({year + 1}), "
             f"(2099)) v(y)")


def order_setup_sqlite(path: Path, tenant: str) -> None:
    import sqlite3
    import uuid
    con = sqlite3.connect(path)
    products = [r[0] for r in con.execute("SELECT id FROM products WHERE tenant_id = ?", (tenant,))]
    lots, moves = [], []
    for p in products:
        for g in range(1, LOTS_PER_PRODUCT + 1):
            at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1767225600 + g))
            lot = str(uuid.uuid4())
            lots.append((lot, tenant, p, at, at))
            moves.append((str(uuid.uuid4()), tenant, p, lot, at))
    con.executemany("INSERT INTO inventory_lots (id, tenant_id, product_id, quantity, remaining, source, note, "
                    "received_at, created_at, created_by) VALUES (?, ?, ?, 3, 3, 'purchase_order', NULL, ?, ?, NULL)",
                    lots)
    con.executemany("INSERT INTO stock_movements (id, tenant_id, product_id, lot_id, kind, quantity, reason, source, "
                    "reference, note, actor, created_at) VALUES (?, ?, ?, ?, 'in', 3, NULL, 'purchase_order', NULL, "
                    "NULL, NULL, ?)", moves)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def create_products(server: Server, token: str) -> list[int]:
    ids = []
    for i in range(PRODUCTS):
        status, body = http("POST", f"{server.url}/v1/products", token,
                            {"name": f"Bench product {i}", "price": 10.0, "status": "active"})
        if status != 201:
            raise SystemExit(f"product create: {status} {body}")
        ids.append(int(body["data"]["id"]))
    return ids


ORDER_CHECKS = {
    # lots whose remaining quantity the ledger does not explain
    "unbalanced_lots": "SELECT COUNT(*) FROM inventory_lots l LEFT JOIN (SELECT lot_id, SUM(quantity) AS q "
                       "FROM stock_movements GROUP BY lot_id) m ON m.lot_id = l.id "
                       "WHERE l.remaining <> COALESCE(m.q, 0)",
    # orders whose allocations do not add up to their lines' units
    "short_orders": "SELECT COUNT(*) FROM orders o "
                    "LEFT JOIN (SELECT order_id, SUM(quantity) AS q FROM order_items GROUP BY order_id) i "
                    "ON i.order_id = o.id "
                    "LEFT JOIN (SELECT reference, SUM(quantity) AS q FROM stock_allocations "
                    "WHERE source = 'order' GROUP BY reference) a ON a.reference = o.id "
                    "WHERE COALESCE(i.q, 0) <> COALESCE(a.q, 0)",
    # lots taken from while the lot received before them still held stock (FIFO broken)
    "fifo_skips": "SELECT COUNT(*) FROM (SELECT quantity, remaining, lag(remaining) OVER (PARTITION BY product_id "
                  "ORDER BY received_at, created_at, id) AS older FROM inventory_lots) l "
                  "WHERE l.older > 0 AND l.remaining < l.quantity",
    "orders_stored": "SELECT COUNT(*) FROM orders",
}


def order_checks_pg(db: str) -> dict:
    """After a run: the ORDER_CHECKS (all but orders_stored must be 0)."""
    return {name: int(psql(db, sql)) for name, sql in ORDER_CHECKS.items()}


def order_checks_sqlite(path: Path) -> dict:
    import sqlite3
    con = sqlite3.connect(path)
    try:
        return {name: int(con.execute(sql).fetchone()[0]) for name, sql in ORDER_CHECKS.items()}
    finally:
        con.close()


def checks_fail(c: dict) -> bool:
    return c["unbalanced_lots"] != 0 or c["short_orders"] != 0 or c["fifo_skips"] != 0


def bench_orders() -> None:
    work = Path(tempfile.mkdtemp(prefix="kedai-bench-"))
    # PostgreSQL: one template database, then a copy for Kedai and a copy for pgbench.
    base = "kedai_bench_orders_base"
    recreate_db(base)
    url = f"{PG}/{base}"
    tenant, email = merchant(url, work, "Orders")
    server = Server(url, work)
    token, staff, _ = login(server, email)
    products = create_products(server, token)
    server.stop()
    order_setup_pg(base, tenant)
    for clients in CLIENTS:
        # Kedai
        recreate_db("kedai_bench_orders_k", base)
        server = Server(f"{PG}/kedai_bench_orders_k", work)
        token, staff, sid = login(server, email)
        env = {"BENCH_TOKEN": token, "BENCH_FIRST_PRODUCT": str(products[0]), "BENCH_PRODUCTS": str(PRODUCTS)}
        wrk(f"{server.url}/v1/orders", clients, 3, "order.lua", env)  # warm-up
        k = wrk(f"{server.url}/v1/orders", clients, SECONDS, "order.lua", env)
        k["rss_kib"] = server.rss_kib()
        server.stop()
        k.update(order_checks_pg("kedai_bench_orders_k"))
        defines = {"tenant": tenant, "staff": staff, "sid": sid, "first": products[0], "count": PRODUCTS}
        # pgbench, Kedai's statements (the transcript), same concurrency, fresh copy
        recreate_db("kedai_bench_orders_p", base)
        copy_session("kedai_bench_orders_k", "kedai_bench_orders_p", sid)
        warm = pgbench("kedai_bench_orders_p", BENCH / "order_create.sql", clients, 3, defines)
        p = pgbench("kedai_bench_orders_p", BENCH / "order_create.sql", clients, SECONDS, defines)
        p.update(order_checks_pg("kedai_bench_orders_p"))
        p["transactions"] = warm["requests"] + p["requests"]
        # pgbench, the least SQL for the same order (the ideal), same concurrency, fresh copy
        recreate_db("kedai_bench_orders_i", base)
        warm = pgbench("kedai_bench_orders_i", BENCH / "order_ideal.sql", clients, 3, defines)
        ideal = pgbench("kedai_bench_orders_i", BENCH / "order_ideal.sql", clients, SECONDS, defines)
        ideal.update(order_checks_pg("kedai_bench_orders_i"))
        ideal["transactions"] = warm["requests"] + ideal["requests"]
        log(f"orders pg c={clients}: kedai {k['rps']:.0f}/s p50 {k['p50_us']/1000:.1f} ms p99 {k['p99_us']/1000:.1f} ms "
            f"(errors {k['errors_status']}+{k['errors_other']}), transcript {p['rps']:.0f}/s "
            f"p99 {p['p99_us']/1000:.1f} ms, ideal {ideal['rps']:.0f}/s p99 {ideal['p99_us']/1000:.1f} ms")
        for name, c in (("kedai", k), ("transcript", p), ("ideal", ideal)):
            if checks_fail(c):
                log(f"CHECK FAILED for {name}: {c['unbalanced_lots']} unbalanced lots, {c['short_orders']} short "
                    f"orders, {c['fifo_skips']} FIFO skips")
            if "transactions" in c and c["orders_stored"] != c["transactions"]:
                log(f"CHECK FAILED for {name}: {c['transactions']} transactions stored {c['orders_stored']} orders")
        RESULTS["orders"].append({"backend": "postgres", "clients": clients, "kedai": k, "baseline": p,
                                  "ideal": ideal})
    # SQLite: the same load against the embedded default.
    for clients in CLIENTS:
        lite = work / f"orders-{clients}.db"
        tenant_l, email_l = merchant(str(lite), work, f"Lite{clients}")
        server = Server(str(lite), work)
        token, _, _ = login(server, email_l)
        ids = create_products(server, token)
        order_setup_sqlite(lite, tenant_l)
        env = {"BENCH_TOKEN": token, "BENCH_FIRST_PRODUCT": str(ids[0]), "BENCH_PRODUCTS": str(PRODUCTS)}
        wrk(f"{server.url}/v1/orders", clients, 3, "order.lua", env)
        k = wrk(f"{server.url}/v1/orders", clients, SECONDS, "order.lua", env)
        k["rss_kib"] = server.rss_kib()
        server.stop()
        k.update(order_checks_sqlite(lite))
        log(f"orders sqlite c={clients}: kedai {k['rps']:.0f}/s p50 {k['p50_us']/1000:.1f} ms "
            f"p99 {k['p99_us']/1000:.1f} ms (errors {k['errors_status']}+{k['errors_other']})")
        if checks_fail(k):
            log(f"CHECK FAILED for kedai on SQLite: {k['unbalanced_lots']} unbalanced lots, {k['short_orders']} "
                f"short orders, {k['fifo_skips']} FIFO skips")
        RESULTS["orders"].append({"backend": "sqlite", "clients": clients, "kedai": k, "baseline": None,
                                  "ideal": None})
    shutil.rmtree(work, ignore_errors=True)


def copy_session(src: str, dst: str, sid: str) -> None:
    """The signed-in session of the Kedai copy, so the baseline's session check finds a row."""
    row = psql(src, f"SELECT id || '|' || tenant_id || '|' || staff_id || '|' || refresh_hash || '|' || "
                    f"created_at || '|' || expires_at FROM staff_sessions WHERE id = '{sid}'")
    i, t, s, h, c, e = row.split("|")
    psql(dst, f"INSERT INTO staff_sessions (id, tenant_id, staff_id, refresh_hash, created_at, expires_at) "
              f"VALUES ('{i}', '{t}', '{s}', '{h}', '{c}', '{e}') ON CONFLICT DO NOTHING")


# ---------------------------------------------------------------------------------------------
# reads and analytics on a bulk-loaded merchant


READ_CLIENTS = 8


def bench_bulk() -> None:
    work = Path(tempfile.mkdtemp(prefix="kedai-bench-"))
    db = "kedai_bench_bulk"
    recreate_db(db)
    url = f"{PG}/{db}"
    tenant, email = merchant(url, work, "Bulk")
    started = time.monotonic()
    out = cli(url, work, "seed-bulk", "--tenant", tenant, "--products", "200", "--customers", "50000",
              "--orders", str(BULK_ORDERS))
    seconds = time.monotonic() - started
    summary = json.loads(out.splitlines()[-1])
    summary["wall_seconds"] = seconds
    RESULTS["bulk"] = summary
    log(f"seed-bulk: {summary['orders']} orders in {seconds:.0f} s")
    server = Server(url, work)
    token, staff, sid = login(server, email)
    env = {"BENCH_TOKEN": token}
    # An order with a customer, so its detail reads every table it can.
    status, body = http("GET", f"{server.url}/v1/orders?per_page=20&status=completed", token)
    order = next(o for o in body["data"] if o.get("customer_id"))
    order_id = order["id"]
    defines = {"tenant": tenant, "staff": staff, "sid": sid}
    reads = [
        ("product list", "/v1/products?page=1&limit=20", "read_products.sql"),
        ("order list, status filter + search", "/v1/orders?status=completed,paid&search=tan&per_page=20",
         "read_orders.sql"),
        ("order detail", f"/v1/orders/{order_id}", "read_order.sql"),
    ]
    for name, path, script in reads:
        # The values Kedai binds that depend on the page (its ids), read from the same request.
        status, body = http("GET", f"{server.url}{path}", token)
        if status != 200:
            raise SystemExit(f"{path}: {status} {body}")
        extra, pg_env = {}, None
        if script == "read_products.sql":
            extra = {"ids": pg_array(str(p["id"]) for p in body["data"])}
        elif script == "read_orders.sql":
            extra = {"statuses": "{completed,paid}", "pattern": "%tan%",
                     "ids": pg_array(o["id"] for o in body["data"]),
                     "customers": pg_array(sorted({o["customer_id"] for o in body["data"] if o.get("customer_id")}))}
            # Kedai sends the search queries unnamed: planned for their values every time.
            pg_env = {"PGOPTIONS": "-c plan_cache_mode=force_custom_plan"}
        elif script == "read_order.sql":
            extra = {"order": order_id, "customers": pg_array([order["customer_id"]])}
        wrk(f"{server.url}{path}", READ_CLIENTS, 3, "get.lua", env)
        k = wrk(f"{server.url}{path}", READ_CLIENTS, SECONDS, "get.lua", env)
        pgbench(db, BENCH / script, READ_CLIENTS, 3, {**defines, **extra}, pg_env)
        p = pgbench(db, BENCH / script, READ_CLIENTS, SECONDS, {**defines, **extra}, pg_env)
        log(f"read {name}: kedai {k['rps']:.0f}/s p50 {k['p50_us']/1000:.1f} ms (errors "
            f"{k['errors_status']}+{k['errors_other']}), pgbench {p['rps']:.0f}/s p50 {p['p50_us']/1000:.1f} ms")
        RESULTS["reads"].append({"name": name, "path": path, "script": script, "clients": READ_CLIENTS,
                                 "kedai": k, "baseline": p})
    terms = search_terms(tenant)
    RESULTS["search"] = search_latency(server, token, "postgres", terms)
    analytics = [
        ("order-summary, all periods", "/functions/v1/order-summary", "analytics_summary_periods.sql"),
        ("/v1/orders/summary (all time)", "/v1/orders/summary", "analytics_summary_v1.sql"),
        ("/v1/orders/trend (30 days)", "/v1/orders/trend", "analytics_trend.sql"),
    ]
    for name, path, script in analytics:
        k_times = []
        for _ in range(2):
            http("GET", f"{server.url}{path}", token)
        for _ in range(7):
            t0 = time.perf_counter()
            status, _ = http("GET", f"{server.url}{path}", token)
            k_times.append(time.perf_counter() - t0)
            if status != 200:
                raise SystemExit(f"{path}: {status}")
        sql = (BENCH / script).read_text().replace(":'tenant'", f"'{tenant}'")
        # The raw SQL at its best: with the server's default JIT and without, the faster.
        medians = []
        for jit in ("on", "off"):
            p_times = []
            for attempt in range(9):
                out = run(["psql", f"{PG}/{db}", "-qAtX", "-c", f"SET jit = {jit}", "-c", "\\timing on",
                           "-c", sql], env=LIBPQ_ENV)
                ms = [float(m) for m in re.findall(r"Time: ([\d.]+) ms", out)]
                if attempt >= 2:  # two warm-ups
                    p_times.append(sum(ms) / 1000)
            medians.append(statistics.median(p_times))
        k_ms = statistics.median(k_times) * 1000
        p_ms = min(medians) * 1000
        log(f"analytics {name}: kedai {k_ms:.0f} ms, psql {p_ms:.0f} ms")
        RESULTS["analytics"].append({"name": name, "path": path, "script": script, "kedai_ms": k_ms,
                                     "baseline_ms": p_ms})
    server.stop()
    # The same merchant on SQLite (the embedded default): order search.
    lite = work / "bulk.db"
    tenant_l, email_l = merchant(str(lite), work, "Bulk")
    started = time.monotonic()
    out = cli(str(lite), work, "seed-bulk", "--tenant", tenant_l, "--products", "200", "--customers", "50000",
              "--orders", str(BULK_ORDERS))
    seconds = time.monotonic() - started
    summary = json.loads(out.splitlines()[-1])
    summary["wall_seconds"] = seconds
    summary["file_bytes"] = sum(f.stat().st_size for f in work.glob("bulk.db*"))
    RESULTS["bulk_sqlite"] = summary
    log(f"seed-bulk (SQLite): {summary['orders']} orders in {seconds:.0f} s")
    server = Server(str(lite), work)
    token, _, _ = login(server, email_l)
    RESULTS["search"] += search_latency(server, token, "sqlite", terms)
    server.stop()
    shutil.rmtree(work, ignore_errors=True)


def pg_array(values) -> str:
    """A PostgreSQL array literal of simple values (ids), as Kedai binds a list."""
    return "{" + ",".join(values) + "}"


SEARCH_PAGE = 20


def search_terms(tenant: str) -> list[tuple[str, str]]:
    """Representative order searches that find orders in what seed-bulk generates (bulk.rs;
    the same seed gives the same shapes on both backends): part of an order number (the newest
    order's, less its last digit), a customer's full name, a common family name, part of the
    e-mail of the newest order's customer (bulk.N@example.com) and the last six digits of the
    oldest order's customer phone (+6019NNNNNNNN)."""
    def one(sql: str) -> str:
        return psql("kedai_bench_bulk", sql).strip()
    number = one(f"SELECT order_number FROM orders WHERE tenant_id = '{tenant}' "
                 f"ORDER BY created_at DESC, id DESC LIMIT 1")
    year, seq = number.split("-")[1:3]
    email = one(f"SELECT contact_email FROM orders WHERE tenant_id = '{tenant}' AND customer_id IS NOT NULL "
                f"ORDER BY created_at DESC, id DESC LIMIT 1")
    phone = one(f"SELECT contact_phone FROM orders WHERE tenant_id = '{tenant}' AND customer_id IS NOT NULL "
                f"ORDER BY created_at, id LIMIT 1")
    return [
        ("order number", f"{year}-{seq[:-1] if len(seq) > 4 else seq}"),
        ("customer name", "Siti Rahman"),
        ("family name", "Tan"),
        ("e-mail", email.split("@")[0] + "@"),
        ("phone digits", phone[-6:]),
    ]


def timed_get(conn: HTTPConnection, path: str, headers: dict) -> tuple[int, bytes]:
    """One GET on a kept-alive connection: (microseconds, body); anything but a 200 fails the run."""
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    raw = r.read()
    if r.status != 200:
        raise SystemExit(f"GET {path}: {r.status} {raw[:300]!r}")
    return int((time.perf_counter() - t0) * 1e6), raw


def search_latency(server: Server, token: str, backend: str, terms: list[tuple[str, str]]) -> list[dict]:
    """GET /v1/orders?search=<term>&per_page=20, one client, one request after another on one
    kept-alive connection: 2 warm-ups, then requests for BENCH_SECONDS (at least 10, at most
    1000). Every response must be a 200."""
    results = []
    conn = HTTPConnection("127.0.0.1", server.port, timeout=120)
    headers = {"Authorization": f"Bearer {token}"}
    for kind, term in terms:
        path = f"/v1/orders?search={urllib.parse.quote(term)}&per_page={SEARCH_PAGE}"
        matches = json.loads(timed_get(conn, path, headers)[1])["meta"]["total"]  # first warm-up
        timed_get(conn, path, headers)
        times: list[int] = []
        deadline = time.monotonic() + SECONDS
        while len(times) < 10 or (len(times) < 1000 and time.monotonic() < deadline):
            times.append(timed_get(conn, path, headers)[0])
        times.sort()
        row = {"backend": backend, "kind": kind, "term": term, "path": path, "matches": matches,
               "requests": len(times), "p50_us": percentile(times, 50), "p99_us": percentile(times, 99)}
        log(f"search {backend} {kind} {term!r}: {matches} matches, p50 {row['p50_us']/1000:.1f} ms, "
            f"p99 {row['p99_us']/1000:.1f} ms ({len(times)} requests)")
        results.append(row)
    conn.close()
    return results


# ---------------------------------------------------------------------------------------------
# micro benchmarks


def bench_micro() -> None:
    for package, bench in (("kedai-inventory", "fifo"), ("kedai-orders", "status_machine")):
        run(["cargo", "bench", "-q", "-p", package, "--bench", bench, "--", "--noplot"], capture=False, cwd=ROOT)
    root = ROOT / "target" / "criterion"
    for est in sorted(root.glob("**/new/estimates.json")):
        bench_dir = est.parent.parent
        name = str(bench_dir.relative_to(root))
        data = json.loads(est.read_text())
        RESULTS["micro"].append({"name": name, "mean_ns": data["mean"]["point_estimate"],
                                 "ci_low_ns": data["mean"]["confidence_interval"]["lower_bound"],
                                 "ci_high_ns": data["mean"]["confidence_interval"]["upper_bound"]})


# ---------------------------------------------------------------------------------------------
# report


def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), "unknown")
    mem = next((l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), "0")
    pgv = psql("postgres", "SHOW server_version").strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 1048576), "postgres": pgv,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seconds_per_point": SECONDS}


def save(out: Path) -> None:
    out.write_text(json.dumps(RESULTS, indent=2) + "\n")


def main() -> None:
    if not KEDAI.exists():
        raise SystemExit(f"{KEDAI} is missing: build with cargo build --release -p kedai")
    parts = ["micro", "orders", "bulk", "outbound"]
    only = set(sys.argv[1:]) or set(parts)
    out = BENCH / "results.json"
    # Parts not run this time keep their previous figures.
    if only != set(parts) and out.exists():
        previous = json.loads(out.read_text())
        for key in ("orders", "bulk", "reads", "analytics", "micro", "bulk_sqlite", "search", "outbound"):
            part = "bulk" if key in ("reads", "analytics", "bulk_sqlite", "search") else key
            if part not in only:
                RESULTS[key] = previous.get(key, RESULTS[key])
    RESULTS["machine"] = machine()
    for part in parts:
        if part in only:
            {"micro": bench_micro, "orders": bench_orders, "bulk": bench_bulk,
             "outbound": outbound.bench_outbound}[part]()
            save(out)  # each part is kept as soon as it is measured
    save(out)
    run([sys.executable, str(BENCH / "report.py")], capture=False)


if __name__ == "__main__":
    main()
