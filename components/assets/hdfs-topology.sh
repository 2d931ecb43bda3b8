#!/bin/bash
# The NameNodes' topology script (net.topology.script.file.name): prints the rack of each address it is given, one
# per argument, from the rack map (`address rack` lines of the DataNodes' hosts; the ConfigMap <name>-topology,
# mounted whole, so hosts the stack maps later reach the running NameNodes). An address this copy of the map does
# not hold (a host that joined the DataNodes' placement in an update the kubelet has not synced here yet, one that
# joined the cluster after the last `pulumi up`, a client that is no node) gets UNRESOLVED_RACK, a rack one level
# deeper or shallower than every mapped one: a DataNode there is refused registration (Hadoop keeps one depth for
# all DataNodes) and its cached mapping dropped, and it retries every 5 s, so it registers in its own rack once the
# map has it, never in a wrong one.
#   hdfs-topology.sh ADDRESS...
#   RACK_MAP         default /etc/hdfs-topology/racks
#   UNRESOLVED_RACK  default /unresolved
map=${RACK_MAP:-/etc/hdfs-topology/racks}
unresolved=${UNRESOLVED_RACK:-/unresolved}
declare -A racks
if [ -r "$map" ]; then
  while read -r address rack _; do
    [ -n "$address" ] && [ -n "$rack" ] && racks[$address]=$rack
  done <"$map"
fi
for address in "$@"; do
  echo "${racks[$address]:-$unresolved}"
done
