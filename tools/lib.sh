# Shared by tools/build.sh and scripts/env.sh: where each tool family's binaries live.
#
# Every family is one Go module under tools/<family>. Its binaries go to
#   $TOOLS_CACHE/<family>-<key>/bin
# where <key> hashes the family's go.mod, go.sum, Go sources of its own, its build recipe and the Go version, so a fresh clone on
# the same machine reuses a finished build and a version bump rebuilds only that family.

TOOLS_DIR=${TOOLS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
TOOLS_CACHE=${TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-daemonsets/tools}

# The families, in build order (the cluster's first: they are needed soonest). node-mixin and prometheus render
# and check the alerting rules (make node-mixin, the smoke tier) and run the local Prometheus; kube-state-metrics
# gives it the nodes the coverage alert counts; alertmanager receives its alerts.
TOOL_FAMILIES=(kubernetes etcd kwok pulumi pulumi-kubernetes node-mixin prometheus kube-state-metrics alertmanager)

# The Go modules a family is built from (default: tools/<family>). The Pulumi CLI takes its language host
# from its own directory (and warns about one found on PATH), so both are built into one family.
family_modules() {
  case $1 in
    pulumi) echo "pulumi pulumi-language-nodejs" ;;
    kubelet) echo "kubernetes" ;;
    images) echo "images node-exporter kube-rbac-proxy kubernetes" ;;
    hadoop | hadoop-*) echo "hadoop images" ;;
    node-mixin) echo "jsonnet node-exporter" ;;
    *) echo "$1" ;;
  esac
}

# Families of the real nodes (scripts/cluster.sh with REAL_NODES > 0); built when asked for
# (tools/build.sh FAMILY..., or REAL_NODES > 0), not part of the default list above. hadoop-3.4.1: the image the
# rolling upgrade of HDFS is tested from, beside the default one (hadoop).
REAL_NODE_FAMILIES=(kubelet containerd runc cni nodebridge images hadoop hadoop-3.4.1 krb5)

# Versions stamped into the binaries; each must match what the family's go.mod pins.
KUBERNETES_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
PULUMI_VERSION=v3.276.0
PULUMI_NODEJS_HOST_VERSION=v3.68.0
PULUMI_KUBERNETES_VERSION=4.25.0
PULUMI_KUBERNETES_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
CONTAINERD_VERSION=v2.4.2
RUNC_VERSION=v1.5.3
CNI_PLUGINS_VERSION=v1.10.0
NODE_EXPORTER_VERSION=v1.12.1
KUBE_RBAC_PROXY_VERSION=v0.22.1
PROMETHEUS_VERSION=v0.316.0      # the module version of Prometheus 3.16.0
KUBE_STATE_METRICS_VERSION=v2.20.0
ALERTMANAGER_VERSION=v0.35.0
# The images the real nodes' containerd gets (tools/images): references exactly as the stack names them.
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2
NODE_EXPORTER_IMAGE=quay.io/prometheus/node-exporter:$NODE_EXPORTER_VERSION
KUBE_RBAC_PROXY_IMAGE=quay.io/brancz/kube-rbac-proxy:$KUBE_RBAC_PROXY_VERSION
HADOOP_VERSION=3.5.0             # the default HDFS image's (family hadoop); tools/hadoop/3.5.0 pins its jars
HADOOP_IMAGE=apache/hadoop:$HADOOP_VERSION
HADOOP_PREVIOUS_VERSION=3.4.1    # the image a rolling upgrade is tested from (family hadoop-3.4.1); tools/hadoop/3.4.1 pins its jars
HADOOP_VERSIONS=("$HADOOP_PREVIOUS_VERSION" "$HADOOP_VERSION")
DEBIAN_SUITE=bookworm            # the HDFS image's root filesystem; tools/hadoop/debian-packages.txt pins its packages
DEBIAN_MIRROR=http://deb.debian.org/debian

