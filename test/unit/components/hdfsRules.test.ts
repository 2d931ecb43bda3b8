import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { HdfsCluster, HdfsClusterArgs, hdfsClusterRuleGroups, resolveHdfsClusterArgs } from "../../../components/hdfsCluster";
import { hdfsChurningLabels, hdfsJobs } from "../../../components/hdfsRules";
import { hadoopVersions } from "../../../components/hdfsShared";
import { dashboardQueries } from "../../../components/dashboards";
import { hdfsDashboard } from "../../../components/hdfsDashboard";
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

/** A Hadoop version's /prom metric names by role (test/fixtures/hadoop-<version>-prom-metrics.txt, make hadoop-fixtures). */
function servedMetrics(version: string): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = {};
  let role = "";
  for (const line of fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", `hadoop-${version}-prom-metrics.txt`), "utf8").split("\n")) {
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) out[(role = section[1])] = new Set();
    else if (role && line && !line.startsWith("#")) out[role].add(line);
  }
  return out;
}

/** Each metric a PromQL expression selects by name, with the job it selects. */
function selectedMetrics(expr: string): { metric: string; job?: string }[] {
  return [...expr.matchAll(/\b([a-z_][a-z0-9_]*)\{([^}]*)\}/g)].map((m) => ({ metric: m[1], job: /job="([^"]+)"/.exec(m[2])?.[1] }));
}

// Every Hadoop version the stack runs (hadoopVersion): a cluster may run either, and both during a rolling upgrade.
for (const version of hadoopVersions) describe(`what the HDFS rules and dashboard read, on Hadoop ${version}`, () => {
  const served = servedMetrics(version);
  const roleOf = Object.fromEntries(Object.entries(hdfsJobs).map(([role, job]) => [job, role]));
  const exprs = [
    ...alerts({ nameNodeHosts: hosts }).map((r) => r.expr),
    ...dashboardQueries(hdfsDashboard()),
  ];

  it(`is a metric Hadoop ${version} serves at /prom, on the role whose job selects it`, () => {
    const checked = new Set<string>();
    for (const expr of exprs) {
      for (const { metric, job } of selectedMetrics(expr)) {
        if (metric === "up" || metric === "absent") continue;
        assert.ok(job && roleOf[job], `${metric} in ${expr}: no single HDFS job`);
        assert.ok(served[roleOf[job]].has(metric), `${metric} is not served by a ${roleOf[job]} (${expr})`);
        checked.add(metric);
      }
    }
    assert.ok(checked.size >= 15, [...checked].join(", "));
  });

  it("counts a DataNode's per-NameNode heartbeat counters, not their totals", () => {
    const rule = alerts({ nameNodeHosts: hosts }).find((r) => r.alert === "HdfsDataNodeNotRegistered")!;
    const include = new RegExp(`^${/__name__=~"([^"]+)"/.exec(rule.expr)![1]}$`);
    const exclude = new RegExp(`^${/__name__!~"([^"]+)"/.exec(rule.expr)![1]}$`);
    const counted = [...served.datanode].filter((m) => include.test(m) && !exclude.test(m)).sort();
    // One per NameNode the DataNode reports to (their names carry the nameservice and NameNode id), never the total.
    const perNameNode = [...served.datanode].filter((m) => /^datanode_heartbeats_for\w+_num_ops$/.test(m)).sort();
    assert.ok(perNameNode.length >= 2, [...served.datanode].filter((m) => m.startsWith("datanode_heartbeats")).join(", "));
    assert.deepEqual(counted, perNameNode);
    assert.ok(served.datanode.has("datanode_heartbeats_num_ops") && !counted.includes("datanode_heartbeats_num_ops"));
  });

  it("the dashboard filters every query by an HDFS job and the chosen namespace", () => {
    for (const q of dashboardQueries(hdfsDashboard())) assert.match(q, /namespace="\$namespace"/, q);
  });
});

describe("HDFS dashboard", () => {
  it("is shipped in a ConfigMap the Grafana sidecar loads; refused without /prom", async () => {
    const registered = useMocks();
    const cluster = new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts, dashboards: true }));
    await settled();
    assert.ok(cluster.dashboardsConfigMap);
    const cm = find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-dashboards").inputs;
    assert.equal(cm.metadata.labels.grafana_dashboard, "1");
    const board = JSON.parse(cm.data["hdfs.json"]);
    assert.equal(board.uid, "k8s-daemonsets-hdfs");
    assert.deepEqual(board.templating.list.map((v: any) => v.name), ["datasource", "namespace"]);
    assert.equal(board.panels.filter((p: any) => p.type !== "row").length, 10);
    assert.match(refusedArgs(() => new HdfsCluster("hdfs", simple({ nameNodeHosts: hosts, dashboards: true, prometheusEndpoint: false })))[0], /^dashboards: the dashboard reads Hadoop's \/prom, which prometheusEndpoint: false turns off/);
  });
});
