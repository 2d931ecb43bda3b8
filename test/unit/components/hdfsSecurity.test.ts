// HDFS's Kerberos mode (components/hdfsSecurity.ts): what the site renders, what each role's pods mount and are
// given, which Secrets a role creates, and the settings refused before anything is registered.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HdfsCluster, HdfsClusterArgs } from "../../../components/hdfsCluster";
import { certificateExtraNames, keytabPrincipals, principalsInKeytab } from "../../../components/hdfsSecurity";
import { keytabBase64, testCaPem } from "../../support/keytab";
import { find, refusedArgs, RegisteredResource, settled, useMocks } from "../../support/mocks";

const hosts = ["node-2", "node-5", "node-8"];
const realm = "EXAMPLE.TEST";

const dataNodeKeytab = keytabBase64(["dn/hdfs-k8s.hdfs@EXAMPLE.TEST", "HTTP/hdfs-k8s.hdfs@EXAMPLE.TEST"]);
const kerberos = (extra: Partial<HdfsClusterArgs> = {}): HdfsClusterArgs => ({
  nameNodeHosts: hosts,
  security: { mode: "kerberos", realm, kdcs: ["kdc-1.example.test", "kdc-2.example.test:750"] },
  nameNode: { keytabSecretName: "nn-keytab", tlsSecretName: "nn-tls" },
  journalNode: { keytabSecretName: "jn-keytab", tlsSecretName: "jn-tls" },
  dataNode: { keytab: dataNodeKeytab, tls: { keystore: "a2V5c3RvcmU=", truststore: "dHJ1c3Q=", password: "s3cret-pw" } },
  ...extra,
});

