// One HDFS cluster: its namespace, its core-site.xml/hdfs-site.xml rendered once, and the roles as children —
// the NameNode(s), the JournalNode quorum (an HA nameservice only) and the DataNodes — each reading its ports,
// hosts and in-container directories from that one site, so nothing has to be kept equal by hand.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { HdfsPorts, hdfsSiteDefaults, webEndpoint } from "./hadoopConfig";
import { ArgsIssue, ArgsPath, Branded, ComponentArgsError, brandResolved, isResolved } from "./defaults";
import { HdfsDataNodeDaemonSet, hdfsDataNodeClusterObjects, hdfsDataNodeSettings } from "./hdfsDataNode";
import { HdfsJournalNodeDaemonSet, hdfsJournalNodeClusterObjects, hdfsJournalNodeSettings } from "./hdfsJournalNode";
import { HdfsNameNodeDaemonSet, hdfsNameNodeClusterObjects, hdfsNameNodeSettings } from "./hdfsNameNode";
import { HdfsSite, defaultHadoopVersion, hadoopImage, hadoopVersions, hdfsCommonDefaults, hdfsRoleSecurityIssues, hdfsScriptsDir, hdfsSite } from "./hdfsShared";
import { RackNode, rackMap, rackSettings, topologyScriptPath } from "./hdfsRacks";
import { RoleVersions, rollingUpgradeJob, rollingUpgradeJobNeeded, rollingUpgradeSettings, roleVersions } from "./hdfsRollingUpgrade";
import { HdfsKerberos, HdfsRole, hdfsSecuritySettings, keytabPrincipals, keytabProblem } from "./hdfsSecurity";
import { definedOnly, hostAgentNamespace } from "./hostDaemonSet";
import * as k8s from "@pulumi/kubernetes";
import { labels, nodeName, port, resourceName } from "./kubernetesSyntax";
import { RuleGroup, adjustRules, nodeRelabelings, prometheusRuleType, ruleFile, ruleSettings, ruleSettingsIssues, scrapeInterval, serviceMonitorType } from "./monitoring";
import { hdfsChurningLabels, hdfsRuleGroups, hdfsRuleSettings } from "./hdfsRules";
import { buildDashboard, dashboardSettings } from "./dashboards";
import { hdfsDashboard } from "./hdfsDashboard";
import { Settings, SettingsArgs, SettingsResolved, resolveSettings, setting, settingsDefaults, withDefaultDocs } from "./settings";
import { matchesSelector, objectLabelsFor, type ClusterObjectRef } from "./labels";
import { componentTypes } from "./project";

// host:port of a ZooKeeper server (host: a DNS name or an IPv4 address).
const zookeeperServer = z
  .string()
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:\d{1,5}$/, "must be host:port, e.g. zk-1.example.com:2181")
  .refine((s) => { const p = Number(s.slice(s.lastIndexOf(":") + 1)); return p >= 1 && p <= 65535; }, { message: "port must be 1-65535" })
  .describe("host:port");
const hadoopProperties = z.record(z.string().min(1), z.string()).describe("map property → value");
const pemCertificate = z.string().regex(/^-----BEGIN CERTIFICATE-----\n[^]*-----END CERTIFICATE-----\s*$/, "must be a PEM certificate (-----BEGIN CERTIFICATE----- …)").describe("PEM certificate");

/** The cluster's own settings (components/settings.ts): its namespace, its site's cluster-wide settings, its hosts. */
export const hdfsClusterSettings = {
  /** Namespace of every role (not kube-system). */
  namespace: setting(resourceName.refine((ns) => ns !== "kube-system", { message: "HDFS does not belong in kube-system" }), { default: hdfsCommonDefaults.namespace as string }),
  /** Create the namespace (with Pod Security labels); false deploys into an existing one, which the stack then neither changes nor deletes. */
  createNamespace: setting(z.boolean(), { default: true }),
  /**
   * The Hadoop release every role runs: the image `apache/hadoop:<version>` unless a role's `image` is given (whose
   * tag is then its version). A change is a rolling upgrade, or a rolling downgrade while it is not finalized
   * (docs/runbooks.md, Upgrade Hadoop).
   */
  hadoopVersion: setting(z.enum(hadoopVersions), { default: defaultHadoopVersion }),
  /** HA: the nameservice id (also the journal id). */
  nameservice: setting(resourceName, { default: hdfsSiteDefaults.nameservice as string }),
  /** HA: ZooKeeper servers; turns on automatic failover (a ZKFC beside each NameNode). Unset: manual failover. */
  zookeeperQuorum: setting(z.array(zookeeperServer).min(1, "must name at least one ZooKeeper server (or leave it out for manual failover)")),
  /** `dfs.replication`: copies of each block. */
  replication: setting(z.number().int().min(1).max(512), { default: hdfsSiteDefaults.replication as number }),
  /** Hadoop's Prometheus endpoint: every daemon serves its metrics at /prom on its HTTP port (hadoop.prometheus.endpoint.enabled), found through a headless Service per role (`<role name>-metrics`). */
  prometheusEndpoint: setting(z.boolean(), { default: true }),
  /**
   * A prometheus-operator ServiceMonitor per role (needs its CRD and `prometheusEndpoint`): `/prom` on the role's web
   * port through its metrics Service, each series labelled with its node (`instance`, `node`).
   */
  serviceMonitor: setting(z.boolean(), { default: false }),
  /** Scrape interval of the ServiceMonitors. */
  scrapeInterval: setting(scrapeInterval, { default: "30s" }),
  /** Labels added to the ServiceMonitors, e.g. the release a Prometheus selects monitors by. */
  serviceMonitorLabels: setting(labels, { default: {} }),
  /**
   * Kerberos (HTTPS): the PEM certificate of the CA that signed the roles' certificates, which the ServiceMonitors
   * verify them with (kept in the ConfigMap `<cluster name>-metrics-ca`, e.g. `hdfs-metrics-ca`; not a secret).
   */
  serviceMonitorCa: setting(pemCertificate),
  // The cluster's alerting rules (components/hdfsRules.ts): how they are delivered, adjusted and their thresholds.
  ...ruleSettings,
  ...hdfsRuleSettings,
  // Its Grafana dashboard (components/hdfsDashboard.ts).
  ...dashboardSettings,
  // Racks from node labels (components/hdfsRacks.ts).
  ...rackSettings,
  // Rolling upgrades (components/hdfsRollingUpgrade.ts).
  ...rollingUpgradeSettings,
  /** Extra core-site.xml properties (override the rendered ones). */
  coreSite: setting(hadoopProperties),
  /** Extra hdfs-site.xml properties (override the rendered ones). */
  hdfsSite: setting(hadoopProperties),
  /**
   * The NameNode hosts (the nodes carrying the NameNode's `nodeSelector` labels), in plan order: one is a
   * standalone NameNode, 2-5 an HA nameservice; the first formats a new filesystem.
   */
  nameNodeHosts: setting(z.array(nodeName), { default: [] as string[], programOnly: true }),
  /** HA only: the JournalNode hosts (those carrying the JournalNode's labels). */
  journalNodeHosts: setting(z.array(nodeName), { programOnly: true, defaultDoc: "the NameNode hosts" }),
  /**
   * host -> IP address of the NameNode and JournalNode hosts, for clusters whose DNS does not resolve node
   * names (kubeadm, kind): every HDFS pod gets them as hostAliases. Unset: names resolve by DNS.
   */
  hostAddresses: setting(z.record(nodeName, z.string()), { programOnly: true }),
  /** How long `pulumi up` waits for each role's rollout before failing. */
  rolloutTimeoutSeconds: setting(z.number().int().min(1), { programOnly: true, defaultDoc: "the provider's 600 s" }),
  /**
   * DataNode hosts to decommission: `pulumi up` drains them (every block re-replicated elsewhere; docs/runbooks.md,
   * Drain a host) and returns when each reports Decommissioned. Only then may a host leave the DataNodes'
   * placement. Removed from the list, a host is recommissioned the same way.
   */
  decommission: setting(z.array(nodeName).refine((n) => new Set(n).size === n.length, { message: "lists a node twice" }), { default: [] as string[] }),
  /**
   * Hosts whose DataNode may leave the placement without being decommissioned: hosts already dead (their replicas
   * are gone with them; HDFS re-replicates from the others). Any other host must be drained first.
   */
  deadDataNodeHosts: setting(z.array(nodeName), { default: [] as string[] }),
  /** The InternalIP of each `decommission` host (the address its DataNode registers with): the stack reads them from the cluster. */
  decommissionAddresses: setting(z.record(nodeName, z.string()), { programOnly: true }),
};

