#!/usr/bin/env bash
# `make fuzz-api`: schemathesis against /openapi.json of a running demo server.
#
# Builds the debug binary, starts `kedai serve --demo` on a free port with a temporary data dir
# (SQLite), signs in as the demo owner and runs schemathesis with every response check: no 5xx,
# every status and content type documented, every body matching its schema, documented headers
# present, wrong methods answered 405 with `Allow`, auth not ignored. Then checks that every
# documented status was answered at least once by this run or is named in
# tools/fuzz-api/statuses-elsewhere.txt with the test that produces it.
# Exits non-zero on any failure.
#
# Knobs (environment):
#   FUZZ_MAX_EXAMPLES   test cases per operation and phase (default 100; CI uses fewer)
#   FUZZ_MAX_TIME       stop after this many seconds (default: no limit)
#   FUZZ_SEED           reproduce a run
#   FUZZ_WORKERS        concurrent schemathesis workers (default 1: with more, Python 3.11 can
#                       fail inside hypothesis with "AST constructor recursion depth mismatch")
#   FUZZ_STRICT_STATUS  1: a documented status never answered fails the run (default 1)
#   KEDAI_BIN           an already built kedai binary (default: cargo build -p kedai)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=$root/tools/fuzz-api
work=$root/target/fuzz-api
venv=$work/venv
mkdir -p "$work"

SCHEMATHESIS_VERSION=4.32.5
max_examples=${FUZZ_MAX_EXAMPLES:-100}
workers=${FUZZ_WORKERS:-1}
strict_status=${FUZZ_STRICT_STATUS:-1}

log() { printf '\n== %s\n' "$*"; }

log "schemathesis $SCHEMATHESIS_VERSION (venv in ${venv#"$root"/})"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$venv/bin/schemathesis" --version

if [ -z "${KEDAI_BIN:-}" ]; then
  log "cargo build -p kedai"
  cargo build -q -p kedai
  KEDAI_BIN=$root/target/debug/kedai
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/kedai-fuzz.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

log "kedai serve --demo on $base (data in $data)"
# Rate limits far above what the fuzzer sends: the limits themselves have their own tests, and a
# 429 here would only hide the answers under test.
KEDAI_DATA_DIR=$data \
KEDAI_DATABASE_URL=$data/kedai.db \
KEDAI_BIND=127.0.0.1:$port \
KEDAI_LOG=${KEDAI_LOG:-warn} \
KEDAI_RATE_LIMIT_PER_MINUTE=1000000 \
KEDAI_RATE_LIMIT_PER_IP_PER_MINUTE=1000000 \
KEDAI_LOGIN_FAILURES_PER_EMAIL=1000000 \
KEDAI_LOGIN_FAILURES_PER_EMAIL_AND_IP=1000000 \
KEDAI_LOGIN_FAILURES_PER_IP=1000000 \
KEDAI_OTP_PER_IP_PER_HOUR=1000000 \
  "$KEDAI_BIN" serve --demo >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "kedai exited" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base/ready" >/dev/null

export KEDAI_FUZZ_BASE_URL=$base
export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH=$here${PYTHONPATH:+:$PYTHONPATH}

# The demo owner of `kedai serve --demo` (README, "Set-up").
owner_email=owner@demo.kedai.dev
owner_password=kedai-demo-2026
sign_in() {
  curl -fsS -X POST "$base/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
# A staff member of ROLE, created by the owner just before its pass (the owner pass may well
# have deactivated or re-roled every staff member that existed during it).
new_staff() {
  local role=$1 email=$2 password=$3
  curl -fsS -o /dev/null -X POST "$base/v1/staff" \
    -H "Authorization: Bearer $(sign_in "$owner_email" "$owner_password")" \
    -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"role\":\"$role\"}"
}

status=0
rm -rf "$work"/report-*

# One pass per identity, signed in as it (hooks.py, SIGN_IN[kind]).
#   run_pass NAME KIND EMAIL PASSWORD MAX_EXAMPLES [schemathesis options...]
run_pass() {
  local name=$1 kind=$2 email=$3 password=$4 examples=$5; shift 5
  local report=$work/report-$name
  log "schemathesis: $name pass (max examples $examples per operation and phase)"
  local args=(
    run "$base/openapi.json"
    --checks all
    # A request the schema allows may still break a business rule the schema cannot express
    # (an order's figures, a coupon's window, product_id or inventory_id but not both); those
    # answer 4xx by design, so "schema-valid request rejected" is not a failure here.
    --exclude-checks positive_data_acceptance
    --max-examples "$examples"
    --workers "$workers"
    --request-timeout 30
    --report ndjson,junit
    --report-dir "$report"
    --no-color
  )
  [ -n "${FUZZ_SEED:-}" ] && args+=(--seed "$FUZZ_SEED")
  [ -n "${FUZZ_MAX_TIME:-}" ] && args+=(--max-time "$FUZZ_MAX_TIME")
  # From target/fuzz-api, so that schemathesis keeps its state (.schemathesis/) there.
  if ! (cd "$work" && KEDAI_FUZZ_IDENTITY=$kind KEDAI_FUZZ_EMAIL=$email KEDAI_FUZZ_PASSWORD=$password \
      "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" \
      "${args[@]}" "$@") 2>&1 | tee "$work/$name.log"; then
    status=1
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    local code=0
    wait "$server_pid" || code=$?
    server_pid=
    echo "kedai stopped during the $name pass (exit status $code); see $work/server.log" >&2
    exit 1
  fi
  if grep -q "PANICKED\|panicked at" "$work/server.log"; then
    echo "the server panicked during the $name pass; see $work/server.log" >&2
    status=1
  fi
}

run_pass owner staff "$owner_email" "$owner_password" "$max_examples"
# Two low roles, so that every "role may not" 403 is answered. These passes look for refusals,
# not for depth: a fifth of the examples each. A viewer may read everything but change nothing.
viewer_email=fuzz-viewer-$port@demo.kedai.dev
viewer_password=fuzz-viewer-password
new_staff viewer "$viewer_email" "$viewer_password"
run_pass viewer staff "$viewer_email" "$viewer_password" "$(( (max_examples + 4) / 5 ))" \
  --exclude-path-regex '^/v6/'
# An agent: unlike a viewer it may register customers, but it may not read reports.
agent_email=fuzz-agent-$port@demo.kedai.dev
agent_password=fuzz-agent-password
new_staff agent "$agent_email" "$agent_password"
run_pass agent staff "$agent_email" "$agent_password" "$(( (max_examples + 4) / 5 ))" \
  --exclude-path-regex '^/v6/'
# A customer of the demo merchant over the customer portal (the owner pass above met its
# customer routes with a staff token, which they refuse with 401).
# It reads the sign-in codes it registers with from the message log as the owner.
run_pass customer customer "$owner_email" "$owner_password" "$max_examples" \
  --include-path-regex '^/v6/customer-portal/'

log "documented statuses"
if ! "$venv/bin/python" "$here/status_coverage.py" \
    --openapi "$base/openapi.json" \
    --elsewhere "$here/statuses-elsewhere.txt" \
    --tests "$root/tests" \
    --strict "$strict_status" \
    "$work"/report-*/ndjson-*.ndjson; then
  status=1
fi

if [ "$status" = 0 ]; then log "fuzz-api: passed"; else log "fuzz-api: FAILED (logs and reports in ${work#"$root"/})"; fi
exit "$status"
