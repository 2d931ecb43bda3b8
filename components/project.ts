// The project's name, and the annotations the policy pack reads, each written once: everything else (the
// recommended labels, the config namespace, the policy pack, the tests and scripts) takes them from here.
// No imports, so that the policy pack can read it without loading the Pulumi SDK.

/** The Pulumi project's name (Pulumi.yaml `name`): its config namespace and `app.kubernetes.io/part-of`. */
export const project = "k8s-daemonsets";

/** Annotations (on the workload object's metadata) that declare what a workload is allowed; policy/ checks them. */
export const policyAnnotations = {
  /** Comma list of `network`, `pid`, `ipc`, `hostPath`: the host namespaces and hostPath volumes it needs. */
  hostAccess: `${project}/host-access`,
  /** Comma list of volume names: hostPath volumes that may be mounted writable. */
  dataDirectories: `${project}/data-directories`,
  /** Comma list of Linux capabilities (`CHOWN`, `NET_ADMIN`, …) its containers may add. */
  capabilities: `${project}/capabilities`,
  /** `"true"`: the DaemonSet may use updateStrategy OnDelete. */
  allowOnDelete: `${project}/allow-on-delete`,
} as const;

/**
 * The Pulumi type token of each of the project's components (`<project>:index:<Name>`). Part of every child's
 * URN: renaming one would make an existing stack replace everything under it (the tests keep the literals).
 */
export const componentTypes = {
  nodeExporter: `${project}:index:NodeExporterDaemonSet`,
  nodeLabels: `${project}:index:NodeLabels`,
  hdfsCluster: `${project}:index:HdfsCluster`,
  hdfsNameNode: `${project}:index:HdfsNameNodeDaemonSet`,
  hdfsJournalNode: `${project}:index:HdfsJournalNodeDaemonSet`,
  hdfsDataNode: `${project}:index:HdfsDataNodeDaemonSet`,
} as const;
