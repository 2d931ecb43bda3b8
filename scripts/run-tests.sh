#!/usr/bin/env bash
# Runs a test tier against a fresh local cluster, which is always stopped afterwards.
#   scripts/run-tests.sh smoke|e2e        (NODES=N sets the cluster's node count, default 10)
# e2e runs in rounds, each on a fresh cluster: the files that need no real node (test/e2e/*.test.ts) on an
# all-kwok cluster, the real-node files (test/e2e/real-*.test.ts) on a cluster with REAL_NODES real nodes
# (default 3; REAL_NODES=0 skips the real-node rounds, for a machine that cannot run real nodes), then those that
# need four real nodes on a cluster with four. The all-kwok round runs beside the first real-node round, on a
# cluster and state directory of its own ($DAEMONSETS_STATE_DIR-kwok). E2E_FILES=pattern runs
# only the files whose name matches it (e.g. E2E_FILES=real-nodes).
# Exit code: the tests' exit code (non-zero as well if a cluster cannot be started or stopped).
set -euo pipefail
# Tests get a cluster and state of their own, so they never stop or change the one `make up` started.
export DAEMONSETS_STATE_DIR=${DAEMONSETS_STATE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.state/tests}
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

tier=${1:-}
case $tier in
  smoke | e2e) ;;
  *) echo "usage: $0 smoke|e2e" >&2; exit 2 ;;
