// A stack's configuration, parsed and validated as a whole into one typed value before any resource is
// registered. Every problem is reported at once, each with the config key path that `pulumi config set
// --path` understands.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { hdfsSiteDefaults } from "../components/hadoopConfig";
import { imageVersion } from "../components/labels";
import { nodeExporterFilesystemExclusions } from "../components/nodeExporter";
import { hdfsRoleArgs, nodeExporterArgs } from "./args";

export const project = "k8s-daemonsets";

// ---- Kubernetes syntax (k8s.io/apimachinery/pkg/util/validation) ----

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const quantity = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/;
// Docker reference grammar: [registry[:port]/]path[:tag][@digest].
const imageReference =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

const nodeName = z
  .string()
  .max(253, "node name is longer than 253 characters")
  .regex(dns1123Subdomain, "is not a valid node name (lowercase letters, digits, '-' and '.', starting and ending alphanumeric)");

const labelKey = z.string().superRefine((key, ctx) => {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !dns1123Subdomain.test(prefix))) {
    ctx.addIssue({ code: "custom", message: `label key "${key}": prefix "${prefix}" is not a DNS subdomain` });
  }
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    ctx.addIssue({
      code: "custom",
      message: `label key "${key}": name "${name}" must be 1-63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric`,
    });
  }
});

const labelValue = z
  .string()
  .max(63, "label value is longer than 63 characters")
  .refine((v) => v === "" || qualifiedName.test(v), {
    message: "label value must be empty or letters, digits, '-', '_' and '.', starting and ending alphanumeric",
  });

const labels = z.record(labelKey, labelValue);
const port = z.number().int("must be a whole number").min(1, "port must be 1-65535").max(65535, "port must be 1-65535");
const resourceName = z.string().max(63).regex(dns1123Label, "must be a DNS label (lowercase letters, digits and '-', at most 63)");
const image = z
  .string()
  .regex(imageReference, "is not a valid image reference")
  .refine((ref) => /:[\w][\w.-]*(@|$)/.test(ref.slice(ref.lastIndexOf("/") + 1)) || ref.includes("@sha256:"), {
    message: "image must be pinned by a tag or a digest",
  })
  .refine((ref) => !/:latest(@|$)/.test(ref), { message: "image must not use the mutable tag 'latest'" });
const pullPolicy = z.enum(["Always", "IfNotPresent", "Never"]);
const quantityString = z.union([z.string(), z.number()]).transform(String).pipe(
  z.string().regex(quantity, "is not a valid resource quantity (e.g. 100m, 180Mi, 2Gi)"),
);
const resourceList = z.strictObject({ cpu: quantityString.optional(), memory: quantityString.optional() });
const resources = z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() });
const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.number().int().optional(),
});
const updateStrategy = z.strictObject({
  type: z.enum(["RollingUpdate", "OnDelete"]),
  maxUnavailable: z
    .union([z.number().int().min(1), z.string().regex(/^(100|[1-9]?[0-9])%$/, "must be a percentage like 10%")])
    .optional(),
});

const hostPath = z.string().regex(/^\/[^\0]*[^/]$/, "must be an absolute path (not /)");

// Node and pod affinity (k8s.io/api/core/v1 Affinity), typed so that a misspelt field is a config error.
const selectorOperator = z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
const nodeSelectorRequirement = z
  .strictObject({ key: z.string().min(1), operator: selectorOperator, values: z.array(z.string()).optional() })
  .superRefine((r, ctx) => {
    const n = r.values?.length ?? 0;
    if ((r.operator === "In" || r.operator === "NotIn") && n === 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `operator ${r.operator} needs at least one value` });
    }
    if ((r.operator === "Exists" || r.operator === "DoesNotExist") && n > 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `operator ${r.operator} takes no values` });
    }
    if ((r.operator === "Gt" || r.operator === "Lt") && (n !== 1 || !/^-?\d+$/.test(r.values![0]))) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `operator ${r.operator} takes exactly one integer value` });
    }
  });
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(nodeSelectorRequirement).optional(),
  matchFields: z.array(nodeSelectorRequirement).optional(),
});
const labelSelector = z.strictObject({
  matchLabels: labels.optional(),
  matchExpressions: z
    .array(z.strictObject({ key: z.string().min(1), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(z.string()).optional() }))
    .optional(),
});
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string().min(1),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});
const weight = z.number().int().min(1, "weight must be 1-100").max(100, "weight must be 1-100");
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});
const affinity = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z
        .strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1, "must have at least one term") })
        .optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
});
const collectorName = z.string().regex(/^[a-z][a-z0-9_]*$/, "is not a collector name (lowercase letters, digits and '_', e.g. hwmon)");

