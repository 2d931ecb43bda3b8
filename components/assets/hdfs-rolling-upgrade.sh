#!/bin/bash
# Hadoop's rolling upgrade (HdfsRollingUpgrade), driven from a Job the HDFS cluster creates when its Hadoop version
# changes: the DaemonSets then update pods only when they are deleted (OnDelete), and this deletes them in the
# guide's order, each time waiting until the replacement serves (Ready, or its readiness probe's check passes when
# this runs it: assets/hdfs-ready.sh):
#   upgrade    `dfsadmin -rollingUpgrade prepare` (until the active NameNode's /jmx says the rollback image is
#              saved: NameNodeInfo's RollingUpgradeStatus, what `-rollingUpgrade query` answers); the JournalNodes one at a
#              time (after each, `dfsadmin -rollEdits` and a wait until it holds the new segment, so that the quorum
#              never loses two); the standby NameNodes one at a time, `haadmin -failover` to an upgraded one, then the
#              former active (a NameNode starts with `-rollingUpgrade started` while the upgrade is not finalized:
#              assets/namenode-start.sh); the DataNodes DATANODES_AT_ONCE at a time (their preStop hook stops them
#              with `dfsadmin -shutdownDatanode <self> upgrade`: assets/datanode-prestop.sh)
#   downgrade  (a lower version, while the rolling upgrade is not finalized; the guide's rolling downgrade, for
#              versions of the same layouts) the DataNodes first, then the NameNodes, then the JournalNodes
#   finalize   with FINALIZE=true, once every daemon runs its version: `dfsadmin -rollingUpgrade finalize`
# A pod already at its version is left alone, so a Job run again after a failure goes on where it stopped. Runs as
# the NameNodes' principal (the superuser; its keytab) with a ServiceAccount that may list and delete the pods.
#
#   NAMESPACE                                   the pods' namespace
#   NAMENODE_PODS JOURNALNODE_PODS DATANODE_PODS   label selectors of each role's pods (JournalNodes, DataNodes: empty if none)
#   NAMENODE_VERSION JOURNALNODE_VERSION DATANODE_VERSION   the Hadoop version each role is to run (pod label app.kubernetes.io/version)
#   NAMENODE_IDS    HA: "host=id ..." (the NameNode ids of hdfs-site.xml); empty: a standalone NameNode
#   NAMESERVICE     HA: the journal id       JOURNALNODE_WEB   HA: "scheme port" of the JournalNodes' web endpoint
#   NAMENODE_WEB    "scheme port" of the NameNodes' web endpoint (their state and safe mode, read from /jmx)
#   DATANODE_WEB    "scheme port [server name]" of the DataNodes' web endpoint (the name: Kerberos mode)
#   DATANODES_AT_ONCE   default 1        FINALIZE   true|false        POD_TIMEOUT_SECONDS   default 600
set -uo pipefail
# Each hdfs command is a JVM that runs one request (C1 alone: about half a JVM's CPU to its answer; BENCHMARKS.md, HDFS day two).
export HADOOP_CLIENT_OPTS=${HADOOP_CLIENT_OPTS:--Xmx128m -XX:TieredStopAtLevel=1}
pod_timeout=${POD_TIMEOUT_SECONDS:-600} at_once=${DATANODES_AT_ONCE:-1}
say() { echo "rolling-upgrade: $*"; }
die() { say "FAILED: $*"; exit 1; }
scripts=$(dirname "${BASH_SOURCE[0]}")
source "$scripts/hdfs-jmx.sh"
# Kerberos: a new ticket from the keytab before every hdfs command. The upgrade lasts as long as its steps take
# (hours on a large cluster: each batch of DataNodes is one), a ticket only as long as the realm allows (the local
# realm's: 3 minutes); kinit is one request.
login() { [ -z "${HDFS_PRINCIPAL:-}" ] || kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL"; }
login || die "kinit as $HDFS_PRINCIPAL failed"
hdfs() {
  local out
  out=$(login 2>&1) || { echo "kinit as $HDFS_PRINCIPAL failed: $out" >&2; return 1; }
  command hdfs "$@"
}

# The Kubernetes API, as the Job's ServiceAccount.
sa=${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}
api() {
  curl -sS --fail-with-body --max-time 30 --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" \
    -X "$1" "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT$2"
}
# The pods of a selector that are not being deleted, one line each: name, node, version, ready (true|false), node
# address, started (true|false: every container past its startup probe).
pods() {
  local out
  out=$(api GET "/api/v1/namespaces/$NAMESPACE/pods?labelSelector=$(jq -rn --arg s "$1" '$s | @uri')") || { say "listing pods ($1): $out" >&2; return 1; }
  jq -r '.items[] | select(.metadata.deletionTimestamp == null)
    | [.metadata.name, .spec.nodeName, (.metadata.labels["app.kubernetes.io/version"] // "unknown"),
       ((.status.containerStatuses // []) as $c | ($c | length) > 0 and all($c[]; .ready)), (.status.hostIP // ""),
       ((.status.containerStatuses // []) as $c | ($c | length) > 0 and all($c[]; .started == true))] | @tsv' <<<"$out"
}
# Whether version $1 is lower than $2.
older() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]; }

# Deletes pod $2 (on node $3) of role $5 (selector $1) and waits until the node's new pod runs version $4 and serves.
replace() {
  local out
  say "$5 on $3: deleting pod $2"
  out=$(api DELETE "/api/v1/namespaces/$NAMESPACE/pods/$2") || die "deleting pod $2: $out"
  wait_replaced "$@"
}
# As `replace`, for a pod deleted already (checked every second).
wait_replaced() {
  local selector=$1 pod=$2 node=$3 version=$4 role=$5 t0=$SECONDS line
  while :; do
    line=$(pods "$selector" | awk -F'\t' -v n="$node" -v p="$pod" '$2 == n && $1 != p')
    if [ -n "$line" ] && [ "$(cut -f3 <<<"$line")" = "$version" ] && serves "$selector" "$line"; then
      say "$role on $node: $(cut -f1 <<<"$line") serving Hadoop $version, $((SECONDS - t0)) s after the deletion"
      return 0
    fi
    ((SECONDS - t0 < pod_timeout)) || die "$role on $node: no pod of Hadoop $version serving ${pod_timeout} s after deleting $pod (now: ${line:-no pod})"
    sleep 1
  done
}
# Whether the pod of line $2 (as `pods`) of selector $1 serves: Ready, or, once its containers have started, its
# readiness probe's check passes when run from here (the kubelet runs it only every 10 s).
serves() {
  local pod node version ready address started
  IFS=$'\t' read -r pod node version ready address started <<<"$2"
  [ "$ready" = true ] || { [ "$started" = true ] && serving "$1" "$node" "$address"; }
}
# Whether the daemon of selector $1 on node $2 (address $3) passes its readiness probe's check (assets/hdfs-ready.sh).
serving() {
  local role web scheme port server
  case $1 in
    "$NAMENODE_PODS") role=namenode web=${NAMENODE_WEB:?} ;;
    "${JOURNALNODE_PODS:-}") role=journalnode web=${JOURNALNODE_WEB:?} ;;
    "${DATANODE_PODS:-}") role=datanode web=${DATANODE_WEB:?} ;;
    *) return 1 ;;
  esac
  read -r scheme port server <<<"$web"
  [ -n "$3" ] && HDFS_HOST_IP=$3 NODE_NAME=$2 HDFS_JOURNAL=${NAMESERVICE:-} bash "$scripts/hdfs-ready.sh" "$role" "$scheme" "$port" ${server:+"$server"} >/dev/null 2>&1
}
# The pods of role selector $1 not at version $2, one line each (as `pods`).
outdated() { pods "$1" | awk -F'\t' -v v="$2" '$3 != v'; }

# The beans of query $4 from the /jmx of the pod of selector $1 on node $2, whose web endpoint is $3 ("scheme port"):
# no JVM per question.
daemon_jmx() {
  local scheme port ip
  read -r scheme port _ <<<"$3"
  ip=$(pods "$1" | awk -F'\t' -v n="$2" '$2 == n { print $5; exit }')
  [ -n "$ip" ] || { echo "no pod of $1 on $2" >&2; return 1; }
  hdfs_jmx "$scheme" "$ip" "$port" "$2" "$4"
}
# A bean of the NameNode on node $1 (Hadoop:service=NameNode,name=$2).
nn_jmx() { daemon_jmx "$NAMENODE_PODS" "$1" "${NAMENODE_WEB:?}" "Hadoop:service=NameNode,name=$2"; }
# Waits until the NameNode on node $1 has left safe mode, its extension included (a Ready standby may still be in
# it): a failover to it is refused until then, and the next NameNode may not stop before. NameNodeInfo's Safemode
# is empty once it is off, else the NameNode's safe-mode tip.
out_of_safe_mode() {
  local node=$1 t0=$SECONDS out
  while :; do
    if out=$(nn_jmx "$node" NameNodeInfo 2>/dev/null); then
      out=$(jq -r '.beans[0].Safemode // "no Safemode attribute"' <<<"$out" 2>&1) && [ -z "$out" ] && return 0
    else
      out="its /jmx did not answer"
    fi
    ((SECONDS - t0 < pod_timeout)) || die "NameNode on $node still in safe mode ${pod_timeout} s after it served: $out"
    sleep 2
  done
}

nn_id() { local pair; for pair in ${NAMENODE_IDS:-}; do [ "${pair%%=*}" = "$1" ] && { echo "${pair#*=}"; return 0; }; done; return 1; }
# The HA state of the NameNode on node $1 (active, standby, ...; empty when it does not answer).
nn_state() { nn_jmx "$1" NameNodeStatus 2>/dev/null | jq -r '.beans[0].State // empty' 2>/dev/null; }

rolling_state() {
  local node out state
  # The active NameNode's NameNodeInfo: RollingUpgradeStatus is null without one, else its createdRollbackImages
  # says whether the rollback image is saved (what the query answers, without a JVM).
  if node=$(active_namenode) && out=$(nn_jmx "$node" NameNodeInfo 2>&1) &&
    state=$(jq -r '.beans[0] | if has("RollingUpgradeStatus") | not then "unknown" else .RollingUpgradeStatus
      | if . == null then "none" elif has("createdRollbackImages") | not then "unknown" elif .createdRollbackImages then "prepared" else "preparing" end end' <<<"$out" 2>/dev/null) &&
    [ "$state" != unknown ]; then
    echo "$state"
    return
  fi
  say "the active NameNode's /jmx did not say the rolling upgrade's state (${out:-no active NameNode}): asking with dfsadmin" >&2
  out=$(hdfs dfsadmin -rollingUpgrade query 2>&1 </dev/null) || { say "query: $out" >&2; echo failed; return; }
  case $out in
    *"Proceed with rolling upgrade"*) echo prepared ;;
    *"Preparing for upgrade"*) echo preparing ;;
    *"no rolling upgrade in progress"*) echo none ;;
    *) say "query: $out" >&2; echo unknown ;;
  esac
}
# The node of the active NameNode (standalone: of the NameNode); fails when none is.
active_namenode() {
  local pair
  if [ -z "${NAMENODE_IDS:-}" ]; then pods "$NAMENODE_PODS" | awk -F'\t' 'NR == 1 && $2 != "" { print $2; found = 1 } END { exit !found }'; return; fi
  for pair in $NAMENODE_IDS; do
    [ "$(nn_state "${pair%%=*}")" = active ] && { echo "${pair%%=*}"; return 0; }
  done
  return 1
}

