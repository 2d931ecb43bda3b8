#!/usr/bin/env bash
# The project's local Kubernetes cluster: kwokctl's binary runtime with the locally built etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok controller, on 127.0.0.1 only.
# kwok fakes the kubelets of simulated nodes (Ready, heartbeats, pods Running); the real
# controller-manager and scheduler create and place the pods.
#
#   scripts/cluster.sh up [--nodes N] [--keep-running]
#                                          start it with nodes node-1..node-N (default 10, at most 3000; node-1 is
#                                          tainted as a control-plane node); refuses if a cluster is running, unless
#                                          --keep-running (`make up`) and it has this shape: the same nodes, the same
#                                          real ones with their kubelets and the KDC up, every node Ready
#                                          REAL_NODES=R (default 0): R of them are real nodes (a real kubelet,
#                                          containerd and runc each; node-2, node-5, node-8 first), see
#                                          scripts/real-nodes.sh, and a Kerberos KDC on their bridge
#                                          (scripts/kdc.sh); the others are simulated by kwok
#   scripts/cluster.sh down                stop every process and remove the cluster's state, real nodes' (and the
#                                          KDC's) namespaces, mounts, links and cgroups included (idempotent)
#   scripts/cluster.sh status              components up/down, real nodes, `kubectl get nodes` (exit 3 if not running)
#   scripts/cluster.sh add-node NAME [--real]  a node joins (Ready, with a free 127.0.1.x address, or with --real
#                                          a real node at 10.213.0.x)
#   scripts/cluster.sh remove-node NAME    a node leaves (a real node's kubelet and runtime stop; its Node and the
#                                          pods bound to it are deleted)
#   scripts/cluster.sh stop | start        stop the control plane keeping its state, start it again
#   scripts/cluster.sh real-node-processes one line per real node: NAME KUBELET_PID CONTAINERD_PID and the path of
#                                          its `system` memory cgroup (for measurements; "-" where missing)
#
# State: $STATE_DIR/kwok (kwok's workdir: the cluster's config, pki, etcd data, pids, component logs),
# $STATE_DIR/kubeconfig, logs in $STATE_DIR/logs (component logs are copied there by `down`).
set -eEuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
trap 'rc=$?; echo "cluster.sh: FAILED (exit $rc) at line $LINENO: $BASH_COMMAND" >&2; exit $rc' ERR

CLUSTER=daemonsets
export KWOK_WORKDIR=$STATE_DIR/kwok          # kwokctl keeps everything (and reads kwok.yaml) here
CLUSTER_DIR=$KWOK_WORKDIR/clusters/$CLUSTER
LOG_DIR=$STATE_DIR/logs
mkdir -p "$LOG_DIR"

die() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*"; }
source "$(dirname "${BASH_SOURCE[0]}")/real-nodes.sh"
source "$(dirname "${BASH_SOURCE[0]}")/kdc.sh"

