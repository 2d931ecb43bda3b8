// What the cluster must look like before the stack changes anything, read before any resource is registered:
// - no namespace or cluster-scoped object the stack would create exists already unless this stack created it
//   (the provider's server-side-apply create would silently take it over, and `pulumi destroy` then delete it
//   with everything in it);
// - every node the config labels exists;
// - no label the stack applies is held by another field manager with another value (unless the config takes it
//   over on purpose), and the nodes' labels were not applied under another labelFieldManager.
// Every problem is reported at once, each with the config key to change.
import * as pulumi from "@pulumi/pulumi";
import { hdfsNamedHosts } from "../components/hadoopConfig";
import { HdfsClusterResolvedArgs, hdfsClusterObjects, hdfsClusterRoleVersions, hdfsClusterVersions, hdfsClusterWithDecommission, hdfsClusterWithHostAddresses, hdfsClusterWithNodes, hdfsClusterWithUpgrade, hdfsRunningRoles } from "../components/hdfsCluster";
import { hdfsSecretKeys, keytabProblem } from "../components/hdfsSecurity";
import { hdfsDataNodeDefaults } from "../components/hdfsDataNode";
import { decommissionJobName } from "../components/hdfsDecommission";
import { daemonSetUpgrading, rollingUpgradeJobName } from "../components/hdfsRollingUpgrade";
import { ClusterObjectRef, createdByStackAnnotation, matchesSelector, partOf } from "../components/labels";
import { labelFieldManagerAnnotation } from "../components/nodeLabels";
import { nodeExporterClusterObjects } from "../components/nodeExporter";
import { hdfsKeyPath } from "./config";
import { configKey, issueLine } from "./configErrors";
import type { StackConfig } from "./configSchema";
import { explicitHostIssues, hdfsSelectors, placeHdfs } from "./hdfsPlacement";
import type { StackPlan } from "./plan";
import type { NodeLabelMap } from "./topology";

/** The parts of an object the checks read. */
export interface ClusterObject {
  metadata: {
    name?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager?: string; operation?: string; fieldsV1?: any }[];
  };
  /** A Node's addresses; a Job's succeeded and failed pods; a DaemonSet's pods, all and on its current template. */
  status?: { addresses?: { type: string; address: string }[]; succeeded?: number; failed?: number; desiredNumberScheduled?: number; updatedNumberScheduled?: number };
  /** A Secret's data (base64 values, by key). */
  data?: Record<string, string>;
  /** A DaemonSet's update strategy and pod template (its labels, node selector and containers' images). */
  spec?: {
    updateStrategy?: { type?: string };
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { nodeSelector?: Record<string, string>; containers?: { image?: string }[] } };
  };
}

/** Reads objects from the Kubernetes API the stack deploys to (stacks/kubernetesApi.ts); undefined when there is no such object. */
export interface ApiReader {
  /** Where the objects are read from, for messages (e.g. the API server's URL). */
  readonly description: string;
  read(ref: ClusterObjectRef): Promise<ClusterObject | undefined>;
  /** The Nodes carrying every label of `selector`. */
  listNodes(selector: Record<string, string>): Promise<ClusterObject[]>;
}

/** An object the stack would create, with the config keys that decide it. */
interface PlannedObject extends ClusterObjectRef {
  /** The config key that names the object. */
  key: string;
  /** What to set instead of taking the existing object over. */
  advice: string;
}

/** The namespaces and cluster-scoped objects the plan's components create. */
export function plannedClusterObjects(plan: StackPlan, config: StackConfig): PlannedObject[] {
  const objects: PlannedObject[] = [];
  const add = (refs: ClusterObjectRef[], describe: (ref: ClusterObjectRef) => [PropertyKey[], string]) =>
    refs.forEach((ref) => {
      const [path, advice] = describe(ref);
      objects.push({ ...ref, key: configKey(path), advice });
    });
  const namespace = (namespaceKey: PropertyKey[], createKey: PropertyKey[]): [PropertyKey[], string] => [
    namespaceKey,
    `set ${configKey(createKey)} to false to deploy into the existing namespace (the stack then neither changes nor deletes it), or choose another namespace`,
  ];
  if (plan.nodeExporter) {
    add(nodeExporterClusterObjects(plan.nodeExporter), (ref) =>
      ref.kind === "Namespace" ? namespace(["nodeExporter", "namespace"], ["nodeExporter", "createNamespace"]) : [["nodeExporter", "name"], "give the component a name of its own"]);
  }
  if (plan.hdfs) {
    const hdfs = hdfsClusterObjects(plan.hdfs);
    const key = (...p: PropertyKey[]) => hdfsKeyPath(config, p);
    add(hdfs.cluster, () => namespace(key("namespace"), key("createNamespace")));
    for (const role of ["nameNode", "journalNode", "dataNode"] as const) {
      add(hdfs[role], (ref) => [key(role, "priorityClassName"), `set it to ${ref.name} to use the existing class, or ${configKey(key(role, "name"))} to a name of its own`]);
    }
  }
  return objects;
}