const nodeExporterConfig = z.strictObject({
  enabled: z.boolean().default(true),
  name: resourceName.optional(),
  namespace: resourceName.optional(),
  createNamespace: z.boolean().optional(),
  image: image.optional(),
  imagePullPolicy: pullPolicy.optional(),
  port: port.optional(),
  hostPort: z.boolean().optional(),
  listenHost: z.string().nullable().optional(),
  hostRoot: z.boolean().optional(),
  hostRootPropagation: z.enum(["HostToContainer", "None"]).optional(),
  hostSysPropagation: z.enum(["HostToContainer", "None"]).optional(),
  collectorArgs: z.array(z.string()).optional(),
  collectors: z.record(collectorName, z.boolean()).optional(),
  textfileDirectory: hostPath.optional(),
  sysTimeCapability: z.boolean().optional(),
  extraArgs: z.array(z.string()).optional(),
  updateStrategy: updateStrategy.optional(),
  priorityClassName: z.string().nullable().optional(),
  criticalPodsQuota: z.boolean().optional(),
  resources: resources.optional(),
  nodeSelector: labels.optional(),
  tolerations: z.array(toleration).optional(),
  affinity: affinity.optional(),
  hardened: z.boolean().optional(),
  probes: z.boolean().optional(),
  serviceAccount: z.boolean().optional(),
  service: z.boolean().optional(),
  serviceMonitor: z.boolean().optional(),
  scrapeInterval: z.string().regex(/^\d+(ms|s|m|h)$/, "must be a duration like 30s").optional(),
  serviceMonitorLabels: labels.optional(),
  rbacProxy: z.boolean().optional(),
  rbacProxyImage: image.optional(),
  rbacProxyHealthPort: port.optional(),
  networkPolicyFrom: z
    .array(
      z.strictObject({
        namespaceSelector: z.strictObject({ matchLabels: labels }).optional(),
        podSelector: z.strictObject({ matchLabels: labels }).optional(),
        ipBlock: z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional() }).optional(),
      }),
    )
    .optional(),
});

const javaHeap = z.string().regex(/^\d+[kmgKMG]$/, "must be a Java size like 1536m or 2g");
const priorityValue = z.number().int().min(1).max(1000000000, "values above 1000000000 are reserved for system classes");
// host:port of a ZooKeeper server (host: a DNS name or an IPv4 address).
const zookeeperServer = z
  .string()
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:\d{1,5}$/, "must be host:port, e.g. zk-1.example.com:2181")
  .refine((s) => { const p = Number(s.slice(s.lastIndexOf(":") + 1)); return p >= 1 && p <= 65535; }, { message: "port must be 1-65535" });

const hdfsNameNodeConfig = z.strictObject({
  enabled: z.boolean().default(true),
  name: resourceName.optional(),
  namespace: resourceName
    .refine((ns) => ns !== "kube-system", { message: "the NameNode does not belong in kube-system" })
    .optional(),
  createNamespace: z.boolean().optional(),
  nodeSelector: labels
    .refine((s) => Object.keys(s).length > 0, { message: "must name at least one label (else it runs on every node)" })
    .optional(),
  selectorLabelsManagedExternally: z.boolean().default(false),
  tolerations: z.array(toleration).optional(),
  image: image.optional(),
  imagePullPolicy: pullPolicy.optional(),
  nameDirHostPath: hostPath.optional(),
  rpcPort: port.optional(),
  httpPort: port.optional(),
  nameservice: resourceName.optional(),
  zookeeperQuorum: z.array(zookeeperServer).min(1, "must name at least one ZooKeeper server (or leave the key out for manual failover)").optional(),
  zkfcPort: port.optional(),
  zkfcResources: resources.optional(),
  hostResolution: z.enum(["nodeAddresses", "dns"]).default("nodeAddresses"),
  clusterId: z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, "must be letters, digits, '-', '_' and '.'").optional(),
  replication: z.number().int().min(1).max(512).optional(),
  coreSite: z.record(z.string().min(1), z.string()).optional(),
  hdfsSite: z.record(z.string().min(1), z.string()).optional(),
  priorityClassName: resourceName.optional(),
  priorityValue: priorityValue.optional(),
  resources: resources.optional(),
  javaHeap: javaHeap.optional(),
  updateStrategy: updateStrategy.optional(),
});

