// The HDFS cluster on its hosts: the nodes its roles' node selectors pick, from the stack's node labels (plan.ts)
// or, with hdfs.selectorLabelsManagedExternally, from the cluster's nodes (preflight.ts). The cluster
// checks its own hosts (HdfsCluster: at most 5 NameNodes, a JournalNode quorum, ZooKeeper only with HA); this
// module says which selector picked them, and where, and what to change.
import { ArgsPath, ComponentArgsError, issueMessage } from "../components/defaults";
import { hdfsSiteDefaults } from "../components/hadoopConfig";
import { HdfsClusterResolvedArgs, hdfsClusterOnHosts } from "../components/hdfsCluster";
import { hdfsConfigPath } from "./args";
import { hdfsKeyPath } from "./config";
import { ConfigIssue, configKey } from "./configErrors";
import type { StackConfig } from "./configSchema";
import { HdfsTopology, NodeLabelMap, formatSelector, hdfsTopology } from "./topology";

/** Where a stack's HDFS hosts come from. */
export type HdfsHostSource =
  /** The nodes `nodeLabels` labels. */
  | "nodeLabels"
  /** The cluster's nodes that carry the selectors' labels, read at preflight (selectorLabelsManagedExternally). */
  | "cluster";

/** How a source is named in messages, and how a label is put on a node there. */
const sources: Record<HdfsHostSource, { where: string; label: (selector: string) => string }> = {
  nodeLabels: { where: "in nodeLabels", label: () => "pulumi config set --path 'nodeLabels.<node>.<key>' <value>" },
  cluster: { where: "in the cluster", label: (selector) => `kubectl label node <node> ${selector.replace(/,/g, " ")}` },
};

/** The node selectors the roles were resolved with. */
export function hdfsSelectors(hdfs: HdfsClusterResolvedArgs) {
  return { nameNode: hdfs.nameNode.nodeSelector, journalNode: hdfs.journalNode.nodeSelector };
}

/**
 * The cluster placed on the hosts its selectors pick from `nodes` (explicit hosts from the config win), or the
 * problems that placement has, under the config keys to change.
 */
export function placeHdfs(
  hdfs: HdfsClusterResolvedArgs,
  nodes: NodeLabelMap,
  source: HdfsHostSource,
  config: StackConfig,
): { hdfs?: HdfsClusterResolvedArgs; topology: HdfsTopology; issues: ConfigIssue[] } {
  const selectors = hdfsSelectors(hdfs);
  const picked = hdfsTopology(nodes, selectors);
  const nameNodeHosts = config.hdfs.nameNode.hosts ?? picked.nameNodeHosts;
  const ha = nameNodeHosts.length >= 2;
  // JournalNodes: the configured hosts; else, on the NameNode's selector (the default), the NameNode hosts.
  const journalNodeHosts = !ha ? [] : config.hdfs.journalNode.hosts ?? (config.hdfs.journalNode.nodeSelector === undefined ? nameNodeHosts : picked.journalNodeHosts);
  const topology = { nameNodeHosts, ha, journalNodeHosts };
  const s = sources[source];
  const issues: ConfigIssue[] = [];
  if (nameNodeHosts.length === 0) {
    const selector = formatSelector(selectors.nameNode);
    issues.push({
      path: hdfsKeyPath(config, ["nameNode", "nodeSelector"]),
      message:
        `${selector} matches no node ${s.where}, so the NameNode would run nowhere; label a node with it (${s.label(selector)})` +
        (source === "nodeLabels" ? ` or set ${configKey(hdfsKeyPath(config, ["selectorLabelsManagedExternally"]))} to true if the labels are set outside this program` : ""),
    });
    return { topology, issues };
  }
  try {
    return { hdfs: hdfsClusterOnHosts(hdfs, { nameNodeHosts, journalNodeHosts: ha ? journalNodeHosts : undefined }), topology, issues };
  } catch (e) {
    if (!(e instanceof ComponentArgsError)) throw e;
    const name = (p: ArgsPath) => configKey(hdfsConfigPath(p, config));
    for (const issue of e.issues) {
      issues.push({ path: hdfsConfigPath(issue.path, config), message: issueMessage(issue, name) + advice(issue.path, topology, selectors, source, config) });
    }
    return { topology, issues };
  }
}

