import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import * as pulumi from "@pulumi/pulumi";
import type { HdfsSiteArgs } from "../../../components/hadoopConfig";
import { decommissionJobName } from "../../../components/hdfsDecommission";
import { HdfsNameNodeArgs, HdfsNameNodeDaemonSet, membershipChangeWarning } from "../../../components/hdfsNameNode";
import { hdfsSite } from "../../../components/hdfsShared";
import { find, promiseOf, RegisteredResource, settled, useMocks } from "../../support/mocks";

/** The NameNode's own arguments, and the site's (hosts: the NameNode hosts), from which its site is rendered. */
type RenderArgs = Partial<HdfsNameNodeArgs> & Partial<Omit<HdfsSiteArgs, "nameNodeHosts">> & { hosts?: string[] };

async function render(args: RenderArgs = {}): Promise<{ component: HdfsNameNodeDaemonSet; registered: RegisteredResource[]; ds: any }> {
  const registered = useMocks();
  const { hosts = ["node-2", "node-5", "node-8"], zookeeperQuorum, replication, coreSite, hdfsSite: extraHdfsSite, ...own } = args;
  const site = hdfsSite({ nameNodeHosts: hosts, zookeeperQuorum, replication, coreSite, hdfsSite: extraHdfsSite });
  const component = new HdfsNameNodeDaemonSet("hdfs-namenode", { site, ...own });
  await settled();
  return { component, registered, ds: find(registered, "kubernetes:apps/v1:DaemonSet").inputs };
}

const configMap = (registered: RegisteredResource[]) => find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-config").inputs;

/** Hadoop *-site.xml -> {name: value}, with the XML parsed by a real parser. */
function properties(xml: string): Record<string, string> {
  const doc = new XMLParser({ parseTagValue: false }).parse(xml);
  const list = [doc.configuration.property].flat();
  return Object.fromEntries(list.map((p: { name: string; value: string }) => [p.name, String(p.value)]));
}

const podSpec = (ds: any) => ds.spec.template.spec;
const byName = (list: any[], name: string) => list.find((x) => x.name === name);

