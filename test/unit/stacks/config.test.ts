import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodeExporterFilesystemExclusions } from "../../../components/nodeExporter";
import { parseStackConfig } from "../../../stacks/config";
import { StackConfigError } from "../../../stacks/configErrors";
import { checkedPlan } from "../../../stacks/program";
import { apartFromSimpleMode, rawConfig, stackFileConfig } from "../../support/mocks";
import { simpleHdfs } from "../../support/devStack";

/** Stack config as Pulumi hands it over, HDFS in simple mode unless the test chooses (Kerberos has its own tests). */
const raw = (config: Record<string, unknown>) => rawConfig(simpleHdfs(config));

const valid = { nodeLabels: { "node-2": { host: "high-cpu" } } };
const hosts = (n: number, labels: Record<string, string> = { host: "high-cpu" }) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`node-${i + 2}`, labels]));
/** An HA nameservice on 3 hosts (JournalNodes on the same 3). */
const ha = { nodeLabels: hosts(3) };

/** Parsed, planned and checked: what a stack's config leads to before the cluster is read. */
const planOf = (config: Record<string, string>) => checkedPlan(parseStackConfig(config));
const configWarnings = (config: Record<string, string>) => apartFromSimpleMode(planOf(config).warnings);

function problems(config: Record<string, unknown>): string[] {
  try {
    planOf(raw(config));
  } catch (e) {
    assert.ok(e instanceof StackConfigError, `expected StackConfigError, got ${e}`);
    return e.problems.flatMap((p) => p.split("\n  - "));
  }
  return [];
}

