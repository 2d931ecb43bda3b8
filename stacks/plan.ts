// What a parsed stack config means for the cluster: which labels go on which node, and each component's
// arguments, resolved once here (the checks, the preflight and the constructors read what was resolved).
import { ComponentArgsError } from "../components/defaults";
import { HdfsClusterResolvedArgs, resolveHdfsClusterArgs } from "../components/hdfsCluster";
import { NodeExporterResolvedArgs, resolveNodeExporterArgs } from "../components/nodeExporter";
import { hdfsClusterArgs, hdfsConfigPath, nodeExporterArgs, nodeExporterConfigPath } from "./args";
import { ConfigIssue, componentConfigIssues } from "./configErrors";
import type { StackConfig } from "./configSchema";
import { HdfsHostSource, placeHdfs } from "./hdfsPlacement";
import { compareNodeNames } from "./topology";

export interface StackPlan {
  /** node -> labels the program applies (nodes in natural order; nodes with no labels left out). */
  labelPlan: Record<string, Record<string, string>>;
  labelFieldManager: string;
  /** node -> labels the stack takes over from another field manager (nodeLabelTakeover). */
  labelTakeover: Record<string, string[]>;
  nodeExporter?: NodeExporterResolvedArgs;
  /**
   * The HDFS cluster (when the NameNode is enabled), resolved: its roles, site settings and, once known, hosts
   * (from `nodeLabels` here; from the cluster's nodes at preflight when `hdfsHostSource` is `cluster`).
   */
  hdfs?: HdfsClusterResolvedArgs;
  /** Where the HDFS hosts come from. */
  hdfsHostSource: HdfsHostSource;
  /**
   * How HDFS's pods find the hosts its configuration names: `nodeAddresses` (the preflight reads their
   * InternalIPs, the pods get hostAliases) or `dns`.
   */
  hdfsHostResolution: "nodeAddresses" | "dns";
  /** What deserves a pulumi.log.warn, each naming its config key (stackWarnings, once the plan is final). */
  warnings: string[];
}

/**
 * The plan of a parsed config, each component resolved once, and what its components refused (under config
 * keys): a component whose arguments were refused is left out of the plan.
 */
export function planStack(config: StackConfig): { plan: StackPlan; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  /** `resolve()`, or undefined with the component's problems added under their config keys. */
  const resolved = <T>(resolve: () => T, toConfigPath: (path: (string | number)[]) => PropertyKey[]): T | undefined => {
    try {
      return resolve();
    } catch (e) {
      if (!(e instanceof ComponentArgsError)) throw e;
      issues.push(...componentConfigIssues(e, toConfigPath));
      return undefined;
    }
  };
  const labelPlan: Record<string, Record<string, string>> = {};
  for (const node of Object.keys(config.nodeLabels).sort(compareNodeNames)) {
    const labels = config.nodeLabels[node];
    if (Object.keys(labels).length > 0) {
      labelPlan[node] = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  const nodeExporter = config.nodeExporter.enabled
    ? resolved(() => resolveNodeExporterArgs(nodeExporterArgs(config.nodeExporter, config.rolloutTimeoutSeconds)), nodeExporterConfigPath)
    : undefined;
  const hdfsHostSource: HdfsHostSource = config.hdfs.selectorLabelsManagedExternally ? "cluster" : "nodeLabels";
  let hdfs = config.hdfs.enabled ? resolved(() => resolveHdfsClusterArgs(hdfsClusterArgs(config)), (p) => hdfsConfigPath(p, config)) : undefined;
  // On the nodes `nodeLabels` labels; with labels managed outside the stack, placed at preflight.
  if (hdfs && hdfsHostSource === "nodeLabels") {
    const placed = placeHdfs(hdfs, config.nodeLabels, "nodeLabels", config);
    issues.push(...placed.issues);
    hdfs = placed.hdfs;
  }
  return {
    plan: {
      labelPlan,
      labelFieldManager: config.labelFieldManager,
      labelTakeover: Object.fromEntries(Object.entries(config.nodeLabelTakeover).filter(([, keys]) => keys.length > 0)),
      nodeExporter,
      hdfs,
      hdfsHostSource,
      hdfsHostResolution: config.hdfs.hostResolution,
      warnings: [],
    },
    issues,
  };
}