/**
 * Whether this stack created the object: it carries this stack's annotation, or (created before the annotation
 * existed) the project's part-of label and no annotation of another stack.
 */
export function createdByThisStack(object: ClusterObject, stack: string): boolean {
  const createdBy = object.metadata.annotations?.[createdByStackAnnotation];
  if (createdBy !== undefined) {
    return createdBy === stack;
  }
  return object.metadata.labels?.["app.kubernetes.io/part-of"] === partOf;
}

/** The field managers other than `except` that own label `key` of a node. */
export function labelOwners(node: ClusterObject, key: string, except: string): string[] {
  return (node.metadata.managedFields ?? [])
    .filter((entry) => entry.manager !== except && entry.fieldsV1?.["f:metadata"]?.["f:labels"]?.[`f:${key}`] !== undefined)
    .map((entry) => `${entry.manager ?? "(unnamed)"}${entry.operation ? ` (${entry.operation})` : ""}`);
}

/** What the cluster tells the plan besides its problems. */
export interface ClusterFacts {
  /**
   * With `hdfs.hostResolution: nodeAddresses`: the InternalIP of each host the HDFS configuration names
   * (NameNodes, JournalNodes), for the pods' hostAliases. Empty otherwise.
   */
  hdfsHostAddresses: Record<string, string>;
}

/** The hosts whose names HDFS's configuration holds: the NameNode hosts, and in HA the JournalNode hosts. */
function hdfsHostsToResolve(plan: StackPlan, hdfs: HdfsClusterResolvedArgs | undefined): string[] {
  if (!hdfs || plan.hdfsHostResolution !== "nodeAddresses") {
    return [];
  }
  return hdfsNamedHosts(hdfs.nameNodeHosts, hdfs.journalNodeHosts);
}

/**
 * With labels managed outside the stack: the HDFS cluster placed on the cluster's nodes that carry its roles'
 * labels (or on the hosts the config lists, which must carry them), or the problems of that placement.
 */
async function placeOnClusterNodes(plan: StackPlan, config: StackConfig, cluster: ApiReader): Promise<{ hdfs?: HdfsClusterResolvedArgs; problems: string[] }> {
  if (!plan.hdfs || plan.hdfsHostSource !== "cluster") {
    return { hdfs: plan.hdfs, problems: [] };
  }
  const selectors = hdfsSelectors(plan.hdfs);
  const nodes: NodeLabelMap = {};
  const distinct = [...new Map([selectors.nameNode, selectors.journalNode].map((s) => [JSON.stringify(s), s])).values()];
  const lists = await Promise.all(distinct.map((selector) => cluster.listNodes(selector)));
  for (const node of lists.flat()) {
    if (node.metadata.name) nodes[node.metadata.name] = node.metadata.labels ?? {};
  }
  const placed = placeHdfs(plan.hdfs, nodes, "cluster", config);
  const problems = [...explicitHostIssues(plan.hdfs, nodes, config), ...placed.issues].map(issueLine);
  return { hdfs: problems.length === 0 ? placed.hdfs : undefined, problems };
}

/**
 * Every problem the cluster's current state gives the plan (empty when the stack may go ahead), its facts, and
 * the HDFS cluster on its hosts (placed here when its labels are managed outside the stack).
 */
