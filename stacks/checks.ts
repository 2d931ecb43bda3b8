// The checks that span components or config keys, over the plan (each component checks its own arguments when
// it is resolved): labels taken over that the stack does not set, explicit hosts without externally managed
// labels, host ports claimed by two DaemonSets; and the warnings a valid config still deserves.
import { hdfsHostPorts, hdfsJournalNodeHosts, hostPortConflicts, hostPortMessage } from "../components/hdfsCluster";
import { imageVersion } from "../components/labels";
import { nodeExporterFilesystemExclusions } from "../components/nodeExporter";
import { hdfsConfigPath, nodeExporterConfigPath } from "./args";
import { hdfsKeyPath } from "./config";
import { ConfigIssue, configKey } from "./configErrors";
import type { StackConfig } from "./configSchema";
import type { StackPlan } from "./plan";

/** The problems that span components or config keys. */
export function stackChecks(c: StackConfig, plan: StackPlan): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
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
  if (!c.hdfs.selectorLabelsManagedExternally) {
    for (const role of ["nameNode", "journalNode"] as const) {
      if (c.hdfs[role].hosts !== undefined) {
        issues.push({
          path: hdfsKeyPath(c, [role, "hosts"]),
          message: `is for labels managed outside this program (${configKey(hdfsKeyPath(c, ["selectorLabelsManagedExternally"]))}: true); otherwise the hosts are the nodes nodeLabels labels`,
        });
      }
    }
  }
  // Host ports across DaemonSets (each HDFS role's against the others' is the HDFS cluster's own check).
  type Claim = { port: number; path: PropertyKey[]; owner: string; component: string };
  const claims: Claim[] = [];
  const ne = plan.nodeExporter;
  if (ne && ne.hostPort) {
    claims.push({ port: ne.port, path: nodeExporterConfigPath(["port"]), owner: "node-exporter metrics", component: "nodeExporter" });
  }
  if (ne && ne.rbacProxy) {
    // On the host network the proxy's health port is the node's, host port or not.
    claims.push({ port: ne.rbacProxyHealthPort, path: nodeExporterConfigPath(["rbacProxyHealthPort"]), owner: "kube-rbac-proxy health", component: "nodeExporter" });
  }
  if (plan.hdfs) {
    claims.push(...hdfsHostPorts(plan.hdfs).map((claim) => ({ ...claim, path: hdfsConfigPath(claim.path, c), component: "hdfs" })));
  }
  for (const conflict of hostPortConflicts(claims)) {
    if (conflict.component === "hdfs" && conflict.first.component === "hdfs") continue;
    issues.push({ path: conflict.path, message: hostPortMessage(conflict.port, conflict.first.owner, configKey(conflict.first.path)) });
  }
  return issues;
}

/** What a valid config still deserves a word about (pulumi.log.warn), each naming its config key. */
export function stackWarnings(c: StackConfig, plan: StackPlan): string[] {
  const warnings: string[] = [];
  const ne = c.nodeExporter;
  const reviewed = nodeExporterFilesystemExclusions.reviewedFor;
  if (plan.nodeExporter && ne.image !== undefined && ne.collectorArgs === undefined && imageVersion(ne.image) !== reviewed) {
    warnings.push(
      `${configKey(["nodeExporter", "image"])}: the filesystem exclusions replace node_exporter's own defaults and were ` +
        `taken from ${reviewed}, not ${imageVersion(ne.image)}; compare them with that version's defaults ` +
        `(or set nodeExporter.collectorArgs)`,
    );
  }
  const hdfs = plan.hdfs;
  const journalNodes = hdfs ? hdfsJournalNodeHosts(hdfs) : [];
  const n = journalNodes.length;
  if (n >= 3 && n % 2 === 0) {
    warnings.push(
      `${configKey(hdfsKeyPath(c, ["journalNode", c.hdfs.journalNode.hosts ? "hosts" : "nodeSelector"]))}: ${n} JournalNodes (${journalNodes.join(", ")}) tolerate no more failures ` +
        `than ${n - 1} (a majority of ${n} is ${n / 2 + 1}); an odd count is the usual choice`,
    );
  }
  if (hdfs && c.hdfs.security.mode !== "kerberos") {
    warnings.push(
      `${configKey(hdfsKeyPath(c, ["security", "mode"]))} is simple: any client that reaches a node is believed as any user, ` +
        `the superuser included (Kerberos: docs/hdfs.md, "Security")`,
    );
  }
  return [...c.deprecations, ...warnings];
}
