// Wiring only: the stack's config, validated as a whole, decides the node labels and the DaemonSets; the
// cluster is checked for what the stack must not take over before anything is registered.
import * as pulumi from "@pulumi/pulumi";
import { HdfsCluster } from "./components/hdfsCluster";
import { stackIdentity } from "./components/labels";
import { NodeExporterDaemonSet } from "./components/nodeExporter";
import { NodeLabels } from "./components/nodeLabels";
import { kubernetesApiReader } from "./stacks/kubernetesApi";
import type { ApiReader } from "./stacks/preflight";
import { stackPlan } from "./stacks/program";

export = async function main(cluster?: ApiReader) {
  const plan = await stackPlan(pulumi.runtime.allConfig(), cluster ?? kubernetesApiReader(), stackIdentity());
  for (const warning of plan.warnings) {
    pulumi.log.warn(warning);
  }

  const nodeLabels = new NodeLabels("node-labels", { plan: plan.labelPlan, fieldManager: plan.labelFieldManager, takeOver: plan.labelTakeover });
  // The DaemonSets wait for the labels, so that `pulumi up` returns once pods run where the labels put them.
  const labelPatches = Object.values(nodeLabels.patches);

  const nodeExporter = plan.nodeExporter
    ? new NodeExporterDaemonSet("node-exporter", plan.nodeExporter, { dependsOn: labelPatches })
    : undefined;
  // One HDFS cluster: its namespace, one rendered site, the NameNode, JournalNode and DataNode roles.
  const hdfs = plan.hdfs ? new HdfsCluster("hdfs", plan.hdfs, { dependsOn: labelPatches }) : undefined;
  const nameNode = hdfs?.nameNode;
  const journalNodes = hdfs?.journalNode;
  const dataNodes = hdfs?.dataNode;

  /** node -> labels this program applies. */
  const labelPlan = plan.labelPlan;
  /** Per DaemonSet: where its pods are expected. */
  const placement = {
    nodeExporter: nodeExporter && {
      daemonSet: nodeExporter.daemonSet.metadata.name,
      namespace: nodeExporter.namespace,
      nodes: "every node matching the node selector, tainted ones included when every taint is tolerated",
      nodeSelector: nodeExporter.placement.nodeSelector ?? {},
      tolerations: nodeExporter.placement.tolerations ?? [],
    },
    hdfsNameNode: nameNode && {
      daemonSet: nameNode.daemonSet.metadata.name,
      namespace: hdfs?.namespace,
      nodes: hdfs?.site.nameNodeHosts ?? [],
      nodeSelector: nameNode.placement.nodeSelector ?? {},
    },
    hdfsJournalNode: journalNodes && {
      daemonSet: journalNodes.daemonSet.metadata.name,
      namespace: hdfs?.namespace,
      nodes: hdfs?.site.journalNodeHosts ?? [],
      nodeSelector: journalNodes.placement.nodeSelector ?? {},
    },
    hdfsDataNode: dataNodes && {
      daemonSet: dataNodes.daemonSet.metadata.name,
      namespace: hdfs?.namespace,
      nodes: "every node matching the node selector whose taints are tolerated",
      nodeSelector: dataNodes.placement.nodeSelector ?? {},
      tolerations: dataNodes.placement.tolerations ?? [],
    },
  };
  const hdfsConfig = hdfs && {
    nameservice: hdfs.site.nameservice ?? null,
    nameNodes: hdfs.site.nameNodes,
    journalNodes: hdfs.site.journalNodeHosts,
    automaticFailover: hdfs.site.automaticFailover,
    formatHost: hdfs.nameNode.formatHost,
    /** /etc/hosts entries an HDFS client pod needs (hdfs.hostResolution: nodeAddresses). */
    hostAliases: hdfs.site.hostAliases,
    coreSiteXml: hdfs.site.coreSiteXml,
    hdfsSiteXml: hdfs.site.hdfsSiteXml,
  };

  // The stack's outputs.
  return { labelPlan, placement, hdfsConfig, stack: pulumi.getStack() };
};
