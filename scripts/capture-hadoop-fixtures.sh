#!/usr/bin/env bash
# make hadoop-fixtures: test/fixtures/hadoop-<version>-{prom-metrics.txt,jmx.json} from running daemons of each
# Hadoop version given (default: every version the stack supports), on a fresh cluster with three real nodes of its
# own (state in .state/fixtures), stopped afterwards. See scripts/capture-hadoop-fixtures.ts.
#   scripts/capture-hadoop-fixtures.sh [VERSION...]
set -euo pipefail
export DAEMONSETS_STATE_DIR=${DAEMONSETS_STATE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.state/fixtures}
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if "$REPO_ROOT/scripts/cluster.sh" status >/dev/null 2>&1; then
  echo "capture: a cluster is running in $STATE_DIR: stop it first, or set DAEMONSETS_STATE_DIR to a directory of its own" >&2
  exit 1
fi
[ $# -gt 0 ] || set -- "${HADOOP_VERSIONS[@]}"
REAL_NODES=3 "$REPO_ROOT/tools/build.sh" # (the real nodes' families: every Hadoop version's image among them)
source "$REPO_ROOT/scripts/env.sh"
trap '"$REPO_ROOT/scripts/cluster.sh" down' EXIT
REAL_NODES=3 "$REPO_ROOT/scripts/cluster.sh" up --nodes 10
cd "$REPO_ROOT"
REAL_NODES=3 node --import tsx scripts/capture-hadoop-fixtures.ts "$@"