/** A role's settings as the cluster takes them: without the namespace and rollout timeout (the cluster's). */
function inCluster<D extends Settings>(role: D): Omit<D, "namespace" | "rolloutTimeoutSeconds"> {
  const { namespace: _namespace, rolloutTimeoutSeconds: _timeout, ...own } = role;
  return own;
}

/** The roles' settings in the cluster: each role's own and the ports the cluster's site renders for it. */
export const hdfsClusterRoleSettings = {
  nameNode: {
    ...withDefaultDocs(inCluster(hdfsNameNodeSettings), { image: "apache/hadoop:<hadoopVersion>" }),
    /** NameNode RPC port (`fs.defaultFS`, clients and DataNodes), a host port. */
    rpcPort: setting(port, { default: hdfsSiteDefaults.nameNodeRpcPort as number }),
    /** NameNode HTTP port (web UI, WebHDFS), a host port; simple mode only. */
    httpPort: setting(port, { default: hdfsSiteDefaults.nameNodeHttpPort as number }),
    /** NameNode HTTPS port (web UI, WebHDFS), a host port; Kerberos mode only. */
    httpsPort: setting(port, { default: hdfsSiteDefaults.nameNodeHttpsPort as number }),
    /** HA with ZooKeeper: the ZKFC's RPC port, a host port. */
    zkfcPort: setting(port, { default: hdfsSiteDefaults.zkfcPort as number }),
  },
  // The JournalNodes run where the NameNode runs, on its Hadoop, unless given their own.
  journalNode: {
    ...withDefaultDocs(inCluster(hdfsJournalNodeSettings), { nodeSelector: "the NameNode's", tolerations: "the NameNode's", image: "the NameNode's", imagePullPolicy: "the NameNode's" }),
    /** JournalNode RPC port (the NameNodes' shared edits), a host port. */
    rpcPort: setting(port, { default: hdfsSiteDefaults.journalNodeRpcPort as number }),
    /** JournalNode HTTP port, a host port; simple mode only. */
    httpPort: setting(port, { default: hdfsSiteDefaults.journalNodeHttpPort as number }),
    /** JournalNode HTTPS port (the NameNodes fetch edits there), a host port; Kerberos mode only. */
    httpsPort: setting(port, { default: hdfsSiteDefaults.journalNodeHttpsPort as number }),
  },
  dataNode: {
    /** Run DataNodes; false for an HDFS of NameNodes (and JournalNodes) only. */
    enabled: setting(z.boolean(), { default: true }),
    ...withDefaultDocs(inCluster(hdfsDataNodeSettings), { image: "the NameNode's", imagePullPolicy: "the NameNode's" }),
    /** DataNode data transfer port, a host port. */
    dataPort: setting(port, { default: hdfsSiteDefaults.dataNodeDataPort as number }),
    /** DataNode HTTP port, a host port; simple mode only. */
    httpPort: setting(port, { default: hdfsSiteDefaults.dataNodeHttpPort as number }),
    /** DataNode HTTPS port (WebHDFS reads and writes), a host port; Kerberos mode only. */
    httpsPort: setting(port, { default: hdfsSiteDefaults.dataNodeHttpsPort as number }),
    /** DataNode IPC port, a host port. */
    ipcPort: setting(port, { default: hdfsSiteDefaults.dataNodeIpcPort as number }),
  },
};

/** The cluster's arguments: `hdfsClusterSettings`, its security (`hdfsSecuritySettings`) and, per role, `hdfsClusterRoleSettings`, each optional. */
export interface HdfsClusterArgs extends SettingsArgs<typeof hdfsClusterSettings> {
  /** Kerberos or simple mode, and the realm's settings. */
  security?: SettingsArgs<typeof hdfsSecuritySettings>;
  /** The NameNode's settings and ports. */
  nameNode?: SettingsArgs<typeof hdfsClusterRoleSettings.nameNode>;
  /** The JournalNodes' settings and ports (created only for an HA nameservice). */
  journalNode?: SettingsArgs<typeof hdfsClusterRoleSettings.journalNode>;
  /** The DataNodes' settings and ports. */
  dataNode?: SettingsArgs<typeof hdfsClusterRoleSettings.dataNode>;
}

