#!/bin/bash
# preStop hook of the DataNode: stops it the way Hadoop's rolling upgrade does, `hdfs dfsadmin -shutdownDatanode
# <self> upgrade`, so that clients writing through it wait for it to come back (dfs.client.datanode-restart.timeout)
# instead of dropping it from their pipelines; then waits until it has stopped (its IPC port closed). A pod of a
# DaemonSet is deleted to be replaced on the same node (a new version, a new configuration); a host that leaves for
# good has been decommissioned first (it serves no writes). Runs as the DataNode's own user (its keytab's principal
# in Kerberos mode), which the DataNode allows. If the command fails the kubelet's SIGTERM stops it as before.
#
#   HDFS_HOST_IP  the node's address      IPC_PORT  the DataNode's IPC port      WAIT_SECONDS  default 20
set -u
ipc=${IPC_PORT:?IPC_PORT is not set} address=${HDFS_HOST_IP:?HDFS_HOST_IP is not set} wait=${WAIT_SECONDS:-20}
# One request (C1 alone: about half a JVM's CPU to its answer; BENCHMARKS.md, HDFS day two).
export HADOOP_CLIENT_OPTS="-Xmx64m -XX:TieredStopAtLevel=1"
if [ -n "${HDFS_PRINCIPAL:-}" ]; then
  export KRB5CCNAME=FILE:/tmp/datanode-prestop.krb5cc
  kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL" || exit 0
fi
echo "datanode-prestop: hdfs dfsadmin -shutdownDatanode $address:$ipc upgrade" >/proc/1/fd/1
hdfs dfsadmin -shutdownDatanode "$address:$ipc" upgrade >/proc/1/fd/1 2>&1 || exit 0
for _ in $(seq 1 "$wait"); do
  (exec 3<>"/dev/tcp/$address/$ipc") 2>/dev/null || exit 0
  sleep 1
done