prepare() {
  local state t0=$SECONDS out
  state=$(rolling_state)
  if [ "$state" = none ]; then
    out=$(hdfs dfsadmin -rollingUpgrade prepare 2>&1 </dev/null) || die "dfsadmin -rollingUpgrade prepare: $out"
    say "prepare: $(tr '\n' ' ' <<<"$out")"
  fi
  until [ "$(rolling_state)" = prepared ]; do
    ((SECONDS - t0 < pod_timeout)) || die "the rollback image was not ready ${pod_timeout} s after prepare (the active NameNode's RollingUpgradeStatus)"
    sleep 2
  done
  say "prepared: the rollback image is saved ($((SECONDS - t0)) s)"
}

journalnodes() {
  [ -n "${JOURNALNODE_PODS:-}" ] || return 0
  local line pod node txid out
  mapfile -t lines < <(outdated "$JOURNALNODE_PODS" "$JOURNALNODE_VERSION")
  for line in "${lines[@]}"; do
    IFS=$'\t' read -r pod node _ <<<"$line"
    replace "$JOURNALNODE_PODS" "$pod" "$node" "$JOURNALNODE_VERSION" JournalNode
    # A new segment, which the restarted JournalNode must hold before the next one may stop (else the writer
    # would be left with one of three: the active NameNode stops when it loses its quorum).
    out=$(hdfs dfsadmin -rollEdits 2>&1 </dev/null) || die "dfsadmin -rollEdits: $out"
    txid=$(grep -o 'starts at txid [0-9]*' <<<"$out" | grep -o '[0-9]*$')
    [ -n "$txid" ] || die "dfsadmin -rollEdits said no txid: $out"
    local t0=$SECONDS written=0
    while :; do
      written=$(daemon_jmx "$JOURNALNODE_PODS" "$node" "${JOURNALNODE_WEB:?}" "Hadoop:service=JournalNode,name=Journal-$NAMESERVICE" 2>/dev/null |
        jq -r '.beans[0].LastWrittenTxId // 0') || written=0
      ((written >= txid)) && break
      ((SECONDS - t0 < pod_timeout)) || die "JournalNode on $node: holds txid ${written:-none}, not the new segment's $txid, after ${pod_timeout} s"
      sleep 2
    done
    say "JournalNode on $node: writes the new segment (txid $written >= $txid)"
  done
}

