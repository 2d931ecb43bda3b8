// One HDFS cluster: its namespace, its core-site.xml/hdfs-site.xml rendered once, and the roles as children —
// the NameNode(s), the JournalNode quorum (an HA nameservice only) and the DataNodes — each reading its ports,
// hosts and in-container directories from that one site, so nothing has to be kept equal by hand.
import * as pulumi from "@pulumi/pulumi";
import { HadoopProperties, HdfsPorts, hdfsSiteDefaults, resolveHdfsPorts } from "./hadoopConfig";
import { ArgsIssue, Branded, ComponentArgsError, Resolved, brandResolved, isResolved, resolveOver } from "./defaults";
import { HdfsDataNodeArgs, HdfsDataNodeDaemonSet, hdfsDataNodeClusterObjects, resolveHdfsDataNodeArgs } from "./hdfsDataNode";
import { HdfsJournalNodeArgs, HdfsJournalNodeDaemonSet, hdfsJournalNodeClusterObjects, resolveHdfsJournalNodeArgs } from "./hdfsJournalNode";
import { HdfsNameNodeArgs, HdfsNameNodeDaemonSet, hdfsNameNodeClusterObjects, resolveHdfsNameNodeArgs } from "./hdfsNameNode";
import { HdfsSite, hdfsCommonDefaults, hdfsSite } from "./hdfsShared";
import { HostWorkloadArgs, definedOnly, hostAgentNamespace } from "./hostDaemonSet";
import type { ClusterObjectRef } from "./labels";
import { componentTypes } from "./project";

/** What the roles take from the cluster rather than from their own arguments. */
type FromCluster = "site" | "namespace" | "rolloutTimeoutSeconds";

/** The cluster-wide settings of the rendered site (ports, nameservice, failover, replication, extra properties). */
export interface HdfsClusterSiteArgs {
  /** HA: the nameservice id (and journal id). Default: `hdfs-k8s`. */
  nameservice?: string;
  /** HA: ZooKeeper `host:port`s; turns on automatic failover (a ZKFC beside each NameNode). Default: none. */
  zookeeperQuorum?: string[];
  /** `dfs.replication`. Default: 3. */
  replication?: number;
  /** NameNode RPC / HTTP ports, host ports. Default: 8020 / 9870. */
  nameNodeRpcPort?: number;
  nameNodeHttpPort?: number;
  /** HA with ZooKeeper: the ZKFC's RPC port, a host port. Default: 8019. */
  zkfcPort?: number;
  /** JournalNode RPC / HTTP ports, host ports. Default: 8485 / 8480. */
  journalNodeRpcPort?: number;
  journalNodeHttpPort?: number;
  /** DataNode data / HTTP / IPC ports, host ports. Default: 9866 / 9864 / 9867. */
  dataNodeDataPort?: number;
  dataNodeHttpPort?: number;
  dataNodeIpcPort?: number;
  /** Extra core-site.xml / hdfs-site.xml properties (override the rendered ones). Default: none. */
  coreSite?: HadoopProperties;
  hdfsSite?: HadoopProperties;
  /**
   * host -> IP address of the NameNode and JournalNode hosts, for clusters whose DNS does not resolve node
   * names (kubeadm, kind): every HDFS pod gets them as hostAliases. Default: none (names resolve by DNS).
   */
  hostAddresses?: Record<string, string>;
}

export interface HdfsClusterArgs extends HostWorkloadArgs {
  /** Namespace of every role (not kube-system). Default: `hdfs`. */
  namespace?: string;
  /** Create the namespace (with Pod Security labels). Default: true. */
  createNamespace?: boolean;
  /**
   * The NameNode hosts (the nodes carrying the NameNode's `nodeSelector` labels), in plan order: one is a
   * standalone NameNode, 2-5 an HA nameservice; the first formats a new filesystem. Default: none.
   */
  nameNodeHosts?: string[];
  /** HA only: the JournalNode hosts (those carrying the JournalNode's labels). Default: the NameNode hosts. */
  journalNodeHosts?: string[];
  /** The site's cluster-wide settings. Default: see `HdfsClusterSiteArgs`. */
  site?: HdfsClusterSiteArgs;
  /** The NameNode's own settings. Default: `hdfsNameNodeDefaults`. */
  nameNode?: Omit<HdfsNameNodeArgs, FromCluster>;
  /**
   * The JournalNodes' own settings (created only for an HA nameservice). Default: `hdfsJournalNodeDefaults`,
   * but the NameNode's node selector, tolerations, image and pull policy (JournalNodes on the NameNode hosts).
   */
  journalNode?: Omit<HdfsJournalNodeArgs, FromCluster>;
  /** The DataNodes' own settings; null for no DataNodes. Default: `hdfsDataNodeDefaults`, but the NameNode's image and pull policy. */
  dataNode?: Omit<HdfsDataNodeArgs, FromCluster> | null;
}

