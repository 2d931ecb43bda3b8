#!/bin/sh
# A NameNode's first start, decided from its name directory and its role; never touches existing metadata.
#   NAME_DIR     the name directory (a hostPath)
#   CLUSTER_ID   the cluster id written by a format
#   HA           "true": one of 2-5 NameNodes of an HA nameservice (else standalone)
#   NODE_NAME    HA: the node this pod runs on (spec.nodeName)
#   FORMAT_HOST  HA: the one host that may format a new filesystem; every other host bootstraps a standby
#   ZKFC_FORMAT  HA: "true" when automatic failover is on: the formatting host initialises ZooKeeper once
#   FORMAT_RECORD            the file of the format record (a key of an optional ConfigMap volume): present once
#                            the cluster's NameNodes have served, so its filesystem exists; then nothing formats
#   FORMAT_RECORD_CONFIGMAP  that ConfigMap, namespace/name (for the recovery steps)
#
# Standalone: an empty directory is formatted, unless the format record exists: then the cluster's namespace is
#   somewhere else (a disk not mounted, a directory lost), and a format would make a new, empty one that the
#   DataNodes' blocks do not belong to: refuse, with the recovery steps. current/VERSION present: kept.
# HA, empty directory:
#   on FORMAT_HOST:  hdfs namenode -format -nonInteractive   (formats the JournalNodes' shared edits too, so
#                    they must be running); when Hadoop refuses because the JournalNodes already hold the
#                    nameservice's edits, or the format record exists, this host lost its metadata: it
#                    bootstraps like the others instead
#   elsewhere:       hdfs namenode -bootstrapStandby -nonInteractive   (copies the metadata from a running
#                    NameNode of the nameservice; until one runs it fails and the kubelet retries)
# "Empty" allows lost+found (a fresh filesystem): Hadoop refuses, non-interactively, any directory with something
# in it, so a format or bootstrap writes into an empty staging directory inside the name directory
# (dfs.namenode.name.dir overridden for that one command) and its current/ is moved into place once it succeeded.
# HA, current/VERSION present: kept; on FORMAT_HOST, a directory not yet marked as HA (a standalone NameNode
#   becoming HA) first runs hdfs namenode -initializeSharedEdits -nonInteractive (copies its edits to the
#   JournalNodes; refuses if they already hold data).
# Anything else in the directory without current/VERSION is someone's data: refuse, on every host.
# A format or bootstrap that fails leaves the directory as it found it.
set -eu
name_dir=${NAME_DIR:?NAME_DIR is not set}
cluster_id=${CLUSTER_ID:?CLUSTER_ID is not set}
ha=${HA:-false}
# Markers in the name directory (beside current/): this directory belongs to an HA nameservice whose
# shared edits are initialised; ZooKeeper's failover znode was created from this host.
ha_marker="$name_dir/.k8s-daemonsets-ha"
zkfc_marker="$name_dir/.k8s-daemonsets-zkfc-formatted"
staging="$name_dir/.k8s-daemonsets-staging"

say() { echo "namenode-format: $*"; }

# The format record: the filesystem exists (see FORMAT_RECORD above).
formatted=false
if [ -n "${FORMAT_RECORD:-}" ] && [ -s "$FORMAT_RECORD" ]; then formatted=true; fi

role=standalone
if [ "$ha" = "true" ]; then
  node=${NODE_NAME:?NODE_NAME is not set}
  format_host=${FORMAT_HOST:?FORMAT_HOST is not set}
  if [ "$node" = "$format_host" ]; then role=format; else role=standby; fi
fi

# create SUBCOMMAND ARGS...: `hdfs namenode SUBCOMMAND` into the staging directory; on success its current/
# becomes the name directory's, on failure nothing of it is left (exit status 1, output in $out).
create() {
  rm -rf "$staging"
  mkdir "$staging"
  status=0
  out=$(hdfs namenode -D "dfs.namenode.name.dir=file://$staging" "$@" 2>&1) || status=$?
  echo "$out"
  if [ "$status" -eq 0 ] && [ -f "$staging/current/VERSION" ]; then
    mv "$staging/current" "$name_dir/current"
    rm -rf "$staging"
    return 0
  fi
  rm -rf "$staging"
  echo "namenode-format: 'hdfs namenode $*' failed ($status); $name_dir left as it was, the next start tries again" >&2
  return 1
}

