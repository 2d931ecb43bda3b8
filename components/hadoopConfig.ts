// Hadoop's *-site.xml files, rendered from typed properties with an XML library (values are escaped,
// the output always parses), and the properties an HDFS cluster of this project needs: one NameNode
// (standalone), or one HA nameservice of 2-5 NameNodes sharing their edits on a JournalNode quorum, plus
// the DataNodes' addresses and data directories. One configuration for every role (NameNode, ZKFC,
// JournalNode, DataNode, clients), as Hadoop's HA guide intends.
import { XMLBuilder } from "fast-xml-parser";
import { HdfsKerberos, HdfsRole, kerberosCoreSite, kerberosHdfsSite, krb5Conf, servicePrincipal, tlsSiteFiles } from "./hdfsSecurity";

/** Hadoop configuration properties: name -> value. */
export type HadoopProperties = Record<string, string>;

const builder = new XMLBuilder({ format: true, indentBy: "  ", suppressEmptyNode: false });

/** A Hadoop configuration file (`<configuration><property><name/><value/></property>…`), properties sorted. */
export function renderHadoopXml(properties: HadoopProperties): string {
  const property = Object.keys(properties)
    .sort()
    .map((name) => ({ name, value: properties[name] }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ configuration: { property } })}`;
}

/** Hadoop 3's ports and this project's in-container paths: the defaults every HDFS component shares. */
export const hdfsSiteDefaults = {
  nameservice: "hdfs-k8s",
  nameNodeRpcPort: 8020,
  nameNodeHttpPort: 9870,
  nameNodeHttpsPort: 9871,
  zkfcPort: 8019,
  journalNodeRpcPort: 8485,
  journalNodeHttpPort: 8480,
  journalNodeHttpsPort: 8481,
  dataNodeDataPort: 9866,
  dataNodeHttpPort: 9864,
  dataNodeHttpsPort: 9865,
  dataNodeIpcPort: 9867,
  replication: 3,
  /** Where the NameNode's name directory, the JournalNode's edits directory and the DataNode's data directories appear in the containers. */
  nameDir: "/hadoop/dfs/name",
  journalDir: "/hadoop/dfs/journal",
  dataDirRoot: "/hadoop/dfs/data",
  /** The NameNodes' exclude file (`dfs.hosts.exclude`): the DataNodes to decommission (components/hdfsDecommission.ts). */
  excludeFile: "/etc/hdfs-exclude/exclude",
  /** Hadoop's HA guide: at least 2 NameNodes, not more than 5. */
  maxNameNodes: 5,
} as const;

/** The failover proxy provider HDFS clients use to find the active NameNode (Hadoop's HA guide). */
export const failoverProxyProvider = "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider";

export interface HdfsSiteArgs {
  /** Nodes the NameNode runs on, in plan order: one is a standalone NameNode, 2-5 an HA nameservice. */
  nameNodeHosts: string[];
  /** The HA nameservice id (also the journal id). Default: `hdfs-k8s`. */
  nameservice?: string;
  nameNodeRpcPort?: number;
  nameNodeHttpPort?: number;
  nameNodeHttpsPort?: number;
  /** HA only: the JournalNodes' hosts. Default: the NameNode hosts. */
  journalNodeHosts?: string[];
  journalNodeRpcPort?: number;
  journalNodeHttpPort?: number;
  journalNodeHttpsPort?: number;
  /** HA only: ZooKeeper `host:port`s; non-empty turns on automatic failover (ZKFC). Default: none (manual failover). */
  zookeeperQuorum?: string[];
  zkfcPort?: number;
  /** How many data directories each DataNode has (mounted at `<dataDirRoot>/0`, `/1`, …). Default: 1. */
  dataDirCount?: number;
  /** `dfs.datanode.failed.volumes.tolerated`. Default: 0 with one data directory, -1 (serve while one works) with several. */
  failedVolumesTolerated?: number;
  /** The NameNodes' topology script, `net.topology.script.file.name` (components/hdfsRacks.ts). Default: none (Hadoop's /default-rack). */
  topologyScript?: string;
  dataNodeDataPort?: number;
  dataNodeHttpPort?: number;
  dataNodeHttpsPort?: number;
  dataNodeIpcPort?: number;
  replication?: number;
  /** Extra core-site.xml / hdfs-site.xml properties (override the rendered ones). */
  coreSite?: HadoopProperties;
  hdfsSite?: HadoopProperties;
  /**
   * host -> IP address, for clusters whose DNS does not resolve node names (kubeadm, kind): the NameNode and
   * JournalNode hosts among them become `hostAliases` of every HDFS pod. Default: none (names resolve by DNS).
   */
  hostAddresses?: Record<string, string>;
  /** Hadoop's Prometheus endpoint, `/prom` on every daemon's HTTP port. Default: off (Hadoop's default). */
  prometheusEndpoint?: boolean;
  /** Kerberos, protected RPC and block transfers, HTTPS with SPNEGO (components/hdfsSecurity.ts). Default: simple mode. */
  kerberos?: HdfsKerberos;
  /** The daemons' user, the one the service principals map to (the image's: hdfsShared's `hdfsCommonDefaults.user`). */
  daemonUser: string;
}

/** An /etc/hosts entry of the pods (a pod spec's hostAliases item). */
export interface HostAlias {
  ip: string;
  hostnames: string[];
}

/** What the rendered configuration means, besides its properties. */
export interface HdfsSiteFacts {
  /** Two or more NameNodes: one HA nameservice. */
  ha: boolean;
  /** The nameservice id (HA only). */
  nameservice?: string;
  /** NameNode id -> host (HA), in plan order. */
  nameNodes: { id: string; host: string }[];
  /** HA only: the JournalNodes' hosts, in plan order. */
  journalNodeHosts: string[];
  /** HA with a ZooKeeper quorum: ZKFCs fail over automatically. */
  automaticFailover: boolean;
  /** The NameNode hosts, in plan order (standalone: one host; none when unknown). */
  nameNodeHosts: string[];
  /** Every role's ports as the configuration names them: each role listens on (and claims as host ports) these. */
  ports: HdfsPorts;
  /** The DataNode's data directories inside its container, in order (`dfs.datanode.data.dir`). */
  dataDirs: string[];
  /**
   * The hosts the configuration names (NameNodes, JournalNodes) with an address in `hostAddresses`, in plan
   * order: every HDFS pod's (and client's) /etc/hosts entries. Empty when names resolve by DNS.
   */
  hostAliases: HostAlias[];
  /** Every daemon serves `/prom` on its HTTP port. */
  prometheusEndpoint: boolean;
  /** Kerberos mode: the realm's settings (every web endpoint is then HTTPS only). Unset: simple mode. */
  kerberos?: HdfsKerberos;
  coreSite: HadoopProperties;
  hdfsSite: HadoopProperties;
  /** Kerberos mode: ssl-server.xml and ssl-client.xml (no secret in them) and the pods' krb5.conf. */
  sslServer?: HadoopProperties;
  sslClient?: HadoopProperties;
  krb5Conf?: string;
}

/** The ports of an HDFS cluster's roles. */
export interface HdfsPorts {
  nameNodeRpc: number;
  nameNodeHttp: number;
  nameNodeHttps: number;
  zkfc: number;
  journalNodeRpc: number;
  journalNodeHttp: number;
  journalNodeHttps: number;
  dataNodeData: number;
  dataNodeHttp: number;
  dataNodeHttps: number;
  dataNodeIpc: number;
}

/** A role's web endpoint: HTTPS in Kerberos mode (the HTTP port is then closed), else HTTP; the container port's name. */
export function webEndpoint(site: Pick<HdfsSiteFacts, "kerberos" | "ports">, role: HdfsRole): { name: "http" | "https"; port: number } {
  const p = site.ports;
  const ports = { namenode: [p.nameNodeHttp, p.nameNodeHttps], journalnode: [p.journalNodeHttp, p.journalNodeHttps], datanode: [p.dataNodeHttp, p.dataNodeHttps] }[role];
  return site.kerberos ? { name: "https", port: ports[1] } : { name: "http", port: ports[0] };
}

/**
 * A NameNode id derived from its host name, stable whatever the other hosts are: `nn-` and the name with
 * dots as underscores (node names are DNS subdomains, so the mapping is one-to-one).
 */
export function nameNodeId(host: string): string {
  return `nn-${host.replace(/\./g, "_")}`;
}

const addressList = (hosts: string[], port: number) => hosts.map((h) => `${h}:${port}`);

/**
 * The hosts the configuration names by name, each once, in plan order: the NameNode hosts and, in HA (2 or more
 * NameNodes), the JournalNode hosts (default: the NameNode hosts).
 */
export function hdfsNamedHosts(nameNodeHosts: string[], journalNodeHosts?: string[]): string[] {
  const ha = nameNodeHosts.length >= 2;
  return [...new Set([...nameNodeHosts, ...(ha ? journalNodeHosts ?? nameNodeHosts : [])])];
}

/** The roles' ports: the ones `args` names, Hadoop 3's defaults for the rest. */
export function resolveHdfsPorts(args: Omit<HdfsSiteArgs, "nameNodeHosts">): HdfsPorts {
  const d = hdfsSiteDefaults;
  return {
    nameNodeRpc: args.nameNodeRpcPort ?? d.nameNodeRpcPort,
    nameNodeHttp: args.nameNodeHttpPort ?? d.nameNodeHttpPort,
    nameNodeHttps: args.nameNodeHttpsPort ?? d.nameNodeHttpsPort,
    zkfc: args.zkfcPort ?? d.zkfcPort,
    journalNodeRpc: args.journalNodeRpcPort ?? d.journalNodeRpcPort,
    journalNodeHttp: args.journalNodeHttpPort ?? d.journalNodeHttpPort,
    journalNodeHttps: args.journalNodeHttpsPort ?? d.journalNodeHttpsPort,
    dataNodeData: args.dataNodeDataPort ?? d.dataNodeDataPort,
    dataNodeHttp: args.dataNodeHttpPort ?? d.dataNodeHttpPort,
    dataNodeHttps: args.dataNodeHttpsPort ?? d.dataNodeHttpsPort,
    dataNodeIpc: args.dataNodeIpcPort ?? d.dataNodeIpcPort,
  };
}

/** core-site.xml and hdfs-site.xml of the cluster, and what they mean. */
export function hdfsSiteConfig(args: HdfsSiteArgs): HdfsSiteFacts {
  const d = hdfsSiteDefaults;
  const ports = resolveHdfsPorts(args);
  const a = {
    nameservice: args.nameservice ?? d.nameservice,
    rpcPort: ports.nameNodeRpc,
    httpPort: ports.nameNodeHttp,
    jnRpcPort: ports.journalNodeRpc,
    jnHttpPort: ports.journalNodeHttp,
    zkfcPort: ports.zkfc,
    dataDirCount: args.dataDirCount ?? 1,
    replication: args.replication ?? d.replication,
  };
  if (args.nameNodeHosts.length > d.maxNameNodes) {
    throw new Error(`${args.nameNodeHosts.length} NameNode hosts: an HA nameservice has at most ${d.maxNameNodes} NameNodes`);
  }
  const ha = args.nameNodeHosts.length >= 2;
  const journalNodeHosts = ha ? args.journalNodeHosts ?? args.nameNodeHosts : [];
  const zookeeperQuorum = ha ? args.zookeeperQuorum ?? [] : [];
  const automaticFailover = zookeeperQuorum.length > 0;
  const nameNodes = ha ? args.nameNodeHosts.map((host) => ({ id: nameNodeId(host), host })) : [];
  const ns = a.nameservice;
  const dataDirs = Array.from({ length: a.dataDirCount }, (_, i) => `${d.dataDirRoot}/${i}`);
  const hostAliases = hdfsNamedHosts(args.nameNodeHosts, args.journalNodeHosts).filter((h) => args.hostAddresses?.[h] !== undefined).map((h) => ({ ip: args.hostAddresses![h], hostnames: [h] }));
  const prometheusEndpoint = args.prometheusEndpoint ?? false;
  const kerberos = args.kerberos;
  const facts = {
    nameNodeHosts: [...args.nameNodeHosts], ports, dataDirs, hostAliases, prometheusEndpoint,
    ...(kerberos ? { kerberos, ...tlsSiteFiles(), krb5Conf: krb5Conf(kerberos) } : {}),
  };
  // Kerberos mode: authentication, authorization, protection and HTTPS with SPNEGO (components/hdfsSecurity.ts).
  const secureCore: HadoopProperties = kerberos ? kerberosCoreSite(kerberos, args.daemonUser) : {};
  const secureHdfs: HadoopProperties = kerberos ? kerberosHdfsSite(kerberos) : {};
  // Hadoop's metrics2 records in Prometheus' text format, at /prom on each daemon's HTTP server.
  // With Kerberos, /prom alone is left out of SPNEGO (a Prometheus cannot do it; HADOOP-16527's whitelist): anyone
  // who reaches the HTTPS port reads the metrics, as in simple mode; every other path (WebHDFS, /jmx) still asks.
  const racks: HadoopProperties = args.topologyScript ? { "net.topology.script.file.name": args.topologyScript } : {};
  const metrics: HadoopProperties = prometheusEndpoint
    ? { "hadoop.prometheus.endpoint.enabled": "true", ...(kerberos ? { "hadoop.http.authentication.kerberos.endpoint.whitelist": "/prom" } : {}) }
    : {};

  const dataNode: HadoopProperties = {
    "dfs.datanode.data.dir": dataDirs.map((dir) => `file://${dir}`).join(","),
    // One failed disk of several does not take the others' replicas offline with it (Hadoop's default 0 would).
    "dfs.datanode.failed.volumes.tolerated": String(args.failedVolumesTolerated ?? (dataDirs.length > 1 ? -1 : 0)),
    "dfs.datanode.address": `0.0.0.0:${ports.dataNodeData}`,
    "dfs.datanode.http.address": `0.0.0.0:${ports.dataNodeHttp}`,
    "dfs.datanode.ipc.address": `0.0.0.0:${ports.dataNodeIpc}`,
    ...(kerberos ? { "dfs.datanode.https.address": `0.0.0.0:${ports.dataNodeHttps}` } : {}),
  };
  const common: HadoopProperties = {
    "dfs.namenode.name.dir": `file://${d.nameDir}`,
    // The NameNodes listen on every interface of their host; the addresses below say where they are reached.
    "dfs.namenode.rpc-bind-host": "0.0.0.0",
    "dfs.namenode.http-bind-host": "0.0.0.0",
    ...(kerberos ? { "dfs.namenode.https-bind-host": "0.0.0.0" } : {}),
    // DataNodes on the host network register by IP; the name check would reject them (kubernetes-HDFS).
    "dfs.namenode.datanode.registration.ip-hostname-check": "false",
    // Read by the NameNodes at start and at every `dfsadmin -refreshNodes` (components/hdfsDecommission.ts).
    "dfs.hosts.exclude": d.excludeFile,
    "dfs.replication": String(a.replication),
    "dfs.permissions.enabled": "true",
    ...secureHdfs,
  };

  if (!ha) {
    const host = args.nameNodeHosts[0] ?? "localhost";
    return {
      ha,
      nameNodes,
      journalNodeHosts,
      automaticFailover,
      ...facts,
      coreSite: { "fs.defaultFS": `hdfs://${host}:${a.rpcPort}`, ...secureCore, ...metrics, ...racks, ...args.coreSite },
      hdfsSite: {
        ...common,
        // Where the NameNode is reached (DataNodes and clients read rpc-address before fs.defaultFS); it listens
        // on every interface through the bind-host properties above.
        "dfs.namenode.rpc-address": `${host}:${a.rpcPort}`,
        "dfs.namenode.http-address": `${host}:${a.httpPort}`,
        ...(kerberos ? { "dfs.namenode.https-address": `${host}:${ports.nameNodeHttps}` } : {}),
        ...dataNode,
        ...args.hdfsSite,
      },
    };
  }

  // Hadoop's "HDFS High Availability Using the Quorum Journal Manager": one nameservice, its NameNode ids,
  // each NameNode's rpc/http address, the shared edits on the JournalNodes (journal id = nameservice id),
  // the client failover proxy provider, a fencing method that always succeeds (QJM lets only one writer in).
  const perNameNode: HadoopProperties = {};
  for (const { id, host } of nameNodes) {
    perNameNode[`dfs.namenode.rpc-address.${ns}.${id}`] = `${host}:${a.rpcPort}`;
    perNameNode[`dfs.namenode.http-address.${ns}.${id}`] = `${host}:${a.httpPort}`;
    if (kerberos) perNameNode[`dfs.namenode.https-address.${ns}.${id}`] = `${host}:${ports.nameNodeHttps}`;
  }
  return {
    ha,
    nameservice: ns,
    nameNodes,
    journalNodeHosts,
    automaticFailover,
    ...facts,
    coreSite: {
      "fs.defaultFS": `hdfs://${ns}`,
      ...(automaticFailover ? { "ha.zookeeper.quorum": zookeeperQuorum.join(",") } : {}),
      // With Kerberos, the ZKFCs log in to ZooKeeper (SASL) as the NameNodes' one principal, and only it may read or
      // change the nameservice's znodes.
      ...(automaticFailover && kerberos ? { "ha.zookeeper.acl": `sasl:${servicePrincipal(kerberos, "namenode")}:rwcda` } : {}),
      ...secureCore,
      ...metrics,
      ...racks,
      ...args.coreSite,
    },
    hdfsSite: {
      ...common,
      "dfs.nameservices": ns,
      [`dfs.ha.namenodes.${ns}`]: nameNodes.map((n) => n.id).join(","),
      ...perNameNode,
      "dfs.namenode.shared.edits.dir": `qjournal://${addressList(journalNodeHosts, a.jnRpcPort).join(";")}/${ns}`,
      "dfs.journalnode.edits.dir": d.journalDir,
      "dfs.journalnode.rpc-address": `0.0.0.0:${a.jnRpcPort}`,
      "dfs.journalnode.http-address": `0.0.0.0:${a.jnHttpPort}`,
      ...(kerberos ? { "dfs.journalnode.https-address": `0.0.0.0:${ports.journalNodeHttps}` } : {}),
      [`dfs.client.failover.proxy.provider.${ns}`]: failoverProxyProvider,
      "dfs.ha.fencing.methods": "shell(/bin/true)",
      "dfs.ha.automatic-failover.enabled": String(automaticFailover),
      ...(automaticFailover
        ? {
            "dfs.ha.zkfc.port": String(a.zkfcPort),
            // Hadoop's default, said explicitly: with true, a NameNode in safe mode reports itself unhealthy to
            // its ZKFC, and after a cold restart (every NameNode at once) none can become active, so none tails
            // the in-progress edits or leaves safe mode: a deadlock (seen on real nodes; Stackable's #264). An
            // active elected in safe mode refuses writes only until its DataNodes have reported.
            "dfs.ha.nn.not-become-active-in-safemode": "false",
          }
        : {}),
      ...dataNode,
      ...args.hdfsSite,
    },
  };
}
