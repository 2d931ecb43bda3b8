#!/bin/sh
# Starts the NameNode. While a rolling upgrade is prepared and not finalized (the name directory holds the
# rollback image `fsimage_rollback_*`, which `dfsadmin -rollingUpgrade prepare` made and `finalize` renames), it
# starts with `-rollingUpgrade started`, as Hadoop's rolling-upgrade guide says: a NameNode of a newer layout then
# loads the older image instead of refusing it. Hadoop's own record of the upgrade, so nothing else must agree.
#
#   namenode-start.sh NAME_DIR
name_dir=${1:?usage: namenode-start.sh NAME_DIR}
for image in "$name_dir"/current/fsimage_rollback_*; do
  if [ -e "$image" ]; then
    echo "namenode-start: a rolling upgrade is in progress ($image): hdfs namenode -rollingUpgrade started"
    exec hdfs namenode -rollingUpgrade started
  fi
done
exec hdfs namenode