format_zk() {
  [ "${ZKFC_FORMAT:-false}" = "true" ] && [ "$role" = "format" ] || return 0
  if [ -f "$zkfc_marker" ]; then
    say "ZooKeeper already initialised from this host ($zkfc_marker)"
    return 0
  fi
  say "initialising the failover znode in ZooKeeper (hdfs zkfc -formatZK -nonInteractive)"
  set +e
  out=$(hdfs zkfc -formatZK -nonInteractive 2>&1)
  status=$?
  set -e
  echo "$out"
  # zkfc can log a FATAL error and still exit 0 (kubernetes-HDFS); 2 means the znode already exists.
  if echo "$out" | grep -q FATAL || { [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; }; then
    echo "namenode-format: hdfs zkfc -formatZK failed ($status); is ZooKeeper reachable?" >&2
    exit 1
  fi
  [ "$status" -eq 2 ] && say "the failover znode already exists: left as it is"
  touch "$zkfc_marker"
}

if [ -f "$name_dir/current/VERSION" ]; then
  say "$name_dir/current/VERSION exists: keeping the existing metadata"
  if [ "$role" = "format" ] && [ ! -f "$ha_marker" ]; then
    say "this NameNode's metadata is not yet shared: hdfs namenode -initializeSharedEdits -nonInteractive"
    hdfs namenode -initializeSharedEdits -nonInteractive || {
      echo "namenode-format: -initializeSharedEdits failed; the JournalNodes must be running and empty (see docs/hdfs.md)" >&2
      exit 1
    }
    touch "$ha_marker"
  elif [ "$role" = "standby" ] && [ ! -f "$ha_marker" ]; then
    touch "$ha_marker"
  fi
  format_zk
  exit 0
fi
# Anything but lost+found (and our markers) without a VERSION file is someone's data, or a half-written
# format: refuse.
leftover=$(ls -A "$name_dir" 2>/dev/null | grep -v -e '^lost+found$' -e '^\.k8s-daemonsets-' || true)
if [ -n "$leftover" ]; then
  echo "namenode-format: $name_dir has no current/VERSION but is not empty ($(echo "$leftover" | tr '\n' ' ')): refusing to format; inspect or empty it by hand" >&2
  exit 1
fi

case $role in
  standalone)
    if [ "$formatted" = true ]; then
      record=${FORMAT_RECORD_CONFIGMAP:-the format record}
      echo "namenode-format: $name_dir is empty, but cluster $(cat "$FORMAT_RECORD") was formatted and served before (ConfigMap $record): refusing to format a new, empty namespace over it (the DataNodes' blocks belong to the old one)." >&2
      echo "namenode-format: recover: if the name directory's disk is not mounted, mount it; if the directory was lost, restore its copy (current/ with VERSION, fsimage and edits: docs/runbooks.md, Recover a standalone NameNode); then delete this pod. Only to start over with an empty filesystem, every file lost: kubectl delete configmap -n ${record%%/*} ${record#*/}, then delete this pod." >&2
      exit 1
    fi
    say "$name_dir is empty: formatting (cluster id $cluster_id)"
    create -format -nonInteractive -clusterId "$cluster_id" || exit 1
    ;;
  format)
    if [ "$formatted" = true ]; then
      say "$name_dir is empty, and the nameservice was formatted and served before (the format record): this host lost its metadata; bootstrapping from a running NameNode (never a format)"
      create -bootstrapStandby -nonInteractive || exit 1
      touch "$ha_marker"
      format_zk
      exit 0
    fi
    say "$name_dir is empty and this host ($node) is the formatting host: formatting the nameservice (cluster id $cluster_id); the JournalNodes must be running"
    if ! create -format -nonInteractive -clusterId "$cluster_id"; then
      # Hadoop's refusal to format JournalNodes that hold edits: the nameservice exists, this host lost its disk.
      echo "$out" | grep -q "data appears to exist in QJM" || exit 1
      say "the JournalNodes already hold this nameservice's edits: this host lost its metadata; bootstrapping from a running NameNode instead (never a format)"
      create -bootstrapStandby -nonInteractive || exit 1
    fi
    touch "$ha_marker"
    format_zk
    ;;
  standby)
    say "$name_dir is empty and this host ($node) is not the formatting host ($format_host): bootstrapping a standby from a running NameNode"
    create -bootstrapStandby -nonInteractive || exit 1
    touch "$ha_marker"
    ;;
esac
