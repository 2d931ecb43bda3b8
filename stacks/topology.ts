// Where the HDFS roles run: the nodes a role's (resolved) node selector picks, in natural order, from the
// stack's node labels or, where the labels are managed outside the stack, from the cluster's nodes.
import { matchesSelector } from "../components/labels";

/** The HDFS roles' hosts, and where they were found (for messages). */
export interface HdfsTopology {
  /** NameNode hosts. */
  nameNodeHosts: string[];
  /** 2-5 NameNodes: one HA nameservice (with JournalNodes). */
  ha: boolean;
  /** JournalNode hosts (HA only). */
  journalNodeHosts: string[];
}

/** node -> labels: the stack's `nodeLabels`, or the cluster's nodes' labels. */
export type NodeLabelMap = Record<string, Record<string, string>>;

/** The roles' hosts: the nodes of `nodes` their selectors pick (JournalNodes in HA only). */
export function hdfsTopology(nodes: NodeLabelMap, selectors: { nameNode: Record<string, string>; journalNode: Record<string, string> }): HdfsTopology {
  const nameNodeHosts = nodesSelectedBy(nodes, selectors.nameNode);
  const ha = nameNodeHosts.length >= 2;
  return { nameNodeHosts, ha, journalNodeHosts: ha ? nodesSelectedBy(nodes, selectors.journalNode) : [] };
}

export function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** The nodes carrying every label of `selector`, sorted. */
export function nodesSelectedBy(nodes: NodeLabelMap, selector: Record<string, string>): string[] {
  return Object.keys(nodes)
    .filter((node) => matchesSelector(nodes[node], selector))
    .sort(compareNodeNames);
}

/** node-2 before node-10. */
export function compareNodeNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
