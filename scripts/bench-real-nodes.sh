#!/usr/bin/env bash
# Real-node figures (a script, not a test): on a fresh cluster with REAL_NODES real nodes (default 3) among NODES
# (default 10), in a state directory of its own,
#   - seconds from the start of `pulumi up` (node-exporter only: HDFS disabled, its image is not built for real
#     nodes yet) until every real node serves http://<node IP>:9100/metrics, and how long `pulumi up` took;
#   - resident memory (VmRSS) of each real node's kubelet and containerd, and of everything in the node's
#     `system` cgroup (kubelet, containerd, shims, bridges) after the rollout.
# The cluster is stopped at the end.
#   scripts/bench-real-nodes.sh        (REAL_NODES=R NODES=N)
set -euo pipefail
export DAEMONSETS_STATE_DIR=${DAEMONSETS_STATE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.state/bench-real}
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
export REAL_NODES=${REAL_NODES:-3} NODES=${NODES:-10}
cd "$REPO_ROOT"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-real-nodes.XXXXXX")
cleanup() {
  pulumi destroy --stack bench --yes --non-interactive --config-file "$work/config.yaml" >/dev/null 2>&1 || true
  rm -f "$REPO_ROOT/Pulumi.bench.yaml"
  "$REPO_ROOT/scripts/cluster.sh" down >/dev/null || echo "bench-real-nodes: stopping the cluster FAILED" >&2
  rm -rf "$work"
}
trap cleanup EXIT
export PULUMI_BACKEND_URL=file://$work/backend
mkdir -p "$work/backend"

"$REPO_ROOT/scripts/cluster.sh" up --nodes "$NODES"
mapfile -t ips < <(kubectl get nodes -l type=real -o jsonpath='{range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}')
cat >"$work/config.yaml" <<EOF
config:
  k8s-daemonsets:nodeLabels: {node-2: {host: high-cpu}, node-5: {host: high-cpu}, node-8: {host: high-cpu}}
  k8s-daemonsets:hdfsNameNode: {enabled: false}
EOF
pulumi stack init bench --secrets-provider passphrase >/dev/null

start=$(date +%s%N)
pulumi up --stack bench --yes --non-interactive --skip-preview --config-file "$work/config.yaml" >"$work/up.log" 2>&1 &
up=$!
served=""
while [ -z "$served" ]; do
  ok=0
  for ip in "${ips[@]}"; do
    if curl -sf --max-time 1 -o /dev/null "http://$ip:9100/metrics"; then ok=$((ok + 1)); fi
  done
  if [ "$ok" -eq ${#ips[@]} ]; then served=$(date +%s%N); fi
  if [ -z "$served" ] && [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 300 ]; then
    cat "$work/up.log" >&2; echo "bench-real-nodes: metrics not served within 300s" >&2; exit 1
  fi
  sleep 0.2
done
wait "$up" || { cat "$work/up.log" >&2; exit 1; }
done_at=$(date +%s%N)
printf 'real nodes: %d of %d nodes\n' "${#ips[@]}" "$NODES"
printf 'pulumi up start -> every real node serves /metrics: %.1f s\n' "$(awk -v a="$served" -v b="$start" 'BEGIN {print (a - b) / 1e9}')"
printf 'pulumi up (node-exporter only, to the end of the rollout): %.1f s\n' "$(awk -v a="$done_at" -v b="$start" 'BEGIN {print (a - b) / 1e9}')"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mem=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ {print $2}' /proc/self/mounts)
for d in "$STATE_DIR"/real-nodes/*/; do
  name=$(basename "$d")
  [ -f "$d/index" ] || continue
  k=$(rss "$(cat "$d/pids/kubelet.pid")"); c=$(rss "$(cat "$d/pids/containerd.pid")")
  sys=$(($(cat "$mem/k8s-daemonsets/$name/system/memory.usage_in_bytes") / 1024))
  printf '%s: kubelet %d MiB, containerd %d MiB, kubelet + containerd %d MiB RSS; system cgroup (with shims, page cache) %d MiB\n' \
    "$name" $((k / 1024)) $((c / 1024)) $(((k + c) / 1024)) $((sys / 1024))
done
