// Stack config -> component arguments, each laid over its component's defaults by the component's own
// `resolve…Args()` (the merge rules: components/defaults.ts). The config's cross-checks and the plan both read
// these values, so a default is applied in one place and every reader sees the same one.
import { HdfsClusterArgs, resolveHdfsClusterArgs } from "../components/hdfsCluster";
import { NodeExporterResolvedArgs, resolveNodeExporterArgs } from "../components/nodeExporter";
import type { NodeExporterConfig, StackConfig } from "./config";

/** node-exporter's arguments from its config: `None` propagation is none, the placement keys are `placement`'s. */
export function nodeExporterArgs(c: NodeExporterConfig): NodeExporterResolvedArgs {
  const { enabled: _enabled, nodeSelector, tolerations, affinity, hostRootPropagation, hostSysPropagation, ...rest } = c;
  const propagation = (p: "HostToContainer" | "None" | undefined) => (p === undefined ? undefined : p === "None" ? null : p);
  return resolveNodeExporterArgs({
    ...rest,
    hostRootPropagation: propagation(hostRootPropagation),
    hostSysPropagation: propagation(hostSysPropagation),
    // Each placement key given replaces (nodeSelector, tolerations) or merges into (affinity) the default's.
    placement: { nodeSelector, tolerations, affinity },
  });
}

/**
 * The HDFS cluster's arguments from the config: the cluster-wide keys of `hdfsNameNode` (namespace, ports,
 * nameservice, ZooKeeper, replication, extra properties) and each role's own, on the hosts given.
 */
export function hdfsClusterArgs(config: StackConfig, hosts: Pick<HdfsClusterArgs, "nameNodeHosts" | "journalNodeHosts"> = {}): HdfsClusterArgs {
  const {
    enabled: _enabled, selectorLabelsManagedExternally: _external, hostResolution: _resolution, namespace, createNamespace,
    rpcPort, httpPort, nameservice, zookeeperQuorum, zkfcPort, replication, coreSite, hdfsSite, ...nameNode
  } = config.hdfsNameNode;
  const { rpcPort: journalNodeRpcPort, httpPort: journalNodeHttpPort, ...journalNode } = config.hdfsJournalNode;
  const { enabled: dataNodes, dataPort, httpPort: dataNodeHttpPort, ipcPort, ...dataNode } = config.hdfsDataNode;
  return {
    namespace,
    createNamespace,
    ...hosts,
    site: {
      nameservice, zookeeperQuorum, replication, coreSite, hdfsSite,
      nameNodeRpcPort: rpcPort, nameNodeHttpPort: httpPort, zkfcPort,
      journalNodeRpcPort, journalNodeHttpPort,
      dataNodeDataPort: dataPort, dataNodeHttpPort, dataNodeIpcPort: ipcPort,
    },
    nameNode,
    journalNode,
    dataNode: dataNodes ? dataNode : null,
  };
}

/** The HDFS roles' arguments as the cluster resolves them (the NameNode's Hadoop for every role), and the ports. */
export function hdfsRoleArgs(config: StackConfig) {
  const a = resolveHdfsClusterArgs(hdfsClusterArgs(config));
  return { nn: a.nameNode, jn: a.journalNode, dn: a.dataNode, ports: a.ports };
}
