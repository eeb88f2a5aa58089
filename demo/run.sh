#!/usr/bin/env bash
# make demo: start the simulated cybozu.com domain (cybozusim, loopback only)
# with the fixture company, run `cybridge check` against it, show the dry-run
# report, apply it, show the roster, change the simulated directory (a
# transfer, a leaver, a new hire, a suspension), show the second plan and
# apply it, list the run history, stop the simulator. Everything lives in a
# temporary database. The simulator's demo account is Administrator / cybozu (a demo
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
export CYBRIDGE_SAFETY_INITIAL_PASSWORD=demo-initial-1
# --- calendar-sync enrolments (targets/calendar): the policy ---
# Who may sync, in cybozu.com's dynamic-group condition syntax; Google
# calendar ids default to the work email for this domain.
export CYBRIDGE_CALENDAR_SCOPE='organization <= "sales" or group in ("pj+2025")'
export CYBRIDGE_CALENDAR_GOOGLE_DOMAINS=example.co.jp
# --- end calendar ---

step() { printf '\n== %s\n' "$*"; }

step "cybridge plan  (dry run: nothing is changed)"
"$BIN/cybridge" plan >"$work/plan1.txt" 2>/dev/null
sed -n '1,12p' "$work/plan1.txt"
echo "   ... ($(grep -c '^  [-+~!] ' "$work/plan1.txt") changes in all)"
tail -n 3 "$work/plan1.txt"

step "cybridge apply"
"$BIN/cybridge" apply | tail -n 4

# --- calendar-sync enrolments: created by the same run ---
step "cybridge calendar list  (one enrolment per user; permitted = active and in scope)"
"$BIN/cybridge" calendar list >"$work/cal1.txt"
sed -n '1,6p' "$work/cal1.txt"
echo "   ... ($(($(wc -l <"$work/cal1.txt") - 1)) enrolments: $(grep -c ' syncing ' "$work/cal1.txt") syncing, $(grep -c ' disabled ' "$work/cal1.txt") disabled)"
# --- end calendar ---

step "cybridge plan  (the same directory again: nothing to do)"
"$BIN/cybridge" plan -detailed-exitcode

step "cybridge roster export -format csv -kind departments"
"$BIN/cybridge" roster export -format csv -kind departments
step "cybridge roster export -format csv  (first members)"
"$BIN/cybridge" roster export -format csv | sed -n '1,8p'

step "the directory changes: t.yamaguchi transferred, j.ishii left, r.nakajima hired, y.mori suspended"
curl -fsS -X POST "$url/_sim/scenario?name=changes"

step "cybridge plan -out plan.json  (the second plan)"
"$BIN/cybridge" plan -out "$work/plan.json"

step "cybridge apply -plan plan.json  (exactly that plan)"
"$BIN/cybridge" apply -plan "$work/plan.json" | tail -n 1

# --- calendar-sync enrolments: the suspended user, then a scope change ---
step "cybridge calendar show y.mori  (suspended in cybozu.com: disabled, settings and history kept)"
"$BIN/cybridge" calendar show y.mori

step "scope change: CYBRIDGE_CALENDAR_SCOPE='group in (\"pj+2025\")'; h.sato permitted by hand first (a pin)"
"$BIN/cybridge" calendar permit h.sato
export CYBRIDGE_CALENDAR_SCOPE='group in ("pj+2025")'
step "cybridge plan  (the narrower scope disables the rest; the safeguard would hold the apply)"
"$BIN/cybridge" plan 2>/dev/null | grep -E '^calendar|^  ! |^  # |^Safeguards' | sed -n '1,6p;/Safeguards/,$p'
step "cybridge apply -allow-deletes"
"$BIN/cybridge" apply -allow-deletes | tail -n 1
step "cybridge calendar list -state syncing  (the project group, and h.sato's pin)"
"$BIN/cybridge" calendar list -state syncing
# --- end calendar ---

step "cybridge runs"
"$BIN/cybridge" runs
