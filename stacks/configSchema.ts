// The stack config's schema: every key, its type and its default where the config itself has one (the
// components' defaults are applied later, by their own `resolve…Args()`), and the typed value it parses into.
import { z } from "zod";
import { nodeExporterSettings } from "../components/nodeExporter";
import { nodeLabelsDefaults } from "../components/nodeLabels";
import { settingsSchema } from "../components/settings";
import {
  affinity,
  hostPath,
  image,
  labelKey,
  labels,
  nodeName,
  port,
  pullPolicy,
  resourceName,
  resources,
  toleration,
  updateStrategy,
} from "../components/kubernetesSyntax";

// A list of node names, each once.
const nodeNames = z
  .array(nodeName)
  .min(1, "must name at least one node (or leave the key out)")
  .refine((names) => new Set(names).size === names.length, { message: "names a node twice" });

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
  // With selectorLabelsManagedExternally: the NameNode hosts, in this order, instead of the nodes the cluster labels.
  hosts: nodeNames.optional(),
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
  // With hdfsNameNode.selectorLabelsManagedExternally: the JournalNode hosts, instead of the nodes the cluster labels.
  hosts: nodeNames.optional(),
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

export const stackConfigSchema = z.strictObject({
  nodeLabels: z.record(nodeName, labels).default({}),
  labelFieldManager: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][-A-Za-z0-9_.:]*$/, "must be letters, digits and '-_.:'")
    .default(nodeLabelsDefaults.fieldManager),
  // node -> label keys of nodeLabels.<node> that this stack may take over from another field manager.
  nodeLabelTakeover: z.record(nodeName, z.array(labelKey)).default({}),
  rolloutTimeoutSeconds: z.number().int("must be a whole number").min(30, "must be at least 30").max(86400, "must be at most 86400 (a day)").optional(),
  nodeExporter: settingsSchema(nodeExporterSettings).extend({ enabled: z.boolean().default(true) }).prefault({}),
  hdfsNameNode: hdfsNameNodeConfig.prefault({}),
  hdfsJournalNode: hdfsJournalNodeConfig.prefault({}),
  hdfsDataNode: hdfsDataNodeConfig.prefault({}),
});

export type StackConfig = z.output<typeof stackConfigSchema>;
export type NodeExporterConfig = StackConfig["nodeExporter"];
export type HdfsNameNodeConfig = StackConfig["hdfsNameNode"];
export type HdfsJournalNodeConfig = StackConfig["hdfsJournalNode"];
export type HdfsDataNodeConfig = StackConfig["hdfsDataNode"];
