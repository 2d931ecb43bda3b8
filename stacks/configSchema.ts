// The stack config's schema, from the declarations (components/settings.ts): each component's settings as it
// declares them, the settings only a stack has (declared here), and the keys that moved, still read under their
// old names (config.ts moves them). Component settings are optional here: each component applies its own
// defaults when it is resolved (plan.ts); the stack's own take their defaults here.
import { z } from "zod";
import { hdfsClusterRoleSettings, hdfsClusterSettings } from "../components/hdfsCluster";
import { hdfsSecuritySettings } from "../components/hdfsSecurity";
import { labelKey, labels, nodeName } from "../components/kubernetesSyntax";
import { nodeExporterSettings } from "../components/nodeExporter";
import { nodeLabelsDefaults } from "../components/nodeLabels";
import { setting, settingsSchema, stackSettingsSchema } from "../components/settings";

// A list of node names, each once.
const nodeNames = z
  .array(nodeName)
  .min(1, "must name at least one node (or leave the key out)")
  .refine((names) => new Set(names).size === names.length, { message: "names a node twice" })
  .describe("list of node names");

/** The stack's top-level settings: the node labels it applies, and what spans components. */
export const stackSettings = {
  /** node -> labels the stack applies to that node (and removes when they leave the config); the DaemonSets follow them. */
  nodeLabels: setting(z.record(nodeName, labels).describe("map node → labels"), { default: {} }),
  /** The field manager the stack's label patches are made as (server-side apply): changing it while nodes carry the stack's labels is refused. */
  labelFieldManager: setting(
    z.string().min(1).max(128).regex(/^[A-Za-z0-9][-A-Za-z0-9_.:]*$/, "must be letters, digits and '-_.:'"),
    { default: nodeLabelsDefaults.fieldManager as string },
  ),
  /** node -> label keys of nodeLabels.<node> that the stack may take over from another field manager (else such a label is refused). */
  nodeLabelTakeover: setting(z.record(nodeName, z.array(labelKey)).describe("map node → label keys"), { default: {} }),
  /** How long `pulumi up` waits for each DaemonSet's rollout before failing. */
  rolloutTimeoutSeconds: setting(
    z.number().int("must be a whole number").min(30, "must be at least 30").max(86400, "must be at most 86400 (a day)"),
    { defaultDoc: "the provider's 600 s" },
  ),
};

/** The stack's own keys of `nodeExporter`, beside the component's settings. */
export const nodeExporterStackSettings = {
  /** Deploy node-exporter. */
  enabled: setting(z.boolean(), { default: true }),
};

/** The stack's own keys of `hdfs`, beside the cluster's settings. */
export const hdfsStackSettings = {
  /** Deploy HDFS. */
  enabled: setting(z.boolean(), { default: true }),
  /**
   * The NameNode's (and JournalNodes') selector labels are set by other means (node pools, another tool): the hosts
   * are the nodes that carry them, read from the cluster at preflight, or listed in nameNode.hosts / journalNode.hosts.
   */
  selectorLabelsManagedExternally: setting(z.boolean(), { default: false }),
  /** How the pods find the hosts HDFS's configuration names: `nodeAddresses` (their InternalIPs, read at preflight, as hostAliases) or `dns`. */
  hostResolution: setting(z.enum(["nodeAddresses", "dns"]), { default: "nodeAddresses" }),
};

/** The stack's own key of `hdfs.nameNode` and `hdfs.journalNode`. */
export const hdfsRoleHostsSettings = {
  /** With selectorLabelsManagedExternally: the role's hosts, in this order, instead of the nodes that carry its labels (they must agree). */
  hosts: setting(nodeNames),
};

// Each key: a component's settings and the stack's own beside them (the stack's with their defaults).
const roles = hdfsClusterRoleSettings;
const hosts = stackSettingsSchema(hdfsRoleHostsSettings).shape;
const hdfsConfig = settingsSchema(hdfsClusterSettings)
  .extend(stackSettingsSchema(hdfsStackSettings).shape)
  .extend({
    security: settingsSchema(hdfsSecuritySettings).prefault({}),
    nameNode: settingsSchema(roles.nameNode).extend(hosts).prefault({}),
    journalNode: settingsSchema(roles.journalNode).extend(hosts).prefault({}),
    dataNode: settingsSchema(roles.dataNode).prefault({}),
  });

export const stackConfigSchema = stackSettingsSchema(stackSettings).extend({
  nodeExporter: settingsSchema(nodeExporterSettings).extend(stackSettingsSchema(nodeExporterStackSettings).shape).prefault({}),
  hdfs: hdfsConfig.prefault({}),
});

/**
 * The keys that moved into `hdfs` (config.ts reads them there, with a deprecation warning): each old key and
 * where its keys are now. `hdfsNameNode` held the cluster's own keys too.
 */
export const movedHdfsKeys = {
  hdfsNameNode: { role: "nameNode", clusterKeys: [...Object.keys(settingsSchema(hdfsClusterSettings).shape), ...Object.keys(hdfsStackSettings)] },
  hdfsJournalNode: { role: "journalNode", clusterKeys: [] as string[] },
  hdfsDataNode: { role: "dataNode", clusterKeys: [] as string[] },
} as const;

export type StackConfig = z.output<typeof stackConfigSchema> & {
  /** Where a value given under a moved key was given: its path under `hdfs` (dotted) -> its path as given. */
  movedFrom: Record<string, PropertyKey[]>;
  /** One warning per moved key the config still uses. */
  deprecations: string[];
};
export type NodeExporterConfig = StackConfig["nodeExporter"];
export type HdfsConfig = StackConfig["hdfs"];