describe("HdfsNameNodeDaemonSet", () => {
  it("runs only on nodes with the configured labels, in the hdfs namespace, without creating it (HdfsCluster does)", async () => {
    const { registered, ds } = await render();
    assert.deepEqual(podSpec(ds).nodeSelector, { host: "high-cpu" });
    assert.equal(podSpec(ds).tolerations, undefined);
    assert.equal(registered.filter((r) => r.type === "kubernetes:core/v1:Namespace").length, 0);
    assert.equal(ds.metadata.namespace, "hdfs");
    assert.deepEqual(podSpec((await render({ nodeSelector: { "hdfs/namenode": "true" } })).ds).nodeSelector, { "hdfs/namenode": "true" });
  });

  it("uses the host network with host-network DNS, and not the host PID namespace", async () => {
    const spec = podSpec((await render()).ds);
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.dnsPolicy, "ClusterFirstWithHostNet");
    assert.equal(spec.hostPID, false);
  });

  it("runs `hdfs namenode` (through namenode-start.sh: `-rollingUpgrade started` during a rolling upgrade) from a pinned Apache Hadoop 3 image, with rpc and http host ports", async () => {
    const c = byName(podSpec((await render()).ds).containers, "namenode");
    assert.match(c.image, /^apache\/hadoop:3\.\d+\.\d+$/);
    assert.deepEqual(c.command, ["sh", "/etc/hdfs-scripts/namenode-start.sh", "/hadoop/dfs/name"]);
    assert.deepEqual(c.ports, [
      { name: "rpc", containerPort: 8020, hostPort: 8020 },
      { name: "http", containerPort: 9870, hostPort: 9870 },
    ]);
    assert.ok(c.livenessProbe && c.readinessProbe && c.startupProbe);
    assert.deepEqual(c.resources, { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } });
  });

  it("keeps the name directory on a writable hostPath that is created if missing", async () => {
    const { ds } = await render({ nameDirHostPath: "/data/hdfs/name" });
    assert.deepEqual(byName(podSpec(ds).volumes, "name-dir"), { name: "name-dir", hostPath: { path: "/data/hdfs/name", type: "DirectoryOrCreate" } });
    const c = byName(podSpec(ds).containers, "namenode");
    assert.deepEqual(byName(c.volumeMounts, "name-dir"), { name: "name-dir", mountPath: "/hadoop/dfs/name", readOnly: false });
    for (const m of c.volumeMounts.filter((m: any) => m.name === "config")) assert.equal(m.readOnly, true);
  });

  it("creates a PriorityClass of its own by default, and uses a given one instead", async () => {
    const { registered, ds } = await render();
    const pc = find(registered, "kubernetes:scheduling.k8s.io/v1:PriorityClass").inputs;
    assert.equal(pc.value, 1000000);
    assert.equal(pc.globalDefault, false);
    assert.equal(podSpec(ds).priorityClassName, pc.metadata.name);
    const other = await render({ priorityClassName: "data-critical" });
    assert.equal(other.registered.filter((r) => r.type.includes("PriorityClass")).length, 0);
    assert.equal(podSpec(other.ds).priorityClassName, "data-critical");
  });

  it("formats in an init step that runs the format script from the ConfigMap, after handing the directory to the hadoop user", async () => {
    const { registered, ds } = await render();
    const [own, format] = podSpec(ds).initContainers;
    assert.equal(own.name, "own-name-dir");
    assert.deepEqual(own.securityContext.capabilities, { drop: ["ALL"], add: ["CHOWN"] });
    assert.equal(format.name, "format");
    assert.deepEqual(format.command, ["sh", "/etc/hdfs-scripts/namenode-format.sh"]);
    const script: string = configMap(registered).data["namenode-format.sh"];
    assert.match(script, /current\/VERSION/);
    assert.match(script, /-nonInteractive/);
  });

  it("records that the filesystem exists in <name>-format-record (after the rollout), which the format step reads from an optional volume", async () => {
    const { registered, ds, component } = await render();
    const record = find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-format-record").inputs;
    assert.equal(record.metadata.name, "hdfs-namenode-format-record");
    assert.deepEqual(record.data, { "cluster-id": "k8s-daemonsets" });
    assert.ok(component.formatRecord);
    const spec = podSpec(ds);
    assert.deepEqual(spec.volumes.find((v: any) => v.name === "format-record"),
      { name: "format-record", configMap: { name: "hdfs-namenode-format-record", optional: true, defaultMode: 0o444 } });
    const format = spec.initContainers.find((c: any) => c.name === "format");
    assert.deepEqual(format.volumeMounts.find((m: any) => m.name === "format-record"), { name: "format-record", mountPath: "/etc/hdfs-format-record", readOnly: true });
    const env = Object.fromEntries(format.env.map((e: any) => [e.name, e.value]));
    assert.equal(env.FORMAT_RECORD, "/etc/hdfs-format-record/cluster-id");
    assert.equal(env.FORMAT_RECORD_CONFIGMAP, "hdfs/hdfs-namenode-format-record");
    // Not part of the pods' config hash: writing it restarts nothing.
    assert.equal(configMap(registered).data["cluster-id"], undefined);
  });

  it("renders core-site.xml and hdfs-site.xml into a ConfigMap, from typed inputs, escaped (one host: standalone)", async () => {
    const { registered, component } = await render({ hosts: ["node-2"], hdfsSite: { "dfs.blocksize": "268435456" }, coreSite: { "hadoop.tmp.dir": "/tmp/<&>" } });
    const data = configMap(registered).data;
    const core = properties(data["core-site.xml"]);
    const hdfs = properties(data["hdfs-site.xml"]);
    assert.equal(core["fs.defaultFS"], "hdfs://node-2:8020");
    assert.equal(core["hadoop.tmp.dir"], "/tmp/<&>");
    assert.equal(hdfs["dfs.namenode.name.dir"], "file:///hadoop/dfs/name");
    // The address DataNodes connect to (a real run: 0.0.0.0 sent every other node's DataNode to itself).
    assert.equal(hdfs["dfs.namenode.rpc-address"], "node-2:8020");
    assert.equal(hdfs["dfs.namenode.rpc-bind-host"], "0.0.0.0");
    assert.equal(hdfs["dfs.namenode.http-address"], "node-2:9870");
    assert.equal(hdfs["dfs.namenode.datanode.registration.ip-hostname-check"], "false");
    assert.equal(hdfs["dfs.blocksize"], "268435456");
    assert.equal(data["core-site.xml"], component.coreSiteXml);
  });

  it("restarts the NameNode when its configuration changes", async () => {
    const a = (await render()).ds.spec.template.metadata.annotations["k8s-daemonsets/config-hash"];
    const b = (await render({ replication: 2 })).ds.spec.template.metadata.annotations["k8s-daemonsets/config-hash"];
    assert.match(a, /^[0-9a-f]{16}$/);
    assert.notEqual(a, b);
  });

  it("runs as the hadoop user with a read-only root filesystem", async () => {
    const spec = podSpec((await render()).ds);
    assert.equal(spec.securityContext.runAsUser, 1000);
    assert.equal(spec.securityContext.runAsNonRoot, true);
    const c = byName(spec.containers, "namenode");
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  });

  it("parents every child to the component", async () => {
    const { component } = await render();
    for (const child of [component.daemonSet, component.configMap, component.priorityClass!]) {
      assert.match(await promiseOf(child.urn), /::k8s-daemonsets:index:HdfsNameNodeDaemonSet\$kubernetes:/);
    }
  });

  it("with 2-5 hosts: one HA nameservice, the same configuration in its ConfigMap", async () => {
    const { registered, component } = await render();
    const hdfs = properties(configMap(registered).data["hdfs-site.xml"]);
    assert.equal(properties(component.coreSiteXml)["fs.defaultFS"], "hdfs://hdfs-k8s");
    assert.equal(hdfs["dfs.ha.namenodes.hdfs-k8s"], "nn-node-2,nn-node-5,nn-node-8");
    assert.equal(hdfs["dfs.namenode.shared.edits.dir"], "qjournal://node-2:8485;node-5:8485;node-8:8485/hdfs-k8s");
    assert.equal(hdfs["dfs.namenode.rpc-address"], undefined);
    assert.equal(component.site.ha, true);
  });

  it("HA: the format step knows its node (downward API), the formatting host (the first) and the role", async () => {
    const { ds, component } = await render();
    const format = byName(podSpec(ds).initContainers, "format");
    assert.deepEqual(byName(format.env, "NODE_NAME"), { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } });
    assert.equal(byName(format.env, "FORMAT_HOST").value, "node-2");
    assert.equal(byName(format.env, "HA").value, "true");
    assert.equal(byName(format.env, "ZKFC_FORMAT").value, "false");
    assert.equal(await promiseOf(component.formatHost), "node-2");
    assert.equal(byName(podSpec((await render({ hosts: ["node-2"] })).ds).initContainers, "format").env.find((e: any) => e.name === "HA").value, "false");
  });

  it("records the first-created membership in a ConfigMap (hosts, formatting host)", async () => {
    const { registered } = await render();
    const record = find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-membership").inputs;
    assert.deepEqual(record.data, { hosts: "node-2,node-5,node-8", formatHost: "node-2" });
    assert.equal(record.metadata.namespace, "hdfs");
  });

  it("runs a ZKFC beside each NameNode only when a ZooKeeper quorum is configured", async () => {
    const manual = podSpec((await render()).ds);
    assert.deepEqual(manual.containers.map((c: any) => c.name), ["namenode"]);
    const { ds, registered } = await render({ zookeeperQuorum: ["zk-1:2181", "zk-2:2181", "zk-3:2181"] });
    const spec = podSpec(ds);
    assert.deepEqual(spec.containers.map((c: any) => c.name), ["namenode", "zkfc"]);
    const zkfc = byName(spec.containers, "zkfc");
    // A lost active host is fenced after one 3 s connection attempt, not two of 20 s (the ZKFC's settings only).
    assert.deepEqual(zkfc.command, ["hdfs", "zkfc", "-D", "ipc.client.connect.timeout=3000", "-D", "ha.failover-controller.graceful-fence.connection.retries=0"]);
    assert.deepEqual(zkfc.ports, [{ name: "zkfc", containerPort: 8019, hostPort: 8019 }]);
    assert.ok(zkfc.resources.limits.memory && zkfc.resources.requests.memory);
    assert.equal(zkfc.securityContext.readOnlyRootFilesystem, true);
    assert.equal(byName(byName(spec.initContainers, "format").env, "ZKFC_FORMAT").value, "true");
    const data = configMap(registered).data;
    assert.equal(properties(data["core-site.xml"])["ha.zookeeper.quorum"], "zk-1:2181,zk-2:2181,zk-3:2181");
    assert.equal(properties(data["hdfs-site.xml"])["dfs.ha.automatic-failover.enabled"], "true");
    assert.equal(properties(data["core-site.xml"])["ipc.client.connect.timeout"], undefined, "the other clients keep Hadoop's connect timeout");
    // On a pod's deletion the ZKFC outlives its NameNode (the hook waits for the RPC port to close), within the grace period.
    assert.deepEqual(zkfc.lifecycle.preStop.exec.command, ["bash", "/etc/hdfs-scripts/zkfc-prestop.sh"]);
    assert.ok(data["zkfc-prestop.sh"].includes("/dev/tcp/127.0.0.1/$port"));
    assert.deepEqual(zkfc.volumeMounts.find((m: any) => m.mountPath === "/etc/hdfs-scripts"), { name: "scripts", mountPath: "/etc/hdfs-scripts", readOnly: true });
    assert.equal(byName(zkfc.env, "NAMENODE_RPC_PORT").value, "8020");
    // ... and then until the ZKFC has closed its connections to the quorum the site names (it quit the election).
    assert.equal(byName(zkfc.env, "ZOOKEEPER_QUORUM").value, properties(data["core-site.xml"])["ha.zookeeper.quorum"]);
    assert.ok(Number(byName(zkfc.env, "WAIT_SECONDS").value) + 10 < spec.terminationGracePeriodSeconds);
    assert.equal(configMap((await render()).registered).data["zkfc-prestop.sh"], undefined, "manual HA: no ZKFC, no hook");
  });

  it("a standalone NameNode gets no ZKFC even with a quorum configured", async () => {
    const spec = podSpec((await render({ hosts: ["node-2"], zookeeperQuorum: ["zk-1:2181"] })).ds);
    assert.deepEqual(spec.containers.map((c: any) => c.name), ["namenode"]);
  });
});

