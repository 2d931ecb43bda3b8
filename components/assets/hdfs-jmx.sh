# Sourced (bash): hdfs_jmx reads JMX beans from an HDFS daemon's own web endpoint with curl, no JVM started.
#
#   hdfs_jmx SCHEME ADDRESS PORT SERVER QUERY    prints the beans of `/jmx?qry=QUERY` as JSON; on failure prints
#                                                why on stderr and returns 1
#     SCHEME http (simple mode) or https (Kerberos: SPNEGO with a ticket from HDFS_KEYTAB as HDFS_PRINCIPAL, the
#     server verified against the CA of the truststore /etc/hadoop-tls/truststore.p12, HADOOP_TLS_PASSWORD);
#     SERVER the name the URL gives the daemon (its certificate's name, the HTTP/<name> principal the ticket is
#     for), resolved to ADDRESS. Its ticket cache and the CA's PEM live in HDFS_JMX_STATE (default /tmp/hdfs-jmx).
hdfs_jmx() {
  local scheme=$1 address=$2 port=$3 server=$4 query=$5 out
  if [ "$scheme" = http ]; then
    out=$(curl -sS --fail --max-time 4 "http://$address:$port/jmx?qry=$query" 2>&1) || { echo "web endpoint: $out" >&2; return 1; }
  else
    local state=${HDFS_JMX_STATE:-/tmp/hdfs-jmx}
    mkdir -p -m 700 "$state"
    # The CA from the truststore, once (curl reads PEM).
    if [ ! -s "$state/ca.pem" ]; then
      openssl pkcs12 -in /etc/hadoop-tls/truststore.p12 -nokeys -passin env:HADOOP_TLS_PASSWORD -out "$state/ca.tmp" 2>"$state/openssl.err" ||
        { echo "cannot read the truststore: $(head -c 300 "$state/openssl.err")" >&2; return 1; }
      mv "$state/ca.tmp" "$state/ca.pem"
    fi
    # A ticket of its own, renewed from the keytab when it has expired (a daemon's cache is its JVM's).
    if ! KRB5CCNAME=FILE:$state/krb5cc klist -s; then
      out=$(KRB5CCNAME=FILE:$state/krb5cc kinit -k -t "${HDFS_KEYTAB:?}" "${HDFS_PRINCIPAL:?}" 2>&1) || { echo "kinit as $HDFS_PRINCIPAL: $out" >&2; return 1; }
    fi
    out=$(KRB5CCNAME=FILE:$state/krb5cc curl -sS --fail --max-time 4 --negotiate -u : --cacert "$state/ca.pem" --resolve "$server:$port:$address" \
      "https://$server:$port/jmx?qry=$query" 2>&1) || { echo "web endpoint: $out" >&2; return 1; }
  fi
  printf '%s' "$out"
}
