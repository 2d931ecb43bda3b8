import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { HdfsCluster, HdfsClusterArgs, hdfsClusterRuleGroups, resolveHdfsClusterArgs } from "../../../components/hdfsCluster";
import { hdfsChurningLabels, hdfsJobs } from "../../../components/hdfsRules";
import { prometheusRuleSchema } from "../../support/crd";
import { find, refusedArgs, settled, useMocks } from "../../support/mocks";
import { docsYamlBlock } from "../../support/prometheus";

const hosts = ["node-2", "node-5", "node-8"];
const simple = (args: HdfsClusterArgs): HdfsClusterArgs => ({ security: { mode: "simple" }, ...args });
const alerts = (args: HdfsClusterArgs) => hdfsClusterRuleGroups(resolveHdfsClusterArgs(simple(args))).flatMap((g) => g.rules);

/** Every alert the issue of HDFS monitoring lists, by the name this project gives it. */
const listed = [
  "HdfsNoActiveNameNode", "HdfsMultipleActiveNameNodes", "HdfsNameNodeInStartupSafeMode", "HdfsMissingBlocks",
  "HdfsUnderReplicatedBlocksNotDecreasing", "HdfsDeadDataNodes", "HdfsDataNodeFailedVolumes", "HdfsCapacityLow",
  "HdfsJournalNodeDown", "HdfsJournalNodeLagging", "HdfsDataNodeNotRegistered",
];

