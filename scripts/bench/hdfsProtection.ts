// The cost of HDFS's wire protection (BENCH_MODE=hdfs-protection): on a fresh cluster of 10 nodes, 3 of them real,
// a Kerberized standalone HDFS (the NameNode on node-2, a DataNode on each real node, replication 3; keytabs from
// the local realm, keystores from a CA made here: test/support/kerberos.ts) deployed with hdfs.security's
// rpcProtection and dataTransferProtection `privacy`, then `authentication`, in the same invocation. Per protection,
// BENCH_RUNS times: a 256 MiB file of random bytes (made beforehand in the client's container, not timed) written
// with `hdfs dfs -put` from node-8's DataNode container (the pipeline: node-8's DataNode, then two more over the
// bridge) and read back with `hdfs dfs -cat > /dev/null` from node-2's; MiB/s over each command's wall time,
// measured inside the container. A client JVM's start is in both: `hdfs dfs -ls /`'s time is given beside them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { HdfsRole } from "../../components/hdfsSecurity";
import { materialSettings } from "../../test/support/devStack";
import { kdcAddress, localRealm, serviceKeytabs, tlsMaterial } from "../../test/support/kerberos";
import { clusterUp, stopCluster, waitClean } from "./cluster";
import { programCommit, standaloneHdfsStack, stat, Stat, writeConfigYaml } from "./measure";
import { kubectl, log, run, sleep } from "./process";
import { project, runs, stackName, work } from "./settings";

const nodes = 10;
const realHosts = ["node-2", "node-5", "node-8"];
const fileMiB = 256;
const protections = ["privacy", "authentication"] as const;
type Protection = (typeof protections)[number];

export interface HdfsProtectionResult {
  startedAt: string;
  commit: string;
  command: string;
  runs: number;
  fileMiB: number;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  /** protection -> seconds per run: the write, the read, and a client's `hdfs dfs -ls /` */
  samples: Record<Protection, { write: number[]; read: number[]; clientStart: number[] }>;
}

const instance = "hdfs-k8s.hdfs";

function stackConfig(protection: Protection): Record<string, unknown> {
  return standaloneHdfsStack({
    security: { mode: "kerberos", realm: localRealm, kdcs: [kdcAddress], rpcProtection: protection, dataTransferProtection: protection },
  });
}

/** A shell in a role's container on a node, as the role (a ticket from its keytab first). */
async function inRole(role: "namenode" | "datanode", node: string, script: string): Promise<string> {
  const pods = JSON.parse((await kubectl(["get", "pods", "-n", "hdfs", "-l", `app.kubernetes.io/name=hdfs-${role}`, "-o", "json"])).stdout).items;
  const pod = pods.find((p: any) => p.spec.nodeName === node && !p.metadata.deletionTimestamp);
  if (!pod) throw new Error(`no ${role} pod on ${node}`);
  const r = await run("kubectl", ["exec", "-n", "hdfs", pod.metadata.name, "-c", role, "--", "bash", "-c",
    `export HADOOP_CLIENT_OPTS=-Xmx128m; kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL" || exit 1; ${script}`], { allowFailure: true });
  if (r.code !== 0) throw new Error(`${role} on ${node}: ${script}: exit ${r.code}: ${r.stderr.trim().split("\n").slice(-5).join(" | ")}`);
  return r.stdout;
}

/** Until the NameNode is out of safe mode with three live DataNodes (or the deadline). */
async function hdfsReady(deadlineMs = 420_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const out = await inRole("namenode", "node-2", "hdfs dfsadmin -safemode get; hdfs dfsadmin -report -live | grep -c '^Hostname:'").catch((e) => String(e));
    if (/Safe mode is OFF/.test(out) && /^3$/m.test(out)) return;
    if (Date.now() - start > deadlineMs) throw new Error(`HDFS not ready within ${deadlineMs / 1000}s: ${out}`);
    await sleep(3000);
  }
}

/** Seconds a command takes inside the container (date before and after: kubectl exec's own time left out). */
async function timed(role: "namenode" | "datanode", node: string, command: string): Promise<number> {
  const out = await inRole(role, node, `s=$(date +%s%N); ${command}; e=$(date +%s%N); echo "took $((e - s))"`);
  const ns = /^took (\d+)$/m.exec(out)?.[1];
  if (!ns) throw new Error(`${command}: no timing in ${out}`);
  return Number(ns) / 1e9;
}

async function keytabsAndTls(): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-hdfs-tls-"));
  const hosts: Record<HdfsRole, string[]> = { namenode: ["node-2"], journalnode: [], datanode: realHosts };
  const keytabs = await serviceKeytabs(instance, hosts);
  const addresses = JSON.parse((await kubectl(["get", "nodes", "-l", "type=real", "-o", "json"])).stdout).items
    .map((n: any) => ({ name: n.metadata.name, ip: n.status.addresses.find((a: any) => a.type === "InternalIP")?.address }));
  const tls = await tlsMaterial(dir, { namenode: addresses.filter((a: any) => a.name === "node-2"), datanode: addresses }, instance);
  return Object.fromEntries(materialSettings({ namenode: { keytab: keytabs.namenode, tls: tls.namenode }, datanode: { keytab: keytabs.datanode, tls: tls.datanode } }));
}