export async function preflightProblems(
  plan: StackPlan,
  config: StackConfig,
  cluster: ApiReader,
  stack: string,
): Promise<{ problems: string[]; facts: ClusterFacts; hdfs?: HdfsClusterResolvedArgs }> {
  const placement = await placeOnClusterNodes(plan, config, cluster);
  const hdfs = placement.hdfs;
  const planned = plannedClusterObjects({ ...plan, hdfs }, config);
  const nodes = Object.keys(plan.labelPlan);
  const hdfsHosts = hdfsHostsToResolve(plan, hdfs);
  const nodeNames = [...new Set([...nodes, ...hdfsHosts])];
  const [objects, readNodes] = await Promise.all([
    Promise.all(planned.map((ref) => cluster.read(ref))),
    Promise.all(nodeNames.map((name) => cluster.read({ apiVersion: "v1", kind: "Node", name }))),
  ]);
  const nodeObject = new Map(nodeNames.map((name, i) => [name, readNodes[i]]));
  const nodeObjects = nodes.map((name) => nodeObject.get(name));
  const problems: string[] = [...placement.problems];
  const facts: ClusterFacts = { hdfsHostAddresses: {} };
  hdfsHosts.forEach((name) => {
    const node = nodeObject.get(name);
    const address = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    if (address) {
      facts.hdfsHostAddresses[name] = address;
    } else if (node) {
      problems.push(
        `${configKey(hdfsKeyPath(config, ["hostResolution"]))}: node ${name} (an HDFS host) reports no InternalIP address, so its name ` +
          `cannot be given to the HDFS pods as a hostAlias: set it to dns if the cluster's DNS resolves node names`,
      );
    }
  });
  planned.forEach((ref, i) => {
    const existing = objects[i];
    if (existing && !createdByThisStack(existing, stack)) {
      const other = existing.metadata.annotations?.[createdByStackAnnotation];
      problems.push(
        `${ref.key}: ${ref.kind} "${ref.name}" already exists in the cluster and ${other ? `was created by stack ${other}` : "this stack did not create it"}; ` +
          `the stack will not take it over (pulumi destroy would delete it): ${ref.advice}`,
      );
    }
  });
  const managers = new Map<string, string[]>();
  nodes.forEach((name, i) => {
    const node = nodeObjects[i];
    if (!node) {
      problems.push(
        `${configKey(["nodeLabels", name])}: node ${name} is not in the cluster (${cluster.description}); ` +
          `it was deleted or never joined: remove it from nodeLabels, or bring the node back`,
      );
      return;
    }
    const previous = node.metadata.annotations?.[labelFieldManagerAnnotation];
    if (previous !== undefined && previous !== plan.labelFieldManager) {
      managers.set(previous, [...(managers.get(previous) ?? []), name]);
    }
    for (const [key, value] of Object.entries(plan.labelPlan[name])) {
      const current = node.metadata.labels?.[key];
      const owners = labelOwners(node, key, plan.labelFieldManager);
      if (current === undefined || current === value || owners.length === 0 || plan.labelTakeover[name]?.includes(key)) {
        continue;
      }
      problems.push(
        `${configKey(["nodeLabels", name, key])}: node ${name} already has ${key}=${current}, set by field manager ${owners.join(", ")}; ` +
          `the stack does not take a label over silently: remove or change it on the node, change the config, or take it over on purpose ` +
          `with pulumi config set --path 'nodeLabelTakeover.${name}[0]' '${key}'`,
      );
    }
  });
  for (const [previous, on] of managers) {
    problems.push(
      `${configKey(["labelFieldManager"])}: the labels on ${on.join(", ")} were applied under field manager "${previous}", not ` +
        `"${plan.labelFieldManager}"; under a second manager the first would keep owning them and they could never be removed: ` +
        `set labelFieldManager back to "${previous}", or remove the labels first (pulumi destroy, or an empty nodeLabels and pulumi up) and then change it`,
    );
  }
  problems.push(...(await hdfsSecretProblems(hdfs, config, cluster)));
  problems.push(...(await hdfsModeSwitchProblems(hdfs, config, cluster)));
  const decommission = await hdfsDecommissionFacts(hdfs, config, cluster);
  problems.push(...decommission.problems);
  const daemonSets = await deployedRoleDaemonSets(decommission.hdfs, cluster);
  problems.push(...(await undrainedDataNodeProblems(plan, decommission.hdfs, daemonSets, config, cluster)));
  return { problems, facts, hdfs: await withUpgradeFacts(await withClusterNodes(decommission.hdfs, plan, cluster), daemonSets, cluster) };
}

