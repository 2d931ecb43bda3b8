# The local Kerberos KDC of the real nodes, sourced by scripts/cluster.sh (REAL_NODES > 0).
#
# MIT Kerberos 1.20.1 from Debian (tools/krb5: krb5kdc, kdb5_util, kadmin.local, kinit, klist in a root filesystem
# of their own), run chrooted in
#   - its own network namespace $KDC_NETNS on the real nodes' bridge, at $KDC_IP (the nodes are $REAL_NET.<i>, the
#     bridge $REAL_NET.254): the nodes, their pods and this machine reach it on port 88 (UDP and TCP), nothing else;
#   - its own mount namespace, where the realm's state ($KDC_DIR/state: its database, stash, config, log and the
#     keytabs it exports) is the root filesystem's /var/lib/krb5kdc.
# The realm $KDC_REALM: tickets live 3 minutes (renewable for 10), so that daemons that re-login from their keytabs
# are exercised within a test. Principals and keytabs are made with kadmin.local; `down` stops it and removes its
# namespace, link and state.

KDC_REALM=K8S-DAEMONSETS.TEST
KDC_IP=$REAL_NET.200
KDC_NETNS=${REAL_NETNS_PREFIX}kdc
KDC_VETH=k8sds-vkdc
KDC_DIR=$REAL_DIR/kdc
# The users the realm has from the start (a keytab and a password each, under $KDC_DIR/state/users).
KDC_USERS=(alice)

kdc_root() { echo "$(tool_bin_dir krb5)/rootfs"; }

kdc_bins() { # fails with how to build the KDC when it is not built
  [ -x "$(kdc_root)/usr/sbin/krb5kdc" ] || die "the KDC is not built ($(kdc_root) missing): run tools/build.sh krb5"
}

# Runs a program of the KDC's root filesystem, chrooted, with the realm's state at /var/lib/krb5kdc and its config
# in the environment; in the KDC's network namespace with --net; with --exec, in place of the calling (sub)shell
# (so that a background job's pid is the program's).
kdc_run() { # kdc_run [--exec] [--net] PROGRAM ARGS...
  local net=() exec=()
  if [ "$1" = --exec ]; then exec=(exec); shift; fi
  if [ "$1" = --net ]; then net=(ip netns exec "$KDC_NETNS"); shift; fi
  "${exec[@]}" "${net[@]}" unshare --mount --propagation private -- bash -c '
    root=$1 state=$2; shift 2
    mount --rbind /dev "$root/dev" && mount --bind "$state" "$root/var/lib/krb5kdc" || exit 1
    exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin KRB5_CONFIG=/var/lib/krb5kdc/krb5.conf \
      KRB5_KDC_PROFILE=/var/lib/krb5kdc/kdc.conf KRB5CCNAME=FILE:/var/lib/krb5kdc/ccache "$@"' _ "$(kdc_root)" "$KDC_DIR/state" "$@"
}

