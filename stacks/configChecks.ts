// What the schema cannot check key by key: checks across keys (placement that matches nothing, host ports and
// directories claimed twice, settings that contradict each other) and the warnings a valid config still deserves.
import { hdfsSiteDefaults } from "../components/hadoopConfig";
import { imageVersion } from "../components/labels";
import { nodeExporterFilesystemExclusions } from "../components/nodeExporter";
import { hdfsRoleArgs, nodeExporterArgs } from "./args";
import { configKey } from "./configErrors";
import type { StackConfig } from "./configSchema";
import { formatSelector, hdfsTopology, nodesSelectedBy } from "./topology";

/** What a valid config still deserves a word about (pulumi.log.warn), each naming its config key. */
export function configWarnings(c: StackConfig): string[] {
  const t = hdfsTopology(c);
  const warnings: string[] = [];
  const ne = c.nodeExporter;
  const reviewed = nodeExporterFilesystemExclusions.reviewedFor;
  if (ne.enabled && ne.image !== undefined && ne.collectorArgs === undefined && imageVersion(ne.image) !== reviewed) {
    warnings.push(
      `${configKey(["nodeExporter", "image"])}: the filesystem exclusions replace node_exporter's own defaults and were ` +
        `taken from ${reviewed}, not ${imageVersion(ne.image)}; compare them with that version's defaults ` +
        `(or set nodeExporter.collectorArgs)`,
    );
  }
  const n = t.journalNodeHosts.length;
  if (t.ha && n >= 3 && n % 2 === 0) {
    warnings.push(
      `${configKey(["hdfsJournalNode", "nodeSelector"])}: ${n} JournalNodes (${t.journalNodeHosts.join(", ")}) tolerate no more failures ` +
        `than ${n - 1} (a majority of ${n} is ${n / 2 + 1}); an odd count is the usual choice`,
    );
  }
  return warnings;
}

export type Issue = { path: PropertyKey[]; message: string };

