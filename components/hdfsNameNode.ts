// The HDFS NameNode, DaemonSet-style, only on the hosts the stack's node labels select; its metadata on a
// hostPath so it survives pod restarts and rescheduling back to the same host. One labelled host runs a
// standalone NameNode; 2-5 form one HA nameservice whose shared edits live on a JournalNode quorum
// (HdfsJournalNodeDaemonSet), with a ZKFC beside each NameNode when a ZooKeeper quorum is configured.
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hdfsSiteDefaults, nameNodeId, webEndpoint } from "./hadoopConfig";
import { z } from "zod";
import {
  HdfsSite,
  hdfsScriptsDir,
  hdfsCommonDefaults,
  hdfsContainer,
  hdfsEnv,
  hdfsRoleClusterObjects,
  hdfsRoleSettings,
  HdfsRoleComponent,
  someNodesSelector,
  hostPorts,
  nodeNameEnv,
  ownDataDirectories,
  hostDirectoryType,
  servingProbe,
  startedProbe,
} from "./hdfsShared";
import { Branded, brandResolved, isResolved } from "./defaults";
import { zookeeperClientJvmOptions } from "./hdfsSecurity";
import { rackFiles, rackMapContent, rackMapVolume } from "./hdfsRacks";
import { decommissionJobNeeded, decommissionFiles, decommissionJob, decommissionSettings, excludeFileContent, excludeVolume } from "./hdfsDecommission";
import { affinity, hostPath, resources } from "./kubernetesSyntax";
import { SettingsArgs, SettingsResolved, passThrough, resolveSettings, setting, settingsDefaults } from "./settings";
import { HostContainer, HostMount, UpdateStrategy } from "./hostDaemonSet";
import { ClusterObjectRef, objectLabelsFor, selectorLabelsFor } from "./labels";
import { componentTypes } from "./project";

import Input = k8s.types.input.core.v1;

