// Where the HDFS roles run, as the config decides it: the configured nodes a selector picks, in natural order.
import { hdfsRoleArgs } from "./args";
import type { StackConfig } from "./configSchema";

/** The HDFS roles' hosts as the config decides them (label plan order). */
export interface HdfsTopology {
  /** NameNode hosts (empty when the NameNode is disabled). */
  nameNodeHosts: string[];
  /** 2-5 NameNodes: one HA nameservice (with JournalNodes). */
  ha: boolean;
  /** The JournalNodes' selector: its own, or the NameNode's. */
  journalNodeSelector: Record<string, string>;
  /** Whether `journalNodeSelector` is the NameNode's (hdfsJournalNode.nodeSelector unset). */
  journalNodeSelectorIsNameNodes: boolean;
  /** JournalNode hosts (HA only). */
  journalNodeHosts: string[];
}

export function hdfsTopology(c: StackConfig): HdfsTopology {
  const { nn, jn } = hdfsRoleArgs(c);
  const nameNodeHosts = c.hdfsNameNode.enabled ? nodesSelectedBy(c.nodeLabels, nn.nodeSelector) : [];
  const ha = nameNodeHosts.length >= 2;
  const journalNodeSelector = jn.nodeSelector;
  return {
    nameNodeHosts,
    ha,
    journalNodeSelector,
    journalNodeSelectorIsNameNodes: c.hdfsJournalNode.nodeSelector === undefined,
    journalNodeHosts: ha ? nodesSelectedBy(c.nodeLabels, journalNodeSelector) : [],
  };
}

export function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** The configured nodes carrying every label of `selector`, sorted. */
export function nodesSelectedBy(nodeLabels: Record<string, Record<string, string>>, selector: Record<string, string>): string[] {
  return Object.keys(nodeLabels)
    .filter((node) => Object.entries(selector).every(([k, v]) => nodeLabels[node][k] === v))
    .sort(compareNodeNames);
}

/** node-2 before node-10. */
export function compareNodeNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
