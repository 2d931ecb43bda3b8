// What the project's monitoring objects share (node-exporter's, HDFS's): series named and labelled by the node they
// come from, the durations Prometheus takes, and alerting and recording rules as data, delivered as a
// prometheus-operator PrometheusRule or as a plain rule file in a ConfigMap, with the settings that adjust them.
import { stringify } from "yaml";
import { z } from "zod";
import { ArgsIssue } from "./defaults";
import { labels } from "./kubernetesSyntax";
import { setting } from "./settings";

/**
 * A ServiceMonitor endpoint's relabelings: `instance` and `node` are the node's name rather than the host-network
 * pod's IP (the operator adds `namespace` and `pod`): the labels the documented scrape configs give too.
 */
export const nodeRelabelings = [
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "instance" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node" },
];

/** A scrape interval, as Prometheus writes durations. */
export const scrapeInterval = z.string().regex(/^\d+(ms|s|m|h)$/, "must be a duration like 30s");

/** A rule's `for`, as Prometheus parses durations (units y w d h m s ms, largest first, e.g. 1h30m; 0 for none). */
export const ruleDuration = z.string().regex(/^(0|(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?)$/, "must be a Prometheus duration like 15m or 1h30m");

/** The API group and kind of prometheus-operator's ServiceMonitor. */
export const serviceMonitorType = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor" } as const;

/** The API group and kind of prometheus-operator's PrometheusRule. */
export const prometheusRuleType = { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" } as const;

/** One alerting (`alert`) or recording (`record`) rule, as a Prometheus rule file writes it. */
export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A group of rules evaluated together. */
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** The settings every component with rules has, declared once here and spread into each component's settings. */
export const ruleSettings = {
  /** A prometheus-operator PrometheusRule with the component's alerting and recording rules (needs its CRD and the component's ServiceMonitor, whose series the rules read). */
  prometheusRule: setting(z.boolean(), { default: false }),
  /** Labels added to the PrometheusRule, e.g. the release a Prometheus selects rules by. */
  prometheusRuleLabels: setting(labels, { default: {} }),
  /** A ConfigMap `<name>-rules` holding the same rules as a Prometheus rule file, for a Prometheus without the operator. */
  rulesConfigMap: setting(z.boolean(), { default: false }),
  /** Alerts left out, by name (every rule of that name). */
  disabledAlerts: setting(z.array(z.string().min(1)), { default: [] }),
  /** A `for` duration per alert name, replacing the rule's own (every rule of that name). */
  alertFor: setting(z.record(z.string(), ruleDuration), { default: {} }),
};

/** What the rule settings ask of a component's rule groups that the groups cannot give, under the settings' keys. */
export function ruleSettingsIssues(groups: readonly RuleGroup[], a: { disabledAlerts: readonly string[]; alertFor: Record<string, string> }): ArgsIssue[] {
  const known = new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))));
  const unknown = (name: string) => `is not an alert of this component (its alerts: ${[...known].sort().join(", ")})`;
  return [
    ...a.disabledAlerts.flatMap((name, i) => (known.has(name) ? [] : [{ path: ["disabledAlerts", i], message: `${JSON.stringify(name)} ${unknown(name)}` }])),
    ...Object.keys(a.alertFor).flatMap((name) => (known.has(name) ? [] : [{ path: ["alertFor", name], message: unknown(name) }])),
  ];
}

/** `groups` with the disabled alerts left out and the `for` durations replaced (groups left empty are dropped). */
export function adjustRules(groups: readonly RuleGroup[], a: { disabledAlerts: readonly string[]; alertFor: Record<string, string> }): RuleGroup[] {
  const disabled = new Set(a.disabledAlerts);
  return groups
    .map((g) => ({
      name: g.name,
      rules: g.rules
        .filter((r) => !(r.alert && disabled.has(r.alert)))
        .map((r) => (r.alert && a.alertFor[r.alert] !== undefined ? { ...r, for: a.alertFor[r.alert] } : { ...r })),
    }))
    .filter((g) => g.rules.length > 0);
}

/** `groups` as a Prometheus rule file (YAML, `groups:` at the top, as `promtool check rules` reads it). */
export function ruleFile(groups: readonly RuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}
