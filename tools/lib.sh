# Shared by tools/build.sh and scripts/env.sh: where each tool family's binaries live.
#
# Every family is one Go module under tools/<family>. Its binaries go to
#   $TOOLS_CACHE/<family>-<key>/bin
# where <key> hashes the family's go.mod, go.sum, its build recipe and the Go version, so a fresh clone on
# the same machine reuses a finished build and a version bump rebuilds only that family.

TOOLS_DIR=${TOOLS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
TOOLS_CACHE=${TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-daemonsets/tools}

# The families, in build order (the cluster's first: they are needed soonest).
TOOL_FAMILIES=(kubernetes etcd kwok pulumi pulumi-kubernetes)

# The Go modules a family is built from (default: tools/<family>). The Pulumi CLI takes its language host
# from its own directory (and warns about one found on PATH), so both are built into one family.
family_modules() {
  case $1 in
    pulumi) echo "pulumi pulumi-language-nodejs" ;;
    *) echo "$1" ;;
  esac
}

# Versions stamped into the binaries; each must match what the family's go.mod pins.
KUBERNETES_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
PULUMI_VERSION=v3.276.0
PULUMI_NODEJS_HOST_VERSION=v3.68.0
PULUMI_KUBERNETES_VERSION=4.25.0
PULUMI_KUBERNETES_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199

tool_key() {
  local family=$1
  local module
  {
    for module in $(family_modules "$family"); do
      cat "$TOOLS_DIR/$module/go.mod" "$TOOLS_DIR/$module/go.sum"
    done
    declare -f "build_$family"
    go env GOVERSION
  } | sha256sum | cut -c1-16
}

tool_bin_dir() {
  echo "$TOOLS_CACHE/$1-$(tool_key "$1")/bin"
}

# ---- build recipes: each writes its binaries into the directory given as $1, from tools/<family> ----

build_kubernetes() {
  local v=${KUBERNETES_VERSION#v} pkg=k8s.io/component-base/version
  local ld="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=${v%%.*}"
  ld+=" -X $pkg.gitMinor=$(echo "$v" | cut -d. -f2) -X $pkg.gitTreeState=clean"
  ld+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  go build -trimpath -ldflags "$ld" -o "$1/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  go build -trimpath -ldflags "-s -w" -o "$1/etcd" go.etcd.io/etcd/server/v3
}

build_kwok() {
  go build -trimpath -ldflags "-s -w" -o "$1/" sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
}

build_pulumi() {
  go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$1/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  # The stand-alone language-host module is not served by the module proxy; the last sdk/v3 release that
  # still carried the host as a package is (tools/pulumi-language-nodejs). It speaks the same gRPC protocol.
  (cd ../pulumi-language-nodejs && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_NODEJS_HOST_VERSION" \
    -o "$1/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
}

build_pulumi-kubernetes() {
  # The provider's main embeds files made by `go generate`, so it is built from a scratch copy of the
  # module (with this family's go.mod as the main module and a replace pointing at the copy).
  local out=$1 scratch mod
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-kubernetes-build.XXXXXX")
  # `go list -m` reports an empty Dir for a module not yet in the module cache (a fresh machine): download first.
  go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
  mod=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
  [ -n "$mod" ] && [ -d "$mod" ] || { echo "provider module directory not found (go mod download)" >&2; return 1; }
  cp -r . "$scratch/tools"
  cp -r "$mod" "$scratch/provider"
  chmod -R u+w "$scratch"
  (
    set -e
    cd "$scratch/tools"
    go mod edit -replace "github.com/pulumi/pulumi-kubernetes/provider/v4=../provider"
    sed '/^\/\/go:build ignore/d;/^\/\/ +build ignore/d' \
      "../provider/cmd/pulumi-resource-kubernetes/generate.go" > generate-schema.go
    go build -o "$scratch/generate-schema" ./generate-schema.go
    (cd ../provider/cmd/pulumi-resource-kubernetes && VERSION=$PULUMI_KUBERNETES_VERSION "$scratch/generate-schema")
    go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
      -o "$out/pulumi-resource-kubernetes" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes
  )
  local rc=$?
  rm -rf "$scratch"
  return $rc
}
