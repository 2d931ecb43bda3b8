// Helpers for tests that run against the local cluster started by scripts/cluster.sh.
// kubectl always gets the project's own kubeconfig ($STATE_DIR/kubeconfig), never an inherited KUBECONFIG.
import * as path from "node:path";
import type { Options, Result } from "execa";

export const repoRoot = process.env.REPO_ROOT ?? process.cwd();
export const stateDir = process.env.STATE_DIR ?? process.env.DAEMONSETS_STATE_DIR ?? path.join(repoRoot, ".state");
export const kubeconfig = path.join(stateDir, "kubeconfig");
/** How many nodes `cluster.sh up` created (node-1 … node-N). */
export const nodeCount = Number(process.env.NODES ?? "10");

export interface Condition {
  type: string;
  status: string;
}
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}
export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid: string }[];
}
export interface Node {
  metadata: Metadata;
  spec: { taints?: Taint[]; unschedulable?: boolean };
  status: {
    conditions?: Condition[];
    addresses?: { type: string; address: string }[];
    allocatable?: Record<string, string>;
  };
}
export interface Pod {
  metadata: Metadata;
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status: {
    phase?: string;
    conditions?: Condition[];
    podIP?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}
/** A container's state, as the kubelet reports it. */
export interface ContainerState {
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason?: string; message?: string };
  waiting?: { reason?: string; message?: string };
}
export interface ContainerStatus {
  name: string;
  /** The image the runtime runs (as the kubelet reports it). */
  image: string;
  ready: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
export interface DaemonSet {
  metadata: Metadata;
  status?: {
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    updatedNumberScheduled?: number;
    observedGeneration?: number;
  };
}
interface List<T> {
  items: T[];
}

// execa is ESM-only and this project compiles to CommonJS, where Node 20 cannot require() it: load it with a
// dynamic import (which tsx keeps as a real import()).
let execaModule: Promise<typeof import("execa")> | undefined;

/** Runs a command with execa; never rejects on a non-zero exit (look at exitCode), unless `reject` is set. */
export async function run(file: string, args: string[] = [], options: Options = {}): Promise<Result> {
  const { execa } = await (execaModule ??= import("execa"));
  return (await execa(file, args, { reject: false, ...options })) as Result;
}

/** Runs a command and returns its stdout; throws with the command line and its output when it fails. */
export async function runOk(file: string, args: string[] = [], options: Options = {}): Promise<string> {
  const result = await run(file, args, { all: true, ...options });
  if (result.exitCode !== 0 || result.failed) {
    const why = result.exitCode !== undefined ? `exit ${result.exitCode}` : result.shortMessage;
    throw new Error(`${file} ${args.join(" ")} failed (${why}):\n${String(result.all ?? result.stderr)}`);
  }
  return String(result.stdout);
}

/** Runs kubectl against the local cluster; returns stdout, throws with the command and stderr on failure. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  return runOk("kubectl", ["--kubeconfig", kubeconfig, "--request-timeout=20s", ...args], input ? { input } : {});
}

/** `kubectl <args> -o json`, parsed. */
export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, "-o", "json"])) as T;
}

/** `kubectl apply -f -` of one object or a list of objects (as JSON). */
export async function kubectlApply(objects: object | object[]): Promise<string> {
  const items = Array.isArray(objects) ? objects : [objects];
  return kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
}

export async function getNodes(): Promise<Node[]> {
  return (await kubectlJson<List<Node>>(["get", "nodes"])).items;
}

/** Pods in a namespace, optionally filtered by a label selector ("app=x"). */
export async function getPods(namespace: string, selector?: string): Promise<Pod[]> {
  const args = ["get", "pods", "-n", namespace];
  if (selector) args.push("-l", selector);
  return (await kubectlJson<List<Pod>>(args)).items;
}

/** A DaemonSet, or undefined if it does not exist. */
export async function getDaemonSet(namespace: string, name: string): Promise<DaemonSet | undefined> {
  const items = (await kubectlJson<List<DaemonSet>>(["get", "daemonsets", "-n", namespace, "--field-selector", `metadata.name=${name}`])).items;
  return items[0];
}

export function isNodeReady(node: Node): boolean {
  return node.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Running, Ready and not being deleted. */
export function isPodRunning(pod: Pod): boolean {
  return (
    pod.status.phase === "Running" &&
    !pod.metadata.deletionTimestamp &&
    (pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false)
  );
}

/** node-1 … node-n */
export function expectedNodeNames(n: number = nodeCount): string[] {
  return Array.from({ length: n }, (_, i) => `node-${i + 1}`);
}

/** node -> the live (not terminating) pods of a namespace matching a label selector, on that node. */
export async function livePodsByNode(namespace: string, selector: string): Promise<Map<string, Pod[]>> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of await getPods(namespace, selector)) {
    if (pod.metadata.deletionTimestamp) continue;
    const node = pod.spec.nodeName ?? "<unscheduled>";
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

/** Node name -> how many of the given pods are bound to it. */
export function podsPerNode(pods: Pod[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec.nodeName ?? "<unscheduled>";
    counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  return counts;
}

/**
 * Polls `probe` until it returns something other than undefined/false (which is returned), or throws when
 * `timeoutMs` has passed. Errors thrown by the probe count as "not yet"; the last one (or the `describe` of the
 * last value) is part of the timeout message.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  options: { intervalMs?: number; what?: string; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const { intervalMs = 250, what = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      let detail = lastError instanceof Error ? lastError.message : lastError !== undefined ? String(lastError) : "";
      if (options.describe) {
        try {
          detail += (detail ? "; " : "") + (await options.describe());
        } catch (err) {
          detail += ` (describe failed: ${err instanceof Error ? err.message : String(err)})`;
        }
      }
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${detail ? `: ${detail}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Runs scripts/cluster.sh (add-node NAME, remove-node NAME, status, …); throws with its output on failure. */
export async function clusterScript(args: string[]): Promise<string> {
  return runOk(path.join(repoRoot, "scripts", "cluster.sh"), args);
}

// ---- real nodes (scripts/cluster.sh with REAL_NODES > 0) ----

/** How many real nodes `cluster.sh up` started (REAL_NODES). */
export const realNodeCount = Number(process.env.REAL_NODES ?? "0");
export const realNodesDir = path.join(stateDir, "real-nodes");
/** The bridge the real nodes' (and the KDC's) network namespaces hang on (scripts/real-nodes.sh, REAL_BRIDGE). */
export const realBridge = "k8sds-br0";

export interface RealNode {
  name: string;
  ip: string;
  /** The process holding the node's mount and UTS namespaces (scripts/real-node-init.sh). */
  holderPid: number;
  /** Its network namespace (`ip netns`). */
  netns: string;
}

/** The real nodes now registered (label type=real), with their address and namespaces. */
export async function getRealNodes(): Promise<RealNode[]> {
  const fs = await import("node:fs");
  const nodes = (await kubectlJson<List<Node>>(["get", "nodes", "-l", "type=real"])).items;
  return nodes
    .map((n) => {
      const name = n.metadata.name;
      const ip = n.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
      const pidFile = path.join(realNodesDir, name, "pids", "init.pid");
      const holderPid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").trim()) : 0;
      return { name, ip, holderPid, netns: `k8s-daemonsets-${name}` };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}

/** Runs a command in a real node's mount and network namespaces (as the node's own processes see them). */
export async function inRealNode(node: RealNode, file: string, args: string[]): Promise<string> {
  return runOk("nsenter", [`--mount=/proc/${node.holderPid}/ns/mnt`, `--net=/run/netns/${node.netns}`, "--", file, ...args]);
}
