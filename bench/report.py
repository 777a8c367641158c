#!/usr/bin/env python3
"""Writes BENCHMARKS.md and bench/throughput.png from bench/results.json, with every figure
beside the same figure of the previous committed run (`git show HEAD:bench/results.json`)."""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
R = json.loads((BENCH / "results.json").read_text())

IDEAL_TARGET = 0.5        # Kedai's order creation on PostgreSQL at 8 and 32 clients vs the least SQL
TRANSCRIPT_TARGET = 0.8   # ... and vs pgbench running Kedai's own statements
TAIL_LIMIT = 5.0          # p99 / p50 of Kedai's order creation at 8 and 32 clients, both backends
SQLITE_ORDERS = 1500      # orders/s on SQLite at 8 clients
READ_TARGET = 0.7         # product list and order detail vs their SQL
READ_TARGETS = ("product list", "order detail")
ANALYTICS_LIMIT = {"/v1/orders/summary": 1.2}  # by path; every other report within 2× its raw SQL
ANALYTICS_DEFAULT = 2.0
SEARCH_P50_MS = 50        # order search p50 on the bulk merchant, each backend
WORKER_TARGET = 0.5       # webhook deliveries/s on PostgreSQL vs the lower of its two limits
HEADLINE_CLIENTS = (8, 32)
BACKEND = {"postgres": "PostgreSQL", "sqlite": "SQLite"}


def clients(n: int) -> str:
    return f"{n} client" if n == 1 else f"{n} clients"


def ms(us: float) -> str:
    return f"{us / 1000:.1f} ms"


def pct(ratio: float, target: float) -> str:
    """A ratio as a percentage, with a decimal when rounding would put it on the target's side."""
    shown = f"{ratio:.0%}"
    if (round(ratio, 2) >= target) != (ratio >= target):
        shown = f"{ratio:.1%}"
    return shown


def status(ok: bool) -> str:
    return "met" if ok else "**missed**"


def analytics_limit(a: dict) -> float:
    return ANALYTICS_LIMIT.get(a["path"], ANALYTICS_DEFAULT)


def git(*args: str) -> str | None:
    p = subprocess.run(["git", *args], cwd=ROOT, text=True, capture_output=True)
    return p.stdout if p.returncode == 0 else None


def previous_run() -> tuple[dict | None, str | None]:
    """The committed results (HEAD) and the commit that wrote them."""
    text = git("show", "HEAD:bench/results.json")
    if not text:
        return None, None
    commit = (git("log", "-1", "--format=%H", "HEAD", "--", "bench/results.json") or "").strip() or None
    return json.loads(text), commit


@functools.cache
def sql_changed(commit: str | None, script: str) -> bool:
    """Whether a baseline's SQL differs from the one the previous run measured."""
    if not commit:
        return False
    before = git("show", f"{commit}:bench/{script}")
    return before is None or before != (BENCH / script).read_text()


def chart() -> str | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    pg = [o for o in R["orders"] if o["backend"] == "postgres"]
    series = {
        "Kedai on PostgreSQL (HTTP)": [(o["clients"], o["kedai"]) for o in pg],
        "pgbench, least SQL (order_ideal.sql)": [(o["clients"], o["ideal"]) for o in pg if o.get("ideal")],
        "pgbench, Kedai's statements (order_create.sql)": [(o["clients"], o["baseline"]) for o in pg],
        "Kedai on SQLite (HTTP)": [(o["clients"], o["kedai"]) for o in R["orders"] if o["backend"] == "sqlite"],
    }
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
    for name, points in series.items():
        if not points:
            continue
        xs = [p[0] for p in points]
        left.plot(xs, [p[1]["rps"] for p in points], marker="o", label=name)
        right.plot(xs, [p[1]["p99_us"] / 1000 for p in points], marker="o", label=name)
    for ax, title, unit in ((left, "Order creation throughput", "orders / s"),
                            (right, "Order creation p99 latency", "ms")):
        ax.set_xscale("log", base=2)
        ax.set_xticks([o for o in sorted({o["clients"] for o in R["orders"]})])
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    out = BENCH / "throughput.png"
    fig.savefig(out, dpi=110)
    return out.name


