#!/usr/bin/env bash
# Builds the pinned tools (Kubernetes control plane, etcd, kwok, Pulumi CLI, Node.js language host,
# Kubernetes provider) from Go modules into a cache outside the checkout. Idempotent: a family whose key
# (go.mod, go.sum, recipe, Go version) already has a finished build is skipped.
#   tools/build.sh [family ...]     default: the families of TOOL_FAMILIES (tools/lib.sh), and with REAL_NODES > 0
#                                   those of the real nodes (REAL_NODE_FAMILIES) too
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v go >/dev/null || { echo "tools: Go is not installed (need go >= 1.26)" >&2; exit 1; }
export GOFLAGS=-mod=readonly GOTOOLCHAIN=local

families=("$@")
if [ ${#families[@]} -eq 0 ]; then
  families=("${TOOL_FAMILIES[@]}")
  # Real nodes (REAL_NODES > 0): their kubelet, runtime, CNI plugins, images, and the scrape test's Prometheus.
  if [ "${REAL_NODES:-0}" != 0 ]; then families+=("${REAL_NODE_FAMILIES[@]}"); fi
fi
mkdir -p "$TOOLS_CACHE"

for family in "${families[@]}"; do
  declare -F "build_$family" >/dev/null || { echo "tools: unknown family '$family'" >&2; exit 2; }
  bin=$(tool_bin_dir "$family")
  dir=$(dirname "$bin")
  if [ -f "$dir/.complete" ]; then
    echo "tools: $family up to date ($dir)"
    continue
  fi
  echo "tools: building $family -> $dir"
  start=$(date +%s)
  tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/bin"
  log="$TOOLS_CACHE/$family.build.log"
  # A recipe runs in its family's first module (family_modules).
  moddir=$TOOLS_DIR/$(family_modules "$family" | cut -d" " -f1)
  if ! (cd "$moddir" && "build_$family" "$tmp/bin") >"$log" 2>&1; then
    echo "tools: FAILED building $family (recipe build_$family in tools/lib.sh); last lines of $log:" >&2
    tail -n 40 "$log" >&2
    rm -rf "$tmp"
    exit 1
  fi
  rm -rf "$dir"
  mv "$tmp" "$dir"
  echo "$(( $(date +%s) - start ))" > "$dir/.build-seconds"
  touch "$dir/.complete"
  echo "tools: built $family in $(( $(date +%s) - start ))s: $(ls "$dir/bin" | tr '\n' ' ')"
done
