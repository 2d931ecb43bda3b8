# Real nodes of the local cluster, sourced by scripts/cluster.sh (REAL_NODES=N).
#
# A real node is a real kubelet with a real container runtime (containerd, runc, the CNI plugins), all
# built by tools/build.sh, registered with the control plane beside the kwok nodes. Each node has
#   - its own network namespace  $REAL_NETNS_PREFIX<node>, joined to the bridge $REAL_BRIDGE by a veth, with the
#     address $REAL_NET.<i> (node-i); the bridge has $REAL_NET.254. No default route, no NAT: a node reaches
#     nothing but its own namespace, the other nodes and the bridge. The control plane stays on 127.0.0.1: the
#     node's 127.0.0.1:<apiserver port> (and the kubernetes Service's IP, port 443) are forwarded over a unix
#     socket to the apiserver (tools/nodebridge);
#   - its own mount and UTS namespaces (scripts/real-node-init.sh): its own /var/lib/kubelet, /var/lib/containerd,
#     /run/containerd, /var/log/pods, /var/log/containers, /var/lib/hdfs, /etc/cni/net.d, /var/lib/cni, /run/netns
#     and /etc/resolv.conf and /etc/hosts (under $REAL_DIR/<node>/root), a sysfs of its network namespace, `/`
#     shared (HostToContainer propagation needs it), hostname = node name;
#   - its own cgroup parent $REAL_CGROUP/<node> in every cgroup v1 hierarchy: the kubelet's cgroupRoot, and
#     `system` under it for the node's own processes (containerd, kubelet, shims), so stopping a node kills
#     exactly the processes in its cgroups;
#   - its configs and logs under $REAL_DIR/<node>/{conf,logs} (copied to $LOG_DIR/real-nodes by `down`).
# The images the stacks name are imported into every node's containerd (tools/images, and the HDFS images of
# tools/hadoop: the default version's, and the rolling upgrade's when built), so nothing is pulled.

REAL_NODES=${REAL_NODES:-0}
REAL_DIR=$STATE_DIR/real-nodes
REAL_NET=10.213.0
REAL_BRIDGE=k8sds-br0
REAL_NETNS_PREFIX=k8s-daemonsets-
REAL_CGROUP=k8s-daemonsets
# The apiserver bridge's socket: a short path (a unix socket's path is limited to 107 bytes, and the state
# directory may be deep), one per state directory.
REAL_SOCKET=/run/k8s-daemonsets-$(printf %s "$STATE_DIR" | sha256sum | cut -c1-12).sock
# The dev stack's labelled hosts first, then the others in order (node-1, the tainted one, stays simulated).
REAL_NODE_ORDER=(2 5 8 3 4 6 7 9 10)
# The bridge, the namespaces' and cgroups' names and the addresses are the machine's: one state directory at a
# time may have real nodes. This file names the one that has them.
REAL_OWNER=/run/k8s-daemonsets-real-nodes.owner
# Paths of the machine that every real node has a directory of its own for (relative source under root/).
REAL_NODE_MOUNTS=(/var/lib/kubelet /var/lib/containerd /run/containerd /var/log/pods /var/log/containers
  /var/lib/hdfs /etc/cni/net.d /var/lib/cni)

real_cannot() {
  die "real nodes cannot run here: $*. Real nodes need root, network namespaces (ip netns), mount namespaces \
(unshare) and the cgroup v1 hierarchies; run with REAL_NODES=0 instead (every node simulated by kwok): \
REAL_NODES=0 scripts/cluster.sh up  (or REAL_NODES=0 make up / make test)"
}

