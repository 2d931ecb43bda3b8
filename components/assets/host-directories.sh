#!/bin/sh
# An HDFS role's host directories, checked and handed to the hadoop user before its daemon starts (the pod's
# first init container: root, with CHOWN and nothing else). A disk that is not mounted leaves its mount point an
# empty directory of the node's root filesystem: a daemon started there writes its blocks, edits or namespace onto
# that filesystem (and a NameNode would format a new, empty namespace). So, by the role's `hostDirectories`:
#   create      any directory (the kubelet made a missing one): only handed over
#   mountPoint  the root of a mounted filesystem: the mount's root in /proc/self/mountinfo is "/", not a
#               directory of another filesystem
#   marker      holds the file .k8s-daemonsets-volume, made by whoever prepared the disk (for a directory inside
#               a mounted filesystem, or a bind mount)
# A directory that fails is refused with its node path, and nothing is handed over: the daemon does not start.
#
#   host-directories.sh MODE SETTING UID DIR HOST_PATH [DIR HOST_PATH ...]
#     DIR the directory in the container, HOST_PATH the node's path mounted there (for the message), SETTING the
#     setting's name in messages
#   MOUNTINFO  the mount table to read; default /proc/self/mountinfo
set -eu
mode=${1:?mode} setting=${2:?setting} uid=${3:?uid}
shift 3
mountinfo=${MOUNTINFO:-/proc/self/mountinfo}
marker=.k8s-daemonsets-volume
refused=0
dirs=""
while [ $# -ge 2 ]; do
  dir=$1 host=$2
  shift 2
  case $mode in
    create) ;;
    mountPoint)
      # Field 4 is the mount's root within its filesystem, field 5 where it is mounted (the last such line wins).
      root=$(awk -v m="$dir" '$5 == m { r = $4 } END { print r }' "$mountinfo")
      if [ "$root" != "/" ]; then
        echo "host-directories: $host (on this node; $dir in the pod) is not the root of a mounted filesystem (it is ${root:-no mount} of the filesystem mounted there): is its disk mounted? The daemon does not start on it ($setting: mountPoint; docs/runbooks.md, Replace a disk)" >&2
        refused=1
      fi
      ;;
    marker)
      if [ ! -e "$dir/$marker" ]; then
        echo "host-directories: $host (on this node; $dir in the pod) has no $marker: is its disk mounted? The daemon does not start on it ($setting: marker; create the file on the disk once it is mounted; docs/runbooks.md, Replace a disk)" >&2
        refused=1
      fi
      ;;
    *) echo "host-directories: unknown mode $mode" >&2; exit 2 ;;
  esac
  dirs="$dirs $dir"
done
[ "$refused" -eq 0 ] || exit 1
# shellcheck disable=SC2086 # the directories, one word each (paths the component renders, without spaces)
chown "$uid:$uid" $dirs