/** What to change about a host problem: which selector picked the hosts, where, and how to fix it. */
function advice(path: ArgsPath, t: HdfsTopology, selectors: ReturnType<typeof hdfsSelectors>, source: HdfsHostSource, config: StackConfig): string {
  const s = sources[source];
  const explicit = (role: "nameNode" | "journalNode") => config.hdfs[role].hosts !== undefined;
  const key = (...p: string[]) => configKey(hdfsKeyPath(config, p));
  switch (path[0]) {
    case "nameNodeHosts": {
      if (explicit("nameNode")) return `: list fewer in ${key("nameNode", "hosts")}`;
      return `: ${formatSelector(selectors.nameNode)} selects them ${s.where}: remove the label from ${t.nameNodeHosts.length - hdfsSiteDefaults.maxNameNodes} of them`;
    }
    case "journalNodeHosts": {
      if (explicit("journalNode")) return `: list at least 3 in ${key("journalNode", "hosts")}`;
      const selector = formatSelector(selectors.journalNode);
      const defaulted = config.hdfs.journalNode.nodeSelector === undefined;
      const n = t.journalNodeHosts.length;
      return (
        `: ${selector}${defaulted ? " (the NameNode's selector, the default)" : ""} selects ${n} node${n === 1 ? "" : "s"} ${s.where}: ` +
        (defaulted
          ? `label a third host for JournalNodes (e.g. label 3 nodes hdfs-journalnode=true: ${s.label("hdfs-journalnode=true")}) ` +
            `and set ${key("journalNode", "nodeSelector")} to that label, or label a third NameNode host`
          : `label ${3 - n} more node${3 - n === 1 ? "" : "s"} with ${selector} (${s.label(selector)})`)
      );
    }
    case "zookeeperQuorum":
      return "; label more hosts or remove the key";
    default:
      return "";
  }
}

/**
 * With labels managed outside the stack and hosts listed in the config: a listed host that does not carry its
 * role's labels (its DaemonSet would not run there), and a labelled node that is not listed (its DaemonSet would
 * run a daemon there that the configuration does not name).
 */
export function explicitHostIssues(hdfs: HdfsClusterResolvedArgs, nodes: NodeLabelMap, config: StackConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const selectors = hdfsSelectors(hdfs);
  const roles = [
    { role: "nameNode" as const, what: "NameNode", selector: selectors.nameNode },
    { role: "journalNode" as const, what: "JournalNode", selector: selectors.journalNode },
  ];
  for (const { role, what, selector } of roles) {
    const listed = config.hdfs[role].hosts;
    if (listed === undefined) continue;
    const labelled = hdfsTopology(nodes, { nameNode: selector, journalNode: selector }).nameNodeHosts;
    const s = formatSelector(selector);
    listed.forEach((host, i) => {
      if (!labelled.includes(host)) {
        issues.push({
          path: hdfsKeyPath(config, [role, "hosts", i]),
          message: `node ${host} does not carry ${s} in the cluster, so the ${what}'s DaemonSet does not run there: label it (kubectl label node ${host} ${s.replace(/,/g, " ")}) or remove it from the list`,
        });
      }
    });
    for (const host of labelled.filter((h) => !listed.includes(h))) {
      issues.push({
        path: hdfsKeyPath(config, [role, "hosts"]),
        message: `node ${host} carries ${s}, so the ${what}'s DaemonSet runs a ${what} there that the HDFS configuration does not name: add it to the list or remove its label`,
      });
    }
  }
  return issues;
}