def figures(r: dict, commit: str | None = None) -> dict[str, tuple[float, str, bool]]:
    """Every comparable figure of a run: name -> (value, unit, higher is better). With `commit`
    (the previous run's), a baseline whose SQL changed since is named so."""
    out: dict[str, tuple[float, str, bool]] = {}

    def sql(script: str) -> str:
        return " (SQL changed)" if sql_changed(commit, script) else ""

    for o in r.get("orders", []):
        where = f"order creation, {o['backend']}, {clients(o['clients'])}"
        k = o["kedai"]
        out[f"{where}: Kedai orders/s"] = (k["rps"], "/s", True)
        out[f"{where}: Kedai p50"] = (k["p50_us"] / 1000, "ms", False)
        out[f"{where}: Kedai p99"] = (k["p99_us"] / 1000, "ms", False)
        for key, label, script in (("ideal", "least SQL", "order_ideal.sql"),
                                   ("baseline", "Kedai's statements", "order_create.sql")):
            b = o.get(key)
            if b:
                name = f"{where}: pgbench, {label}{sql(script)}"
                out[f"{name}, tx/s"] = (b["rps"], "/s", True)
                out[f"{name}, p99"] = (b["p99_us"] / 1000, "ms", False)
                out[f"{name}, Kedai / pgbench"] = (k["rps"] / b["rps"] * 100, "%", True)
    for rd in r.get("reads", []):
        out[f"read {rd['name']}: Kedai req/s"] = (rd["kedai"]["rps"], "/s", True)
        out[f"read {rd['name']}: Kedai p99"] = (rd["kedai"]["p99_us"] / 1000, "ms", False)
        name = f"read {rd['name']}: pgbench{sql(rd['script'])}"
        out[f"{name}, tx/s"] = (rd["baseline"]["rps"], "/s", True)
        out[f"{name}, Kedai / pgbench"] = (rd["kedai"]["rps"] / rd["baseline"]["rps"] * 100, "%", True)
    for s in r.get("search", []):
        where = f"order search, {s['backend']}, {s['kind']} ({s['term']})"
        out[f"{where}: p50"] = (s["p50_us"] / 1000, "ms", False)
        out[f"{where}: p99"] = (s["p99_us"] / 1000, "ms", False)
    for a in r.get("analytics", []):
        out[f"{a['name']}: Kedai"] = (a["kedai_ms"], "ms", False)
        name = f"{a['name']}: raw SQL{sql(a['script'])}"
        out[name] = (a["baseline_ms"], "ms", False)
        out[f"{name}, Kedai / raw SQL"] = (a["kedai_ms"] / a["baseline_ms"], "×", False)
    ob = r.get("outbound") or {}
    if ob:
        out["webhooks: receiver capacity"] = (ob["receiver"]["rps"], "/s", True)
        out[f"webhooks: pgbench, the worker's statements{sql('worker_job.sql')}, tx/s"] = (
            ob["statements"]["rps"], "/s", True)
        for backend in ("postgres", "sqlite"):
            out[f"webhooks, {backend}: backlog drain"] = (ob[backend]["seconds"], "s", False)
            out[f"webhooks, {backend}: deliveries/s"] = (ob[backend]["rps"], "/s", True)
    if r.get("bulk"):
        out["seed-bulk into PostgreSQL"] = (r["bulk"]["wall_seconds"], "s", False)
    if r.get("bulk_sqlite"):
        out["seed-bulk into SQLite"] = (r["bulk_sqlite"]["wall_seconds"], "s", False)
    for mb in r.get("micro", []):
        out[f"micro {mb['name']}"] = (mb["mean_ns"], "ns", False)
    return out


def fmt(value: float, unit: str) -> str:
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "ns":
        return f"{value / 1000:.2f} µs" if value >= 1000 else f"{value:.1f} ns"
    if unit == "s":
        return f"{value:.0f} s"
    return f"{value:.1f} {unit}"


