// HDFS JournalNodes, DaemonSet-style: the quorum an HA nameservice keeps its shared edits on. By default on
// the NameNode hosts (the same node selector), or on hosts labelled for them; the edits on a hostPath.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hdfsSiteDefaults, webEndpoint } from "./hadoopConfig";
import {
  HdfsSite,
  hdfsContainer,
  hdfsEnv,
  hdfsRoleClusterObjects,
  hdfsRoleSettings,
  HdfsRoleComponent,
  someNodesSelector,
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

/** The JournalNode's settings (components/settings.ts): those every HDFS role has, and its own. */
export const hdfsJournalNodeSettings = {
  ...hdfsRoleSettings({
    name: "hdfs-journalnode",
    // The NameNode's default (HdfsCluster gives the NameNode's selector unless given one).
    nodeSelector: { host: "high-cpu" },
    // As the NameNode: losing the quorum stops HDFS.
    priorityValue: 1000000,
    resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "512Mi" } },
    javaHeap: "384m",
    // One node at a time (a quorum of 3 survives one missing member).
    updateStrategy: { type: "RollingUpdate", maxUnavailable: 1 },
  }, someNodesSelector),
  /** Edits directory on the host (created if missing). */
  editsDirHostPath: setting(hostPath, { default: "/var/lib/hdfs/journal" }),
};

/** The JournalNode's arguments: `hdfsJournalNodeSettings`, each optional, and the cluster's rendered configuration. */
export interface HdfsJournalNodeArgs extends SettingsArgs<typeof hdfsJournalNodeSettings> {
  /** The cluster's rendered configuration (the same the NameNodes and DataNodes get): the ports come from it. Required. */
  site: HdfsSite;
}

/** Every default of the component, from `hdfsJournalNodeSettings`. */
export const hdfsJournalNodeDefaults = settingsDefaults(hdfsJournalNodeSettings);

/**
 * The arguments the component runs with: `args` checked against `hdfsJournalNodeSettings` and laid over their
 * defaults (components/settings.ts; ComponentArgsError), with the site as given.
 */
export function resolveHdfsJournalNodeArgs<A extends Partial<HdfsJournalNodeArgs>>(args: A): HdfsJournalNodeResolvedArgs & Pick<A, "site"> {
  const { site, ...settings } = args;
  return brandResolved("HdfsJournalNodeDaemonSet", { ...resolveSettings("HdfsJournalNodeDaemonSet", hdfsJournalNodeSettings, settings), site }) as HdfsJournalNodeResolvedArgs & Pick<A, "site">;
}

/** The role's arguments as `resolveHdfsJournalNodeArgs` returned them, with the cluster's site. */
export type HdfsJournalNodeResolvedArgs = Branded<"HdfsJournalNodeDaemonSet", SettingsResolved<typeof hdfsJournalNodeSettings> & Pick<HdfsJournalNodeArgs, "site">>;

/** The cluster-scoped objects the component creates, by the names its constructor gives them. */
export function hdfsJournalNodeClusterObjects(a: { name: string; priorityClassName?: string }): ClusterObjectRef[] {
  return hdfsRoleClusterObjects(a.name, a.priorityClassName);
}

export class HdfsJournalNodeDaemonSet extends HdfsRoleComponent {
  /** `args` are resolved here (`resolveHdfsJournalNodeArgs`), unless they are what that function returned (HdfsCluster passes those). */
  constructor(name: string, args: HdfsJournalNodeArgs | HdfsJournalNodeResolvedArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is registered (a refusal leaves no half-made component behind).
    const a: HdfsJournalNodeResolvedArgs = isResolved("HdfsJournalNodeDaemonSet", args) ? (args as HdfsJournalNodeResolvedArgs) : resolveHdfsJournalNodeArgs(args as HdfsJournalNodeArgs);
    super(componentTypes.hdfsJournalNode, name, {}, opts);
    const editsDir: HostMount = {
      name: "edits-dir",
      hostPath: a.editsDirHostPath,
      mountPath: hdfsSiteDefaults.journalDir,
      dataDirectory: true,
      type: hostDirectoryType(a.hostDirectories),
    };
    const web = webEndpoint(a.site, "journalnode");
    this.createRole("journalnode", {
      resourceName: name,
      args: a,
      site: a.site,
      dependsOn: opts?.dependsOn,
      description: "HDFS JournalNode: the HA nameservice's shared edits; losing the quorum stops the NameNodes.",
      terminationGracePeriodSeconds: 30,
      hostMounts: [editsDir],
      initContainers: [ownDataDirectories(a, [editsDir], "own-edits-dir")],
      containers: [
        hdfsContainer(a, "journalnode", {
          name: "journalnode",
          command: ["hdfs", "journalnode"],
          // The journal id its readiness probe looks for: the nameservice (the qjournal:// URI's last part).
          env: hdfsEnv("HDFS_JOURNALNODE_OPTS", a.javaHeap, [{ name: "HDFS_JOURNAL", value: a.site.nameservice ?? hdfsSiteDefaults.nameservice }], a.javaOptions),
          hostMounts: ["edits-dir"],
          // The site's ports (the addresses in its qjournal:// URI and dfs.journalnode.*-address).
          ports: hostPorts({ rpc: a.site.ports.journalNodeRpc, [web.name]: web.port }),
          resources: a.resources,
          startupProbe: startedProbe("rpc", 180),
          livenessProbe: { tcpSocket: { port: web.name }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
          readinessProbe: servingProbe(a.site, "journalnode"),
        }),
      ],
    });

    this.registerRoleOutputs();
  }
}
