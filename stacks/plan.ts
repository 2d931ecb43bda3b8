// What a validated stack config means for the cluster: which labels go on which node, and the component
// arguments of each DaemonSet.
import { HdfsClusterResolvedArgs, resolveHdfsClusterArgs } from "../components/hdfsCluster";
import type { NodeExporterArgs } from "../components/nodeExporter";
import { hdfsClusterArgs, nodeExporterArgs } from "./args";
import { compareNodeNames, configWarnings, hdfsTopology, StackConfig } from "./config";

export interface StackPlan {
  /** node -> labels the program applies (nodes in natural order; nodes with no labels left out). */
  labelPlan: Record<string, Record<string, string>>;
  labelFieldManager: string;
  /** node -> labels the stack takes over from another field manager (nodeLabelTakeover). */
  labelTakeover: Record<string, string[]>;
  nodeExporter?: NodeExporterArgs;
  /** The HDFS cluster (when the NameNode is enabled): its hosts, site settings and roles, resolved. */
  hdfs?: HdfsClusterResolvedArgs;
  /**
   * How HDFS's pods find the hosts its configuration names: `nodeAddresses` (the preflight reads their
   * InternalIPs, the pods get hostAliases) or `dns`.
   */
  hdfsHostResolution: "nodeAddresses" | "dns";
  /** What deserves a pulumi.log.warn, each naming its config key. */
  warnings: string[];
}

export function planStack(config: StackConfig): StackPlan {
  const labelPlan: Record<string, Record<string, string>> = {};
  for (const node of Object.keys(config.nodeLabels).sort(compareNodeNames)) {
    const labels = config.nodeLabels[node];
    if (Object.keys(labels).length > 0) {
      labelPlan[node] = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  // The rollout timeout is one setting for every DaemonSet.
  const timed = <T extends object>(args: T | undefined): T | undefined =>
    args && config.rolloutTimeoutSeconds !== undefined ? { ...args, rolloutTimeoutSeconds: config.rolloutTimeoutSeconds } : args;
  const hdfs = config.hdfsNameNode.enabled ? hdfsArgs(config) : undefined;
  return {
    labelPlan,
    labelFieldManager: config.labelFieldManager,
    labelTakeover: Object.fromEntries(Object.entries(config.nodeLabelTakeover).filter(([, keys]) => keys.length > 0)),
    nodeExporter: timed(config.nodeExporter.enabled ? nodeExporterArgs(config.nodeExporter) : undefined),
    hdfs: timed(hdfs),
    hdfsHostResolution: config.hdfsNameNode.hostResolution,
    warnings: configWarnings(config),
  };
}

/**
 * The HDFS cluster: the NameNode on the hosts its selector picks, JournalNodes when those are 2-5 (an HA
 * nameservice) on the hosts theirs picks, DataNodes unless disabled. `HdfsCluster` renders the one site of
 * all of them from these arguments.
 */
function hdfsArgs(config: StackConfig): HdfsClusterResolvedArgs {
  const topology = hdfsTopology(config);
  return resolveHdfsClusterArgs(hdfsClusterArgs(config, { nameNodeHosts: topology.nameNodeHosts, journalNodeHosts: topology.journalNodeHosts }));
}
