#!/usr/bin/env bash
# `make bench`: installs what a fresh machine lacks (wrk, pgbench/psql, matplotlib), makes sure
# PostgreSQL answers, builds the release binary, then runs bench/bench.py, which rewrites
# BENCHMARKS.md and bench/throughput.png.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

command -v wrk >/dev/null || apt_install wrk
command -v pgbench >/dev/null || apt_install postgresql   # Debian ships pgbench with the server
command -v psql >/dev/null || apt_install postgresql-client

PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
if ! psql "$PG/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
  for _ in $(seq 1 30); do psql "$PG/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
fi
psql "$PG/postgres" -qAtc 'SELECT 1' >/dev/null || { echo "PostgreSQL does not answer at $PG" >&2; exit 1; }

VENV=target/bench-venv
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -c 'import matplotlib' 2>/dev/null || "$VENV/bin/pip" install -q matplotlib

cargo build --release -p kedai
"$VENV/bin/python" bench/bench.py "$@"
