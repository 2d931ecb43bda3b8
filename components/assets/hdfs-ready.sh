#!/bin/bash
# Readiness probe of an HDFS daemon: ready means serving, read from the daemon's own web endpoint (/jmx) with
# curl and jq, no JVM started per probe.
#   namenode     answers its HA state (active, standby or observer) and has left start-up safe mode
#   datanode     registered with the active NameNode, its actor running, a heartbeat answered within MAX_SILENCE s
#   journalnode  serves the nameservice's journal (formatted)
# On failure it prints why (the kubelet puts that in the pod's "Readiness probe failed" event) and exits 1.
#
#   hdfs-ready.sh ROLE SCHEME PORT [SERVER_NAME]
#     SCHEME http (simple mode) or https (Kerberos: SPNEGO as the role's principal, the server verified against
#     the CA of the role's truststore); SERVER_NAME the name the URL gives the server (its certificate's name and
#     the HTTP/<name> principal the ticket is for); default NODE_NAME.
#   HDFS_HOST_IP        the node's address (the daemon listens on it; host network)
#   HDFS_JOURNAL        journalnode: the journal id (the nameservice)
#   HDFS_PRINCIPAL, HDFS_KEYTAB, HADOOP_TLS_PASSWORD, NODE_NAME: https only (set in every Kerberos-mode container)
#   MAX_SILENCE         datanode: seconds since the active NameNode last answered a heartbeat; default 30
set -uo pipefail
role=${1:?usage: hdfs-ready.sh ROLE SCHEME PORT [SERVER_NAME]} scheme=${2:?scheme} port=${3:?port}
address=${HDFS_HOST_IP:?HDFS_HOST_IP is not set}
# On stderr: the kubelet reports a probe's combined output, and jmx's failures happen inside $(...).
fail() { echo "not ready: $*" >&2; exit 1; }
[ "$scheme" = http ] || server=${4:-${NODE_NAME:?NODE_NAME is not set}}

# The beans of one JMX query, as JSON (assets/hdfs-jmx.sh, beside this script).
source "$(dirname "${BASH_SOURCE[0]}")/hdfs-jmx.sh"
jmx() {
  local out
  out=$(HDFS_JMX_STATE=/tmp/hdfs-ready hdfs_jmx "$scheme" "$address" "$port" "${server:-}" "$1" 2>&1) || fail "$role $out"
  printf '%s' "$out"
}

case $role in
  namenode)
    status=$(jmx Hadoop:service=NameNode,name=NameNodeStatus) || exit 1
    state=$(jq -r '.beans[0].State // "unknown"' <<<"$status") || fail "unreadable NameNodeStatus"
    case $state in active | standby | observer) ;; *) fail "NameNode state $state" ;; esac
    progress=$(jmx Hadoop:service=NameNode,name=StartupProgress) || exit 1
    done=$(jq -r '.beans[0].SafeModePercentComplete // "unknown"' <<<"$progress") || fail "unreadable StartupProgress"
    [ "$done" = 1 ] || [ "$done" = 1.0 ] || fail "$state NameNode still in start-up safe mode (SafeModePercentComplete $done)"
    ;;
  datanode)
    info=$(jmx Hadoop:service=DataNode,name=DataNodeInfo) || exit 1
    silence=${MAX_SILENCE:-30}
    actors=$(jq -r '.beans[0].BPServiceActorInfo // "[]" | fromjson | map("\(.NamenodeAddress) \(.NamenodeHaState) \(.ActorState) \(.LastHeartbeatResponseTime)") | join("; ")' <<<"$info") ||
      fail "unreadable DataNodeInfo"
    jq -e --argjson silence "$silence" '.beans[0].BPServiceActorInfo // "[]" | fromjson
      | any(.[]; .NamenodeHaState == "active" and .ActorState == "RUNNING" and ((.LastHeartbeatResponseTime // "1e9") | tonumber) <= $silence)' \
      <<<"$info" >/dev/null || fail "no running actor heartbeating with an active NameNode within ${silence}s (${actors:-no actors})"
    ;;
  journalnode)
    journal=${HDFS_JOURNAL:?HDFS_JOURNAL is not set}
    info=$(jmx Hadoop:service=JournalNode,name=JournalNodeInfo) || exit 1
    jq -e --arg j "$journal" '.beans[0].JournalsStatus // "{}" | fromjson | .[$j].Formatted == "true"' <<<"$info" >/dev/null ||
      fail "journal $journal not formatted here yet ($(jq -r '.beans[0].JournalsStatus' <<<"$info"))"
    ;;
  *) echo "hdfs-ready.sh: unknown role $role" >&2; exit 2 ;;
esac
