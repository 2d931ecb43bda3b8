// Real-node figures: on a fresh cluster of 10 nodes with BENCH_REAL_NODES of them real (a real kubelet,
// containerd and runc each, scripts/real-nodes.sh), per run
//   - seconds from the start of `pulumi up` until every real node serves http://<node IP>:9100/metrics, and
//     until `pulumi up` returned (the provider waits for the rollout), with the peak RSS of pulumi's process tree;
// and after the last run's rollout, per real node, the resident memory (VmRSS) of its kubelet and containerd and
// the usage of its `system` memory cgroup (kubelet, containerd, the shims, the namespace holder; page cache
// included). The stack is the dev stack's node-exporter with HDFS off: this measures the exporter reaching
// every real node, not Hadoop's start (test/e2e/real-hdfs.test.ts times that). Runs after the first find the
// images already unpacked on the nodes, as any later `pulumi up` does.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { clusterUp, stopCluster, waitClean } from "./cluster";
import { programCommit, stat, Stat, writeConfigYaml } from "./measure";
import { kubectl, log, run, RunResult, sleep } from "./process";
import { realNodes, repoRoot, runs, stackName } from "./settings";

const nodes = 10;
/** How long the exporter may take to serve on every real node before the run fails. */
const metricsDeadlineMs = 300_000;

export interface RealNodeMemory {
  node: string;
  kubeletMiB: number;
  containerdMiB: number;
  /** memory.usage_in_bytes of the node's `system` cgroup: kubelet, containerd, shims, page cache */
  systemCgroupMiB: number;
}

export interface RealNodesResult {
  startedAt: string;
  commit: string;
  command: string;
  nodes: number;
  realNodes: number;
  runs: number;
  clusterUpSeconds: number;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  samples: { untilMetrics: number[]; pulumiUp: number[]; rssUp: number[] };
  memory: RealNodeMemory[];
}

/** The dev stack's labelled hosts (node-2/5/8, the real ones), node-exporter only. */
const config = {
  nodeLabels: { "node-2": { host: "high-cpu" }, "node-5": { host: "high-cpu" }, "node-8": { host: "high-cpu" } },
  hdfs: { enabled: false },
};

async function realNodeAddresses(): Promise<Map<string, string>> {
  const list = JSON.parse((await kubectl(["get", "nodes", "-l", "type=real", "-o", "json"])).stdout);
  const addresses = new Map<string, string>();
  for (const n of list.items) {
    const ip = n.status.addresses.find((a: { type: string }) => a.type === "InternalIP")?.address;
    if (ip) addresses.set(n.metadata.name, ip);
  }
  return addresses;
}

