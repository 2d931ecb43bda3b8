// How long draining a DataNode host takes per GiB it holds (BENCH_MODE=hdfs-decommission). Per size in
// BENCH_DECOMMISSION_GIB (GiB written, default "1.5 3"): a fresh cluster of 10 nodes, 4 of them real (node-2,
// node-3, node-5, node-8); a standalone NameNode on node-2 and a DataNode on each real node (replication 3, simple
// mode: the wire protection's cost is the hdfs-protection benchmark's); that many GiB of random bytes written from
// node-2 in files of 512 MiB; then `hdfs.decommission: [node-3]` and `pulumi up`, which returns when the NameNode
// reports node-3 Decommissioned (components/hdfsDecommission.ts). Measured: what node-3 held (its "DFS Used" in
// `dfsadmin -report`), the `pulumi up`'s wall time, and the NameNode's own count of blocks left to replicate.
// Hadoop's replication settings are its defaults; the NameNode checks a decommission's progress every 3 s
// (`dfs.namenode.decommission.interval`, Hadoop's default 30 s, which adds up to 30 s to any drain whatever its
// size). The seconds per GiB are the slope between the sizes (the fixed part, the `pulumi up` itself, cancels).
import * as os from "node:os";
import { clusterUp, stopCluster, waitClean } from "./cluster";
import { programCommit, standaloneHdfsStack, writeConfigYaml } from "./measure";
import { kubectl, log, run, sleep } from "./process";
import { stackName } from "./settings";

const nodes = 10;
const realHosts = ["node-2", "node-3", "node-5", "node-8"];
const drained = "node-3";
const fileMiB = 512;

export const decommissionSizes = (process.env.BENCH_DECOMMISSION_GIB ?? "1.5 3").split(/[\s,]+/).filter(Boolean).map((s) => {
  const gib = Number(s);
  if (!(gib > 0 && gib <= 16 && Number.isInteger((gib * 1024) / fileMiB))) {
    throw new Error(`BENCH_DECOMMISSION_GIB: each size must be a multiple of ${fileMiB / 1024} GiB up to 16, got '${s}'`);
  }
  return gib;
});

export interface HdfsDecommissionRun {
  writtenGiB: number;
  /** the drained host's DFS Used before the drain */
  heldGiB: number;
  /** `pulumi up` with node-3 in hdfs.decommission, until it returned */
  upSeconds: number;
  /** `hdfs fsck /` after it: HEALTHY, under-replicated and missing blocks */
  fsck: { healthy: boolean; underReplicated: number; missing: number };
}

export interface HdfsDecommissionResult {
  startedAt: string;
  commit: string;
  command: string;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  runs: HdfsDecommissionRun[];
}

function stackConfig(decommission: string[]): Record<string, unknown> {
  return standaloneHdfsStack({ security: { mode: "simple" }, decommission, hdfsSite: { "dfs.namenode.decommission.interval": "3" } });
}

/** A shell in the NameNode's container on node-2. */
async function inNameNode(script: string): Promise<string> {
  const pods = JSON.parse((await kubectl(["get", "pods", "-n", "hdfs", "-l", "app.kubernetes.io/name=hdfs-namenode", "-o", "json"])).stdout).items;
  const pod = pods.find((p: any) => p.spec.nodeName === "node-2" && !p.metadata.deletionTimestamp);
  if (!pod) throw new Error("no NameNode pod on node-2");
  const r = await run("kubectl", ["exec", "-n", "hdfs", pod.metadata.name, "-c", "namenode", "--", "bash", "-c",
    `export HADOOP_CLIENT_OPTS=-Xmx128m; ${script}`], { allowFailure: true });
  if (r.code !== 0) throw new Error(`namenode on node-2: ${script}: exit ${r.code}: ${r.stderr.trim().split("\n").slice(-5).join(" | ")}`);
  return r.stdout;
}

/** The DFS Used of the DataNode at `ip`, in GiB, from `dfsadmin -report`. */
export function dfsUsedGiB(report: string, ip: string): number {
  const section = report.split(/^Name: /m).find((s) => s.startsWith(`${ip}:`));
  const used = section && /^DFS Used: (\d+) /m.exec(section)?.[1];
  if (!used) throw new Error(`no DataNode ${ip} with a DFS Used in the report:\n${report.slice(0, 2000)}`);
  return Number(used) / 2 ** 30;
}

async function pulumiUp(configYaml: string): Promise<number> {
  const start = Date.now();
  await run("pulumi", ["up", "--stack", stackName, "--yes", "--skip-preview", "--non-interactive", "--config-file", configYaml]);
  return (Date.now() - start) / 1000;
}

