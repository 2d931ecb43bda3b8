#!/bin/sh
# Formats a NameNode's name directory on its first start, and never touches existing metadata.
#   NAME_DIR    the name directory (a hostPath)
#   CLUSTER_ID  the cluster id written by the format
set -eu
name_dir=${NAME_DIR:?NAME_DIR is not set}
cluster_id=${CLUSTER_ID:?CLUSTER_ID is not set}

if [ -f "$name_dir/current/VERSION" ]; then
  echo "namenode-format: $name_dir/current/VERSION exists: keeping the existing metadata"
  exit 0
fi
# Anything but lost+found without a VERSION file is someone's data, or a half-written format: refuse.
leftover=$(ls -A "$name_dir" 2>/dev/null | grep -v '^lost+found$' || true)
if [ -n "$leftover" ]; then
  echo "namenode-format: $name_dir has no current/VERSION but is not empty ($(echo "$leftover" | tr '\n' ' ')): refusing to format; inspect or empty it by hand" >&2
  exit 1
fi
echo "namenode-format: $name_dir is empty: formatting (cluster id $cluster_id)"
exec hdfs namenode -format -nonInteractive -clusterId "$cluster_id"