async function serves(ip: string): Promise<boolean> {
  try {
    const r = await fetch(`http://${ip}:9100/metrics`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

/**
 * Starts `pulumi up`; resolves with the seconds until every address serves /metrics and pulumi's own result. Past
 * the deadline the `pulumi up` is stopped (SIGTERM) before the error, so nothing runs on while the stack is removed.
 */
async function upUntilServed(ips: string[], configYaml: string): Promise<{ untilMetrics: number; up: RunResult }> {
  const start = Date.now();
  const abort = new AbortController();
  const up = run("pulumi", ["up", "--stack", stackName, "--yes", "--skip-preview", "--non-interactive", "--config-file", configYaml], { sampleRss: true, signal: abort.signal });
  let failed: unknown;
  up.catch((e) => (failed = e));
  let untilMetrics: number | undefined;
  while (untilMetrics === undefined) {
    if (failed) throw failed;
    const ok = await Promise.all(ips.map(serves));
    if (ok.every(Boolean)) untilMetrics = (Date.now() - start) / 1000;
    else if (Date.now() - start > metricsDeadlineMs) {
      abort.abort();
      await up.catch(() => undefined);
      throw new Error(`real nodes ${ips.filter((_, i) => !ok[i]).join(", ")}: no /metrics within ${metricsDeadlineMs / 1000}s of pulumi up's start`);
    } else await sleep(200);
  }
  return { untilMetrics, up: await up };
}

const vmRssMiB = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** Each real node's kubelet and containerd and its `system` memory cgroup, as scripts/real-nodes.sh keeps them. */
async function realNodesMemory(): Promise<RealNodeMemory[]> {
  const lines = (await run(path.join(repoRoot, "scripts/cluster.sh"), ["real-node-processes"])).stdout.trim().split("\n").filter(Boolean);
  return lines.map((line) => {
    const [node, kubelet, containerd, systemCgroup] = line.split(" ");
    if ([kubelet, containerd, systemCgroup].includes("-")) throw new Error(`real node ${node}: kubelet, containerd or its memory cgroup is missing (${line})`);
    const usage = Number(fs.readFileSync(path.join(systemCgroup, "memory.usage_in_bytes"), "utf8"));
    return { node, kubeletMiB: vmRssMiB(Number(kubelet)), containerdMiB: vmRssMiB(Number(containerd)), systemCgroupMiB: usage / 2 ** 20 };
  }).sort((a, b) => a.node.localeCompare(b.node));
}

export async function benchRealNodes(): Promise<RealNodesResult> {
  const startedAt = new Date().toISOString();
  const commit = await programCommit();
  const loadAvgBefore = os.loadavg();
  log(`real nodes: starting a fresh cluster of ${nodes} nodes, ${realNodes} real`);
  const clusterUpSeconds = await clusterUp(nodes, { REAL_NODES: String(realNodes) });
  const samples: RealNodesResult["samples"] = { untilMetrics: [], pulumiUp: [], rssUp: [] };
  let memory: RealNodeMemory[] = [];
  try {
    const addresses = await realNodeAddresses();
    if (addresses.size !== realNodes) throw new Error(`expected ${realNodes} real nodes, the cluster has ${addresses.size}`);
    const configYaml = writeConfigYaml(nodes, config);
    await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { allowFailure: true });
    await run("pulumi", ["stack", "init", stackName, "--secrets-provider", "passphrase", "--non-interactive"]);
    try {
      for (let r = 1; r <= runs; r++) {
        log(`real nodes run ${r}/${runs}: pulumi up until ${[...addresses.values()].join(", ")} serve /metrics`);
        const { untilMetrics, up } = await upUntilServed([...addresses.values()], configYaml);
        samples.untilMetrics.push(untilMetrics);
        samples.pulumiUp.push(up.seconds);
        samples.rssUp.push(up.peakRssMiB!);
        log(`real nodes run ${r}: every real node serves /metrics after ${untilMetrics.toFixed(1)}s, pulumi up ${up.seconds.toFixed(1)}s`);
        if (r === runs) memory = await realNodesMemory();
        await run("pulumi", ["destroy", "--stack", stackName, "--yes", "--skip-preview", "--non-interactive"]);
        await waitClean();
      }
    } finally {
      await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { allowFailure: true });
    }
  } finally {
    log("real nodes: stopping the cluster");
    await stopCluster();
  }
  return {
    startedAt, commit, nodes, realNodes, runs, clusterUpSeconds, loadAvgBefore, loadAvgAfter: os.loadavg(), samples, memory,
    command: `BENCH_MODE=real-nodes BENCH_REAL_NODES=${realNodes} BENCH_RUNS=${runs}${process.env.BENCH_OUT ? ` BENCH_OUT=${process.env.BENCH_OUT}` : ""} make bench`,
  };
}

/** Median (min–max) over the runs of each figure, and the memory per real node. */
export function realNodesTable(r: RealNodesResult): string {
  const f = (s: Stat, unit: string) => `${s.median.toFixed(1)} ${unit} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
  let md = `| figure (median (min–max) of ${r.runs} runs) | value |\n|---|---|\n`;
  md += `| \`pulumi up\` start → every real node serves \`/metrics\` | ${f(stat(r.samples.untilMetrics), "s")} |\n`;
  md += `| \`pulumi up\` until it returned (rollout included) | ${f(stat(r.samples.pulumiUp), "s")} |\n`;
  md += `| peak RSS of pulumi's process tree during \`pulumi up\` | ${f(stat(r.samples.rssUp), "MiB")} |\n`;
  md += `| \`cluster.sh up\` (${r.nodes} nodes, ${r.realNodes} real, until all Ready) | ${r.clusterUpSeconds.toFixed(1)} s |\n\n`;
  md += "| real node (after the last run's rollout) | kubelet RSS | containerd RSS | kubelet + containerd | `system` cgroup (shims, page cache) |\n|---|---|---|---|---|\n";
  for (const m of r.memory) {
    md += `| ${m.node} | ${m.kubeletMiB.toFixed(0)} MiB | ${m.containerdMiB.toFixed(0)} MiB | ${(m.kubeletMiB + m.containerdMiB).toFixed(0)} MiB | ${m.systemCgroupMiB.toFixed(0)} MiB |\n`;
  }
  return md;
}