/** The NameNode's settings (components/settings.ts): those every HDFS role has, and its own. */
export const hdfsNameNodeSettings = {
  ...hdfsRoleSettings({
    name: "hdfs-namenode",
    nodeSelector: { host: "high-cpu" },
    // Below the system-* classes.
    priorityValue: 1000000,
    resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
    javaHeap: "1536m",
    // One node at a time (every node at once while a standalone NameNode is made HA: see the constructor).
    updateStrategy: { type: "RollingUpdate", maxUnavailable: 1 },
  }, someNodesSelector),
  /** Name directory on the host (created if missing). */
  nameDirHostPath: setting(hostPath, { default: "/var/lib/hdfs/name" }),
  /** Cluster id the first format writes. */
  clusterId: passThrough(setting(z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be letters, digits, '-', '_' and '.'"), { default: "k8s-daemonsets" })),
  /** With ZooKeeper: the ZKFC container's resources, merged over the default (its heap is 256m). */
  zkfcResources: setting(resources, { default: { requests: { cpu: "50m", memory: "384Mi" }, limits: { memory: "384Mi" } } }),
  /** Extra affinity rules of the pods. */
  affinity: setting(affinity, { programOnly: true }),
  /** The audit log on the NameNode container's output: one line per operation with its user (`ugi=`), `allowed=` and `cmd=`. */
  auditLog: setting(z.boolean(), { default: true }),
  // DataNodes to decommission (components/hdfsDecommission.ts).
  ...decommissionSettings,
  /**
   * The rack of each DataNode by the address it registers with (components/hdfsRacks.ts; HdfsCluster sets it from
   * its nodes' labels, with the site's topology script). Empty: no rack awareness.
   */
  rackMap: setting(z.record(z.string(), z.string().regex(/^(\/[A-Za-z0-9][-A-Za-z0-9_.]*)+$/, "must be a rack path, e.g. /zone-a")), { default: {} as Record<string, string>, programOnly: true }),
};

/** The NameNode's arguments: `hdfsNameNodeSettings`, each optional, and the cluster's rendered configuration. */
export interface HdfsNameNodeArgs extends SettingsArgs<typeof hdfsNameNodeSettings> {
  /**
   * The cluster's rendered configuration, shared with the JournalNodes and DataNodes (`HdfsCluster` renders it
   * once): the NameNode hosts (in plan order; one is a standalone NameNode, 2-5 an HA nameservice, the first
   * formats a new filesystem), the nameservice, ZooKeeper and the ports come from it. Required.
   */
  site: HdfsSite;
}

/** Every default of the component, from `hdfsNameNodeSettings`. */
export const hdfsNameNodeDefaults = settingsDefaults(hdfsNameNodeSettings);

/** What the NameNode renders with that is not a setting. */
export const hdfsNameNodeConstants = {
  zkfcJavaHeap: "256m",
  /**
   * The ZKFC's own Hadoop settings (`hdfs zkfc -D key=value`, not the site's: every other client keeps Hadoop's).
   * When the active NameNode's host is gone, the standby's ZKFC first tries to fence it gracefully (an RPC) and
   * only then runs the fencing method; Hadoop's defaults spend two 20 s connection attempts on a host that no
   * longer answers (52 s from a node's loss to a new active on the real nodes). One 3 s attempt is plenty on a
   * cluster network: a live host's kernel accepts the connection even while its JVM is paused.
   */
  zkfcProperties: {
    "ipc.client.connect.timeout": "3000",
    "ha.failover-controller.graceful-fence.connection.retries": "0",
  } as Record<string, string>,
  /** Time for the NameNode to stop (and, with ZooKeeper, for the ZKFC to quit the election after it). */
  terminationGracePeriodSeconds: 60,
  /** Where the name directory appears inside the containers. */
  nameDir: hdfsSiteDefaults.nameDir,
  /** The audit logger with `auditLog` (log4j: the image's log4j.properties sends it nowhere by default). */
  auditLogger: "INFO,console",
} as const;

const formatScript = fs.readFileSync(path.join(__dirname, "assets", "namenode-format.sh"), "utf8");
const activateScript = fs.readFileSync(path.join(__dirname, "assets", "namenode-activate.sh"), "utf8");
const zkfcPreStopScript = fs.readFileSync(path.join(__dirname, "assets", "zkfc-prestop.sh"), "utf8");
const nameNodeStartScript = { name: "namenode-start.sh", text: fs.readFileSync(path.join(__dirname, "assets", "namenode-start.sh"), "utf8") };
/** Where the NameNode pod's containers find those scripts: the role's ConfigMap (its `files`), read-only. */
const scriptsDir = hdfsScriptsDir;

/** The annotation and ConfigMap keys of the membership record (see `HdfsNameNodeDaemonSet.membership`). */
export const membershipKeys = { hosts: "hosts", formatHost: "formatHost" } as const;

/**
 * The format record (see `HdfsNameNodeDaemonSet.formatRecord`): its ConfigMap key, and where the format step finds
 * it (an optional ConfigMap volume: absent until the first rollout has served).
 */
export const formatRecord = { key: "cluster-id", volume: "format-record", mountPath: "/etc/hdfs-format-record" } as const;

/**
 * The arguments the component runs with: `args` checked against `hdfsNameNodeSettings` and laid over their
 * defaults (components/settings.ts; ComponentArgsError), with the site as given.
 */
export function resolveHdfsNameNodeArgs<A extends Partial<HdfsNameNodeArgs>>(args: A): HdfsNameNodeResolvedArgs & Pick<A, "site"> {
  const { site, ...settings } = args;
  return brandResolved("HdfsNameNodeDaemonSet", { ...resolveSettings("HdfsNameNodeDaemonSet", hdfsNameNodeSettings, settings), site }) as HdfsNameNodeResolvedArgs & Pick<A, "site">;
}

/** The role's arguments as `resolveHdfsNameNodeArgs` returned them, with the cluster's site. */
export type HdfsNameNodeResolvedArgs = Branded<"HdfsNameNodeDaemonSet", SettingsResolved<typeof hdfsNameNodeSettings> & Pick<HdfsNameNodeArgs, "site">>;

/** The cluster-scoped objects the component creates, by the names its constructor gives them. */
export function hdfsNameNodeClusterObjects(a: { name: string; priorityClassName?: string }): ClusterObjectRef[] {
  return hdfsRoleClusterObjects(a.name, a.priorityClassName);
}

export class HdfsNameNodeDaemonSet extends HdfsRoleComponent {
  /**
   * The NameNode hosts as first created (`hosts`, `formatHost`), kept by Pulumi as they were: its data is
   * ignored on update, so its outputs are the recorded membership. The formatting host comes from here (a
   * host that once held the metadata), and a plan whose hosts differ is warned about.
   */
  public readonly membership: k8s.core.v1.ConfigMap;
  /** The host that formats a new filesystem (HA: the others bootstrap from a running NameNode). */
  public readonly formatHost: pulumi.Output<string>;
  /**
   * The record that the filesystem exists: `<name>-format-record`, written by Pulumi once the NameNode DaemonSet's
   * rollout has served (it depends on the DaemonSet; the pods have no API token to write it). From then on a
   * name directory found empty is never formatted (assets/namenode-format.sh): a standalone NameNode refuses with
   * the recovery steps, an HA one bootstraps from a running NameNode.
   */
  public readonly formatRecord: k8s.core.v1.ConfigMap;
  /** With a rack map: its ConfigMap (`<name>-topology`), which the topology script reads. */
  public readonly rackMap?: k8s.core.v1.ConfigMap;
  /** The NameNodes' exclude file (`<name>-exclude`): the DataNodes to decommission, by address. */
  public readonly excludeFile: k8s.core.v1.ConfigMap;
  /** While the exclude list changes: the Job that drains (or recommissions) the DataNodes; `pulumi up` waits for it. */
  public readonly decommissionJob?: k8s.batch.v1.Job;
  /** The cluster's configuration (shared with the JournalNodes and DataNodes). */
  public readonly site: HdfsSite;
  /** The rendered core-site.xml and hdfs-site.xml. */
  public readonly coreSiteXml: string;
  public readonly hdfsSiteXml: string;

  /** `args` are resolved here (`resolveHdfsNameNodeArgs`), unless they are what that function returned (HdfsCluster passes those). */
  constructor(name: string, args: HdfsNameNodeArgs | HdfsNameNodeResolvedArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is registered (a refusal leaves no half-made component behind).
    const a: HdfsNameNodeResolvedArgs = isResolved("HdfsNameNodeDaemonSet", args) ? (args as HdfsNameNodeResolvedArgs) : resolveHdfsNameNodeArgs(args as HdfsNameNodeArgs);
    super(componentTypes.hdfsNameNode, name, {}, opts);
    const d = hdfsNameNodeConstants;
    const hosts = a.site.nameNodeHosts;
    const ports = a.site.ports;

    this.site = a.site;
    this.coreSiteXml = this.site.coreSiteXml;
    this.hdfsSiteXml = this.site.hdfsSiteXml;

    // The membership record: written once, then kept as it was (ignoreChanges), so that its outputs say which
    // hosts the nameservice was created with, wherever the labels have moved since.
    this.membership = new k8s.core.v1.ConfigMap(`${name}-membership`, {
      metadata: {
        name: `${a.name}-membership`,
        namespace: a.namespace,
        labels: { ...selectorLabelsFor("hdfs-namenode", a.name), ...objectLabelsFor("namenode") },
        annotations: {
          "k8s-daemonsets/note":
            "NameNode hosts as first created; never updated by pulumi up. Replace it (pulumi up --replace <urn>) to accept a new membership.",
        },
      },
      data: { [membershipKeys.hosts]: hosts.join(","), [membershipKeys.formatHost]: hosts[0] ?? "" },
    }, { parent: this, ignoreChanges: ["data"] });
    const recorded = this.membership.data.apply((data) => ({
      hosts: (data?.[membershipKeys.hosts] ?? hosts.join(",")).split(",").filter((h) => h !== ""),
      formatHost: data?.[membershipKeys.formatHost] ?? hosts[0] ?? "",
    }));
    this.formatHost = recorded.formatHost;
    pulumi.all([recorded, this.membership.urn]).apply(([r, urn]) => {
      const message = membershipChangeWarning(r.hosts, hosts, urn);
      if (message) {
        pulumi.log.warn(message, this);
      }
    });

    const nameDir: HostMount = {
      name: "name-dir",
      hostPath: a.nameDirHostPath,
      mountPath: d.nameDir,
      dataDirectory: true,
      type: hostDirectoryType(a.hostDirectories),
    };
    const env = hdfsEnv("HDFS_NAMENODE_OPTS", a.javaHeap, [
      { name: "NAME_DIR", value: d.nameDir },
      { name: "CLUSTER_ID", value: a.clusterId },
    ], [...a.javaOptions, ...(a.auditLog ? [`-Dhdfs.audit.logger=${d.auditLogger}`] : [])]);
    // With Kerberos and ZooKeeper, every ZooKeeper client (the ZKFC, the format step's `hdfs zkfc -formatZK`) logs
    // in with SASL as the NameNodes' principal.
    const zookeeperJvm = this.site.kerberos && this.site.automaticFailover ? zookeeperClientJvmOptions(hdfsCommonDefaults.confDir) : [];
    const formatEnv = [
      ...env,
      ...(zookeeperJvm.length > 0 ? [{ name: "HDFS_ZKFC_OPTS", value: [`-Xmx${d.zkfcJavaHeap}`, ...zookeeperJvm].join(" ") }] : []),
      nodeNameEnv,
      { name: "HA", value: String(this.site.ha) },
      { name: "FORMAT_HOST", value: this.formatHost },
      { name: "ZKFC_FORMAT", value: String(this.site.automaticFailover) },
      { name: "FORMAT_RECORD", value: `${formatRecord.mountPath}/${formatRecord.key}` },
      { name: "FORMAT_RECORD_CONFIGMAP", value: pulumi.interpolate`${a.namespace}/${a.name}-format-record` },
    ];

    const initContainers: HostContainer[] = [
      ownDataDirectories(a, [nameDir], "own-name-dir"),
      hdfsContainer(a, "namenode", {
        // Format (one host, once), bootstrap a standby, or keep what is there: see assets/namenode-format.sh.
        name: "format",
        command: ["sh", `${scriptsDir}/namenode-format.sh`],
        env: formatEnv,
        hostMounts: ["name-dir"],
        volumeMounts: [{ name: formatRecord.volume, mountPath: formatRecord.mountPath, readOnly: true }],
        resources: a.resources,
      }),
    ];

    // The exclude file: its own ConfigMap, out of the config hash (a drain restarts no pod).
    this.excludeFile = new k8s.core.v1.ConfigMap(`${name}-exclude`, {
      metadata: { name: `${a.name}-exclude`, namespace: a.namespace, labels: { ...selectorLabelsFor("hdfs-namenode", a.name), ...objectLabelsFor("namenode") } },
      data: { exclude: excludeFileContent(a.decommissionAddresses) },
    }, { parent: this });
    const exclude = excludeVolume(`${a.name}-exclude`);
    // The rack map: its own ConfigMap too, out of the config hash (a node mapped later restarts no NameNode).
    const racked = Object.keys(a.rackMap).length > 0;
    const depths = new Set(Object.values(a.rackMap).map((r) => r.split("/").length - 1));
    if (depths.size > 1) {
      throw new Error(`NameNode ${a.name}: the rack map's racks have different depths (${[...depths].join(", ")}): Hadoop keeps one depth for every DataNode`);
    }
    this.rackMap = racked ? new k8s.core.v1.ConfigMap(`${name}-topology`, {
      metadata: { name: `${a.name}-topology`, namespace: a.namespace, labels: { ...selectorLabelsFor("hdfs-namenode", a.name), ...objectLabelsFor("namenode") } },
      data: { racks: rackMapContent(a.rackMap) },
    }, { parent: this }) : undefined;
    const racks = racked ? rackMapVolume(`${a.name}-topology`, [...depths][0]) : undefined;

    const manualHa = this.site.ha && !this.site.automaticFailover;
    const web = webEndpoint(this.site, "namenode");
    const containers: HostContainer[] = [
      hdfsContainer(a, "namenode", {
        name: "namenode",
        // `hdfs namenode`, with `-rollingUpgrade started` while a rolling upgrade is not finalized.
        command: ["sh", `${scriptsDir}/${nameNodeStartScript.name}`, d.nameDir],
        env: [
          ...(manualHa ? [...env, nodeNameEnv, { name: "FORMAT_HOST", value: this.formatHost }, { name: "NAMENODE_ID", value: this.formatHost.apply(nameNodeId) }] : env),
          ...(racks ? racks.env : []),
        ],
        // HA without ZooKeeper: the formatting host's NameNode makes itself active when none is (assets/namenode-activate.sh).
        ...(manualHa ? { lifecycle: { postStart: { exec: { command: ["sh", `${scriptsDir}/namenode-activate.sh`] } } } } : {}),
        hostMounts: ["name-dir"],
        ports: hostPorts({ rpc: ports.nameNodeRpc, [web.name]: web.port }),
        volumeMounts: [exclude.mount, ...(racks ? [racks.mount] : [])],
        resources: a.resources,
        startupProbe: startedProbe("rpc", 300),
        // With Kerberos every web path asks for SPNEGO (a kubelet's GET would be 401): the HTTPS port must accept.
        livenessProbe: { ...(this.site.kerberos ? { tcpSocket: { port: web.name } } : { httpGet: { path: "/", port: web.name } }), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
        // Serving, not "active": a standby out of start-up safe mode is ready.
        readinessProbe: servingProbe(this.site, "namenode"),
      }),
    ];
    if (this.site.automaticFailover) {
      containers.push(hdfsContainer(a, "namenode", {
        // The ZKFailoverController: health-checks the NameNode beside it and runs the ZooKeeper election.
        name: "zkfc",
        command: ["hdfs", "zkfc", ...Object.entries(d.zkfcProperties).flatMap(([key, value]) => ["-D", `${key}=${value}`])],
        env: hdfsEnv("HDFS_ZKFC_OPTS", d.zkfcJavaHeap, [
          { name: "NAMENODE_RPC_PORT", value: String(ports.nameNodeRpc) },
          // The hook waits for the ZKFC's connections to these to close (it quits the election).
          { name: "ZOOKEEPER_QUORUM", value: this.site.coreSite["ha.zookeeper.quorum"] ?? "" },
          // The hook's wait ends well within the pod's grace period, which also covers the NameNode's own stop.
          { name: "WAIT_SECONDS", value: String(d.terminationGracePeriodSeconds - 15) },
        ], [...a.javaOptions, ...zookeeperJvm]),
        // Outlives the NameNode on a pod's deletion, so that it frees the active lock at once (assets/zkfc-prestop.sh).
        lifecycle: { preStop: { exec: { command: ["bash", `${scriptsDir}/zkfc-prestop.sh`] } } },
        ports: hostPorts({ zkfc: ports.zkfc }),
        resources: a.zkfcResources,
        livenessProbe: { tcpSocket: { port: "zkfc" }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
      }));
    }

    // A nameservice recorded as standalone that the plan makes HA: the new hosts' NameNodes stay unavailable until
    // the formatting host's has restarted with the HA configuration and shared its edits (their bootstrap reads
    // them), and a rolling update one node at a time waits for them before it restarts that one: a deadlock. So
    // while the record says standalone, a rolling update replaces every NameNode at once (a standalone NameNode
    // is down for the conversion anyway). Recording the new membership (see `membership`) restores the pace.
    const updateStrategy: UpdateStrategy =
      this.site.ha && a.updateStrategy.type === "RollingUpdate"
        ? { ...a.updateStrategy, maxUnavailable: pulumi.all([recorded, a.updateStrategy.maxUnavailable]).apply(([r, configured]) => nameNodeMaxUnavailable(r.hosts, hosts, configured)) }
        : a.updateStrategy;

    this.createRole("namenode", {
      resourceName: name,
      args: a,
      site: this.site,
      dependsOn: opts?.dependsOn,
      description: "HDFS NameNode: preempts ordinary workloads on the hosts labelled for it.",
      // The format script is part of the config hash: the NameNode restarts when it changes too.
      files: {
        ...decommissionFiles,
        [nameNodeStartScript.name]: nameNodeStartScript.text,
        ...(racked ? rackFiles : {}),
        "namenode-format.sh": formatScript,
        ...(manualHa ? { "namenode-activate.sh": activateScript } : {}),
        ...(this.site.automaticFailover ? { "zkfc-prestop.sh": zkfcPreStopScript } : {}),
      },
      affinity: a.affinity,
      terminationGracePeriodSeconds: d.terminationGracePeriodSeconds,
      updateStrategy,
      hostMounts: [nameDir],
      volumes: [{ name: formatRecord.volume, configMap: { name: `${a.name}-format-record`, optional: true, defaultMode: 0o444 } }, exclude.volume, ...(racks ? [racks.volume] : [])],
      initContainers,
      containers,
    });

    this.formatRecord = new k8s.core.v1.ConfigMap(`${name}-format-record`, {
      metadata: {
        name: `${a.name}-format-record`,
        namespace: a.namespace,
        labels: { ...selectorLabelsFor("hdfs-namenode", a.name), ...objectLabelsFor("namenode") },
        annotations: { "k8s-daemonsets/note": "Written once the NameNodes served: an empty name directory is not formatted while it exists (docs/runbooks.md)." },
      },
      data: { [formatRecord.key]: a.clusterId },
    }, { parent: this, dependsOn: [this.daemonSet] });

    // The drain (or recommission) Job while any DataNode is excluded or the list changes; after the NameNodes serve.
    if (decommissionJobNeeded(a.decommissionAddresses, a.deployedDecommissionAddresses)) {
      this.decommissionJob = decommissionJob(`${name}-decommission`, {
        ...a, addresses: a.decommissionAddresses, timeoutSeconds: a.decommissionTimeoutSeconds, placement: this.placement,
        labels: { ...selectorLabelsFor("hdfs-namenode-decommission", a.name), ...objectLabelsFor("namenode") },
      }, this.configMap, { parent: this, dependsOn: [this.daemonSet, this.excludeFile] });
    }

    this.registerRoleOutputs({
      formatHost: this.formatHost,
      membership: this.membership,
      formatRecord: this.formatRecord,
      excludeFile: this.excludeFile,
      rackMap: this.rackMap,
      decommissionJob: this.decommissionJob,
      coreSiteXml: this.coreSiteXml,
      hdfsSiteXml: this.hdfsSiteXml,
    });
  }
}

/** Whether the plan makes HA a nameservice recorded as a standalone NameNode (the conversion). */
export function standaloneBecomingHa(recordedHosts: string[], plannedHosts: string[]): boolean {
  return recordedHosts.length < 2 && plannedHosts.length >= 2;
}

/**
 * The NameNode DaemonSet's maxUnavailable for an HA plan: every node ("100%") during the conversion from a
 * standalone NameNode, else the configured one (default 1).
 */
export function nameNodeMaxUnavailable(recordedHosts: string[], plannedHosts: string[], configured: number | string | undefined): number | string {
  return standaloneBecomingHa(recordedHosts, plannedHosts) ? "100%" : configured ?? 1;
}

/**
 * The warning `pulumi preview`/`up` prints when the planned NameNode hosts differ from the recorded ones, or
 * undefined when they are the same.
 */
export function membershipChangeWarning(recorded: string[], planned: string[], recordUrn: string): string | undefined {
  const same = recorded.length === planned.length && recorded.every((h) => planned.includes(h));
  if (same) {
    return undefined;
  }
  const added = planned.filter((h) => !recorded.includes(h));
  const removed = recorded.filter((h) => !planned.includes(h));
  return [
    `HDFS NameNode membership change: the plan puts NameNodes on [${planned.join(", ")}], but the nameservice was created on [${recorded.join(", ")}]` +
      ` (added: [${added.join(", ")}], removed: [${removed.join(", ")}]).`,
    "The metadata lives on the hosts' disks, not in Kubernetes:",
    `- added hosts start empty and run 'hdfs namenode -bootstrapStandby' from a running NameNode (one must be up);`,
    `- removed hosts keep their name directory untouched (delete it by hand once the new member is in sync);`,
    `- the formatting host stays ${recorded[0] ?? "(none)"}; if it was removed, no host formats.`,
    ...(standaloneBecomingHa(recorded, planned)
      ? ["- a standalone NameNode becoming HA: until the new membership is recorded, a rolling update of the NameNodes replaces them all at once."]
      : []),
    `See docs/hdfs.md, "Moving the NameNode label". Once the new membership runs, record it: pulumi up --replace '${recordUrn}'.`,
  ].join("\n");
}