/** The HDFS roles' DaemonSets as deployed, by name (the DataNodes' by its default name too: they may be disabled now). */
async function deployedRoleDaemonSets(hdfs: HdfsClusterResolvedArgs | undefined, cluster: ApiReader): Promise<Map<string, ClusterObject | undefined>> {
  if (!hdfs) return new Map();
  const names = [...new Set([...hdfsClusterRoleVersions(hdfs).map((r) => r.name), hdfs.dataNode?.name ?? hdfsDataNodeDefaults.name])];
  const objects = await Promise.all(names.map((name) => cluster.read({ apiVersion: "apps/v1", kind: "DaemonSet", name, namespace: hdfs.namespace })));
  return new Map(names.map((name, i) => [name, objects[i]]));
}

/**
 * Whether a rolling upgrade is under way (a deployed DaemonSet of another version, or an OnDelete one with pods
 * still to replace) and, if the upgrade Job of this plan failed, its uid (the retry is a new Job).
 */
async function withUpgradeFacts(
  hdfs: HdfsClusterResolvedArgs | undefined,
  daemonSets: Map<string, ClusterObject | undefined>,
  cluster: ApiReader,
): Promise<HdfsClusterResolvedArgs | undefined> {
  if (!hdfs) return hdfs;
  const roles = hdfsClusterRoleVersions(hdfs);
  const inProgress = roles.some((r) => daemonSetUpgrading(daemonSets.get(r.name), r.version));
  const versions = hdfsClusterVersions(hdfs);
  const job = (finalize: boolean) => cluster.read({ apiVersion: "batch/v1", kind: "Job", name: rollingUpgradeJobName(hdfs.nameNode.name, versions, finalize), namespace: hdfs.namespace });
  // An upgrade to these versions that ran without finalizing: its Job, which the stack keeps until it is finalized.
  const unfinalized = !inProgress && ((await job(false))?.status?.succeeded ?? 0) > 0;
  const current = inProgress || unfinalized ? await job(hdfs.finalizeUpgrade) : undefined;
  const failed = (current?.status?.failed ?? 0) > 0 ? current?.metadata.uid : undefined;
  const dataNodes = hdfs.dataNode ? daemonSets.get(hdfs.dataNode.name)?.status?.desiredNumberScheduled : undefined;
  return hdfsClusterWithUpgrade(hdfs, {
    upgradeInProgress: inProgress,
    upgradeUnfinalized: unfinalized,
    ...(failed ? { upgradeRetryOf: failed } : {}),
    ...(dataNodes !== undefined ? { upgradeDataNodePods: dataNodes } : {}),
  });
}

/**
 * With rack labels: every node of the cluster, its InternalIP and its labels once the update has applied the
 * plan's (the NameNodes' rack map, components/hdfsRacks.ts).
 */
async function withClusterNodes(hdfs: HdfsClusterResolvedArgs | undefined, plan: StackPlan, cluster: ApiReader): Promise<HdfsClusterResolvedArgs | undefined> {
  if (!hdfs || hdfs.rackLabels.length === 0) return hdfs;
  const nodes = (await cluster.listNodes({})).map((n) => ({
    name: n.metadata.name ?? "",
    address: n.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "",
    labels: plannedLabels(n, plan),
  }));
  return hdfsClusterWithNodes(hdfs, nodes);
}

/** A node's labels once the update has applied the plan's: the stack's own labels replaced by the plan's. */
function plannedLabels(node: ClusterObject, plan: StackPlan): Record<string, string> {
  const name = node.metadata.name ?? "";
  const owned = new Set((node.metadata.managedFields ?? [])
    .filter((e) => e.manager === plan.labelFieldManager)
    .flatMap((e) => Object.keys(e.fieldsV1?.["f:metadata"]?.["f:labels"] ?? {}).map((k) => k.replace(/^f:/, ""))));
  const kept = Object.fromEntries(Object.entries(node.metadata.labels ?? {}).filter(([k]) => !owned.has(k)));
  return { ...kept, ...(plan.labelPlan[name] ?? {}) };
}

/**
 * A DataNode host the update takes out of the DataNodes' placement (a label the stack removes, another selector,
 * the DataNodes disabled) must have been decommissioned by an earlier update: in `hdfs.decommission`, with the
 * drain Job of the deployed list succeeded. Else its replicas would go with it (docs/runbooks.md, Drain a host),
 * unless `hdfs.deadDataNodeHosts` says it is dead already.
 */
