// Stack config -> component arguments, as given (each component resolves its own over its defaults, once: see
// plan.ts), and the config key of a component argument, for the problems a component reports. The config keys
// of a component are its settings (components/settings.ts), so both ways are the same path but for the keys
// only a stack has and the keys that moved (config.ts).
import type { HdfsClusterArgs } from "../components/hdfsCluster";
import type { NodeExporterArgs } from "../components/nodeExporter";
import { hdfsKeyPath } from "./config";
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

/** The HDFS cluster's arguments from `hdfs`: its settings as they are, without the stack's own keys; no hosts (the plan places it). */
export function hdfsClusterArgs(config: StackConfig): HdfsClusterArgs {
  const {
    enabled: _enabled, selectorLabelsManagedExternally: _external, hostResolution: _resolution,
    nameNode: { hosts: _nameNodeHosts, ...nameNode }, journalNode: { hosts: _journalNodeHosts, ...journalNode }, ...cluster
  } = config.hdfs;
  return { ...cluster, rolloutTimeoutSeconds: config.rolloutTimeoutSeconds, nameNode, journalNode };
}

/**
 * The config key path of an HDFS cluster argument: the same path under `hdfs` (as the config gave it). The hosts
 * are the roles' node selectors' (where the stack takes them from); a default list (a data directory of the
 * default `dataDirHostPaths`) is named without its index.
 */
export function hdfsConfigPath(argPath: PropertyKey[], config: StackConfig): PropertyKey[] {
  const [first, ...rest] = argPath;
  switch (first) {
    case "nameNodeHosts":
      return hdfsKeyPath(config, ["nameNode", "nodeSelector"]);
    case "journalNodeHosts":
      return hdfsKeyPath(config, ["journalNode", "nodeSelector"]);
    case "dataNode":
      return rest[0] === "dataDirHostPaths" && config.hdfs.dataNode.dataDirHostPaths === undefined
        ? hdfsKeyPath(config, ["dataNode", "dataDirHostPaths"])
        : hdfsKeyPath(config, argPath);
    default:
      return hdfsKeyPath(config, argPath);
  }
}
