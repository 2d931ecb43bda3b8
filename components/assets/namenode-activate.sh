#!/bin/sh
# The NameNode container's postStart hook, HA with manual failover only: a nameservice whose NameNodes all
# start as standby serves no client, and without ZooKeeper nothing would make one active. So when this is the
# formatting host's NameNode and no NameNode of the nameservice is active, it makes this one active, once per
# container start. Never fails (a failed hook would kill the NameNode): a later failover is the operator's
# (docs/hdfs.md, "Failover").
#   NODE_NAME, FORMAT_HOST   this pod's node, the formatting host
#   NAMENODE_ID              this NameNode's id (dfs.ha.namenodes.<ns>)
#   ACTIVATE_WAIT_SECONDS    how long it keeps trying (default 300)
#   ACTIVATE_RETRY_SECONDS   the pause between two tries (default 5; fractions allowed)
#   ACTIVATE_LOG             where its messages go (default: the NameNode's stdout, so the container's log)
#   HDFS_PRINCIPAL, HDFS_KEYTAB  with Kerberos: haadmin runs as the NameNode's principal, from its keytab
[ "${NODE_NAME:-}" = "${FORMAT_HOST:-}" ] && [ -n "${NAMENODE_ID:-}" ] || exit 0
# A hook's output is not in the container's log: write to the NameNode's own stdout (PID 1) when it may.
log=${ACTIVATE_LOG:-/proc/1/fd/1}
( : >>"$log" ) 2>/dev/null || log=/dev/stdout  # (a subshell: a failed redirect ends a POSIX shell)
say() { echo "namenode-activate: $*" >>"$log"; }
# A small client JVM beside the NameNode's, for one request at a time (C1 alone: about half a JVM's CPU to its answer; BENCHMARKS.md, HDFS day two).
export HADOOP_CLIENT_OPTS="-Xmx64m -XX:TieredStopAtLevel=1 ${HADOOP_CLIENT_OPTS:-}"
deadline=$(( $(date +%s) + ${ACTIVATE_WAIT_SECONDS:-300} ))
# haadmin refuses -transitionToActive while any other NameNode cannot be asked (still starting or
# bootstrapping): try again until it succeeds, another NameNode is active, or the time is up.
# With Kerberos, a ticket from the NameNode's keytab before each try (the realm's tickets may be short-lived).
login() { [ -z "${HDFS_PRINCIPAL:-}" ] || kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL" >>"$log" 2>&1; }
while :; do
  login || say "kinit as $HDFS_PRINCIPAL failed; trying again"
  if state=$(hdfs haadmin -getServiceState "$NAMENODE_ID" 2>/dev/null); then
    [ "$state" = standby ] || { say "$NAMENODE_ID is $state: nothing to do"; exit 0; }
    if hdfs haadmin -getAllServiceState 2>/dev/null | grep -qw active; then
      say "the nameservice has an active NameNode: $NAMENODE_ID stays standby"
      exit 0
    fi
    say "no NameNode of the nameservice is active: hdfs haadmin -transitionToActive $NAMENODE_ID"
    if hdfs haadmin -transitionToActive "$NAMENODE_ID" >>"$log" 2>&1; then
      say "$NAMENODE_ID is active"
      exit 0
    fi
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "$NAMENODE_ID not made active within ${ACTIVATE_WAIT_SECONDS:-300}s; the operator can run transitionToActive (docs/hdfs.md, Failover)"
    exit 0
  fi
  sleep "${ACTIVATE_RETRY_SECONDS:-5}"
done
