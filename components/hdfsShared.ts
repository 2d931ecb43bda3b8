// What every HDFS role of this project shares (NameNode, JournalNode, DataNode): the image and its user,
// one rendered core-site.xml/hdfs-site.xml, the ConfigMap that carries it and where it is mounted, the
// environment for a read-only root filesystem, the init step that hands a hostPath to the hadoop user, the
// PriorityClass each role brings, the arguments every role takes and the component they all are
// (`HdfsRoleComponent`, whose DaemonSet `hdfsRoleDaemonSet` builds). The roles differ only in what they run and where.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HdfsSiteArgs, HdfsSiteFacts, hdfsSiteConfig, renderHadoopXml, webEndpoint } from "./hadoopConfig";
import { HdfsRole, hdfsSecretKeys, hdfsSecurityPaths, servicePrincipal, tlsPasswordEnv, webServerName, zookeeperClientJaas, zookeeperJaasFile } from "./hdfsSecurity";
import {
  HostContainer,
  HostMount,
  HostWorkloadArgs,
  Placement,
  UpdateStrategy,
  dependsOnWith,
  hostDaemonSet,
  nonRootPodSecurityContext,
  restrictedContainerSecurityContext,
} from "./hostDaemonSet";
import { ClusterObjectRef, createdByStackAnnotations, imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";
import { z } from "zod";
import { image, labels, pullPolicy, resourceName, resources, toleration, updateStrategy } from "./kubernetesSyntax";
import { SettingsResolved, passThrough, setting } from "./settings";
import { ArgsIssue, ArgsPath, ComponentArgsError } from "./defaults";

import Input = k8s.types.input.core.v1;

/**
 * The Hadoop releases whose images this project builds and tests (tools/hadoop/<version>): a rolling upgrade goes
 * between them (their NameNode and DataNode layouts are equal, so a rolling downgrade works too).
 */
export const hadoopVersions = ["3.4.1", "3.5.0"] as const;
/** The release a cluster runs unless its config says another. */
export const defaultHadoopVersion: (typeof hadoopVersions)[number] = "3.5.0";
/** The image of a Hadoop release. */
export function hadoopImage(version: string): string {
  return `apache/hadoop:${version}`;
}

/** Defaults shared by every HDFS role. */
export const hdfsCommonDefaults = {
  /** Apache Hadoop 3, pinned. */
  image: hadoopImage(defaultHadoopVersion),
  imagePullPolicy: "IfNotPresent",
  namespace: "hdfs",
  /** The apache/hadoop image's `hadoop` user. */
  uid: 1000,
  user: "hadoop",
  /** Where the image reads its configuration. */
  confDir: "/opt/hadoop/etc/hadoop",
} as const;

/** The cluster's configuration: the rendered files and what they mean. Every role of one cluster gets the same. */
export interface HdfsSite extends HdfsSiteFacts {
  coreSiteXml: string;
  hdfsSiteXml: string;
  /** Kerberos mode: ssl-server.xml, ssl-client.xml, krb5.conf (and with ZooKeeper the ZKFCs' JAAS file), by file name (none in simple mode). */
  securityFiles: Record<string, string>;
}

/** Renders the cluster's core-site.xml and hdfs-site.xml (see `hdfsSiteConfig`), and in Kerberos mode its security files. */
export function hdfsSite(args: Omit<HdfsSiteArgs, "daemonUser">): HdfsSite {
  const facts = hdfsSiteConfig({ ...args, daemonUser: hdfsCommonDefaults.user });
  const securityFiles: Record<string, string> = facts.kerberos
    ? {
        "ssl-server.xml": renderHadoopXml(facts.sslServer!),
        "ssl-client.xml": renderHadoopXml(facts.sslClient!),
        "krb5.conf": facts.krb5Conf!,
        ...(facts.automaticFailover ? { [zookeeperJaasFile]: zookeeperClientJaas(facts.kerberos) } : {}),
      }
    : {};
  return { ...facts, coreSiteXml: renderHadoopXml(facts.coreSite), hdfsSiteXml: renderHadoopXml(facts.hdfsSite), securityFiles };
}

/** A short digest of a pod's configuration: as a pod annotation, a change restarts the pods. */
export function configHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}

/** Volume name of a role's ConfigMap inside its pods. */
export const configVolume = "config";

/**
 * Where every HDFS container finds its role's scripts: the role's ConfigMap mounted whole, read-only (a whole
 * mount follows the ConfigMap's updates; the site's files are `subPath` mounts, which never do).
 */
export const hdfsScriptsDir = "/etc/hdfs-scripts";
/**
 * The same ConfigMap again, its files executable: Hadoop runs the NameNodes' topology script itself (not through a
 * shell), and a ConfigMap volume has one mode for all its files.
 */