async function oneSize(writtenGiB: number): Promise<HdfsDecommissionRun> {
  log(`hdfs decommission ${writtenGiB} GiB: a fresh cluster of ${nodes} nodes, ${realHosts.length} real`);
  await clusterUp(nodes, { REAL_NODES: String(realHosts.length) });
  const ip = JSON.parse((await kubectl(["get", "node", drained, "-o", "json"])).stdout).status.addresses
    .find((a: any) => a.type === "InternalIP").address as string;
  await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { allowFailure: true });
  await run("pulumi", ["stack", "init", stackName, "--non-interactive"]);
  try {
    await pulumiUp(writeConfigYaml(nodes, stackConfig([])));
    const live = (await inNameNode("hdfs dfsadmin -report -live | grep -c '^Name:'")).trim();
    if (live !== String(realHosts.length)) throw new Error(`${live} live DataNodes when pulumi up returned, expected ${realHosts.length}`);
    const files = (writtenGiB * 1024) / fileMiB;
    log(`hdfs decommission ${writtenGiB} GiB: writing ${files} files of ${fileMiB} MiB from node-2`);
    await inNameNode(`set -e; head -c ${fileMiB * 2 ** 20} /dev/urandom > /tmp/bench; hdfs dfs -mkdir -p /bench; ` +
      `for i in $(seq 1 ${files}); do hdfs dfs -put -f /tmp/bench /bench/f$i; done; rm /tmp/bench`);
    await sleep(10_000); // (the report is the DataNodes' last heartbeats, every 3 s)
    const heldGiB = dfsUsedGiB(await inNameNode("hdfs dfsadmin -report"), ip);
    log(`hdfs decommission ${writtenGiB} GiB: ${drained} holds ${heldGiB.toFixed(2)} GiB; draining it`);
    const upSeconds = await pulumiUp(writeConfigYaml(nodes, stackConfig([drained])));
    const decommissioned = await inNameNode("hdfs dfsadmin -report -decommissioned");
    if (!decommissioned.includes(`${ip}:`)) throw new Error(`pulumi up returned, but ${drained} is not Decommissioned:\n${decommissioned}`);
    const fsckOut = await inNameNode("hdfs fsck / 2>/dev/null || true");
    const count = (re: RegExp) => Number(re.exec(fsckOut)?.[1] ?? NaN);
    const fsck = { healthy: /is HEALTHY/.test(fsckOut), underReplicated: count(/Under-replicated blocks:\s+(\d+)/), missing: count(/Missing blocks:\s+(\d+)/) };
    log(`hdfs decommission ${writtenGiB} GiB: pulumi up ${upSeconds.toFixed(1)} s; fsck ${fsck.healthy ? "HEALTHY" : "NOT healthy"}, ${fsck.underReplicated} under-replicated, ${fsck.missing} missing`);
    await run("pulumi", ["destroy", "--stack", stackName, "--yes", "--skip-preview", "--non-interactive"]);
    await waitClean();
    return { writtenGiB, heldGiB, upSeconds, fsck };
  } finally {
    await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { allowFailure: true });
    log("hdfs decommission: stopping the cluster");
    await stopCluster();
  }
}

export async function benchHdfsDecommission(): Promise<HdfsDecommissionResult> {
  const startedAt = new Date().toISOString();
  const commit = await programCommit();
  const loadAvgBefore = os.loadavg();
  const runs: HdfsDecommissionRun[] = [];
  for (const gib of decommissionSizes) runs.push(await oneSize(gib));
  return {
    startedAt, commit, loadAvgBefore, loadAvgAfter: os.loadavg(), runs,
    command: `BENCH_MODE=hdfs-decommission BENCH_DECOMMISSION_GIB="${decommissionSizes.join(" ")}" make bench`,
  };
}

/** Per size: what node-3 held, the drain's `pulumi up`, fsck after it; then the seconds per GiB (the slope). */
export function hdfsDecommissionTable(r: HdfsDecommissionResult): string {
  let md = "| written (replication 3) | held by node-3 | `pulumi up` until Decommissioned | `fsck /` after |\n|---|---|---|---|\n";
  for (const x of r.runs) {
    md += `| ${x.writtenGiB} GiB | ${x.heldGiB.toFixed(2)} GiB | ${x.upSeconds.toFixed(1)} s | ${x.fsck.healthy ? "HEALTHY" : "**not healthy**"}, ${x.fsck.underReplicated} under-replicated, ${x.fsck.missing} missing |\n`;
  }
  const sorted = [...r.runs].sort((a, b) => a.heldGiB - b.heldGiB);
  if (sorted.length >= 2) {
    const [a, b] = [sorted[0], sorted[sorted.length - 1]];
    const slope = (b.upSeconds - a.upSeconds) / (b.heldGiB - a.heldGiB);
    md += `\nPer GiB held by the drained host: **${slope.toFixed(1)} s** (the slope between ${a.heldGiB.toFixed(2)} and ${b.heldGiB.toFixed(2)} GiB; ` +
      `the fixed part, ${(a.upSeconds - slope * a.heldGiB).toFixed(1)} s: \`pulumi up\` itself, the drain Job's start, the kubelet's sync of the ` +
      "exclude file into the NameNodes' pods and the NameNode's checks). The DataNodes share this machine's disk and page cache: " +
      "the copies cost far less here than between hosts, where the network and the disks set the rate.\n";
  }
  return md;
}
