// HDFS JournalNodes, DaemonSet-style: the quorum an HA nameservice keeps its shared edits on. By default on
// the NameNode hosts (the same node selector), or on hosts labelled for them; the edits on a hostPath.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hdfsSiteDefaults } from "./hadoopConfig";
import {
  HdfsSite,
  configHash,
  hdfsCommonDefaults,
  hdfsConfigMap,
  hdfsContainer,
  hdfsEnv,
  hdfsPriorityClass,
  hdfsVolumes,
  ownDataDirectories,
} from "./hdfsShared";
import {
  HostMount,
  HostWorkloadArgs,
  Placement,
  UpdateStrategy,
  definedOnly,
  hostDaemonSet,
  nonRootPodSecurityContext,
} from "./hostDaemonSet";
import { imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";

import Input = k8s.types.input.core.v1;

export interface HdfsJournalNodeArgs extends HostWorkloadArgs {
  /** The cluster's rendered configuration (the same the NameNodes and DataNodes get). Required. */
  site: HdfsSite;
  /** Object name of the DaemonSet and its ConfigMap. Default: `hdfs-journalnode`. */
  name?: string;
  /** Namespace, which must exist (the NameNode's). Default: `hdfs`. */
  namespace?: pulumi.Input<string>;
  /** Only nodes with all of these labels run a JournalNode. Default: `{host: high-cpu}` (the NameNode's default). */
  nodeSelector?: Record<string, string>;
  /** Taints the JournalNode tolerates. Default: none. */
  tolerations?: Input.Toleration[];
  /** Default: `apache/hadoop:3.4.1`. */
  image?: string;
  /** Default: `IfNotPresent`. */
  imagePullPolicy?: string;
  /** Edits directory on the host (created if missing). Default: `/var/lib/hdfs/journal`. */
  editsDirHostPath?: string;
  /** JournalNode RPC port, a host port; must match the site's. Default: 8485. */
  rpcPort?: number;
  /** JournalNode HTTP port, a host port; must match the site's. Default: 8480. */
  httpPort?: number;
  /** Use this existing PriorityClass instead of creating one. Default: unset (one is created). */
  priorityClassName?: string;
  /** Value of the PriorityClass the component creates. Default: 1000000 (as the NameNode: losing the quorum stops HDFS). */
  priorityValue?: number;
  /** Default: requests cpu 100m / memory 512Mi, limit memory 512Mi. */
  resources?: Input.ResourceRequirements;
  /** Default: `384m`. */
  javaHeap?: string;
  /** Default: RollingUpdate, one node at a time (a quorum of 3 survives one missing member). */
  updateStrategy?: UpdateStrategy;
}

/** Every default of the component, in one place. */
export const hdfsJournalNodeDefaults = {
  name: "hdfs-journalnode",
  namespace: hdfsCommonDefaults.namespace,
  nodeSelector: { host: "high-cpu" } as Record<string, string>,
  tolerations: [] as Input.Toleration[],
  image: hdfsCommonDefaults.image,
  imagePullPolicy: hdfsCommonDefaults.imagePullPolicy,
  editsDirHostPath: "/var/lib/hdfs/journal",
  rpcPort: hdfsSiteDefaults.journalNodeRpcPort,
  httpPort: hdfsSiteDefaults.journalNodeHttpPort,
  priorityValue: 1000000,
  resources: {
    requests: { cpu: "100m", memory: "512Mi" },
    limits: { memory: "512Mi" },
  } as Input.ResourceRequirements,
  javaHeap: "384m",
  updateStrategy: { type: "RollingUpdate", maxUnavailable: 1 } as UpdateStrategy,
  /** Where the edits directory appears inside the container (`dfs.journalnode.edits.dir`). */
  editsDir: hdfsSiteDefaults.journalDir,
} as const;

export class HdfsJournalNodeDaemonSet extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  public readonly configMap: k8s.core.v1.ConfigMap;
  public readonly priorityClass?: k8s.scheduling.v1.PriorityClass;
  public readonly placement: Placement;

  constructor(name: string, args: HdfsJournalNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-daemonsets:index:HdfsJournalNodeDaemonSet", name, {}, opts);
    const a = { ...hdfsJournalNodeDefaults, ...definedOnly(args), site: args.site };
    const d = hdfsJournalNodeDefaults;
    const selectorLabels = selectorLabelsFor("hdfs-journalnode", a.name);
    const labels = objectLabelsFor("journalnode");
    const podLabels = { ...labels, "app.kubernetes.io/version": imageVersion(a.image) };
    const child = { parent: this };

    const { priorityClassName, priorityClass } = hdfsPriorityClass(`${name}-priority`, {
      name: a.name,
      priorityClassName: a.priorityClassName,
      priorityValue: a.priorityValue,
      description: "HDFS JournalNode: the HA nameservice's shared edits; losing the quorum stops the NameNodes.",
      labels: { ...selectorLabels, ...labels },
    }, this);
    this.priorityClass = priorityClass;
    this.configMap = hdfsConfigMap(`${name}-config`, `${a.name}-config`, a.namespace, { ...selectorLabels, ...labels }, a.site, {}, this);

    const editsDir: HostMount = {
      name: "edits-dir",
      hostPath: a.editsDirHostPath,
      mountPath: d.editsDir,
      dataDirectory: true,
      type: "DirectoryOrCreate",
    };
    const image = { image: a.image, imagePullPolicy: a.imagePullPolicy };
    this.placement = { nodeSelector: a.nodeSelector, tolerations: a.tolerations };
    this.daemonSet = hostDaemonSet({
      rolloutTimeoutSeconds: a.rolloutTimeoutSeconds,
      name: a.name,
      namespace: a.namespace,
      selectorLabels,
      labels,
      podLabels,
      podAnnotations: { "k8s-daemonsets/config-hash": configHash(a.site.coreSiteXml, a.site.hdfsSiteXml) },
      // The NameNodes reach the JournalNodes at <node>:8485, the address in dfs.namenode.shared.edits.dir.
      hostNetwork: true,
      hostPID: false,
      priorityClassName,
      placement: this.placement,
      updateStrategy: a.updateStrategy,
      automountServiceAccountToken: false,
      podSecurityContext: nonRootPodSecurityContext(hdfsCommonDefaults.uid),
      terminationGracePeriodSeconds: 30,
      hostMounts: [editsDir],
      volumes: hdfsVolumes(this.configMap),
      initContainers: [ownDataDirectories(image, [editsDir], "own-edits-dir")],
      containers: [
        hdfsContainer(image, {
          name: "journalnode",
          command: ["hdfs", "journalnode"],
          env: hdfsEnv("HDFS_JOURNALNODE_OPTS", a.javaHeap),
          hostMounts: ["edits-dir"],
          ports: [
            { name: "rpc", containerPort: a.rpcPort, hostPort: a.rpcPort },
            { name: "http", containerPort: a.httpPort, hostPort: a.httpPort },
          ],
          resources: a.resources,
          startupProbe: { tcpSocket: { port: "rpc" }, periodSeconds: 5, failureThreshold: 36 },
          livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
          readinessProbe: { tcpSocket: { port: "rpc" }, periodSeconds: 10, timeoutSeconds: 5 },
        }),
      ],
    }, { ...child, dependsOn: a.dependsOn ?? [] });

    this.registerOutputs({ daemonSet: this.daemonSet, configMap: this.configMap, priorityClass: this.priorityClass });
  }
}