export const hdfsClusterDefaults = {
  namespace: hdfsCommonDefaults.namespace,
  createNamespace: true,
  nameNodeHosts: [] as string[],
  site: {} as HdfsClusterSiteArgs,
} as const;

/**
 * The arguments the cluster runs with: its own over `hdfsClusterDefaults`, each role's over that role's
 * defaults (components/defaults.ts), the JournalNodes and DataNodes running the NameNode's Hadoop (and the
 * JournalNodes its placement) unless given their own, and the site's ports; checked (`hdfsClusterArgsIssues`:
 * ComponentArgsError). Each of the four is resolved once here; `hdfsClusterOnHosts` places a resolved cluster on
 * other hosts without resolving it again.
 */
export function resolveHdfsClusterArgs(args: HdfsClusterArgs = {}): HdfsClusterResolvedArgs {
  const { nameNode: nn, journalNode: jn, dataNode: dn, ...own } = args;
  const a = resolveOver("HdfsCluster", hdfsClusterDefaults, own);
  const nameNode = resolveHdfsNameNodeArgs(nn ?? {});
  const hadoop = { image: nameNode.image, imagePullPolicy: nameNode.imagePullPolicy };
  const journalNode = resolveHdfsJournalNodeArgs({
    ...hadoop,
    nodeSelector: nameNode.nodeSelector,
    tolerations: nameNode.tolerations,
    ...definedOnly(jn ?? {}),
  });
  const dataNode = dn === null ? null : resolveHdfsDataNodeArgs({ ...hadoop, ...definedOnly(dn ?? {}) });
  return placed({ ...a, ports: resolveHdfsPorts(a.site), nameNode, journalNode, dataNode });
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

type HdfsClusterResolvedValue = Resolved<typeof hdfsClusterDefaults, Omit<HdfsClusterArgs, "nameNode" | "journalNode" | "dataNode">> & {
  ha: boolean;
  ports: HdfsPorts;
  nameNode: ReturnType<typeof resolveHdfsNameNodeArgs>;
  journalNode: ReturnType<typeof resolveHdfsJournalNodeArgs>;
  dataNode: ReturnType<typeof resolveHdfsDataNodeArgs> | null;
};

/**
 * A resolved cluster on other hosts (a stack learns them after resolving: from its node labels, or from the
 * cluster's nodes at preflight), checked again for them; nothing is resolved again.
 */
export function hdfsClusterOnHosts(a: HdfsClusterResolvedArgs, hosts: { nameNodeHosts: string[]; journalNodeHosts?: string[] }): HdfsClusterResolvedArgs {
  return placed({ ...a, nameNodeHosts: hosts.nameNodeHosts, journalNodeHosts: hosts.journalNodeHosts });
}

/** A resolved cluster whose pods get `hostAddresses` as hostAliases (see `HdfsClusterSiteArgs.hostAddresses`). */
export function hdfsClusterWithHostAddresses(a: HdfsClusterResolvedArgs, hostAddresses: Record<string, string>): HdfsClusterResolvedArgs {
  return brandResolved("HdfsCluster", { ...a, site: { ...a.site, hostAddresses } });
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
  const journalNodes = a.ha ? a.journalNodeHosts ?? nameNodes : [];
  if (a.ha && journalNodes.length < 3) {
    issues.push({
      path: ["journalNodeHosts"],
      message: `${nameNodes.length} NameNodes form an HA nameservice, whose shared edits need a quorum of at least 3 JournalNodes, ` +
        `but ${journalNodes.length === 0 ? "no host runs one" : `only ${journalNodes.length} host${journalNodes.length === 1 ? "" : "s"} run${journalNodes.length === 1 ? "s" : ""} one (${journalNodes.join(", ")})`}`,
    });
  }
  const zookeeper = (a.site.zookeeperQuorum ?? []).length > 0;
  if (zookeeper && nameNodes.length === 1) {
    issues.push({
      path: ["site", "zookeeperQuorum"],
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
  for (const { port, path, first } of hostPortConflicts(hdfsHostPorts(a))) {
    issues.push({ path, message: (name) => hostPortMessage(port, first.owner, name(first.path)) });
  }
  return issues;
}

/** A host port a role claims: its argument's path and what it serves. */
export interface HostPortClaim {
  port: number;
  path: ArgsIssue["path"];
  owner: string;
}

/** The host ports the cluster's roles claim, those of roles that run. */
export function hdfsHostPorts(a: Pick<HdfsClusterResolvedArgs, "ha" | "ports" | "site" | "dataNode">): HostPortClaim[] {
  const p = a.ports;
  const zookeeper = (a.site.zookeeperQuorum ?? []).length > 0;
  return [
    { port: p.nameNodeRpc, path: ["site", "nameNodeRpcPort"], owner: "NameNode rpc" },
    { port: p.nameNodeHttp, path: ["site", "nameNodeHttpPort"], owner: "NameNode http" },
    ...(a.ha && zookeeper ? [{ port: p.zkfc, path: ["site", "zkfcPort"], owner: "ZKFC rpc" }] : []),
    ...(a.ha
      ? [
          { port: p.journalNodeRpc, path: ["site", "journalNodeRpcPort"], owner: "JournalNode rpc" },
          { port: p.journalNodeHttp, path: ["site", "journalNodeHttpPort"], owner: "JournalNode http" },
        ]
      : []),
    ...(a.dataNode
      ? [
          { port: p.dataNodeData, path: ["site", "dataNodeDataPort"], owner: "DataNode data" },
          { port: p.dataNodeHttp, path: ["site", "dataNodeHttpPort"], owner: "DataNode http" },
          { port: p.dataNodeIpc, path: ["site", "dataNodeIpcPort"], owner: "DataNode ipc" },
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
export function hdfsClusterSite(a: HdfsClusterResolvedArgs): HdfsSite {
  return hdfsSite({
    ...a.site,
    nameNodeHosts: a.nameNodeHosts,
    journalNodeHosts: a.journalNodeHosts,
    dataDirCount: a.dataNode ? a.dataNode.dataDirHostPaths.length : 1,
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
    super(componentTypes.hdfsCluster, name, {}, opts);
    this.site = hdfsClusterSite(a);
    const roleName = (role: string) => `${name}-${role}`;
    const topLevel = { aliases: [{ parent: pulumi.rootStackResource }] };

    this.namespace = hostAgentNamespace(`${name}-namespace`, a.namespace, a.createNamespace, this, [
      { name: `${roleName("namenode")}-namespace`, parent: pulumi.createUrn(roleName("namenode"), nameNodeType) },
    ]);
    const shared = { site: this.site, namespace: this.namespace, rolloutTimeoutSeconds: a.rolloutTimeoutSeconds };
    // The roles' arguments were resolved with the cluster's: each gets them with the cluster's site and namespace.
    // Each role's DaemonSet waits for what the cluster was given to wait for (its `dependsOn` option).
    const child = { parent: this, ...topLevel, ...(opts?.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) };

    this.nameNode = new HdfsNameNodeDaemonSet(roleName("namenode"), brandResolved("HdfsNameNodeDaemonSet", { ...a.nameNode, ...shared }), child);
    if (this.site.ha) {
      this.journalNode = new HdfsJournalNodeDaemonSet(roleName("journalnode"), brandResolved("HdfsJournalNodeDaemonSet", { ...a.journalNode, ...shared }), child);
    }
    if (a.dataNode) {
      this.dataNode = new HdfsDataNodeDaemonSet(roleName("datanode"), brandResolved("HdfsDataNodeDaemonSet", { ...a.dataNode, ...shared }), child);
    }

    this.registerOutputs({
      namespace: this.namespace,
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
}