def comparison(add) -> None:
    previous, commit = previous_run()
    add("## Against the previous run")
    add("")
    if not previous:
        add("No previous results are committed (`git show HEAD:bench/results.json`).")
        add("")
        return
    was = previous.get("machine", {})
    add(f"Every figure measured both now and in the previous committed run (measured {was.get('date', '?')}, "
        f"{was.get('seconds_per_point', '?')} s per point; commit {commit[:10] if commit else '?'}). "
        "A change is better or worse by the figure's own sense (more per second, fewer milliseconds). "
        "A baseline marked *SQL changed* ran other SQL then (its script differs from the one that "
        "run measured), so it and its ratio compare two different baselines.")
    add("")
    now = figures(R)
    before = figures(previous)
    marked = figures(R, commit)
    add("| figure | previous | now | change |")
    add("|---|---|---|---|")
    for (name, (value, unit, higher)), shown in zip(now.items(), marked):
        if name not in before:
            continue
        old = before[name][0]
        if unit in ("%", "×"):  # ratios: the difference, in their own unit
            diff = value - old
            same = abs(diff) < (0.5 if unit == "%" else 0.005)
            change = f"{diff:+.0f} points" if unit == "%" else f"{diff:+.2f}×"
        elif old:
            diff = (value - old) / old
            same = abs(diff) < 0.005
            change = f"{diff:+.0%}"
        else:
            diff, same, change = 0, True, "—"
        if same:
            change = "±0"
        else:
            change += " (better)" if (diff > 0) == higher else " (worse)"
        add(f"| {shown} | {fmt(old, unit)} | {fmt(value, unit)} | {change} |")
    new = [n for n in now if n not in before]
    if new:
        add("")
        add(f"Measured for the first time: {len(new)} figures (the least-SQL baseline, order search, SQLite "
            "bulk load, and any other figure the previous run did not have).")
    add("")


