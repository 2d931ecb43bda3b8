// Processes, timing and memory: a command run to completion with its wall time and the peak RSS of its process
// tree (sampled from /proc), and kubectl against the benchmark's cluster.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { kubeconfig, repoRoot } from "./settings";

export const log = (msg: string) => console.error(`bench ${new Date().toISOString().slice(11, 19)} ${msg}`);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  /** peak of the summed RSS of the process and all its descendants (MiB), sampled every 100 ms */
  peakRssMiB?: number;
  /** per command name, its own peak RSS (MiB) */
  peakByName?: Record<string, number>;
}

function readProcTable(): Map<number, { ppid: number; comm: string; rssPages: number }> {
  const table = new Map<number, { ppid: number; comm: string; rssPages: number }>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      // fields[0] = state (field 3), fields[1] = ppid (4), fields[21] = rss in pages (24)
      table.set(Number(entry), { ppid: Number(fields[1]), comm, rssPages: Number(fields[21]) });
    } catch {
      /* the process ended */
    }
  }
  return table;
}

const pageSize = 4096;

/** RSS of `root` and its descendants: total and by command name. */
function treeRss(root: number): { total: number; byName: Record<string, number> } {
  const table = readProcTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let total = 0;
  const byName: Record<string, number> = {};
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop()!;
    const p = table.get(pid);
    if (p) {
      const bytes = p.rssPages * pageSize;
      total += bytes;
      byName[p.comm] = (byName[p.comm] ?? 0) + bytes;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return { total, byName };
}

export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string; sampleRss?: boolean; allowFailure?: boolean; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, stdio: ["pipe", "pipe", "pipe"], env: opts.env ? { ...process.env, ...opts.env } : process.env, signal: opts.signal });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let peak = 0;
    const peakByName: Record<string, number> = {};
    let timer: NodeJS.Timeout | undefined;
    if (opts.sampleRss && child.pid) {
      const sample = () => {
        const { total, byName } = treeRss(child.pid!);
        peak = Math.max(peak, total);
        for (const [n, b] of Object.entries(byName)) peakByName[n] = Math.max(peakByName[n] ?? 0, b);
      };
      timer = setInterval(sample, 100);
    }
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearInterval(timer);
      const r: RunResult = { code: code ?? -1, stdout, stderr, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
      if (opts.sampleRss) {
        r.peakRssMiB = peak / 2 ** 20;
        r.peakByName = Object.fromEntries(Object.entries(peakByName).map(([n, b]) => [n, b / 2 ** 20]));
      }
      if (r.code !== 0 && !opts.allowFailure) {
        reject(new Error(`${cmd} ${args.join(" ")} failed (exit ${r.code}) after ${r.seconds.toFixed(1)}s:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
      } else resolve(r);
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export const kubectl = (args: string[], opts: { input?: string; allowFailure?: boolean } = {}) =>
  run("kubectl", ["--kubeconfig", kubeconfig, ...args], opts);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
