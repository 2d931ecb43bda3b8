#!/usr/bin/env bash
# Environment for the local cluster and local Pulumi stacks.
#   source scripts/env.sh           # in scripts
#   scripts/env.sh --print          # `export K=V` lines: eval "$(make -s env)"
# Everything points into $STATE_DIR; a KUBECONFIG or Pulumi login from the caller's environment is ignored.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${DAEMONSETS_STATE_DIR:-$REPO_ROOT/.state}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)

# Tool families' bin dirs (tools/lib.sh), then the npm binaries, in front of PATH (once).
source "$REPO_ROOT/tools/lib.sh"
for _dir in "$REPO_ROOT/node_modules/.bin" $(for _f in "${TOOL_FAMILIES[@]}"; do tool_bin_dir "$_f"; done | tac); do
  case ":$PATH:" in *":$_dir:"*) ;; *) PATH=$_dir:$PATH ;; esac
done
unset _dir _f

KUBECONFIG=$STATE_DIR/kubeconfig
KUBECACHEDIR=$STATE_DIR/kube-cache     # kubectl's discovery cache, instead of ~/.kube/cache
PULUMI_HOME=$STATE_DIR/pulumi-home
PULUMI_BACKEND_URL=file://$STATE_DIR/pulumi-backend
mkdir -p "$PULUMI_HOME" "$STATE_DIR/pulumi-backend"
# Encrypts secrets of the local file-backend stacks only; never use these stacks for anything real.
PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-local-dev-only-not-a-secret}

# The provider as an installed plugin of PULUMI_HOME: a hard link into the tools cache (no copy), so pulumi
# takes exactly this binary and does not warn about plugins found on PATH (which it is told to ignore).
_provider=$(tool_bin_dir pulumi-kubernetes)/pulumi-resource-kubernetes
_plugin_dir=$PULUMI_HOME/plugins/resource-kubernetes-v$PULUMI_KUBERNETES_VERSION
if [ -x "$_provider" ] && ! [ "$_plugin_dir/pulumi-resource-kubernetes" -ef "$_provider" ]; then
  mkdir -p "$_plugin_dir"
  ln -f "$_provider" "$_plugin_dir/" 2>/dev/null || cp "$_provider" "$_plugin_dir/"
fi
unset _provider _plugin_dir
PULUMI_IGNORE_AMBIENT_PLUGINS=true

# The file backend rewrites the whole state file twice per resource step (O(resources^2) per update: at 1,000
# nodes, 300 NodePatches and a 2 MB state, ~35 s of a 160 s `pulumi up`; BENCHMARKS.md, "Checkpoints"). The local
# stacks save it once at the end instead: an update killed outright (SIGKILL, power loss) forgets what it created,
# which for the disposable local cluster `make down && make up` repairs. A failed update and a single Ctrl-C
# still save. PULUMI_SKIP_CHECKPOINTS=false in the caller's environment restores per-step checkpoints.
PULUMI_SKIP_CHECKPOINTS=${PULUMI_SKIP_CHECKPOINTS:-true}

# No network from pulumi: no update check, no plugin downloads (the provider comes from PATH), no registry
# look-ups, no Pulumi Cloud (file backend, no access token), no Neo/Copilot calls.
PULUMI_SKIP_UPDATE_CHECK=true
PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
PULUMI_DISABLE_REGISTRY_RESOLVE=true
PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
PULUMI_NEO=false
PULUMI_SUPPRESS_NEO_LINK=true
unset PULUMI_ACCESS_TOKEN

_env_vars=(REPO_ROOT STATE_DIR PATH KUBECONFIG KUBECACHEDIR PULUMI_HOME PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE
  PULUMI_SKIP_UPDATE_CHECK PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION PULUMI_DISABLE_REGISTRY_RESOLVE
  PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK PULUMI_IGNORE_AMBIENT_PLUGINS PULUMI_SKIP_CHECKPOINTS PULUMI_NEO PULUMI_SUPPRESS_NEO_LINK)
export "${_env_vars[@]}"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  if [ "${1:-}" = --print ]; then
    echo "unset PULUMI_ACCESS_TOKEN"
    for _v in "${_env_vars[@]}"; do printf 'export %s=%q\n' "$_v" "${!_v}"; done
  else
    echo "usage: source scripts/env.sh  |  scripts/env.sh --print" >&2
    exit 2
  fi
fi
unset _env_vars _v
