#!/usr/bin/env bash
# make demo: start the simulated cybozu.com domain (cybozusim, loopback only)
# with the fixture company, run `cybridge check` against it, stop the
# simulator. The simulator's demo account is Administrator / cybozu (a demo
# value, not a secret). Expects `make build` to have built bin/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}

work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$BIN/cybozusim" -listen 127.0.0.1:0 -fixture company >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$work/sim.out")
  [ -n "$url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "cybozusim did not start:" >&2
  cat "$work/sim.err" >&2
  exit 1
fi

export CYBRIDGE_CYBOZU_URL="$url"
export CYBRIDGE_CYBOZU_LOGIN=Administrator
export CYBRIDGE_CYBOZU_PASSWORD=sim-demo-pass
export CYBRIDGE_DB="$work/cybridge.db"

echo "== simulated cybozu.com domain at $url (fixture: company)"
echo "== cybridge check"
"$BIN/cybridge" check
