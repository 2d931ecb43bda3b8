#!/usr/bin/env bash
# The dev stack on the local cluster (the main job): always the project's own cluster and state directory.
#   scripts/stack.sh up      pulumi up of the dev stack (Pulumi.dev.yaml with the local realm's keys for HDFS:
#                            .state/stack-config/Pulumi.dev.yaml), then a table of node -> labels -> pods, then
#                            the local Prometheus, Alertmanager and kube-state-metrics (scripts/local-monitoring.ts)
#   scripts/stack.sh down    stops those, then pulumi destroy of the dev stack (if it exists)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"
stack=${STACK:-dev}

case ${1:-} in
  up)
    pulumi stack select "$stack" --create --non-interactive --secrets-provider passphrase >/dev/null
    # The stack file with the environment's Kerberos material for HDFS (scripts/dev-stack-security.ts), if it needs any.
    config=$(node --import tsx scripts/dev-stack-security.ts "$stack")
    pulumi up --stack "$stack" ${config:+--config-file "$config"} --yes --non-interactive --diff=false
    node --import tsx scripts/placement-table.ts "$stack"
    node --import tsx scripts/local-monitoring.ts up "$stack"
    ;;
  down)
    node --import tsx scripts/local-monitoring.ts down
    if ! pulumi stack ls --json 2>/dev/null | grep -q "\"name\": \"$stack\""; then
      echo "stack: no $stack stack in $PULUMI_BACKEND_URL: nothing to destroy"
      exit 0
    fi
    if ! kubectl get --raw /readyz >/dev/null 2>&1; then
      echo "stack: the local cluster is not running: start it (make cluster-up) to destroy the $stack stack's objects" >&2
      exit 1
    fi
    pulumi destroy --stack "$stack" --yes --non-interactive
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
