// Stack config -> component arguments, each laid over its component's defaults by the component's own
// `resolve…Args()` (the merge rules: components/defaults.ts). The config's cross-checks and the plan both read
// these values, so a default is applied in one place and every reader sees the same one.
import { definedOnly } from "../components/hostDaemonSet";
import { resolveHdfsDataNodeArgs } from "../components/hdfsDataNode";
import { resolveHdfsJournalNodeArgs } from "../components/hdfsJournalNode";
import { resolveHdfsNameNodeArgs } from "../components/hdfsNameNode";
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
 * The HDFS roles' arguments from their config. The JournalNodes and DataNodes run the NameNode's Hadoop
 * (image, pull policy) in its namespace; JournalNodes also take the NameNode's node selector and tolerations
 * unless their config names their own.
 */
export function hdfsRoleArgs(config: StackConfig) {
  const { enabled: _nn, selectorLabelsManagedExternally: _external, ...nnConfig } = config.hdfsNameNode;
  const nn = resolveHdfsNameNodeArgs(nnConfig);
  const hadoop = { image: nn.image, imagePullPolicy: nn.imagePullPolicy, namespace: nn.namespace };
  const jn = resolveHdfsJournalNodeArgs({
    ...hadoop,
    nodeSelector: nn.nodeSelector,
    tolerations: nn.tolerations,
    ...definedOnly(config.hdfsJournalNode),
  });
  const { enabled: _dn, ...dnConfig } = config.hdfsDataNode;
  const dn = resolveHdfsDataNodeArgs({ ...hadoop, ...definedOnly(dnConfig) });
  return { nn, jn, dn };
}