# pids of the cluster's components: from kwokctl's pid files, plus any process running a binary from the
# cluster's bin dir (a component whose pid file is gone). Zombies do not count.
alive() { # the process exists and is not a zombie
  local state; state=$(sed -n 's/^.*) \([A-Za-z]\) .*$/\1/p' "/proc/$1/stat" 2>/dev/null || true)
  [ -n "$state" ] && [ "$state" != Z ]
}
alive_of() { local p; for p in "$@"; do if alive "$p"; then echo "$p"; fi; done; }
component_pids() {
  local f
  # shellcheck disable=SC2046
  alive_of $({
    for f in "$CLUSTER_DIR"/pids/*.pid; do if [ -f "$f" ]; then cat "$f"; echo; fi; done
    pgrep -f -- "^$CLUSTER_DIR/bin/" || true
  } | sort -un)
}
listening() { # listening TCP sockets of the given pids
  [ $# -gt 0 ] || return 0
  local re; re=$(printf 'pid=%s,|' "$@"); re=${re%|}
  ss -ltnpH 2>/dev/null | grep -E "$re" || true
}

elapsed() { local ms=$((($(date +%s%N) - $1) / 1000000)); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }
kctl() { kubectl --kubeconfig "$KUBECONFIG" --request-timeout=10s "$@"; }

bin() { # bin FAMILY NAME: path of a locally built tool, or a clear error
  local p; p="$(tool_bin_dir "$1")/$2"
  [ -x "$p" ] || die "$2 not built ($p missing): run tools/build.sh (make tools) first"
  echo "$p"
}

# ---- nodes ----

# A simulated node's address and pod CIDR by its index, 250 to a block (unique up to index 3000):
# indexes 1-250 get 127.0.1.1-250 and 10.244.1-250.0/24, indexes 251-500 127.0.2.x and 10.245.x.0/24, and so on.
node_address() { echo "127.0.$((($1 - 1) / 250 + 1)).$((($1 - 1) % 250 + 1))"; }     # node_address INDEX
node_pod_cidr() { echo "10.$((($1 - 1) / 250 + 244)).$((($1 - 1) % 250 + 1)).0/24"; } # node_pod_cidr INDEX

node_manifest() { # node_manifest NAME INDEX [control-plane]
  local name=$1 i=$2 cp=${3:-}
  local cidr; cidr=$(node_pod_cidr "$i")
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    type: kwok
EOF
  [ -z "$cp" ] || echo '    node-role.kubernetes.io/control-plane: ""'
  echo "spec:"
  echo "  podCIDR: $cidr"
  echo "  podCIDRs: [$cidr]"
  [ -z "$cp" ] || printf '  taints:\n  - key: node-role.kubernetes.io/control-plane\n    effect: NoSchedule\n'
  cat <<EOF
status:
  addresses:
  - {type: InternalIP, address: $(node_address "$i")}
  - {type: Hostname, address: $name}
  allocatable: {cpu: "64", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti}
  capacity: {cpu: "64", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: $KUBERNETES_VERSION
EOF
}

wait_nodes_ready() { # wait_nodes_ready TIMEOUT_S NAME...
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout)) ready
  while :; do
    ready=$(kctl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
      grep -Fxc -f <(printf '%s=True\n' "$@") || true)
    [ "$ready" -eq $# ] && return 0
    [ $SECONDS -lt $deadline ] || { kctl get nodes -o wide >&2 || true; die "only $ready of $# nodes Ready after ${timeout}s"; }
    sleep 0.5
  done
}

free_node_index() { # smallest i in 1..253 with neither its node_address nor $REAL_NET.i used by a node
  local used i
  used=$(kctl get nodes -o jsonpath='{range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}')
  used+=$'\n'$(cat "$REAL_DIR"/*/index 2>/dev/null | sed "s/^/$REAL_NET./" || true)
  for i in $(seq 1 253); do
    grep -qxF -e "$(node_address "$i")" -e "$REAL_NET.$i" <<<"$used" || { echo "$i"; return 0; }
  done
  die "no free node address left"
}

cmd_add_node() {
  local name=${1:?usage: cluster.sh add-node NAME [--real]} real=${2:-}
  [ -n "$(component_pids)" ] || die "no cluster running (scripts/cluster.sh up)"
  kctl get node "$name" >/dev/null 2>&1 && die "node $name already exists"
  if [ "$real" = --real ]; then
    real_preflight
    real_bins
    real_node_start "$name" "$(free_node_index)"
    say "real node $name joined and is Ready"
    return 0
  fi
  [ -z "$real" ] || die "add-node: unknown argument '$real' (usage: cluster.sh add-node NAME [--real])"
  node_manifest "$name" "$(free_node_index)" | kctl create -f - >/dev/null
  wait_nodes_ready 30 "$name"
  say "node $name joined and is Ready"
}

cmd_remove_node() {
  local name=${1:?usage: cluster.sh remove-node NAME}
  kctl get node "$name" >/dev/null || die "no node $name"
  # A real node's kubelet and runtime stop first (its containers with them), as when a machine goes away.
  if [ -f "$REAL_DIR/$name/index" ]; then real_node_stop "$name"; fi
  kctl delete node "$name" --wait=true >/dev/null
  # A vanished kubelet never confirms its pods' deletion and the pod GC only removes pods of a missing node
  # after a 40s quarantine, so do what it would do: delete the pods bound to the node.
  kctl delete pods --all-namespaces --field-selector "spec.nodeName=$name" --grace-period=0 --force \
    --wait=true >/dev/null 2>&1
  say "node $name removed"
}

# ---- up / down / status ----

# up --keep-running on a running cluster: keeps it if it has the asked shape, else says how it differs.
keep_running() { # keep_running NODES REAL_INDEX...
  local nodes=$1 i; shift
  local want_real=() want=()
  for i in "$@"; do want_real+=("node-$i"); done
  for i in $(seq 1 "$nodes"); do want+=("node-$i"); done
  local how="run 'make down' (it destroys the dev stack) or 'scripts/cluster.sh down' first"
  [ "$(kctl get --raw /readyz 2>/dev/null)" = ok ] || die "cluster '$CLUSTER' is running but its apiserver is not ready: $how"
  local have have_real
  have=$(kctl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort -V | paste -sd' ')
  have_real=$(real_nodes_list | sort -V | paste -sd' ')
  local asked="${#want[@]} nodes (${#want_real[@]} real${want_real:+: ${want_real[*]}})"
  [ "$have" = "${want[*]}" ] && [ "$have_real" = "$(printf '%s\n' "${want_real[@]}" | sort -V | paste -sd' ')" ] ||
    die "cluster '$CLUSTER' is running with nodes [$have] (real: [${have_real:-none}]), not the $asked asked for: $how"
  for i in "${want_real[@]}"; do
    [ -n "$(real_node_pid "$REAL_DIR/$i" kubelet)" ] || die "cluster '$CLUSTER' is running but real node $i's kubelet is not: $how"
  done
  [ ${#want_real[@]} -eq 0 ] || [ -n "$(kdc_pid)" ] || die "cluster '$CLUSTER' is running but its Kerberos KDC is not: $how"
  local unready
  unready=$(kctl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    awk '$2 != "True" {print $1}' | paste -sd' ')
  [ -z "$unready" ] || die "cluster '$CLUSTER' is running but nodes $unready are not Ready: $how"
  say "cluster '$CLUSTER' already running with the $asked, every node Ready: kept"
  say "KUBECONFIG=$KUBECONFIG   (eval \"\$(make -s env)\" to use it)"
}

cmd_up() {
  local nodes=10 keep=""
  while [ $# -gt 0 ]; do
    case $1 in
      --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
      --nodes=*) nodes=${1#*=}; shift ;;
      --keep-running) keep=1; shift ;;
      *) die "up: unknown argument '$1' (usage: cluster.sh up [--nodes N] [--keep-running])" ;;
    esac
  done
  [[ $nodes =~ ^[1-9][0-9]*$ ]] && [ "$nodes" -le 3000 ] || die "--nodes must be 1..3000, got '$nodes'"
  [[ $REAL_NODES =~ ^[0-9]+$ ]] || die "REAL_NODES must be a number, got '$REAL_NODES'"
  local real=()
  if [ "$REAL_NODES" -gt 0 ]; then read -r -a real <<<"$(real_node_indexes "$REAL_NODES" "$nodes")"; fi
  local i; for i in "${real[@]}"; do [ "$i" -le 250 ] || die "REAL_NODES=$REAL_NODES: real nodes are node-1..node-250 only ($REAL_NET.x)"; done

  local pids; pids=$(component_pids)
  if [ -n "$pids" ]; then
    [ -n "$keep" ] || die "cluster '$CLUSTER' is already running (pids $(echo $pids)); run 'scripts/cluster.sh down' first"
    keep_running "$nodes" "${real[@]}"
    return
  fi
  if [ -d "$CLUSTER_DIR" ] || [ -d "$REAL_DIR" ]; then
    say "removing state of a stopped cluster left in $STATE_DIR"
    cmd_down >/dev/null
  fi
  if [ ${#real[@]} -gt 0 ]; then
    real_preflight
    real_bins
    kdc_bins
  fi

  local t0; t0=$(date +%s%N)
  local kube etcd kwok
  kube=$(bin kubernetes kube-apiserver); kube=$(dirname "$kube")
  etcd=$(bin etcd etcd)
  kwok=$(bin kwok kwok)
  bin kwok kwokctl >/dev/null
  [ "$(command -v kubectl)" = "$kube/kubectl" ] || die "kubectl on PATH is $(command -v kubectl || echo none), expected $kube/kubectl"

  # Options with no kwokctl flag; kwokctl reads $KWOK_WORKDIR/kwok.yaml by default.
  mkdir -p "$KWOK_WORKDIR"
  cat >"$KWOK_WORKDIR/kwok.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  # The kubernetes Service's IP (the apiserver's default range 10.0.0.0/24): real nodes' pods reach the
  # apiserver there (scripts/real-nodes.sh).
  kubeApiserverCertSANs: [10.0.0.1]
componentsPatches:
# kwok fakes the kubelets of its own nodes only (annotated kwok.x-k8s.io/node=fake, node_manifest), never a
# real node's or its pods' status.
- name: kwok-controller
  extraArgs:
  - {key: manage-all-nodes, value: "false", override: true}
  - {key: manage-nodes-with-annotation-selector, value: kwok.x-k8s.io/node=fake}
# The apiserver reaches real kubelets (logs, exec, port-forward) at their node IP, with the cluster's admin
# certificate.
- name: kube-apiserver
  extraArgs:
  # a kubelet (system:node:<name>, scripts/real-nodes.sh) changes only its own Node and the pods bound to it
  - {key: enable-admission-plugins, value: NodeRestriction}
  - {key: kubelet-client-certificate, value: $CLUSTER_DIR/pki/admin.crt}
  - {key: kubelet-client-key, value: $CLUSTER_DIR/pki/admin.key}
  # by the node's IP, never its host name (which would be a DNS lookup beyond the machine)
  - {key: kubelet-preferred-address-types, value: InternalIP}
EOF
  rm -f "$KUBECONFIG"
  say "starting cluster '$CLUSTER' (kwokctl binary runtime; log $LOG_DIR/kwokctl-up.log)"
  if ! kwokctl create cluster --name "$CLUSTER" --runtime binary \
      --kube-apiserver-binary "$kube/kube-apiserver" \
      --kube-controller-manager-binary "$kube/kube-controller-manager" \
      --kube-scheduler-binary "$kube/kube-scheduler" \
      --kwok-controller-binary "$kwok" \
      --etcd-binary "$etcd" \
      --kubeconfig "$KUBECONFIG" \
      --wait 60s --timeout 90s --quiet-pull >"$LOG_DIR/kwokctl-up.log" 2>&1; then
    tail -n 30 "$LOG_DIR/kwokctl-up.log" >&2
    for f in "$CLUSTER_DIR"/logs/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 10 "$f" >&2; }; done
    die "kwokctl create cluster failed (full log: $LOG_DIR/kwokctl-up.log); 'scripts/cluster.sh down' cleans up"
  fi
  [ -s "$KUBECONFIG" ] || die "kwokctl wrote no kubeconfig to $KUBECONFIG"
  kctl config use-context "kwok-$CLUSTER" >/dev/null

  # apiserver healthy, controller-manager and scheduler elected (their leases exist)
  local deadline=$((SECONDS + 60))
  until [ "$(kctl get --raw /readyz 2>/dev/null)" = ok ] &&
        kctl -n kube-system get lease kube-controller-manager kube-scheduler >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { kctl get --raw '/readyz?verbose' >&2 || true; die "apiserver not ready or controller-manager/scheduler not running after 60s (logs: $CLUSTER_DIR/logs)"; }
    sleep 0.5
  done

  local i names=()
  for i in $(seq 1 "$nodes"); do
    [[ " ${real[*]} " == *" $i "* ]] && continue
    node_manifest "node-$i" "$i" $([ "$i" -eq 1 ] && echo control-plane)
    echo ---
  done | kctl create -f - >/dev/null
  for i in $(seq 1 "$nodes"); do names+=("node-$i"); done
  for i in "${real[@]}"; do real_node_start "node-$i" "$i"; done
  # The real nodes' Kerberos realm, on their bridge.
  if [ ${#real[@]} -gt 0 ]; then kdc_up; fi
  wait_nodes_ready $((60 + nodes / 2)) "${names[@]}"

  local pids; pids=$(component_pids)
  local bad; bad=$(listening $pids | grep -Ev ' 127\.0\.0\.1:[0-9]+ ' || true)
  [ -z "$bad" ] || die "a component listens beyond 127.0.0.1: $bad"
  say "cluster '$CLUSTER' up with $nodes Ready nodes (${#real[@]} real${real:+: $(printf 'node-%s\n' "${real[@]}" | paste -sd' ')}) in $(elapsed "$t0")"
  say "KUBECONFIG=$KUBECONFIG   (eval \"\$(make -s env)\" to use it)"
}

cmd_down() {
  # Real nodes first: their KDC, their kubelets, runtimes and containers, namespaces, mounts, links, cgroups.
  kdc_down
  real_nodes_down
  local left; left=$(real_leftovers; kdc_leftovers)
  [ -z "$left" ] || die "real nodes left behind: $(echo $left)"
  local pids; pids=$(component_pids)
  if [ ! -d "$CLUSTER_DIR" ] && [ -z "$pids" ]; then
    rm -f "$KUBECONFIG"
    say "no cluster '$CLUSTER' running"
    return 0
  fi
  local ports; ports=$(listening $pids | awk '{print $4}' | sed 's/.*://' | sort -un)
  # keep the component logs of the last cluster for post-mortems (kwokctl delete removes them)
  if [ -d "$CLUSTER_DIR/logs" ]; then
    rm -rf "$LOG_DIR/components"; cp -r "$CLUSTER_DIR/logs" "$LOG_DIR/components"
  fi
  if [ -f "$CLUSTER_DIR/kwok.yaml" ]; then
    kwokctl delete cluster --name "$CLUSTER" --kubeconfig "$KUBECONFIG" >"$LOG_DIR/kwokctl-down.log" 2>&1 ||
      echo "cluster.sh: kwokctl delete cluster failed (see $LOG_DIR/kwokctl-down.log); stopping by pid" >&2
  fi
  # Anything kwokctl did not stop (or whose pid file it lost): SIGTERM, then SIGKILL, by pid.
  local deadline=$((SECONDS + 15)) left
  for pid in $pids; do if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi; done
  while left=$(alive_of $pids $(component_pids) | sort -u) && [ -n "$left" ]; do
    if [ $SECONDS -ge $deadline ]; then
      kill -KILL $left 2>/dev/null || true; sleep 1
      left=$(alive_of $left)
      [ -z "$left" ] || die "processes still running after SIGKILL: $(echo $left)"
      break
    fi
    sleep 0.2
  done
  # The components were re-parented to init; give it a moment to reap them so no zombie is left either.
  deadline=$((SECONDS + 10))
  while [ $SECONDS -lt $deadline ] && [ -n "$(for p in $pids; do if [ -e "/proc/$p" ]; then echo "$p"; fi; done)" ]; do
    sleep 0.2
  done
  rm -rf "$CLUSTER_DIR" "$KWOK_WORKDIR/kwok.yaml"
  rm -f "$KUBECONFIG"
  local p still=""
  for p in $ports; do ss -ltnH "sport = :$p" | grep -q . && still+=" $p"; done
  [ -z "$still" ] || die "ports still listening after stop:$still"
  say "cluster '$CLUSTER' stopped; no component process or port left${ports:+ (freed ports $(echo $ports))}"
}

cmd_status() {
  local f name pid state any=""
  if [ ! -d "$CLUSTER_DIR" ]; then
    echo "cluster '$CLUSTER': not created"
  else
    echo "cluster '$CLUSTER' ($CLUSTER_DIR):"
    for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller; do
      f=$CLUSTER_DIR/pids/$name.pid; pid=$(cat "$f" 2>/dev/null || true); state=down
      [ -n "$pid" ] && alive "$pid" && { state=up; any=1; }
      printf '  %-24s %-5s %s\n' "$name" "$state" "${pid:+pid $pid }$(listening ${pid:-} | awk '{printf "%s ", $4}')"
    done
  fi
  local name nd w
  for name in $(real_nodes_list); do
    nd=$REAL_DIR/$name
    printf '  real node %-14s %s ' "$name" "$REAL_NET.$(cat "$nd/index")"
    for w in init containerd kubelet bridge-loopback bridge-service; do
      printf '%s=%s ' "$w" "$([ -n "$(real_node_pid "$nd" "$w")" ] && echo up || echo down)"
    done
    echo
  done
  if [ -d "$KDC_DIR" ]; then
    printf '  kerberos kdc %-11s %s:88 %s\n' "$KDC_REALM" "$KDC_IP" "$([ -n "$(kdc_pid)" ] && echo up || echo down)"
  fi
  if [ -n "$any" ] && [ -s "$KUBECONFIG" ]; then
    # REAL: "real" for a real kubelet, "kwok" for a simulated node (the node's `type` label)
    kctl get nodes -o wide -L type | sed '1s/TYPE$/REAL-OR-SIMULATED/'
  fi
  [ -n "$any" ]
}

# The control plane stops (etcd keeps its data) and starts again: an outage in the middle of a deployment.
cmd_stop() {
  [ -n "$(component_pids)" ] || die "no cluster '$CLUSTER' running"
  kwokctl stop cluster --name "$CLUSTER" >>"$LOG_DIR/kwokctl-stop.log" 2>&1 || die "kwokctl stop cluster failed ($LOG_DIR/kwokctl-stop.log)"
  local deadline=$((SECONDS + 30))
  while [ -n "$(component_pids)" ]; do
    [ $SECONDS -lt $deadline ] || die "components still running 30s after stop: $(component_pids | tr '\n' ' ')"
    sleep 0.2
  done
  say "cluster '$CLUSTER' stopped (state kept; 'scripts/cluster.sh start' resumes it)"
}

cmd_start() {
  local start; start=$(date +%s%N)
  [ -d "$CLUSTER_DIR" ] || die "no stopped cluster '$CLUSTER' to start: use 'up'"
  [ -z "$(component_pids)" ] || die "cluster '$CLUSTER' is already running"
  kwokctl start cluster --name "$CLUSTER" >>"$LOG_DIR/kwokctl-start.log" 2>&1 || die "kwokctl start cluster failed ($LOG_DIR/kwokctl-start.log)"
  local deadline=$((SECONDS + 60))
  until [ "$(kctl get --raw /readyz 2>/dev/null)" = ok ]; do
    [ $SECONDS -lt $deadline ] || die "apiserver not ready 60s after start"
    sleep 0.5
  done
  say "cluster '$CLUSTER' started again in $(elapsed "$start")"
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  stop) shift; cmd_stop ;;
  start) shift; cmd_start ;;
  down) shift; cmd_down ;;
  status) shift; cmd_status || exit 3 ;;  # 3: not running
  add-node) shift; cmd_add_node "$@" ;;
  remove-node) shift; cmd_remove_node "$@" ;;
  real-node-processes) shift; real_nodes_processes ;;
  *) echo "usage: [REAL_NODES=R] $0 up [--nodes N] | down | status | stop | start | add-node NAME [--real] | remove-node NAME | real-node-processes" >&2; exit 2 ;;
esac