def main() -> None:
    m = R["machine"]
    lines: list[str] = []
    add = lines.append
    add("# Kedai benchmarks")
    add("")
    add("Generated by `make bench` (bench/bench.py, then bench/report.py) — do not edit by hand.")
    add(f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"PostgreSQL {m['postgres']}; {m['seconds_per_point']} s per point after a 3 s warm-up. "
        "Load generator, Kedai and the database share the same cores, for Kedai and for its baselines alike.")
    add("")

    pg_orders = [o for o in R["orders"] if o["backend"] == "postgres"]
    headline = [o for o in pg_orders if o["clients"] in HEADLINE_CLIENTS]
    if headline:
        counts = " and ".join(str(o["clients"]) for o in headline)
        text = f"**Headline:** order creation on PostgreSQL at {counts} clients runs at "
        if all(o.get("ideal") for o in headline):
            vs_ideal = min(o["kedai"]["rps"] / o["ideal"]["rps"] for o in headline)
            text += (f"**{pct(vs_ideal, IDEAL_TARGET)}** of the database's limit for the same order (pgbench running the least SQL; "
                     f"target ≥ {IDEAL_TARGET:.0%}: {status(vs_ideal >= IDEAL_TARGET)}) and ")
        vs_transcript = min(o["kedai"]["rps"] / o["baseline"]["rps"] for o in headline)
        text += (f"**{pct(vs_transcript, TRANSCRIPT_TARGET)}** of pgbench running Kedai's own statements (target ≥ "
                 f"{TRANSCRIPT_TARGET:.0%}: {status(vs_transcript >= TRANSCRIPT_TARGET)}), each the lower of the "
                 "client counts.")
        add(text)
        add("")

    add("## Targets")
    add("")
    add("| target | measured | status |")
    add("|---|---|---|")
    for o in headline:
        k = o["kedai"]
        if o.get("ideal"):
            r = k["rps"] / o["ideal"]["rps"]
            add(f"| order creation, PostgreSQL, {o['clients']} clients ≥ {IDEAL_TARGET:.0%} of the least SQL "
                f"(order_ideal.sql) | {pct(r, IDEAL_TARGET)} | {status(r >= IDEAL_TARGET)} |")
        r = k["rps"] / o["baseline"]["rps"]
        add(f"| order creation, PostgreSQL, {o['clients']} clients ≥ {TRANSCRIPT_TARGET:.0%} of Kedai's statements "
            f"(order_create.sql) | {pct(r, TRANSCRIPT_TARGET)} | {status(r >= TRANSCRIPT_TARGET)} |")
    for o in R["orders"]:
        if o["clients"] in HEADLINE_CLIENTS:
            k = o["kedai"]
            tail = k["p99_us"] / k["p50_us"] if k["p50_us"] else float("inf")
            add(f"| order creation, {BACKEND[o['backend']]}, {o['clients']} clients: p99 ≤ {TAIL_LIMIT:.0f}× p50 "
                f"| {ms(k['p99_us'])} / {ms(k['p50_us'])} = {tail:.1f}× | {status(tail <= TAIL_LIMIT)} |")
    for o in R["orders"]:
        if o["backend"] == "sqlite" and o["clients"] == 8:
            rps = o["kedai"]["rps"]
            add(f"| order creation, SQLite, 8 clients ≥ {SQLITE_ORDERS:,} orders/s | {rps:,.0f}/s "
                f"| {status(rps >= SQLITE_ORDERS)} |")
    for rd in R["reads"]:
        if rd["name"] in READ_TARGETS:
            r = rd["kedai"]["rps"] / rd["baseline"]["rps"]
            add(f"| {rd['name']} ≥ {READ_TARGET:.0%} of its SQL | {pct(r, READ_TARGET)} | {status(r >= READ_TARGET)} |")
    for a in R["analytics"]:
        r = a["kedai_ms"] / a["baseline_ms"]
        limit = analytics_limit(a)
        add(f"| {a['name']} ≤ {limit:g}× the raw SQL | {r:.2f}× | {status(r <= limit)} |")
    ob = R.get("outbound") or {}
    if ob:
        limit = min(ob["receiver"]["rps"], ob["statements"]["rps"])
        r = ob["postgres"]["rps"] / limit
        add(f"| webhook deliveries, PostgreSQL ≥ {WORKER_TARGET:.0%} of the lower of the receiver's capacity "
            f"and the worker's statements | {pct(r, WORKER_TARGET)} | {status(r >= WORKER_TARGET)} |")
    for backend in ("postgres", "sqlite"):
        rows = [s for s in R.get("search", []) if s["backend"] == backend]
        if rows:
            worst = max(rows, key=lambda s: s["p50_us"])
            orders = (R.get("bulk") if backend == "postgres" else R.get("bulk_sqlite")) or {}
            add(f"| order search on the {orders.get('orders', 0):,}-order merchant, {BACKEND[backend]}: p50 ≤ "
                f"{SEARCH_P50_MS} ms for every term | slowest: {worst['kind']} `{worst['term']}` "
                f"{ms(worst['p50_us'])} | {status(worst['p50_us'] <= SEARCH_P50_MS * 1000)} |")
    add("")

    add("## Order creation with FIFO allocation (`POST /v1/orders`)")
    add("")
    add("Three products per order, two units each, from lots of three units, so about half of the lines "
        "span two lots. Kedai is driven over HTTP by `wrk`. Two baselines run under `pgbench -M prepared` at "
        "the same concurrency, each on a fresh copy of the same database:")
    add("")
    add("- **least SQL**, [`bench/order_ideal.sql`](bench/order_ideal.sql): the database's limit for this order. "
        "One statement: a chain of CTEs that locks the oldest open lots of the three products in product order, "
        "takes the stock with one guarded `UPDATE ... RETURNING`, and inserts the allocations and ledger rows "
        "from its result, the order (numbered by `kedai_next_order_number`), its items, its first status-history "
        "row and its outbox event, one `INSERT` per table; no session check, no reads beyond the products and "
        "the merchant's currency.")
    add("- **Kedai's statements**, [`bench/order_create.sql`](bench/order_create.sql): statement for statement "
        "what Kedai sends: the session check, which reads the merchant too; then in one transaction the products, "
        "one read that "
        "locks every product's oldest open lots (product by product, FIFO within each), one guarded `UPDATE` "
        "taking from every lot planned, one `INSERT` of the allocations and one of the ledger rows; the order "
        "number from the merchant's sequence for the year (`SELECT kedai_next_order_number(...)`: no lock held "
        "to commit), the products' images, the order, its items in one `INSERT`, its history and outbox rows: "
        "14 statements (`BEGIN` and `COMMIT` counted) where the least SQL sends one.")
    add("")
    add("| backend | clients | Kedai orders/s | p50 | p99 | errors | least SQL tx/s | p50 | p99 "
        "| Kedai's SQL tx/s | p50 | p99 | Kedai / least | Kedai / its SQL |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for o in R["orders"]:
        k, b, i = o["kedai"], o["baseline"], o.get("ideal")
        errs = k["errors_status"] + k["errors_other"]
        row = f"| {o['backend']} | {o['clients']} | {k['rps']:.0f} | {ms(k['p50_us'])} | {ms(k['p99_us'])} | {errs} "
        row += f"| {i['rps']:.0f} | {ms(i['p50_us'])} | {ms(i['p99_us'])} " if i else "| — | — | — "
        row += f"| {b['rps']:.0f} | {ms(b['p50_us'])} | {ms(b['p99_us'])} " if b else "| — | — | — "
        row += f"| {k['rps'] / i['rps']:.0%} " if i else "| — "
        row += f"| {k['rps'] / b['rps']:.0%} |" if b else "| — |"
        add(row)
    add("")
    checked = [(o, name, o[key]) for o in R["orders"] for name, key in
               (("Kedai", "kedai"), ("least SQL", "ideal"), ("Kedai's SQL", "baseline"))
               if o.get(key) and "short_orders" in o[key]]
    if checked:
        def failed(c: dict) -> bool:
            lost = "transactions" in c and c["transactions"] != c["orders_stored"]
            return bool(c["unbalanced_lots"] or c["short_orders"] or c["fifo_skips"] or lost)

        bad = [c for c in checked if failed(c[2])]
        runs = ", ".join(f"{name} on {o['backend']} at {o['clients']}: {c['orders_stored']}" for o, name, c in checked)
        if not bad:
            add("After every run, for Kedai and both baselines, the stock ledger explained every lot, every order's "
                "allocations added up to its lines, no lot was taken from while an older lot of its product "
                "still held stock (FIFO), and every pgbench transaction stored its order. "
                f"Orders stored (warm-up included): {runs}.")
        else:
            add("**Checks failed after " + "; ".join(
                f"{name} on {o['backend']} at {o['clients']} clients ({c['unbalanced_lots']} lots the ledger does "
                f"not explain, {c['short_orders']} orders whose allocations miss their lines, {c['fifo_skips']} "
                f"lots taken out of FIFO order, {c['orders_stored']} orders stored"
                + (f" by {c['transactions']} transactions" if "transactions" in c else "") + ")"
                for o, name, c in bad) + f".** Orders stored (warm-up included): {runs}.")
        retried = [(o, c) for o, name, c in checked if name == "Kedai's SQL" and c.get("retried")]
        if retried:
            add("")
            add("pgbench retried " + ", ".join(f"{c['retried']} transactions at {o['clients']} clients"
                                               for o, c in retried)
                + " of Kedai's statements whose lots were lost to concurrent orders 8 times, as Kedai retries "
                  "its unit of work.")
        add("SQLite has no external baseline: pgbench speaks only PostgreSQL's protocol.")
        add("")
    name = chart()
    if name:
        add(f"![Throughput and p99 latency against concurrency](bench/{name})")
        add("")

    if R.get("bulk"):
        b = R["bulk"]
        add("## Bulk data (`kedai seed-bulk`)")
        add("")
        add(f"{b['orders']:,} orders ({b['order_items']:,} items, {b['stock_allocations']:,} allocations, "
            f"{b['stock_movements']:,} ledger rows, {b['status_history']:,} status changes, {b['payments']:,} payments, "
            f"{b['lots']:,} lots) for {b['products']} products and {b['customers']:,} customers loaded into PostgreSQL "
            f"with COPY in **{b['wall_seconds']:.0f} s** (`kedai seed-bulk --products 200 --customers 50000 "
            f"--orders {b['orders']}`). Final statuses: "
            + ", ".join(f"{k} {v:,}" for k, v in b["orders_by_status"].items()) + ".")
        s = R.get("bulk_sqlite")
        if s:
            size = f", {s['file_bytes'] / 2**30:.1f} GiB on disk" if s.get("file_bytes") else ""
            add(f"The same load into a SQLite file with batched inserts took **{s['wall_seconds']:.0f} s** "
                f"({s['orders']:,} orders{size}).")
        add("")

    if R["reads"]:
        add(f"## Reads on the bulk merchant ({R['reads'][0]['clients']} clients)")
        add("")
        add("Kedai over HTTP (`wrk`) against `pgbench -M prepared` running the SQL Kedai issues for the same request "
            "(session check included; the ids Kedai binds for a page's items, customers, stock and categories "
            "are the ones of the same page).")
        add("")
        add("| request | Kedai req/s | p50 | p99 | pgbench tx/s | p50 | p99 | ratio | SQL |")
        add("|---|---|---|---|---|---|---|---|---|")
        for rd in R["reads"]:
            k, b = rd["kedai"], rd["baseline"]
            add(f"| `GET {rd['path'].split('?')[0]}` {rd['name']} | {k['rps']:.0f} | {ms(k['p50_us'])} "
                f"| {ms(k['p99_us'])} | {b['rps']:.0f} | {ms(b['p50_us'])} | {ms(b['p99_us'])} "
                f"| {k['rps'] / b['rps']:.0%} | [{rd['script']}](bench/{rd['script']}) |")
        add("")

    if R.get("search"):
        add("## Order search on the bulk merchant (`GET /v1/orders?search=…&per_page=20`)")
        add("")
        add("One client, one request after another on a kept-alive connection, after two warm-ups, for "
            f"{m['seconds_per_point']} s (at least 10 and at most 1,000 requests), on the bulk merchant "
            "loaded into PostgreSQL and into SQLite. Terms are ones a merchant types and that find orders in the "
            "generated data; matches is the response's total.")
        add("")
        add("| backend | search | term | matches | p50 | p99 | requests |")
        add("|---|---|---|---|---|---|---|")
        for s in R["search"]:
            add(f"| {s['backend']} | {s['kind']} | `{s['term']}` | {s['matches']:,} | {ms(s['p50_us'])} "
                f"| {ms(s['p99_us'])} | {s['requests']} |")
        add("")

    if R["analytics"]:
        add("## Analytics on the bulk merchant")
        add("")
        add("Median of 7 sequential requests after 2 warm-ups, against the median of 7 `psql` runs (after 2 warm-ups; with JIT on and off, the faster) of the raw SQL "
            "aggregate that answers the same question (`\\timing`).")
        add("")
        add("| request | Kedai | raw SQL | ratio | SQL |")
        add("|---|---|---|---|---|")
        for a in R["analytics"]:
            add(f"| `GET {a['path']}` {a['name']} | {a['kedai_ms']:.0f} ms | {a['baseline_ms']:.0f} ms "
                f"| {a['kedai_ms'] / a['baseline_ms']:.2f}× | [{a['script']}](bench/{a['script']}) |")
        add("")

    if ob:
        add("## Webhook delivery by the outbox worker")
        add("")
        add(f"An outage: {ob['postgres']['events']:,} `order.created` events are recorded while no worker runs, for "
            "one endpoint on a receiver on this machine (bench/receiver.py, Python, answering 200 at once). Then "
            "`kedai serve` starts with its worker (16 jobs at a time, the default) and the clock runs until the "
            "receiver has every delivery: dispatch into deliveries, claims with leases, signing, posting and "
            "recording each attempt. Its two limits for the same work, measured in the same run at the same "
            "concurrency: the receiver's own capacity (`wrk` posting the same body, [bench/post.lua](bench/post.lua)) "
            "and the database's (`pgbench` running the worker's statements for one delivery, "
            "[bench/worker_job.sql](bench/worker_job.sql)).")
        add("")
        add("| | deliveries/s | backlog drain | RSS |")
        add("|---|---|---|---|")
        for backend in ("postgres", "sqlite"):
            d = ob[backend]
            add(f"| Kedai's worker, {BACKEND[backend]} | {d['rps']:,.0f}/s | {d['seconds']:.1f} s for "
                f"{d['events']:,} | {d['rss_kib'] / 1024:.0f} MiB |")
        add(f"| the receiver alone (wrk, {ob['concurrency']} connections) | {ob['receiver']['rps']:,.0f}/s | | |")
        add(f"| the worker's statements (pgbench, {ob['concurrency']} clients, PostgreSQL) | "
            f"{ob['statements']['rps']:,.0f}/s | | |")
        add("")

    if R["micro"]:
        add("## Micro benchmarks (criterion)")
        add("")
        add("| benchmark | mean | 95% interval |")
        add("|---|---|---|")
        for mb in R["micro"]:
            add(f"| {mb['name']} | {fmt(mb['mean_ns'], 'ns')} | {fmt(mb['ci_low_ns'], 'ns')} – "
                f"{fmt(mb['ci_high_ns'], 'ns')} |")
        add("")

    comparison(add)

    notes = BENCH / "NOTES.md"
    if notes.exists():
        add(notes.read_text().rstrip())
        add("")

    add("## Commands")
    add("")
    add("```sh")
    add("make bench                      # everything below; installs wrk, pgbench and matplotlib if missing")
    add("BENCH_SECONDS=30 make bench     # longer points")
    add("BENCH_ORDERS=100000 make bench  # a smaller bulk merchant")
    add("python3 bench/bench.py orders   # only order creation (also: bulk for reads, search and analytics; micro)")
    add("cargo bench -p kedai-inventory -p kedai-orders   # only the micro benchmarks")
    add("```")
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
