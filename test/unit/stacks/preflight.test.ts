// The cluster checks that run before anything is registered: objects the stack did not create, missing nodes,
// labels held by other field managers, a changed labelFieldManager.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createdByStackAnnotation } from "../../../components/labels";
import { labelFieldManagerAnnotation } from "../../../components/nodeLabels";
import { parseStackConfig } from "../../../stacks/config";
import { checkedPlan, stackPlan } from "../../../stacks/program";
import type { ApiReader } from "../../../stacks/preflight";
import { PreflightError, plannedClusterObjects, preflight, preflightProblems } from "../../../stacks/preflight";
import { hdfsClusterSite } from "../../../components/hdfsCluster";
import { decommissionJobName } from "../../../components/hdfsDecommission";
import { rollingUpgradeJobName } from "../../../components/hdfsRollingUpgrade";
import { fakeApi, FakeObject } from "../../support/fakeApi";
import { apartFromSimpleMode, rawConfig as rawOf, runProgram, stackFileConfig } from "../../support/mocks";
import { simpleHdfs } from "../../support/devStack";
import { keytabBase64 } from "../../support/keytab";

const stack = "k8s-daemonsets/dev";
/** Stack config as Pulumi hands it over, HDFS in simple mode unless the test chooses (Kerberos has its own tests). */
const rawConfig = (config: Record<string, unknown>) => rawOf(simpleHdfs(config));
const plan = (config: Record<string, unknown>) => checkedPlan(parseStackConfig(rawConfig(config)));
/** The preflight of a config (parsed and planned) against `cluster`. */
const check = (config: Record<string, unknown>, cluster: ApiReader) => {
  const parsed = parseStackConfig(rawConfig(config));
  return preflightProblems(checkedPlan(parsed), parsed, cluster, stack);
};
const dev = stackFileConfig("dev");
const devNodes = ["node-2", "node-5", "node-8"];
const ns = (name: string, metadata: FakeObject["metadata"] = {}): FakeObject => ({ apiVersion: "v1", kind: "Namespace", name, metadata });
/** A node whose label `key` another field manager set. */
const labelledNode = (name: string, key: string, value: string, manager: string, annotations: Record<string, string> = {}): FakeObject => ({
  apiVersion: "v1",
  kind: "Node",
  name,
  metadata: {
    labels: { [key]: value },
    annotations,
    managedFields: [{ manager, operation: "Update", fieldsV1: { "f:metadata": { "f:labels": { [`f:${key}`]: {} } } } }],
  },
});
const problemsWith = (config: Record<string, unknown>, nodes: string[], objects: FakeObject[] = []) =>
  check(config, fakeApi(nodes, objects)).then((r) => r.problems);

