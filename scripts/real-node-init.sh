#!/usr/bin/env bash
# First process of a real node's mount and UTS namespaces (started by scripts/real-nodes.sh, already inside
# the node's network namespace): gives the node its own host directories, its own sysfs (the network devices
# of its namespace) with the machine's cgroup hierarchies, its own resolv.conf, the kernel settings the
# kubelet expects (read-only copies: the machine's own values are never changed), makes / shared, then
# holds the namespaces open until it is killed.
#   real-node-init.sh NAME NODE_DIR
set -euo pipefail
name=$1 nd=$2
hostname "$name"

# Per-node host directories over the machine's paths (the machine's are empty mount points).
while read -r src dst; do
  [ -n "$src" ] || continue
  if [ -d "$nd/root/$src" ]; then
    mount --bind "$nd/root/$src" "$dst"
  else
    mount --bind -o ro "$nd/root/$src" "$dst"
  fi
done <"$nd/conf/mounts"

# /run/netns holds the machine's handles of every node's network namespace: replace it with the node's own
# (empty) directory, so this namespace pins no other node's network.
umount -R -l /run/netns 2>/dev/null || true
mount --bind "$nd/root/run/netns" /run/netns

# A sysfs of this network namespace (so /sys/class/net lists the node's devices), with the machine's cgroup
# hierarchies mounted back under it.
mkdir -p "$nd/cgroup-hold"
mount --rbind /sys/fs/cgroup "$nd/cgroup-hold"
mount -t sysfs sysfs /sys
mount --rbind "$nd/cgroup-hold" /sys/fs/cgroup
umount -R -l "$nd/cgroup-hold"

# The kubelet sets vm.overcommit_memory, kernel.panic and kernel.panic_on_oops to its preferred values unless
# they already have them; those settings are the machine's, not the namespace's. It reads these copies instead.
for kv in vm/overcommit_memory=1 kernel/panic=10 kernel/panic_on_oops=1 vm/panic_on_oom=0; do
  k=${kv%%=*} v=${kv#*=}
  f=$nd/conf/sysctl-${k//\//.}
  echo "$v" >"$f"
  mount --bind -o ro "$f" "/proc/sys/$k"
done

mount --make-rshared /
touch "$nd/init.ready"
exec sleep infinity
