// Stack config -> component arguments, as given (each component resolves its own over its defaults, once: see
// plan.ts), and back: the config key of a component argument, for the problems a component reports.
import type { HdfsClusterArgs } from "../components/hdfsCluster";
import type { NodeExporterArgs } from "../components/nodeExporter";
import type { NodeExporterConfig, StackConfig } from "./configSchema";

/** node-exporter's arguments from its config: the settings as they are (nodeExporterSettings declares both). */
export function nodeExporterArgs(c: NodeExporterConfig, rolloutTimeoutSeconds?: number): NodeExporterArgs {
  const { enabled: _enabled, ...settings } = c;
  return { ...settings, rolloutTimeoutSeconds };
}

/** The config key path of a node-exporter argument: the same key under `nodeExporter`. */
export function nodeExporterConfigPath(argPath: PropertyKey[]): PropertyKey[] {
  return ["nodeExporter", ...argPath];
}

/**
 * The HDFS cluster's arguments from the config: the cluster-wide keys of `hdfsNameNode` (namespace, ports,
 * nameservice, ZooKeeper, replication, extra properties) and each role's own; no hosts (the plan places it).
 */
export function hdfsClusterArgs(config: StackConfig): HdfsClusterArgs {
  const c = config;
  const {
    enabled: _enabled, selectorLabelsManagedExternally: _external, hostResolution: _resolution, hosts: _hosts, namespace, createNamespace,
    rpcPort, httpPort, nameservice, zookeeperQuorum, zkfcPort, replication, coreSite, hdfsSite, ...nameNode
  } = c.hdfsNameNode;
  const { rpcPort: journalNodeRpcPort, httpPort: journalNodeHttpPort, hosts: _jnHosts, ...journalNode } = c.hdfsJournalNode;
  const { enabled: dataNodes, dataPort, httpPort: dataNodeHttpPort, ipcPort, ...dataNode } = c.hdfsDataNode;
  return {
    namespace,
    createNamespace,
    rolloutTimeoutSeconds: config.rolloutTimeoutSeconds,
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

/** Where the config keeps each of the cluster's site settings (`hdfsClusterArgs` in reverse). */
const hdfsSiteKeys: Record<string, [string, string]> = {
  nameservice: ["hdfsNameNode", "nameservice"],
  zookeeperQuorum: ["hdfsNameNode", "zookeeperQuorum"],
  replication: ["hdfsNameNode", "replication"],
  coreSite: ["hdfsNameNode", "coreSite"],
  hdfsSite: ["hdfsNameNode", "hdfsSite"],
  nameNodeRpcPort: ["hdfsNameNode", "rpcPort"],
  nameNodeHttpPort: ["hdfsNameNode", "httpPort"],
  zkfcPort: ["hdfsNameNode", "zkfcPort"],
  journalNodeRpcPort: ["hdfsJournalNode", "rpcPort"],
  journalNodeHttpPort: ["hdfsJournalNode", "httpPort"],
  dataNodeDataPort: ["hdfsDataNode", "dataPort"],
  dataNodeHttpPort: ["hdfsDataNode", "httpPort"],
  dataNodeIpcPort: ["hdfsDataNode", "ipcPort"],
};

/**
 * The config key path of an HDFS cluster argument. The hosts are the roles' node selectors' (where the stack takes
 * them from); a default list (a data directory of the default `dataDirHostPaths`) is named without its index.
 */
export function hdfsConfigPath(argPath: PropertyKey[], config: StackConfig): PropertyKey[] {
  const [first, ...rest] = argPath;
  switch (first) {
    case "nameNodeHosts":
      return ["hdfsNameNode", "nodeSelector"];
    case "journalNodeHosts":
      return ["hdfsJournalNode", "nodeSelector"];
    case "site":
      return [...(hdfsSiteKeys[String(rest[0])] ?? ["hdfsNameNode", String(rest[0])]), ...rest.slice(1)];
    case "nameNode":
      return ["hdfsNameNode", ...rest];
    case "journalNode":
      return ["hdfsJournalNode", ...rest];
    case "dataNode":
      return rest[0] === "dataDirHostPaths" && config.hdfsDataNode.dataDirHostPaths === undefined
        ? ["hdfsDataNode", "dataDirHostPaths"]
        : ["hdfsDataNode", ...rest];
    default:
      return ["hdfsNameNode", ...argPath];
  }
}