/** The cluster's own defaults, from `hdfsClusterSettings`. */
export const hdfsClusterDefaults = settingsDefaults(hdfsClusterSettings);

/** `resolve()` with its ComponentArgsError's issues under `prefix`, collected in `issues` (undefined if refused). */
function collecting<T>(issues: ArgsIssue[], prefix: ArgsPath, resolve: () => T): T | undefined {
  try {
    return resolve();
  } catch (e) {
    if (!(e instanceof ComponentArgsError)) throw e;
    issues.push(...e.issues.map((i) => ({ ...i, path: [...prefix, ...i.path] })));
    return undefined;
  }
}

/**
 * The arguments the cluster runs with: its own and each role's checked against their declarations and laid over
 * their defaults (components/settings.ts), the JournalNodes and DataNodes running the NameNode's Hadoop (and the
 * JournalNodes its placement) unless given their own; then the cluster's own checks (`hdfsClusterArgsIssues`).
 * Every problem at once, ComponentArgsError. Each of the four is resolved once here; `hdfsClusterOnHosts` places
 * a resolved cluster on other hosts without resolving it again.
 */
export function resolveHdfsClusterArgs(args: HdfsClusterArgs = {}): HdfsClusterResolvedArgs {
  const { nameNode: nn = {}, journalNode: jn = {}, dataNode: dn = {}, security: sec = {}, ...own } = args;
  const roles = hdfsClusterRoleSettings;
  const issues: ArgsIssue[] = [];
  const a = collecting(issues, [], () => resolveSettings("HdfsCluster", hdfsClusterSettings, own));
  const security = collecting(issues, ["security"], () => resolveSettings("HdfsSecurity", hdfsSecuritySettings, sec));
  const nameNode = collecting(issues, ["nameNode"], () =>
    resolveSettings("HdfsNameNodeDaemonSet", roles.nameNode, { image: hadoopImage(a?.hadoopVersion ?? defaultHadoopVersion), ...definedOnly(nn) }));
  const hadoop = { image: nameNode?.image, imagePullPolicy: nameNode?.imagePullPolicy };
  const journalNode = collecting(issues, ["journalNode"], () =>
    resolveSettings("HdfsJournalNodeDaemonSet", roles.journalNode, { ...hadoop, nodeSelector: nameNode?.nodeSelector, tolerations: nameNode?.tolerations, ...definedOnly(jn) }));
  const dataNode = collecting(issues, ["dataNode"], () => resolveSettings("HdfsDataNodeDaemonSet", roles.dataNode, { ...hadoop, ...definedOnly(dn) }));
  if (!a || !security || !nameNode || !journalNode || !dataNode) {
    throw new ComponentArgsError("HdfsCluster", issues);
  }
  const { rpcPort: nameNodeRpc, httpPort: nameNodeHttp, httpsPort: nameNodeHttps, zkfcPort: zkfc, ...nameNodeRole } = nameNode;
  const { rpcPort: journalNodeRpc, httpPort: journalNodeHttp, httpsPort: journalNodeHttps, ...journalNodeRole } = journalNode;
  const { enabled: dataNodes, dataPort: dataNodeData, httpPort: dataNodeHttp, httpsPort: dataNodeHttps, ipcPort: dataNodeIpc, ...dataNodeRole } = dataNode;
  return placed({
    ...a,
    security,
    ports: { nameNodeRpc, nameNodeHttp, nameNodeHttps, zkfc, journalNodeRpc, journalNodeHttp, journalNodeHttps, dataNodeData, dataNodeHttp, dataNodeHttps, dataNodeIpc },
    nameNode: nameNodeRole,
    journalNode: journalNodeRole,
    dataNode: dataNodes ? dataNodeRole : null,
  });
}

function placed(a: Omit<HdfsClusterResolvedValue, "ha">): HdfsClusterResolvedArgs {
  const value = { ...a, ha: a.nameNodeHosts.length >= 2 };
  const issues = hdfsClusterArgsIssues(value);
  if (issues.length > 0) {
    throw new ComponentArgsError("HdfsCluster", issues);
  }
  return brandResolved("HdfsCluster", value);
}

/** The cluster's arguments as `resolveHdfsClusterArgs` returned them (or `hdfsClusterOnHosts`, `hdfsClusterWithHostAddresses`). */
export type HdfsClusterResolvedArgs = Branded<"HdfsCluster", HdfsClusterResolvedValue>;

/** A role's settings in the cluster, resolved, without the ports (the cluster's `ports`). */
type RoleResolved<D extends Settings, Ports extends string> = Omit<SettingsResolved<D>, Ports>;

type HdfsClusterResolvedValue = SettingsResolved<typeof hdfsClusterSettings> & {
  ha: boolean;
  security: SettingsResolved<typeof hdfsSecuritySettings>;
  ports: HdfsPorts;
  nameNode: RoleResolved<typeof hdfsClusterRoleSettings.nameNode, "rpcPort" | "httpPort" | "httpsPort" | "zkfcPort">;
  journalNode: RoleResolved<typeof hdfsClusterRoleSettings.journalNode, "rpcPort" | "httpPort" | "httpsPort">;
  /** Null: no DataNodes (`dataNode.enabled: false`). */
  dataNode: RoleResolved<typeof hdfsClusterRoleSettings.dataNode, "enabled" | "dataPort" | "httpPort" | "httpsPort" | "ipcPort"> | null;
};

/** The realm's settings the site renders with, in Kerberos mode (undefined in simple mode). */
export function hdfsClusterKerberos(a: Pick<HdfsClusterResolvedValue, "security" | "nameservice" | "namespace">): HdfsKerberos | undefined {
  const s = a.security;
  if (s.mode !== "kerberos") return undefined;
  return {
    realm: s.realm!,
    kdcs: s.kdcs!,
    principalInstance: s.principalInstance ?? `${a.nameservice}.${a.namespace}`,
    rpcProtection: s.rpcProtection,
    dataTransferProtection: s.dataTransferProtection,
  };
}

