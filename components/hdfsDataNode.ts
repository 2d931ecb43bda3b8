// HDFS DataNodes, DaemonSet-style: by default on every Linux node, each data directory a hostPath, the
// host's network (clients and NameNodes reach a DataNode at its node's address), pointing at the NameNode
// or the HA nameservice through the same core-site.xml/hdfs-site.xml as every other role.
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

export interface HdfsDataNodeArgs extends HostWorkloadArgs {
  /** The cluster's rendered configuration (the same the NameNodes get); its data directory count must match. Required. */
  site: HdfsSite;
  /** Object name of the DaemonSet and its ConfigMap. Default: `hdfs-datanode`. */
  name?: string;
  /** Namespace, which must exist (the NameNode's). Default: `hdfs`. */
  namespace?: pulumi.Input<string>;
  /** Only nodes with all of these labels run a DataNode. Default: `{kubernetes.io/os: linux}` (every node). */
  nodeSelector?: Record<string, string>;
  /** Taints the DataNode tolerates. Default: none (not on control-plane or otherwise tainted nodes). */
  tolerations?: Input.Toleration[];
  image?: string;
  imagePullPolicy?: string;
  /** Data directories on the host, each its own hostPath (`DirectoryOrCreate`), e.g. one per disk. Default: `[/var/lib/hdfs/data]`. */
  dataDirHostPaths?: string[];
  /** Data transfer port (`dfs.datanode.address`), a host port. Default: 9866. */
  dataPort?: number;
  /** Web/HTTP port (`dfs.datanode.http.address`), a host port. Default: 9864. */
  httpPort?: number;
  /** IPC port (`dfs.datanode.ipc.address`), a host port. Default: 9867. */
  ipcPort?: number;
  priorityClassName?: string;
  /** Default: 100000 (below the NameNode and JournalNode). */
  priorityValue?: number;
  /** Default: requests cpu 250m / memory 1Gi, limit memory 1Gi. */
  resources?: Input.ResourceRequirements;
  /** Default: `768m`. */
  javaHeap?: string;
  /** Default: RollingUpdate, 10% of the nodes at a time. */
  updateStrategy?: UpdateStrategy;
}

/** Every default of the component, in one place. */
export const hdfsDataNodeDefaults = {
  name: "hdfs-datanode",
  namespace: hdfsCommonDefaults.namespace,
  nodeSelector: { "kubernetes.io/os": "linux" } as Record<string, string>,
  tolerations: [] as Input.Toleration[],
  image: hdfsCommonDefaults.image,
  imagePullPolicy: hdfsCommonDefaults.imagePullPolicy,
  dataDirHostPaths: ["/var/lib/hdfs/data"] as string[],
  dataPort: hdfsSiteDefaults.dataNodeDataPort,
  httpPort: hdfsSiteDefaults.dataNodeHttpPort,
  ipcPort: hdfsSiteDefaults.dataNodeIpcPort,
  priorityValue: 100000,
  resources: {
    requests: { cpu: "250m", memory: "1Gi" },
    limits: { memory: "1Gi" },
  } as Input.ResourceRequirements,
  javaHeap: "768m",
  updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" } as UpdateStrategy,
} as const;

export class HdfsDataNodeDaemonSet extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  public readonly configMap: k8s.core.v1.ConfigMap;
  public readonly priorityClass?: k8s.scheduling.v1.PriorityClass;
  public readonly placement: Placement;

  constructor(name: string, args: HdfsDataNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is registered: the data directories must be the ones the site configures.
    const paths = args.dataDirHostPaths ?? hdfsDataNodeDefaults.dataDirHostPaths;
    const configured = (args.site.hdfsSite["dfs.datanode.data.dir"] ?? "").split(",").filter((s) => s !== "").length;
    if (paths.length === 0 || configured !== paths.length) {
      throw new Error(`DataNode ${args.name ?? hdfsDataNodeDefaults.name}: ${paths.length} data directories, but the site configures ${configured}`);
    }
    super("k8s-daemonsets:index:HdfsDataNodeDaemonSet", name, {}, opts);
    const a = { ...hdfsDataNodeDefaults, ...definedOnly(args), site: args.site };
    const selectorLabels = selectorLabelsFor("hdfs-datanode", a.name);
    const labels = objectLabelsFor("datanode");
    const podLabels = { ...labels, "app.kubernetes.io/version": imageVersion(a.image) };
    const child = { parent: this };

    const dataDirs: HostMount[] = a.dataDirHostPaths.map((hostPath, i) => ({
      name: `data-${i}`,
      hostPath,
      mountPath: `${hdfsSiteDefaults.dataDirRoot}/${i}`,
      dataDirectory: true,
      type: "DirectoryOrCreate",
    }));

    const { priorityClassName, priorityClass } = hdfsPriorityClass(`${name}-priority`, {
      name: a.name,
      priorityClassName: a.priorityClassName,
      priorityValue: a.priorityValue,
      description: "HDFS DataNode: block storage on every node's own disks.",
      labels: { ...selectorLabels, ...labels },
    }, this);
    this.priorityClass = priorityClass;
    this.configMap = hdfsConfigMap(`${name}-config`, `${a.name}-config`, a.namespace, { ...selectorLabels, ...labels }, a.site, {}, this);

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
      hostNetwork: true,
      hostPID: false,
      priorityClassName,
      placement: this.placement,
      updateStrategy: a.updateStrategy,
      automountServiceAccountToken: false,
      podSecurityContext: nonRootPodSecurityContext(hdfsCommonDefaults.uid),
      terminationGracePeriodSeconds: 30,
      hostMounts: dataDirs,
      volumes: hdfsVolumes(this.configMap),
      initContainers: [ownDataDirectories(image, dataDirs)],
      containers: [
        hdfsContainer(image, {
          name: "datanode",
          command: ["hdfs", "datanode"],
          env: hdfsEnv("HDFS_DATANODE_OPTS", a.javaHeap),
          hostMounts: dataDirs.map((m) => m.name),
          ports: [
            { name: "data", containerPort: a.dataPort, hostPort: a.dataPort },
            { name: "http", containerPort: a.httpPort, hostPort: a.httpPort },
            { name: "ipc", containerPort: a.ipcPort, hostPort: a.ipcPort },
          ],
          resources: a.resources,
          startupProbe: { tcpSocket: { port: "ipc" }, periodSeconds: 5, failureThreshold: 60 },
          livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
          readinessProbe: { tcpSocket: { port: "data" }, periodSeconds: 10, timeoutSeconds: 5 },
        }),
      ],
    }, { ...child, dependsOn: a.dependsOn ?? [] });

    this.registerOutputs({ daemonSet: this.daemonSet, configMap: this.configMap, priorityClass: this.priorityClass });
  }
}