async function render(args: HdfsClusterArgs): Promise<{ cluster: HdfsCluster; registered: RegisteredResource[] }> {
  const registered = useMocks();
  const cluster = new HdfsCluster("hdfs", args);
  await settled();
  return { cluster, registered };
}
const podSpec = (r: RegisteredResource[], role: string) => find(r, "kubernetes:apps/v1:DaemonSet", `hdfs-${role}`).inputs.spec.template.spec;
const container = (r: RegisteredResource[], role: string, name = role) => podSpec(r, role).containers.find((c: any) => c.name === name);
/** A value as the mocks see it: a secret is wrapped with Pulumi's secret signature. */
const secretValue = (v: any) => {
  assert.equal(v?.["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "a secret");
  return v.value;
};
const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe("HDFS in Kerberos mode", () => {
  it("renders Hadoop's secure mode: per-cluster principals mapped to hadoop, SPNEGO on every web endpoint, block tokens, privacy, HTTPS only", async () => {
    const { cluster } = await render(kerberos());
    const core = cluster.site.coreSite;
    const site = cluster.site.hdfsSite;
    /** The properties `expected` names, as rendered. */
    const picked = (props: Record<string, string>, expected: Record<string, string>) => Object.fromEntries(Object.keys(expected).map((k) => [k, props[k]]));
    const expectedCore = {
      "hadoop.security.authentication": "kerberos",
      "hadoop.security.authorization": "true",
      "hadoop.rpc.protection": "privacy",
      // The anchors' trap: without these, WebHDFS over HTTPS still believes user.name= (and a DataNode's web
      // server asks for nothing without the filter initializer).
      "hadoop.http.authentication.type": "kerberos",
      "hadoop.http.filter.initializers": "org.apache.hadoop.security.AuthenticationFilterInitializer",
      "hadoop.http.authentication.simple.anonymous.allowed": "false",
      "hadoop.http.authentication.kerberos.principal": "*",
      // Prometheus cannot do SPNEGO: /prom, and nothing else, is left out of it.
      "hadoop.http.authentication.kerberos.endpoint.whitelist": "/prom",
      "hadoop.security.auth_to_local": [
        "RULE:[2:$1/$2@$0](nn/hdfs-k8s\\.hdfs@EXAMPLE\\.TEST)s/.*/hadoop/",
        "RULE:[2:$1/$2@$0](jn/hdfs-k8s\\.hdfs@EXAMPLE\\.TEST)s/.*/hadoop/",
        "RULE:[2:$1/$2@$0](dn/hdfs-k8s\\.hdfs@EXAMPLE\\.TEST)s/.*/hadoop/",
        "DEFAULT",
      ].join("\n"),
    };
    assert.deepEqual(picked(core, expectedCore), expectedCore);
    const expectedSite = {
      "dfs.namenode.kerberos.principal": "nn/hdfs-k8s.hdfs@EXAMPLE.TEST",
      "dfs.journalnode.kerberos.principal": "jn/hdfs-k8s.hdfs@EXAMPLE.TEST",
      "dfs.datanode.kerberos.principal": "dn/hdfs-k8s.hdfs@EXAMPLE.TEST",
      "dfs.block.access.token.enable": "true",
      "dfs.data.transfer.protection": "privacy",
      "dfs.encrypt.data.transfer.cipher.suites": "AES/CTR/NoPadding",
      "dfs.http.policy": "HTTPS_ONLY",
      "dfs.journalnode.https-address": "0.0.0.0:8481",
      "dfs.datanode.https.address": "0.0.0.0:9865",
    };
    assert.deepEqual(picked(site, expectedSite), expectedSite);
    for (const host of hosts) assert.equal(site[`dfs.namenode.https-address.hdfs-k8s.nn-${host}`], `${host}:9871`);
    // No secret in any rendered file: the TLS password is read from the environment.
    assert.match(cluster.site.securityFiles["ssl-server.xml"], /<value>\$\{env\.HADOOP_TLS_PASSWORD\}<\/value>/);
    assert.match(cluster.site.securityFiles["ssl-client.xml"], /ssl\.client\.truststore\.location/);
    assert.equal(cluster.site.securityFiles["krb5.conf"].includes("kdc = kdc-2.example.test:750"), true);
    // Host names stay as given (no DNS, no search-domain qualification: curl's SPNEGO asks for HTTP/<node>).
    assert.match(cluster.site.securityFiles["krb5.conf"], /dns_canonicalize_hostname = false\n  rdns = false\n  qualify_shortname = ""\n/);
    assert.ok(!JSON.stringify(cluster.site).includes(dataNodeKeytab) && !JSON.stringify(cluster.site).includes("s3cret-pw"));
  });

  it("each role mounts its own keytab and TLS Secret (no other role's), the realm's krb5.conf and ssl-*.xml, and listens on HTTPS only", async () => {
    const { registered } = await render(kerberos());
    const secretOf = (role: string, volume: string) => podSpec(registered, role).volumes.find((v: any) => v.name === volume).secret.secretName;
    assert.deepEqual(["namenode", "journalnode", "datanode"].map((r) => [secretOf(r, "keytab"), secretOf(r, "tls")]), [
      ["nn-keytab", "nn-tls"], ["jn-keytab", "jn-tls"], ["hdfs-datanode-keytab", "hdfs-datanode-tls"],
    ]);
    for (const role of ["namenode", "journalnode", "datanode"]) {
      const c = container(registered, role);
      const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m.subPath ?? m.name]));
      assert.equal(mounts["/etc/krb5.conf"], "krb5.conf", role);
      assert.equal(mounts["/opt/hadoop/etc/hadoop/ssl-server.xml"], "ssl-server.xml", role);
      assert.equal(mounts["/etc/hadoop-keytab"], "keytab", role);
      assert.equal(mounts["/etc/hadoop-tls"], "tls", role);
      assert.deepEqual(c.ports.map((p: any) => p.name).filter((n: string) => n.startsWith("http")), ["https"], role);
      assert.equal(env(c).HDFS_KEYTAB, "/etc/hadoop-keytab/keytab");
      assert.deepEqual(env(c).HADOOP_TLS_PASSWORD, { secretKeyRef: { name: secretOf(role, "tls"), key: "password" } });
    }
    assert.equal(env(container(registered, "namenode")).HDFS_PRINCIPAL, "nn/hdfs-k8s.hdfs@EXAMPLE.TEST");
    // The format step (bootstrapStandby reads the active NameNode's image over HTTPS) has the same material.
    const format = podSpec(registered, "namenode").initContainers.find((c: any) => c.name === "format");
    assert.ok(format.volumeMounts.some((m: any) => m.mountPath === "/etc/hadoop-keytab"));
    // A kubelet GET would be refused by SPNEGO: the NameNode's liveness is a TCP check of its HTTPS port.
    assert.deepEqual(container(registered, "namenode").livenessProbe.tcpSocket, { port: "https" });
    const svc = find(registered, "kubernetes:core/v1:Service", "hdfs-namenode-metrics").inputs;
    assert.deepEqual(svc.spec.ports, [{ name: "https", port: 9871, targetPort: "https", protocol: "TCP" }]);
  });

  it("readiness over HTTPS with SPNEGO: the NameNodes and JournalNodes by their node's name, the DataNodes by the principal instance", async () => {
    const { registered } = await render(kerberos());
    const probe = (role: string) => container(registered, role).readinessProbe.exec.command;
    assert.deepEqual(probe("namenode"), ["bash", "/etc/hdfs-scripts/hdfs-ready.sh", "namenode", "https", "9871"]);
    assert.deepEqual(probe("journalnode"), ["bash", "/etc/hdfs-scripts/hdfs-ready.sh", "journalnode", "https", "8481"]);
    // The DataNodes' keytab holds HTTP/<instance> alone: the URL names it (and so does their certificate).
    assert.deepEqual(probe("datanode"), ["bash", "/etc/hdfs-scripts/hdfs-ready.sh", "datanode", "https", "9865", "hdfs-k8s.hdfs"]);
    assert.deepEqual(certificateExtraNames({ principalInstance: "hdfs-k8s.hdfs" }, "datanode"), ["hdfs-k8s.hdfs"]);
    assert.deepEqual(certificateExtraNames({ principalInstance: "hdfs-k8s.hdfs" }, "namenode"), []);
    for (const role of ["namenode", "journalnode", "datanode"]) {
      assert.deepEqual(env(container(registered, role)).NODE_NAME, { fieldRef: { fieldPath: "spec.nodeName" } }, role);
    }
  });

  it("keeps a keytab or TLS material given inline in a Secret of the role's own, as secrets", async () => {
    const { registered } = await render(kerberos());
    const secrets = registered.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.inputs.metadata.name).sort();
    assert.deepEqual(secrets, ["hdfs-datanode-keytab", "hdfs-datanode-tls"]);
    const tls = secretValue(find(registered, "kubernetes:core/v1:Secret", "hdfs-datanode-tls").inputs.data);
    assert.equal(Buffer.from(tls.password, "base64").toString(), "s3cret-pw");
    assert.equal(tls["keystore.p12"], "a2V5c3RvcmU=");
    assert.deepEqual(secretValue(find(registered, "kubernetes:core/v1:Secret", "hdfs-datanode-keytab").inputs.data), { keytab: dataNodeKeytab });
    // Nothing secret in a ConfigMap.
    for (const cm of registered.filter((r) => r.type === "kubernetes:core/v1:ConfigMap")) {
      for (const secret of ["s3cret-pw", dataNodeKeytab, "a2V5c3RvcmU="]) assert.ok(!JSON.stringify(cm.inputs).includes(secret), cm.name);
    }
  });

  it("reads the principals of a keytab, and refuses an inline keytab without its role's, or one that is no keytab", () => {
    assert.deepEqual(principalsInKeytab(Buffer.from(dataNodeKeytab, "base64")), ["dn/hdfs-k8s.hdfs@EXAMPLE.TEST", "HTTP/hdfs-k8s.hdfs@EXAMPLE.TEST"]);
    const refused = (args: HdfsClusterArgs) => refusedArgs(() => new HdfsCluster("hdfs", args));
    const nn = keytabBase64(["nn/hdfs-k8s.hdfs@EXAMPLE.TEST", "HTTP/node-2@EXAMPLE.TEST", "HTTP/node-5@EXAMPLE.TEST"]);
    assert.deepEqual(refused(kerberos({ nameNode: { keytab: nn, tlsSecretName: "nn-tls" } })), [
      "nameNode.keytab: holds no key for HTTP/node-8@EXAMPLE.TEST (the role's keytab must hold nn/hdfs-k8s.hdfs@EXAMPLE.TEST, HTTP/node-2@EXAMPLE.TEST, " +
        "HTTP/node-5@EXAMPLE.TEST, HTTP/node-8@EXAMPLE.TEST; it holds nn/hdfs-k8s.hdfs@EXAMPLE.TEST, HTTP/node-2@EXAMPLE.TEST, HTTP/node-5@EXAMPLE.TEST)",
    ]);
    assert.deepEqual(refused(kerberos({ dataNode: { keytab: Buffer.from("not a keytab").toString("base64"), tlsSecretName: "t" } })), [
      "dataNode.keytab: not a keytab (MIT keytab format, version 0x0502)",
    ]);
  });

  it("names the principals each role's keytab must hold: its own, and HTTP/ of each host in its URLs (the DataNodes': the instance)", () => {
    const k = { realm, principalInstance: "hdfs-k8s.hdfs" };
    assert.deepEqual(keytabPrincipals(k, "namenode", ["node-2", "node-5"]), ["nn/hdfs-k8s.hdfs@EXAMPLE.TEST", "HTTP/node-2@EXAMPLE.TEST", "HTTP/node-5@EXAMPLE.TEST"]);
    assert.deepEqual(keytabPrincipals(k, "datanode", ["node-2"]), ["dn/hdfs-k8s.hdfs@EXAMPLE.TEST", "HTTP/hdfs-k8s.hdfs@EXAMPLE.TEST"]);
  });

  it("refuses, before registering anything, Kerberos (the default) without its realm, KDCs, keytabs or TLS, and Kerberos settings in simple mode", () => {
    const refused = (args: HdfsClusterArgs) => refusedArgs(() => new HdfsCluster("hdfs", args));
    // Kerberos is the default: a cluster that says nothing of security (a new stack, or one that ran in simple mode
    // before Kerberos was the default) is refused in one line until it gives its realm and material or chooses simple.
    const choose = "security.mode: is kerberos (the default), but no realm, KDC, keytab or TLS material is set: give security.realm, security.kdcs and each role's keytab and TLS material " +
      "(docs/hdfs.md, \"Security\"), or set security.mode to simple for a throwaway cluster or one that runs in simple mode (docs/hdfs.md, \"Switching modes\")";
    assert.deepEqual(refused({ nameNodeHosts: ["a"] }), [choose]);
    assert.deepEqual(refused({ nameNodeHosts: ["a"], security: { mode: "kerberos" } }), [choose]);
    // Some of it given: each missing part under its own key.
    assert.deepEqual(refused({ nameNodeHosts: ["a"], security: { mode: "kerberos" }, nameNode: { keytabSecretName: "nn" } }), [
      "security.realm: security.mode is kerberos: name the realm of HDFS's principals (or set security.mode to simple for a throwaway cluster)",
      "security.kdcs: security.mode is kerberos: list the realm's KDCs (host or host:port)",
      "nameNode.tlsSecretName: Kerberos serves every web endpoint over HTTPS only: name an existing Secret with the role's keystore.p12, truststore.p12 and password, or give them in nameNode.tls",
      "dataNode.keytabSecretName: Kerberos needs the role's keytab: the name of an existing Secret holding it (key \"keytab\"), or the keytab itself in dataNode.keytab",
      "dataNode.tlsSecretName: Kerberos serves every web endpoint over HTTPS only: name an existing Secret with the role's keystore.p12, truststore.p12 and password, or give them in dataNode.tls",
    ]);
    assert.deepEqual(refused(kerberos({ dataNode: { keytab: dataNodeKeytab, keytabSecretName: "dn", tlsSecretName: "dn-tls" } })), [
      "dataNode.keytab: and dataNode.keytabSecretName are both set: give the keytab one way",
    ]);
    assert.deepEqual(refused({ nameNodeHosts: ["a"], security: { mode: "simple", realm }, nameNode: { keytabSecretName: "nn" } }), [
      "security.realm: is for Kerberos, but security.mode is simple",
      "nameNode.keytabSecretName: is for Kerberos, but security.mode is simple",
    ]);
    // A keytab that is not base64 is refused without being repeated.
    const [bad] = refused(kerberos({ dataNode: { keytab: "not base64!", tlsSecretName: "t" } }));
    assert.equal(bad, "dataNode.keytab: must be base64 (base64 -w0 < file.keytab)");
    assert.match(refused({ nameNodeHosts: ["a"], security: { mode: "kerberos", realm: "lower.case", kdcs: [] } }).join("\n"), /security\.realm: "lower\.case" must be a Kerberos realm in upper case[^]*security\.kdcs: must name at least one KDC/);
  });

  it("with ZooKeeper, the ZKFCs (and the format step's formatZK) log in with SASL as the NameNodes' principal, which alone may touch the znodes", async () => {
    const { cluster, registered } = await render(kerberos({ zookeeperQuorum: ["zk-1.example.test:2181"] }));
    assert.equal(cluster.site.coreSite["ha.zookeeper.acl"], "sasl:nn/hdfs-k8s.hdfs@EXAMPLE.TEST:rwcda");
    const jaas = cluster.site.securityFiles["zkfc-jaas.conf"];
    assert.match(jaas, /^Client \{/);
    assert.match(jaas, /keyTab="\/etc\/hadoop-keytab\/keytab"/);
    assert.match(jaas, /principal="nn\/hdfs-k8s\.hdfs@EXAMPLE\.TEST";/);
    const jvm = "-Djava.security.auth.login.config=/opt/hadoop/etc/hadoop/zkfc-jaas.conf -Dzookeeper.sasl.client.canonicalize.hostname=false";
    assert.ok(env(container(registered, "namenode", "zkfc")).HDFS_ZKFC_OPTS.endsWith(jvm));
    const format = podSpec(registered, "namenode").initContainers.find((c: any) => c.name === "format");
    assert.ok(env(format).HDFS_ZKFC_OPTS.endsWith(jvm));
    assert.ok(container(registered, "namenode", "zkfc").volumeMounts.some((m: any) => m.subPath === "zkfc-jaas.conf"));
    // Without ZooKeeper, or in simple mode, none of it.
    assert.equal((await render(kerberos())).cluster.site.securityFiles["zkfc-jaas.conf"], undefined);
    assert.equal((await render({ nameNodeHosts: hosts, security: { mode: "simple" }, zookeeperQuorum: ["zk:2181"] })).cluster.site.coreSite["ha.zookeeper.acl"], undefined);
  });

  it("with serviceMonitor, the ServiceMonitors scrape /prom over HTTPS, verifying the roles' certificates with the CA given (in a ConfigMap: not a secret); without the CA refused", async () => {
    const { registered } = await render(kerberos({ serviceMonitor: true, serviceMonitorCa: testCaPem }));
    const ca = find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-metrics-ca").inputs;
    assert.deepEqual(ca.data, { "ca.crt": testCaPem });
    for (const role of ["namenode", "journalnode", "datanode"]) {
      const [endpoint] = find(registered, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", `hdfs-${role}-servicemonitor`).inputs.spec.endpoints;
      assert.equal(endpoint.port, "https");
      assert.equal(endpoint.scheme, "https");
      assert.equal(endpoint.path, "/prom");
      assert.deepEqual(endpoint.tlsConfig, { ca: { configMap: { name: "hdfs-metrics-ca", key: "ca.crt" } } });
    }
    assert.deepEqual(refusedArgs(() => new HdfsCluster("hdfs", kerberos({ serviceMonitor: true }))), [
      "serviceMonitorCa: security.mode is kerberos, so the roles serve /prom over HTTPS only: give the PEM certificate of the CA that signed their certificates, for the ServiceMonitors to verify them",
    ]);
    assert.match(refusedArgs(() => new HdfsCluster("hdfs", kerberos({ serviceMonitor: true, serviceMonitorCa: "not a certificate" })))[0], /^serviceMonitorCa: "not a certificate" must be a PEM certificate/);
  });

  it("the NameNode's audit log goes to its container's output unless turned off", async () => {
    const opts = (r: RegisteredResource[]) => env(container(r, "namenode")).HDFS_NAMENODE_OPTS;
    assert.match(opts((await render(kerberos())).registered), /-Dhdfs\.audit\.logger=INFO,console/);
    assert.doesNotMatch(opts((await render(kerberos({ nameNode: { keytabSecretName: "nn", tlsSecretName: "t", auditLog: false } }))).registered), /audit/);
  });

  it("simple mode renders none of it: no Kerberos property, no security file, HTTP ports", async () => {
    const { cluster, registered } = await render({ nameNodeHosts: hosts, security: { mode: "simple" } });
    assert.equal(cluster.site.coreSite["hadoop.security.authentication"], undefined);
    assert.deepEqual(cluster.site.securityFiles, {});
    assert.equal(podSpec(registered, "namenode").volumes.some((v: any) => v.secret), false);
    assert.deepEqual(container(registered, "namenode").livenessProbe.httpGet, { path: "/", port: "http" });
  });
});
