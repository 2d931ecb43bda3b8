#!/usr/bin/env bash
# From-nothing check: what a newcomer's first `make up` and `make test` cost on a machine with no caches.
#
#   scripts/fresh-check.sh            (make fresh-check)
#
# Clones the committed HEAD of this repository into a temporary directory and runs, there, `make up`,
# `make down` and `make test` with empty caches: the Go module and build caches (GOMODCACHE, GOCACHE,
# GOPATH), npm's cache and the tools cache (TOOLS_CACHE) all point into the temporary directory, so every
# module is downloaded and every tool built again. Prints each phase's time, and removes the directory at
# the end (FRESH_CHECK_KEEP=1 keeps it). Uncommitted changes are not in the clone.
#
# It takes about as long as a cold build of every tool plus the test tiers (BENCHMARKS.md, "Cold builds"), so it is
# not part of `make test` or CI; run it before calling a change to tools/, scripts/ or package.json done.
# Debian packages the scripts install (strace, ...) stay installed: only the caches are emptied.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

case ${1:-} in
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--help]" >&2; exit 2 ;;
esac

base=${FRESH_CHECK_DIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$base/daemonsets-fresh-check.XXXXXX")
cleanup() {
  local rc=$?
  if [ -d "$work/repo" ] && [ -x "$work/repo/scripts/cluster.sh" ]; then
    # whatever a failed phase left running: the stack's cluster and the tests' cluster
    (cd "$work/repo" && scripts/cluster.sh down >/dev/null 2>&1) || true
    (cd "$work/repo" && DAEMONSETS_STATE_DIR=$work/repo/.state/tests scripts/cluster.sh down >/dev/null 2>&1) || true
  fi
  if [ "${FRESH_CHECK_KEEP:-}" = 1 ]; then
    echo "fresh-check: kept $work"
  else
    chmod -R u+w "$work" 2>/dev/null || true # the Go module cache is read-only
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT

if [ -n "$(git -C "$REPO_ROOT" status --porcelain)" ]; then
  echo "fresh-check: note: uncommitted changes in $REPO_ROOT are not part of the check (it clones HEAD)"
fi
git clone -q "$REPO_ROOT" "$work/repo"
echo "fresh-check: $(git -C "$work/repo" log -1 --format='%h %s') in $work"

export GOMODCACHE=$work/go/pkg/mod GOCACHE=$work/go/cache GOPATH=$work/go
export npm_config_cache=$work/npm-cache
export TOOLS_CACHE=$work/tools-cache
unset KUBECONFIG DAEMONSETS_STATE_DIR
# PATH as the caller's shell had it, less this checkout's own directories (its node_modules/.bin, tools)
PATH=$(tr ':' '\n' <<<"$PATH" | grep -v -e "^$REPO_ROOT/" -e "^${XDG_CACHE_HOME:-$HOME/.cache}/k8s-daemonsets/" | paste -sd:)

declare -a phases=()
phase() { # phase NAME COMMAND...: run it in the clone, time it, stop at the first failure
  local name=$1 start rc=0; shift
  echo "fresh-check: === $name: $*"
  start=$(date +%s)
  (cd "$work/repo" && "$@") || rc=$?
  phases+=("$(printf '%-12s %5ds  %s' "$name" $(($(date +%s) - start)) "$([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)")")")
  if [ $rc -ne 0 ]; then
    report
    echo "fresh-check: FAILED in '$name'" >&2
    exit $rc
  fi
}
report() {
  local f
  echo "fresh-check: phases (wall time):"
  printf '  %s\n' "${phases[@]}"
  echo "fresh-check: tool builds within them (tools/build.sh):"
  for f in "$TOOLS_CACHE"/*/.build-seconds; do
    [ -f "$f" ] && printf '  %-40s %5ss\n' "$(basename "$(dirname "$f")")" "$(cat "$f")"
  done
}

total=$(date +%s)
phase "make up" make up
phase "make down" make down
phase "make test" make test
phases+=("$(printf '%-12s %5ds' total $(($(date +%s) - total)))")
report
echo "fresh-check: passed from nothing"
