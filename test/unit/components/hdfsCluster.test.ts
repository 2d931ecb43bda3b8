// HdfsCluster: one namespace, one rendered site, the roles as its children reading ports, hosts and
// directories from that site.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HdfsCluster, HdfsClusterArgs, hdfsClusterObjects, resolveHdfsClusterArgs } from "../../../components/hdfsCluster";
import { testCaPem } from "../../support/keytab";
import { find, promiseOf, refusedArgs, RegisteredResource, settled, useMocks } from "../../support/mocks";

const hosts = ["node-2", "node-5", "node-8"];
/** The cluster's arguments in simple mode unless they set security: Kerberos (the default) has its own tests (hdfsSecurity.test.ts). */
const simple = (args: HdfsClusterArgs): HdfsClusterArgs => ({ security: { mode: "simple" }, ...args });

async function render(args: HdfsClusterArgs = { nameNodeHosts: hosts }): Promise<{ cluster: HdfsCluster; registered: RegisteredResource[] }> {
  const registered = useMocks();
  const cluster = new HdfsCluster("hdfs", simple(args));
  await settled();
  return { cluster, registered };
}
const ds = (r: RegisteredResource[], name: string) => find(r, "kubernetes:apps/v1:DaemonSet", name).inputs;
const container = (r: RegisteredResource[], name: string, c: string) => ds(r, name).spec.template.spec.containers.find((x: any) => x.name === c);
const ports = (c: any) => Object.fromEntries(c.ports.map((p: any) => [p.name, [p.containerPort, p.hostPort]]));