# The family that builds Hadoop VERSION's image, and so the name of its tar (<family>.oci.tar): hadoop for the
# default version (HADOOP_VERSION), hadoop-<version> for another.
hadoop_family() { if [ "$1" = "$HADOOP_VERSION" ]; then echo hadoop; else echo "hadoop-$1"; fi; }
# The image tar of Hadoop VERSION in the tools cache (there once its family is built).
hadoop_image_tar() { local family; family=$(hadoop_family "$1"); echo "$(tool_bin_dir "$family")/$family.oci.tar"; }

tool_key() {
  local family=$1
  local module recipe v
  # A recipe that builds another's way (build_hadoop-3.4.1 calls build_hadoop): the other is part of it.
  recipe=$(declare -f "build_$family")
  if [ "$family" != hadoop ] && grep -qw build_hadoop <<<"$recipe"; then recipe+=$'\n'$(declare -f build_hadoop); fi
  {
    for module in $(family_modules "$family"); do
      for f in "$TOOLS_DIR/$module/go.mod" "$TOOLS_DIR/$module/go.sum"; do if [ -f "$f" ]; then cat "$f"; fi; done
      # the project's own Go sources of a module (tools/images, tools/nodebridge); none in the others
      for f in "$TOOLS_DIR/$module"/*.go; do if [ -f "$f" ]; then cat "$f"; fi; done
      # a family that is not a Go module (tools/hadoop): every file of it, named; of tools/hadoop's version
      # directories (tools/hadoop/<version>) only the family's own, so pinning one version rebuilds only its image
      find "$TOOLS_DIR/$module" -type f ! -name go.mod ! -name go.sum ! -name '*.go' | LC_ALL=C sort |
        while read -r f; do
          case ${f#"$TOOLS_DIR/"} in
            hadoop/[0-9]*/*) v=${f#"$TOOLS_DIR/hadoop/"} && [ "$(hadoop_family "${v%%/*}")" = "$family" ] || continue ;;
          esac
          echo "${f#"$TOOLS_DIR/"}"; cat "$f"
        done
    done
    echo "$recipe"
    if grep -q debian_rootfs <<<"$recipe"; then declare -f debian_rootfs; fi
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

# ---- real nodes: kubelet, container runtime, CNI plugins, images ----

build_kubelet() {
  # From the control plane's module (tools/kubernetes) with the same version stamp as build_kubernetes.
  local v=${KUBERNETES_VERSION#v} pkg=k8s.io/component-base/version
  local ld="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=${v%%.*}"
  ld+=" -X $pkg.gitMinor=$(echo "$v" | cut -d. -f2) -X $pkg.gitTreeState=clean"
  ld+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  go build -trimpath -ldflags "$ld" -o "$1/" k8s.io/kubernetes/cmd/kubelet
}

build_containerd() {
  # Static, without the snapshotters that need C libraries (btrfs, devmapper, zfs); overlayfs and native remain.
  local pkg=github.com/containerd/containerd/v2
  CGO_ENABLED=0 go build -trimpath -tags "no_btrfs no_devmapper no_zfs" \
    -ldflags "-s -w -X $pkg/version.Version=$CONTAINERD_VERSION -X $pkg/version.Package=github.com/containerd/containerd/v2" \
    -o "$1/" $pkg/cmd/containerd $pkg/cmd/containerd-shim-runc-v2 $pkg/cmd/ctr
}

build_runc() {
  # cgo with libseccomp (Debian's libseccomp-dev), as upstream's release build (tags seccomp).
  if ! dpkg -s libseccomp-dev >/dev/null 2>&1; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libseccomp-dev pkg-config; } ||
      { echo "runc needs libseccomp-dev (apt-get install libseccomp-dev)" >&2; return 1; }
  fi
  CGO_ENABLED=1 go build -trimpath -tags seccomp \
    -ldflags "-s -w -X main.version=${RUNC_VERSION#v}" -o "$1/runc" github.com/opencontainers/runc
}

build_cni() {
  local pkg=github.com/containernetworking/plugins
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X $pkg/pkg/utils/buildversion.BuildVersion=$CNI_PLUGINS_VERSION" -o "$1/" \
    $pkg/plugins/main/bridge $pkg/plugins/ipam/host-local $pkg/plugins/main/loopback $pkg/plugins/meta/portmap
}

build_nodebridge() {
  # The forwarder that carries a real node's API traffic over a unix socket (tools/nodebridge).
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$1/nodebridge" .
}

build_images() {
  # The images the stacks name, built from the same upstream versions (never pulled): static binaries and
  # upstream's user, entrypoint, ports; written as OCI layout tars by tools/images (go-containerregistry).
  local out=$1 root
  root=$(mktemp -d "${TMPDIR:-/tmp}/images-build.XXXXXX")
  (
    set -e
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/imagebuild" .
    # node-exporter: promu's version stamp (the module carries no VCS data: revision = the tag, the date = the
    # module's publication time).
    local ver=github.com/prometheus/common/version
    (cd ../node-exporter && CGO_ENABLED=0 go build -trimpath -tags netgo,osusergo \
      -ldflags "-s -w -X $ver.Version=${NODE_EXPORTER_VERSION#v} -X $ver.Revision=$NODE_EXPORTER_VERSION -X $ver.Branch=HEAD -X $ver.BuildUser=k8s-daemonsets@local -X $ver.BuildDate=20260714-11:29:10" \
      -o "$root/node_exporter" github.com/prometheus/node_exporter)
    # kube-rbac-proxy: its Makefile's version stamp (commit a67fc47c of tag v0.22.1).
    local cb=k8s.io/component-base/version
    (cd ../kube-rbac-proxy && CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $cb.gitVersion=$KUBE_RBAC_PROXY_VERSION -X $cb.gitCommit=a67fc47c9e13db72e64b3cf0a369de4350e1c59b -X $cb/verflag.programName=kube-rbac-proxy" \
      -o "$root/kube-rbac-proxy" github.com/brancz/kube-rbac-proxy/cmd/kube-rbac-proxy)
    # pause: build/pause/linux/pause.c of the Kubernetes module, as its Makefile compiles it (TAG 3.10.2).
    local k8s
    # (downloaded first: `go list -m` reports an empty Dir for a module not yet in the module cache)
    k8s=$(cd ../kubernetes && go mod download k8s.io/kubernetes && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
    [ -n "$k8s" ] && [ -f "$k8s/build/pause/linux/pause.c" ] || { echo "pause.c not found in the k8s.io/kubernetes module ($k8s)" >&2; return 1; }
    gcc -Os -Wall -Werror -static -DVERSION=v3.10.2-$KUBERNETES_VERSION -o "$root/pause" "$k8s/build/pause/linux/pause.c"
    strip "$root/pause"
    "$out/imagebuild" --ref "$PAUSE_IMAGE" --out "$out/pause.oci.tar" \
      --file "/pause=$root/pause" --user 65535:65535 --entrypoint /pause
    "$out/imagebuild" --ref "$NODE_EXPORTER_IMAGE" --out "$out/node-exporter.oci.tar" \
      --file "/bin/node_exporter=$root/node_exporter" --passwd --user nobody --entrypoint /bin/node_exporter \
      --expose 9100/tcp --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    "$out/imagebuild" --ref "$KUBE_RBAC_PROXY_IMAGE" --out "$out/kube-rbac-proxy.oci.tar" \
      --file "/usr/local/bin/kube-rbac-proxy=$root/kube-rbac-proxy" --passwd --user 65532:65532 \
      --entrypoint /usr/local/bin/kube-rbac-proxy --expose 8080/tcp \
      --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  )
  local rc=$?
  rm -rf "$root"
  return $rc
}

# A Debian root filesystem (debootstrap, minbase) with PACKAGES (comma-separated) at ROOT, every package at the
# version debian-packages.txt (in the recipe's directory) pins: a build whose packages differ fails with the diff.
# WHAT names the result in messages. Recipes that call it have it in their key (tool_key), and must stop on its
# failure themselves (`|| exit 1`): build.sh runs a recipe where `set -e` does not stop it.
debian_rootfs() { # debian_rootfs ROOT PACKAGES WHAT
  local root=$1 packages=$2 what=$3 log
  if ! command -v debootstrap >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } ||
      { echo "$what needs debootstrap (apt-get install debootstrap)" >&2; return 1; }
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/debootstrap.XXXXXX")
  debootstrap --variant=minbase --include="$packages" "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; rm -f "$log"; echo "debootstrap of $DEBIAN_SUITE from $DEBIAN_MIRROR failed" >&2; return 1; }
  chroot "$root" dpkg-query -W -f '${Package}=${Version}\n' | LC_ALL=C sort >"$log"
  if ! diff -u debian-packages.txt "$log" >&2; then
    rm -f "$log"
    echo "the Debian packages of $what differ from $(basename "$PWD")/debian-packages.txt (above: - pinned, + now on $DEBIAN_MIRROR $DEBIAN_SUITE); review the change and update the file" >&2
    return 1
  fi
  rm -f "$log"
}

build_hadoop() { # build_hadoop OUT [VERSION]: Hadoop VERSION's image (default HADOOP_VERSION), OUT/<family>.oci.tar
  # The HDFS images the stacks name (apache/hadoop:3.5.0; apache/hadoop:3.4.1, family hadoop-3.4.1, for a rolling
  # upgrade), built here, never pulled, each by this recipe: a Debian root filesystem
  # (debootstrap, minbase) with Debian's headless OpenJDK 17, its Kerberos client (krb5-user: kinit, klist for
  # the pods' hooks and the tests), curl and jq (the readiness probes read the daemons' /jmx without starting a
  # JVM: components/assets/hdfs-ready.sh), every package at the version
  # tools/hadoop/debian-packages.txt pins (one list for every version); Hadoop's jars and their dependencies from
  # Maven Central (tools/hadoop/<version>/pom.xml; Maven checks Central's checksums, then each jar is checked
  # against that directory's jars.sha256); the daemons' web UI resources from hadoop-hdfs's tests jar; the hdfs
  # launcher and etc/hadoop from tools/hadoop (shared by the versions). Upstream's layout: user hadoop (uid 1000),
  # HADOOP_HOME=/opt/hadoop, hdfs on PATH. Needs root (debootstrap) and Debian's mirror.
  local out=$1 version=${2:-$HADOOP_VERSION} work pins
  pins=$TOOLS_DIR/hadoop/$version
  [ -f "$pins/pom.xml" ] && [ -f "$pins/jars.sha256" ] ||
    { echo "Hadoop $version is not pinned (tools/hadoop/$version/pom.xml and jars.sha256)" >&2; return 1; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/hadoop-build.XXXXXX")
  (
    set -e
    command -v mvn >/dev/null || { echo "the HDFS image needs Maven (mvn) and Java" >&2; exit 1; }
    local root=$work/rootfs home=$work/rootfs/opt/hadoop lib
    lib=$home/share/hadoop/hdfs/lib
    CGO_ENABLED=0 go -C ../images build -trimpath -ldflags "-s -w" -o "$work/imagebuild" .
    debian_rootfs "$root" openjdk-17-jre-headless,krb5-user,curl,jq "the HDFS image" || exit 1
    # The hadoop user and group, as upstream's image has them; what a container does not need goes.
    chroot "$root" groupadd --gid 1000 hadoop
    chroot "$root" useradd --uid 1000 --gid 1000 --home-dir /opt/hadoop --no-create-home --shell /bin/bash hadoop
    rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/usr/share/doc/* \
      "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/dev/* "$root"/tmp/* "$root"/run/*

    mkdir -p "$lib" "$home/bin" "$home/etc"
    mvn -B -q -C -f "$pins/pom.xml" -Dmaven.repo.local="$work/m2" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
    (cd "$lib" && sha256sum --quiet -c "$pins/jars.sha256")
    [ "$(ls "$lib" | LC_ALL=C sort)" = "$(awk '{print $2}' "$pins/jars.sha256" | LC_ALL=C sort)" ] ||
      { echo "the jars Maven resolved are not exactly those of tools/hadoop/$version/jars.sha256" >&2; exit 1; }
    (cd "$home/share/hadoop/hdfs" && unzip -q "$lib/hadoop-hdfs-${version}-tests.jar" 'webapps/*' && rm "$lib/hadoop-hdfs-${version}-tests.jar")
    install -m 0755 hdfs "$home/bin/hdfs"
    cp -r etc/hadoop "$home/etc/"
    cp debian-packages.txt "$home/share/hadoop/debian-packages.txt"
    chmod -R go-w,a+rX "$home"
    mkdir -p "$home/logs" && chown 1000:1000 "$home/logs"
    # (build.sh runs a recipe where `set -e` does not stop it: check what the image must hold)
    local must
    for must in "$home/bin/hdfs" "$root/usr/lib/jvm/java-17-openjdk-amd64/bin/java" "$lib/hadoop-hdfs-${version}.jar" \
      "$home/share/hadoop/hdfs/webapps/hdfs/index.html" "$home/etc/hadoop/log4j.properties"; do
      [ -s "$must" ] || { echo "the HDFS image would lack $must" >&2; exit 1; }
    done
    [ -x "$home/bin/hdfs" ] || { echo "the HDFS image's hdfs launcher is not executable" >&2; exit 1; }
    # (`hdfs version` reads this: the build a pom names is the one the image reports)
    [ "$(unzip -p "$lib/hadoop-common-${version}.jar" common-version-info.properties | sed -n 's/^version=//p')" = "$version" ] ||
      { echo "hadoop-common-${version}.jar does not report version $version" >&2; exit 1; }

    "$work/imagebuild" --ref "apache/hadoop:$version" --out "$out/$(hadoop_family "$version").oci.tar" --rootfs "$root" --user hadoop \
      --workdir /opt/hadoop --env HADOOP_HOME=/opt/hadoop --env HADOOP_CONF_DIR=/opt/hadoop/etc/hadoop \
      --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
      --env PATH=/opt/hadoop/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  )
  local rc=$?
  rm -rf "$work"
  return $rc
}

# Hadoop 3.4.1's image, beside the default one: the same recipe with that version's pins (tools/hadoop/3.4.1).
build_hadoop-3.4.1() {
  build_hadoop "$1" 3.4.1
}

# ---- the real nodes' Kerberos KDC ----

build_krb5() {
  # MIT Kerberos from Debian (krb5-kdc, krb5-admin-server, krb5-user: krb5kdc, kdb5_util, kadmin.local, kinit,
  # klist), in a root filesystem of their own (debootstrap, minbase) at bin/rootfs that scripts/kdc.sh runs
  # chrooted in its own network namespace; every package at the version tools/krb5/debian-packages.txt pins.
  # Needs root (debootstrap) and Debian's mirror.
  local root=$1/rootfs
  (
    set -e
    debian_rootfs "$root" krb5-kdc,krb5-admin-server,krb5-user "the KDC" || exit 1
    # No realm of Debian's: scripts/kdc.sh gives the programs theirs (KRB5_CONFIG, KRB5_KDC_PROFILE).
    rm -rf "$root"/etc/krb5kdc/* "$root"/var/lib/krb5kdc/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* \
      "$root"/var/log/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/dev/* "$root"/tmp/* "$root"/run/*
    local must
    for must in usr/sbin/krb5kdc usr/sbin/kdb5_util usr/sbin/kadmin.local usr/bin/kinit usr/bin/klist usr/bin/kdestroy; do
      [ -x "$root/$must" ] || { echo "the KDC's root filesystem would lack /$must" >&2; exit 1; }
    done
  )
}

# ---- the scrape test's Prometheus ----

build_prometheus() {
  # Without the builtinassets tag: the web UI's built assets are not in the module (the HTTP API works).
  # Only the Kubernetes service discovery (upstream's remove_all_sd / enable_kubernetes_sd tags): the cloud
  # providers' SDKs are most of the build time and the scrape test needs none of them.
  local ver=github.com/prometheus/common/version
  CGO_ENABLED=0 go build -trimpath -tags netgo,remove_all_sd,enable_kubernetes_sd \
    -ldflags "-s -w -X $ver.Version=3.16.0 -X $ver.Revision=$PROMETHEUS_VERSION -X $ver.Branch=HEAD -X $ver.BuildUser=k8s-daemonsets@local -X $ver.BuildDate=20261105-15:06:51" \
    -o "$1/" github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool
}

build_kube-state-metrics() {
  local ver=github.com/prometheus/common/version
  CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X $ver.Version=$KUBE_STATE_METRICS_VERSION -X $ver.Branch=HEAD -X $ver.BuildUser=k8s-daemonsets@local" \
    -o "$1/kube-state-metrics" k8s.io/kube-state-metrics/v2
}

build_alertmanager() {
  # The module embeds its web UI's built assets (ui/app/dist), which are not in it: built from a scratch copy with
  # a page in their place that says so (the HTTP API, which Prometheus and the tests use, is complete).
  local out=$1 scratch mod ver=github.com/prometheus/common/version
  go mod download github.com/prometheus/alertmanager
  mod=$(go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)
  [ -n "$mod" ] && [ -d "$mod" ] || { echo "alertmanager module directory not found (go mod download)" >&2; return 1; }
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/alertmanager-build.XXXXXX")
  cp -r . "$scratch/tools"
  cp -r "$mod" "$scratch/alertmanager"
  chmod -R u+w "$scratch"
  (
    set -e
    for ui in elm mantine; do
      mkdir -p "$scratch/alertmanager/ui/app/dist/$ui"
      echo "<p>This Alertmanager was built without its web UI; its API is at /api/v2.</p>" > "$scratch/alertmanager/ui/app/dist/$ui/index.html"
    done
    cd "$scratch/tools"
    go mod edit -replace "github.com/prometheus/alertmanager=../alertmanager"
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $ver.Version=${ALERTMANAGER_VERSION#v} -X $ver.Branch=HEAD -X $ver.BuildUser=k8s-daemonsets@local" \
      -o "$out/alertmanager" github.com/prometheus/alertmanager/cmd/alertmanager
  )
  local rc=$?
  rm -rf "$scratch"
  return $rc
}

build_node-mixin() {
  # go-jsonnet's command, and beside it the node-mixin's jsonnet sources from the node_exporter module the image
  # is built from (its docs/node-mixin), so scripts/render-rules.ts renders the rules of exactly that version.
  local mod
  go build -trimpath -ldflags "-s -w" -o "$1/jsonnet" github.com/google/go-jsonnet/cmd/jsonnet
  (cd ../node-exporter && go mod download github.com/prometheus/node_exporter)
  mod=$(cd ../node-exporter && go list -m -f '{{.Dir}}' github.com/prometheus/node_exporter)
  [ -n "$mod" ] && [ -d "$mod/docs/node-mixin" ] || { echo "node_exporter module has no docs/node-mixin ($mod)" >&2; return 1; }
  cp -r "$mod/docs/node-mixin" "$1/../node-mixin"
  chmod -R u+w "$1/../node-mixin"
}