describe("HDFS alerting rules", () => {
  it("an HA cluster with DataNodes has every listed alert and a daemon-down alert, each naming its data source and severity", () => {
    const rules = alerts({ nameNodeHosts: hosts });
    assert.deepEqual(rules.map((r) => r.alert).sort(), [...listed, "HdfsDaemonDown"].sort());
    for (const r of rules) {
      assert.ok(r.annotations?.data_source && r.annotations.summary && r.annotations.description, r.alert);
      assert.match(r.labels?.severity ?? "", /^(warning|critical)$/, r.alert);
      assert.equal(r.labels?.namespace, "hdfs", r.alert);
      assert.match(r.expr, /namespace="hdfs"/, r.alert);
    }
  });

  it("follow the cluster: its namespace, its NameNode and JournalNode counts; no JournalNode or DataNode alerts where there are none", () => {
    const ha = alerts({ nameNodeHosts: hosts, namespace: "hdfs-b" });
    assert.match(ha.find((r) => r.alert === "HdfsJournalNodeDown")!.expr, /< 3\n$/);
    assert.match(ha.find((r) => r.alert === "HdfsDataNodeNotRegistered")!.expr, />= 3\)\n$/);
    assert.ok(ha.every((r) => !r.expr.includes('namespace="hdfs"')));
    const two = alerts({ nameNodeHosts: ["node-2", "node-5"], journalNodeHosts: ["node-1", "node-2", "node-5"] } as HdfsClusterArgs);
    assert.match(two.find((r) => r.alert === "HdfsJournalNodeDown")!.expr, /< 3\n$/);
    assert.match(two.find((r) => r.alert === "HdfsDataNodeNotRegistered")!.expr, />= 2\)\n$/);
    const standalone = alerts({ nameNodeHosts: ["node-2"], dataNode: { enabled: false } });
    assert.deepEqual(standalone.map((r) => r.alert).filter((a) => /JournalNode|DataNode/.test(a!)), []);
  });

  it("select the roles by their jobs, the app.kubernetes.io/name of their pods", async () => {
    const registered = useMocks();
    new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts }));
    await settled();
    for (const [role, job] of Object.entries(hdfsJobs)) {
      assert.equal(find(registered, "kubernetes:apps/v1:DaemonSet", `hdfs-${role}`).inputs.spec.selector.matchLabels["app.kubernetes.io/name"], job);
    }
  });

  it("take typed thresholds and for durations, refusing bad ones by key", () => {
    const rules = alerts({ nameNodeHosts: hosts, capacityRemainingPercent: 12.5, journalNodeLagTransactions: 50, underReplicatedWindow: "1h", alertFor: { HdfsDeadDataNodes: "10m" }, disabledAlerts: ["HdfsDaemonDown"] });
    assert.match(rules.find((r) => r.alert === "HdfsCapacityLow")!.expr, /\* 100 < 12\.5\n$/);
    assert.match(rules.find((r) => r.alert === "HdfsJournalNodeLagging")!.expr, /> 50\n$/);
    const under = rules.find((r) => r.alert === "HdfsUnderReplicatedBlocksNotDecreasing")!;
    assert.match(under.expr, /\[1h\]\) >= 0/);
    assert.equal(under.for, "1h");
    assert.equal(rules.find((r) => r.alert === "HdfsDeadDataNodes")!.for, "10m");
    assert.ok(!rules.some((r) => r.alert === "HdfsDaemonDown"));
    const refused = (args: HdfsClusterArgs) => refusedArgs(() => new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts, ...args })));
    assert.match(refused({ capacityRemainingPercent: -1 })[0], /^capacityRemainingPercent: -1 Too small: expected number to be >=0$/);
    assert.match(refused({ capacityRemainingPercent: 120 })[0], /^capacityRemainingPercent: 120 Too big: expected number to be <=100$/);
    assert.match(refused({ journalNodeLagTransactions: 1.5 })[0], /^journalNodeLagTransactions: /);
    assert.match(refused({ underReplicatedWindow: "half an hour" })[0], /^underReplicatedWindow: "half an hour" must be a Prometheus duration like 15m or 1h30m$/);
    assert.match(refused({ alertFor: { HdfsDeadDataNodes: "1 minute" } })[0], /^alertFor\.HdfsDeadDataNodes: "1 minute" must be a Prometheus duration/);
    assert.match(refused({ disabledAlerts: ["NodeClockNotSynchronising"] })[0], /^disabledAlerts\.0: "NodeClockNotSynchronising" is not an alert of this component/);
    assert.match(refused({ prometheusRule: true })[0], /^prometheusRule: the rules read the series the ServiceMonitors scrape, which serviceMonitor: false leaves out/);
    assert.match(refused({ rulesConfigMap: true, prometheusEndpoint: false })[0], /^rulesConfigMap: the rules read Hadoop's \/prom, which prometheusEndpoint: false turns off/);
  });

  it("are delivered as a PrometheusRule valid against the operator's CRD and as a rule file; neither by default", async () => {
    const registered = useMocks();
    const cluster = new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts, serviceMonitor: true, prometheusRule: true, prometheusRuleLabels: { release: "prometheus" }, rulesConfigMap: true }));
    await settled();
    const rule = JSON.parse(JSON.stringify(find(registered, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs));
    assert.deepEqual(prometheusRuleSchema().errors(rule), []);
    assert.deepEqual([rule.metadata.name, rule.metadata.namespace, rule.metadata.labels.release], ["hdfs-rules", "hdfs", "prometheus"]);
    assert.deepEqual(rule.spec.groups, cluster.ruleGroups);
    const cm = find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-rules").inputs;
    assert.deepEqual(parse(cm.data["hdfs.rules.yaml"]), { groups: cluster.ruleGroups });
    const plain = useMocks();
    new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts }));
    await settled();
    assert.equal(plain.filter((r) => r.type.endsWith(":PrometheusRule") || r.name === "hdfs-rules").length, 0);
  });

  it("assume the churning labels dropped, as the ServiceMonitors and the documented scrape config drop them", () => {
    const config = docsYamlBlock("hdfs.md", "hdfs-scrape-config");
    const drops = config.scrape_configs[0].metric_relabel_configs.filter((c: any) => c.action === "labeldrop").map((c: any) => c.regex);
    assert.deepEqual(drops, hdfsChurningLabels);
  });
});