describe("stack config", () => {
  it("accepts the dev stack and fills in defaults", () => {
    const c = parseStackConfig(raw(stackFileConfig("dev")));
    assert.deepEqual(Object.keys(c.nodeLabels), ["node-2", "node-5", "node-8"]);
    assert.equal(c.labelFieldManager, "k8s-daemonsets-node-labels");
    assert.equal(c.nodeExporter.enabled, true);
    assert.equal(c.hdfs.enabled, true);
    assert.equal(c.hdfs.dataNode.enabled, undefined);
    // The JournalNodes' settings: only the Kerberos material the environment gives (test/support/devStack.ts).
    assert.deepEqual(Object.keys(c.hdfs.journalNode).sort(), ["keytab", "tls"]);
    assert.equal(c.hdfs.security.mode, "kerberos");
    assert.deepEqual(c.deprecations, []);
  });

  it("has no config key for a setting only programs give (checked by the type checker too)", () => {
    const c = parseStackConfig(raw(stackFileConfig("dev")));
    // @ts-expect-error nameNodeHosts is HdfsCluster's (the stack places HDFS), not a key of hdfs
    assert.equal(c.hdfs.nameNodeHosts, undefined);
    // @ts-expect-error selectorLabels must never change: not a key of nodeExporter
    assert.equal(c.nodeExporter.selectorLabels, undefined);
    assert.match(problems({ ...valid, hdfs: { nameNodeHosts: ["node-2"] } })[0], /^k8s-daemonsets:hdfs\.nameNodeHosts: unknown config key$/);
  });

  it("takes over only labels that nodeLabels sets on that node", () => {
    assert.deepEqual(problems({ ...valid, nodeLabelTakeover: { "node-2": ["host"] } }), []);
    assert.deepEqual(problems({ ...valid, nodeLabelTakeover: { "node-2": ["zone"], "node-3": ["host"] } }), [
      `k8s-daemonsets:nodeLabelTakeover.node-2[0]: "zone" is not a label that nodeLabels.node-2 sets; only labels the stack applies can be taken over`,
      `k8s-daemonsets:nodeLabelTakeover.node-3[0]: "host" is not a label that nodeLabels.node-3 sets; only labels the stack applies can be taken over`,
    ]);
  });

  it("ignores other namespaces' keys (providers' config)", () => {
    assert.doesNotThrow(() => parseStackConfig({ ...raw(valid), "kubernetes:context": "kind" }));
  });

  const cases: { name: string; config: Record<string, unknown>; expect: RegExp[] }[] = [
    { name: "unknown top-level key", config: { ...valid, nodeLables: {} }, expect: [/^k8s-daemonsets:nodeLables: unknown config key$/] },
    { name: "unknown nested key", config: { ...valid, nodeExporter: { prot: 9100 } }, expect: [/^k8s-daemonsets:nodeExporter\.prot: unknown config key$/] },
    { name: "invalid node name", config: { nodeLabels: { Node_1: { host: "high-cpu" }, "node-2": { host: "high-cpu" } } }, expect: [/^k8s-daemonsets:nodeLabels\.Node_1: "Node_1" is not a valid node name/] },
    { name: "invalid label key", config: { nodeLabels: { "node-2": { host: "high-cpu", "bad key!": "x" } } }, expect: [/^k8s-daemonsets:nodeLabels\.node-2\["bad key!"\]: .*label key "bad key!"/] },
    { name: "invalid label key prefix", config: { nodeLabels: { "node-2": { host: "high-cpu", "Example.COM/x": "y" } } }, expect: [/Example\.COM\/x.*prefix "Example\.COM" is not a DNS subdomain/] },
    { name: "invalid label value", config: { nodeLabels: { "node-2": { host: "high cpu" } } }, expect: [/^k8s-daemonsets:nodeLabels\.node-2\.host: "high cpu" label value must be/] },
    { name: "label value too long", config: { nodeLabels: { "node-2": { host: "x".repeat(64) } } }, expect: [/nodeLabels\.node-2\.host: .*longer than 63/] },
    { name: "non-string label value", config: { nodeLabels: { "node-2": { host: 5 } } }, expect: [/^k8s-daemonsets:nodeLabels\.node-2\.host: expected string, got number 5$/] },
    { name: "selector matching no labelled node", config: { nodeLabels: { "node-2": { host: "low-cpu" } } }, expect: [/^k8s-daemonsets:hdfs\.nameNode\.nodeSelector: host=high-cpu matches no node in nodeLabels.*selectorLabelsManagedExternally/] },
    { name: "custom selector matching nothing", config: { ...valid, hdfs: { nameNode: { nodeSelector: { role: "namenode" } } } }, expect: [/hdfs\.nameNode\.nodeSelector: role=namenode matches no node/] },
    { name: "empty NameNode selector", config: { ...valid, hdfs: { nameNode: { nodeSelector: {} } } }, expect: [/hdfs\.nameNode\.nodeSelector: .*at least one label/] },
    { name: "port out of range", config: { ...valid, nodeExporter: { port: 70000 } }, expect: [/^k8s-daemonsets:nodeExporter\.port: 70000 port must be 1-65535$/] },
    { name: "port zero", config: { ...valid, hdfs: { nameNode: { rpcPort: 0 } } }, expect: [/hdfs\.nameNode\.rpcPort: 0 port must be 1-65535/] },
    { name: "port not a number", config: { ...valid, nodeExporter: { port: "http" } }, expect: [/nodeExporter\.port: expected number, got string "http"/] },
    { name: "host port claimed by both DaemonSets", config: { ...valid, nodeExporter: { port: 8020 } }, expect: [/^k8s-daemonsets:hdfs\.nameNode\.rpcPort: host port 8020 is already claimed by the node-exporter metrics port \(k8s-daemonsets:nodeExporter\.port\)/] },
    { name: "host port claimed twice by the NameNode", config: { ...valid, hdfs: { nameNode: { httpPort: 8020 } } }, expect: [/hdfs\.nameNode\.httpPort: host port 8020 is already claimed by the NameNode rpc port/] },
    { name: "malformed memory quantity", config: { ...valid, nodeExporter: { resources: { limits: { memory: "180MB" } } } }, expect: [/^k8s-daemonsets:nodeExporter\.resources\.limits\.memory: "180MB" is not a valid resource quantity/] },
    { name: "malformed cpu quantity", config: { ...valid, hdfs: { nameNode: { resources: { requests: { cpu: "half" } } } } }, expect: [/hdfs\.nameNode\.resources\.requests\.cpu: "half" is not a valid resource quantity/] },
    { name: "unknown resource", config: { ...valid, nodeExporter: { resources: { limits: { gpu: "1" } } } }, expect: [/nodeExporter\.resources\.limits\.gpu: unknown config key/] },
    { name: "bad image reference", config: { ...valid, nodeExporter: { image: "Quay.io/prom/node exporter:v1" } }, expect: [/^k8s-daemonsets:nodeExporter\.image: "Quay\.io\/prom\/node exporter:v1" is not a valid image reference/] },
    { name: "unpinned image", config: { ...valid, hdfs: { nameNode: { image: "apache/hadoop" } } }, expect: [/hdfs\.nameNode\.image: "apache\/hadoop" image must be pinned by a tag or a digest/] },
    { name: "latest image", config: { ...valid, nodeExporter: { image: "quay.io/prometheus/node-exporter:latest" } }, expect: [/nodeExporter\.image: .*must not use the mutable tag 'latest'/] },
    { name: "bad update strategy", config: { ...valid, nodeExporter: { updateStrategy: { type: "Recreate" } } }, expect: [/nodeExporter\.updateStrategy\.type: must be one of "RollingUpdate", "OnDelete", got string "Recreate"/] },
    { name: "bad maxUnavailable", config: { ...valid, nodeExporter: { updateStrategy: { type: "RollingUpdate", maxUnavailable: "ten" } } }, expect: [/nodeExporter\.updateStrategy\.maxUnavailable/] },
    { name: "HDFS ServiceMonitors without /prom", config: { ...valid, hdfs: { serviceMonitor: true, prometheusEndpoint: false } }, expect: [/^k8s-daemonsets:hdfs\.serviceMonitor: scrapes Hadoop's \/prom, which k8s-daemonsets:hdfs\.prometheusEndpoint: false turns off/] },
    { name: "HDFS scrape interval that is no duration", config: { ...valid, hdfs: { serviceMonitor: true, scrapeInterval: "-5s" } }, expect: [/^k8s-daemonsets:hdfs\.scrapeInterval: "-5s" must be a duration like 30s$/] },
    { name: "NameNode in kube-system", config: { ...valid, hdfs: { namespace: "kube-system" } }, expect: [/hdfs\.namespace: .*does not belong in kube-system/] },
    { name: "relative name directory", config: { ...valid, hdfs: { nameNode: { nameDirHostPath: "var/lib/hdfs" } } }, expect: [/hdfs\.nameNode\.nameDirHostPath: .*absolute path/] },
    { name: "toleration with a typo", config: { ...valid, nodeExporter: { tolerations: [{ operater: "Exists" }] } }, expect: [/^k8s-daemonsets:nodeExporter\.tolerations\[0\]\.operater: unknown config key$/] },
    { name: "rollout timeout too short", config: { ...valid, rolloutTimeoutSeconds: 5 }, expect: [/^k8s-daemonsets:rolloutTimeoutSeconds: 5 must be at least 30$/] },
    { name: "rbacProxy without a ServiceAccount", config: { ...valid, nodeExporter: { rbacProxy: true, serviceAccount: false } }, expect: [/^k8s-daemonsets:nodeExporter\.rbacProxy: kube-rbac-proxy needs the component's ServiceAccount/] },
    { name: "NetworkPolicy peer with a typo", config: { ...valid, nodeExporter: { networkPolicyFrom: [{ namespaceSelecter: {} }] } }, expect: [/nodeExporter\.networkPolicyFrom\[0\]\.namespaceSelecter: unknown config key/] },
    { name: "nodeLabels not a map", config: { nodeLabels: ["node-2"] }, expect: [/^k8s-daemonsets:nodeLabels: expected record, got a list$/] },
    // node-exporter: collectors, host mounts, affinity, kube-rbac-proxy.
    { name: "hostRoot off with the filesystem collector on", config: { ...valid, nodeExporter: { hostRoot: false } }, expect: [/^k8s-daemonsets:nodeExporter\.hostRoot: without the host's \/ the filesystem collector .*switch the filesystem collector off \(collectors\.filesystem: false\).*set hostRootPropagation to None/] },
    { name: "hostRoot off with the filesystem collector switched on explicitly", config: { ...valid, nodeExporter: { hostRoot: false, collectors: { filesystem: true } } }, expect: [/^k8s-daemonsets:nodeExporter\.hostRoot: /] },
    { name: "a textfile directory with the textfile collector off", config: { ...valid, nodeExporter: { textfileDirectory: "/var/lib/textfile", collectors: { textfile: false } } }, expect: [/^k8s-daemonsets:nodeExporter\.textfileDirectory: is mounted for the textfile collector, which collectors\.textfile switches off/] },
    { name: "a relative textfile directory", config: { ...valid, nodeExporter: { textfileDirectory: "textfile" } }, expect: [/^k8s-daemonsets:nodeExporter\.textfileDirectory: "textfile" must be an absolute path/] },
    { name: "a collector name with a flag in it", config: { ...valid, nodeExporter: { collectors: { "--collector.hwmon": true } } }, expect: [/^k8s-daemonsets:nodeExporter\.collectors\["--collector\.hwmon"\]: .*is not a collector name/] },
    { name: "a collector switched by a string", config: { ...valid, nodeExporter: { collectors: { hwmon: "on" } } }, expect: [/^k8s-daemonsets:nodeExporter\.collectors\.hwmon: expected boolean, got string "on"$/] },
    { name: "a bad /sys propagation", config: { ...valid, nodeExporter: { hostSysPropagation: "Bidirectional" } }, expect: [/^k8s-daemonsets:nodeExporter\.hostSysPropagation: must be one of "HostToContainer", "None"/] },
    { name: "an affinity with a misspelt field", config: { ...valid, nodeExporter: { affinity: { nodeAfinity: {} } } }, expect: [/^k8s-daemonsets:nodeExporter\.affinity\.nodeAfinity: unknown config key$/] },
    { name: "a node affinity term with an unknown operator", config: { ...valid, nodeExporter: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "type", operator: "Not", values: ["x"] }] }] } } } } }, expect: [/^k8s-daemonsets:nodeExporter\.affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms\[0\]\.matchExpressions\[0\]\.operator: must be one of "In", "NotIn"/] },
    { name: "NotIn without values", config: { ...valid, nodeExporter: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "type", operator: "NotIn" }] }] } } } } }, expect: [/nodeSelectorTerms\[0\]\.matchExpressions\[0\]\.values: operator NotIn needs at least one value/] },
    { name: "Exists with values", config: { ...valid, nodeExporter: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: "gpu", operator: "Exists", values: ["yes"] }] } }] } } } }, expect: [/preference\.matchExpressions\[0\]\.values: operator Exists takes no values/] },
    { name: "a required node affinity without terms", config: { ...valid, nodeExporter: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } } }, expect: [/requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms: .*at least one term/] },
    { name: "an affinity weight out of range", config: { ...valid, nodeExporter: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } } } }, expect: [/preferredDuringSchedulingIgnoredDuringExecution\[0\]\.weight: 0 weight must be 1-100/] },
    { name: "the proxy's health port on the metrics port", config: { ...valid, nodeExporter: { rbacProxy: true, rbacProxyHealthPort: 9100 } }, expect: [/^k8s-daemonsets:nodeExporter\.rbacProxyHealthPort: host port 9100 is already claimed by the node-exporter metrics port/] },
    { name: "the proxy's health port on a NameNode port", config: { ...valid, nodeExporter: { rbacProxy: true, rbacProxyHealthPort: 9870 } }, expect: [/hdfs\.nameNode\.httpPort: host port 9870 is already claimed by the kube-rbac-proxy health port \(k8s-daemonsets:nodeExporter\.rbacProxyHealthPort\)/] },
    { name: "an alert node-exporter's rules do not have", config: { ...valid, nodeExporter: { disabledAlerts: ["NodeDiskFull"] } }, expect: [/^k8s-daemonsets:nodeExporter\.disabledAlerts\[0\]: "NodeDiskFull" is not an alert of this component \(its alerts: NodeBondingDegraded, /] },
    { name: "an alert's for that is no duration", config: { ...valid, nodeExporter: { alertFor: { NodeClockSkewDetected: "-5m" } } }, expect: [/^k8s-daemonsets:nodeExporter\.alertFor\.NodeClockSkewDetected: "-5m" must be a Prometheus duration like 15m or 1h30m$/] },
    { name: "node-exporter's PrometheusRule without its ServiceMonitor", config: { ...valid, nodeExporter: { prometheusRule: true } }, expect: [/^k8s-daemonsets:nodeExporter\.prometheusRule: the rules read the series the component's ServiceMonitor scrapes/] },
    { name: "a bad ServiceMonitor label", config: { ...valid, nodeExporter: { serviceMonitorLabels: { release: "kube prometheus" } } }, expect: [/^k8s-daemonsets:nodeExporter\.serviceMonitorLabels\.release: "kube prometheus" label value must be/] },
    // HDFS: HA membership, quorum, ZooKeeper, JournalNodes, DataNodes.
    { name: "more than 5 NameNode hosts", config: { nodeLabels: hosts(6) }, expect: [/^k8s-daemonsets:hdfs\.nameNode\.nodeSelector: 6 NameNode hosts \(node-2, .*node-7\); an HA nameservice has at most 5 NameNodes .*: host=high-cpu selects them in nodeLabels: remove the label from 1 of them$/] },
    { name: "2 NameNodes with JournalNodes on the same 2 hosts", config: { nodeLabels: hosts(2) }, expect: [/^k8s-daemonsets:hdfs\.journalNode\.nodeSelector: 2 NameNodes form an HA nameservice, whose shared edits need a quorum of at least 3 JournalNodes, but only 2 hosts run one \(node-2, node-3\): host=high-cpu \(the NameNode's selector, the default\) selects 2 nodes in nodeLabels: label a third host for JournalNodes/] },
    { name: "a JournalNode selector on too few nodes", config: { nodeLabels: { ...hosts(3), "node-9": { jn: "yes" } }, hdfs: { journalNode: { nodeSelector: { jn: "yes" } } } }, expect: [/^k8s-daemonsets:hdfs\.journalNode\.nodeSelector: .*only 1 host runs one \(node-9\): jn=yes selects 1 node in nodeLabels: label 2 more nodes with jn=yes/] },
    { name: "a JournalNode selector matching nothing", config: { ...ha, hdfs: { journalNode: { nodeSelector: { jn: "yes" } } } }, expect: [/hdfs\.journalNode\.nodeSelector: .*selects 0 nodes in nodeLabels: label 3 more nodes/] },
    { name: "empty JournalNode selector", config: { ...ha, hdfs: { journalNode: { nodeSelector: {} } } }, expect: [/hdfs\.journalNode\.nodeSelector: .*at least one label/] },
    { name: "ZooKeeper quorum for a standalone NameNode", config: { ...valid, hdfs: { zookeeperQuorum: ["zk-1:2181"] } }, expect: [/^k8s-daemonsets:hdfs\.zookeeperQuorum: automatic failover needs an HA nameservice/] },
    { name: "ZooKeeper server without a port", config: { ...ha, hdfs: { zookeeperQuorum: ["zk-1"] } }, expect: [/^k8s-daemonsets:hdfs\.zookeeperQuorum\[0\]: "zk-1" must be host:port/] },
    { name: "ZooKeeper port out of range", config: { ...ha, hdfs: { zookeeperQuorum: ["zk-1:2181", "zk-2:99999"] } }, expect: [/hdfs\.zookeeperQuorum\[1\]: .*port must be 1-65535/] },
    { name: "empty ZooKeeper quorum", config: { ...ha, hdfs: { zookeeperQuorum: [] } }, expect: [/hdfs\.zookeeperQuorum: .*at least one ZooKeeper server/] },
    { name: "invalid nameservice id", config: { ...ha, hdfs: { nameservice: "My.NS" } }, expect: [/^k8s-daemonsets:hdfs\.nameservice: "My\.NS" must be a DNS label/] },
    { name: "unknown JournalNode key", config: { ...ha, hdfs: { journalNode: { enabled: true } } }, expect: [/^k8s-daemonsets:hdfs\.journalNode\.enabled: unknown config key$/] },
    { name: "relative JournalNode edits directory", config: { ...ha, hdfs: { journalNode: { editsDirHostPath: "jn" } } }, expect: [/hdfs\.journalNode\.editsDirHostPath: .*absolute path/] },
    { name: "no DataNode data directory", config: { ...valid, hdfs: { dataNode: { dataDirHostPaths: [] } } }, expect: [/^k8s-daemonsets:hdfs\.dataNode\.dataDirHostPaths: .*at least one data directory/] },
    { name: "a DataNode data directory twice", config: { ...valid, hdfs: { dataNode: { dataDirHostPaths: ["/d1", "/d1"] } } }, expect: [/hdfs\.dataNode\.dataDirHostPaths: .*lists a directory twice/] },
    { name: "a relative DataNode data directory", config: { ...valid, hdfs: { dataNode: { dataDirHostPaths: ["/d1", "d2"] } } }, expect: [/^k8s-daemonsets:hdfs\.dataNode\.dataDirHostPaths\[1\]: "d2" must be an absolute path/] },
    { name: "a data directory inside the name directory", config: { ...valid, hdfs: { dataNode: { dataDirHostPaths: ["/var/lib/hdfs/name/data"] } } }, expect: [/^k8s-daemonsets:hdfs\.dataNode\.dataDirHostPaths\[0\]: \/var\/lib\/hdfs\/name\/data is \(inside\) \/var\/lib\/hdfs\/name, already used by k8s-daemonsets:hdfs\.nameNode\.nameDirHostPath/] },
    { name: "JournalNode edits in the name directory", config: { ...ha, hdfs: { journalNode: { editsDirHostPath: "/var/lib/hdfs/name" } } }, expect: [/^k8s-daemonsets:hdfs\.journalNode\.editsDirHostPath: \/var\/lib\/hdfs\/name is \(inside\) .*hdfs\.nameNode\.nameDirHostPath; each HDFS directory needs its own host path/] },
    { name: "unknown DataNode key", config: { ...valid, hdfs: { dataNode: { dataDir: "/x" } } }, expect: [/^k8s-daemonsets:hdfs\.dataNode\.dataDir: unknown config key$/] },
    // Host ports across every DaemonSet.
    { name: "DataNode port = node-exporter port", config: { ...valid, hdfs: { dataNode: { dataPort: 9100 } } }, expect: [/^k8s-daemonsets:hdfs\.dataNode\.dataPort: host port 9100 is already claimed by the node-exporter metrics port \(k8s-daemonsets:nodeExporter\.port\)/] },
    { name: "DataNode http port = NameNode http port", config: { ...valid, hdfs: { dataNode: { httpPort: 9870 } } }, expect: [/hdfs\.dataNode\.httpPort: host port 9870 is already claimed by the NameNode http port/] },
    { name: "JournalNode port = DataNode ipc port", config: { ...ha, hdfs: { journalNode: { rpcPort: 9867 } } }, expect: [/hdfs\.dataNode\.ipcPort: host port 9867 is already claimed by the JournalNode rpc port \(k8s-daemonsets:hdfs\.journalNode\.rpcPort\)/] },
    { name: "JournalNode http port = NameNode rpc port", config: { ...ha, hdfs: { journalNode: { httpPort: 8020 } } }, expect: [/hdfs\.journalNode\.httpPort: host port 8020 is already claimed by the NameNode rpc port/] },
    { name: "ZKFC port = JournalNode port", config: { ...ha, hdfs: { zookeeperQuorum: ["zk:2181"], nameNode: { zkfcPort: 8485 } } }, expect: [/hdfs\.journalNode\.rpcPort: host port 8485 is already claimed by the ZKFC rpc port \(k8s-daemonsets:hdfs\.nameNode\.zkfcPort\)/] },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}, naming the key`, () => {
      const found = problems(c.config);
      for (const pattern of c.expect) {
        assert.ok(found.some((p) => pattern.test(p)), `no problem matches ${pattern}; got:\n${found.join("\n")}`);
      }
    });
  }

  it("reports every problem at once, one line each", () => {
    try {
      planOf(raw({ nodeLabels: { "node-2": { host: "high-cpu" }, BAD: {} }, nodeExporter: { port: 0, image: "x:latest" }, typo: 1 }));
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof StackConfigError);
      assert.match(e.message, /^Invalid stack configuration \(4 problems\); nothing was changed:\n/);
      for (const key of ["nodeLabels.BAD", "nodeExporter.port", "nodeExporter.image", "k8s-daemonsets:typo"]) {
        assert.ok(e.message.includes(key), `${key} missing from:\n${e.message}`);
      }
      assert.equal(e.stack?.includes("at "), true); // a RunError: Pulumi prints the message without the trace
    }
  });

  it("HA needs no JournalNode or DataNode keys: 2-5 NameNode hosts with JournalNodes on 3 of them", () => {
    assert.doesNotThrow(() => planOf(raw(ha)));
    assert.doesNotThrow(() => planOf(raw({ nodeLabels: hosts(5) })));
    assert.doesNotThrow(() => planOf(raw({ nodeLabels: { ...hosts(2), "node-7": { jn: "y" }, "node-2": { host: "high-cpu", jn: "y" }, "node-3": { host: "high-cpu", jn: "y" } }, hdfs: { journalNode: { nodeSelector: { jn: "y" } } } })));
    assert.doesNotThrow(() => planOf(raw({ ...ha, hdfs: { zookeeperQuorum: ["zk-1.example.com:2181", "10.0.0.7:2181"] } })));
  });

  it("JournalNode and DataNode ports are only claimed by roles that run", () => {
    // One NameNode: no JournalNodes, so their ports are free; DataNodes disabled: theirs too.
    assert.doesNotThrow(() => planOf(raw({ ...valid, hdfs: { journalNode: { rpcPort: 9100 } } })));
    assert.doesNotThrow(() => planOf(raw({ ...valid, hdfs: { dataNode: { enabled: false, dataPort: 9100 } } })));
    assert.doesNotThrow(() => planOf(raw({ ...ha, hdfs: { nameNode: { zkfcPort: 9100 } } }))); // no ZooKeeper: no ZKFC
  });

  it("warns (does not fail) about an even number of JournalNodes, naming the key", () => {
    const [w, ...rest] = configWarnings(raw({ nodeLabels: hosts(4) }));
    assert.deepEqual(rest, []);
    assert.match(w, /^k8s-daemonsets:hdfs\.journalNode\.nodeSelector: 4 JournalNodes \(node-2, node-3, node-4, node-5\) tolerate no more failures than 3/);
    assert.deepEqual(configWarnings(raw(ha)), []);
    assert.deepEqual(configWarnings(raw({ nodeLabels: hosts(5) })), []);
    assert.deepEqual(configWarnings(raw(valid)), []);
  });

  it("accepts hostRoot off with the filesystem collector off, and the proxy's health port only claimed with the proxy", () => {
    assert.doesNotThrow(() => planOf(raw({ ...valid, nodeExporter: { hostRoot: false, collectors: { filesystem: false } } })));
    assert.doesNotThrow(() => planOf(raw({ ...valid, nodeExporter: { rbacProxyHealthPort: 9870 } })));
    assert.doesNotThrow(() => planOf(raw({ ...valid, nodeExporter: { textfileDirectory: "/var/lib/textfile", collectors: { textfile: true } } })));
  });

  it("warns when node-exporter runs another version than the filesystem exclusions were taken from", () => {
    const [w, ...rest] = configWarnings(raw({ ...valid, nodeExporter: { image: "quay.io/prometheus/node-exporter:v1.13.0" } }));
    assert.deepEqual(rest, []);
    const reviewed = nodeExporterFilesystemExclusions.reviewedFor;
    assert.ok(w.startsWith(`k8s-daemonsets:nodeExporter.image: the filesystem exclusions replace node_exporter's own defaults and were taken from ${reviewed}, not v1.13.0`), w);
    assert.deepEqual(configWarnings(raw({ ...valid, nodeExporter: { image: `quay.io/prometheus/node-exporter:${reviewed}` } })), []);
    assert.deepEqual(configWarnings(raw({ ...valid, nodeExporter: { image: "quay.io/prometheus/node-exporter:v1.13.0", collectorArgs: [] } })), []);
  });

  it("lets externally managed labels through, and a disabled NameNode needs no labels", () => {
    assert.doesNotThrow(() => planOf(raw({ hdfs: { selectorLabelsManagedExternally: true } })));
    assert.doesNotThrow(() => planOf(raw({ hdfs: { enabled: false } })));
    assert.doesNotThrow(() => planOf(raw({ ...valid, nodeExporter: { hostPort: false, port: 8020 } })));
  });

  describe("the keys that moved into hdfs (hdfsNameNode, hdfsJournalNode, hdfsDataNode)", () => {
    const old = {
      ...ha,
      hdfsNameNode: { nodeSelector: { host: "high-cpu" }, namespace: "storage", zookeeperQuorum: ["zk-1:2181"], rpcPort: 8021, hostResolution: "dns" },
      hdfsJournalNode: { javaHeap: "512m" },
      hdfsDataNode: { enabled: false, dataPort: 9900 },
    };
    const moved = {
      ...ha,
      hdfs: {
        namespace: "storage", zookeeperQuorum: ["zk-1:2181"], hostResolution: "dns",
        nameNode: { nodeSelector: { host: "high-cpu" }, rpcPort: 8021 }, journalNode: { javaHeap: "512m" }, dataNode: { enabled: false, dataPort: 9900 },
      },
    };

    it("reads them where they are now, the same config, with one deprecation warning per old key in the plan", () => {
      const fromOld = parseStackConfig(raw(old));
      assert.deepEqual(fromOld.hdfs, parseStackConfig(raw(moved)).hdfs);
      assert.deepEqual(planOf(raw(old)).hdfs, planOf(raw(moved)).hdfs);
      const warnings = apartFromSimpleMode(planOf(raw(old)).warnings);
      assert.equal(warnings.length, 3);
      assert.equal(warnings[0],
        "k8s-daemonsets:hdfsNameNode is deprecated: its keys are now under k8s-daemonsets:hdfs (nodeSelector -> hdfs.nameNode.nodeSelector, " +
        "namespace -> hdfs.namespace, zookeeperQuorum -> hdfs.zookeeperQuorum, rpcPort -> hdfs.nameNode.rpcPort, hostResolution -> hdfs.hostResolution); " +
        "it is read as before, but move them (pulumi config set --path) before it is removed");
      assert.match(warnings[2], /^k8s-daemonsets:hdfsDataNode is deprecated: .*\(enabled -> hdfs\.dataNode\.enabled, dataPort -> hdfs\.dataNode\.dataPort\)/);
      assert.deepEqual(apartFromSimpleMode(planOf(raw(moved)).warnings), []);
    });

    it("reports a problem under the key the config used, old or new", () => {
      assert.deepEqual(problems({ ...valid, hdfsNameNode: { rpcPort: 0, zookeeperQuorum: ["zk-1:2181"], colour: "red" }, hdfsDataNode: { httpPort: "x" } }), [
        "k8s-daemonsets:hdfsNameNode.rpcPort: 0 port must be 1-65535",
        "k8s-daemonsets:hdfsNameNode.colour: unknown config key",
        "k8s-daemonsets:hdfsDataNode.httpPort: expected number, got string \"x\"",
      ]);
      assert.match(problems({ ...valid, hdfsNameNode: { zookeeperQuorum: ["zk-1:2181"] } })[0], /^k8s-daemonsets:hdfsNameNode\.zookeeperQuorum: automatic failover needs an HA nameservice/);
      assert.match(problems({ ...valid, hdfsNameNode: { rpcPort: 9100 } })[0], /^k8s-daemonsets:hdfsNameNode\.rpcPort: host port 9100 is already claimed by the node-exporter metrics port/);
      assert.match(problems({ ...valid, hdfs: { nameNode: { rpcPort: 9100 } } })[0], /^k8s-daemonsets:hdfs\.nameNode\.rpcPort: host port 9100/);
    });

    it("refuses a key given under both names, and an old key that is not a map", () => {
      assert.deepEqual(problems({ ...valid, hdfs: { replication: 2, nameNode: { rpcPort: 8021 } }, hdfsNameNode: { replication: 3, rpcPort: 8022, httpPort: 9871 } }), [
        "k8s-daemonsets:hdfsNameNode.replication: also set as k8s-daemonsets:hdfs.replication; remove k8s-daemonsets:hdfsNameNode.replication (its old name)",
        "k8s-daemonsets:hdfsNameNode.rpcPort: also set as k8s-daemonsets:hdfs.nameNode.rpcPort; remove k8s-daemonsets:hdfsNameNode.rpcPort (its old name)",
      ]);
      assert.deepEqual(problems({ ...valid, hdfsJournalNode: "yes" }), ["k8s-daemonsets:hdfsJournalNode: expected object, got string"]);
      // Where hdfs (or the role under it) is not a map, that is the one problem.
      assert.deepEqual(problems({ ...valid, hdfs: "x", hdfsNameNode: { rpcPort: 8021 } }), ['k8s-daemonsets:hdfs: expected object, got string "x"']);
      assert.deepEqual(problems({ ...valid, hdfs: { nameNode: 5 }, hdfsNameNode: { rpcPort: 8021, namespace: "storage" } }), ["k8s-daemonsets:hdfs.nameNode: expected object, got number 5"]);
    });
  });
});