namenodes() {
  local line pod node version active="" standby
  mapfile -t lines < <(pods "$NAMENODE_PODS")
  if [ -z "${NAMENODE_IDS:-}" ]; then
    for line in "${lines[@]}"; do
      IFS=$'\t' read -r pod node version _ <<<"$line"
      [ "$version" = "$NAMENODE_VERSION" ] && continue
      replace "$NAMENODE_PODS" "$pod" "$node" "$NAMENODE_VERSION" "NameNode (standalone: HDFS is unavailable until it serves again)"
      out_of_safe_mode "$node"
    done
    return 0
  fi
  # The standbys first, then a failover to an upgraded standby, then the former active.
  for line in "${lines[@]}"; do
    IFS=$'\t' read -r pod node version _ <<<"$line"
    if [ "$(nn_state "$node")" = active ]; then active=$line; continue; fi
    [ "$version" = "$NAMENODE_VERSION" ] && continue
    replace "$NAMENODE_PODS" "$pod" "$node" "$NAMENODE_VERSION" "standby NameNode"
    out_of_safe_mode "$node"
  done
  [ -n "$active" ] || die "no NameNode is active (NameNodeStatus of their /jmx): fix that first (docs/runbooks.md)"
  IFS=$'\t' read -r pod node version _ <<<"$active"
  [ "$version" != "$NAMENODE_VERSION" ] || return 0
  standby=""
  while IFS= read -r line; do
    serves "$NAMENODE_PODS" "$line" && { standby=$(cut -f2 <<<"$line"); break; }
  done < <(pods "$NAMENODE_PODS" | awk -F'\t' -v v="$NAMENODE_VERSION" -v n="$node" '$3 == v && $2 != n')
  [ -n "$standby" ] || die "no standby NameNode of Hadoop $NAMENODE_VERSION serves, to fail over to"
  local out t0=$SECONDS
  # (refused while the target is not ready to become active: tried again for up to a minute)
  until out=$(hdfs haadmin -failover "$(nn_id "$node")" "$(nn_id "$standby")" 2>&1 </dev/null); do
    ((SECONDS - t0 < 60)) || die "haadmin -failover $(nn_id "$node") $(nn_id "$standby"): $out"
    sleep 5
  done
  until [ "$(nn_state "$standby")" = active ]; do
    ((SECONDS - t0 < 120)) || die "NameNode on $standby not active 120 s after the failover"
    sleep 2
  done
  say "failover: $node -> $standby ($((SECONDS - t0)) s)"
  replace "$NAMENODE_PODS" "$pod" "$node" "$NAMENODE_VERSION" "former active NameNode"
  out_of_safe_mode "$node"
}

