#!/bin/bash
# preStop hook of the zkfc container (automatic failover): keeps the ZKFC running until the NameNode beside it
# has stopped (its RPC port closed on this host), and then until the ZKFC's health monitor has seen that and quit
# the election. Quitting closes the ZKFC's ZooKeeper session (Hadoop's ActiveStandbyElector.quitElection), which
# frees the active lock at once: a standby takes over while this pod is still terminating, before the DaemonSet can
# start its replacement. Without it the ZKFC dies with the NameNode, the lock outlives them until ZooKeeper expires
# the session (ha.zookeeper.session-timeout.ms, 10 s), and the replacement, back within seconds, races the standbys
# for it. The quit is seen as this container's processes holding no TCP connection to a ZooKeeper server's port.
#   NAMENODE_RPC_PORT  the NameNode's RPC port (it binds every address, so 127.0.0.1 reaches it)
#   ZOOKEEPER_QUORUM   ha.zookeeper.quorum (host:port,...); unset: SETTLE_SECONDS are waited out instead
#   WAIT_SECONDS       longest wait for the NameNode to stop; default 45 (the pod's grace period is 60 s; fractions allowed)
#   SETTLE_SECONDS     longest wait, after it stopped, for the ZKFC to quit (its health monitor checks every
#                      second); default 4 (fractions allowed)
#   POLL_SECONDS       how often the port is tried; default 1 (fractions allowed)
#   LOG                where it says what it waited for; default /proc/1/fd/1 (the ZKFC's output: its container log)
port=${NAMENODE_RPC_PORT:?NAMENODE_RPC_PORT is not set}
wait_seconds=${WAIT_SECONDS:-45}
settle_seconds=${SETTLE_SECONDS:-4}
poll_seconds=${POLL_SECONDS:-1}

# Microseconds since the epoch (bash 5's EPOCHREALTIME without its decimal point), and of a duration like 45 or 0.3.
now_us() { echo "${EPOCHREALTIME/./}"; }
us_of() { local int=${1%%.*} frac=${1#*.}; [ "$frac" != "$1" ] || frac=; frac=${frac}000000; echo $((${int:-0} * 1000000 + 10#${frac:0:6})); }
started=$(now_us)
deadline=$((started + $(us_of "$wait_seconds")))
while (($(now_us) < deadline)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  sleep "$poll_seconds"
done

# Whether a process of this container has a TCP connection to (or a connect under way to) a ZooKeeper port: its
# sockets' inodes (/proc/<pid>/fd) among the lines of /proc/net/tcp{,6} whose remote port is one of the quorum's
# and whose state is ESTABLISHED (01) or SYN_SENT (02). Prints connected, none, or unknown: no socket of any
# process could be read (a live ZKFC always holds one, its RPC listener), or no TCP table: the wait goes on.
zk_ports=$(for server in ${ZOOKEEPER_QUORUM//,/ }; do printf '%04X\n' "$((10#${server##*:}))"; done | sort -u | tr '\n' ' ')
zk_sessions() {
  local tables=() table
  for table in /proc/net/tcp /proc/net/tcp6; do [ -r "$table" ] && tables+=("$table"); done
  find /proc/[0-9]*/fd -lname 'socket:*' -printf '%l\n' 2>/dev/null |
    awk -v ports="$zk_ports" -v tables=${#tables[@]} '
      BEGIN { n = split(ports, p, " "); for (i = 1; i <= n; i++) zk[p[i]] = 1 }
      FILENAME == "-" { gsub(/[^0-9]/, ""); mine[$0] = 1; sockets++; next }
      FNR > 1 { split($3, remote, ":"); if ((remote[2] in zk) && ($4 == "01" || $4 == "02") && ($10 in mine)) found = 1 }
      END { print found ? "connected" : (sockets && tables ? "none" : "unknown") }' - "${tables[@]}"
}
# Seconds (one decimal) since microsecond timestamp $1.
since() { local us=$(($(now_us) - $1)); printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000)); }
stopped=$(now_us) stopped_after=$(since "$started")
if [ -z "$zk_ports" ]; then
  sleep "$settle_seconds"
  outcome="waited ${settle_seconds} s (no ZOOKEEPER_QUORUM)"
else
  settle_deadline=$((stopped + $(us_of "$settle_seconds")))
  sessions=$(zk_sessions)
  while (($(now_us) < settle_deadline)) && [ "$sessions" != none ]; do sleep 0.2; sessions=$(zk_sessions); done
  case $sessions in
    none) outcome="its ZooKeeper connections closed $(since "$stopped") s later" ;;
    connected) outcome="its ZooKeeper connections still open after $(since "$stopped") s (the limit)" ;;
    *) outcome="its sockets could not be read (/proc): waited $(since "$stopped") s (the limit)" ;;
  esac
fi
# In the ZKFC's own log (the container's output), for whoever reads why the pod took its time.
echo "zkfc-prestop: the NameNode stopped ${stopped_after} s after the hook began; the ZKFC: $outcome" >>"${LOG:-/proc/1/fd/1}" 2>/dev/null || true