// JournalNodes exist when the NameNode is an HA nameservice (2-5 hosts); with one NameNode these keys are unused.
const hdfsJournalNodeConfig = z.strictObject({
  name: resourceName.optional(),
  nodeSelector: labels
    .refine((s) => Object.keys(s).length > 0, { message: "must name at least one label (else it runs on every node)" })
    .optional(),
  tolerations: z.array(toleration).optional(),
  image: image.optional(),
  imagePullPolicy: pullPolicy.optional(),
  editsDirHostPath: hostPath.optional(),
  rpcPort: port.optional(),
  httpPort: port.optional(),
  priorityClassName: resourceName.optional(),
  priorityValue: priorityValue.optional(),
  resources: resources.optional(),
  javaHeap: javaHeap.optional(),
  updateStrategy: updateStrategy.optional(),
});

const hdfsDataNodeConfig = z.strictObject({
  enabled: z.boolean().default(true),
  name: resourceName.optional(),
  nodeSelector: labels.optional(),
  tolerations: z.array(toleration).optional(),
  image: image.optional(),
  imagePullPolicy: pullPolicy.optional(),
  dataDirHostPaths: z
    .array(hostPath)
    .min(1, "must name at least one data directory")
    .refine((paths) => new Set(paths).size === paths.length, { message: "lists a directory twice" })
    .optional(),
  dataPort: port.optional(),
  httpPort: port.optional(),
  ipcPort: port.optional(),
  priorityClassName: resourceName.optional(),
  priorityValue: priorityValue.optional(),
  resources: resources.optional(),
  javaHeap: javaHeap.optional(),
  updateStrategy: updateStrategy.optional(),
});

const stackConfigSchema = z.strictObject({
  nodeLabels: z.record(nodeName, labels).default({}),
  labelFieldManager: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][-A-Za-z0-9_.:]*$/, "must be letters, digits and '-_.:'")
    .default("k8s-daemonsets-node-labels"),
  // node -> label keys of nodeLabels.<node> that this stack may take over from another field manager.
  nodeLabelTakeover: z.record(nodeName, z.array(labelKey)).default({}),
  rolloutTimeoutSeconds: z.number().int("must be a whole number").min(30, "must be at least 30").max(86400, "must be at most 86400 (a day)").optional(),
  nodeExporter: nodeExporterConfig.prefault({}),
  hdfsNameNode: hdfsNameNodeConfig.prefault({}),
  hdfsJournalNode: hdfsJournalNodeConfig.prefault({}),
  hdfsDataNode: hdfsDataNodeConfig.prefault({}),
});

export type StackConfig = z.output<typeof stackConfigSchema>;
export type NodeExporterConfig = StackConfig["nodeExporter"];
export type HdfsNameNodeConfig = StackConfig["hdfsNameNode"];
export type HdfsJournalNodeConfig = StackConfig["hdfsJournalNode"];
export type HdfsDataNodeConfig = StackConfig["hdfsDataNode"];

/** The HDFS roles' hosts as the config decides them (label plan order). */
export interface HdfsTopology {
  /** NameNode hosts (empty when the NameNode is disabled). */
  nameNodeHosts: string[];
  /** 2-5 NameNodes: one HA nameservice (with JournalNodes). */
  ha: boolean;
  /** The JournalNodes' selector: its own, or the NameNode's. */
  journalNodeSelector: Record<string, string>;
  /** Whether `journalNodeSelector` is the NameNode's (hdfsJournalNode.nodeSelector unset). */
  journalNodeSelectorIsNameNodes: boolean;
  /** JournalNode hosts (HA only). */
  journalNodeHosts: string[];
}

export function hdfsTopology(c: StackConfig): HdfsTopology {
  const { nn, jn } = hdfsRoleArgs(c);
  const nameNodeHosts = c.hdfsNameNode.enabled ? nodesSelectedBy(c.nodeLabels, nn.nodeSelector) : [];
  const ha = nameNodeHosts.length >= 2;
  const journalNodeSelector = jn.nodeSelector;
  return {
    nameNodeHosts,
    ha,
    journalNodeSelector,
    journalNodeSelectorIsNameNodes: c.hdfsJournalNode.nodeSelector === undefined,
    journalNodeHosts: ha ? nodesSelectedBy(c.nodeLabels, journalNodeSelector) : [],
  };
}