/**
 * Mocks whose membership record reads as an earlier `pulumi up` stored it (`hosts`, the first of them formatting;
 * undefined: this up creates it); returns what is registered.
 */
function useMocksWithRecord(recordedHosts: string | undefined): RegisteredResource[] {
  const registered: RegisteredResource[] = [];
  pulumi.runtime.setMocks({
    newResource(r) {
      registered.push({ type: r.type, name: r.name, inputs: r.inputs });
      const state = r.name === "hdfs-namenode-membership" && recordedHosts !== undefined
        ? { ...r.inputs, data: { hosts: recordedHosts, formatHost: recordedHosts.split(",")[0] } }
        : r.inputs;
      return { id: `${r.name}-id`, state };
    },
    call: (r) => r.inputs,
  }, "k8s-daemonsets", "test", false);
  return registered;
}

describe("NameNode membership changes", () => {
  it("says nothing when the planned hosts are the recorded ones (any order)", () => {
    assert.equal(membershipChangeWarning(["node-2", "node-5"], ["node-5", "node-2"], "urn:x"), undefined);
  });

  it("names the added and removed hosts, what happens to their metadata, and how to accept the change", () => {
    const w = membershipChangeWarning(["node-2", "node-5", "node-8"], ["node-2", "node-5", "node-9"], "urn:pulumi:dev::p::m")!;
    assert.match(w, /added: \[node-9\], removed: \[node-8\]/);
    assert.match(w, /bootstrapStandby/);
    assert.match(w, /untouched/);
    assert.match(w, /formatting host stays node-2/);
    assert.match(w, /pulumi up --replace 'urn:pulumi:dev::p::m'/);
  });

  it("rolls one NameNode at a time, except while a nameservice recorded as standalone is made HA: then all at once", async (t) => {
    const strategy = async (recordedHosts: string | undefined, planned: string[], args: Partial<HdfsNameNodeArgs> = {}) => {
      const registered = useMocksWithRecord(recordedHosts);
      new HdfsNameNodeDaemonSet("hdfs-namenode", { site: hdfsSite({ nameNodeHosts: planned }), ...args });
      await settled();
      return find(registered, "kubernetes:apps/v1:DaemonSet").inputs.spec.updateStrategy;
    };
    t.mock.method(console, "warn", () => undefined);
    const oneAtATime = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } };
    const allAtOnce = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } };
    assert.deepEqual(await strategy(undefined, ["node-2", "node-5", "node-8"]), oneAtATime, "a new HA nameservice");
    assert.deepEqual(await strategy("node-2,node-5,node-8", ["node-2", "node-5", "node-8"]), oneAtATime, "HA as recorded");
    assert.deepEqual(await strategy("node-2,node-5", ["node-2", "node-5", "node-8"]), oneAtATime, "HA, a host added");
    assert.deepEqual(await strategy("node-2", ["node-2", "node-5", "node-8"]), allAtOnce, "standalone -> HA");
    assert.deepEqual(await strategy("node-2", ["node-2"]), oneAtATime, "standalone as recorded");
    assert.deepEqual(await strategy("node-2", ["node-2", "node-5"], { updateStrategy: { type: "RollingUpdate", maxUnavailable: 2 } }), allAtOnce);
    assert.deepEqual(await strategy("node-2,node-5", ["node-2", "node-5"], { updateStrategy: { type: "RollingUpdate", maxUnavailable: 2 } }),
      { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } });
    assert.deepEqual(await strategy("node-2", ["node-2", "node-5"], { updateStrategy: { type: "OnDelete" } }), { type: "OnDelete" });
  });

  it("says, in the membership warning, that a standalone NameNode made HA rolls all at once until recorded", () => {
    assert.match(membershipChangeWarning(["node-2"], ["node-2", "node-5", "node-8"], "urn:x")!, /replaces them all at once/);
    assert.doesNotMatch(membershipChangeWarning(["node-2", "node-5"], ["node-2", "node-5", "node-8"], "urn:x")!, /all at once/);
  });

  it("warns during the program run when the record (Pulumi state) differs from the plan", async (t) => {
    const warnings: string[] = [];
    t.mock.method(console, "warn", (msg: string) => { warnings.push(String(msg)); });
    // Created with node-8, which has lost its label since.
    useMocksWithRecord("node-2,node-5,node-8");
    const component = new HdfsNameNodeDaemonSet("hdfs-namenode", { site: hdfsSite({ nameNodeHosts: ["node-2", "node-5", "node-9"] }) });
    await settled();
    assert.equal(await promiseOf(component.formatHost), "node-2");
    assert.ok(warnings.some((w) => /membership change/.test(w) && /removed: \[node-8\]/.test(w)), warnings.join("\n"));
  });
});

