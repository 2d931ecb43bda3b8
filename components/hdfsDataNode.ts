// HDFS DataNodes, DaemonSet-style: by default on every Linux node, each data directory a hostPath, the
// host's network (clients and NameNodes reach a DataNode at its node's address), pointing at the NameNode
// or the HA nameservice through the same core-site.xml/hdfs-site.xml as every other role.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  HdfsRoleArgs,
  HdfsSite,
  hdfsCommonDefaults,
  hdfsContainer,
  hdfsEnv,
  hdfsRoleClusterObjects,
  hdfsReplaceWhole,
  HdfsRoleComponent,
  hostPorts,
  ownDataDirectories,
} from "./hdfsShared";
import { Branded, brandResolved, isResolved, resolveOver } from "./defaults";
import { HostMount, UpdateStrategy } from "./hostDaemonSet";
import type { ClusterObjectRef } from "./labels";
import { componentTypes } from "./project";

import Input = k8s.types.input.core.v1;

/** The DataNode's own arguments; the ones every HDFS role takes are `HdfsRoleArgs`'. */
export interface HdfsDataNodeArgs extends HdfsRoleArgs {
  /**
   * The cluster's rendered configuration (the same the NameNodes get): the ports and the data directories
   * inside the container come from it, one per `dataDirHostPaths` entry (`HdfsCluster` renders it so). Required.
   */
  site: HdfsSite;
  /** Data directories on the host, each its own hostPath (`DirectoryOrCreate`), e.g. one per disk. Default: `[/var/lib/hdfs/data]`. */
  dataDirHostPaths?: string[];
}

/** Every default of the component, in one place. */
export const hdfsDataNodeDefaults = {
  name: "hdfs-datanode",
  namespace: hdfsCommonDefaults.namespace,
  /** Every (Linux) node. */
  nodeSelector: { "kubernetes.io/os": "linux" } as Record<string, string>,
  /** None: not on control-plane or otherwise tainted nodes. */
  tolerations: [] as Input.Toleration[],
  image: hdfsCommonDefaults.image,
  imagePullPolicy: hdfsCommonDefaults.imagePullPolicy,
  dataDirHostPaths: ["/var/lib/hdfs/data"] as string[],
  /** Below the NameNode and JournalNode. */
  priorityValue: 100000,
  resources: {
    requests: { cpu: "250m", memory: "1Gi" },
    limits: { memory: "1Gi" },
  } as Input.ResourceRequirements,
  javaHeap: "768m",
  /** 10% of the nodes at a time. */
  updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" } as UpdateStrategy,
} as const;

/**
 * The arguments the component runs with: `args` merged over `hdfsDataNodeDefaults` (objects key by key, lists
 * and the node selector replace; see components/defaults.ts). Pure; resolving a resolved value changes nothing.
 */
export function resolveHdfsDataNodeArgs<A extends Partial<HdfsDataNodeArgs>>(args: A) {
  return brandResolved("HdfsDataNodeDaemonSet", resolveOver("HdfsDataNodeDaemonSet", hdfsDataNodeDefaults, args, hdfsReplaceWhole));
}

/** The role's arguments as `resolveHdfsDataNodeArgs` returned them, with the cluster's site. */
export type HdfsDataNodeResolvedArgs = Branded<"HdfsDataNodeDaemonSet", ReturnType<typeof resolveHdfsDataNodeArgs> & Pick<HdfsDataNodeArgs, "site">>;

/** The cluster-scoped objects the component creates, by the names its constructor gives them. */
export function hdfsDataNodeClusterObjects(a: { name: string; priorityClassName?: string }): ClusterObjectRef[] {
  return hdfsRoleClusterObjects(a.name, a.priorityClassName);
}

export class HdfsDataNodeDaemonSet extends HdfsRoleComponent {
  /** `args` are resolved here (`resolveHdfsDataNodeArgs`), unless they are what that function returned (HdfsCluster passes those). */
  constructor(name: string, args: HdfsDataNodeArgs | HdfsDataNodeResolvedArgs, opts?: pulumi.ComponentResourceOptions) {
    const a: HdfsDataNodeResolvedArgs = isResolved("HdfsDataNodeDaemonSet", args) ? (args as HdfsDataNodeResolvedArgs) : resolveHdfsDataNodeArgs(args as HdfsDataNodeArgs);
    // Checked before anything is registered: the data directories must be the ones the site configures (a site
    // rendered for another count of directories; HdfsCluster renders it from these paths).
    const paths = a.dataDirHostPaths;
    const configured = a.site.dataDirs.length;
    if (paths.length === 0 || configured !== paths.length) {
      throw new Error(`DataNode ${a.name}: ${paths.length} data directories, but the site configures ${configured}`);
    }
    super(componentTypes.hdfsDataNode, name, {}, opts);
    const dataDirs: HostMount[] = a.dataDirHostPaths.map((hostPath, i) => ({
      name: `data-${i}`,
      hostPath,
      mountPath: a.site.dataDirs[i],
      dataDirectory: true,
      type: "DirectoryOrCreate",
    }));
    this.createRole("datanode", {
      resourceName: name,
      args: a,
      site: a.site,
      dependsOn: opts?.dependsOn,
      description: "HDFS DataNode: block storage on every node's own disks.",
      terminationGracePeriodSeconds: 30,
      hostMounts: dataDirs,
      initContainers: [ownDataDirectories(a, dataDirs)],
      containers: [
        hdfsContainer(a, {
          name: "datanode",
          command: ["hdfs", "datanode"],
          env: hdfsEnv("HDFS_DATANODE_OPTS", a.javaHeap),
          hostMounts: dataDirs.map((m) => m.name),
          ports: hostPorts({ data: a.site.ports.dataNodeData, http: a.site.ports.dataNodeHttp, ipc: a.site.ports.dataNodeIpc }),
          resources: a.resources,
          startupProbe: { tcpSocket: { port: "ipc" }, periodSeconds: 5, failureThreshold: 60 },
          livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
          readinessProbe: { tcpSocket: { port: "data" }, periodSeconds: 10, timeoutSeconds: 5 },
        }),
      ],
    });

    this.registerRoleOutputs();
  }
}