const scriptsVolume = "scripts";
const scriptsMount: Input.VolumeMount = { name: scriptsVolume, mountPath: hdfsScriptsDir, readOnly: true };
/** Scripts every role's ConfigMap carries: its readiness probe, the check of its host directories. */
const asset = (name: string) => ({ name, text: fs.readFileSync(path.join(__dirname, "assets", name), "utf8") });
/** The readiness probe (also run by the rolling upgrade, which waits for a replacement to serve). */
export const readinessScript = asset("hdfs-ready.sh");
const hostDirectoriesScript = asset("host-directories.sh");
/** The readiness probe's JMX reader (sourced by it), also the rolling upgrade's. */
export const jmxLibrary = asset("hdfs-jmx.sh");

/** What a role's host directories must be (`hostDirectories`): see assets/host-directories.sh. */
export const hostDirectoriesModes = z.enum(["create", "mountPoint", "marker"]);

/** The hostPath type of a role's directories: made by the kubelet only when the role lets any directory do. */
export function hostDirectoryType(mode: z.output<typeof hostDirectoriesModes>): "DirectoryOrCreate" | "Directory" {
  return mode === "create" ? "DirectoryOrCreate" : "Directory";
}

/**
 * Where the serving check (assets/hdfs-ready.sh) reaches a role's daemon: the scheme and port of its web endpoint
 * and, in Kerberos mode where the URL names the server otherwise than by its node (the DataNodes' shared
 * principal), that name.
 */
export function servingEndpoint(site: Pick<HdfsSiteFacts, "kerberos" | "ports">, role: HdfsRole): string[] {
  const web = webEndpoint(site, role);
  const server = site.kerberos ? webServerName(site.kerberos, role) : undefined;
  return [web.name, String(web.port), ...(server ? [server] : [])];
}

/**
 * Readiness that means serving, from the daemon's own /jmx (assets/hdfs-ready.sh; curl and jq, no JVM per probe):
 * a NameNode that answers its HA state and has left start-up safe mode (a standby is ready), a DataNode
 * registered and heartbeating with the active NameNode, a JournalNode holding the nameservice's journal. In
 * Kerberos mode over HTTPS with SPNEGO as the role's principal, the server checked against the truststore's CA.
 * A DaemonSet's rollout, and so `pulumi up`, waits for it.
 */
export function servingProbe(site: Pick<HdfsSiteFacts, "kerberos" | "ports">, role: HdfsRole): Input.Probe {
  return {
    exec: { command: ["bash", `${hdfsScriptsDir}/${readinessScript.name}`, role, ...servingEndpoint(site, role)] },
    // kinit when the probe's ticket expired and two HTTPS requests: well within the timeout. Every 10 s: a probe
    // costs about 0.1 s of CPU (bash, curl's TLS and SPNEGO, jq), and every 5 s did not make the rolling upgrade's
    // e2e suite faster.
    periodSeconds: 10,
    timeoutSeconds: 10,
    failureThreshold: 3,
  };
}

/**
 * Started: the daemon's RPC port accepts (a TCP connect by the kubelet, no process in the container), tried every
 * 2 s for up to `budgetSeconds` (the JVM's start, a NameNode's image load) before the kubelet restarts it. Until
 * then neither liveness nor readiness is probed.
 */
export function startedProbe(port: string, budgetSeconds: number): Input.Probe {
  const periodSeconds = 2;
  return { tcpSocket: { port }, periodSeconds, failureThreshold: Math.ceil(budgetSeconds / periodSeconds) };
}

/** A role's ConfigMap: the cluster's core-site.xml and hdfs-site.xml, and any files of the role's own (scripts). */
export function hdfsConfigMap(
  resourceName: string,
  objectName: string,
  namespace: pulumi.Input<string>,
  labels: Record<string, string>,
  site: HdfsSite,
  files: Record<string, string>,
  parent: pulumi.Resource,
): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(resourceName, {
    metadata: { name: objectName, namespace, labels },
    data: { "core-site.xml": site.coreSiteXml, "hdfs-site.xml": site.hdfsSiteXml, ...site.securityFiles, ...files },
  }, { parent });
}

/** What a Job of the NameNodes' runs with: their name, image, site and credentials, and their placement. */
export interface HdfsNameNodeJobArgs {
  name: string;
  namespace: pulumi.Input<string>;
  image: string;
  imagePullPolicy: pulumi.Input<string>;
  site: HdfsSite;
  keytabSecretName?: string;
  tlsSecretName?: string;
  /** The NameNodes' placement: the Job runs on a NameNode host (whose kubelet may read the NameNodes' keytab already). */
  placement: Placement;
}