/** What a valid config still deserves a word about (pulumi.log.warn), each naming its config key. */
export function configWarnings(c: StackConfig): string[] {
  const t = hdfsTopology(c);
  const warnings: string[] = [];
  const ne = c.nodeExporter;
  const reviewed = nodeExporterFilesystemExclusions.reviewedFor;
  if (ne.enabled && ne.image !== undefined && ne.collectorArgs === undefined && imageVersion(ne.image) !== reviewed) {
    warnings.push(
      `${configKey(["nodeExporter", "image"])}: the filesystem exclusions replace node_exporter's own defaults and were ` +
        `taken from ${reviewed}, not ${imageVersion(ne.image)}; compare them with that version's defaults ` +
        `(or set nodeExporter.collectorArgs)`,
    );
  }
  const n = t.journalNodeHosts.length;
  if (t.ha && n >= 3 && n % 2 === 0) {
    warnings.push(
      `${configKey(["hdfsJournalNode", "nodeSelector"])}: ${n} JournalNodes (${t.journalNodeHosts.join(", ")}) tolerate no more failures ` +
        `than ${n - 1} (a majority of ${n} is ${n / 2 + 1}); an odd count is the usual choice`,
    );
  }
  return warnings;
}

type Issue = { path: PropertyKey[]; message: string };

