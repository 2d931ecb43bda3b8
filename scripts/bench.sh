#!/usr/bin/env bash
# make bench: benchmarks of the program against kubectl on a fresh local cluster per size (scripts/bench.ts).
# Uses the cluster and Pulumi backend of $DAEMONSETS_STATE_DIR (default .state/); refuses to run if a cluster
# is already running there (it would be replaced), and always stops its own cluster at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if "$REPO_ROOT/scripts/cluster.sh" status >/dev/null 2>&1; then
  echo "bench: a cluster is running in $STATE_DIR: stop it first, or set DAEMONSETS_STATE_DIR to a directory of its own" >&2
  exit 1
fi
export KUBERNETES_VERSION PULUMI_KUBERNETES_VERSION PULUMI_NODEJS_HOST_VERSION KWOK_VERSION
cd "$REPO_ROOT"
exec node --import tsx scripts/bench.ts "$@"