describe("HdfsNameNodeDaemonSet: decommissioning DataNodes", () => {
  const jobs = (r: RegisteredResource[]) => r.filter((x) => x.type === "kubernetes:batch/v1:Job").map((x) => x.inputs);

  it("always reads the exclude file from a ConfigMap of its own, mounted whole and out of the config hash; no drain Job by default", async () => {
    const { registered, ds } = await render();
    assert.equal(properties(configMap(registered).data["hdfs-site.xml"])["dfs.hosts.exclude"], "/etc/hdfs-exclude/exclude");
    const exclude = find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-exclude").inputs;
    assert.deepEqual(exclude.data, { exclude: "" });
    const spec = podSpec(ds);
    assert.deepEqual(spec.volumes.find((v: any) => v.name === "exclude"), { name: "exclude", configMap: { name: "hdfs-namenode-exclude", defaultMode: 0o444 } });
    const nn = spec.containers.find((c: any) => c.name === "namenode");
    assert.deepEqual(nn.volumeMounts.find((m: any) => m.name === "exclude"), { name: "exclude", mountPath: "/etc/hdfs-exclude", readOnly: true });
    assert.deepEqual(jobs(registered), []);
    // The list is not part of the pods' config hash: a drain restarts nothing.
    const draining = await render({ decommissionAddresses: ["10.213.0.3"] });
    assert.equal(draining.ds.spec.template.metadata.annotations["k8s-daemonsets/config-hash"], ds.spec.template.metadata.annotations["k8s-daemonsets/config-hash"]);
    assert.deepEqual(find(draining.registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-exclude").inputs.data, { exclude: "10.213.0.3\n" });
  });

  it("drains with a Job named after the list, on a NameNode host as the NameNode, kept while any DataNode is excluded", async () => {
    const { registered, ds } = await render({ decommissionAddresses: ["10.213.0.3", "10.213.0.9"], decommissionTimeoutSeconds: 600 });
    const [job] = jobs(registered);
    assert.match(job.metadata.name, /^hdfs-namenode-decommission-[0-9a-f]{8}$/);
    assert.equal(job.metadata.annotations["pulumi.com/timeoutSeconds"], "900");
    assert.equal(job.metadata.annotations["k8s-daemonsets/host-access"], "network");
    assert.equal(job.spec.backoffLimit, 0);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.hostNetwork, true);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(pod.nodeSelector, podSpec(ds).nodeSelector);
    const [c] = pod.containers;
    assert.deepEqual(c.command, ["bash", "/etc/hdfs-scripts/datanode-decommission.sh", "10.213.0.3", "10.213.0.9"]);
    assert.ok(c.env.some((e: any) => e.name === "TIMEOUT_SECONDS" && e.value === "600"));
    assert.match(configMap(registered).data["datanode-decommission.sh"], /dfsadmin -refreshNodes/);
    // The same list in another order: the same Job.
    const reordered = jobs((await render({ decommissionAddresses: ["10.213.0.9", "10.213.0.3"] })).registered);
    assert.equal(reordered[0].metadata.name, job.metadata.name);
    // Already deployed as it is: the same Job stays (its success is the record that the drain finished). Emptied
    // after a drain: a Job recommissions (no address); emptied and deployed so: none.
    const kept = jobs((await render({ decommissionAddresses: ["10.213.0.3"], deployedDecommissionAddresses: ["10.213.0.3"] })).registered);
    assert.equal(kept[0].metadata.name, decommissionJobName("hdfs-namenode", ["10.213.0.3"]));
    assert.deepEqual(jobs((await render({ decommissionAddresses: [], deployedDecommissionAddresses: [] })).registered), []);
    const back = jobs((await render({ decommissionAddresses: [], deployedDecommissionAddresses: ["10.213.0.3"] })).registered);
    assert.deepEqual(back[0].spec.template.spec.containers[0].command, ["bash", "/etc/hdfs-scripts/datanode-decommission.sh"]);
  });

  it("refuses what is not a list of addresses, and a timeout under a minute", () => {
    useMocks();
    const site = hdfsSite({ nameNodeHosts: ["node-2"] });
    assert.throws(() => new HdfsNameNodeDaemonSet("nn", { site, decommissionAddresses: ["node-3"] }), /decommissionAddresses\.0: "node-3" must be an IP address \(the DataNode node's InternalIP\)/);
    assert.throws(() => new HdfsNameNodeDaemonSet("nn", { site, decommissionAddresses: ["10.0.0.1", "10.0.0.1"] }), /decommissionAddresses: lists an address twice/);
    assert.throws(() => new HdfsNameNodeDaemonSet("nn", { site, decommissionTimeoutSeconds: 5 }), /decommissionTimeoutSeconds: 5 must be at least 60/);
  });
});