/** Checks across keys: placement that matches nothing, host ports claimed twice. */
function crossChecks(c: StackConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [node, keys] of Object.entries(c.nodeLabelTakeover)) {
    keys.forEach((key, i) => {
      if (c.nodeLabels[node]?.[key] === undefined) {
        issues.push({
          path: ["nodeLabelTakeover", node, i],
          message: `"${key}" is not a label that nodeLabels.${node} sets; only labels the stack applies can be taken over`,
        });
      }
    });
  }
  if (c.nodeExporter.rbacProxy && c.nodeExporter.serviceAccount === false) {
    issues.push({
      path: ["nodeExporter", "rbacProxy"],
      message: "kube-rbac-proxy needs the component's ServiceAccount (its RBAC is bound to it): leave nodeExporter.serviceAccount on",
    });
  }
  // The values the components will run with (config over defaults, resolved once by each component).
  const ne = { ...nodeExporterArgs(c.nodeExporter), enabled: c.nodeExporter.enabled };
  const roles = hdfsRoleArgs(c);
  const collectors = ne.collectors ?? {};
  if (ne.hostRoot === false && collectors.filesystem !== false) {
    issues.push({
      path: ["nodeExporter", "hostRoot"],
      message:
        "without the host's / the filesystem collector reads the host's mount table but measures paths inside the " +
        "container, so every disk metric is wrong: also set nodeExporter.collectors.filesystem to false, or keep hostRoot " +
        "(where / is not a shared mount, set nodeExporter.hostRootPropagation to None instead)",
    });
  }
  if (ne.textfileDirectory !== undefined && collectors.textfile === false) {
    issues.push({
      path: ["nodeExporter", "textfileDirectory"],
      message: "is mounted for the textfile collector, which nodeExporter.collectors.textfile switches off; remove one of the two",
    });
  }
  const nn = { ...roles.nn, enabled: c.hdfsNameNode.enabled, zookeeperQuorum: c.hdfsNameNode.zookeeperQuorum };
  const ports = roles.ports;
  if (nn.enabled && !c.hdfsNameNode.selectorLabelsManagedExternally) {
    const selector = nn.nodeSelector;
    if (nodesSelectedBy(c.nodeLabels, selector).length === 0) {
      issues.push({
        path: ["hdfsNameNode", "nodeSelector"],
        message:
          `${formatSelector(selector)} matches no node in nodeLabels, so the NameNode would run nowhere; ` +
          `label a node with it (pulumi config set --path 'nodeLabels.<node>.<key>' <value>) or set ` +
          `hdfsNameNode.selectorLabelsManagedExternally to true if the labels are set outside this program`,
      });
    }
  }
  const t = hdfsTopology(c);
  const jn = roles.jn;
  const dn = roles.dn;
  if (nn.enabled && t.nameNodeHosts.length > hdfsSiteDefaults.maxNameNodes) {
    issues.push({
      path: ["hdfsNameNode", "nodeSelector"],
      message:
        `${formatSelector(nn.nodeSelector)} selects ${t.nameNodeHosts.length} nodes in nodeLabels ` +
        `(${t.nameNodeHosts.join(", ")}); an HA nameservice has at most ${hdfsSiteDefaults.maxNameNodes} NameNodes (Hadoop recommends 3): ` +
        `remove the label from ${t.nameNodeHosts.length - hdfsSiteDefaults.maxNameNodes} of them`,
    });
  }
  if (t.ha && t.journalNodeHosts.length < 3) {
    const n = t.journalNodeHosts.length;
    const selector = formatSelector(t.journalNodeSelector);
    issues.push({
      path: ["hdfsJournalNode", "nodeSelector"],
      message:
        `${t.nameNodeHosts.length} NameNodes form an HA nameservice, whose shared edits need a quorum of at least 3 JournalNodes, ` +
        `but ${selector}${t.journalNodeSelectorIsNameNodes ? " (the NameNode's selector, the default)" : ""} selects ${n} node${n === 1 ? "" : "s"} ` +
        `in nodeLabels${n > 0 ? ` (${t.journalNodeHosts.join(", ")})` : ""}: ` +
        (t.journalNodeSelectorIsNameNodes
          ? `label a third host for JournalNodes (e.g. pulumi config set --path 'nodeLabels.<node>.hdfs-journalnode' "true" on 3 nodes) ` +
            `and set hdfsJournalNode.nodeSelector to that label, or label a third NameNode host`
          : `label ${3 - n} more node${3 - n === 1 ? "" : "s"} with ${selector} (pulumi config set --path 'nodeLabels.<node>.<key>' <value>)`),
    });
  }
  if (nn.zookeeperQuorum && nn.enabled && !t.ha && t.nameNodeHosts.length > 0) {
    issues.push({
      path: ["hdfsNameNode", "zookeeperQuorum"],
      message: `automatic failover needs an HA nameservice (2-${hdfsSiteDefaults.maxNameNodes} NameNode hosts), but the NameNode runs on ${t.nameNodeHosts.length} host; label more hosts or remove the key`,
    });
  }
  // Host paths: a directory of one HDFS role must not be another's (they can share a node).
  if (nn.enabled) {
    const dirs: { dir: string; path: PropertyKey[] }[] = [
      { dir: nn.nameDirHostPath, path: ["hdfsNameNode", "nameDirHostPath"] },
      ...(t.ha ? [{ dir: jn.editsDirHostPath, path: ["hdfsJournalNode", "editsDirHostPath"] }] : []),
      ...(dn
        ? dn.dataDirHostPaths.map((dir, i) => ({
            dir,
            path: c.hdfsDataNode.dataDirHostPaths ? ["hdfsDataNode", "dataDirHostPaths", i] : ["hdfsDataNode", "dataDirHostPaths"],
          }))
        : []),
    ];
    dirs.forEach((d, i) => {
      const other = dirs.findIndex((o, j) => j !== i && (d.dir === o.dir || d.dir.startsWith(`${o.dir}/`)));
      if (other >= 0 && (d.dir !== dirs[other].dir || other < i)) {
        issues.push({ path: d.path, message: `${d.dir} is (inside) ${dirs[other].dir}, already used by ${configKey(dirs[other].path)}; each HDFS directory needs its own host path` });
      }
    });
  }
  const claims: { port: number; path: PropertyKey[]; owner: string }[] = [];
  if (ne.enabled && ne.hostPort !== false) {
    claims.push({ port: ne.port, path: ["nodeExporter", "port"], owner: "node-exporter metrics" });
  }
  if (ne.enabled && ne.rbacProxy) {
    // On the host network the proxy's health port is the node's, host port or not.
    claims.push({ port: ne.rbacProxyHealthPort, path: ["nodeExporter", "rbacProxyHealthPort"], owner: "kube-rbac-proxy health" });
  }
  if (nn.enabled) {
    claims.push({ port: ports.nameNodeRpc, path: ["hdfsNameNode", "rpcPort"], owner: "NameNode rpc" });
    claims.push({ port: ports.nameNodeHttp, path: ["hdfsNameNode", "httpPort"], owner: "NameNode http" });
    if (t.ha && nn.zookeeperQuorum) {
      claims.push({ port: ports.zkfc, path: ["hdfsNameNode", "zkfcPort"], owner: "ZKFC rpc" });
    }
    if (t.ha) {
      claims.push({ port: ports.journalNodeRpc, path: ["hdfsJournalNode", "rpcPort"], owner: "JournalNode rpc" });
      claims.push({ port: ports.journalNodeHttp, path: ["hdfsJournalNode", "httpPort"], owner: "JournalNode http" });
    }
    if (dn) {
      claims.push({ port: ports.dataNodeData, path: ["hdfsDataNode", "dataPort"], owner: "DataNode data" });
      claims.push({ port: ports.dataNodeHttp, path: ["hdfsDataNode", "httpPort"], owner: "DataNode http" });
      claims.push({ port: ports.dataNodeIpc, path: ["hdfsDataNode", "ipcPort"], owner: "DataNode ipc" });
    }
  }
  claims.forEach((claim, i) => {
    const first = claims.findIndex((other) => other.port === claim.port);
    if (first !== i) {
      issues.push({
        path: claim.path,
        message: `host port ${claim.port} is already claimed by the ${claims[first].owner} port (${configKey(claims[first].path)}); host ports must be unique per node`,
      });
    }
  });
  return issues;
}

