// HDFS DataNodes, DaemonSet-style: by default on every Linux node, each data directory a hostPath, the
// host's network (clients and NameNodes reach a DataNode at its node's address), pointing at the NameNode
// or the HA nameservice through the same core-site.xml/hdfs-site.xml as every other role.
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { webEndpoint } from "./hadoopConfig";
import { z } from "zod";
import {
  HdfsSite,
  hdfsContainer,
  hdfsEnv,
  hdfsRoleClusterObjects,
  hdfsRoleSettings,
  hdfsScriptsDir,
  HdfsRoleComponent,
  hostPorts,
  ownDataDirectories,
  hostDirectoryType,
  servingProbe,
  startedProbe,
} from "./hdfsShared";
import { Branded, brandResolved, isResolved } from "./defaults";
import { HostMount } from "./hostDaemonSet";
import { hostPath } from "./kubernetesSyntax";
import { SettingsArgs, SettingsResolved, resolveSettings, setting, settingsDefaults } from "./settings";
import type { ClusterObjectRef } from "./labels";
import { componentTypes } from "./project";

import Input = k8s.types.input.core.v1;

const preStopScript = { name: "datanode-prestop.sh", text: fs.readFileSync(path.join(__dirname, "assets", "datanode-prestop.sh"), "utf8") };

/** The DataNode's settings (components/settings.ts): those every HDFS role has, and its own. */
export const hdfsDataNodeSettings = {
  ...hdfsRoleSettings({
    name: "hdfs-datanode",
    // Every Linux node (no tolerations: not on control-plane or otherwise tainted nodes).
    nodeSelector: { "kubernetes.io/os": "linux" },
    // Below the NameNode and JournalNode.
    priorityValue: 100000,
    resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } },
    javaHeap: "768m",
    // 10% of the nodes at a time.
    updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" },
  }),
  /** Data directories on the host, each its own hostPath (created if missing), e.g. one per disk. */
  dataDirHostPaths: setting(
    z.array(hostPath).min(1, "must name at least one data directory").refine((paths) => new Set(paths).size === paths.length, { message: "lists a directory twice" }),
    { default: ["/var/lib/hdfs/data"] },
  ),
  /**
   * How many data directories may fail before the DataNode stops (`dfs.datanode.failed.volumes.tolerated`; -1:
   * it serves while one works). Fewer than `dataDirHostPaths` (Hadoop refuses to start otherwise).
   */
  failedVolumesTolerated: setting(z.number().int().min(-1, "must be -1 (serve while one directory works) or more"), {
    defaultDoc: "0 with one data directory (Hadoop's), -1 with several: serve from the others, HdfsFailedVolumes alerts",
  }),
};

/** The DataNode's arguments: `hdfsDataNodeSettings`, each optional, and the cluster's rendered configuration. */
export interface HdfsDataNodeArgs extends SettingsArgs<typeof hdfsDataNodeSettings> {
  /**
   * The cluster's rendered configuration (the same the NameNodes get): the ports and the data directories
   * inside the container come from it, one per `dataDirHostPaths` entry (`HdfsCluster` renders it so). Required.
   */
  site: HdfsSite;
}

/** Every default of the component, from `hdfsDataNodeSettings`. */
export const hdfsDataNodeDefaults = settingsDefaults(hdfsDataNodeSettings);

/**
 * The arguments the component runs with: `args` checked against `hdfsDataNodeSettings` and laid over their
 * defaults (components/settings.ts; ComponentArgsError), with the site as given.
 */
export function resolveHdfsDataNodeArgs<A extends Partial<HdfsDataNodeArgs>>(args: A): HdfsDataNodeResolvedArgs & Pick<A, "site"> {
  const { site, ...settings } = args;
  return brandResolved("HdfsDataNodeDaemonSet", { ...resolveSettings("HdfsDataNodeDaemonSet", hdfsDataNodeSettings, settings), site }) as HdfsDataNodeResolvedArgs & Pick<A, "site">;
}

/** The role's arguments as `resolveHdfsDataNodeArgs` returned them, with the cluster's site. */
export type HdfsDataNodeResolvedArgs = Branded<"HdfsDataNodeDaemonSet", SettingsResolved<typeof hdfsDataNodeSettings> & Pick<HdfsDataNodeArgs, "site">>;

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
      type: hostDirectoryType(a.hostDirectories),
    }));
    const web = webEndpoint(a.site, "datanode");
    this.createRole("datanode", {
      resourceName: name,
      args: a,
      site: a.site,
      dependsOn: opts?.dependsOn,
      description: "HDFS DataNode: block storage on every node's own disks.",
      files: { [preStopScript.name]: preStopScript.text },
      terminationGracePeriodSeconds: 30,
      hostMounts: dataDirs,
      initContainers: [ownDataDirectories(a, dataDirs)],
      containers: [
        hdfsContainer(a, "datanode", {
          name: "datanode",
          command: ["hdfs", "datanode"],
          env: hdfsEnv("HDFS_DATANODE_OPTS", a.javaHeap, [{ name: "IPC_PORT", value: String(a.site.ports.dataNodeIpc) }], a.javaOptions),
          // Stopped as a rolling upgrade stops it (`dfsadmin -shutdownDatanode <self> upgrade`): writers wait for it.
          lifecycle: { preStop: { exec: { command: ["bash", `${hdfsScriptsDir}/${preStopScript.name}`] } } },
          hostMounts: dataDirs.map((m) => m.name),
          ports: hostPorts({ data: a.site.ports.dataNodeData, [web.name]: web.port, ipc: a.site.ports.dataNodeIpc }),
          resources: a.resources,
          startupProbe: startedProbe("ipc", 300),
          livenessProbe: { tcpSocket: { port: web.name }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
          readinessProbe: servingProbe(a.site, "datanode"),
        }),
      ],
    });

    this.registerRoleOutputs();
  }
}