# The realm's configuration: krb5.conf (what a client of the realm needs; also given to the tests) and kdc.conf.
kdc_configs() {
  local s=$KDC_DIR/state
  cat >"$s/krb5.conf" <<EOC
[libdefaults]
  default_realm = $KDC_REALM
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  udp_preference_limit = 1
[realms]
  $KDC_REALM = {
    kdc = $KDC_IP:88
  }
EOC
  cat >"$s/kdc.conf" <<EOC
[kdcdefaults]
  kdc_ports = 88
  kdc_tcp_ports = 88
[realms]
  $KDC_REALM = {
    database_name = /var/lib/krb5kdc/principal
    key_stash_file = /var/lib/krb5kdc/stash
    acl_file = /var/lib/krb5kdc/kadm5.acl
    max_life = 3m
    max_renewable_life = 10m
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = FILE:/var/lib/krb5kdc/kdc.log
  admin_server = FILE:/var/lib/krb5kdc/kadmin.log
  default = FILE:/var/lib/krb5kdc/krb5.log
EOC
  : >"$s/kadm5.acl"
}

# Adds a principal (random key) and exports its keys to keytabs/<file>.keytab in the realm's state.
kdc_service_principal() { # kdc_service_principal PRINCIPAL FILE
  kdc_run kadmin.local -q "addprinc -randkey $1" >>"$KDC_DIR/state/kadmin.out" 2>&1 &&
    kdc_run kadmin.local -q "ktadd -k /var/lib/krb5kdc/keytabs/$2.keytab $1" >>"$KDC_DIR/state/kadmin.out" 2>&1 ||
    die "the KDC: could not make principal $1 (see $KDC_DIR/state/kadmin.out)"
}

# A user: a principal with a password (users/<name>.password) and, for the tests, its keys in users/<name>.keytab.
kdc_user() { # kdc_user NAME
  local pw; pw=$(openssl rand -hex 12)
  printf '%s\n' "$pw" >"$KDC_DIR/state/users/$1.password"
  kdc_run kadmin.local -q "addprinc -pw $pw $1" >>"$KDC_DIR/state/kadmin.out" 2>&1 &&
    kdc_run kadmin.local -q "ktadd -norandkey -k /var/lib/krb5kdc/users/$1.keytab $1" >>"$KDC_DIR/state/kadmin.out" 2>&1 ||
    die "the KDC: could not make user $1 (see $KDC_DIR/state/kadmin.out)"
}

kdc_pid() { local p; p=$(cat "$KDC_DIR/kdc.pid" 2>/dev/null || true); [ -n "$p" ] && alive "$p" && echo "$p"; }

# Creates the realm and starts the KDC on the bridge; returns once a user's keytab gets a ticket from it.
kdc_up() {
  kdc_bins
  [ -z "$(kdc_pid)" ] || return 0
  local t0; t0=$(date +%s%N)
  rm -rf "$KDC_DIR"
  mkdir -p "$KDC_DIR/state/keytabs" "$KDC_DIR/state/users"
  chmod 700 "$KDC_DIR/state"
  kdc_configs
  # The master key only ever lives in the stash file; nobody types it.
  kdc_run kdb5_util create -s -r "$KDC_REALM" -P "$(openssl rand -hex 24)" >"$KDC_DIR/state/kdb5_util.out" 2>&1 ||
    die "the KDC: kdb5_util create failed: $(tail -n 5 "$KDC_DIR/state/kdb5_util.out")"
  local u
  for u in "${KDC_USERS[@]}"; do kdc_user "$u"; done

  ip netns add "$KDC_NETNS"
  ip link add "$KDC_VETH" type veth peer name eth0 netns "$KDC_NETNS"
  ip link set "$KDC_VETH" master "$REAL_BRIDGE" up
  ip -n "$KDC_NETNS" link set lo up
  ip -n "$KDC_NETNS" addr add "$KDC_IP/24" dev eth0
  ip -n "$KDC_NETNS" link set eth0 up
  kdc_run --exec --net krb5kdc -n >"$KDC_DIR/krb5kdc.out" 2>&1 </dev/null &
  echo $! >"$KDC_DIR/kdc.pid"
  # Ready once a ticket can be had from it, over the bridge, as a client on this machine gets one.
  local deadline=$((SECONDS + 20))
  until kdc_run kinit -k -t "/var/lib/krb5kdc/users/${KDC_USERS[0]}.keytab" "${KDC_USERS[0]}" >/dev/null 2>&1; do
    [ -n "$(kdc_pid)" ] || die "the KDC stopped: $(tail -n 5 "$KDC_DIR/krb5kdc.out" "$KDC_DIR/state/kdc.log" 2>/dev/null)"
    [ $SECONDS -lt $deadline ] || die "the KDC did not answer at $KDC_IP:88 within 20s ($KDC_DIR/state/kdc.log)"
    sleep 0.2
  done
  kdc_run kdestroy >/dev/null 2>&1 || true
  say "Kerberos KDC for realm $KDC_REALM at $KDC_IP:88 (its own network namespace $KDC_NETNS) in $(elapsed "$t0")"
}

# Stops the KDC and removes its namespace, link and state (its logs go to $LOG_DIR/kdc).
kdc_down() {
  local p; p=$(kdc_pid || true)
  if [ -n "$p" ]; then
    kill -TERM "$p" 2>/dev/null || true
    local deadline=$((SECONDS + 5))
    while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
  fi
  # The namespace and link have machine-wide names: another state directory's real nodes' KDC may own them.
  if ! real_nodes_elsewhere; then
    if ip netns list 2>/dev/null | grep -qw "^$KDC_NETNS"; then ip netns del "$KDC_NETNS"; fi
    ip link del "$KDC_VETH" 2>/dev/null || true
  fi
  if [ -d "$KDC_DIR" ]; then
    mkdir -p "$LOG_DIR/kdc"
    cp "$KDC_DIR"/*.out "$KDC_DIR"/state/*.log "$LOG_DIR/kdc/" 2>/dev/null || true
    rm -rf "$KDC_DIR"
  fi
}

# What is left of the KDC (empty when nothing is): its process.
kdc_leftovers() {
  if real_nodes_elsewhere; then return 0; fi
  local p; p=$(pgrep -f "^krb5kdc -n" 2>/dev/null | while read -r p; do
    [ "$(readlink "/proc/$p/root" 2>/dev/null)" = "$(kdc_root)" ] && echo "$p"; done || true)
  if [ -n "$p" ]; then echo "process krb5kdc $p"; fi
}