/**
 * The pod of a Job of the NameNodes' (the decommission and rolling-upgrade Jobs): `container` once, on a NameNode
 * host's network as the NameNodes' user, the site and scripts from `configMap`, in Kerberos mode their Secrets; an
 * API token only when it runs as `serviceAccountName`.
 */
export function hdfsNameNodeJobPod(a: HdfsNameNodeJobArgs, container: Input.Container, configMap: k8s.core.v1.ConfigMap, serviceAccountName?: string): Input.PodSpec {
  const { nodeSelector, tolerations, affinity } = a.placement;
  return {
    restartPolicy: "Never",
    ...(serviceAccountName ? { serviceAccountName } : {}),
    automountServiceAccountToken: serviceAccountName !== undefined,
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    ...(a.site.hostAliases.length > 0 ? { hostAliases: a.site.hostAliases } : {}),
    securityContext: nonRootPodSecurityContext(hdfsCommonDefaults.uid),
    ...(nodeSelector && Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
    ...(tolerations && tolerations.length > 0 ? { tolerations } : {}),
    ...(affinity ? { affinity } : {}),
    containers: [container],
    volumes: hdfsVolumes(configMap, a.site.kerberos ? hdfsRoleSecretNames(a) : undefined),
  };
}

/** A role's Secrets in Kerberos mode: the one holding its keytab and the one holding its TLS material. */
export interface HdfsRoleSecrets {
  keytab: pulumi.Input<string>;
  tls: pulumi.Input<string>;
}

/** The names of a role's keytab and TLS Secrets: the existing ones named, else the role's own (`<name>-keytab`, `<name>-tls`). */
export function hdfsRoleSecretNames(a: { name: string; keytabSecretName?: string; tlsSecretName?: string }): { keytab: string; tls: string } {
  return { keytab: a.keytabSecretName ?? `${a.name}-keytab`, tls: a.tlsSecretName ?? `${a.name}-tls` };
}

/**
 * Volumes every HDFS pod has: the ConfigMap (read-only files) and a scratch /tmp (the root fs is read-only); in
 * Kerberos mode the role's keytab and TLS material, from its own Secrets, readable by the hadoop group only.
 */
export function hdfsVolumes(configMap: k8s.core.v1.ConfigMap, secrets?: HdfsRoleSecrets): Input.Volume[] {
  const k = hdfsSecretKeys;
  return [
    { name: configVolume, configMap: { name: configMap.metadata.name, defaultMode: 0o444 } },
    { name: scriptsVolume, configMap: { name: configMap.metadata.name, defaultMode: 0o555 } },
    { name: "tmp", emptyDir: {} },
    ...(secrets
      ? [
          { name: "keytab", secret: { secretName: secrets.keytab, defaultMode: 0o440, items: [{ key: k.keytab, path: "keytab" }] } },
          { name: "tls", secret: { secretName: secrets.tls, defaultMode: 0o440, items: [{ key: k.keystore, path: "keystore.p12" }, { key: k.truststore, path: "truststore.p12" }] } },
        ]
      : []),
  ];
}

/**
 * core-site.xml and hdfs-site.xml over the image's own, read-only, the role's scripts (`hdfsScriptsDir`) and the
 * scratch /tmp; in Kerberos mode also ssl-server.xml and ssl-client.xml beside them, the realm's krb5.conf, the
 * role's keytab and TLS material.
 */
export function hdfsVolumeMounts(site: Pick<HdfsSite, "securityFiles">): Input.VolumeMount[] {
  const conf = (file: string, mountPath = `${hdfsCommonDefaults.confDir}/${file}`) => ({ name: configVolume, mountPath, subPath: file, readOnly: true });
  const p = hdfsSecurityPaths;
  const secure = Object.keys(site.securityFiles).length > 0;
  return [
    conf("core-site.xml"),
    conf("hdfs-site.xml"),
    scriptsMount,
    { name: "tmp", mountPath: "/tmp" },
    // krb5.conf where MIT's tools and Java look for it; the others beside the site.
    ...Object.keys(site.securityFiles).map((file) => (file === "krb5.conf" ? conf(file, p.krb5Conf) : conf(file))),
    ...(secure ? [{ name: "keytab", mountPath: p.keytabDir, readOnly: true }, { name: "tls", mountPath: p.tlsDir, readOnly: true }] : []),
  ];
}

/**
 * Environment of an HDFS daemon: logs and pid files on /tmp (the image's own directories are on its read-only
 * root filesystem) and the Java heap (and any other JVM options) through the daemon's `HDFS_<ROLE>_OPTS`.
 */
export function hdfsEnv(optsVariable: string, javaHeap: string, extra: Input.EnvVar[] = [], jvmOptions: string[] = []): Input.EnvVar[] {
  return [
    ...extra,
    { name: "HADOOP_LOG_DIR", value: "/tmp/hadoop-logs" },
    { name: "HADOOP_PID_DIR", value: "/tmp" },
    { name: optsVariable, value: [`-Xmx${javaHeap}`, ...jvmOptions].join(" ") },
  ];
}

/** Named container ports that are also host ports (HDFS pods use the host's network), in the order given. */
export function hostPorts(ports: Record<string, number>): Input.ContainerPort[] {
  return Object.entries(ports).map(([name, port]) => ({ name, containerPort: port, hostPort: port }));
}

/** The pod's node name, from the downward API. */
export const nodeNameEnv: Input.EnvVar = { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } };
/** The node's address (the daemons listen on it: host network), from the downward API. */
const hostIpEnv: Input.EnvVar = { name: "HDFS_HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } };

/**
 * What an HDFS daemon container has in common: image, config, scripts and scratch mounts, the restricted security
 * context, the node's name and address (`NODE_NAME`, `HDFS_HOST_IP`: the readiness probe's); in Kerberos mode the role's keytab and TLS material, the TLS password (from its Secret) for the site's ssl-*.xml,
 * and `HDFS_PRINCIPAL`/`HDFS_KEYTAB`, with which a hook (or an operator) runs HDFS commands as the role
 * (`kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL"`).
 */
export function hdfsContainer(
  c: { image: string; imagePullPolicy: pulumi.Input<string>; site: HdfsSite; name: string; tlsSecretName?: string },
  role: HdfsRole,
  container: HostContainer,
): HostContainer {
  const k = c.site.kerberos;
  const given = (container.env as Input.EnvVar[] | undefined) ?? [];
  // What the readiness probe reads (assets/hdfs-ready.sh), and in Kerberos mode the role's identity and TLS password.
  const env: Input.EnvVar[] = [
    hostIpEnv,
    ...(given.some((e) => e.name === nodeNameEnv.name) ? [] : [nodeNameEnv]),
    ...(k
      ? [
          { name: "HDFS_PRINCIPAL", value: servicePrincipal(k, role) },
          { name: "HDFS_KEYTAB", value: hdfsSecurityPaths.keytab },
          { name: tlsPasswordEnv, valueFrom: { secretKeyRef: { name: hdfsRoleSecretNames(c).tls, key: hdfsSecretKeys.password } } },
        ]
      : []),
  ];
  return {
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    securityContext: restrictedContainerSecurityContext,
    ...container,
    env: [...given, ...env],
    volumeMounts: [...hdfsVolumeMounts(c.site), ...((container.volumeMounts as Input.VolumeMount[] | undefined) ?? [])],
  };
}

/**
 * The pod's first init container: checks the role's host directories as its `hostDirectories` says and hands
 * them to the hadoop user (a hostPath the kubelet creates belongs to root), as root with CHOWN and nothing else
 * (declared to the policy pack by `hostDaemonSet`): assets/host-directories.sh.
 */
export function ownDataDirectories(
  c: { image: string; imagePullPolicy: pulumi.Input<string>; name: string; hostDirectories: z.output<typeof hostDirectoriesModes> },
  mounts: HostMount[],
  name = "own-data-dirs",
): HostContainer {
  const uid = hdfsCommonDefaults.uid;
  return {
    name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: ["sh", `${hdfsScriptsDir}/${hostDirectoriesScript.name}`, c.hostDirectories, `${c.name} hostDirectories`, String(uid),
      ...mounts.flatMap((m) => [m.mountPath, m.hostPath])],
    hostMounts: mounts.map((m) => m.name),
    volumeMounts: [scriptsMount],
    securityContext: {
      ...restrictedContainerSecurityContext,
      runAsNonRoot: false,
      runAsUser: 0,
      capabilities: { drop: ["ALL"], add: ["CHOWN"] },
    },
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
  };
}

/** The PriorityClass a role creates when it is given none (for the stack's ownership check). */
export function hdfsRoleClusterObjects(roleName: string, priorityClassName: string | undefined): ClusterObjectRef[] {
  return priorityClassName ? [] : [{ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", name: hdfsPriorityClassName(roleName) }];
}

/** Name of the PriorityClass a role creates when it is given none. */
export function hdfsPriorityClassName(roleName: string): string {
  return `${roleName}-critical`;
}

/**
 * The role's PriorityClass (clusters may restrict the system-* classes to kube-system, so each HDFS role
 * brings its own), or the configured existing one.
 */
export function hdfsPriorityClass(
  resourceName: string,
  args: { name: string; priorityClassName?: string; priorityValue: number; description: string; labels: Record<string, string> },
  parent: pulumi.Resource,
): { priorityClassName: pulumi.Input<string>; priorityClass?: k8s.scheduling.v1.PriorityClass } {
  if (args.priorityClassName) {
    return { priorityClassName: args.priorityClassName };
  }
  const priorityClass = new k8s.scheduling.v1.PriorityClass(resourceName, {
    metadata: { name: hdfsPriorityClassName(args.name), labels: args.labels, annotations: createdByStackAnnotations() },
    value: args.priorityValue,
    globalDefault: false,
    preemptionPolicy: "PreemptLowerPriority",
    description: args.description,
  }, { parent });
  return { priorityClassName: priorityClass.metadata.name, priorityClass };
}

/** A Java heap size, as `-Xmx` takes it. */
export const javaHeap = z.string().regex(/^\d+[kmgKMG]$/, "must be a Java size like 1536m or 2g").describe("Java size (1536m, 2g)");

/** JVM options beside the heap, which `javaHeap` alone sets. */
const javaOptions = z
  .array(z.string().regex(/^-\S+$/, "must be one JVM option, starting with - (no spaces)").refine((o) => !/^-Xm[xs]/.test(o), "sets the heap, which javaHeap sets"))
  .describe("list of JVM options");

/** Value of a PriorityClass a program may create (above 1000000000 are the system classes). */
const priorityValue = z.number().int().min(1).max(1000000000, "values above 1000000000 are reserved for system classes");

/** A node selector that selects some nodes, not all. */
export const someNodesSelector = labels
  .refine((s) => Object.keys(s).length > 0, { message: "must name at least one label (else it runs on every node)" })
  .describe("map label → value, at least one");

/** The defaults in which the HDFS roles differ. */
export interface HdfsRoleDefaults {
  name: string;
  nodeSelector: Record<string, string>;
  priorityValue: number;
  resources: z.output<typeof resources>;
  javaHeap: string;
  updateStrategy: z.output<typeof updateStrategy>;
}

/**
 * The settings every HDFS role has (components/settings.ts), with the role's defaults: each role declares its
 * own beside them (`hdfsNameNodeSettings`, `hdfsJournalNodeSettings`, `hdfsDataNodeSettings`). A role that must
 * run on some nodes only (NameNode, JournalNode) refuses an empty node selector.
 */
export function hdfsRoleSettings(d: HdfsRoleDefaults, nodeSelectorSchema: z.ZodType<Record<string, string>> = labels) {
  return {
    /** Object name of the role's DaemonSet and ConfigMap (and of its PriorityClass, with `-critical`). */
    name: setting(resourceName, { default: d.name }),
    /** Namespace of the role's objects, which must exist (HdfsCluster gives the one it creates). */
    namespace: passThrough(setting(resourceName, { default: hdfsCommonDefaults.namespace as string, programOnly: true })),
    /** Only nodes with all of these labels run the role; replaces the default selector. */
    nodeSelector: setting(nodeSelectorSchema, { default: d.nodeSelector, merge: "replace" }),
    /** Taints the role's pods tolerate. */
    tolerations: setting(z.array(toleration), { default: [] as z.output<typeof toleration>[] }),
    /** The Apache Hadoop 3 image, pinned by tag or digest. */
    image: setting(image, { default: hdfsCommonDefaults.image as string }),
    /** Pull policy of every container. */
    imagePullPolicy: passThrough(setting(pullPolicy, { default: hdfsCommonDefaults.imagePullPolicy as z.output<typeof pullPolicy> })),
    /** An existing PriorityClass for the pods; unset: the role creates its own (`<name>-critical`). */
    priorityClassName: setting(resourceName),
    /** Value of the PriorityClass the role creates. */
    priorityValue: setting(priorityValue, { default: d.priorityValue }),
    /** The daemon container's resources, merged over the default (limits alone keep the default requests). */
    resources: setting(resources, { default: d.resources }),
    /** Maximum Java heap of the daemon (the default fits the default memory limit with headroom). */
    javaHeap: setting(javaHeap, { default: d.javaHeap }),
    /** Further JVM options of the role's daemons, after the heap (`HDFS_<ROLE>_OPTS`; the NameNodes' ZKFCs too): GC settings, say. */
    javaOptions: setting(javaOptions, { default: [] as string[] }),
    /** How a new pod template rolls out. */
    updateStrategy: setting(updateStrategy, { default: d.updateStrategy }),
    /**
     * What the role's host directories must be before its daemon starts: `create` (a missing one is made: on the
     * node's root filesystem when its disk is not mounted), `mountPoint` (it exists and is the root of a mounted
     * filesystem), `marker` (it exists and holds `.k8s-daemonsets-volume`, made when the disk was prepared).
     */
    hostDirectories: setting(hostDirectoriesModes, { default: "create" as z.output<typeof hostDirectoriesModes> }),
    /** How long `pulumi up` waits for the rollout before failing (a stack sets it for every DaemonSet at once). */
    rolloutTimeoutSeconds: setting(z.number().int().min(1), { programOnly: true, defaultDoc: "the provider's 600 s" }),
    /** Kerberos: an existing Secret holding the role's keytab (key `keytab`); only this role's pods reference it. */
    keytabSecretName: setting(resourceName),
    /** Kerberos: the role's keytab itself, base64 (a Pulumi secret in the stack config); the role keeps it in a Secret of its own, `<name>-keytab`. */
    keytab: passThrough(setting(base64)),
    /** Kerberos: an existing Secret holding the role's TLS material: `keystore.p12` (its key and a certificate for every host that runs it, from the CA), `truststore.p12` (the CA) and their `password`. */
    tlsSecretName: setting(resourceName),
    /** Kerberos: the role's TLS material itself (`keystore`, `truststore`: PKCS12, base64; `password`), as Pulumi secrets; the role keeps it in a Secret of its own, `<name>-tls`. */
    tls: passThrough(setting(tlsMaterial)),
  };
}

/**
 * What a role's Kerberos settings lack or contradict: in Kerberos mode its keytab (one source) and TLS Secret; in
 * simple mode none of them. Paths are under `rolePath`; `modeKey` is where the mode is set.
 */
export function hdfsRoleSecurityIssues(
  kerberos: boolean,
  a: { keytab?: unknown; keytabSecretName?: string; tls?: unknown; tlsSecretName?: string },
  rolePath: ArgsPath,
  modeKey: ArgsPath,
): ArgsIssue[] {
  const at = (key: string): ArgsPath => [...rolePath, key];
  if (!kerberos) {
    return (["keytabSecretName", "keytab", "tlsSecretName", "tls"] as const)
      .filter((key) => a[key] !== undefined)
      .map((key) => ({ path: at(key), message: (name: (p: ArgsPath) => string) => `is for Kerberos, but ${name(modeKey)} is simple` }));
  }
  const issues: ArgsIssue[] = [];
  if (a.keytab === undefined && a.keytabSecretName === undefined) {
    issues.push({ path: at("keytabSecretName"), message: (name) => `Kerberos needs the role's keytab: the name of an existing Secret holding it (key "keytab"), or the keytab itself in ${name(at("keytab"))}` });
  } else if (a.keytab !== undefined && a.keytabSecretName !== undefined) {
    issues.push({ path: at("keytab"), message: (name) => `and ${name(at("keytabSecretName"))} are both set: give the keytab one way` });
  }
  if (a.tls === undefined && a.tlsSecretName === undefined) {
    issues.push({ path: at("tlsSecretName"), message: (name) => `Kerberos serves every web endpoint over HTTPS only: name an existing Secret with the role's keystore.p12, truststore.p12 and password, or give them in ${name(at("tls"))}` });
  } else if (a.tls !== undefined && a.tlsSecretName !== undefined) {
    issues.push({ path: at("tls"), message: (name) => `and ${name(at("tlsSecretName"))} are both set: give the TLS material one way` });
  }
  return issues;
}

/** Base64 (a keytab or keystore as a stack config holds it). */
const base64 = z
  .string()
  .superRefine((v, ctx) => {
    if (!/^[A-Za-z0-9+/\s]+=*\s*$/.test(v)) ctx.addIssue({ code: "custom", message: "must be base64 (base64 -w0 < file.keytab)", params: { secret: true } });
  })
  .describe("base64");

/** A role's TLS material given inline. */
const tlsMaterial = z
  .strictObject({
    keystore: base64,
    truststore: base64,
    password: z.string().min(1, "must not be empty"),
  })
  .describe("{keystore, truststore: base64 PKCS12; password}");

/** A role's settings over its defaults: what `hdfsRoleDaemonSet` reads of them. */
export type HdfsRoleResolvedArgs = SettingsResolved<ReturnType<typeof hdfsRoleSettings>>;

export type { HdfsRole };

/** What a role brings to `hdfsRoleDaemonSet`: its own parts of the pod and objects. */
export interface HdfsRoleSettings {
  /** The component's resource name: its children are `<resourceName>-priority` and `<resourceName>-config`. */
  resourceName: string;
  /** The role's arguments over its defaults. */
  args: HdfsRoleResolvedArgs;
  /** Namespace of the objects. Default: `args.namespace`. */
  namespace?: pulumi.Input<string>;
  /** The cluster's configuration. */
  site: HdfsSite;
  /** What the DaemonSet waits for: the role component's `dependsOn` option. Default: nothing. */
  dependsOn?: pulumi.ResourceOptions["dependsOn"];
  /** Description of the role's PriorityClass. */
  description: string;
  /** Files of the role's own in its ConfigMap (scripts); part of the config hash. Default: none. */
  files?: Record<string, string>;
  /** Extra affinity rules of the pods. Default: none. */
  affinity?: Input.Affinity;
  terminationGracePeriodSeconds: number;
  /** The DaemonSet's update strategy when the role derives it from more than its argument. Default: `args.updateStrategy`. */
  updateStrategy?: UpdateStrategy;
  hostMounts: HostMount[];
  /** Volumes of the role's own besides its ConfigMap, scratch and Secrets (not host paths). Default: none. */
  volumes?: Input.Volume[];
  initContainers: HostContainer[];
  containers: HostContainer[];
}

/**
 * The objects every HDFS role creates: its PriorityClass (unless an existing one is named), its ConfigMap
 * (`hdfsConfigMap`) and its DaemonSet on the host's network, non-root, without an API token, restarted when
 * its configuration changes (the `k8s-daemonsets/config-hash` pod annotation).
 */
function hdfsRoleDaemonSet(
  parent: pulumi.Resource,
  role: HdfsRole,
  s: HdfsRoleSettings,
): {
  daemonSet: k8s.apps.v1.DaemonSet;
  configMap: k8s.core.v1.ConfigMap;
  priorityClass?: k8s.scheduling.v1.PriorityClass;
  keytabSecret?: k8s.core.v1.Secret;
  tlsSecret?: k8s.core.v1.Secret;
  metricsService?: k8s.core.v1.Service;
  placement: Placement;
} {
  const a = s.args;
  const namespace = s.namespace ?? a.namespace;
  const files = { ...(s.files ?? {}), [readinessScript.name]: readinessScript.text, [jmxLibrary.name]: jmxLibrary.text, [hostDirectoriesScript.name]: hostDirectoriesScript.text };
  const selectorLabels = selectorLabelsFor(`hdfs-${role}`, a.name);
  const labels = objectLabelsFor(role);
  const web = webEndpoint(s.site, role);
  const podLabels = { ...labels, "app.kubernetes.io/version": imageVersion(a.image) };

  const { priorityClassName, priorityClass } = hdfsPriorityClass(`${s.resourceName}-priority`, {
    name: a.name,
    priorityClassName: a.priorityClassName,
    priorityValue: a.priorityValue,
    description: s.description,
    labels: { ...selectorLabels, ...labels },
  }, parent);
  const configMap = hdfsConfigMap(`${s.resourceName}-config`, `${a.name}-config`, namespace, { ...selectorLabels, ...labels },
    s.site, files, parent);
  // Kerberos: the role's keytab, from its Secret or from the keytab given (kept in a Secret of the role's own).
  const keytabSecret = s.site.kerberos && a.keytab !== undefined
    ? new k8s.core.v1.Secret(`${s.resourceName}-keytab`, {
        metadata: { name: hdfsRoleSecretNames(a).keytab, namespace, labels: { ...selectorLabels, ...labels } },
        type: "Opaque",
        data: { [hdfsSecretKeys.keytab]: pulumi.secret(a.keytab) },
      }, { parent })
    : undefined;
  const securityIssues = hdfsRoleSecurityIssues(s.site.kerberos !== undefined, a, [], ["site", "kerberos"]);
  if (securityIssues.length > 0) {
    throw new ComponentArgsError(`HDFS ${role} ${a.name}`, securityIssues);
  }
  const tlsSecret = s.site.kerberos && a.tls !== undefined
    ? new k8s.core.v1.Secret(`${s.resourceName}-tls`, {
        metadata: { name: hdfsRoleSecretNames(a).tls, namespace, labels: { ...selectorLabels, ...labels } },
        type: "Opaque",
        data: ((t) => ({
          [hdfsSecretKeys.keystore]: pulumi.secret(t.keystore.apply((v) => v.replace(/\s/g, ""))),
          [hdfsSecretKeys.truststore]: pulumi.secret(t.truststore.apply((v) => v.replace(/\s/g, ""))),
          [hdfsSecretKeys.password]: pulumi.secret(t.password.apply((v) => Buffer.from(v).toString("base64"))),
        }))(pulumi.output(a.tls)),
      }, { parent })
    : undefined;
  const secrets: HdfsRoleSecrets | undefined = s.site.kerberos
    ? { keytab: keytabSecret?.metadata.name ?? hdfsRoleSecretNames(a).keytab, tls: tlsSecret?.metadata.name ?? hdfsRoleSecretNames(a).tls }
    : undefined;

  const placement: Placement = {
    nodeSelector: a.nodeSelector,
    tolerations: a.tolerations,
    ...(s.affinity ? { affinity: s.affinity } : {}),
  };
  const daemonSet = hostDaemonSet({
    rolloutTimeoutSeconds: a.rolloutTimeoutSeconds,
    name: a.name,
    namespace,
    selectorLabels,
    labels,
    podLabels,
    podAnnotations: { "k8s-daemonsets/config-hash": configHash(s.site.coreSiteXml, s.site.hdfsSiteXml, ...Object.values(s.site.securityFiles), ...Object.values(files)) },
    // Every role is reached at its node's address (the JournalNodes at <node>:8485, the address in
    // dfs.namenode.shared.edits.dir; the DataNodes by clients and NameNodes).
    hostNetwork: true,
    hostPID: false,
    // Where the cluster's DNS does not resolve node names: the hosts the configuration names, in /etc/hosts.
    hostAliases: s.site.hostAliases,
    priorityClassName,
    placement,
    updateStrategy: s.updateStrategy ?? a.updateStrategy,
    automountServiceAccountToken: false,
    podSecurityContext: nonRootPodSecurityContext(hdfsCommonDefaults.uid),
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
    hostMounts: s.hostMounts,
    volumes: [...hdfsVolumes(configMap, secrets), ...(s.volumes ?? [])],
    initContainers: s.initContainers,
    containers: s.containers,
  }, { parent, dependsOn: dependsOnWith(s.dependsOn) },
  // OnDelete (a rolling upgrade's, whose Job deletes the pods and waits for them itself): no rollout for Pulumi to
  // wait for.
  (s.updateStrategy ?? a.updateStrategy).type === "OnDelete" ? { "pulumi.com/skipAwait": "true" } : undefined);

  // With the Prometheus endpoint: a headless Service listing every pod of the role (at its node's address, the pods
  // use the host's network) on the HTTP port, for Prometheus' endpointslice discovery and ServiceMonitors.
  const metricsService = s.site.prometheusEndpoint
    ? new k8s.core.v1.Service(`${s.resourceName}-metrics`, {
        metadata: { name: `${a.name}-metrics`, namespace, labels: { ...selectorLabels, ...labels } },
        spec: {
          clusterIP: "None",
          selector: selectorLabels,
          ports: [{ name: web.name, port: web.port, targetPort: web.name, protocol: "TCP" }],
        },
      }, { parent })
    : undefined;

  return { daemonSet, configMap, priorityClass, keytabSecret, tlsSecret, metricsService, placement };
}

/**
 * The component every HDFS role is: `createRole` makes the role's PriorityClass, ConfigMap and DaemonSet its
 * children (`hdfsRoleDaemonSet`) and exposes them; `registerRoleOutputs` registers them with the role's own.
 */
export abstract class HdfsRoleComponent extends pulumi.ComponentResource {
  /** The role's DaemonSet. */
  public readonly daemonSet!: k8s.apps.v1.DaemonSet;
  /** The role's core-site.xml and hdfs-site.xml (and its scripts, if any). */
  public readonly configMap!: k8s.core.v1.ConfigMap;
  /** The PriorityClass the component created; unset when the args name an existing one. */
  public readonly priorityClass?: k8s.scheduling.v1.PriorityClass;
  /** Kerberos, with the keytab given (not an existing Secret's name): the Secret `<name>-keytab` holding it. */
  public readonly keytabSecret?: k8s.core.v1.Secret;
  /** Kerberos, with the TLS material given (not an existing Secret's name): the Secret `<name>-tls` holding it. */
  public readonly tlsSecret?: k8s.core.v1.Secret;
  /** With the site's Prometheus endpoint: the headless Service `<name>-metrics` listing the role's pods. */
  public readonly metricsService?: k8s.core.v1.Service;
  /** The node selector and tolerations (and affinity, if any) the pods are placed with. */
  public readonly placement!: Placement;

  /** Creates the role's objects; called once, by the role's constructor. */
  protected createRole(role: HdfsRole, settings: HdfsRoleSettings): void {
    // Readonly to callers; set here, once, for every role.
    Object.assign(this, hdfsRoleDaemonSet(this, role, settings));
  }

  /** `registerOutputs` with the role's objects and the outputs a role adds of its own. */
  protected registerRoleOutputs(own: pulumi.Inputs = {}): void {
    this.registerOutputs({
      daemonSet: this.daemonSet, configMap: this.configMap, priorityClass: this.priorityClass, keytabSecret: this.keytabSecret, tlsSecret: this.tlsSecret, metricsService: this.metricsService, placement: this.placement, ...own,
    });
  }
}
