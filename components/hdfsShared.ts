// What every HDFS role of this project shares (NameNode, JournalNode, DataNode): the image and its user,
// one rendered core-site.xml/hdfs-site.xml, the ConfigMap that carries it and where it is mounted, the
// environment for a read-only root filesystem, the init step that hands a hostPath to the hadoop user, the
// PriorityClass each role brings. The components differ only in what they run and where.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HdfsSiteArgs, HdfsSiteFacts, hdfsSiteConfig, renderHadoopXml } from "./hadoopConfig";
import { HostContainer, HostMount, restrictedContainerSecurityContext } from "./hostDaemonSet";

import Input = k8s.types.input.core.v1;

/** Defaults shared by every HDFS role. */
export const hdfsCommonDefaults = {
  /** Apache Hadoop 3, pinned. */
  image: "apache/hadoop:3.4.1",
  imagePullPolicy: "IfNotPresent",
  namespace: "hdfs",
  /** The apache/hadoop image's `hadoop` user. */
  uid: 1000,
  /** Where the image reads its configuration. */
  confDir: "/opt/hadoop/etc/hadoop",
} as const;

/** The cluster's configuration: the rendered files and what they mean. Every role of one cluster gets the same. */
export interface HdfsSite extends HdfsSiteFacts {
  coreSiteXml: string;
  hdfsSiteXml: string;
}

/** Renders the cluster's core-site.xml and hdfs-site.xml (see `hdfsSiteConfig`). */
export function hdfsSite(args: HdfsSiteArgs): HdfsSite {
  const facts = hdfsSiteConfig(args);
  return { ...facts, coreSiteXml: renderHadoopXml(facts.coreSite), hdfsSiteXml: renderHadoopXml(facts.hdfsSite) };
}

/** A short digest of a pod's configuration: as a pod annotation, a change restarts the pods. */
export function configHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}

/** Volume name of a role's ConfigMap inside its pods. */
export const configVolume = "config";

/** A role's ConfigMap: the cluster's core-site.xml and hdfs-site.xml, and any files of the role's own (scripts). */
export function hdfsConfigMap(
  resourceName: string,
  objectName: string,
  namespace: pulumi.Input<string>,
  labels: Record<string, string>,
  site: HdfsSite,
  files: Record<string, string>,
  parent: pulumi.Resource,
): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(resourceName, {
    metadata: { name: objectName, namespace, labels },
    data: { "core-site.xml": site.coreSiteXml, "hdfs-site.xml": site.hdfsSiteXml, ...files },
  }, { parent });
}

/** Volumes every HDFS pod has: the ConfigMap (read-only files) and a scratch /tmp (the root fs is read-only). */
export function hdfsVolumes(configMap: k8s.core.v1.ConfigMap): Input.Volume[] {
  return [
    { name: configVolume, configMap: { name: configMap.metadata.name, defaultMode: 0o444 } },
    { name: "tmp", emptyDir: {} },
  ];
}

/** core-site.xml and hdfs-site.xml over the image's own, read-only, and the scratch /tmp. */
export const hdfsVolumeMounts: Input.VolumeMount[] = [
  { name: configVolume, mountPath: `${hdfsCommonDefaults.confDir}/core-site.xml`, subPath: "core-site.xml", readOnly: true },
  { name: configVolume, mountPath: `${hdfsCommonDefaults.confDir}/hdfs-site.xml`, subPath: "hdfs-site.xml", readOnly: true },
  { name: "tmp", mountPath: "/tmp" },
];

/**
 * Environment of an HDFS daemon: logs and pid files on /tmp (the image's own directories are on its read-only
 * root filesystem) and the Java heap through the daemon's `HDFS_<ROLE>_OPTS`.
 */
export function hdfsEnv(optsVariable: string, javaHeap: string, extra: Input.EnvVar[] = []): Input.EnvVar[] {
  return [
    ...extra,
    { name: "HADOOP_LOG_DIR", value: "/tmp/hadoop-logs" },
    { name: "HADOOP_PID_DIR", value: "/tmp" },
    { name: optsVariable, value: `-Xmx${javaHeap}` },
  ];
}

/** The pod's node name, from the downward API. */
export const nodeNameEnv: Input.EnvVar = { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } };

/** What an HDFS daemon container has in common: image, config and scratch mounts, the restricted security context. */
export function hdfsContainer(
  c: { image: string; imagePullPolicy: string },
  container: HostContainer,
): HostContainer {
  return {
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    securityContext: restrictedContainerSecurityContext,
    ...container,
    volumeMounts: [...hdfsVolumeMounts, ...((container.volumeMounts as Input.VolumeMount[] | undefined) ?? [])],
  };
}

/**
 * A hostPath created by the kubelet belongs to root: an init container hands the role's data directories to
 * the hadoop user, as root with CHOWN and nothing else (declared to the policy pack by `hostDaemonSet`).
 */
export function ownDataDirectories(
  c: { image: string; imagePullPolicy: string },
  mounts: HostMount[],
  name = "own-data-dirs",
): HostContainer {
  const dirs = mounts.map((m) => `"${m.mountPath}"`).join(" ");
  const uid = hdfsCommonDefaults.uid;
  return {
    name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: ["sh", "-c", `chown ${uid}:${uid} ${dirs}`],
    hostMounts: mounts.map((m) => m.name),
    securityContext: {
      ...restrictedContainerSecurityContext,
      runAsNonRoot: false,
      runAsUser: 0,
      capabilities: { drop: ["ALL"], add: ["CHOWN"] },
    },
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
  };
}

/**
 * The role's PriorityClass (clusters may restrict the system-* classes to kube-system, so each HDFS role
 * brings its own), or the configured existing one.
 */
export function hdfsPriorityClass(
  resourceName: string,
  args: { name: string; priorityClassName?: string; priorityValue: number; description: string; labels: Record<string, string> },
  parent: pulumi.Resource,
): { priorityClassName: pulumi.Input<string>; priorityClass?: k8s.scheduling.v1.PriorityClass } {
  if (args.priorityClassName) {
    return { priorityClassName: args.priorityClassName };
  }
  const priorityClass = new k8s.scheduling.v1.PriorityClass(resourceName, {
    metadata: { name: `${args.name}-critical`, labels: args.labels },
    value: args.priorityValue,
    globalDefault: false,
    preemptionPolicy: "PreemptLowerPriority",
    description: args.description,
  }, { parent });
  return { priorityClassName: priorityClass.metadata.name, priorityClass };
}
