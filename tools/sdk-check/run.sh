#!/usr/bin/env bash
# `make sdk-check`: the OpenAPI document is one SDK generators accept. Validates it
# (openapi-spec-validator), generates a TypeScript client (openapi-typescript + openapi-fetch,
# compiled with tsc --strict) and a Python client (openapi-python-client), and makes one real call
# path with each against a demo server. Tools are pinned and installed under target/sdk-check.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=$root/tools/sdk-check
work=$root/target/sdk-check
venv=$work/venv
mkdir -p "$work"

log() { printf '\n== %s\n' "$*"; }

OPENAPI_SPEC_VALIDATOR_VERSION=0.7.2
OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
doc=$root/openapi/openapi.json

log "python tools (venv in ${venv#"$root"/})"
if [ ! -x "$venv/bin/openapi-python-client" ] \
    || ! "$venv/bin/pip" show openapi-python-client 2>/dev/null | grep -q "^Version: $OPENAPI_PYTHON_CLIENT_VERSION\$"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION" \
    "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION"
fi

log "openapi-spec-validator"
"$venv/bin/openapi-spec-validator" "$doc"

log "TypeScript client (openapi-typescript, openapi-fetch, tsc --strict)"
ts=$work/ts
rm -rf "$ts"
mkdir -p "$ts/generated"
cp "$here/package.json" "$here/tsconfig.json" "$here/client.ts" "$ts/"
(cd "$ts" && npm install --silent --no-audit --no-fund >/dev/null)
(cd "$ts" && npx --no-install openapi-typescript "$doc" -o generated/schema.d.ts >/dev/null)
(cd "$ts" && npx --no-install tsc -p tsconfig.json)

log "Python client (openapi-python-client)"
py=$work/py
rm -rf "$py"
"$venv/bin/openapi-python-client" generate --path "$doc" --output-path "$py" \
  --meta setup --config "$here/python-client.yaml" >/dev/null
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$py"
"$venv/bin/pip" install -q --disable-pip-version-check "$py"

if [ -z "${KEDAI_BIN:-}" ]; then
  log "cargo build -p kedai"
  cargo build -q -p kedai
  KEDAI_BIN=$root/target/debug/kedai
fi
data=$(mktemp -d "${TMPDIR:-/tmp}/kedai-sdk.XXXXXX")
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
export KEDAI_BASE_URL=http://127.0.0.1:$port
log "kedai serve --demo on $KEDAI_BASE_URL"
KEDAI_DATA_DIR=$data KEDAI_DATABASE_URL=$data/kedai.db KEDAI_BIND=127.0.0.1:$port KEDAI_LOG=warn \
  "$KEDAI_BIN" serve --demo >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$KEDAI_BASE_URL/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "kedai exited" >&2; exit 1; }
  sleep 0.2
done

log "TypeScript call"
node "$ts/dist/client.js"
log "Python call"
"$venv/bin/python" "$here/client.py"
log "sdk-check: passed"