describe("preflight", () => {
  it("finds nothing wrong on a cluster with the labelled nodes and none of the stack's objects", async () => {
    const cluster = fakeApi(devNodes);
    assert.deepEqual((await check(dev, cluster)).problems, []);
    const read = cluster.reads.map((r) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ""}${r.name}`).sort();
    // (not the NameNode's ConfigMap: the dev stack chooses its security mode; its exclude file: what it runs with now;
    // the DaemonSets, once each: the DataNodes' placement, each role's version; the upgrade Job that would say one is
    // unfinalized)
    assert.deepEqual(read, [
      "ConfigMap/hdfs/hdfs-namenode-exclude", "DaemonSet/hdfs/hdfs-datanode", "DaemonSet/hdfs/hdfs-journalnode", "DaemonSet/hdfs/hdfs-namenode",
      `Job/hdfs/${rollingUpgradeJobName("hdfs-namenode", { nameNode: "3.5.0", journalNode: "3.5.0", dataNode: "3.5.0" }, false)}`, "Namespace/hdfs", "Namespace/monitoring", "Node/node-2", "Node/node-5", "Node/node-8",
      "PriorityClass/hdfs-datanode-critical", "PriorityClass/hdfs-journalnode-critical", "PriorityClass/hdfs-namenode-critical",
    ]);
  });

  it("hdfs.hadoopVersion: a deployed DaemonSet of another version makes the update a rolling upgrade; its failed Job is retried under a new name", async () => {
    const daemonSet = (name: string, version: string, type = "RollingUpdate", updated = 3): FakeObject => ({
      apiVersion: "apps/v1", kind: "DaemonSet", name, namespace: "hdfs",
      spec: { updateStrategy: { type }, template: { metadata: { labels: { "app.kubernetes.io/version": version } } } },
      status: { desiredNumberScheduled: 3, updatedNumberScheduled: updated },
    });
    const roles = ["hdfs-namenode", "hdfs-journalnode", "hdfs-datanode"];
    const upgrade = { ...dev, "hdfs": { ...(dev.hdfs as object), hadoopVersion: "3.5.0", finalizeUpgrade: false } };
    let r = await check(upgrade, fakeApi(devNodes));
    assert.equal(r.hdfs!.upgradeInProgress, false, "nothing deployed: a first deploy");
    assert.equal(r.hdfs!.upgradeDataNodePods, undefined, "no DataNode DaemonSet: no count");
    r = await check(upgrade, fakeApi(devNodes, roles.map((n) => daemonSet(n, "3.4.1"))));
    assert.equal(r.hdfs!.upgradeInProgress, true);
    assert.equal(r.hdfs!.upgradeRetryOf, undefined);
    assert.equal(r.hdfs!.upgradeDataNodePods, 3, "the DataNode DaemonSet's desiredNumberScheduled: the Job's deadline counts them");
    // Its DaemonSets at the new version but OnDelete with pods still on the old: still under way (a run that failed).
    const failedJob: FakeObject = {
      apiVersion: "batch/v1", kind: "Job", namespace: "hdfs", metadata: { uid: "uid-7" }, status: { failed: 1 },
      name: rollingUpgradeJobName("hdfs-namenode", { nameNode: "3.5.0", journalNode: "3.5.0", dataNode: "3.5.0" }, false),
    };
    r = await check(upgrade, fakeApi(devNodes, [...roles.map((n) => daemonSet(n, "3.5.0", "OnDelete", n === "hdfs-datanode" ? 1 : 3)), failedJob]));
    assert.equal(r.hdfs!.upgradeInProgress, true);
    assert.equal(r.hdfs!.upgradeRetryOf, "uid-7");
    // Done: every pod on the OnDelete DaemonSets' template, so the strategies go back; the Job that ran it without
    // finalizing is the record that an upgrade awaits finalizing.
    const doneJob: FakeObject = { ...failedJob, metadata: { uid: "uid-8" }, status: { succeeded: 1 } };
    r = await check(upgrade, fakeApi(devNodes, [...roles.map((n) => daemonSet(n, "3.5.0", "OnDelete")), doneJob]));
    assert.equal(r.hdfs!.upgradeInProgress, false);
    assert.equal(r.hdfs!.upgradeUnfinalized, true);
    r = await check(upgrade, fakeApi(devNodes, roles.map((n) => daemonSet(n, "3.5.0"))));
    assert.equal(r.hdfs!.upgradeUnfinalized, false);
  });

  it("hdfs.decommission: the hosts' InternalIPs and the deployed exclude list go to the NameNodes; a host not in the cluster is refused by the key", async () => {
    const config = { ...dev, "hdfs": { ...(dev.hdfs as object), decommission: ["node-8", "node-5"] } };
    const withNodes = [...devNodes, "node-3"];
    let r = await check(config, fakeApi(withNodes));
    assert.deepEqual(r.problems, []);
    // node-5 and node-8 are the fake cluster's 2nd and 3rd nodes; nothing deployed yet
    assert.deepEqual(r.hdfs!.decommissionAddresses, { "node-8": "10.0.0.3", "node-5": "10.0.0.2" });
    assert.equal(r.hdfs!.nameNode.deployedDecommissionAddresses, undefined);
    const exclude: FakeObject = { apiVersion: "v1", kind: "ConfigMap", name: "hdfs-namenode-exclude", namespace: "hdfs", data: { exclude: "10.0.0.3\n" } };
    r = await check(config, fakeApi(withNodes, [exclude]));
    assert.deepEqual(r.hdfs!.nameNode.deployedDecommissionAddresses, ["10.0.0.3"]);

    const problems = await problemsWith({ ...dev, "hdfs": { ...(dev.hdfs as object), decommission: ["node-9"] } }, devNodes);
    assert.deepEqual(problems, [
      "k8s-daemonsets:hdfs.decommission: node node-9 is not in the cluster (https://fake.cluster): a DataNode host that is gone has nothing left to drain; remove it from the list",
    ]);
  });

  it("refuses an update that takes a DataNode host out of the placement before it is decommissioned, naming it; a drained or dead one may go", async () => {
    // Deployed: DataNodes on the nodes labelled hdfs-datanode=yes (node-3 too, labelled by this stack).
    const manager = "k8s-daemonsets-node-labels";
    const dataNodeHost = (name: string): FakeObject => ({
      apiVersion: "v1", kind: "Node", name,
      metadata: { labels: { "hdfs-datanode": "yes" }, managedFields: [{ manager, operation: "Apply", fieldsV1: { "f:metadata": { "f:labels": { "f:hdfs-datanode": {} } } } }] },
    });
    const daemonSet: FakeObject = { apiVersion: "apps/v1", kind: "DaemonSet", name: "hdfs-datanode", namespace: "hdfs", spec: { template: { spec: { nodeSelector: { "hdfs-datanode": "yes" } } } } };
    const objects = [dataNodeHost("node-3"), daemonSet];
    const labels = (hosts: string[]) => Object.fromEntries([...devNodes, "node-3"].map((n) => [n, {
      ...((dev.nodeLabels as Record<string, object>)[n] ?? {}), ...(hosts.includes(n) ? { "hdfs-datanode": "yes" } : {}),
    }]));
    const config = (hosts: string[], hdfs: Record<string, unknown> = {}) => ({
      ...dev, nodeLabels: labels(hosts), labelFieldManager: manager,
      hdfs: { ...(dev.hdfs as object), dataNode: { ...((dev.hdfs as { dataNode?: object }).dataNode ?? {}), nodeSelector: { "hdfs-datanode": "yes" } }, ...hdfs },
    });
    // node-3's label no longer planned: refused.
    const refused = await problemsWith(config(devNodes), devNodes, objects);
    assert.deepEqual(refused.filter((p) => p.includes("node-3")), [
      "k8s-daemonsets:hdfs.decommission: node node-3 runs a DataNode of hdfs/hdfs-datanode that this update takes out of its placement, but it is not " +
        "decommissioned: its replicas would go with it. Drain it first: add it to k8s-daemonsets:hdfs.decommission and run pulumi up (it returns once the host " +
        "is Decommissioned), then make this change (docs/runbooks.md, Drain a host); a host that is dead already: list it in k8s-daemonsets:hdfs.deadDataNodeHosts",
    ]);
    // Listed but not drained by an earlier update (no deployed exclude list, no succeeded Job): still refused.
    assert.equal((await problemsWith(config(devNodes, { decommission: ["node-3"] }), devNodes, objects)).filter((p) => p.includes("not decommissioned")).length, 1);
    // Drained: its address (the fake cluster's 4th node, 10.0.0.4) in the deployed exclude file and that list's Job succeeded.
    const exclude: FakeObject = { apiVersion: "v1", kind: "ConfigMap", name: "hdfs-namenode-exclude", namespace: "hdfs", data: { exclude: "10.0.0.4\n" } };
    const job: FakeObject = { apiVersion: "batch/v1", kind: "Job", name: decommissionJobName("hdfs-namenode", ["10.0.0.4"]), namespace: "hdfs", status: { succeeded: 1 } };
    assert.deepEqual((await problemsWith(config(devNodes, { decommission: ["node-3"] }), devNodes, [...objects, exclude, job])).filter((p) => p.includes("node-3")), []);
    // Dead: let go on purpose.
    assert.deepEqual((await problemsWith(config(devNodes, { deadDataNodeHosts: ["node-3"] }), devNodes, objects)).filter((p) => p.includes("node-3")), []);
    // Staying in the placement: nothing to say.
    assert.deepEqual((await problemsWith(config([...devNodes, "node-3"]), devNodes, objects)).filter((p) => p.includes("not decommissioned")), []);
  });

  it("reads every node for the NameNodes' rack map, with the labels the update gives them (a zone the stack config sets counts)", async () => {
    const zone = "topology.kubernetes.io/zone";
    const labels = Object.fromEntries(devNodes.map((n, i) => [n, { ...((dev.nodeLabels as Record<string, object>)[n] ?? {}), [zone]: i < 2 ? "zone-a" : "zone-b" }]));
    const r = await check({ ...dev, nodeLabels: labels }, fakeApi([...devNodes, "node-3"]));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.hdfs!.clusterNodes!.map((n) => [n.name, n.address, n.labels[zone] ?? "-"]), [
      ["node-2", "10.0.0.1", "zone-a"], ["node-5", "10.0.0.2", "zone-a"], ["node-8", "10.0.0.3", "zone-b"], ["node-3", "10.0.0.4", "-"],
    ]);
    // No rack labels: no node read for it.
    const off = await check({ ...dev, hdfs: { ...(dev.hdfs as object), rackLabels: [] } }, fakeApi(devNodes));
    assert.equal(off.hdfs!.clusterNodes, undefined);
  });

  it("refuses a namespace the stack did not create, naming the key to set instead", async () => {
    const problems = await problemsWith(dev, devNodes, [ns("monitoring")]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:nodeExporter\.namespace: Namespace "monitoring" already exists/);
    assert.match(problems[0], /this stack did not create it/);
    assert.match(problems[0], /k8s-daemonsets:nodeExporter\.createNamespace to false/);
  });

  it("names the other stack when another stack of the project created the namespace", async () => {
    const problems = await problemsWith(dev, devNodes, [ns("hdfs", { annotations: { [createdByStackAnnotation]: "k8s-daemonsets/prod" } })]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:hdfs\.namespace: .*created by stack k8s-daemonsets\/prod/);
  });

  it("accepts the namespaces this stack created, with its annotation or (older) the project's part-of label only", async () => {
    const ours = ns("monitoring", { annotations: { [createdByStackAnnotation]: stack } });
    const older = ns("hdfs", { labels: { "app.kubernetes.io/part-of": "k8s-daemonsets" } });
    assert.deepEqual(await problemsWith(dev, devNodes, [ours, older]), []);
  });

  it("reads no namespace the config says to take as it is", async () => {
    const config = { ...dev, nodeExporter: { createNamespace: false }, hdfs: { ...(dev.hdfs as object), createNamespace: false } };
    assert.deepEqual(await problemsWith(config, devNodes, [ns("monitoring"), ns("hdfs")]), []);
  });

  it("refuses a PriorityClass of the same name, pointing at priorityClassName", async () => {
    const problems = await problemsWith(dev, devNodes, [{ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", name: "hdfs-namenode-critical" }]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:hdfs\.nameNode\.priorityClassName: PriorityClass "hdfs-namenode-critical" already exists/);
    assert.match(problems[0], /set it to hdfs-namenode-critical to use the existing class/);
  });

  it("refuses the kube-rbac-proxy's ClusterRole when someone else has it", async () => {
    const problems = await problemsWith({ ...dev, nodeExporter: { rbacProxy: true } }, devNodes, [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "node-exporter-rbac-proxy" },
    ]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:nodeExporter\.name: ClusterRole "node-exporter-rbac-proxy" already exists/);
  });

  it("says which labelled node is not in the cluster", async () => {
    const problems = await problemsWith(dev, ["node-2", "node-8"]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:nodeLabels\.node-5: node node-5 is not in the cluster \(https:\/\/fake\.cluster\)/);
  });

  it("refuses a label another field manager holds with another value, naming node, label, manager and the takeover key", async () => {
    const problems = await problemsWith(dev, ["node-2", "node-8"], [labelledNode("node-5", "host", "low-cpu", "kubectl-label")]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:nodeLabels\.node-5\.host: node node-5 already has host=low-cpu, set by field manager kubectl-label \(Update\)/);
    assert.match(problems[0], /nodeLabelTakeover\.node-5\[0\]' 'host'/);
  });

  it("lets a label with the same value be, and one listed in nodeLabelTakeover be taken over", async () => {
    assert.deepEqual(await problemsWith(dev, ["node-2", "node-8"], [labelledNode("node-5", "host", "high-cpu", "kubelet")]), []);
    const takeover = { ...dev, nodeLabelTakeover: { "node-5": ["host"] } };
    assert.deepEqual(await problemsWith(takeover, ["node-2", "node-8"], [labelledNode("node-5", "host", "low-cpu", "kubectl-label")]), []);
  });

  it("does not count its own field manager as a conflict", async () => {
    const ours = labelledNode("node-5", "host", "low-cpu", "k8s-daemonsets-node-labels");
    assert.deepEqual(await problemsWith(dev, ["node-2", "node-8"], [ours]), []);
  });

  it("refuses a labelFieldManager change while nodes carry labels applied under the previous one", async () => {
    const old = { [labelFieldManagerAnnotation]: "k8s-daemonsets-node-labels" };
    const nodes = ["node-2", "node-5"].map((n) => labelledNode(n, "host", "high-cpu", "k8s-daemonsets-node-labels", old));
    const problems = await problemsWith({ ...dev, labelFieldManager: "platform-labels" }, ["node-8"], nodes);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:labelFieldManager: the labels on node-2, node-5 were applied under field manager "k8s-daemonsets-node-labels", not "platform-labels"/);
    assert.deepEqual(await problemsWith(dev, ["node-8"], nodes), []);
  });

  it("with Kerberos, refuses a keytab or TLS Secret that is missing, lacks a key, or whose keytab lacks a principal, naming the key", async () => {
    const principals = (names: string[]) => keytabBase64(names.map((n) => `${n}@EXAMPLE.TEST`));
    const kerberos = {
      ...dev,
      hdfs: {
        ...(dev.hdfs as object),
        createNamespace: false,
        security: { mode: "kerberos", realm: "EXAMPLE.TEST", kdcs: ["kdc"] },
        nameNode: { nodeSelector: { host: "high-cpu" }, keytabSecretName: "nn-keytab", tlsSecretName: "nn-tls" },
        journalNode: { keytabSecretName: "jn-keytab", tlsSecretName: "jn-tls" },
        dataNode: { keytabSecretName: "dn-keytab", tlsSecretName: "dn-tls" },
      },
    };
    const secret = (name: string, data: Record<string, string>): FakeObject => ({ apiVersion: "v1", kind: "Secret", name, namespace: "hdfs", data });
    const tls = { "keystore.p12": "a2V5", "truststore.p12": "dHJ1c3Q=", password: "cHc=" };
    const all = [
      secret("nn-keytab", { keytab: principals(["nn/hdfs-k8s.hdfs", "HTTP/node-2", "HTTP/node-5", "HTTP/node-8"]) }),
      secret("jn-keytab", { keytab: principals(["jn/hdfs-k8s.hdfs", "HTTP/node-2", "HTTP/node-5", "HTTP/node-8"]) }),
      secret("dn-keytab", { keytab: principals(["dn/hdfs-k8s.hdfs", "HTTP/hdfs-k8s.hdfs"]) }),
      secret("nn-tls", tls), secret("jn-tls", tls), secret("dn-tls", tls),
    ];
    assert.deepEqual(await problemsWith(kerberos, devNodes, all), []);
    const broken = [
      secret("nn-keytab", { keytab: principals(["nn/hdfs-k8s.hdfs", "HTTP/node-2"]) }),
      secret("dn-keytab", { keytab: principals(["dn/hdfs-k8s.hdfs", "HTTP/hdfs-k8s.hdfs"]) }),
      secret("nn-tls", tls), secret("jn-tls", { "keystore.p12": "a2V5" }), secret("dn-tls", tls),
      // a Secret of the same name in another namespace is not the one
      { ...secret("jn-keytab", {}), namespace: "other" },
    ];
    assert.deepEqual(await problemsWith(kerberos, devNodes, broken), [
      "k8s-daemonsets:hdfs.nameNode.keytabSecretName: Secret hdfs/nn-keytab, key keytab: holds no key for HTTP/node-5@EXAMPLE.TEST, HTTP/node-8@EXAMPLE.TEST " +
        "(the role's keytab must hold nn/hdfs-k8s.hdfs@EXAMPLE.TEST, HTTP/node-2@EXAMPLE.TEST, HTTP/node-5@EXAMPLE.TEST, HTTP/node-8@EXAMPLE.TEST; it holds nn/hdfs-k8s.hdfs@EXAMPLE.TEST, HTTP/node-2@EXAMPLE.TEST)",
      "k8s-daemonsets:hdfs.journalNode.keytabSecretName: Secret hdfs/jn-keytab does not exist in the cluster (https://fake.cluster); create it with keytab",
      "k8s-daemonsets:hdfs.journalNode.tlsSecretName: Secret hdfs/jn-tls has no truststore.p12, password",
    ]);
  });

  it("never switches a running HDFS between simple and Kerberos mode by the default: refused unless the config sets the mode", async () => {
    const nameNodeConfig = (authentication?: string): FakeObject => ({
      apiVersion: "v1", kind: "ConfigMap", name: "hdfs-namenode-config", namespace: "hdfs",
      data: { "core-site.xml": `<configuration>${authentication ? `<property><name>hadoop.security.authentication</name><value>${authentication}</value></property>` : ""}</configuration>` },
    });
    // Running in simple mode, the config giving the realm and keys but leaving the mode to the default (Kerberos):
    // refused, naming the key.
    const { mode: _chosen, ...security } = (dev.hdfs as any).security;
    const unset = { ...dev, hdfs: { ...(dev.hdfs as object), security } };
    const [problem, ...rest] = await problemsWith(unset, devNodes, [nameNodeConfig()]);
    assert.deepEqual(rest, []);
    assert.match(problem, /^k8s-daemonsets:hdfs\.security\.mode: the HDFS this stack runs \(hdfs\/hdfs-namenode\) is in simple mode, but the config leaves the mode to the program, whose default is kerberos; the stack does not switch a running HDFS silently .*set it to simple to keep it as it is, or to kerberos to switch/);
    // The stack chose (the dev stack sets kerberos): no problem. The same mode as running, or nothing running: none either.
    assert.deepEqual(await problemsWith(dev, devNodes, [nameNodeConfig()]), []);
    assert.deepEqual(await problemsWith(unset, devNodes, [nameNodeConfig("kerberos")]), []);
    assert.deepEqual(await problemsWith(unset, devNodes, []), []);
  });

  it("reports every problem at once", async () => {
    const problems = await problemsWith(dev, ["node-2"], [ns("monitoring"), labelledNode("node-8", "host", "x", "kubectl-label")]);
    assert.equal(problems.length, 3);
  });
});

describe("the program's preflight", () => {
  it("fails with PreflightError before registering any resource", async () => {
    const run = await runProgram(dev, fakeApi(devNodes, [ns("monitoring")]));
    assert.ok(run.error instanceof PreflightError, `expected PreflightError, got ${run.error}`);
    assert.match((run.error as Error).message, /^The cluster is not as this stack needs it \(1 problem\); nothing was changed:\n  - k8s-daemonsets:nodeExporter\.namespace/);
    assert.deepEqual(run.registered, []);
  });

  it("takes a label over with a forced patch only on the nodes nodeLabelTakeover names", async () => {
    const run = await runProgram({ ...dev, nodeLabelTakeover: { "node-5": ["host"] } });
    assert.equal(run.error, undefined);
    const force = Object.fromEntries(run.registered.filter((r) => r.type === "kubernetes:core/v1:NodePatch")
      .map((r) => [r.inputs.metadata.name, r.inputs.metadata.annotations["pulumi.com/patchForce"]]));
    assert.deepEqual(force, { "node-2": undefined, "node-5": "true", "node-8": undefined });
  });

  it("checks exactly the namespaces and cluster-scoped objects the components register", async () => {
    const scoped = new Set(["Namespace", "PriorityClass", "ClusterRole", "ClusterRoleBinding"]);
    const configs: Record<string, unknown>[] = [
      dev,
      { ...dev, nodeExporter: { rbacProxy: true, name: "ne", namespace: "metrics" } },
      { ...dev, nodeExporter: { rbacProxy: true, serviceMonitor: true } },
      { ...dev, nodeExporter: { createNamespace: false }, hdfs: { ...(dev.hdfs as { nameNode: object }), createNamespace: false, nameNode: { ...(dev.hdfs as { nameNode: object }).nameNode, priorityClassName: "high" } } },
      { nodeLabels: { "node-3": { host: "high-cpu" } }, hdfs: { dataNode: { enabled: false }, journalNode: { priorityClassName: "x" } } },
      { nodeLabels: {}, hdfs: { enabled: false } },
    ];
    for (const config of configs.map(simpleHdfs)) {
      const run = await runProgram(config);
      assert.equal(run.error, undefined, String(run.error));
      const registered = run.registered
        .filter((r) => scoped.has(r.type.split(":").at(-1)!))
        .map((r) => `${r.type.split(":").at(-1)}/${r.inputs.metadata.name}`)
        .sort();
      const planned = plannedClusterObjects(plan(config), parseStackConfig(rawConfig(config))).map((o) => `${o.kind}/${o.name}`).sort();
      assert.deepEqual(planned, registered, JSON.stringify(config));
      for (const r of run.registered.filter((r) => scoped.has(r.type.split(":").at(-1)!))) {
        assert.equal(r.inputs.metadata.annotations[createdByStackAnnotation], stack, `${r.type} ${r.name} carries the stack's annotation`);
      }
    }
  });

  it("reads the HDFS hosts' InternalIPs into the plan (hostResolution nodeAddresses, the default); none with dns", async () => {
    const { facts } = await check(dev, fakeApi(devNodes));
    assert.deepEqual(facts.hdfsHostAddresses, { "node-2": "10.0.0.1", "node-5": "10.0.0.2", "node-8": "10.0.0.3" });
    const dns = await check({ ...dev, hdfs: { hostResolution: "dns", nameNode: { nodeSelector: { host: "high-cpu" } } } }, fakeApi(devNodes));
    assert.deepEqual(dns.facts.hdfsHostAddresses, {});
  });

  it("refuses an HDFS host without an InternalIP, naming hdfs.hostResolution", async () => {
    const noAddress: FakeObject = { apiVersion: "v1", kind: "Node", name: "node-5", status: { addresses: [{ type: "Hostname", address: "node-5" }] } };
    const problems = await problemsWith(dev, [], [
      { apiVersion: "v1", kind: "Node", name: "node-2" }, noAddress, { apiVersion: "v1", kind: "Node", name: "node-8" },
    ]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^k8s-daemonsets:hdfs\.hostResolution: node node-5 \(an HDFS host\) reports no InternalIP address.*set it to dns/);
  });

  describe("with the NameNode's labels managed outside the stack", () => {
    const labelled = (names: string[], labels: Record<string, string>): FakeObject[] =>
      names.map((name) => ({ apiVersion: "v1", kind: "Node", name, metadata: { labels } }));
    const external = (nameNode: Record<string, unknown> = {}, hdfs: Record<string, unknown> = {}) =>
      ({ hdfs: { selectorLabelsManagedExternally: true, ...hdfs, nameNode } });
    const placed = async (config: Record<string, unknown>, nodes: FakeObject[]) => {
      const parsed = parseStackConfig(rawConfig(config));
      return preflight(checkedPlan(parsed), parsed, fakeApi([], nodes), stack);
    };
    const refusal = (config: Record<string, unknown>, nodes: FakeObject[]) =>
      placed(config, nodes).then(() => assert.fail("expected PreflightError"), (e) => {
        assert.ok(e instanceof PreflightError, String(e));
        return e.problems;
      });

    it("places HDFS on the cluster's nodes that carry the selector's labels, in natural order", async () => {
      const p = await placed(external(), [...labelled(["node-10", "node-2", "node-5"], { host: "high-cpu" }), ...labelled(["node-3"], { host: "low-cpu" })]);
      assert.deepEqual(p.hdfs?.nameNodeHosts, ["node-2", "node-5", "node-10"]);
      assert.equal(p.hdfs?.ha, true);
      assert.deepEqual(hdfsClusterSite(p.hdfs!).journalNodeHosts, ["node-2", "node-5", "node-10"]);
      const one = await placed(external({ nodeSelector: { pool: "nn" } }), labelled(["node-4"], { pool: "nn" }));
      assert.equal(hdfsClusterSite(one.hdfs!).coreSite["fs.defaultFS"], "hdfs://node-4:8020");
    });

    it("refuses a cluster where no node carries them, naming the key, and never renders localhost", async () => {
      const problems = await refusal(external(), labelled(["node-2"], { host: "low-cpu" }));
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^k8s-daemonsets:hdfs\.nameNode\.nodeSelector: host=high-cpu matches no node in the cluster, so the NameNode would run nowhere; label a node with it \(kubectl label node <node> host=high-cpu\)$/);
    });

    it("applies the same rules as nodeLabels: at most 5 NameNodes, a JournalNode quorum of 3", async () => {
      const six = await refusal(external(), labelled(["node-1", "node-2", "node-3", "node-4", "node-5", "node-6"], { host: "high-cpu" }));
      assert.match(six[0], /^k8s-daemonsets:hdfs\.nameNode\.nodeSelector: 6 NameNode hosts .*at most 5 NameNodes .*host=high-cpu selects them in the cluster: remove the label from 1 of them$/);
      const two = await refusal(external(), labelled(["node-1", "node-2"], { host: "high-cpu" }));
      assert.match(two[0], /^k8s-daemonsets:hdfs\.journalNode\.nodeSelector: 2 NameNodes form an HA nameservice.*selects 2 nodes in the cluster: .*kubectl label node/);
    });

    it("takes explicit hosts over the labelled nodes, and refuses them where they disagree with the labels", async () => {
      const nodes = labelled(["node-2", "node-5", "node-8"], { host: "high-cpu" });
      const p = await placed(external({ hosts: ["node-8", "node-2", "node-5"] }), nodes);
      assert.deepEqual(p.hdfs?.nameNodeHosts, ["node-8", "node-2", "node-5"]); // the config's order: node-8 formats
      const problems = await refusal(external({ hosts: ["node-2", "node-5", "node-9"] }), nodes);
      assert.deepEqual(problems.map((m) => m.split(":").slice(0, 2).join(":")), ["k8s-daemonsets:hdfs.nameNode.hosts[2]", "k8s-daemonsets:hdfs.nameNode.hosts"]);
      assert.match(problems[0], /node node-9 does not carry host=high-cpu in the cluster/);
      assert.match(problems[1], /node node-8 carries host=high-cpu, so the NameNode's DaemonSet runs a NameNode there that the HDFS configuration does not name/);
    });

    it("checks what depends on the hosts once they are placed: a JournalNode port on node-exporter's, an even quorum", async () => {
      const nodes = labelled(["node-2", "node-5", "node-8", "node-9"], { host: "high-cpu" });
      const parsed = parseStackConfig(rawConfig(external({}, { journalNode: { rpcPort: 9100 } })));
      await assert.rejects(stackPlan(rawConfig(external({}, { journalNode: { rpcPort: 9100 } })), fakeApi([], nodes), stack),
        /k8s-daemonsets:hdfs\.journalNode\.rpcPort: host port 9100 is already claimed by the node-exporter metrics port/);
      assert.deepEqual(apartFromSimpleMode(checkedPlan(parsed).warnings), []); // before preflight: no hosts, no JournalNodes
      const placedPlan = await stackPlan(rawConfig(external()), fakeApi([], nodes), stack);
      assert.match(placedPlan.warnings.join("\n"), /^k8s-daemonsets:hdfs\.journalNode\.nodeSelector: 4 JournalNodes \(node-2, node-5, node-8, node-9\)/);
    });

    it("refuses explicit hosts without the flag: the hosts are then the nodes nodeLabels labels", () => {
      assert.throws(() => checkedPlan(parseStackConfig(rawConfig({ ...dev, hdfs: { nameNode: { hosts: ["node-2"] } } }))),
        /k8s-daemonsets:hdfs\.nameNode\.hosts: is for labels managed outside this program/);
    });
  });
});
