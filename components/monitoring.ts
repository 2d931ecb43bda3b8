// What the project's ServiceMonitors share (node-exporter's, HDFS's): series named and labelled by the node they
// come from, and the scrape interval's syntax.
import { z } from "zod";

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

/** The API group and kind of prometheus-operator's ServiceMonitor. */
export const serviceMonitorType = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor" } as const;