/**
 * A resolved cluster on other hosts (a stack learns them after resolving: from its node labels, or from the
 * cluster's nodes at preflight), checked again for them; nothing is resolved again.
 */
export function hdfsClusterOnHosts(a: HdfsClusterResolvedArgs, hosts: { nameNodeHosts: string[]; journalNodeHosts?: string[] }): HdfsClusterResolvedArgs {
  return placed({ ...a, nameNodeHosts: hosts.nameNodeHosts, journalNodeHosts: hosts.journalNodeHosts });
}

/**
 * A resolved cluster with the addresses of its `decommission` hosts and the exclude list its NameNodes run with
 * now (undefined: none deployed), as the stack read them from the cluster.
 */
export function hdfsClusterWithDecommission(a: HdfsClusterResolvedArgs, addresses: Record<string, string>, deployed: string[] | undefined): HdfsClusterResolvedArgs {
  return brandResolved("HdfsCluster", { ...a, decommissionAddresses: addresses, nameNode: { ...a.nameNode, deployedDecommissionAddresses: deployed } });
}

/**
 * A resolved cluster with what the stack read about a rolling upgrade: whether one is under way, whether one ran
 * unfinalized, and the uid of the failed upgrade Job of the same plan (see `rollingUpgradeSettings`).
 */
export function hdfsClusterWithUpgrade(
  a: HdfsClusterResolvedArgs,
  facts: { upgradeInProgress: boolean; upgradeUnfinalized: boolean; upgradeRetryOf?: string; upgradeDataNodePods?: number },
): HdfsClusterResolvedArgs {
  return brandResolved("HdfsCluster", { ...a, ...facts });
}

/** The version each role's image runs and the role's DaemonSet name (JournalNodes in HA only, DataNodes if enabled). */
export function hdfsClusterRoleVersions(a: HdfsClusterResolvedArgs): { role: "nameNode" | "journalNode" | "dataNode"; name: string; version: string }[] {
  const v = roleVersions({ nameNode: a.nameNode.image, journalNode: a.ha ? a.journalNode.image : undefined, dataNode: a.dataNode?.image });
  return [
    { role: "nameNode" as const, name: a.nameNode.name, version: v.nameNode },
    ...(a.ha ? [{ role: "journalNode" as const, name: a.journalNode.name, version: v.journalNode! }] : []),
    ...(a.dataNode ? [{ role: "dataNode" as const, name: a.dataNode.name, version: v.dataNode! }] : []),
  ];
}

/** The version each running role is to run, as the upgrade Job's name and environment take them. */
export function hdfsClusterVersions(a: HdfsClusterResolvedArgs): RoleVersions {
  return Object.fromEntries(hdfsClusterRoleVersions(a).map((r) => [r.role, r.version])) as unknown as RoleVersions;
}

/** A resolved cluster whose pods get `hostAddresses` as hostAliases (see `hdfsClusterSettings.hostAddresses`). */
export function hdfsClusterWithHostAddresses(a: HdfsClusterResolvedArgs, hostAddresses: Record<string, string>): HdfsClusterResolvedArgs {
  return brandResolved("HdfsCluster", { ...a, hostAddresses });
}

/** The JournalNode hosts: in HA, `journalNodeHosts` or else the NameNode hosts; none without HA. */
export function hdfsJournalNodeHosts(a: { ha: boolean; nameNodeHosts: string[]; journalNodeHosts?: string[] }): string[] {
  return a.ha ? a.journalNodeHosts ?? a.nameNodeHosts : [];
}

/**
 * What contradicts itself in the cluster's arguments, each under the argument's path (the stack reports them
 * under its config keys): too many NameNodes, an HA nameservice without a JournalNode quorum, ZooKeeper without
 * HA, one host directory used by two roles, one host port claimed by two roles.
 */
export function hdfsClusterArgsIssues(a: HdfsClusterResolvedValue): ArgsIssue[] {
  const issues: ArgsIssue[] = [];
  const max = hdfsSiteDefaults.maxNameNodes;
  const nameNodes = a.nameNodeHosts;
  if (nameNodes.length > max) {
    issues.push({
      path: ["nameNodeHosts"],
      message: `${nameNodes.length} NameNode hosts (${nameNodes.join(", ")}); an HA nameservice has at most ${max} NameNodes (Hadoop recommends 3)`,
    });
  }
  const journalNodes = hdfsJournalNodeHosts(a);
  if (a.ha && journalNodes.length < 3) {
    issues.push({
      path: ["journalNodeHosts"],
      message: `${nameNodes.length} NameNodes form an HA nameservice, whose shared edits need a quorum of at least 3 JournalNodes, ` +
        `but ${journalNodes.length === 0 ? "no host runs one" : `only ${journalNodes.length} host${journalNodes.length === 1 ? "" : "s"} run${journalNodes.length === 1 ? "s" : ""} one (${journalNodes.join(", ")})`}`,
    });
  }
  const zookeeper = (a.zookeeperQuorum ?? []).length > 0;
  if (zookeeper && nameNodes.length === 1) {
    issues.push({
      path: ["zookeeperQuorum"],
      message: `automatic failover needs an HA nameservice (2-${max} NameNode hosts), but the NameNode runs on 1 host`,
    });
  }
  // Host paths: a directory of one role must not be another's (they can share a node).
  const dirs: { dir: string; path: ArgsIssue["path"] }[] = [
    { dir: a.nameNode.nameDirHostPath, path: ["nameNode", "nameDirHostPath"] },
    ...(a.ha ? [{ dir: a.journalNode.editsDirHostPath, path: ["journalNode", "editsDirHostPath"] }] : []),
    ...(a.dataNode ? a.dataNode.dataDirHostPaths.map((dir, i) => ({ dir, path: ["dataNode", "dataDirHostPaths", i] })) : []),
  ];
  dirs.forEach((d, i) => {
    const other = dirs.findIndex((o, j) => j !== i && (d.dir === o.dir || d.dir.startsWith(`${o.dir}/`)));
    if (other >= 0 && (d.dir !== dirs[other].dir || other < i)) {
      issues.push({ path: d.path, message: (name) => `${d.dir} is (inside) ${dirs[other].dir}, already used by ${name(dirs[other].path)}; each HDFS directory needs its own host path` });
    }
  });
  const tolerated = a.dataNode?.failedVolumesTolerated;
  if (a.dataNode && tolerated !== undefined && tolerated >= a.dataNode.dataDirHostPaths.length) {
    const count = a.dataNode.dataDirHostPaths.length;
    issues.push({
      path: ["dataNode", "failedVolumesTolerated"],
      message: (name) => `${tolerated} of ${count} data director${count === 1 ? "y" : "ies"} (${name(["dataNode", "dataDirHostPaths"])}): must be fewer (Hadoop refuses to start the DataNode), or -1 to serve while one works`,
    });
  }
  if (a.dataNode && a.upgradeDataNodesAtOnce > 1 && a.upgradeDataNodesAtOnce >= a.replication) {
    issues.push({
      path: ["upgradeDataNodesAtOnce"],
      message: (name) => `${a.upgradeDataNodesAtOnce} DataNodes stopped at once during a rolling upgrade could hold every replica of a block (${name(["replication"])}: ${a.replication}): must be fewer`,
    });
  }
  issues.push(...hdfsSecurityIssues(a));
  issues.push(...serviceMonitorIssues(a));
  issues.push(...ruleIssues(a));
  for (const { port, path, first } of hostPortConflicts(hdfsHostPorts(a))) {
    issues.push({ path, message: (name) => hostPortMessage(port, first.owner, name(first.path)) });
  }
  return issues;
}

