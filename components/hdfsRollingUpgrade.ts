// Hadoop's rolling upgrade (HdfsRollingUpgrade) of a running cluster. A DaemonSet's own RollingUpdate cannot take
// a standby NameNode before the active, fail over between them, or stop a DataNode with `-shutdownDatanode …
// upgrade`; so while a version change is under way the cluster's DaemonSets update only deleted pods (OnDelete)
// and a Job the cluster creates deletes them in the guide's order (assets/hdfs-rolling-upgrade.sh), each time
// waiting until the replacement serves. `pulumi up` returns when it is done, or fails naming the step. The Job
// runs as the NameNodes' principal (the superuser, like the decommission Job) with a ServiceAccount that may only
// list and delete the namespace's pods. The NameNodes start with `-rollingUpgrade started` while the upgrade is
// not finalized (assets/namenode-start.sh); the DataNodes' preStop hook stops them the upgrade's way
// (assets/datanode-prestop.sh). Finalized only when `finalizeUpgrade` says so: until then a rolling downgrade
// (the version set back) is possible.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { nameNodeId } from "./hadoopConfig";
import { HdfsNameNodeJobArgs, hdfsConfigMap, hdfsContainer, hdfsNameNodeJobPod, hdfsScriptsDir, jmxLibrary, readinessScript, servingEndpoint } from "./hdfsShared";
import { HdfsRole } from "./hdfsSecurity";
import { hostAccessAnnotations } from "./hostDaemonSet";
import { imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";
import { setting } from "./settings";

import Input = k8s.types.input.core.v1;

/** DataNode pods assumed when the cluster did not say how many there are (`upgradeDataNodePods`). */
const assumedDataNodePods = 10;

/** The cluster's rolling-upgrade settings (components/settings.ts). */
export const rollingUpgradeSettings = {
  /**
   * Finalize the rolling upgrade once every daemon runs its version (`hdfs dfsadmin -rollingUpgrade finalize`).
   * Until then the NameNodes keep the rollback image and a rolling downgrade (the version set back) is possible;
   * set it after checking the new version, or together with the version to finalize in the same update.
   */
  finalizeUpgrade: setting(z.boolean(), { default: false }),
  /** DataNodes restarted at once during a rolling upgrade: fewer than `replication`, so every block stays readable. */
  upgradeDataNodesAtOnce: setting(z.number().int().min(1, "must be at least 1"), { default: 1 }),
  /** How long a rolling upgrade waits for each replaced pod to serve before it fails. */
  upgradePodTimeoutSeconds: setting(z.number().int().min(60, "must be at least 60"), { default: 600 }),
  /**
   * Whether a rolling upgrade is under way (read from the cluster before the update: a deployed DaemonSet's
   * version differs from the plan's, or an OnDelete DaemonSet still has pods of another): the DaemonSets are then
   * OnDelete and the upgrade Job is part of the stack.
   */
  upgradeInProgress: setting(z.boolean(), { default: false, programOnly: true }),
  /**
   * Whether an upgrade to the plan's versions ran without being finalized (read from the cluster: its Job, of
   * `finalizeUpgrade` false, succeeded): the stack keeps that Job, the record of it, until `finalizeUpgrade` has a
   * Job finalize it.
   */
  upgradeUnfinalized: setting(z.boolean(), { default: false, programOnly: true }),
  /** The uid of the failed upgrade Job of the same plan (read from the cluster): its retry gets a new name. */
  upgradeRetryOf: setting(z.string(), { programOnly: true }),
  /**
   * The DataNode pods a rolling upgrade replaces (read from the cluster: the DataNode DaemonSet's
   * desiredNumberScheduled). The Job's deadline allows `upgradePodTimeoutSeconds` for each batch of them.
   */
  upgradeDataNodePods: setting(z.number().int().min(0), { programOnly: true, defaultDoc: `${assumedDataNodePods} (the cluster did not say)` }),
};

const driverScript = { name: "hdfs-rolling-upgrade.sh", text: fs.readFileSync(path.join(__dirname, "assets", "hdfs-rolling-upgrade.sh"), "utf8") };

/** The Hadoop version each role runs: its image's tag (the pods' `app.kubernetes.io/version` label). */
export interface RoleVersions {
  nameNode: string;
  journalNode?: string;
  dataNode?: string;
}

/** The versions of the roles' images. */
export function roleVersions(images: { nameNode: string; journalNode?: string; dataNode?: string }): RoleVersions {
  return {
    nameNode: imageVersion(images.nameNode),
    ...(images.journalNode ? { journalNode: imageVersion(images.journalNode) } : {}),
    ...(images.dataNode ? { dataNode: imageVersion(images.dataNode) } : {}),
  };
}

/**
 * The upgrade Job's name: the NameNode's, and a digest of the versions, `finalize` and the failed Job it retries
 * (a new target, a new Job; an unchanged one is not run again, except after a failure).
 */
export function rollingUpgradeJobName(nameNode: string, versions: RoleVersions, finalize: boolean, retryOf?: string): string {
  const key = JSON.stringify([versions.nameNode, versions.journalNode ?? "", versions.dataNode ?? "", finalize, retryOf ?? ""]);
  return `${nameNode}-rolling-upgrade-${crypto.createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

/**
 * Whether the cluster has the upgrade Job: while an upgrade is under way, and after one that ran unfinalized (kept
 * as its record; with `finalizeUpgrade`, a new Job that finalizes it).
 */
export function rollingUpgradeJobNeeded(a: { upgradeInProgress: boolean; upgradeUnfinalized: boolean }): boolean {
  return a.upgradeInProgress || a.upgradeUnfinalized;
}

/**
 * Whether a deployed role's DaemonSet says an upgrade is under way (preflight reads it; see `upgradeInProgress`). Its
 * version is its pods' `app.kubernetes.io/version` label or, on a DaemonSet deployed before the label, its image's tag.
 */
export function daemonSetUpgrading(
  deployed: {
    spec?: { updateStrategy?: { type?: string }; template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { image?: string }[] } } };
    status?: { desiredNumberScheduled?: number; updatedNumberScheduled?: number };
  } | undefined,
  version: string,
): boolean {
  if (!deployed) return false;
  const template = deployed.spec?.template;
  const image = template?.spec?.containers?.[0]?.image;
  if ((template?.metadata?.labels?.["app.kubernetes.io/version"] ?? (image ? imageVersion(image) : version)) !== version) return true;
  const { desiredNumberScheduled = 0, updatedNumberScheduled = desiredNumberScheduled } = deployed.status ?? {};
  return deployed.spec?.updateStrategy?.type === "OnDelete" && updatedNumberScheduled < desiredNumberScheduled;
}

/** What the upgrade Job runs with: the NameNodes' image, site, credentials and placement (the Job runs on one of their hosts), and its own. */
export interface RollingUpgradeArgs extends HdfsNameNodeJobArgs {
  /** The roles' names (their pods' selector labels) and the version each is to run; JournalNodes in HA only. */
  roles: { nameNode: string; journalNode?: string; dataNode?: string };
  versions: RoleVersions;
  /** HA: the NameNode hosts (their ids come from them). */
  nameNodeHosts: string[];
  /** HA: how many JournalNodes there are. */
  journalNodes: number;
  /** How many DataNode pods there are (default: `assumedDataNodePods`). */
  dataNodePods?: number;
  finalize: boolean;
  dataNodesAtOnce: number;
  podTimeoutSeconds: number;
  retryOf?: string;
}

/** A label selector as the API's `labelSelector` parameter takes it. */
function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}

/** The upgrade Job's environment (assets/hdfs-rolling-upgrade.sh). */
export function rollingUpgradeEnv(a: RollingUpgradeArgs): Input.EnvVar[] {
  const pods = (role: string, name?: string) => (name ? selectorString(selectorLabelsFor(`hdfs-${role}`, name)) : "");
  const web = (role: HdfsRole) => servingEndpoint(a.site, role).join(" ");
  const env: Record<string, string> = {
    NAMENODE_PODS: pods("namenode", a.roles.nameNode),
    JOURNALNODE_PODS: a.site.ha ? pods("journalnode", a.roles.journalNode) : "",
    DATANODE_PODS: pods("datanode", a.roles.dataNode),
    NAMENODE_VERSION: a.versions.nameNode,
    JOURNALNODE_VERSION: a.versions.journalNode ?? "",
    DATANODE_VERSION: a.versions.dataNode ?? "",
    NAMENODE_IDS: a.site.ha ? a.nameNodeHosts.map((h) => `${h}=${nameNodeId(h)}`).join(" ") : "",
    NAMESERVICE: a.site.ha ? a.site.nameservice ?? "" : "",
    JOURNALNODE_WEB: web("journalnode"),
    NAMENODE_WEB: web("namenode"),
    DATANODE_WEB: web("datanode"),
    DATANODES_AT_ONCE: String(a.dataNodesAtOnce),
    FINALIZE: String(a.finalize),
    POD_TIMEOUT_SECONDS: String(a.podTimeoutSeconds),
  };
  return [{ name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
}

/**
 * The Job's longest run: each step at its timeout (every NameNode twice: its restart and the failover; every
 * JournalNode; every batch of DataNodes; the prepare), and ten minutes to spare.
 */
export function rollingUpgradeDeadlineSeconds(a: Pick<RollingUpgradeArgs, "podTimeoutSeconds" | "nameNodeHosts" | "journalNodes" | "dataNodePods" | "dataNodesAtOnce">): number {
  const dataNodeBatches = Math.ceil((a.dataNodePods ?? assumedDataNodePods) / a.dataNodesAtOnce);
  return a.podTimeoutSeconds * (Math.max(a.nameNodeHosts.length, 1) * 2 + a.journalNodes + dataNodeBatches + 1) + 600;
}

/**
 * The upgrade's objects: a ServiceAccount, a Role that may get, list and delete the namespace's pods, its binding,
 * and the Job (after `dependsOn`: the DaemonSets with the new version).
 */
export function rollingUpgradeJob(
  resourceName: string,
  a: RollingUpgradeArgs,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): { configMap: k8s.core.v1.ConfigMap; serviceAccount: k8s.core.v1.ServiceAccount; role: k8s.rbac.v1.Role; roleBinding: k8s.rbac.v1.RoleBinding; job: k8s.batch.v1.Job } {
  const name = `${a.name}-rolling-upgrade`;
  const labels = { ...selectorLabelsFor("hdfs-rolling-upgrade", a.name), ...objectLabelsFor("namenode") };
  const meta = { name, namespace: a.namespace, labels };
  const child = { parent };
  // The site and the driver in a ConfigMap of the Job's own: the daemons' config hash (and so their pods) does not
  // depend on it.
  const configMap = hdfsConfigMap(`${resourceName}-config`, `${name}-config`, a.namespace, labels, a.site,
    { [driverScript.name]: driverScript.text, [jmxLibrary.name]: jmxLibrary.text, [readinessScript.name]: readinessScript.text }, parent);
  const serviceAccount = new k8s.core.v1.ServiceAccount(`${resourceName}-sa`, { metadata: meta, automountServiceAccountToken: false }, child);
  const role = new k8s.rbac.v1.Role(`${resourceName}-role`, {
    metadata: meta,
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] }],
  }, child);
  const roleBinding = new k8s.rbac.v1.RoleBinding(`${resourceName}-rolebinding`, {
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
    subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: a.namespace }],
  }, child);
  const { hostMounts: _none, ...built } = hdfsContainer(a, "namenode", {
    name: "rolling-upgrade",
    command: ["bash", `${hdfsScriptsDir}/${driverScript.name}`],
    env: rollingUpgradeEnv(a),
    resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "256Mi" } },
    // Its last lines (the step that failed) in the pod's status when it fails.
    terminationMessagePolicy: "FallbackToLogsOnError",
  });
  const container = built as Input.Container;
  const deadline = rollingUpgradeDeadlineSeconds(a);
  const job = new k8s.batch.v1.Job(resourceName, {
    metadata: {
      name: rollingUpgradeJobName(a.name, a.versions, a.finalize, a.retryOf),
      namespace: a.namespace,
      labels,
      annotations: {
        ...hostAccessAnnotations({ hostNetwork: true, hostPID: false, hostMounts: [], containers: [container], updateStrategy: { type: "RollingUpdate" } }),
        // The script fails itself at each step's timeout; Pulumi waits a little longer for it to say why.
        "pulumi.com/timeoutSeconds": String(deadline + 120),
      },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: deadline,
      // The one HDFS pod with an API token: its Role lists and deletes pods, nothing else.
      template: { metadata: { labels }, spec: hdfsNameNodeJobPod(a, container, configMap, name) },
    },
  }, { parent, dependsOn: [...dependsOn, roleBinding] });
  return { configMap, serviceAccount, role, roleBinding, job };
}
