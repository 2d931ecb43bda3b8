import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackConfig } from "../../../stacks/config";
import { nodeExporterDefaults } from "../../../components/nodeExporter";
import { hdfsClusterSite } from "../../../components/hdfsCluster";
import { checkedPlan } from "../../../stacks/program";
import { apartFromSimpleMode, rawConfig } from "../../support/mocks";
import { simpleHdfs } from "../../support/devStack";

/** A stack config's checked plan, HDFS in simple mode unless the test chooses (Kerberos has its own tests). */
const plan = (config: Record<string, unknown>) => checkedPlan(parseStackConfig(rawConfig(simpleHdfs(config))));

describe("stack plan", () => {
  it("orders nodes naturally, sorts their labels and leaves out nodes with no labels", () => {
    const p = plan({ nodeLabels: { "node-10": { host: "high-cpu", zone: "a" }, "node-2": { zone: "b", host: "high-cpu" }, "node-3": {} }, hdfs: { nameNode: { nodeSelector: { zone: "a" } } } });
    assert.deepEqual(Object.keys(p.labelPlan), ["node-2", "node-10"]);
    assert.deepEqual(Object.keys(p.labelPlan["node-2"]), ["host", "zone"]);
  });

  it("gives the NameNode the nodes its selector picks from the plan", () => {
    const p = plan({
      nodeLabels: { "node-1": { role: "nn" }, "node-4": { role: "nn", host: "high-cpu" }, "node-9": { host: "high-cpu" }, "node-10": { role: "nn" } },
      hdfs: { nameNode: { nodeSelector: { role: "nn" }, rpcPort: 8021 } },
    });
    assert.deepEqual(p.hdfs?.nameNodeHosts, ["node-1", "node-4", "node-10"]);
    assert.equal(p.hdfs?.ports.nameNodeRpc, 8021);
  });

  it("leaves disabled components out", () => {
    const p = plan({ nodeExporter: { enabled: false }, hdfs: { enabled: false } });
    assert.equal(p.nodeExporter, undefined);
    assert.equal(p.hdfs, undefined);
  });

  it("overrides only the placement fields the config names", () => {
    const p = plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, nodeExporter: { tolerations: [{ key: "gpu", operator: "Exists" }] } });
    const placement = (ne: typeof p.nodeExporter) => ({ nodeSelector: ne?.nodeSelector, tolerations: ne?.tolerations, affinity: ne?.affinity });
    assert.deepEqual(placement(p.nodeExporter), {
      nodeSelector: { "kubernetes.io/os": "linux" },
      tolerations: [{ key: "gpu", operator: "Exists" }],
      affinity: nodeExporterDefaults.affinity,
    });
    const { nodeSelector, tolerations, affinity } = nodeExporterDefaults;
    assert.deepEqual(placement(plan({ nodeLabels: { "node-2": { host: "high-cpu" } } }).nodeExporter), { nodeSelector, tolerations, affinity });
  });

  it("merges configured affinity as the chart does: a required node affinity replaces the default, the rest is added", () => {
    const labels = { "node-2": { host: "high-cpu" } };
    const required = { nodeSelectorTerms: [{ matchExpressions: [{ key: "pool", operator: "In" as const, values: ["metal"] }] }] };
    const preferred = [{ weight: 10, preference: { matchExpressions: [{ key: "zone", operator: "In" as const, values: ["a"] }] } }];
    const replaced = plan({ nodeLabels: labels, nodeExporter: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } } });
    assert.deepEqual((replaced.nodeExporter?.affinity as any).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, required);
    const added = plan({ nodeLabels: labels, nodeExporter: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } } } });
    const nodeAffinity = (added.nodeExporter?.affinity as any).nodeAffinity;
    assert.deepEqual(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, preferred);
    assert.deepEqual(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, (nodeExporterDefaults.affinity as any).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution);
  });

  it("switches only the collectors the config names; the other defaults stay", () => {
    const p = plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, nodeExporter: { collectors: { hwmon: true, systemd: true } } });
    assert.deepEqual(p.nodeExporter?.collectors, { ...nodeExporterDefaults.collectors, hwmon: true, systemd: true });
  });

  it("passes hostSysPropagation and hostRootPropagation None as they are (rendered as no propagation)", () => {
    const p = plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, nodeExporter: { hostSysPropagation: "None", hostRootPropagation: "None" } });
    assert.equal(p.nodeExporter?.hostSysPropagation, "None");
    assert.equal(p.nodeExporter?.hostRootPropagation, "None");
  });

  it("an HA NameNode gets JournalNodes on its hosts (selector, tolerations, image), all roles one namespace", () => {
    const tolerations = [{ key: "dedicated", operator: "Exists" }];
    const p = plan({
      nodeLabels: { "node-2": { host: "high-cpu" }, "node-5": { host: "high-cpu" }, "node-8": { host: "high-cpu" } },
      hdfs: { namespace: "storage", nameNode: { tolerations, image: "apache/hadoop:3.4.0" } },
    });
    assert.deepEqual(hdfsClusterSite(p.hdfs!).journalNodeHosts, ["node-2", "node-5", "node-8"]);
    assert.deepEqual(p.hdfs?.journalNode.nodeSelector, { host: "high-cpu" });
    assert.deepEqual(p.hdfs?.journalNode.tolerations, tolerations);
    assert.equal(p.hdfs?.journalNode.image, "apache/hadoop:3.4.0");
    assert.equal(p.hdfs?.dataNode?.image, "apache/hadoop:3.4.0");
    assert.equal(p.hdfs?.namespace, "storage"); // one namespace, the cluster's, for every role
    assert.deepEqual(p.hdfs?.dataNode?.tolerations, []); // the DataNode's own default: none
    assert.ok(p.hdfs?.ha);
    assert.ok(hdfsClusterSite(p.hdfs!).ha);
  });

  it("JournalNodes on their own label; the quorum in the shared edits URI follows it", () => {
    const p = plan({
      nodeLabels: { "node-2": { host: "high-cpu" }, "node-5": { host: "high-cpu" }, "node-3": { jn: "y" }, "node-4": { jn: "y" }, "node-6": { jn: "y" } },
      hdfs: { journalNode: { nodeSelector: { jn: "y" }, rpcPort: 18485 } },
    });
    assert.deepEqual(p.hdfs?.journalNodeHosts, ["node-3", "node-4", "node-6"]);
    assert.equal(hdfsClusterSite(p.hdfs!).hdfsSite["dfs.namenode.shared.edits.dir"], "qjournal://node-3:18485;node-4:18485;node-6:18485/hdfs-k8s");
    assert.equal(p.hdfs?.ports.journalNodeRpc, 18485);
  });

  it("one NameNode: no JournalNodes; DataNodes unless disabled; their data directories in the site", () => {
    const p = plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, hdfs: { dataNode: { dataDirHostPaths: ["/d1", "/d2"] } } });
    assert.equal(p.hdfs?.ha, false);
    assert.equal(hdfsClusterSite(p.hdfs!).ha, false);
    assert.equal(hdfsClusterSite(p.hdfs!).hdfsSite["dfs.datanode.data.dir"], "file:///hadoop/dfs/data/0,file:///hadoop/dfs/data/1");
    assert.equal(plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, hdfs: { dataNode: { enabled: false } } }).hdfs?.dataNode, null);
    const off = plan({ hdfs: { enabled: false } });
    assert.equal(off.hdfs, undefined);
  });

  it("warns, in one line naming the key, that simple mode believes any client; not with Kerberos, not without HDFS", () => {
    const simple = plan({ nodeLabels: { "node-2": { host: "high-cpu" } } }).warnings.filter((w) => w.includes("security.mode"));
    assert.deepEqual(simple, [
      'k8s-daemonsets:hdfs.security.mode is simple: any client that reaches a node is believed as any user, the superuser included (Kerberos: docs/hdfs.md, "Security")',
    ]);
    const secret = { keytabSecretName: "k", tlsSecretName: "t" };
    const kerberos = plan({
      nodeLabels: { "node-2": { host: "high-cpu" } },
      hdfs: { security: { mode: "kerberos", realm: "EXAMPLE.TEST", kdcs: ["kdc"] }, nameNode: { nodeSelector: { host: "high-cpu" }, ...secret }, dataNode: secret },
    });
    assert.deepEqual(kerberos.warnings, []);
    assert.deepEqual(plan({ hdfs: { enabled: false } }).warnings, []);
  });

  it("carries the config's warnings (an even JournalNode count)", () => {
    const four = Object.fromEntries(["node-2", "node-3", "node-4", "node-5"].map((n) => [n, { host: "high-cpu" }]));
    assert.equal(apartFromSimpleMode(plan({ nodeLabels: four }).warnings).length, 1);
    assert.deepEqual(apartFromSimpleMode(plan({ nodeLabels: { "node-2": { host: "high-cpu" } } }).warnings), []);
  });
});

describe("rollout timeout", () => {
  it("applies one rollout timeout to every DaemonSet, and none by default", () => {
    const labels = { "node-2": { host: "high-cpu" } };
    const timed = plan({ nodeLabels: labels, rolloutTimeoutSeconds: 120 });
    assert.equal(timed.nodeExporter?.rolloutTimeoutSeconds, 120);
    assert.equal(timed.hdfs?.rolloutTimeoutSeconds, 120); // HdfsCluster passes it to every role
    assert.equal(plan({ nodeLabels: labels }).nodeExporter?.rolloutTimeoutSeconds, undefined);
  });
});