datanodes() {
  [ -n "${DATANODE_PODS:-}" ] || return 0
  local i j pod node out
  mapfile -t lines < <(outdated "$DATANODE_PODS" "$DATANODE_VERSION")
  for ((i = 0; i < ${#lines[@]}; i += at_once)); do
    # A batch at a time: delete them all (each stops through its preStop hook), then wait for every one.
    for ((j = i; j < i + at_once && j < ${#lines[@]}; j++)); do
      IFS=$'\t' read -r pod node _ <<<"${lines[j]}"
      say "DataNode on $node: deleting pod $pod"
      out=$(api DELETE "/api/v1/namespaces/$NAMESPACE/pods/$pod") || die "deleting pod $pod: $out"
    done
    for ((j = i; j < i + at_once && j < ${#lines[@]}; j++)); do
      IFS=$'\t' read -r pod node _ <<<"${lines[j]}"
      wait_replaced "$DATANODE_PODS" "$pod" "$node" "$DATANODE_VERSION" DataNode
    done
  done
}

start=$SECONDS
todo=$( { outdated "$NAMENODE_PODS" "$NAMENODE_VERSION"
  [ -z "${JOURNALNODE_PODS:-}" ] || outdated "$JOURNALNODE_PODS" "$JOURNALNODE_VERSION"
  [ -z "${DATANODE_PODS:-}" ] || outdated "$DATANODE_PODS" "$DATANODE_VERSION"; } ) || die "cannot list the pods"
if [ -n "$todo" ]; then
  downgrade=false
  while IFS=$'\t' read -r _ _ version _; do
    older "$NAMENODE_VERSION" "$version" && downgrade=true
  done <<<"$todo"
  say "to replace: $(cut -f1,2,3 <<<"$todo" | tr '\t\n' ' ;')"
  if $downgrade; then
    # Hadoop downgrades only within a rolling upgrade that is not finalized (the same layouts on both sides).
    state=$(rolling_state)
    [ "$state" = prepared ] || die "a downgrade to Hadoop $NAMENODE_VERSION needs the rolling upgrade from it not finalized (rolling upgrade state: $state); a finalized upgrade cannot be rolled back this way (docs/runbooks.md, Upgrade Hadoop)"
    say "downgrade to Hadoop $NAMENODE_VERSION: DataNodes, NameNodes, then JournalNodes"
    datanodes; namenodes; journalnodes
  else
    say "upgrade to Hadoop $NAMENODE_VERSION: prepare, JournalNodes, NameNodes (standbys first), then DataNodes"
    prepare; journalnodes; namenodes; datanodes
  fi
  left=$( { outdated "$NAMENODE_PODS" "$NAMENODE_VERSION"
    [ -z "${JOURNALNODE_PODS:-}" ] || outdated "$JOURNALNODE_PODS" "$JOURNALNODE_VERSION"
    [ -z "${DATANODE_PODS:-}" ] || outdated "$DATANODE_PODS" "$DATANODE_VERSION"; } )
  [ -z "$left" ] || die "pods still on another version: $(cut -f1,2,3 <<<"$left" | tr '\t\n' ' ;')"
  say "every daemon runs its version after $((SECONDS - start)) s"
fi
if [ "${FINALIZE:-false}" = true ]; then
  state=$(rolling_state)
  if [ "$state" = prepared ]; then
    out=$(hdfs dfsadmin -rollingUpgrade finalize 2>&1 </dev/null) || die "dfsadmin -rollingUpgrade finalize: $out"
    say "finalized: $(tr '\n' ' ' <<<"$out")"
  else
    say "nothing to finalize (rolling upgrade state: $state)"
  fi
else
  say "not finalized (rolling upgrade state: $(rolling_state)): set finalize to finalize it, or change the version back to downgrade"
fi