async function undrainedDataNodeProblems(
  plan: StackPlan,
  hdfs: HdfsClusterResolvedArgs | undefined,
  daemonSets: Map<string, ClusterObject | undefined>,
  config: StackConfig,
  cluster: ApiReader,
): Promise<string[]> {
  if (!hdfs) return [];
  const name = hdfs.dataNode?.name ?? hdfsDataNodeDefaults.name;
  const deployed = daemonSets.get(name);
  const selector = deployed?.spec?.template?.spec?.nodeSelector;
  if (!deployed || !selector) return [];
  const planned = hdfs.dataNode?.nodeSelector;
  const hosts = await cluster.listNodes(selector);
  const leaving = hosts.filter((node) => !planned || !matchesSelector(plannedLabels(node, plan), planned));
  if (leaving.length === 0) return [];
  const addresses = hdfs.nameNode.deployedDecommissionAddresses ?? [];
  const job = await cluster.read({ apiVersion: "batch/v1", kind: "Job", name: decommissionJobName(hdfs.nameNode.name, addresses), namespace: hdfs.namespace });
  const drained = (job?.status?.succeeded ?? 0) > 0 ? addresses : [];
  const key = configKey(hdfsKeyPath(config, ["decommission"]));
  return leaving.flatMap((node) => {
    const host = node.metadata.name ?? "";
    const address = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
    if (hdfs.deadDataNodeHosts.includes(host) || (hdfs.decommission.includes(host) && drained.includes(address))) return [];
    return [`${key}: node ${host} runs a DataNode of ${hdfs.namespace}/${name} that this update takes out of its placement, but it is not decommissioned: ` +
      `its replicas would go with it. Drain it first: add it to ${key} and run pulumi up (it returns once the host is Decommissioned), then make this change ` +
      `(docs/runbooks.md, Drain a host); a host that is dead already: list it in ${configKey(hdfsKeyPath(config, ["deadDataNodeHosts"]))}`];
  });
}

/**
 * `hdfs.decommission`: the address each listed host's DataNode registers with (its node's InternalIP), and the
 * exclude list as deployed (the NameNodes' `<name>-exclude` ConfigMap), from which a change runs the drain.
 */
async function hdfsDecommissionFacts(hdfs: HdfsClusterResolvedArgs | undefined, config: StackConfig, cluster: ApiReader): Promise<{ hdfs?: HdfsClusterResolvedArgs; problems: string[] }> {
  if (!hdfs) return { hdfs, problems: [] };
  const [nodes, deployed] = await Promise.all([
    Promise.all(hdfs.decommission.map((name) => cluster.read({ apiVersion: "v1", kind: "Node", name }))),
    cluster.read({ apiVersion: "v1", kind: "ConfigMap", name: `${hdfs.nameNode.name}-exclude`, namespace: hdfs.namespace }),
  ]);
  const key = configKey(hdfsKeyPath(config, ["decommission"]));
  const problems: string[] = [];
  const addresses: Record<string, string> = {};
  hdfs.decommission.forEach((name, i) => {
    const address = nodes[i]?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    if (address) {
      addresses[name] = address;
    } else {
      problems.push(nodes[i]
        ? `${key}: node ${name} reports no InternalIP address, the address its DataNode registers with and the NameNodes exclude it by`
        : `${key}: node ${name} is not in the cluster (${cluster.description}): a DataNode host that is gone has nothing left to drain; remove it from the list`);
    }
  });
  const deployedAddresses = deployed ? (deployed.data?.exclude ?? "").split("\n").filter((l) => l.trim() !== "") : undefined;
  return { hdfs: hdfsClusterWithDecommission(hdfs, addresses, deployedAddresses), problems };
}

/** The security mode an HDFS role's ConfigMap (as deployed) runs with: its core-site.xml's authentication. */
export function deployedSecurityMode(configMap: ClusterObject | undefined): "kerberos" | "simple" | undefined {
  const coreSite = configMap?.data?.["core-site.xml"];
  if (coreSite === undefined) return undefined;
  return /<name>hadoop\.security\.authentication<\/name>\s*<value>kerberos<\/value>/.test(coreSite) ? "kerberos" : "simple";
}

/**
 * A running HDFS is never switched between simple and Kerberos mode by the program's default: when the config
 * does not set `hdfs.security.mode` and the NameNode's deployed configuration runs in the other mode, the stack
 * must choose (Hadoop needs every daemon restarted, with keys, for the switch: docs/hdfs.md, "Switching modes").
 */
