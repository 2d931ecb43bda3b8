// One HDFS cluster: its namespace, its core-site.xml/hdfs-site.xml rendered once, and the roles as children —
// the NameNode(s), the JournalNode quorum (an HA nameservice only) and the DataNodes — each reading its ports,
// hosts and in-container directories from that one site, so nothing has to be kept equal by hand.
import * as pulumi from "@pulumi/pulumi";
import { HadoopProperties, resolveHdfsPorts } from "./hadoopConfig";
import { mergeDefaults } from "./defaults";
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
 * JournalNodes its placement) unless given their own, and the site's ports. Pure.
 */
export function resolveHdfsClusterArgs(args: HdfsClusterArgs = {}) {
  const { nameNode: nn, journalNode: jn, dataNode: dn, ...own } = args;
  const a = mergeDefaults(hdfsClusterDefaults, own);
  const nameNode = resolveHdfsNameNodeArgs(nn ?? {});
  const hadoop = { image: nameNode.image, imagePullPolicy: nameNode.imagePullPolicy };
  const journalNode = resolveHdfsJournalNodeArgs({
    ...hadoop,
    nodeSelector: nameNode.nodeSelector,
    tolerations: nameNode.tolerations,
    ...definedOnly(jn ?? {}),
  });
  const dataNode = dn === null ? null : resolveHdfsDataNodeArgs({ ...hadoop, ...definedOnly(dn ?? {}) });
  return { ...a, ha: a.nameNodeHosts.length >= 2, ports: resolveHdfsPorts(a.site), nameNode, journalNode, dataNode };
}

export type HdfsClusterResolvedArgs = ReturnType<typeof resolveHdfsClusterArgs>;

/** The site the cluster renders (once): hosts, ports, and as many data directories as the DataNode has. */
export function hdfsClusterSite(args: HdfsClusterArgs = {}): HdfsSite {
  const a = resolveHdfsClusterArgs(args);
  return hdfsSite({
    ...a.site,
    nameNodeHosts: a.nameNodeHosts,
    journalNodeHosts: a.journalNodeHosts,
    dataDirCount: a.dataNode ? a.dataNode.dataDirHostPaths.length : 1,
  });
}

/** The namespace and cluster-scoped objects the cluster creates, by role, by the names its constructor gives them. */
export function hdfsClusterObjects(args: HdfsClusterArgs = {}): { cluster: ClusterObjectRef[]; nameNode: ClusterObjectRef[]; journalNode: ClusterObjectRef[]; dataNode: ClusterObjectRef[] } {
  const a = resolveHdfsClusterArgs(args);
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
  constructor(name: string, args: HdfsClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.hdfsCluster, name, {}, opts);
    const a = resolveHdfsClusterArgs(args);
    this.site = hdfsClusterSite(args);
    const roleName = (role: string) => `${name}-${role}`;
    const topLevel = { aliases: [{ parent: pulumi.rootStackResource }] };

    this.namespace = hostAgentNamespace(`${name}-namespace`, a.namespace, a.createNamespace, this, [
      { name: `${roleName("namenode")}-namespace`, parent: pulumi.createUrn(roleName("namenode"), nameNodeType) },
    ]);
    const shared = { site: this.site, namespace: this.namespace, rolloutTimeoutSeconds: a.rolloutTimeoutSeconds };
    // Each role's DaemonSet waits for what the cluster was given to wait for (its `dependsOn` option).
    const child = { parent: this, ...topLevel, ...(opts?.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) };

    this.nameNode = new HdfsNameNodeDaemonSet(roleName("namenode"), { ...a.nameNode, ...shared }, child);
    if (this.site.ha) {
      this.journalNode = new HdfsJournalNodeDaemonSet(roleName("journalnode"), { ...a.journalNode, ...shared }, child);
    }
    if (a.dataNode) {
      this.dataNode = new HdfsDataNodeDaemonSet(roleName("datanode"), { ...a.dataNode, ...shared }, child);
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
