#!/bin/bash
# Decommissions (or recommissions) DataNodes the HDFS way: the NameNodes' exclude file (dfs.hosts.exclude, a
# ConfigMap mounted whole into their pods, so it changes under them) already lists the addresses to drain; this
# refreshes every NameNode (hdfs dfsadmin -refreshNodes) until each listed DataNode reports "Decommissioned" and
# every other one "Normal", then exits 0. The NameNodes see the file only once the kubelet has synced their
# ConfigMap volume (about a minute), so it refreshes again on every round. After TIMEOUT_SECONDS it fails, naming
# the DataNodes still draining and the blocks still under-replicated, so that `pulumi up` fails with them.
# Runs as the NameNodes' principal (the superuser; its keytab), in a Job the NameNode component creates.
#
#   datanode-decommission.sh [ADDRESS ...]     the DataNodes to have decommissioned, by the address they register with
#   TIMEOUT_SECONDS  default 3600      POLL_SECONDS  default 10
set -uo pipefail
timeout=${TIMEOUT_SECONDS:-3600} poll=${POLL_SECONDS:-10}
targets=("$@")
# Each hdfs command is a JVM that runs one request (C1 alone: about half a JVM's CPU to its answer; BENCHMARKS.md, HDFS day two).
export HADOOP_CLIENT_OPTS=${HADOOP_CLIENT_OPTS:--Xmx128m -XX:TieredStopAtLevel=1}
say() { echo "decommission: $*"; }
# Kerberos: a new ticket from the keytab every round. A drain lasts as long as its data takes to copy (hours for a
# full host), a ticket only as long as the realm allows (the local realm's: 3 minutes); kinit is one request.
login() {
  [ -n "${HDFS_PRINCIPAL:-}" ] || return 0
  local out
  out=$(kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL" 2>&1) || { say "kinit as $HDFS_PRINCIPAL failed: $out"; return 1; }
}
login || exit 1
say "target: ${targets[*]:-no DataNode excluded} (every other DataNode in service)"

# "address status" per DataNode of `hdfs dfsadmin -report` (its "Name: <ip>:<port> (<host>)" and
# "Decommission Status : <status>" lines), one line each.
states() {
  awk '/^Name: /{ split($2, a, ":"); ip = a[1] } /^Decommission Status : /{ sub(/^Decommission Status : /, ""); print ip " " $0 }' <<<"$1"
}

start=$SECONDS
while :; do
  login || true # (then the commands below fail, and this round waits)
  out=$(hdfs dfsadmin -refreshNodes 2>&1) || say "refreshNodes: $out"
  pending=()
  # A report that failed says nothing: never read as "no DataNode left to drain".
  if ! report=$(hdfs dfsadmin -report 2>&1); then
    say "dfsadmin -report failed: $(tail -n 3 <<<"$report" | tr '\n' ' ')"
    pending+=("the NameNode's report")
    report=""
  fi
  current=$(states "$report")
  for t in "${targets[@]}"; do
    s=$(awk -v ip="$t" '$1 == ip { $1 = ""; sub(/^ /, ""); print }' <<<"$current")
    # A DataNode the NameNode does not know (already gone, never registered) has nothing to drain.
    [ -z "$s" ] || [ "$s" = Decommissioned ] || pending+=("$t ($s)")
  done
  while read -r ip s; do
    [ -n "$ip" ] || continue
    case " ${targets[*]} " in *" $ip "*) continue ;; esac
    [ "$s" = Normal ] || pending+=("$ip ($s, to be back in service)")
  done <<<"$current"
  if [ ${#pending[@]} -eq 0 ]; then
    say "done after $((SECONDS - start)) s: $(tr '\n' ';' <<<"$current")"
    exit 0
  fi
  if ((SECONDS - start >= timeout)); then
    say "timed out after ${timeout} s; still draining: ${pending[*]}"
    hdfs dfsadmin -report -decommissioning 2>&1 | grep -E '^(Name|Decommission Status|Under replicated blocks|Blocks with no live replicas|Under Replicated Blocks in files under construction)' | sed 's/^/decommission:   /'
    say "blocks still under-replicated (hdfs fsck /):"
    hdfs fsck / 2>/dev/null | grep -i 'under replicated' | head -n 50 | sed 's/^/decommission:   /'
    exit 1
  fi
  say "waiting: ${pending[*]}"
  sleep "$poll"
done
