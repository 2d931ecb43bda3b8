// What a validated stack config means for the cluster: which labels go on which node, and the component
// arguments of each DaemonSet.
import type { HdfsDataNodeArgs } from "../components/hdfsDataNode";
import type { HdfsJournalNodeArgs } from "../components/hdfsJournalNode";
import type { HdfsNameNodeArgs } from "../components/hdfsNameNode";
import { HdfsSite, hdfsSite } from "../components/hdfsShared";
import type { NodeExporterArgs } from "../components/nodeExporter";
import { hdfsRoleArgs, nodeExporterArgs } from "./args";
import { compareNodeNames, configWarnings, hdfsTopology, StackConfig } from "./config";

export interface StackPlan {
  /** node -> labels the program applies (nodes in natural order; nodes with no labels left out). */
  labelPlan: Record<string, Record<string, string>>;
  labelFieldManager: string;
  /** node -> labels the stack takes over from another field manager (nodeLabelTakeover). */
  labelTakeover: Record<string, string[]>;
  nodeExporter?: NodeExporterArgs;
  hdfsNameNode?: HdfsNameNodeArgs;
  /** Only for an HA nameservice (2-5 NameNodes). */
  hdfsJournalNode?: HdfsJournalNodeArgs & { hosts: string[] };
  hdfsDataNode?: HdfsDataNodeArgs;
  /** The HDFS cluster's configuration, the same for every role (when the NameNode is enabled). */
  hdfsSite?: HdfsSite;
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
    ...(hdfs
      ? {
          hdfsSite: hdfs.hdfsSite,
          hdfsNameNode: timed(hdfs.hdfsNameNode),
          hdfsJournalNode: timed(hdfs.hdfsJournalNode),
          hdfsDataNode: timed(hdfs.hdfsDataNode),
        }
      : {}),
    warnings: configWarnings(config),
  };
}

/**
 * The HDFS roles: the NameNode on the hosts its selector picks, JournalNodes when those are 2-5 (an HA
 * nameservice), DataNodes unless disabled; one rendered configuration for all of them.
 */
function hdfsArgs(config: StackConfig): Pick<StackPlan, "hdfsNameNode" | "hdfsJournalNode" | "hdfsDataNode" | "hdfsSite"> {
  const { nn, jn, dn } = hdfsRoleArgs(config);
  const dataNodesEnabled = config.hdfsDataNode.enabled;
  const topology = hdfsTopology(config);
  const hosts = topology.nameNodeHosts;
  const journalNodeHosts = topology.journalNodeHosts;
  const site = hdfsSite({
    nameNodeHosts: hosts,
    nameservice: nn.nameservice,
    nameNodeRpcPort: nn.rpcPort,
    nameNodeHttpPort: nn.httpPort,
    journalNodeHosts,
    journalNodeRpcPort: jn.rpcPort,
    journalNodeHttpPort: jn.httpPort,
    zookeeperQuorum: nn.zookeeperQuorum,
    zkfcPort: nn.zkfcPort,
    dataDirCount: dn.dataDirHostPaths.length,
    dataNodeDataPort: dn.dataPort,
    dataNodeHttpPort: dn.httpPort,
    dataNodeIpcPort: dn.ipcPort,
    replication: nn.replication,
    coreSite: nn.coreSite,
    hdfsSite: nn.hdfsSite,
  });
  return {
    hdfsSite: site,
    hdfsNameNode: { ...nn, hosts, site },
    hdfsJournalNode: site.ha ? { ...jn, site, hosts: journalNodeHosts } : undefined,
    hdfsDataNode: dataNodesEnabled ? { ...dn, site } : undefined,
  };
}