/** The error a stack with bad configuration fails with: every problem, one per line, no stack trace. */
export class StackConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was changed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "StackConfigError";
  }
}

/** `k8s-daemonsets:nodeLabels.node-1.host`, with brackets for list indexes and keys with dots or slashes. */
export function configKey(path: PropertyKey[]): string {
  const [first, ...rest] = path;
  const tail = rest
    .map((seg) => (typeof seg === "number" ? `[${seg}]` : /^[A-Za-z0-9_-]+$/.test(String(seg)) ? `.${String(seg)}` : `["${String(seg)}"]`))
    .join("");
  return `${project}:${String(first ?? "")}${tail}`;
}

/**
 * Parses raw stack configuration (`<project>:<key>` -> string, as Pulumi hands it to the program; objects
 * arrive as JSON) into one validated value, or throws StackConfigError listing every problem.
 */
export function parseStackConfig(raw: Record<string, string>): StackConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const sep = fullKey.indexOf(":");
    const ns = fullKey.slice(0, sep);
    const key = fullKey.slice(sep + 1);
    if (ns !== project) {
      continue; // other namespaces (e.g. kubernetes:*) belong to their providers
    }
    input[key] = decode(value);
  }
  const result = stackConfigSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(describeIssue(issue));
    }
    throw new StackConfigError(problems);
  }
  for (const issue of crossChecks(result.data)) {
    problems.push(`${configKey(issue.path)}: ${issue.message}`);
  }
  if (problems.length > 0) {
    throw new StackConfigError(problems);
  }
  return result.data;
}

/** The stack's configuration, validated; throws StackConfigError before any resource is registered. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.runtime.allConfig());
}

function decode(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed === "true" || trimmed === "false" || /^-?\d+(\.\d+)?$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = configKey(issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => `${configKey([...issue.path, k])}: unknown config key`).join("\n  - ");
    case "invalid_type":
      return `${key}: expected ${issue.expected}${issue.input === undefined ? " (missing)" : `, got ${describeValue(issue.input)}`}`;
    case "invalid_key":
      // A map key (node name, label key) that is not valid: report the key itself.
      return `${key}: ${[...new Set(issue.issues.map((i) => i.message))].map((m) => `${JSON.stringify(issue.path.at(-1))} ${m}`).join("; ")}`;
    case "invalid_value":
      return `${key}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(issue.input)}`;
    default: {
      const input = "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? ` ${JSON.stringify(issue.input)}` : "";
      return `${key}:${input} ${issue.message}`;
    }
  }
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

export function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** The configured nodes carrying every label of `selector`, sorted. */
export function nodesSelectedBy(nodeLabels: Record<string, Record<string, string>>, selector: Record<string, string>): string[] {
  return Object.keys(nodeLabels)
    .filter((node) => Object.entries(selector).every(([k, v]) => nodeLabels[node][k] === v))
    .sort(compareNodeNames);
}

/** node-2 before node-10. */
export function compareNodeNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