describe("HdfsCluster", () => {
  it("refuses, before registering anything, what contradicts itself: no host, a directory or host port used twice, too few JournalNodes", () => {
    const refused = (args: HdfsClusterArgs) => refusedArgs(() => new HdfsCluster("hdfs", simple(args)));
    assert.deepEqual(refused({}), ["nameNodeHosts: names no host: the NameNode would run nowhere"]);
    assert.deepEqual(refused({ nameNodeHosts: ["a"], dataNode: { dataDirHostPaths: ["/var/lib/hdfs/name/d"] } }), [
      "dataNode.dataDirHostPaths.0: /var/lib/hdfs/name/d is (inside) /var/lib/hdfs/name, already used by nameNode.nameDirHostPath; each HDFS directory needs its own host path",
    ]);
    assert.deepEqual(refused({ nameNodeHosts: ["a"], dataNode: { httpPort: 8020 } }), [
      "dataNode.httpPort: host port 8020 is already claimed by the NameNode rpc port (nameNode.rpcPort); host ports must be unique per node",
    ]);
    assert.match(refused({ nameNodeHosts: ["a", "b"] })[0], /^journalNodeHosts: 2 NameNodes form an HA nameservice, whose shared edits need a quorum of at least 3 JournalNodes, but only 2 hosts run one \(a, b\)$/);
    assert.match(refused({ nameNodeHosts: ["a"], zookeeperQuorum: ["zk:2181"] })[0], /^zookeeperQuorum: automatic failover needs an HA nameservice/);
    // Each part checked against its declaration, every problem at once, under its path.
    assert.deepEqual(refused({ nameNodeHosts: ["a"], replication: 0, nameNode: { rpcPort: 70000 }, journalNode: { nodeSelector: {} }, dataNode: { dataDirHostPaths: [] } }), [
      "replication: 0 Too small: expected number to be >=1",
      "nameNode.rpcPort: 70000 port must be 1-65535",
      "journalNode.nodeSelector: must name at least one label (else it runs on every node)",
      "dataNode.dataDirHostPaths: must name at least one data directory",
    ]);
  });

  it("turns on Hadoop's Prometheus endpoint and gives each role a headless Service on its HTTP port; neither when off", async () => {
    const { cluster, registered } = await render({ nameNodeHosts: hosts, dataNode: { httpPort: 19864 } });
    assert.equal(cluster.site.coreSite["hadoop.prometheus.endpoint.enabled"], "true");
    const services = registered.filter((r) => r.type === "kubernetes:core/v1:Service");
    assert.deepEqual(services.map((r) => r.inputs.metadata.name).sort(), ["hdfs-datanode-metrics", "hdfs-journalnode-metrics", "hdfs-namenode-metrics"]);
    for (const [role, port] of [["namenode", 9870], ["journalnode", 8480], ["datanode", 19864]] as const) {
      const svc = find(registered, "kubernetes:core/v1:Service", `hdfs-${role}-metrics`).inputs;
      assert.equal(svc.spec.clusterIP, "None");
      assert.deepEqual(svc.spec.selector, ds(registered, `hdfs-${role}`).spec.selector.matchLabels, role);
      assert.deepEqual(svc.spec.ports, [{ name: "http", port, targetPort: "http", protocol: "TCP" }]);
      assert.ok(container(registered, `hdfs-${role}`, role).ports.some((p: any) => p.name === "http" && p.containerPort === port), role);
    }
    const off = await render({ nameNodeHosts: hosts, prometheusEndpoint: false });
    assert.equal(off.cluster.site.coreSite["hadoop.prometheus.endpoint.enabled"], undefined);
    assert.equal(off.registered.filter((r) => r.type === "kubernetes:core/v1:Service").length, 0);
  });

  it("with serviceMonitor, a ServiceMonitor per running role: /prom on its web port through its metrics Service, job and node labels as node-exporter's; none by default", async () => {
    const { cluster, registered } = await render({ nameNodeHosts: hosts, serviceMonitor: true, scrapeInterval: "15s", serviceMonitorLabels: { release: "prometheus" } });
    const monitors = registered.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
    assert.deepEqual(monitors.map((m) => m.inputs.metadata.name).sort(), ["hdfs-datanode", "hdfs-journalnode", "hdfs-namenode"]);
    assert.equal(cluster.serviceMonitors.length, 3);
    for (const role of ["namenode", "journalnode", "datanode"]) {
      const m = find(registered, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", `hdfs-${role}-servicemonitor`).inputs;
      assert.equal(m.metadata.namespace, "hdfs");
      assert.equal(m.metadata.labels.release, "prometheus");
      assert.equal(m.spec.jobLabel, "app.kubernetes.io/name");
      // the metrics Service carries the role's selector labels; nothing else in the namespace does
      assert.deepEqual(m.spec.selector.matchLabels, ds(registered, `hdfs-${role}`).spec.selector.matchLabels);
      assert.deepEqual(m.spec.endpoints, [{
        port: "http", path: "/prom", interval: "15s",
        relabelings: [
          { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "instance" },
          { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node" },
        ],
        // the NameNode's edit-log sync counts, a label whose value changes at every scrape
        metricRelabelings: [{ action: "labeldrop", regex: "totalsynctimes" }],
      }]);
    }
    // Standalone without DataNodes: the NameNode's only; off by default.
    const standalone = await render({ nameNodeHosts: ["node-2"], serviceMonitor: true, dataNode: { enabled: false } });
    assert.deepEqual(standalone.registered.filter((r) => r.type.endsWith(":ServiceMonitor")).map((r) => r.inputs.metadata.name), ["hdfs-namenode"]);
    assert.equal((await render()).registered.filter((r) => r.type.endsWith(":ServiceMonitor")).length, 0);
  });

  it("refuses a ServiceMonitor without /prom, and its CA where nothing is served over HTTPS", () => {
    const refused = (args: HdfsClusterArgs) => refusedArgs(() => new HdfsCluster("hdfs", simple(args)));
    assert.deepEqual(refused({ nameNodeHosts: hosts, serviceMonitor: true, prometheusEndpoint: false }), [
      "serviceMonitor: scrapes Hadoop's /prom, which prometheusEndpoint: false turns off: leave it on",
    ]);
    assert.deepEqual(refused({ nameNodeHosts: hosts, serviceMonitor: true, serviceMonitorCa: testCaPem }), [
      "serviceMonitorCa: is for HTTPS, but security.mode is simple (plain HTTP)",
    ]);
    assert.deepEqual(refused({ nameNodeHosts: hosts, serviceMonitorCa: testCaPem }), ["serviceMonitorCa: is for the ServiceMonitors, which serviceMonitor leaves off"]);
    assert.match(refused({ nameNodeHosts: hosts, serviceMonitor: true, scrapeInterval: "soon" })[0], /^scrapeInterval: "soon" must be a duration like 30s$/);
  });

  it("creates the namespace once and every role in it, as its children, with the one site", async () => {
    const { cluster, registered } = await render();
    const namespaces = registered.filter((r) => r.type === "kubernetes:core/v1:Namespace");
    assert.deepEqual(namespaces.map((n) => n.inputs.metadata.name), ["hdfs"]);
    for (const name of ["hdfs-namenode", "hdfs-journalnode", "hdfs-datanode"]) {
      assert.equal(ds(registered, name).metadata.namespace, "hdfs", name);
    }
    assert.equal(cluster.nameNode.site, cluster.site);
    for (const role of [cluster.nameNode, cluster.journalNode!, cluster.dataNode!]) {
      assert.match(await promiseOf(role.urn), /::k8s-daemonsets:index:HdfsCluster\$k8s-daemonsets:index:Hdfs\w+DaemonSet::hdfs-\w+$/);
    }
    // Every role's ConfigMap carries the same rendered files.
    const files = ["hdfs-namenode-config", "hdfs-journalnode-config", "hdfs-datanode-config"].map((n) => find(registered, "kubernetes:core/v1:ConfigMap", n).inputs.data["hdfs-site.xml"]);
    assert.deepEqual(files, [cluster.site.hdfsSiteXml, cluster.site.hdfsSiteXml, cluster.site.hdfsSiteXml]);
    assert.equal(await promiseOf(cluster.namespace), "hdfs");
  });

  it("the roles listen on the site's ports, whatever they are", async () => {
    const { cluster, registered } = await render({
      nameNodeHosts: hosts,
      nameNode: { rpcPort: 18020, httpPort: 19870 },
      journalNode: { rpcPort: 18485, httpPort: 18480 },
      dataNode: { dataPort: 19866, httpPort: 19864, ipcPort: 19867 },
    });
    assert.deepEqual(ports(container(registered, "hdfs-namenode", "namenode")), { rpc: [18020, 18020], http: [19870, 19870] });
    assert.deepEqual(ports(container(registered, "hdfs-journalnode", "journalnode")), { rpc: [18485, 18485], http: [18480, 18480] });
    assert.deepEqual(ports(container(registered, "hdfs-datanode", "datanode")), { data: [19866, 19866], http: [19864, 19864], ipc: [19867, 19867] });
    assert.match(cluster.site.hdfsSite["dfs.namenode.shared.edits.dir"], /^qjournal:\/\/node-2:18485;node-5:18485;node-8:18485\//);
    assert.equal(cluster.site.hdfsSite["dfs.datanode.ipc.address"], "0.0.0.0:19867");
  });

  it("each role is ready when it serves, as its own /jmx says (assets/hdfs-ready.sh from its ConfigMap), not when a port opens", async () => {
    const { registered } = await render({ nameNodeHosts: hosts, nameservice: "ns1", nameNode: { httpPort: 19870 } });
    for (const [role, port] of [["namenode", 19870], ["journalnode", 8480], ["datanode", 9864]] as const) {
      const c = container(registered, `hdfs-${role}`, role);
      assert.deepEqual(c.readinessProbe.exec.command, ["bash", "/etc/hdfs-scripts/hdfs-ready.sh", role, "http", String(port)], role);
      assert.equal(c.readinessProbe.tcpSocket, undefined, role);
      // The probe's server address and the script, mounted whole from the role's ConfigMap.
      assert.deepEqual(c.env.find((e: any) => e.name === "HDFS_HOST_IP"), { name: "HDFS_HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }, role);
      assert.deepEqual(c.volumeMounts.find((m: any) => m.mountPath === "/etc/hdfs-scripts"), { name: "scripts", mountPath: "/etc/hdfs-scripts", readOnly: true }, role);
      const data = find(registered, "kubernetes:core/v1:ConfigMap", `hdfs-${role}-config`).inputs.data;
      assert.match(data["hdfs-ready.sh"], /^#!\/bin\/bash\n# Readiness probe of an HDFS daemon/, role);
      assert.equal(c.env.filter((e: any) => e.name === "NODE_NAME").length, 1, `${role}: NODE_NAME once`);
    }
    // The JournalNode looks for the nameservice's journal.
    assert.ok(container(registered, "hdfs-journalnode", "journalnode").env.some((e: any) => e.name === "HDFS_JOURNAL" && e.value === "ns1"));
  });

  it("a DataNode with two directories gets a site with two (no mismatch to throw on)", async () => {
    const { cluster, registered } = await render({ nameNodeHosts: ["node-2"], dataNode: { dataDirHostPaths: ["/disk1/hdfs", "/disk2/hdfs"] } });
    assert.equal(cluster.site.hdfsSite["dfs.datanode.data.dir"], "file:///hadoop/dfs/data/0,file:///hadoop/dfs/data/1");
    const mounts = container(registered, "hdfs-datanode", "datanode").volumeMounts.filter((m: any) => m.name.startsWith("data-"));
    assert.deepEqual(mounts.map((m: any) => m.mountPath), ["/hadoop/dfs/data/0", "/hadoop/dfs/data/1"]);
    const volumes = ds(registered, "hdfs-datanode").spec.template.spec.volumes.filter((v: any) => v.name.startsWith("data-"));
    assert.deepEqual(volumes.map((v: any) => v.hostPath.path), ["/disk1/hdfs", "/disk2/hdfs"]);
  });

  it("a failed data directory stops a DataNode with one (Hadoop's 0), not one with several (-1); the setting overrides, at most one fewer than the directories", async () => {
    const tolerated = async (dataNode: Record<string, unknown>) =>
      (await render({ nameNodeHosts: ["node-2"], dataNode })).cluster.site.hdfsSite["dfs.datanode.failed.volumes.tolerated"];
    assert.equal(await tolerated({}), "0");
    assert.equal(await tolerated({ dataDirHostPaths: ["/disk1/hdfs", "/disk2/hdfs"] }), "-1");
    assert.equal(await tolerated({ dataDirHostPaths: ["/disk1/hdfs", "/disk2/hdfs", "/disk3/hdfs"], failedVolumesTolerated: 1 }), "1");
    const refused = (dataNode: Record<string, unknown>) => refusedArgs(() => new HdfsCluster("hdfs", simple({ nameNodeHosts: ["a"], dataNode })));
    assert.deepEqual(refused({ dataDirHostPaths: ["/disk1/hdfs", "/disk2/hdfs"], failedVolumesTolerated: 2 }), [
      "dataNode.failedVolumesTolerated: 2 of 2 data directories (dataNode.dataDirHostPaths): must be fewer (Hadoop refuses to start the DataNode), or -1 to serve while one works",
    ]);
    assert.deepEqual(refused({ failedVolumesTolerated: -2 }), ["dataNode.failedVolumesTolerated: -2 must be -1 (serve while one directory works) or more"]);
  });

  it("javaOptions: after each role's heap in its daemons' HDFS_<ROLE>_OPTS (the ZKFC's too), none by default; the heap or a malformed option refused", async () => {
    const opts = (r: RegisteredResource[], name: string, c: string, variable: string) =>
      container(r, name, c).env.find((e: any) => e.name === variable).value;
    const none = (await render({ nameNodeHosts: hosts, zookeeperQuorum: ["zk-1:2181"] })).registered;
    assert.equal(opts(none, "hdfs-datanode", "datanode", "HDFS_DATANODE_OPTS"), "-Xmx768m");
    assert.equal(opts(none, "hdfs-journalnode", "journalnode", "HDFS_JOURNALNODE_OPTS"), "-Xmx384m");
    const c1 = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];
    const { registered } = await render({
      nameNodeHosts: hosts, zookeeperQuorum: ["zk-1:2181"],
      nameNode: { javaOptions: c1 }, journalNode: { javaOptions: ["-XX:+UseSerialGC"] }, dataNode: { javaOptions: ["-XX:TieredStopAtLevel=1"] },
    });
    assert.equal(opts(registered, "hdfs-namenode", "namenode", "HDFS_NAMENODE_OPTS"), "-Xmx1536m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dhdfs.audit.logger=INFO,console");
    assert.equal(opts(registered, "hdfs-namenode", "zkfc", "HDFS_ZKFC_OPTS"), "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    assert.equal(opts(registered, "hdfs-journalnode", "journalnode", "HDFS_JOURNALNODE_OPTS"), "-Xmx384m -XX:+UseSerialGC");
    assert.equal(opts(registered, "hdfs-datanode", "datanode", "HDFS_DATANODE_OPTS"), "-Xmx768m -XX:TieredStopAtLevel=1");
    const refused = (dataNode: Record<string, unknown>) => refusedArgs(() => new HdfsCluster("hdfs", simple({ nameNodeHosts: ["a"], dataNode })));
    assert.deepEqual(refused({ javaOptions: ["-Xmx2g"] }), ['dataNode.javaOptions.0: "-Xmx2g" sets the heap, which javaHeap sets']);
    assert.deepEqual(refused({ javaOptions: ["-XX:+UseSerialGC -Xss1m"] }), ['dataNode.javaOptions.0: "-XX:+UseSerialGC -Xss1m" must be one JVM option, starting with - (no spaces)']);
  });

  it("decommission: the NameNodes exclude each listed host by its address, and a Job drains them; a host without an address is refused", async () => {
    const { registered } = await render({ nameNodeHosts: hosts, decommission: ["node-3"], decommissionAddresses: { "node-3": "10.213.0.3" } });
    assert.deepEqual(find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-exclude").inputs.data, { exclude: "10.213.0.3\n" });
    const job = registered.find((r) => r.type === "kubernetes:batch/v1:Job")!.inputs;
    assert.deepEqual(job.spec.template.spec.containers[0].command.slice(2), ["10.213.0.3"]);
    assert.deepEqual(job.spec.template.spec.nodeSelector, { host: "high-cpu" }, "on a NameNode host");
    assert.deepEqual(refusedArgs(() => new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts, decommission: ["node-3"] }))), [
      "decommission: node-3: no address known (decommissionAddresses): the NameNodes exclude a DataNode by the address it registers with",
    ]);
  });

  it("one NameNode host: no JournalNodes; dataNode.enabled false: no DataNodes; the NameNode's image for every role", async () => {
    const { cluster, registered } = await render({ nameNodeHosts: ["node-2"], dataNode: { enabled: false }, nameNode: { image: "apache/hadoop:3.4.0" } });
    assert.equal(cluster.journalNode, undefined);
    assert.equal(cluster.dataNode, undefined);
    assert.deepEqual(registered.filter((r) => r.type === "kubernetes:apps/v1:DaemonSet").map((r) => r.name), ["hdfs-namenode"]);
    const inherited = await render({ nameNodeHosts: hosts, nameNode: { image: "apache/hadoop:3.4.0", tolerations: [{ key: "x", operator: "Exists" }] } });
    assert.equal(container(inherited.registered, "hdfs-journalnode", "journalnode").image, "apache/hadoop:3.4.0");
    assert.equal(container(inherited.registered, "hdfs-datanode", "datanode").image, "apache/hadoop:3.4.0");
    assert.deepEqual(ds(inherited.registered, "hdfs-journalnode").spec.template.spec.tolerations, [{ key: "x", operator: "Exists" }]);
    assert.equal(ds(inherited.registered, "hdfs-datanode").spec.template.spec.tolerations, undefined);
  });

  it("passes the rollout timeout to every role; an existing namespace is used, not created", async () => {
    const { registered } = await render({ nameNodeHosts: hosts, rolloutTimeoutSeconds: 90, createNamespace: false, namespace: "storage" });
    for (const name of ["hdfs-namenode", "hdfs-journalnode", "hdfs-datanode"]) {
      assert.equal(ds(registered, name).metadata.annotations["pulumi.com/timeoutSeconds"], "90", name);
      assert.equal(ds(registered, name).metadata.namespace, "storage");
    }
    assert.equal(registered.filter((r) => r.type === "kubernetes:core/v1:Namespace").length, 0);
  });

  it("lists the namespace and the PriorityClasses it creates, by role (for the preflight)", async () => {
    const { registered } = await render();
    const created = registered.filter((r) => ["kubernetes:core/v1:Namespace", "kubernetes:scheduling.k8s.io/v1:PriorityClass"].includes(r.type));
    const listed = Object.values(hdfsClusterObjects(resolveHdfsClusterArgs(simple({ nameNodeHosts: hosts })))).flat();
    assert.deepEqual(listed.map((o) => `${o.kind}/${o.name}`).sort(), created.map((r) => `${r.inputs.kind ?? (r.type.endsWith("Namespace") ? "Namespace" : "PriorityClass")}/${r.inputs.metadata.name}`).sort());
    assert.deepEqual(hdfsClusterObjects(resolveHdfsClusterArgs(simple({ nameNodeHosts: ["node-2"], dataNode: { enabled: false }, createNamespace: false }))).journalNode, []);
  });

  it("gives every role's pods the NameNode and JournalNode hosts' addresses as hostAliases, and none without addresses", async () => {
    const hostAddresses = { "node-2": "10.1.0.2", "node-5": "10.1.0.5", "node-8": "10.1.0.8", "node-9": "10.1.0.9" };
    const { cluster, registered } = await render({ nameNodeHosts: hosts, hostAddresses });
    const expected = hosts.map((h) => ({ ip: hostAddresses[h as keyof typeof hostAddresses], hostnames: [h] }));
    assert.deepEqual(cluster.site.hostAliases, expected);
    for (const name of ["hdfs-namenode", "hdfs-journalnode", "hdfs-datanode"]) {
      assert.deepEqual(ds(registered, name).spec.template.spec.hostAliases, expected, name);
    }
    // JournalNodes on other hosts than the NameNodes: theirs too, each host once.
    const jn = await render({ nameNodeHosts: hosts, journalNodeHosts: ["node-5", "node-8", "node-9"], hostAddresses });
    assert.deepEqual(jn.cluster.site.hostAliases.map((a) => a.hostnames[0]), ["node-2", "node-5", "node-8", "node-9"]);
    const none = await render({ nameNodeHosts: hosts });
    assert.equal(ds(none.registered, "hdfs-namenode").spec.template.spec.hostAliases, undefined);
  });

  it("HA without ZooKeeper: the NameNode container activates the formatting host's NameNode at start; not with ZooKeeper, not standalone", async () => {
    const { registered } = await render();
    const nn = container(registered, "hdfs-namenode", "namenode");
    assert.deepEqual(nn.lifecycle.postStart.exec.command, ["sh", "/etc/hdfs-scripts/namenode-activate.sh"]);
    const env = Object.fromEntries(nn.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    assert.equal(env.FORMAT_HOST, "node-2");
    assert.equal(env.NAMENODE_ID, "nn-node-2");
    assert.ok(nn.env.some((e: any) => e.name === "NODE_NAME" && e.valueFrom.fieldRef.fieldPath === "spec.nodeName"));
    assert.ok(nn.volumeMounts.some((m: any) => m.mountPath === "/etc/hdfs-scripts" && m.readOnly));
    assert.match(find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-config").inputs.data["namenode-activate.sh"], /transitionToActive/);
    const zk = await render({ nameNodeHosts: hosts, zookeeperQuorum: ["zk-1:2181"] });
    assert.equal(container(zk.registered, "hdfs-namenode", "namenode").lifecycle, undefined);
    assert.equal(find(zk.registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-config").inputs.data["namenode-activate.sh"], undefined);
    const standalone = await render({ nameNodeHosts: ["node-2"] });
    assert.equal(container(standalone.registered, "hdfs-namenode", "namenode").lifecycle, undefined);
  });

  it("every role exposes its DaemonSet, ConfigMap, PriorityClass and placement, all its own children; none of a PriorityClass it did not create", async () => {
    const { cluster, registered } = await render({ nameNodeHosts: hosts, dataNode: { priorityClassName: "existing-class" } });
    for (const [role, type] of [[cluster.nameNode, "HdfsNameNodeDaemonSet"], [cluster.journalNode!, "HdfsJournalNodeDaemonSet"]] as const) {
      for (const child of [role.daemonSet, role.configMap, role.priorityClass!]) {
        assert.match(await promiseOf(child.urn), new RegExp(`:index:${type}\\$kubernetes:`));
      }
      const name = await promiseOf(role.daemonSet.metadata.name);
      assert.deepEqual(role.placement.nodeSelector, ds(registered, name).spec.template.spec.nodeSelector);
    }
    const dataNode = cluster.dataNode!;
    assert.equal(dataNode.priorityClass, undefined);
    assert.equal(ds(registered, "hdfs-datanode").spec.template.spec.priorityClassName, "existing-class");
    assert.match(await promiseOf(dataNode.configMap.urn), /:index:HdfsDataNodeDaemonSet\$kubernetes:core\/v1:ConfigMap::/);
    assert.equal(registered.filter((r) => r.type === "kubernetes:scheduling.k8s.io/v1:PriorityClass" && r.name.startsWith("hdfs-datanode")).length, 0);
  });
});
