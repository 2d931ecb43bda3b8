// The library's entry point: the components and their typed arguments, defaults and resolvers. Importing it
// registers nothing (no resource, no stack output, no config read); resources exist once a caller constructs a
// component in its own Pulumi program.
export {
  NodeExporterDaemonSet,
  nodeExporterDefaults,
  nodeExporterDefaultAffinity,
  nodeExporterFilesystemExclusions,
  filesystemExclusionArgs,
  nodeExporterSettings,
  nodeExporterRuleGroups,
  nodeMixinConfig,
  resolveNodeExporterArgs,
  rbacProxyTlsCipherSuites,
} from "./nodeExporter";
export type { NodeExporterArgs, NodeExporterResolvedArgs, FilesystemExclusions, ExclusionList } from "./nodeExporter";

export { HdfsCluster, hdfsClusterDefaults, hdfsClusterRoleSettings, hdfsClusterSettings, hdfsClusterSite, resolveHdfsClusterArgs } from "./hdfsCluster";
export type { HdfsClusterArgs, HdfsClusterResolvedArgs } from "./hdfsCluster";
export { HdfsNameNodeDaemonSet, hdfsNameNodeDefaults, hdfsNameNodeSettings, resolveHdfsNameNodeArgs } from "./hdfsNameNode";
export type { HdfsNameNodeArgs } from "./hdfsNameNode";
export { HdfsJournalNodeDaemonSet, hdfsJournalNodeDefaults, hdfsJournalNodeSettings, resolveHdfsJournalNodeArgs } from "./hdfsJournalNode";
export type { HdfsJournalNodeArgs } from "./hdfsJournalNode";
export { HdfsDataNodeDaemonSet, hdfsDataNodeDefaults, hdfsDataNodeSettings, resolveHdfsDataNodeArgs } from "./hdfsDataNode";
export type { HdfsDataNodeArgs } from "./hdfsDataNode";
export { hdfsSite, hdfsCommonDefaults, hdfsRoleSettings } from "./hdfsShared";
export type { HdfsSite } from "./hdfsShared";
export { hdfsSecuritySettings, keytabPrincipals, principalsInKeytab, servicePrincipal } from "./hdfsSecurity";
export type { HdfsKerberos, HdfsRole } from "./hdfsSecurity";
export { hdfsSiteDefaults, renderHadoopXml } from "./hadoopConfig";
export type { HadoopProperties, HdfsSiteArgs, HdfsSiteFacts, HdfsPorts } from "./hadoopConfig";

export { NodeLabels, nodeLabelsDefaults, labelFieldManagerAnnotation } from "./nodeLabels";
export type { NodeLabelsArgs } from "./nodeLabels";

export { tolerateEverything } from "./hostDaemonSet";
export type { HostWorkloadArgs, Placement, UpdateStrategy } from "./hostDaemonSet";
export { mergeDefaults } from "./defaults";
export { ruleFile } from "./monitoring";
export type { Rule, RuleGroup } from "./monitoring";
export { componentTypes } from "./project";
