// The HDFS NameNode, DaemonSet-style, only on the hosts the stack's node labels select; its metadata on a
// hostPath so it survives pod restarts and rescheduling back to the same host.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HadoopProperties, nameNodeSiteConfig, renderHadoopXml } from "./hadoopConfig";
import {
  HostContainer,
  Placement,
  UpdateStrategy,
  definedOnly,
  hostAgentNamespace,
  hostDaemonSet,
  nonRootPodSecurityContext,
  restrictedContainerSecurityContext,
} from "./hostDaemonSet";
import { imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";

import Input = k8s.types.input.core.v1;

export interface HdfsNameNodeArgs {
  /** Object name of the DaemonSet and its ConfigMap. Default: `hdfs-namenode`. */
  name?: string;
  /** Namespace (not kube-system). Default: `hdfs`. */
  namespace?: string;
  /** Create the namespace (with Pod Security labels). Default: true. */
  createNamespace?: boolean;
  /** Only nodes with all of these labels run a NameNode. Default: `{host: high-cpu}`. */
  nodeSelector?: Record<string, string>;
  /** The nodes expected to carry `nodeSelector`'s labels (from the label plan): the NameNode hosts. */
  hosts?: string[];
  /** Taints the NameNode tolerates. Default: none. */
  tolerations?: Input.Toleration[];
  /** Extra affinity rules. Default: none. */
  affinity?: Input.Affinity;
  /** Apache Hadoop 3 image, pinned by tag or digest. Default: `apache/hadoop:3.4.1`. */
  image?: string;
  /** Default: `IfNotPresent`. */
  imagePullPolicy?: string;
  /** Name directory on the host (created if missing). Default: `/var/lib/hdfs/name`. */
  nameDirHostPath?: string;
  /** NameNode RPC port, a host port. Default: 8020. */
  rpcPort?: number;
  /** NameNode web UI port, a host port. Default: 9870. */
  httpPort?: number;
  /** Cluster id written by the first format. Default: `k8s-daemonsets`. */
  clusterId?: string;
  /** `dfs.replication`. Default: 3. */
  replication?: number;
  /** Extra core-site.xml properties (override the rendered ones). Default: none. */
  coreSite?: HadoopProperties;
  /** Extra hdfs-site.xml properties (override the rendered ones). Default: none. */
  hdfsSite?: HadoopProperties;
  /** Use this existing PriorityClass instead of creating one. Default: unset (one is created). */
  priorityClassName?: string;
  /** Value of the PriorityClass the component creates. Default: 1000000 (below the system-* classes). */
  priorityValue?: number;
  /** Default: requests cpu 500m / memory 2Gi, limit memory 2Gi. */
  resources?: Input.ResourceRequirements;
  /** Maximum Java heap of the NameNode. Default: `1536m` (fits the memory limit with headroom). */
  javaHeap?: string;
  /** Default: RollingUpdate, one node at a time. */
  updateStrategy?: UpdateStrategy;
  /** Resources to wait for before the DaemonSet (e.g. node labels). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Every default of the component, in one place. */
export const hdfsNameNodeDefaults = {
  name: "hdfs-namenode",
  namespace: "hdfs",
  createNamespace: true,
  nodeSelector: { host: "high-cpu" } as Record<string, string>,
  hosts: [] as string[],
  tolerations: [] as Input.Toleration[],
  image: "apache/hadoop:3.4.1",
  imagePullPolicy: "IfNotPresent",
  nameDirHostPath: "/var/lib/hdfs/name",
  rpcPort: 8020,
  httpPort: 9870,
  clusterId: "k8s-daemonsets",
  replication: 3,
  coreSite: {} as HadoopProperties,
  hdfsSite: {} as HadoopProperties,
  priorityValue: 1000000,
  resources: {
    requests: { cpu: "500m", memory: "2Gi" },
    limits: { memory: "2Gi" },
  } as Input.ResourceRequirements,
  javaHeap: "1536m",
  updateStrategy: { type: "RollingUpdate", maxUnavailable: 1 } as UpdateStrategy,
  /** The apache/hadoop image's `hadoop` user. */
  uid: 1000,
  /** Where the name directory and the configuration appear inside the containers. */
  nameDir: "/hadoop/dfs/name",
  confDir: "/opt/hadoop/etc/hadoop",
} as const;

const formatScript = fs.readFileSync(path.join(__dirname, "assets", "namenode-format.sh"), "utf8");

export class HdfsNameNodeDaemonSet extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  public readonly namespace: pulumi.Output<string>;
  public readonly configMap: k8s.core.v1.ConfigMap;
  public readonly priorityClass?: k8s.scheduling.v1.PriorityClass;
  /** The rendered core-site.xml and hdfs-site.xml. */
  public readonly coreSiteXml: string;
  public readonly hdfsSiteXml: string;
  /** The node selector and tolerations the pods are placed with. */
  public readonly placement: Placement;

  constructor(name: string, args: HdfsNameNodeArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-daemonsets:index:HdfsNameNodeDaemonSet", name, {}, opts);
    const a = { ...hdfsNameNodeDefaults, ...definedOnly(args) };
    const d = hdfsNameNodeDefaults;
    const selectorLabels = selectorLabelsFor("hdfs-namenode", a.name);
    const labels = objectLabelsFor("namenode");
    const podLabels = { ...labels, "app.kubernetes.io/version": imageVersion(a.image) };
    const child = { parent: this };

    this.namespace = hostAgentNamespace(`${name}-namespace`, a.namespace, a.createNamespace, this);

    let priorityClassName: pulumi.Input<string>;
    if (a.priorityClassName) {
      priorityClassName = a.priorityClassName;
    } else {
      // Clusters may restrict the system-* classes to kube-system, so the NameNode brings its own.
      this.priorityClass = new k8s.scheduling.v1.PriorityClass(`${name}-priority`, {
        metadata: { name: `${a.name}-critical`, labels: { ...selectorLabels, ...labels } },
        value: a.priorityValue,
        globalDefault: false,
        preemptionPolicy: "PreemptLowerPriority",
        description: "HDFS NameNode: preempts ordinary workloads on the hosts labelled for it.",
      }, child);
      priorityClassName = this.priorityClass.metadata.name;
    }

    const site = nameNodeSiteConfig({
      hosts: a.hosts,
      rpcPort: a.rpcPort,
      httpPort: a.httpPort,
      nameDir: d.nameDir,
      replication: a.replication,
      coreSite: a.coreSite,
      hdfsSite: a.hdfsSite,
    });
    this.coreSiteXml = renderHadoopXml(site.coreSite);
    this.hdfsSiteXml = renderHadoopXml(site.hdfsSite);
    this.configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: `${a.name}-config`, namespace: this.namespace, labels: { ...selectorLabels, ...labels } },
      data: {
        "core-site.xml": this.coreSiteXml,
        "hdfs-site.xml": this.hdfsSiteXml,
        "namenode-format.sh": formatScript,
      },
    }, child);

    const configMounts: Input.VolumeMount[] = [
      { name: "config", mountPath: `${d.confDir}/core-site.xml`, subPath: "core-site.xml", readOnly: true },
      { name: "config", mountPath: `${d.confDir}/hdfs-site.xml`, subPath: "hdfs-site.xml", readOnly: true },
    ];
    const env = [
      { name: "NAME_DIR", value: d.nameDir },
      { name: "CLUSTER_ID", value: a.clusterId },
      // The image's log and pid directories are on its read-only root filesystem.
      { name: "HADOOP_LOG_DIR", value: "/tmp/hadoop-logs" },
      { name: "HADOOP_PID_DIR", value: "/tmp" },
      { name: "HDFS_NAMENODE_OPTS", value: `-Xmx${a.javaHeap}` },
    ];
    const common: Partial<HostContainer> = {
      image: a.image,
      imagePullPolicy: a.imagePullPolicy,
      env,
      hostMounts: ["name-dir"],
      securityContext: restrictedContainerSecurityContext,
    };

    const initContainers: HostContainer[] = [
      {
        // A hostPath created by the kubelet belongs to root; hand it to the hadoop user, nothing more.
        ...common,
        name: "own-name-dir",
        command: ["sh", "-c", `chown ${d.uid}:${d.uid} "$NAME_DIR"`],
        securityContext: {
          ...restrictedContainerSecurityContext,
          runAsNonRoot: false,
          runAsUser: 0,
          capabilities: { drop: ["ALL"], add: ["CHOWN"] },
        },
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
      },
      {
        ...common,
        name: "format",
        command: ["sh", "/etc/namenode-init/namenode-format.sh"],
        volumeMounts: [
          ...configMounts,
          { name: "config", mountPath: "/etc/namenode-init", readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
        ],
        resources: a.resources,
      },
    ];

    const container: HostContainer = {
      ...common,
      name: "namenode",
      command: ["hdfs", "namenode"],
      ports: [
        { name: "rpc", containerPort: a.rpcPort, hostPort: a.rpcPort },
        { name: "http", containerPort: a.httpPort, hostPort: a.httpPort },
      ],
      volumeMounts: [...configMounts, { name: "tmp", mountPath: "/tmp" }],
      resources: a.resources,
      startupProbe: { tcpSocket: { port: "rpc" }, periodSeconds: 5, failureThreshold: 60 },
      livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      readinessProbe: { tcpSocket: { port: "rpc" }, periodSeconds: 10, timeoutSeconds: 5 },
    };

    this.placement = {
      nodeSelector: a.nodeSelector,
      tolerations: a.tolerations,
      ...(a.affinity ? { affinity: a.affinity } : {}),
    };
    this.daemonSet = hostDaemonSet({
      name: a.name,
      namespace: this.namespace,
      selectorLabels,
      labels,
      podLabels,
      // Restart the NameNode when its configuration changes.
      podAnnotations: { "k8s-daemonsets/config-hash": configHash(this.coreSiteXml, this.hdfsSiteXml, formatScript) },
      hostNetwork: true,
      hostPID: false,
      priorityClassName,
      placement: this.placement,
      updateStrategy: a.updateStrategy,
      automountServiceAccountToken: false,
      podSecurityContext: nonRootPodSecurityContext(d.uid),
      terminationGracePeriodSeconds: 60,
      hostMounts: [{
        name: "name-dir",
        hostPath: a.nameDirHostPath,
        mountPath: d.nameDir,
        dataDirectory: true,
        type: "DirectoryOrCreate",
      }],
      volumes: [
        { name: "config", configMap: { name: this.configMap.metadata.name, defaultMode: 0o444 } },
        { name: "tmp", emptyDir: {} },
      ],
      initContainers,
      containers: [container],
    }, { ...child, dependsOn: a.dependsOn ?? [] });

    this.registerOutputs({
      daemonSet: this.daemonSet,
      namespace: this.namespace,
      configMap: this.configMap,
      priorityClass: this.priorityClass,
      coreSiteXml: this.coreSiteXml,
      hdfsSiteXml: this.hdfsSiteXml,
    });
  }
}

function configHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}