esac
dir=$REPO_ROOT/test/$tier
[ -d "$dir" ] || { echo "run-tests: no $tier tests: directory test/$tier does not exist" >&2; exit 1; }
mapfile -t files < <(find "$dir" -maxdepth 1 -type f -name '*.test.ts' | sort)
[ ${#files[@]} -gt 0 ] || { echo "run-tests: no $tier tests: no test/$tier/*.test.ts" >&2; exit 1; }
if [ -n "${E2E_FILES:-}" ]; then
  mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -E -- "$E2E_FILES" || true)
  [ ${#files[@]} -gt 0 ] || { echo "run-tests: no $tier test file matches E2E_FILES=$E2E_FILES" >&2; exit 1; }
fi
# e2e: 3 real nodes for the real-node files (the dev stack's labelled hosts); smoke: none.
if [ "$tier" = e2e ]; then export REAL_NODES=${REAL_NODES:-3}; else export REAL_NODES=${REAL_NODES:-0}; fi
# A real-node file that needs four real nodes says so in a line "// e2e-real-nodes: 4" (replication 3 beside a host
# to drain): it runs in a round of its own, on a fresh cluster with one more real node (node-3).
kwok_files=() real_files=() real4_files=()
for f in "${files[@]}"; do
  case $(basename "$f") in
    real-*) if grep -qx '// e2e-real-nodes: 4' "$f"; then real4_files+=("$f"); else real_files+=("$f"); fi ;;
    *) kwok_files+=("$f") ;;
  esac
done
if [ "$REAL_NODES" -eq 0 ] && [ $((${#real_files[@]} + ${#real4_files[@]})) -gt 0 ]; then
  echo "run-tests: REAL_NODES=0: not running ${real_files[*]#"$REPO_ROOT/"} ${real4_files[*]#"$REPO_ROOT/"} (they need real nodes: REAL_NODES=3)"
  real_files=() real4_files=()
fi
[ -x "$REPO_ROOT/node_modules/.bin/tsx" ] ||
  { echo "run-tests: npm dependencies missing: run 'make deps' (npm ci --ignore-scripts)" >&2; exit 1; }
export NODES=${NODES:-10}

# The smoke tier records pulumi's network connections with strace (Debian package).
if [ "$tier" = smoke ] && ! command -v strace >/dev/null; then
  echo "run-tests: installing strace"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace; } >/dev/null ||
    { echo "run-tests: could not install strace (apt-get install strace)" >&2; exit 1; }
fi
# The real-node HDFS suites capture what crosses the nodes' bridge with tcpdump (Debian bookworm's, pinned).
TCPDUMP_VERSION=4.99.3-1
if [ "$tier" = e2e ] && [ "$REAL_NODES" -gt 0 ] && [ "$(dpkg-query -W -f '${Version}' tcpdump 2>/dev/null)" != "$TCPDUMP_VERSION" ]; then
  echo "run-tests: installing tcpdump $TCPDUMP_VERSION"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "tcpdump=$TCPDUMP_VERSION"; } >/dev/null ||
    { echo "run-tests: could not install tcpdump $TCPDUMP_VERSION (apt-get install tcpdump=$TCPDUMP_VERSION)" >&2; exit 1; }
fi

"$REPO_ROOT/tools/build.sh"
source "$REPO_ROOT/scripts/env.sh" # again: links the freshly built provider into PULUMI_HOME

# The all-kwok round of e2e runs beside the real-node rounds, on a cluster of its own (a state directory, ports and
# Pulumi backend of its own; an all-kwok cluster leaves the real nodes' machine-wide names alone): its files need no
# real node, and the real rounds spend most of their time waiting on HDFS's timers. Its output comes in one piece
# when it ends.
KWOK_STATE_DIR=$DAEMONSETS_STATE_DIR-kwok
in_kwok_state() { (export DAEMONSETS_STATE_DIR=$KWOK_STATE_DIR; source "$REPO_ROOT/scripts/env.sh"; "$@"); }
beside=""
[ "$tier" = e2e ] && [ ${#kwok_files[@]} -gt 0 ] && [ $((${#real_files[@]} + ${#real4_files[@]})) -gt 0 ] && beside=1

"$REPO_ROOT/scripts/cluster.sh" down
tests="" kwok_round=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$kwok_round" ]; then kill -TERM "$kwok_round" 2>/dev/null || true; wait "$kwok_round" 2>/dev/null || true; fi
  "$REPO_ROOT/scripts/cluster.sh" down || { echo "run-tests: stopping the cluster FAILED" >&2; [ $rc -ne 0 ] || rc=1; }
  if [ -n "$beside" ]; then
    in_kwok_state "$REPO_ROOT/scripts/cluster.sh" down ||
      { echo "run-tests: stopping the all-kwok cluster FAILED" >&2; [ $rc -ne 0 ] || rc=1; }
  fi
  exit $rc
}
stop() { # on INT/TERM: stop the test runs (each its own process group, test-file subprocesses included), then exit
  if [ -n "$tests" ]; then kill -TERM -- "-$tests" 2>/dev/null || true; wait "$tests" 2>/dev/null || true; fi
  exit "$1"
}
trap cleanup EXIT
trap 'stop 130' INT
trap 'stop 143' TERM

cd "$REPO_ROOT"
rc=0
round_cluster() { # round_cluster REAL_NODES: a fresh cluster with that many real nodes
  "$REPO_ROOT/scripts/cluster.sh" down
  REAL_NODES=$1 "$REPO_ROOT/scripts/cluster.sh" up --nodes "$NODES"
}
round_tests() { # round_tests REAL_NODES FILE...: the files on the running cluster, one at a time (they share it)
  local real=$1; shift
  echo "run-tests: $tier (REAL_NODES=$real): ${*#"$REPO_ROOT/"}"
  for file in "$@"; do
    set -m # each test run gets its own process group, so a signal can stop all of it
    REAL_NODES=$real node --import tsx --test --test-reporter=spec "$file" &
    tests=$!
    set +m
    wait "$tests" || rc=$?
    tests=""
  done
}
run_round() { # run_round REAL_NODES FILE...: a fresh cluster with that many real nodes, then the files on it
  [ $# -gt 1 ] || return 0
  round_cluster "$1"
  round_tests "$@"
}
kwok_log=$KWOK_STATE_DIR/logs/e2e.log
kwok_round_end() { # waits for the all-kwok round, prints its output and takes its exit code
  [ -n "$kwok_round" ] || return 0
  local kwok_rc=0
  wait "$kwok_round" || kwok_rc=$?
  kwok_round=""
  echo "run-tests: the all-kwok round's output ($kwok_log):"
  cat "$kwok_log"
  echo "run-tests: the all-kwok round exited with $kwok_rc"
  [ "$kwok_rc" -eq 0 ] || rc=$kwok_rc
}

if [ -n "$beside" ]; then
  # Up before the real round's cluster, so the two never pick the same free ports.
  in_kwok_state round_cluster 0
  mkdir -p "$(dirname "$kwok_log")"
  ( # its own traps: a TERM from cleanup stops its test run, then its cluster
    tests=""
    trap 'in_kwok_state "$REPO_ROOT/scripts/cluster.sh" down >/dev/null 2>&1' EXIT
    trap 'stop 143' TERM
    export DAEMONSETS_STATE_DIR=$KWOK_STATE_DIR
    source "$REPO_ROOT/scripts/env.sh"
    round_tests 0 "${kwok_files[@]}"
    trap - EXIT # stopped here, once, with its output in the log
    "$REPO_ROOT/scripts/cluster.sh" down
    exit $rc
  ) >"$kwok_log" 2>&1 &
  kwok_round=$!
  echo "run-tests: $tier (REAL_NODES=0) beside the real-node rounds, on its own cluster: ${kwok_files[*]#"$REPO_ROOT/"}"
else
  run_round 0 "${kwok_files[@]}"
fi
run_round "$REAL_NODES" "${real_files[@]}"
kwok_round_end # before the next real cluster starts: the two clusters are never being set up at the same time
run_round "$((REAL_NODES > 4 ? REAL_NODES : 4))" "${real4_files[@]}"
echo "run-tests: $tier tests exited with $rc"
exit $rc
