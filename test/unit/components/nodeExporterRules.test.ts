import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { imageVersion } from "../../../components/labels";
import { ruleDuration } from "../../../components/monitoring";
import { NodeExporterArgs, NodeExporterDaemonSet, nodeExporterDefaults, nodeExporterRuleGroups, nodeMixinConfig, resolveNodeExporterArgs } from "../../../components/nodeExporter";
import { nodeMixin } from "../../../components/nodeMixin.generated";
import { prometheusRuleSchema } from "../../support/crd";
import { dashboardQueries } from "../../../components/dashboards";
import { nodeExporterDashboard } from "../../../components/nodeExporterDashboard";
import { find, refusedArgs, settled, useMocks } from "../../support/mocks";

const root = path.resolve(__dirname, "..", "..", "..");
const alertNames = (groups: { rules: { alert?: string }[] }[]) => groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

async function render(args: NodeExporterArgs) {
  const registered = useMocks();
  const component = new NodeExporterDaemonSet("node-exporter", args);
  await settled();
  return { component, registered };
}

describe("node-exporter's rules: the node-mixin rendered from upstream", () => {
  it("are the render of the version the default image runs, with the current nodeMixinConfig (make node-mixin re-renders)", () => {
    assert.equal(nodeMixin.nodeExporterVersion, imageVersion(nodeExporterDefaults.image), "the default image moved: run make node-mixin");
    const pinned = /github\.com\/prometheus\/node_exporter (v\S+)/.exec(fs.readFileSync(path.join(root, "tools", "node-exporter", "go.mod"), "utf8"))?.[1];
    assert.equal(nodeMixin.nodeExporterVersion, pinned, "tools/node-exporter/go.mod pins another node_exporter: run make node-mixin");
    assert.deepEqual(nodeMixin.config, nodeMixinConfig, "nodeMixinConfig changed since the render: run make node-mixin");
  });

  it("hold upstream's 26 alerts and 15 recording rules, every one selecting the component's job", () => {
    const groups = nodeExporterRuleGroups(resolveNodeExporterArgs());
    assert.deepEqual(groups.map((g) => [g.name, g.rules.length]), [["node-exporter", 26], ["node-exporter.rules", 15], ["node-exporter-coverage", 2]]);
    for (const rule of groups.slice(0, 2).flatMap((g) => g.rules)) {
      assert.match(rule.expr, /job="node-exporter"/, `${rule.alert ?? rule.record}`);
    }
    const filling = groups[0].rules.find((r) => r.alert === "NodeFilesystemSpaceFillingUp" && r.labels?.severity === "critical")!;
    // kube-prometheus's critical threshold, and the collector's filesystem exclusions (erofs among them).
    assert.match(filling.expr, /\* 100 < 15\b/);
    assert.match(filling.expr, /fstype!~"[^"]*\berofs\b[^"]*"/);
  });

  it("follow a program's own selector labels: the job is its app.kubernetes.io/name", () => {
    const a = resolveNodeExporterArgs({ selectorLabels: { "app.kubernetes.io/name": "host-metrics", "app.kubernetes.io/instance": "x" } });
    const exprs = nodeExporterRuleGroups(a).slice(0, 2).flatMap((g) => g.rules.map((r) => r.expr));
    assert.ok(exprs.every((e) => e.includes('job="host-metrics"') && !e.includes('job="node-exporter"')));
  });

  it("add the coverage alert: a Linux node the default placement would run on, with no up target of the job", () => {
    const a = resolveNodeExporterArgs({ kubeStateMetricsJob: "ksm", selectorLabels: { "app.kubernetes.io/name": "host-metrics", "app.kubernetes.io/instance": "x" } });
    const [missing, unknown] = nodeExporterRuleGroups(a)[2].rules;
    assert.equal(missing.alert, "NodeExporterMissing");
    assert.equal(
      missing.expr,
      'max by (node) (kube_node_labels{job="ksm",label_kubernetes_io_os="linux",label_eks_amazonaws_com_compute_type!~"fargate",label_type!~"virtual-kubelet"})\n' +
        'unless on (node)\nmax by (node) (up{job="host-metrics"} == 1)\n',
    );
    assert.equal(unknown.alert, "NodeExporterCoverageUnknown");
    assert.equal(unknown.expr, 'absent(kube_node_labels{job="ksm",label_kubernetes_io_os!=""})\n');
    assert.match(unknown.annotations!.description, /--metric-labels-allowlist=nodes=\[kubernetes\.io\/os,eks\.amazonaws\.com\/compute-type,type\]/);
  });

  it("leave out disabled alerts and take a `for` per alert name", () => {
    const groups = nodeExporterRuleGroups(resolveNodeExporterArgs({ disabledAlerts: ["NodeClockNotSynchronising"], alertFor: { NodeFilesystemAlmostOutOfSpace: "1h" } }));
    const names = alertNames(groups);
    assert.equal(names.length, 27);
    assert.ok(!names.includes("NodeClockNotSynchronising"));
    const out = groups[0].rules.filter((r) => r.alert === "NodeFilesystemAlmostOutOfSpace");
    assert.deepEqual(out.map((r) => r.for), ["1h", "1h"]); // both severities
    assert.equal(groups[0].rules.find((r) => r.alert === "NodeClockSkewDetected")!.for, "10m"); // others untouched
  });

  it("refuse an alert name the component does not have, an unparsable duration, and rules without their series", () => {
    const refused = (args: NodeExporterArgs) => refusedArgs(() => new NodeExporterDaemonSet("node-exporter", args));
    assert.match(refused({ disabledAlerts: ["NodeDiskFull"] })[0], /^disabledAlerts.0: "NodeDiskFull" is not an alert of this component \(its alerts: NodeBondingDegraded, /);
    assert.match(refused({ alertFor: { NodeClockSkew: "5m" } })[0], /^alertFor\.NodeClockSkew: is not an alert of this component/);
    assert.match(refused({ alertFor: { NodeClockSkewDetected: "5 minutes" } })[0], /^alertFor\.NodeClockSkewDetected: "5 minutes" must be a Prometheus duration like 15m or 1h30m/);
    assert.match(refused({ prometheusRule: true })[0], /^prometheusRule: the rules read the series the component's ServiceMonitor scrapes/);
    assert.match(refused({ rulesConfigMap: true, service: false })[0], /^rulesConfigMap: the rules read the series the documented scrape config finds/);
  });

  it("take Prometheus' durations and no other", () => {
    for (const ok of ["0", "15m", "1h30m", "2d", "500ms", "1w2d"]) assert.ok(ruleDuration.safeParse(ok).success, ok);
    for (const bad of ["", "15", "m", "1m1h", "-5m", "1.5h", "15 m"]) assert.ok(!ruleDuration.safeParse(bad).success, bad);
  });

  it("are delivered as a PrometheusRule valid against the operator's CRD, and as a rule file in a ConfigMap", async () => {
    const { component, registered } = await render({ serviceMonitor: true, prometheusRule: true, prometheusRuleLabels: { release: "prometheus" }, rulesConfigMap: true, disabledAlerts: ["NodeCPUHighUsage"] });
    const rule = JSON.parse(JSON.stringify(find(registered, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs));
    assert.deepEqual(prometheusRuleSchema().errors(rule), []);
    assert.equal(rule.metadata.name, "node-exporter-rules");
    assert.equal(rule.metadata.namespace, "monitoring");
    assert.equal(rule.metadata.labels.release, "prometheus");
    assert.deepEqual(rule.spec.groups, component.ruleGroups);
    const configMap = find(registered, "kubernetes:core/v1:ConfigMap").inputs;
    assert.deepEqual(Object.keys(configMap.data), ["node-exporter.rules.yaml"]);
    assert.deepEqual(parse(configMap.data["node-exporter.rules.yaml"]), { groups: component.ruleGroups });
    assert.ok(!alertNames(component.ruleGroups).includes("NodeCPUHighUsage"));
  });

  it("create no rule object by default", async () => {
    const { registered } = await render({});
    assert.equal(registered.filter((r) => /PrometheusRule|ConfigMap/.test(r.type)).length, 0);
  });
});

describe("node-exporter's dashboard", () => {
  it("reads only recording rules the component's rules define, and only the component's job", () => {
    const a = resolveNodeExporterArgs();
    const records = new Set(nodeExporterRuleGroups(a).flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
    const queries = dashboardQueries(nodeExporterDashboard("node-exporter"));
    assert.ok(queries.length >= 20, `${queries.length} queries`);
    const used = new Set(queries.flatMap((q) => q.match(/\binstance(?:_device)?:[a-z0-9_]+:[a-z0-9_]+/g) ?? []));
    assert.ok(used.size >= 10, [...used].join(", "));
    for (const name of used) assert.ok(records.has(name), `${name} is no recording rule of the component`);
    for (const q of queries) {
      for (const selector of q.match(/\{[^}]*\}/g) ?? []) assert.match(selector, /job="node-exporter"/, q);
    }
  });

  it("is shipped in a ConfigMap the Grafana sidecar loads, as a Grafana dashboard on a data source variable", async () => {
    const { component, registered } = await render({ serviceMonitor: true, prometheusRule: true, dashboards: true });
    assert.ok(component.dashboardsConfigMap);
    const cm = find(registered, "kubernetes:core/v1:ConfigMap").inputs;
    assert.equal(cm.metadata.name, "node-exporter-dashboards");
    assert.equal(cm.metadata.labels.grafana_dashboard, "1");
    const board = JSON.parse(cm.data["nodes-use.json"]);
    assert.equal(board.uid, "k8s-daemonsets-node-use");
    assert.deepEqual(board.templating.list.map((v: any) => [v.name, v.type]), [["datasource", "datasource"], ["instance", "query"]]);
    const panels = board.panels.filter((p: any) => p.type !== "row");
    assert.equal(panels.length, 18);
    for (const p of panels) {
      assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" }, p.title);
      assert.ok(p.targets.length > 0 && p.targets.every((t: any) => t.expr), p.title);
    }
    const relabelled = await render({ serviceMonitor: true, prometheusRule: true, dashboards: true, dashboardLabels: { "grafana.example.com/dashboard": "yes" } });
    assert.deepEqual(Object.keys(find(relabelled.registered, "kubernetes:core/v1:ConfigMap").inputs.metadata.labels).filter((k) => k.includes("grafana")), ["grafana.example.com/dashboard"]);
  });

  it("is refused without the rules it reads", () => {
    const refused = refusedArgs(() => new NodeExporterDaemonSet("node-exporter", { dashboards: true }));
    assert.match(refused[0], /^dashboards: the dashboard's panels read the node-mixin's recording rules, which neither prometheusRule nor rulesConfigMap delivers/);
  });
});
