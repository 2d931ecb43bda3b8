// The benchmark's cluster: a fresh one per size (scripts/cluster.sh), the apiserver's request counters, and
// waiting for the program's objects to roll out or to be gone.
import * as path from "node:path";
import { kubectl, run, sleep } from "./process";
import { daemonSets, repoRoot } from "./settings";

export type Counters = Map<string, number>; // "verb resource subresource" -> count

export async function apiCounters(): Promise<Counters> {
  const text = (await kubectl(["get", "--raw", "/metrics"])).stdout;
  const counters: Counters = new Map();
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    const key = `${labels.verb} ${labels.resource} ${labels.subresource ?? ""}`;
    counters.set(key, (counters.get(key) ?? 0) + value);
  }
  return counters;
}

/** The objects the program writes, outside their status: what the tools themselves request (plus a few
 * controller requests, e.g. a new namespace's default ServiceAccount and kube-root-ca.crt ConfigMap). */
const ownResources = new Set(["nodes", "namespaces", "priorityclasses", "configmaps", "serviceaccounts", "services", "daemonsets"]);

export function apiDelta(before: Counters, after: Counters): { total: number; own: number; ownByVerb: Record<string, number>; ownByKey: Record<string, number> } {
  let total = 0;
  let own = 0;
  const ownByVerb: Record<string, number> = {};
  const ownByKey: Record<string, number> = {};
  for (const [key, v] of after) {
    const d = v - (before.get(key) ?? 0);
    if (d <= 0) continue;
    total += d;
    const [verb, resource, subresource] = key.split(" ");
    if (ownResources.has(resource) && !subresource && verb !== "WATCH") {
      own += d;
      ownByVerb[verb] = (ownByVerb[verb] ?? 0) + d;
      ownByKey[`${verb} ${resource}`] = (ownByKey[`${verb} ${resource}`] ?? 0) + d;
    }
  }
  return { total, own, ownByVerb, ownByKey };
}

export async function stopCluster(): Promise<void> {
  await run(path.join(repoRoot, "scripts/cluster.sh"), ["down"], { allowFailure: true });
}

/** A fresh cluster of n nodes (all kwok unless env sets REAL_NODES); returns the seconds it took. */
export async function clusterUp(n: number, env: NodeJS.ProcessEnv = { REAL_NODES: "0" }): Promise<number> {
  const start = Date.now();
  await run(path.join(repoRoot, "scripts/cluster.sh"), ["down"]);
  // cluster.sh up returns when all n nodes are Ready
  await run(path.join(repoRoot, "scripts/cluster.sh"), ["up", "--nodes", String(n)], { env });
  return (Date.now() - start) / 1000;
}

/** Waits until the program's namespaces (and so their pods) are gone and no node carries the program's labels. */
export async function waitClean(): Promise<number> {
  const start = Date.now();
  const deadline = Date.now() + 900_000;
  for (;;) {
    const ns = (await kubectl(["get", "namespaces", "-o", "name"])).stdout;
    const pods = (await kubectl(["get", "pods", "-A", "--no-headers", "-o", "name"], { allowFailure: true })).stdout.trim();
    const labelled = (await kubectl(["get", "nodes", "-l", "host", "-o", "name"])).stdout.trim();
    if (!/namespace\/(monitoring|hdfs)$/m.test(ns) && !pods && !labelled) break;
    if (Date.now() > deadline) throw new Error(`cluster not clean after 900s: ${ns} ${pods.split("\n").length} pods`);
    await sleep(500);
  }
  return (Date.now() - start) / 1000;
}

export async function rolledOut(): Promise<boolean> {
  for (const [ns, name] of daemonSets) {
    const r = await kubectl(["rollout", "status", "-n", ns, `daemonset/${name}`, "--timeout=1s"], { allowFailure: true });
    if (r.code !== 0) return false;
  }
  return true;
}