/** Rules without the series they read, and adjustments of alerts the cluster does not have. */
function ruleIssues(a: HdfsClusterResolvedValue): ArgsIssue[] {
  const issues: ArgsIssue[] = [];
  if (a.prometheusRule && !a.serviceMonitor) {
    issues.push({ path: ["prometheusRule"], message: (name) => `the rules read the series the ServiceMonitors scrape, which ${name(["serviceMonitor"])}: false leaves out: set it too, or use rulesConfigMap with the documented scrape config` });
  }
  if (a.rulesConfigMap && !a.prometheusEndpoint) {
    issues.push({ path: ["rulesConfigMap"], message: (name) => `the rules read Hadoop's /prom, which ${name(["prometheusEndpoint"])}: false turns off: leave it on` });
  }
  if (a.dashboards && !a.prometheusEndpoint) {
    issues.push({ path: ["dashboards"], message: (name) => `the dashboard reads Hadoop's /prom, which ${name(["prometheusEndpoint"])}: false turns off: leave it on` });
  }
  // Every alert the cluster can have (a cluster with JournalNodes and DataNodes), whatever its hosts.
  const all = hdfsRuleGroups({ ...a, namespace: a.namespace, nameNodes: 2, journalNodes: 3, dataNodes: true });
  return [...issues, ...ruleSettingsIssues(all, a)];
}

/** ServiceMonitors without what they scrape or verify: `/prom` off; in Kerberos mode (HTTPS), no CA; a CA without them. */
function serviceMonitorIssues(a: HdfsClusterResolvedValue): ArgsIssue[] {
  if (!a.serviceMonitor) {
    return a.serviceMonitorCa !== undefined ? [{ path: ["serviceMonitorCa"], message: (name) => `is for the ServiceMonitors, which ${name(["serviceMonitor"])} leaves off` }] : [];
  }
  const issues: ArgsIssue[] = [];
  if (!a.prometheusEndpoint) {
    issues.push({ path: ["serviceMonitor"], message: (name) => `scrapes Hadoop's /prom, which ${name(["prometheusEndpoint"])}: false turns off: leave it on` });
  }
  if (a.security.mode === "kerberos" && a.serviceMonitorCa === undefined) {
    issues.push({ path: ["serviceMonitorCa"], message: (name) => `${name(["security", "mode"])} is kerberos, so the roles serve /prom over HTTPS only: give the PEM certificate of the CA that signed their certificates, for the ServiceMonitors to verify them` });
  } else if (a.security.mode !== "kerberos" && a.serviceMonitorCa !== undefined) {
    issues.push({ path: ["serviceMonitorCa"], message: (name) => `is for HTTPS, but ${name(["security", "mode"])} is simple (plain HTTP)` });
  }
  return issues;
}

/**
 * What the cluster's security settings lack or contradict: Kerberos without a realm or KDC, a role without its
 * keytab or TLS Secret; simple mode with settings only Kerberos reads.
 */
function hdfsSecurityIssues(a: HdfsClusterResolvedValue): ArgsIssue[] {
  const s = a.security;
  const kerberos = s.mode === "kerberos";
  const issues: ArgsIssue[] = [];
  const mode: ArgsPath = ["security", "mode"];
  const roles = hdfsRunningRoles(a);
  // Nothing of Kerberos given (a new stack, or one from before Kerberos was the default): one issue, the choice.
  const material = roles.some((r) => r.args.keytab !== undefined || r.args.keytabSecretName !== undefined || r.args.tls !== undefined || r.args.tlsSecretName !== undefined);
  if (kerberos && s.realm === undefined && s.kdcs === undefined && !material) {
    return [{
      path: mode,
      message: (name) => `is kerberos (the default), but no realm, KDC, keytab or TLS material is set: give ${name(["security", "realm"])}, ${name(["security", "kdcs"])} ` +
        `and each role's keytab and TLS material (docs/hdfs.md, "Security"), or set ${name(mode)} to simple for a throwaway cluster or one that runs in simple mode ` +
        `(docs/hdfs.md, "Switching modes")`,
    }];
  }
  if (kerberos) {
    if (s.realm === undefined) issues.push({ path: ["security", "realm"], message: (name) => `${name(mode)} is kerberos: name the realm of HDFS's principals (or set ${name(mode)} to simple for a throwaway cluster)` });
    if (s.kdcs === undefined) issues.push({ path: ["security", "kdcs"], message: (name) => `${name(mode)} is kerberos: list the realm's KDCs (host or host:port)` });
  } else {
    for (const key of ["realm", "kdcs", "principalInstance"] as const) {
      if (s[key] !== undefined) issues.push({ path: ["security", key], message: (name) => `is for Kerberos, but ${name(mode)} is simple` });
    }
  }
  for (const r of roles) {
    issues.push(...hdfsRoleSecurityIssues(kerberos, r.args, [r.key], mode));
    // A keytab given inline (not a pulumi Output) must hold the role's principals (an existing Secret's: preflight);
    // they are known once the realm is (hdfsRunningRoles).
    const problem = r.principals && typeof r.args.keytab === "string" ? keytabProblem(r.args.keytab, r.principals) : undefined;
    if (problem) issues.push({ path: [r.key, "keytab"], message: problem });
  }
  return issues;
}