async function hdfsModeSwitchProblems(hdfs: HdfsClusterResolvedArgs | undefined, config: StackConfig, cluster: ApiReader): Promise<string[]> {
  if (!hdfs || config.hdfs.security.mode !== undefined) return [];
  const deployed = deployedSecurityMode(await cluster.read({ apiVersion: "v1", kind: "ConfigMap", name: `${hdfs.nameNode.name}-config`, namespace: hdfs.namespace }));
  const planned = hdfs.security.mode;
  if (deployed === undefined || deployed === planned) return [];
  return [
    `${configKey(hdfsKeyPath(config, ["security", "mode"]))}: the HDFS this stack runs (${hdfs.namespace}/${hdfs.nameNode.name}) is in ${deployed} mode, ` +
      `but the config leaves the mode to the program, whose default is ${planned}; the stack does not switch a running HDFS silently ` +
      `(every daemon restarts, clients need tickets): set it to ${deployed} to keep it as it is, or to ${planned} to switch ` +
      `(docs/hdfs.md, "Switching modes")`,
  ];
}

/**
 * In Kerberos mode, the existing Secrets the roles name (`keytabSecretName`, `tlsSecretName`): each must exist in
 * the namespace with its keys, and a keytab must hold the role's principals (components/hdfsSecurity.ts).
 */
async function hdfsSecretProblems(hdfs: HdfsClusterResolvedArgs | undefined, config: StackConfig, cluster: ApiReader): Promise<string[]> {
  if (!hdfs || hdfs.security.mode !== "kerberos") return [];
  const wanted = hdfsRunningRoles(hdfs).flatMap(({ key: r, args: role, principals }) => [
    ...(role.keytabSecretName ? [{ key: [r, "keytabSecretName"], name: role.keytabSecretName, keys: [hdfsSecretKeys.keytab], required: principals }] : []),
    ...(role.tlsSecretName ? [{ key: [r, "tlsSecretName"], name: role.tlsSecretName, keys: [hdfsSecretKeys.keystore, hdfsSecretKeys.truststore, hdfsSecretKeys.password], required: undefined }] : []),
  ]);
  const secrets = await Promise.all(wanted.map((w) => cluster.read({ apiVersion: "v1", kind: "Secret", name: w.name, namespace: hdfs.namespace })));
  return wanted.flatMap((w, i) => {
    const key = configKey(hdfsKeyPath(config, w.key));
    const secret = secrets[i];
    if (!secret) {
      return [`${key}: Secret ${hdfs.namespace}/${w.name} does not exist in the cluster (${cluster.description}); create it with ${w.keys.join(", ")}` +
        (hdfs.createNamespace ? `, or give the material inline (the namespace is created by this stack)` : "")];
    }
    const missing = w.keys.filter((k) => secret.data?.[k] === undefined);
    if (missing.length > 0) return [`${key}: Secret ${hdfs.namespace}/${w.name} has no ${missing.join(", ")}`];
    const problem = w.required ? keytabProblem(secret.data![hdfsSecretKeys.keytab], w.required) : undefined;
    return problem ? [`${key}: Secret ${hdfs.namespace}/${w.name}, key ${hdfsSecretKeys.keytab}: ${problem}`] : [];
  });
}

/** The error a stack fails with when the cluster is not as the plan needs it: every problem, no stack trace. */
export class PreflightError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(
      `The cluster is not as this stack needs it (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was changed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "PreflightError";
  }
}

/**
 * Checks the cluster; throws PreflightError listing every problem before anything is registered. Returns the
 * plan with what the cluster told it (the HDFS hosts, where its labels are managed outside the stack, and their
 * addresses).
 */
export async function preflight(plan: StackPlan, config: StackConfig, cluster: ApiReader, stack: string): Promise<StackPlan> {
  const { problems, facts, hdfs } = await preflightProblems(plan, config, cluster, stack);
  if (problems.length > 0) {
    throw new PreflightError(problems);
  }
  if (!hdfs || Object.keys(facts.hdfsHostAddresses).length === 0) {
    return { ...plan, hdfs };
  }
  return { ...plan, hdfs: hdfsClusterWithHostAddresses(hdfs, facts.hdfsHostAddresses) };
}