# The indexes of the real nodes among node-1..node-NODES, REAL_NODES of them.
real_node_indexes() { # real_node_indexes COUNT NODES
  local count=$1 nodes=$2 i out=()
  for i in "${REAL_NODE_ORDER[@]}" $(seq 11 "$nodes"); do
    [ ${#out[@]} -lt "$count" ] || break
    [ "$i" -le "$nodes" ] && out+=("$i")
  done
  [ ${#out[@]} -eq "$count" ] || die "REAL_NODES=$count needs at least $((count + 1)) nodes (node-1 stays simulated); got --nodes $nodes"
  echo "${out[@]}"
}

cgroup_hierarchies() { # mount points of the cgroup v1 hierarchies (cpu, memory, pids, ..., name=systemd)
  awk '$3 == "cgroup" {print $2}' /proc/self/mounts
}
cgroup_all_hierarchies() { # and the unified (v2) one of a hybrid setup, where runc creates cgroups as well
  awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts
}

real_preflight() {
  [ "$(id -u)" -eq 0 ] || real_cannot "not running as root (uid $(id -u))"
  local owner; owner=$(cat "$REAL_OWNER" 2>/dev/null || true)
  if [ -n "$owner" ] && [ "$owner" != "$STATE_DIR" ] && { [ -d "$owner/real-nodes" ] || ip link show "$REAL_BRIDGE" >/dev/null 2>&1; }; then
    state_dir_running "$owner" && die "real nodes of another cluster are running on this machine (state directory $owner): stop them first \
(DAEMONSETS_STATE_DIR=$owner scripts/cluster.sh down), or use REAL_NODES=0"
    # A run stopped by force (its processes killed, no `down`) leaves the nodes' namespaces, links and cgroups: its
    # own `down` removes them, as it would have.
    say "real nodes of a cluster with no process left (state directory $owner) left their namespaces, links and cgroups on this machine: removing them"
    if [ -d "$owner" ]; then
      DAEMONSETS_STATE_DIR=$owner "$REPO_ROOT/scripts/cluster.sh" down >/dev/null
    else
      rm -f "$REAL_OWNER"
      real_nodes_down
    fi
    [ -z "$(real_leftovers)" ] || die "the leftovers of the real nodes of $owner could not all be removed: $(real_leftovers | paste -sd';')"
  fi
  local c
  for c in ip nsenter unshare mount openssl; do command -v "$c" >/dev/null || real_cannot "'$c' is not installed"; done
  local probe=${REAL_NETNS_PREFIX}probe-$$
  # `ip netns add` creates /run/netns (a mount of its own) the first time: `down` removes it again then.
  if [ ! -e /run/netns ]; then mkdir -p "$REAL_DIR"; echo /run/netns >>"$REAL_DIR/created-paths"; fi
  ip netns add "$probe" 2>/dev/null || real_cannot "cannot create a network namespace (ip netns add failed)"
  ip netns del "$probe"
  unshare --mount true 2>/dev/null || real_cannot "cannot create a mount namespace (unshare --mount failed)"
  local h need
  for need in cpu cpuset memory pids devices freezer; do
    h=$(cgroup_hierarchies | grep -E "/$need(,|$)" | head -n1 || true)
    [ -n "$h" ] || h=$(awk -v n="$need" '$3 == "cgroup" && $4 ~ ("(^|,)" n "(,|$)") {print $2; exit}' /proc/self/mounts)
    [ -n "$h" ] || real_cannot "no cgroup v1 '$need' hierarchy mounted (this cluster's kubelets use the cgroupfs driver on cgroup v1)"
    mkdir "$h/$REAL_CGROUP-probe-$$" 2>/dev/null || real_cannot "cannot create cgroups under $h"
    rmdir "$h/$REAL_CGROUP-probe-$$"
  done
}

real_bins() { # resolve every binary a real node needs (fails with how to build them)
  KUBELET=$(bin kubelet kubelet)
  CONTAINERD=$(bin containerd containerd)
  CTR=$(bin containerd ctr)
  bin containerd containerd-shim-runc-v2 >/dev/null
  RUNC=$(bin runc runc)
  CNI_BIN=$(dirname "$(bin cni bridge)")
  NODEBRIDGE=$(bin nodebridge nodebridge)
  IMAGES_DIR=$(dirname "$(bin images imagebuild)")
  local t
  for t in pause node-exporter kube-rbac-proxy; do
    [ -f "$IMAGES_DIR/$t.oci.tar" ] || die "image $t not built ($IMAGES_DIR/$t.oci.tar missing): run tools/build.sh images"
  done
  HADOOP_IMAGE_TAR=$(hadoop_image_tar "$HADOOP_VERSION")
  [ -f "$HADOOP_IMAGE_TAR" ] || die "image $HADOOP_IMAGE not built ($HADOOP_IMAGE_TAR missing): run tools/build.sh hadoop"
  # Every other Hadoop version's image that is built (tools/build.sh hadoop-<version>) too: a rolling upgrade
  # finds its target on every node, and a cluster without it still starts.
  HADOOP_IMAGE_TARS=("$HADOOP_IMAGE_TAR")
  local v
  for v in "${HADOOP_VERSIONS[@]}"; do
    [ "$v" != "$HADOOP_VERSION" ] || continue
    t=$(hadoop_image_tar "$v")
    if [ -f "$t" ]; then HADOOP_IMAGE_TARS+=("$t"); fi
  done
}

apiserver_port() { kctl config view --minify -o jsonpath='{.clusters[0].cluster.server}' | sed 's/.*://'; }
service_ip() { kctl get service kubernetes -n default -o jsonpath='{.spec.clusterIP}'; }

real_node_pid() { # real_node_pid NODE_DIR WHAT: pid if alive
  local p; p=$(cat "$1/pids/$2.pid" 2>/dev/null || true)
  [ -n "$p" ] && alive "$p" && echo "$p"
}

real_node_tail() { # the last lines of a node's logs, for a failure message
  local nd=$1 f
  for f in "$nd"/logs/*.log; do
    [ -s "$f" ] || continue
    echo "--- $f (last 15 lines)" >&2
    tail -n 15 "$f" >&2
  done
}

# Things of the machine a node needs that may not exist yet; the ones created are recorded so `down`
# removes exactly those.
real_ensure_machine() {
  mkdir -p "$REAL_DIR"
  echo "$STATE_DIR" >"$REAL_OWNER"
  local d p created
  for d in "${REAL_NODE_MOUNTS[@]}"; do
    # every level that mkdir -p creates, deepest first (the order `down` removes them in)
    created=() p=$d
    while [ ! -e "$p" ]; do created+=("$p"); p=$(dirname "$p"); done
    if [ ${#created[@]} -gt 0 ]; then
      mkdir -p "$d"
      printf '%s\n' "${created[@]}" >>"$REAL_DIR/created-paths"
    fi
  done
  if ! ip link show "$REAL_BRIDGE" >/dev/null 2>&1; then
    ip link add "$REAL_BRIDGE" type bridge
    ip addr add "$REAL_NET.254/24" dev "$REAL_BRIDGE"
    ip link set "$REAL_BRIDGE" up
  fi
  if [ -z "$(real_node_pid "$REAL_DIR" apiserver-bridge)" ]; then
    mkdir -p "$REAL_DIR/pids" "$REAL_DIR/logs"
    "$NODEBRIDGE" "unix:$REAL_SOCKET" "tcp:127.0.0.1:$(apiserver_port)" >>"$REAL_DIR/logs/apiserver-bridge.log" 2>&1 &
    echo $! >"$REAL_DIR/pids/apiserver-bridge.pid"
    local deadline=$((SECONDS + 10))
    until [ -S "$REAL_SOCKET" ]; do
      [ $SECONDS -lt $deadline ] || die "the apiserver bridge did not start ($REAL_DIR/logs/apiserver-bridge.log)"
      sleep 0.1
    done
  fi
}

# The kubelet's own identity, as kubeadm gives it: a client certificate for system:node:<name> in the group
# system:nodes, signed by the cluster's CA, in a kubeconfig of its own. The apiserver's Node authorizer and
# NodeRestriction admission then limit the kubelet to its own Node object and to the pods bound to it and what
# they reference (ConfigMaps, Secrets, service account tokens), so a pod that only works with the admin's rights
# fails here as it would on any cluster.
real_node_credentials() { # real_node_credentials NAME NODE_DIR
  local name=$1 nd=$2 pki=$CLUSTER_DIR/pki
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$nd/conf/kubelet.key" \
    -subj "/O=system:nodes/CN=system:node:$name" -out "$nd/conf/kubelet.csr" 2>/dev/null
  openssl x509 -req -in "$nd/conf/kubelet.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -days 365 \
    -set_serial "0x$(openssl rand -hex 16)" -extfile <(printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n') \
    -out "$nd/conf/kubelet.crt" 2>/dev/null
  rm -f "$nd/conf/kubelet.csr"
  local kc=(kubectl --kubeconfig "$nd/conf/kubelet.kubeconfig" config)
  "${kc[@]}" set-cluster local --server "$(kctl config view --minify -o jsonpath='{.clusters[0].cluster.server}')" \
    --certificate-authority "$pki/ca.crt" --embed-certs >/dev/null
  "${kc[@]}" set-credentials "system:node:$name" --client-certificate "$nd/conf/kubelet.crt" --client-key "$nd/conf/kubelet.key" --embed-certs >/dev/null
  "${kc[@]}" set-context kubelet --cluster local --user "system:node:$name" >/dev/null
  "${kc[@]}" use-context kubelet >/dev/null
}

real_node_configs() { # real_node_configs NAME INDEX NODE_DIR
  local name=$1 i=$2 nd=$3 ip=$REAL_NET.$2
  local d
  for d in "${REAL_NODE_MOUNTS[@]}" /run/netns; do mkdir -p "$nd/root$d"; done
  mkdir -p "$nd/conf" "$nd/logs" "$nd/pids" "$nd/root/etc"
  real_node_credentials "$name" "$nd"
  : >"$nd/conf/mounts"
  for d in "${REAL_NODE_MOUNTS[@]}"; do echo "${d#/} $d" >>"$nd/conf/mounts"; done
  # No name server: a name lookup on the node ends on its own loopback.
  echo "nameserver 127.0.0.1" >"$nd/root/etc/resolv.conf"
  echo "etc/resolv.conf /etc/resolv.conf" >>"$nd/conf/mounts"
  # Its own name resolves to its own address, as on any machine (Hadoop's daemons resolve their host's name);
  # no other node's name does (the cluster has no DNS).
  printf '127.0.0.1 localhost\n%s %s\n' "$ip" "$name" >"$nd/root/etc/hosts"
  echo "etc/hosts /etc/hosts" >>"$nd/conf/mounts"

  cat >"$nd/root/etc/cni/net.d/10-k8s-daemonsets.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "k8s-daemonsets",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.$i.0/24"}]], "dataDir": "/var/lib/cni/networks"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

  cat >"$nd/conf/containerd.toml" <<EOF
# containerd of real node $name (its paths are the node's own: scripts/real-node-init.sh)
version = 3
root = "/var/lib/containerd"
state = "/run/containerd"

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '$PAUSE_IMAGE'

  [plugins.'io.containerd.cri.v1.runtime']
    # The process lacks CAP_SYS_RESOURCE: no container may lower its oom_score_adj below containerd's.
    restrict_oom_score_adj = true
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = 'io.containerd.runc.v2'
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = '$RUNC'
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['$CNI_BIN']
      conf_dir = '/etc/cni/net.d'

  [plugins.'io.containerd.grpc.v1.cri']
    stream_server_address = '127.0.0.1'
    stream_server_port = '0'
EOF

  cat >"$nd/conf/kubelet.yaml" <<EOF
# kubelet of real node $name
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 (hybrid) on this machine: supported by Kubernetes 1.36 in maintenance mode only when asked.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$REAL_CGROUP/$name
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_DIR/pki/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
failSwapOn: false
protectKernelDefaults: false
serializeImagePulls: false
localStorageCapacityIsolation: true
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
# The images are imported, never pulled (there is no registry): image garbage collection, which starts at 85% of
# the shared machine disk by default, would delete one that no pod uses at that moment for good.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 10s
syncFrequency: 10s
rotateCertificates: false
serverTLSBootstrap: false
EOF
}

real_in_node() { # real_in_node NODE_DIR WHAT CMD...: start CMD in the node's cgroups and namespaces, log to logs/WHAT.log
  local nd=$1 what=$2; shift 2
  local name; name=$(basename "$nd")
  local holder; holder=$(real_node_pid "$nd" init) || die "real node $name: its namespaces are gone"
  (
    for h in $(cgroup_hierarchies); do echo "$BASHPID" >"$h/$REAL_CGROUP/$name/system/cgroup.procs"; done
    exec nsenter --mount="/proc/$holder/ns/mnt" --uts="/proc/$holder/ns/uts" --net="/run/netns/$REAL_NETNS_PREFIX$name" -- "$@"
  ) >>"$nd/logs/$what.log" 2>&1 </dev/null &
  echo $! >"$nd/pids/$what.pid"
}

real_node_fail() { # real_node_fail NODE_DIR MESSAGE: the node's own log lines, then fail
  real_node_tail "$1"
  die "real node $(basename "$1"): $2 (logs: $1/logs; 'scripts/cluster.sh down' cleans up)"
}

# Starts real node NAME with address $REAL_NET.INDEX and waits until it is Ready.
real_node_start() { # real_node_start NAME INDEX
  local name=$1 i=$2 nd=$REAL_DIR/$1 ns=$REAL_NETNS_PREFIX$1 veth=k8sds-v$2 ip=$REAL_NET.$2
  local t0; t0=$(date +%s%N)
  [ ! -e "$nd/index" ] || die "real node $name already exists ($nd)"
  real_ensure_machine
  real_node_configs "$name" "$i" "$nd"
  echo "$i" >"$nd/index"

  # network: the node's namespace on the project's bridge; the kubernetes Service's IP is the node's own
  # (its bridge forwards it to the apiserver, as kube-proxy would).
  local svc; svc=$(service_ip)
  ip netns add "$ns"
  # A fixed MAC per address: a node that leaves and comes back is reachable at once (no stale neighbour entry).
  ip link add "$veth" type veth peer name eth0 address "$(printf '02:6b:64:00:00:%02x' "$i")" netns "$ns"
  ip link set "$veth" master "$REAL_BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr add "$svc/32" dev lo

  # cgroups: the kubelet's cgroupRoot, and `system` for the node's own processes. cpuset needs its cpus and
  # mems set before anything joins.
  local h
  for h in $(cgroup_hierarchies); do
    mkdir -p "$h/$REAL_CGROUP/$name/system"
    if [ -f "$h/cpuset.cpus" ]; then
      local c
      for c in "$REAL_CGROUP" "$REAL_CGROUP/$name" "$REAL_CGROUP/$name/system"; do
        cat "$h/cpuset.cpus" >"$h/$c/cpuset.cpus"
        cat "$h/cpuset.mems" >"$h/$c/cpuset.mems"
      done
    fi
  done

  # mount and UTS namespaces, held by real-node-init.sh's last process (in the node's cgroups too)
  (
    for h in $(cgroup_hierarchies); do echo "$BASHPID" >"$h/$REAL_CGROUP/$name/system/cgroup.procs"; done
    exec nsenter --net="/run/netns/$ns" -- unshare --mount --uts --propagation private -- \
      bash "$REPO_ROOT/scripts/real-node-init.sh" "$name" "$nd"
  ) >"$nd/logs/init.log" 2>&1 </dev/null &
  echo $! >"$nd/pids/init.pid"
  local deadline=$((SECONDS + 10))
  until [ -e "$nd/init.ready" ]; do
    alive "$(cat "$nd/pids/init.pid")" || real_node_fail "$nd" "setting up its namespaces failed"
    [ $SECONDS -lt $deadline ] || real_node_fail "$nd" "its namespaces were not ready after 10s"
    sleep 0.1
  done

  # the apiserver, at the same address and port as on the machine, and at the kubernetes Service
  local port; port=$(apiserver_port)
  real_in_node "$nd" bridge-loopback "$NODEBRIDGE" "tcp:127.0.0.1:$port" "unix:$REAL_SOCKET"
  real_in_node "$nd" bridge-service "$NODEBRIDGE" "tcp:$svc:443" "unix:$REAL_SOCKET"

  real_in_node "$nd" containerd env "PATH=$(dirname "$CONTAINERD"):$PATH" "$CONTAINERD" --config "$nd/conf/containerd.toml"
  # ctr runs in the node's mount namespace, where the socket has its short path
  local sock=$nd/root/run/containerd/containerd.sock holder; holder=$(real_node_pid "$nd" init)
  local ctr=(nsenter --mount="/proc/$holder/ns/mnt" -- "$CTR" --address /run/containerd/containerd.sock)
  deadline=$((SECONDS + 30))
  until [ -S "$sock" ] && "${ctr[@]}" version >/dev/null 2>&1; do
    [ -n "$(real_node_pid "$nd" containerd)" ] || real_node_fail "$nd" "containerd exited"
    [ $SECONDS -lt $deadline ] || real_node_fail "$nd" "containerd not serving after 30s"
    sleep 0.2
  done
  local t
  for t in "$IMAGES_DIR"/{pause,node-exporter,kube-rbac-proxy}.oci.tar "${HADOOP_IMAGE_TARS[@]}"; do
    "${ctr[@]}" -n k8s.io images import --local "$t" >>"$nd/logs/images.log" 2>&1 ||
      real_node_fail "$nd" "importing image $(basename "$t" .oci.tar) failed"
  done

  real_in_node "$nd" kubelet "$KUBELET" --config "$nd/conf/kubelet.yaml" --kubeconfig "$nd/conf/kubelet.kubeconfig" \
    --hostname-override "$name" --node-ip "$ip" --node-labels "type=real" --v=2
  deadline=$((SECONDS + 90))
  until [ "$(kctl get node "$name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; do
    [ -n "$(real_node_pid "$nd" kubelet)" ] || real_node_fail "$nd" "the kubelet exited"
    [ $SECONDS -lt $deadline ] || real_node_fail "$nd" "not Ready 90s after its kubelet started"
    sleep 0.5
  done
  say "real node $name ($ip) Ready in $(elapsed "$t0")"
}

# Stops real node NAME: every process in its cgroups, its namespaces (and so its mounts), cgroups, veth.
# Leaves the Node object alone (remove-node deletes it).
real_node_stop() { # real_node_stop NAME
  local name=$1 nd=$REAL_DIR/$1 ns=$REAL_NETNS_PREFIX$1
  local h pids deadline
  # the kubelet first (so it does not restart what is stopped), then everything else of the node
  local kp; kp=$(real_node_pid "$nd" kubelet || true)
  if [ -n "$kp" ]; then kill -TERM "$kp" 2>/dev/null || true; fi
  deadline=$((SECONDS + 10))
  while [ -n "$kp" ] && alive "$kp" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  local pidsh; pidsh=$(cgroup_hierarchies | grep -E '/pids$' | head -n1)
  deadline=$((SECONDS + 20))
  while :; do
    pids=$(find "$pidsh/$REAL_CGROUP/$name" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un || true)
    for p in $(cat "$nd"/pids/*.pid 2>/dev/null); do if alive "$p"; then pids+=" $p"; fi; done
    pids=$(echo $pids)
    [ -n "$pids" ] || break
    [ $SECONDS -lt $deadline ] || die "real node $name: processes still running after SIGKILL: $pids"
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
  done
  for h in $(cgroup_all_hierarchies); do
    if [ -d "$h/$REAL_CGROUP/$name" ]; then find "$h/$REAL_CGROUP/$name" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
    [ ! -d "$h/$REAL_CGROUP/$name" ] || die "real node $name: cgroup $h/$REAL_CGROUP/$name could not be removed"
  done
  if ip netns list | grep -qw "^$ns"; then ip netns del "$ns"; fi
  local i; i=$(cat "$nd/index" 2>/dev/null || true)
  # deleting the namespace removes its end of the veth pair, and so this end, asynchronously: gone is fine
  if [ -n "$i" ] && ip link show "k8sds-v$i" >/dev/null 2>&1; then
    ip link del "k8sds-v$i" 2>/dev/null || ! ip link show "k8sds-v$i" >/dev/null 2>&1 || die "real node $name: could not delete its veth k8sds-v$i"
  fi
  if [ -n "$i" ] && ip link show "$REAL_BRIDGE" >/dev/null 2>&1; then ip neigh flush to "$REAL_NET.$i" dev "$REAL_BRIDGE" 2>/dev/null || true; fi
  if [ -d "$nd/logs" ]; then mkdir -p "$LOG_DIR/real-nodes"; rm -rf "$LOG_DIR/real-nodes/$name"; cp -r "$nd/logs" "$LOG_DIR/real-nodes/$name"; fi
  rm -rf "$nd"
}

# One line per running real node, for scripts that measure them (scripts/bench/realNodes.ts):
#   NAME KUBELET_PID CONTAINERD_PID MEMORY_CGROUP_DIR
# the last being the node's `system` cgroup in the v1 memory hierarchy ("-" where a part is missing).
real_nodes_processes() {
  local name nd mem
  mem=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ {print $2; exit}' /proc/self/mounts)
  for name in $(real_nodes_list); do
    nd=$REAL_DIR/$name
    printf '%s %s %s %s\n' "$name" "$(real_node_pid "$nd" kubelet || echo -)" "$(real_node_pid "$nd" containerd || echo -)" \
      "$([ -n "$mem" ] && [ -d "$mem/$REAL_CGROUP/$name/system" ] && echo "$mem/$REAL_CGROUP/$name/system" || echo -)"
  done
}

real_nodes_list() { # names of the real nodes started (whatever state they are in)
  local d
  for d in "$REAL_DIR"/*/; do if [ -f "$d/index" ]; then basename "$d"; fi; done
}

# Whether a state directory's cluster has a process left: a component's, a real node's or its KDC's (their pid files).
state_dir_running() { # state_dir_running STATE_DIR
  local f
  while IFS= read -r f; do
    if alive "$(cat "$f" 2>/dev/null || true)"; then return 0; fi
  done < <(find "$1/kwok" "$1/real-nodes" \( -path '*/pids/*.pid' -o -name kdc.pid \) 2>/dev/null || true)
  return 1
}

# Another state directory has real nodes on this machine now (the bridge, the KDC's namespace and the cgroups are
# its): an all-kwok cluster beside it (scripts/run-tests.sh runs one) must leave them alone.
real_nodes_elsewhere() {
  local owner; owner=$(cat "$REAL_OWNER" 2>/dev/null || true)
  [ -n "$owner" ] && [ "$owner" != "$STATE_DIR" ] && [ -d "$owner/real-nodes" ]
}

# Stops every real node and removes what the real nodes added to the machine. The machine-wide leftovers
# (namespaces, links, cgroups, the socket) only when no other state directory owns real nodes now: the `down` of
# an all-kwok cluster must not take down another cluster's real nodes.
real_nodes_down() {
  local name h
  for name in $(real_nodes_list); do real_node_stop "$name"; done
  if real_nodes_elsewhere; then
    rm -rf "$REAL_DIR"
    return 0
  fi
  # leftovers of nodes whose state directory is gone
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$REAL_NETNS_PREFIX" || true); do ip netns del "$ns"; done
  for h in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^k8sds-' || true); do ip link del "$h" 2>/dev/null || true; done
  local p; p=$(real_node_pid "$REAL_DIR" apiserver-bridge || true)
  if [ -n "$p" ]; then
    kill -TERM "$p" 2>/dev/null || true
    local deadline=$((SECONDS + 5))
    while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  fi
  rm -f "$REAL_SOCKET"
  if [ "$(cat "$REAL_OWNER" 2>/dev/null || true)" = "$STATE_DIR" ]; then rm -f "$REAL_OWNER"; fi
  for h in $(cgroup_all_hierarchies); do
    if [ -d "$h/$REAL_CGROUP" ]; then find "$h/$REAL_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  if [ -f "$REAL_DIR/created-paths" ]; then
    local d
    while read -r d; do rmdir "$d" 2>/dev/null || true; done <"$REAL_DIR/created-paths"
  fi
  if [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ] && [ -f "$REAL_DIR/created-paths" ] && grep -qx /run/netns "$REAL_DIR/created-paths"; then
    umount /run/netns 2>/dev/null || true
    rmdir /run/netns 2>/dev/null || true
  fi
  if [ -d "$REAL_DIR/logs" ]; then mkdir -p "$LOG_DIR/real-nodes"; cp "$REAL_DIR"/logs/*.log "$LOG_DIR/real-nodes/" 2>/dev/null || true; fi
  rm -rf "$REAL_DIR"
}

# What is left of the real nodes on the machine (empty when nothing is; nothing is counted while another state
# directory owns real nodes: those are its own).
real_leftovers() {
  local h
  if real_nodes_elsewhere; then return 0; fi
  ip netns list 2>/dev/null | awk '{print $1}' | grep "^$REAL_NETNS_PREFIX" | sed 's/^/netns /' || true
  ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^k8sds-' | sed 's/^/link /' || true
  for h in $(cgroup_all_hierarchies); do if [ -d "$h/$REAL_CGROUP" ]; then echo "cgroup $h/$REAL_CGROUP"; fi; done
  if [ -e "$REAL_SOCKET" ]; then echo "socket $REAL_SOCKET"; fi
  local p
  if [ -f "$REAL_DIR/created-paths" ]; then
    while read -r p; do if [ -e "$p" ]; then echo "path $p"; fi; done <"$REAL_DIR/created-paths"
  fi
}