/**
 * The roles the cluster runs (the JournalNodes in HA, the DataNodes unless disabled): each one's key in the
 * cluster's arguments, its arguments, and in Kerberos mode the principals its keytab must hold (`keytabPrincipals`:
 * its web endpoints answer to its hosts' names, the DataNodes' to the instance).
 */
export function hdfsRunningRoles(a: HdfsClusterResolvedValue): { key: "nameNode" | "journalNode" | "dataNode"; args: HdfsClusterResolvedValue["nameNode"] | HdfsClusterResolvedValue["journalNode"] | NonNullable<HdfsClusterResolvedValue["dataNode"]>; principals?: string[] }[] {
  const k = a.security.mode === "kerberos" && a.security.realm !== undefined ? hdfsClusterKerberos(a) : undefined;
  const principals = (role: "namenode" | "journalnode" | "datanode", hosts: string[]) => (k ? keytabPrincipals(k, role, hosts) : undefined);
  return [
    { key: "nameNode" as const, args: a.nameNode, principals: principals("namenode", a.nameNodeHosts) },
    ...(a.ha ? [{ key: "journalNode" as const, args: a.journalNode, principals: principals("journalnode", hdfsJournalNodeHosts(a)) }] : []),
    ...(a.dataNode ? [{ key: "dataNode" as const, args: a.dataNode, principals: principals("datanode", []) }] : []),
  ];
}

/** A host port a role claims: its argument's path and what it serves. */
export interface HostPortClaim {
  port: number;
  path: ArgsIssue["path"];
  owner: string;
}

/** The host ports the cluster's roles claim, those of roles that run. */
export function hdfsHostPorts(a: Pick<HdfsClusterResolvedArgs, "ha" | "ports" | "zookeeperQuorum" | "dataNode" | "security">): HostPortClaim[] {
  const p = a.ports;
  const zookeeper = (a.zookeeperQuorum ?? []).length > 0;
  // The web port a role listens on: HTTPS only with Kerberos, HTTP only in simple mode.
  const https = a.security.mode === "kerberos";
  const web = (role: string, owner: string, http: number, tls: number): HostPortClaim =>
    https ? { port: tls, path: [role, "httpsPort"], owner: `${owner} https` } : { port: http, path: [role, "httpPort"], owner: `${owner} http` };
  return [
    { port: p.nameNodeRpc, path: ["nameNode", "rpcPort"], owner: "NameNode rpc" },
    web("nameNode", "NameNode", p.nameNodeHttp, p.nameNodeHttps),
    ...(a.ha && zookeeper ? [{ port: p.zkfc, path: ["nameNode", "zkfcPort"], owner: "ZKFC rpc" }] : []),
    ...(a.ha
      ? [
          { port: p.journalNodeRpc, path: ["journalNode", "rpcPort"], owner: "JournalNode rpc" },
          web("journalNode", "JournalNode", p.journalNodeHttp, p.journalNodeHttps),
        ]
      : []),
    ...(a.dataNode
      ? [
          { port: p.dataNodeData, path: ["dataNode", "dataPort"], owner: "DataNode data" },
          web("dataNode", "DataNode", p.dataNodeHttp, p.dataNodeHttps),
          { port: p.dataNodeIpc, path: ["dataNode", "ipcPort"], owner: "DataNode ipc" },
        ]
      : []),
  ];
}

/** What a second claim of a host port is told. */
export function hostPortMessage(port: number, firstOwner: string, firstName: string): string {
  return `host port ${port} is already claimed by the ${firstOwner} port (${firstName}); host ports must be unique per node`;
}

/** Every claim of a port an earlier claim already took, with that first claim. */
export function hostPortConflicts<C extends { port: number }>(claims: C[]): (C & { first: C })[] {
  return claims.flatMap((claim, i) => {
    const first = claims.findIndex((other) => other.port === claim.port);
    return first !== i ? [{ ...claim, first: claims[first] }] : [];
  });
}

/** The site the cluster renders (once): hosts, ports, and as many data directories as the DataNode has. */
/**
 * The NameNodes' rack map: by address, each node of `clusterNodes` that the DataNodes' node selector places them on,
 * its rack from `rackLabels` (empty without either, or without DataNodes). Only the DataNodes' hosts: a host that
 * joins their placement in an update is unknown to a NameNode until its copy of the map has it, so its DataNode is
 * refused and retries (assets/hdfs-topology.sh) instead of registering in a stale rack.
 */
export function hdfsClusterRackMap(a: Pick<HdfsClusterResolvedValue, "rackLabels" | "defaultRack" | "clusterNodes" | "dataNode">): Record<string, string> {
  const selector = a.dataNode?.nodeSelector;
  if (!selector) return {};
  const hosts = (a.clusterNodes ?? []).filter((n) => matchesSelector(n.labels, selector));
  return rackMap(hosts, a.rackLabels, a.defaultRack);
}

/** A resolved cluster with every node of the cluster (name, InternalIP, labels), as the stack read them: its rack map's source. */
export function hdfsClusterWithNodes(a: HdfsClusterResolvedArgs, nodes: RackNode[]): HdfsClusterResolvedArgs {
  return brandResolved("HdfsCluster", { ...a, clusterNodes: nodes });
}

export function hdfsClusterSite(a: HdfsClusterResolvedArgs): HdfsSite {
  const p = a.ports;
  return hdfsSite({
    nameNodeHosts: a.nameNodeHosts,
    journalNodeHosts: a.journalNodeHosts,
    nameservice: a.nameservice,
    zookeeperQuorum: a.zookeeperQuorum,
    replication: a.replication,
    coreSite: a.coreSite,
    hdfsSite: a.hdfsSite,
    hostAddresses: a.hostAddresses,
    prometheusEndpoint: a.prometheusEndpoint,
    ...(Object.keys(hdfsClusterRackMap(a)).length > 0 ? { topologyScript: topologyScriptPath(hdfsScriptsDir) } : {}),
    kerberos: hdfsClusterKerberos(a),
    nameNodeRpcPort: p.nameNodeRpc,
    nameNodeHttpPort: p.nameNodeHttp,
    nameNodeHttpsPort: p.nameNodeHttps,
    zkfcPort: p.zkfc,
    journalNodeRpcPort: p.journalNodeRpc,
    journalNodeHttpPort: p.journalNodeHttp,
    journalNodeHttpsPort: p.journalNodeHttps,
    dataNodeDataPort: p.dataNodeData,
    dataNodeHttpPort: p.dataNodeHttp,
    dataNodeHttpsPort: p.dataNodeHttps,
    dataNodeIpcPort: p.dataNodeIpc,
    dataDirCount: a.dataNode ? a.dataNode.dataDirHostPaths.length : 1,
    failedVolumesTolerated: a.dataNode?.failedVolumesTolerated,
  });
}