/** Checks across keys: placement that matches nothing, host ports claimed twice. */
export function crossChecks(c: StackConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [node, keys] of Object.entries(c.nodeLabelTakeover)) {
    keys.forEach((key, i) => {
      if (c.nodeLabels[node]?.[key] === undefined) {
        issues.push({
          path: ["nodeLabelTakeover", node, i],
          message: `"${key}" is not a label that nodeLabels.${node} sets; only labels the stack applies can be taken over`,
        });
      }
    });
  }
  if (c.nodeExporter.rbacProxy && c.nodeExporter.serviceAccount === false) {
    issues.push({
      path: ["nodeExporter", "rbacProxy"],
      message: "kube-rbac-proxy needs the component's ServiceAccount (its RBAC is bound to it): leave nodeExporter.serviceAccount on",
    });
  }
  // The values the components will run with (config over defaults, resolved once by each component).
  const ne = { ...nodeExporterArgs(c.nodeExporter), enabled: c.nodeExporter.enabled };
  const roles = hdfsRoleArgs(c);
  const collectors = ne.collectors ?? {};
  if (ne.hostRoot === false && collectors.filesystem !== false) {
    issues.push({
      path: ["nodeExporter", "hostRoot"],
      message:
        "without the host's / the filesystem collector reads the host's mount table but measures paths inside the " +
        "container, so every disk metric is wrong: also set nodeExporter.collectors.filesystem to false, or keep hostRoot " +
        "(where / is not a shared mount, set nodeExporter.hostRootPropagation to None instead)",
    });
  }
  if (ne.textfileDirectory !== undefined && collectors.textfile === false) {
    issues.push({
      path: ["nodeExporter", "textfileDirectory"],
      message: "is mounted for the textfile collector, which nodeExporter.collectors.textfile switches off; remove one of the two",
    });
  }
  const nn = { ...roles.nn, enabled: c.hdfsNameNode.enabled, zookeeperQuorum: c.hdfsNameNode.zookeeperQuorum };
  const ports = roles.ports;
  if (nn.enabled && !c.hdfsNameNode.selectorLabelsManagedExternally) {
    const selector = nn.nodeSelector;
    if (nodesSelectedBy(c.nodeLabels, selector).length === 0) {
      issues.push({
        path: ["hdfsNameNode", "nodeSelector"],
        message:
          `${formatSelector(selector)} matches no node in nodeLabels, so the NameNode would run nowhere; ` +
          `label a node with it (pulumi config set --path 'nodeLabels.<node>.<key>' <value>) or set ` +
          `hdfsNameNode.selectorLabelsManagedExternally to true if the labels are set outside this program`,
      });
    }
  }
  const t = hdfsTopology(c);
  const jn = roles.jn;
  const dn = roles.dn;
  if (nn.enabled && t.nameNodeHosts.length > hdfsSiteDefaults.maxNameNodes) {
    issues.push({
      path: ["hdfsNameNode", "nodeSelector"],
      message:
        `${formatSelector(nn.nodeSelector)} selects ${t.nameNodeHosts.length} nodes in nodeLabels ` +
        `(${t.nameNodeHosts.join(", ")}); an HA nameservice has at most ${hdfsSiteDefaults.maxNameNodes} NameNodes (Hadoop recommends 3): ` +
        `remove the label from ${t.nameNodeHosts.length - hdfsSiteDefaults.maxNameNodes} of them`,
    });
  }
  if (t.ha && t.journalNodeHosts.length < 3) {
    const n = t.journalNodeHosts.length;
    const selector = formatSelector(t.journalNodeSelector);
    issues.push({
      path: ["hdfsJournalNode", "nodeSelector"],
      message:
        `${t.nameNodeHosts.length} NameNodes form an HA nameservice, whose shared edits need a quorum of at least 3 JournalNodes, ` +
        `but ${selector}${t.journalNodeSelectorIsNameNodes ? " (the NameNode's selector, the default)" : ""} selects ${n} node${n === 1 ? "" : "s"} ` +
        `in nodeLabels${n > 0 ? ` (${t.journalNodeHosts.join(", ")})` : ""}: ` +
        (t.journalNodeSelectorIsNameNodes
          ? `label a third host for JournalNodes (e.g. pulumi config set --path 'nodeLabels.<node>.hdfs-journalnode' "true" on 3 nodes) ` +
            `and set hdfsJournalNode.nodeSelector to that label, or label a third NameNode host`
          : `label ${3 - n} more node${3 - n === 1 ? "" : "s"} with ${selector} (pulumi config set --path 'nodeLabels.<node>.<key>' <value>)`),
    });
  }
  if (nn.zookeeperQuorum && nn.enabled && !t.ha && t.nameNodeHosts.length > 0) {
    issues.push({
      path: ["hdfsNameNode", "zookeeperQuorum"],
      message: `automatic failover needs an HA nameservice (2-${hdfsSiteDefaults.maxNameNodes} NameNode hosts), but the NameNode runs on ${t.nameNodeHosts.length} host; label more hosts or remove the key`,
    });
  }
  // Host paths: a directory of one HDFS role must not be another's (they can share a node).
  if (nn.enabled) {
    const dirs: { dir: string; path: PropertyKey[] }[] = [
      { dir: nn.nameDirHostPath, path: ["hdfsNameNode", "nameDirHostPath"] },
      ...(t.ha ? [{ dir: jn.editsDirHostPath, path: ["hdfsJournalNode", "editsDirHostPath"] }] : []),
      ...(dn
        ? dn.dataDirHostPaths.map((dir, i) => ({
            dir,
            path: c.hdfsDataNode.dataDirHostPaths ? ["hdfsDataNode", "dataDirHostPaths", i] : ["hdfsDataNode", "dataDirHostPaths"],
          }))
        : []),
    ];
    dirs.forEach((d, i) => {
      const other = dirs.findIndex((o, j) => j !== i && (d.dir === o.dir || d.dir.startsWith(`${o.dir}/`)));
      if (other >= 0 && (d.dir !== dirs[other].dir || other < i)) {
        issues.push({ path: d.path, message: `${d.dir} is (inside) ${dirs[other].dir}, already used by ${configKey(dirs[other].path)}; each HDFS directory needs its own host path` });
      }
    });
  }
  const claims: { port: number; path: PropertyKey[]; owner: string }[] = [];
  if (ne.enabled && ne.hostPort !== false) {
    claims.push({ port: ne.port, path: ["nodeExporter", "port"], owner: "node-exporter metrics" });
  }
  if (ne.enabled && ne.rbacProxy) {
    // On the host network the proxy's health port is the node's, host port or not.
    claims.push({ port: ne.rbacProxyHealthPort, path: ["nodeExporter", "rbacProxyHealthPort"], owner: "kube-rbac-proxy health" });
  }
  if (nn.enabled) {
    claims.push({ port: ports.nameNodeRpc, path: ["hdfsNameNode", "rpcPort"], owner: "NameNode rpc" });
    claims.push({ port: ports.nameNodeHttp, path: ["hdfsNameNode", "httpPort"], owner: "NameNode http" });
    if (t.ha && nn.zookeeperQuorum) {
      claims.push({ port: ports.zkfc, path: ["hdfsNameNode", "zkfcPort"], owner: "ZKFC rpc" });
    }
    if (t.ha) {
      claims.push({ port: ports.journalNodeRpc, path: ["hdfsJournalNode", "rpcPort"], owner: "JournalNode rpc" });
      claims.push({ port: ports.journalNodeHttp, path: ["hdfsJournalNode", "httpPort"], owner: "JournalNode http" });
    }
    if (dn) {
      claims.push({ port: ports.dataNodeData, path: ["hdfsDataNode", "dataPort"], owner: "DataNode data" });
      claims.push({ port: ports.dataNodeHttp, path: ["hdfsDataNode", "httpPort"], owner: "DataNode http" });
      claims.push({ port: ports.dataNodeIpc, path: ["hdfsDataNode", "ipcPort"], owner: "DataNode ipc" });
    }
  }
  claims.forEach((claim, i) => {
    const first = claims.findIndex((other) => other.port === claim.port);
    if (first !== i) {
      issues.push({
        path: claim.path,
        message: `host port ${claim.port} is already claimed by the ${claims[first].owner} port (${configKey(claims[first].path)}); host ports must be unique per node`,
      });
    }
  });
  return issues;
}
