#!/bin/bash
# preStop hook of the zkfc container (automatic failover): keeps the ZKFC running until the NameNode beside it
# has stopped (its RPC port closed on this host), and then long enough for the ZKFC's health monitor to see that
# and quit the election. Quitting closes the ZKFC's ZooKeeper session, which frees the active lock at once: a
# standby takes over while this pod is still terminating, before the DaemonSet can start its replacement.
# Without it the ZKFC dies with the NameNode, the lock outlives them until ZooKeeper expires the session
# (ha.zookeeper.session-timeout.ms, 10 s), and the replacement, back within seconds, races the standbys for it.
#   NAMENODE_RPC_PORT  the NameNode's RPC port (it binds every address, so 127.0.0.1 reaches it)
#   WAIT_SECONDS       longest wait for the NameNode to stop; default 45 (the pod's grace period is 60 s; fractions allowed)
#   SETTLE_SECONDS     after it stopped: the health monitor checks every second; default 4 (fractions allowed)
#   POLL_SECONDS       how often the port is tried; default 1 (fractions allowed)
port=${NAMENODE_RPC_PORT:?NAMENODE_RPC_PORT is not set}
wait_seconds=${WAIT_SECONDS:-45}
settle_seconds=${SETTLE_SECONDS:-4}
poll_seconds=${POLL_SECONDS:-1}

# Microseconds since the epoch (bash 5's EPOCHREALTIME without its decimal point), and of a duration like 45 or 0.3.
now_us() { echo "${EPOCHREALTIME/./}"; }
us_of() { local int=${1%%.*} frac=${1#*.}; [ "$frac" != "$1" ] || frac=; frac=${frac}000000; echo $((${int:-0} * 1000000 + 10#${frac:0:6})); }
deadline=$(($(now_us) + $(us_of "$wait_seconds")))
while (($(now_us) < deadline)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  sleep "$poll_seconds"
done
sleep "$settle_seconds"