/** The namespace and cluster-scoped objects the cluster creates, by role, by the names its constructor gives them. */
export function hdfsClusterObjects(a: HdfsClusterResolvedArgs): { cluster: ClusterObjectRef[]; nameNode: ClusterObjectRef[]; journalNode: ClusterObjectRef[]; dataNode: ClusterObjectRef[] } {
  return {
    cluster: a.createNamespace ? [{ apiVersion: "v1", kind: "Namespace", name: a.namespace }] : [],
    nameNode: hdfsNameNodeClusterObjects(a.nameNode),
    journalNode: a.ha ? hdfsJournalNodeClusterObjects(a.journalNode) : [],
    dataNode: a.dataNode ? hdfsDataNodeClusterObjects(a.dataNode) : [],
  };
}

const nameNodeType = componentTypes.hdfsNameNode;

export class HdfsCluster extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** The cluster's configuration, rendered once; every role has it. */
  public readonly site: HdfsSite;
  public readonly nameNode: HdfsNameNodeDaemonSet;
  /** HA only. */
  public readonly journalNode?: HdfsJournalNodeDaemonSet;
  public readonly dataNode?: HdfsDataNodeDaemonSet;
  /** With `serviceMonitor`: one per running role, named as the role. */
  public readonly serviceMonitors: k8s.apiextensions.CustomResource[];
  /** The alerting rules (`hdfsClusterRuleGroups`), whether or not an object delivers them. */
  public readonly ruleGroups: RuleGroup[];
  /** With prometheusRule: the rules as a prometheus-operator PrometheusRule `<name>-rules`. */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** With rulesConfigMap: the rules as a Prometheus rule file in the ConfigMap `<name>-rules`. */
  public readonly rulesConfigMap?: k8s.core.v1.ConfigMap;
  /** With dashboards: the Grafana dashboard's ConfigMap `<name>-dashboards`. */
  public readonly dashboardsConfigMap?: k8s.core.v1.ConfigMap;
  /** While a rolling upgrade is under way, or finalizing one: the Job that drives it (components/hdfsRollingUpgrade.ts). */
  public readonly rollingUpgradeJob?: k8s.batch.v1.Job;

  /**
   * The roles are `<name>-namenode`, `<name>-journalnode` and `<name>-datanode`, the namespace `<name>-namespace`.
   * Each carries an alias to where it was before the roles were grouped under this component (the roles at the
   * top of the stack, the namespace under the NameNode), so that a stack deployed by then updates in place.
   */
  constructor(name: string, args: HdfsClusterArgs | HdfsClusterResolvedArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Resolved and checked here unless `args` came from `resolveHdfsClusterArgs` (or placed by `hdfsClusterOnHosts`).
    const a = isResolved("HdfsCluster", args) ? (args as HdfsClusterResolvedArgs) : resolveHdfsClusterArgs(args as HdfsClusterArgs);
    if (a.nameNodeHosts.length === 0) {
      // Rendered anyway, every role would look for the NameNode on localhost.
      throw new ComponentArgsError("HdfsCluster", [{ path: ["nameNodeHosts"], message: "names no host: the NameNode would run nowhere" }]);
    }
    // The addresses come later than the other arguments (the stack reads them from the cluster at preflight).
    const unaddressed = a.decommission.filter((host) => a.decommissionAddresses?.[host] === undefined);
    if (unaddressed.length > 0) {
      throw new ComponentArgsError("HdfsCluster", [{
        path: ["decommission"],
        message: `${unaddressed.join(", ")}: no address known (decommissionAddresses): the NameNodes exclude a DataNode by the address it registers with`,
      }]);
    }
    super(componentTypes.hdfsCluster, name, {}, opts);
    this.site = hdfsClusterSite(a);
    const roleName = (role: string) => `${name}-${role}`;
    const topLevel = { aliases: [{ parent: pulumi.rootStackResource }] };

    this.namespace = hostAgentNamespace(`${name}-namespace`, a.namespace, a.createNamespace, this, [
      { name: `${roleName("namenode")}-namespace`, parent: pulumi.createUrn(roleName("namenode"), nameNodeType) },
    ]);
    // During a rolling upgrade the DaemonSets update only the pods the upgrade Job deletes, in its order.
    const upgrading = a.upgradeInProgress ? { updateStrategy: { type: "OnDelete" as const } } : {};
    const shared = { site: this.site, namespace: this.namespace, rolloutTimeoutSeconds: a.rolloutTimeoutSeconds, ...upgrading };
    // The roles' arguments were resolved with the cluster's: each gets them with the cluster's site and namespace.
    // Each role's DaemonSet waits for what the cluster was given to wait for (its `dependsOn` option).
    const child = { parent: this, ...topLevel, ...(opts?.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) };

    this.nameNode = new HdfsNameNodeDaemonSet(roleName("namenode"), brandResolved("HdfsNameNodeDaemonSet", {
      ...a.nameNode, ...shared, decommissionAddresses: a.decommission.map((host) => a.decommissionAddresses![host]), rackMap: hdfsClusterRackMap(a),
    }), child);
    if (this.site.ha) {
      this.journalNode = new HdfsJournalNodeDaemonSet(roleName("journalnode"), brandResolved("HdfsJournalNodeDaemonSet", { ...a.journalNode, ...shared }), child);
    }
    if (a.dataNode) {
      this.dataNode = new HdfsDataNodeDaemonSet(roleName("datanode"), brandResolved("HdfsDataNodeDaemonSet", { ...a.dataNode, ...shared }), child);
    }

    if (rollingUpgradeJobNeeded(a)) {
      const versions = hdfsClusterVersions(a);
      const upgrade = rollingUpgradeJob(`${name}-rolling-upgrade`, {
        ...a.nameNode,
        namespace: this.namespace,
        site: this.site,
        roles: { nameNode: a.nameNode.name, journalNode: this.journalNode ? a.journalNode.name : undefined, dataNode: a.dataNode?.name },
        versions,
        nameNodeHosts: a.nameNodeHosts,
        journalNodes: hdfsJournalNodeHosts(a).length,
        dataNodePods: this.dataNode ? a.upgradeDataNodePods : 0,
        finalize: a.finalizeUpgrade,
        dataNodesAtOnce: a.upgradeDataNodesAtOnce,
        podTimeoutSeconds: a.upgradePodTimeoutSeconds,
        retryOf: a.upgradeRetryOf,
        placement: this.nameNode.placement,
      }, this, [this.nameNode.daemonSet, ...(this.journalNode ? [this.journalNode.daemonSet] : []), ...(this.dataNode ? [this.dataNode.daemonSet] : [])]);
      this.rollingUpgradeJob = upgrade.job;
    }

    this.serviceMonitors = a.serviceMonitor ? this.createServiceMonitors(name, a) : [];
    this.ruleGroups = hdfsClusterRuleGroups(a);
    const rulesMeta = { name: `${name}-rules`, namespace: this.namespace, labels: { ...objectLabelsFor("hdfs") } };
    if (a.prometheusRule) {
      this.prometheusRule = new k8s.apiextensions.CustomResource(`${name}-prometheusrule`, {
        ...prometheusRuleType,
        metadata: { ...rulesMeta, labels: { ...rulesMeta.labels, ...a.prometheusRuleLabels } },
        spec: { groups: this.ruleGroups },
      }, { parent: this });
    }
    if (a.rulesConfigMap) {
      this.rulesConfigMap = new k8s.core.v1.ConfigMap(`${name}-rules`, { metadata: rulesMeta, data: { [`${name}.rules.yaml`]: ruleFile(this.ruleGroups) } }, { parent: this });
    }
    if (a.dashboards) {
      this.dashboardsConfigMap = new k8s.core.v1.ConfigMap(`${name}-dashboards`, {
        metadata: { ...rulesMeta, name: `${name}-dashboards`, labels: { ...rulesMeta.labels, ...a.dashboardLabels } },
        data: { "hdfs.json": JSON.stringify(buildDashboard(hdfsDashboard())) },
      }, { parent: this });
    }

    this.registerOutputs({
      namespace: this.namespace,
      serviceMonitors: this.serviceMonitors,
      ruleGroups: this.ruleGroups,
      prometheusRule: this.prometheusRule,
      rulesConfigMap: this.rulesConfigMap,
      dashboardsConfigMap: this.dashboardsConfigMap,
      rollingUpgradeJob: this.rollingUpgradeJob,
      coreSiteXml: this.site.coreSiteXml,
      hdfsSiteXml: this.site.hdfsSiteXml,
      formatHost: this.nameNode.formatHost,
      hostAliases: this.site.hostAliases,
      site: this.site,
      nameNode: this.nameNode,
      journalNode: this.journalNode,
      dataNode: this.dataNode,
    });
  }

  /**
   * A ServiceMonitor per running role: its metrics Service's pods (selected as the DaemonSet selects them), `/prom`
   * on the web port, `job` the role's `app.kubernetes.io/name`; with Kerberos over HTTPS, verified against the CA
   * (`serviceMonitorCa`, in a ConfigMap of its own).
   */
  private createServiceMonitors(name: string, a: HdfsClusterResolvedArgs): k8s.apiextensions.CustomResource[] {
    const roles: [HdfsRole, HdfsNameNodeDaemonSet | HdfsJournalNodeDaemonSet | HdfsDataNodeDaemonSet | undefined, string][] = [
      ["namenode", this.nameNode, a.nameNode.name],
      ["journalnode", this.journalNode, a.journalNode.name],
      ["datanode", this.dataNode, a.dataNode?.name ?? ""],
    ];
    const ca = this.site.kerberos
      ? new k8s.core.v1.ConfigMap(`${name}-metrics-ca`, {
          metadata: { name: `${name}-metrics-ca`, namespace: this.namespace },
          data: { [hdfsMetricsCaKey]: a.serviceMonitorCa! },
        }, { parent: this })
      : undefined;
    return roles.filter(([, role]) => role?.metricsService).map(([role, component, roleName]) => {
      const web = webEndpoint(this.site, role);
      return new k8s.apiextensions.CustomResource(`${name}-${role}-servicemonitor`, {
        ...serviceMonitorType,
        metadata: { name: roleName, namespace: this.namespace, labels: component!.metricsService!.metadata.labels.apply((l) => ({ ...l, ...a.serviceMonitorLabels })) },
        spec: {
          jobLabel: "app.kubernetes.io/name",
          selector: { matchLabels: component!.daemonSet.spec.selector.matchLabels },
          endpoints: [{
            port: web.name,
            path: "/prom",
            interval: a.scrapeInterval,
            ...(ca ? { scheme: "https", tlsConfig: { ca: { configMap: { name: ca.metadata.name, key: hdfsMetricsCaKey } } } } : {}),
            relabelings: nodeRelabelings,
            metricRelabelings: hdfsChurningLabels.map((label) => ({ action: "labeldrop", regex: label })),
          }],
        },
      }, { parent: this, dependsOn: [component!.metricsService!, ...(ca ? [ca] : [])] });
    });
  }
}

/** The key of the CA certificate in the ConfigMap `<cluster name>-metrics-ca` the ServiceMonitors verify HTTPS with. */
export const hdfsMetricsCaKey = "ca.crt";

/**
 * The cluster's alerting rules (components/hdfsRules.ts) for its namespace, NameNode and JournalNode counts and
 * thresholds, with `disabledAlerts` left out and `alertFor` applied.
 */
export function hdfsClusterRuleGroups(a: HdfsClusterResolvedArgs): RuleGroup[] {
  const groups = hdfsRuleGroups({
    ...a,
    nameNodes: a.nameNodeHosts.length,
    journalNodes: hdfsJournalNodeHosts(a).length,
    dataNodes: a.dataNode !== null,
  });
  return adjustRules(groups, a);
}
