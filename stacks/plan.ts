// What a validated stack config means for the cluster: which labels go on which node, and the component
// arguments of each DaemonSet.
import type { HdfsNameNodeArgs } from "../components/hdfsNameNode";
import { hdfsNameNodeDefaults } from "../components/hdfsNameNode";
import { NodeExporterArgs, nodeExporterDefaults } from "../components/nodeExporter";
import { compareNodeNames, nodesSelectedBy, StackConfig } from "./config";

export interface StackPlan {
  /** node -> labels the program applies (nodes in natural order; nodes with no labels left out). */
  labelPlan: Record<string, Record<string, string>>;
  labelFieldManager: string;
  nodeExporter?: NodeExporterArgs;
  hdfsNameNode?: HdfsNameNodeArgs;
}

export function planStack(config: StackConfig): StackPlan {
  const labelPlan: Record<string, Record<string, string>> = {};
  for (const node of Object.keys(config.nodeLabels).sort(compareNodeNames)) {
    const labels = config.nodeLabels[node];
    if (Object.keys(labels).length > 0) {
      labelPlan[node] = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return {
    labelPlan,
    labelFieldManager: config.labelFieldManager,
    nodeExporter: config.nodeExporter.enabled ? nodeExporterArgs(config.nodeExporter) : undefined,
    hdfsNameNode: config.hdfsNameNode.enabled ? hdfsNameNodeArgs(config.hdfsNameNode, labelPlan) : undefined,
  };
}

function nodeExporterArgs(c: StackConfig["nodeExporter"]): NodeExporterArgs {
  const { enabled: _enabled, nodeSelector, tolerations, hostRootPropagation, ...rest } = c;
  const placement =
    nodeSelector !== undefined || tolerations !== undefined
      ? { ...(nodeSelector !== undefined ? { nodeSelector } : {}), ...(tolerations !== undefined ? { tolerations } : {}) }
      : undefined;
  return {
    ...rest,
    ...(hostRootPropagation !== undefined ? { hostRootPropagation: hostRootPropagation === "None" ? null : hostRootPropagation } : {}),
    ...(placement ? { placement: withDefaultPlacement(placement) } : {}),
  };
}

function withDefaultPlacement(p: NonNullable<NodeExporterArgs["placement"]>): NonNullable<NodeExporterArgs["placement"]> {
  // A partial placement in config overrides only what it names.
  return { ...nodeExporterDefaults.placement, ...p };
}

function hdfsNameNodeArgs(c: StackConfig["hdfsNameNode"], labelPlan: StackPlan["labelPlan"]): HdfsNameNodeArgs {
  const { enabled: _enabled, selectorLabelsManagedExternally: _external, ...rest } = c;
  const selector = c.nodeSelector ?? hdfsNameNodeDefaults.nodeSelector;
  return { ...rest, hosts: nodesSelectedBy(labelPlan, selector) };
}