export async function benchHdfsProtection(): Promise<HdfsProtectionResult> {
  const startedAt = new Date().toISOString();
  const commit = await programCommit();
  const loadAvgBefore = os.loadavg();
  log(`hdfs protection: starting a fresh cluster of ${nodes} nodes, 3 real`);
  await clusterUp(nodes, { REAL_NODES: "3" });
  const samples = Object.fromEntries(protections.map((p) => [p, { write: [], read: [], clientStart: [] }])) as unknown as HdfsProtectionResult["samples"];
  try {
    const secrets = await keytabsAndTls();
    await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { allowFailure: true });
    await run("pulumi", ["stack", "init", stackName, "--secrets-provider", "passphrase", "--non-interactive"]);
    try {
      for (const protection of protections) {
        const configYaml = writeConfigYaml(nodes, stackConfig(protection));
        const set = await run("pulumi", ["config", "set-all", "--stack", stackName, "--config-file", configYaml, "--path",
          ...Object.entries(secrets).flatMap(([k, v]) => ["--secret", `${project}:${k}=${v}`])], { allowFailure: true });
        // (the command line holds the material: never in a message)
        if (set.code !== 0) throw new Error(`pulumi config set-all failed: ${set.stderr.trim()}`);
        log(`hdfs protection ${protection}: pulumi up`);
        await run("pulumi", ["up", "--stack", stackName, "--yes", "--skip-preview", "--non-interactive", "--config-file", configYaml]);
        await hdfsReady();
        await inRole("datanode", "node-8", `[ -f /tmp/bench ] || head -c ${fileMiB * 2 ** 20} /dev/urandom > /tmp/bench; hdfs dfs -mkdir -p /bench`);
        for (let r = 1; r <= runs; r++) {
          const s = samples[protection];
          s.clientStart.push(await timed("datanode", "node-8", "hdfs dfs -ls / > /dev/null"));
          s.write.push(await timed("datanode", "node-8", "hdfs dfs -put -f /tmp/bench /bench/f"));
          s.read.push(await timed("datanode", "node-2", "hdfs dfs -cat /bench/f > /dev/null"));
          log(`hdfs protection ${protection} run ${r}/${runs}: write ${(fileMiB / s.write.at(-1)!).toFixed(1)} MiB/s, read ${(fileMiB / s.read.at(-1)!).toFixed(1)} MiB/s, client start ${s.clientStart.at(-1)!.toFixed(1)} s`);
        }
      }
      await run("pulumi", ["destroy", "--stack", stackName, "--yes", "--skip-preview", "--non-interactive"]);
      await waitClean();
    } finally {
      await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { allowFailure: true });
      fs.rmSync(path.join(work, `config-${nodes}.yaml`), { force: true });
    }
  } finally {
    log("hdfs protection: stopping the cluster");
    await stopCluster();
  }
  return {
    startedAt, commit, runs, fileMiB, loadAvgBefore, loadAvgAfter: os.loadavg(), samples,
    command: `BENCH_MODE=hdfs-protection BENCH_RUNS=${runs}${process.env.BENCH_OUT ? ` BENCH_OUT=${process.env.BENCH_OUT}` : ""} make bench`,
  };
}

/** Median (min–max) MiB/s of the write and the read per protection, and the client's start. */
export function hdfsProtectionTable(r: HdfsProtectionResult): string {
  const rate = (s: Stat) => `${(r.fileMiB / s.median).toFixed(1)} MiB/s (${(r.fileMiB / s.max).toFixed(1)}–${(r.fileMiB / s.min).toFixed(1)})`;
  let md = `| protection (RPC and block transfers) | write ${r.fileMiB} MiB (\`hdfs dfs -put\`, replication 3) | read (\`hdfs dfs -cat\`) | a client's \`hdfs dfs -ls /\` (in both) |\n|---|---|---|---|\n`;
  for (const p of protections) {
    const s = r.samples[p];
    const start = stat(s.clientStart);
    md += `| \`${p}\` | ${rate(stat(s.write))} | ${rate(stat(s.read))} | ${start.median.toFixed(1)} s (${start.min.toFixed(1)}–${start.max.toFixed(1)}) |\n`;
  }
  const ratio = (k: "write" | "read") => (stat(r.samples.authentication[k]).median / stat(r.samples.privacy[k]).median);
  md += `\nprivacy's rate relative to authentication's: write ${(ratio("write") * 100).toFixed(0)} %, read ${(ratio("read") * 100).toFixed(0)} % (medians of ${r.runs} runs each).\n`;
  return md;
}
