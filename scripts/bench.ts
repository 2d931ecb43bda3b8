// Benchmarks (not a test): how fast the program previews and converges against the local kwok cluster,
// compared with kubectl applying the same objects, at 10, 100 and 1,000 simulated nodes.
//
//   make bench                                   (= scripts/bench.sh: env.sh, then this script)
//   BENCH_SIZES="10 100" BENCH_RUNS=3 make bench
//
// Environment:
//   BENCH_SIZES    node counts (default "10 100 1000")
//   BENCH_RUNS     runs per size, each figure is their median (default 3)
//   BENCH_VARIANT  how pulumi runs the program (see projectDir): "ts" (the project as committed), "checkpoints"
//                  (as committed, but the engine saves the state after every step, PULUMI_SKIP_CHECKPOINTS=false:
//                  the "before" of scripts/env.sh's setting), or a copy of it with another Pulumi.yaml:
//                  "transpile", "tsx" or "js"; default "ts"
//   BENCH_MODE     "startup": instead of the sizes, the start-up experiment (all variants interleaved, 10 nodes);
//                  "report": only rewrite BENCHMARKS.md from the kept results
//   BENCH_UNIT     "0" skips the unit tier's wall time (npm test, 3 runs)
//   BENCH_OUT      Markdown report (default BENCHMARKS.md in the repository)
//   DAEMONSETS_STATE_DIR  where the cluster, kubeconfig and Pulumi backend live (scripts/env.sh)
//
// Results of every size/variant are kept as JSON in $STATE_DIR/bench-results/ and BENCHMARKS.md is rendered
// from all of them, so sizes can be measured by separate invocations.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

const repoRoot = process.env.REPO_ROOT ?? path.resolve(__dirname, "..");
const stateDir = process.env.STATE_DIR ?? path.join(repoRoot, ".state");
const kubeconfig = path.join(stateDir, "kubeconfig");
const work = path.join(stateDir, "bench");
const resultsDir = path.join(stateDir, "bench-results");
const sizes = (process.env.BENCH_SIZES ?? "10 100 1000").split(/[\s,]+/).filter(Boolean).map(Number);
const runs = Number(process.env.BENCH_RUNS ?? "3");
const variant = process.env.BENCH_VARIANT ?? "ts";
const defaultVariant = variant;
const variants = ["ts", "checkpoints", "transpile", "tsx", "js"];
/** The ways of starting the program that BENCH_MODE=startup compares (each from its own copy of the project). */
const startupVariants = ["ts", "transpile", "tsx", "js"];
/**
 * The 3.68 language host that tools/ builds reads its options (typescript, tsconfig, nodeargs) from command-line
 * flags, which the 3.274 CLI no longer passes (it sends Pulumi.yaml's runtime options over RPC): the host always
 * runs with its defaults (typescript on, no tsconfig override, no node arguments). What does reach the program is
 * the environment, which the SDK reads: PULUMI_NODEJS_TRANSPILE_ONLY=true makes ts-node transpile only.
 */
const variantEnv = (v: string): NodeJS.ProcessEnv =>
  v === "transpile" ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : v === "checkpoints" ? { PULUMI_SKIP_CHECKPOINTS: "false" } : {};
const outFile = process.env.BENCH_OUT ?? path.join(repoRoot, "BENCHMARKS.md");
const project = "k8s-daemonsets";
const stackName = "bench";
const fieldManager = "k8s-daemonsets-node-labels";
const daemonSets = [
  ["monitoring", "node-exporter"],
  ["hdfs", "hdfs-namenode"],
  ["hdfs", "hdfs-journalnode"],
  ["hdfs", "hdfs-datanode"],
] as const;

fs.mkdirSync(work, { recursive: true });
fs.mkdirSync(resultsDir, { recursive: true });
const log = (msg: string) => console.error(`bench ${new Date().toISOString().slice(11, 19)} ${msg}`);

// ---------- processes, timing, memory ----------

interface RunResult {
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

function run(cmd: string, args: string[], opts: { cwd?: string; input?: string; sampleRss?: boolean; allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, stdio: ["pipe", "pipe", "pipe"], env: opts.env ? { ...process.env, ...opts.env } : process.env });
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

const kubectl = (args: string[], opts: { input?: string; allowFailure?: boolean } = {}) =>
  run("kubectl", ["--kubeconfig", kubeconfig, ...args], opts);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- apiserver request counters ----------

type Counters = Map<string, number>; // "verb resource subresource" -> count

async function apiCounters(): Promise<Counters> {
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

function apiDelta(before: Counters, after: Counters): { total: number; own: number; ownByVerb: Record<string, number>; ownByKey: Record<string, number> } {
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

// ---------- the cluster ----------

function nodeManifest(i: number): object {
  // As scripts/cluster.sh's node_manifest, for nodes beyond the 250 that `cluster.sh up` creates:
  // addresses 127.0.(1 + i/250).(i%250) and pod CIDRs 10.(244 + i/250).(i%250).0/24 stay unique.
  const name = `node-${i}`;
  const hi = Math.floor(i / 250);
  const lo = i % 250 || 250;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, type: "kwok" },
    },
    spec: { podCIDR: `10.${244 + hi}.${lo}.0/24`, podCIDRs: [`10.${244 + hi}.${lo}.0/24`] },
    status: {
      addresses: [{ type: "InternalIP", address: `127.0.${1 + hi}.${lo}` }, { type: "Hostname", address: name }],
      allocatable: { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "1Ti" },
      capacity: { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "1Ti" },
      nodeInfo: { architecture: "amd64", operatingSystem: "linux", kubeletVersion: process.env.KUBERNETES_VERSION ?? "v1.36.3" },
    },
  };
}

async function clusterUp(n: number): Promise<number> {
  const start = Date.now();
  await run(path.join(repoRoot, "scripts/cluster.sh"), ["down"]);
  // cluster.sh up creates at most 250 nodes (127.0.1.x addresses); the rest are created here, same shape.
  await run(path.join(repoRoot, "scripts/cluster.sh"), ["up", "--nodes", String(Math.min(n, 250))]);
  if (n > 250) {
    for (let from = 251; from <= n; from += 250) {
      const items = [];
      for (let i = from; i < Math.min(from + 250, n + 1); i++) items.push(nodeManifest(i));
      // a stream of documents, as cluster.sh does (kubectl validates a List's items against the OpenAPI schema,
      // which wants nodeInfo fields only a kubelet fills in)
      await kubectl(["create", "-f", "-"], { input: items.map((o) => JSON.stringify(o)).join("\n---\n") });
    }
  }
  const deadline = Date.now() + 600_000;
  for (;;) {
    const out = (await kubectl(["get", "nodes", "-o", 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'])).stdout;
    const ready = out.split("\n").filter((s) => s === "True").length;
    if (ready === n) break;
    if (Date.now() > deadline) throw new Error(`only ${ready} of ${n} nodes Ready`);
    await sleep(1000);
  }
  return (Date.now() - start) / 1000;
}

/** Waits until the program's namespaces (and so their pods) are gone and no node carries the program's labels. */
async function waitClean(): Promise<number> {
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

async function rolledOut(): Promise<boolean> {
  for (const [ns, name] of daemonSets) {
    const r = await kubectl(["rollout", "status", "-n", ns, `daemonset/${name}`, "--timeout=1s"], { allowFailure: true });
    if (r.code !== 0) return false;
  }
  return true;
}

// ---------- the stack config and the rendered objects ----------

/** The dev stack's shape at n nodes (see BENCHMARKS.md "Method"). */
function stackConfig(n: number): Record<string, unknown> {
  const nodeLabels: Record<string, Record<string, string>> = {};
  for (let i = 1; i <= n; i++) {
    if ([2, 5, 8].includes(i % 10)) nodeLabels[`node-${i}`] = { host: "high-cpu" };
  }
  for (const i of [2, 5, 8]) nodeLabels[`node-${i}`] = { host: "high-cpu", "hdfs-role": "namenode" };
  return {
    nodeLabels,
    nodeExporter: { updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" } },
    hdfsNameNode: { nodeSelector: { host: "high-cpu", "hdfs-role": "namenode" } },
    hdfsDataNode: { tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] },
  };
}

interface Rendered {
  evalSeconds: number;
  processSeconds: number;
  resources: number;
  nodes: object[];
  objects: any[];
}

async function render(configJson: string, out: string): Promise<Rendered & { wallSeconds: number }> {
  const r = await run("node", ["--import", "tsx", path.join(repoRoot, "scripts/bench-render.ts"), configJson, out]);
  return { ...(JSON.parse(fs.readFileSync(out, "utf8")) as Rendered), wallSeconds: r.seconds };
}

// ---------- the project variants ----------

/**
 * The directory pulumi runs in: the repository itself (variant "ts"), or a copy of the program (index.ts,
 * components/, stacks/, package.json, tsconfig.json; node_modules linked) whose Pulumi.yaml differs:
 *   transpile  runtime.options.tsconfig: tsconfig.pulumi.json (= tsconfig.json + noCheck): ts-node only
 *              transpiles, no type check at every run (the SDK reads `noCheck` as ts-node's transpileOnly)
 *   tsx        runtime.options.typescript: false, nodeargs: --import tsx, main: index.ts (esbuild transpiles)
 *   js         tsc to bin/ first, main: bin/index.js, typescript: false (a build step)
 */
async function projectDir(variant: string = defaultVariant, copyTs = false): Promise<string> {
  if (!variants.includes(variant)) throw new Error(`BENCH_VARIANT must be one of ${variants.join(", ")}, not ${variant}`);
  if ((variant === "ts" && !copyTs) || variant === "checkpoints") return repoRoot;
  const dir = path.join(work, `project-${variant}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ["index.ts", "components", "stacks", "package.json", "tsconfig.json"]) {
    fs.cpSync(path.join(repoRoot, f), path.join(dir, f), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  // Each variant sets its own entry point (`main`) where it needs another one.
  let yaml = fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");
  if (variant === "transpile") {
    fs.writeFileSync(path.join(dir, "tsconfig.pulumi.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noCheck: true } }, null, 2));
    yaml = yaml.replace(/typescript: true/, "typescript: true\n    tsconfig: tsconfig.pulumi.json");
  } else if (variant === "tsx") {
    yaml = yaml.replace(/typescript: true/, "typescript: false\n    nodeargs: --import tsx").replace(/^main: .*$/m, "main: index.ts");
  } else if (variant === "js") {
    const start = Date.now();
    await run(path.join(repoRoot, "node_modules/.bin/tsc"), ["-p", path.join(dir, "tsconfig.json"), "--outDir", path.join(dir, "bin"), "--sourceMap", "false"]);
    log(`variant js: tsc took ${((Date.now() - start) / 1000).toFixed(1)}s`);
    fs.cpSync(path.join(dir, "components/assets"), path.join(dir, "bin/components/assets"), { recursive: true });
    yaml = yaml.replace(/typescript: true/, "typescript: false").replace(/^main: .*$/m, "main: bin/index.js");
  }
  // "ts": the copy runs exactly as the repository does (Pulumi.yaml unchanged, ts-node compiles index.ts)
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
  return dir;
}

// ---------- statistics ----------

interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}
function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

// ---------- one size ----------

interface SizeResult {
  size: number;
  variant: string;
  runs: number;
  command: string;
  startedAt: string;
  /** HEAD and whether the program's sources (index.ts, components/, stacks/) had uncommitted changes */
  commit?: string;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  clusterUpSeconds: number;
  labelledNodes: number;
  resources: number;
  kubernetesObjects: number;
  pods: number;
  samples: Record<string, number[]>;
  peakByName: Record<string, number>[];
  api: Record<string, ReturnType<typeof apiDelta>[]>;
  /** apiserver requests per second on the idle cluster (kwok heartbeats, controllers), over 10 s */
  idleRequestsPerSecond: number;
}

async function benchSize(n: number): Promise<SizeResult> {
  const startedAt = new Date().toISOString();
  const head = (await run("git", ["rev-parse", "--short", "HEAD"])).stdout.trim();
  const dirty = (await run("git", ["status", "--porcelain", "--", "index.ts", "components", "stacks"])).stdout.trim();
  const commit = `${head}${dirty ? " + uncommitted changes in the program's sources" : ""}`;
  const loadAvgBefore = os.loadavg();
  log(`size ${n}: starting a fresh cluster`);
  const clusterUpSeconds = await clusterUp(n);
  log(`size ${n}: cluster up with ${n} Ready nodes in ${clusterUpSeconds.toFixed(1)}s`);
  const idle0 = await apiCounters();
  const idleStart = Date.now();
  await sleep(10_000);
  const idleRequestsPerSecond = apiDelta(idle0, await apiCounters()).total / ((Date.now() - idleStart) / 1000);

  const config = stackConfig(n);
  const configJson = path.join(work, `config-${n}.json`);
  fs.writeFileSync(configJson, JSON.stringify(config));
  const configYaml = path.join(work, `config-${n}.yaml`);
  fs.writeFileSync(configYaml, stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v])) }));

  const samples: Record<string, number[]> = {};
  const add = (k: string, v: number) => (samples[k] ??= []).push(v);
  const peakByName: Record<string, number>[] = [];
  const api: SizeResult["api"] = {};
  const addApi = (k: string, v: ReturnType<typeof apiDelta>) => (api[k] ??= []).push(v);

  // The program under mocks: the objects for kubectl, and the evaluation time.
  let rendered: Rendered | undefined;
  for (let r = 0; r < runs; r++) {
    const x = await render(configJson, path.join(work, `rendered-${n}.json`));
    add("mocksEval", x.evalSeconds);
    add("mocksProcess", x.wallSeconds);
    rendered = x;
  }
  const nodesFile = path.join(work, `nodes-${n}.json`);
  const objectsFile = path.join(work, `objects-${n}.json`);
  const namespacesFile = path.join(work, `namespaces-${n}.json`);
  const list = (items: object[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });
  fs.writeFileSync(nodesFile, list(rendered!.nodes));
  fs.writeFileSync(objectsFile, list(rendered!.objects));
  fs.writeFileSync(namespacesFile, list(rendered!.objects.filter((o) => o.kind === "Namespace")));
  const unlabelFile = path.join(work, `unlabel-${n}.json`);
  fs.writeFileSync(unlabelFile, list(rendered!.nodes.map((o: any) => ({ apiVersion: "v1", kind: "Node", metadata: { name: o.metadata.name } }))));

  const dir = await projectDir();
  const pulumi = (args: string[], env?: NodeJS.ProcessEnv) =>
    run("pulumi", [...args, "--stack", stackName, "--non-interactive"], { cwd: dir, sampleRss: true, env: { ...variantEnv(variant), ...env } });
  const cfg = ["--config-file", configYaml];
  // `pulumi up`/`destroy` with the engine's event log, to split their time into phases (see stepEnds)
  const pulumiLogged = async (args: string[], phase: string) => {
    const eventLog = path.join(work, `events-${n}-${phase}.jsonl`);
    fs.rmSync(eventLog, { force: true });
    const startedAtSeconds = Date.now() / 1000;
    const result = await pulumi([...args, "--event-log", eventLog], { PULUMI_DEBUG_COMMANDS: "true" });
    for (const [type, end] of Object.entries(stepEnds(eventLog, startedAtSeconds))) add(`${phase}:${type}`, end);
    return result;
  };
  await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { cwd: dir, allowFailure: true });
  await run("pulumi", ["stack", "init", stackName, "--secrets-provider", "passphrase", "--non-interactive"], { cwd: dir });
  let pods = 0;

  try {
    for (let r = 1; r <= runs; r++) {
      // The first run after an edit: ts-node (and tsx) keep compiled files in os.tmpdir(); a fresh TMPDIR
      // makes this preview compile (and, for ts-node, type-check) the program from scratch.
      log(`size ${n} run ${r}/${runs}: pulumi preview, cold compile cache`);
      const tmp = fs.mkdtempSync(path.join(work, "tmp-"));
      const cold = await pulumi(["preview", ...cfg, "--diff=false"], { TMPDIR: tmp });
      fs.rmSync(tmp, { recursive: true, force: true });
      add("pulumiPreviewCold", cold.seconds);
      add("rssPreviewCold", cold.peakRssMiB!);
      log(`size ${n} run ${r}/${runs}: pulumi preview`);
      const pv = await pulumi(["preview", ...cfg, "--diff=false"]);
      add("pulumiPreview", pv.seconds);
      add("rssPreview", pv.peakRssMiB!);

      log(`size ${n} run ${r}/${runs}: kubectl dry-run`);
      await kubectl(["apply", "--server-side", "-f", namespacesFile]); // dry-run of namespaced objects needs them
      const k0 = process.hrtime.bigint();
      await kubectl(["apply", "--server-side", "--dry-run=server", `--field-manager=${fieldManager}`, "-f", nodesFile]);
      await kubectl(["apply", "--server-side", "--dry-run=server", "-f", objectsFile]);
      add("kubectlDryRun", Number(process.hrtime.bigint() - k0) / 1e9);
      await kubectl(["delete", "-f", namespacesFile, "--wait=true"]);

      log(`size ${n} run ${r}/${runs}: pulumi up from empty`);
      let before = await apiCounters();
      const up = await pulumiLogged(["up", ...cfg, "--yes", "--skip-preview", "--diff=false"], "up");
      addApi("pulumiUp", apiDelta(before, await apiCounters()));
      add("pulumiUp", up.seconds);
      add("rssUp", up.peakRssMiB!);
      peakByName.push(up.peakByName!);
      if (!(await rolledOut())) throw new Error("pulumi up returned before every DaemonSet was rolled out");
      pods = (await kubectl(["get", "pods", "-A", "-l", "app.kubernetes.io/part-of=k8s-daemonsets", "--no-headers", "-o", "name"])).stdout.trim().split("\n").filter(Boolean).length;

      log(`size ${n} run ${r}/${runs}: pulumi up, no change`);
      before = await apiCounters();
      const again = await pulumi(["up", ...cfg, "--yes", "--skip-preview", "--diff=false", "--expect-no-changes"]);
      addApi("pulumiUpNoChange", apiDelta(before, await apiCounters()));
      add("pulumiUpNoChange", again.seconds);
      add("rssUpNoChange", again.peakRssMiB!);

      log(`size ${n} run ${r}/${runs}: pulumi destroy`);
      const destroy = await pulumiLogged(["destroy", ...cfg, "--yes", "--skip-preview"], "destroy");
      add("pulumiDestroy", destroy.seconds);
      add("waitCleanAfterDestroy", await waitClean());

      log(`size ${n} run ${r}/${runs}: kubectl apply + rollout status`);
      before = await apiCounters();
      const t0 = process.hrtime.bigint();
      await kubectl(["apply", "--server-side", `--field-manager=${fieldManager}`, "-f", nodesFile]);
      await kubectl(["apply", "--server-side", "-f", objectsFile]);
      for (const [ns, name] of daemonSets) {
        await kubectl(["rollout", "status", "-n", ns, `daemonset/${name}`, "--timeout=900s"]);
      }
      add("kubectlApplyRollout", Number(process.hrtime.bigint() - t0) / 1e9);
      addApi("kubectlApplyRollout", apiDelta(before, await apiCounters()));

      const t1 = process.hrtime.bigint();
      await kubectl(["apply", "--server-side", `--field-manager=${fieldManager}`, "-f", nodesFile]);
      await kubectl(["apply", "--server-side", "-f", objectsFile]);
      add("kubectlApplyNoChange", Number(process.hrtime.bigint() - t1) / 1e9);

      log(`size ${n} run ${r}/${runs}: kubectl delete`);
      const t2 = process.hrtime.bigint();
      await kubectl(["delete", "-f", objectsFile, "--wait=true", "--ignore-not-found"]);
      await kubectl(["apply", "--server-side", `--field-manager=${fieldManager}`, "-f", unlabelFile]);
      add("kubectlDelete", Number(process.hrtime.bigint() - t2) / 1e9);
      add("waitCleanAfterDelete", await waitClean());

      const ratio = samples.pulumiUp[r - 1] / samples.kubectlApplyRollout[r - 1];
      log(`size ${n} run ${r}: preview ${pv.seconds.toFixed(1)}s vs dry-run ${samples.kubectlDryRun[r - 1].toFixed(1)}s; ` +
        `up ${up.seconds.toFixed(1)}s vs apply+rollout ${samples.kubectlApplyRollout[r - 1].toFixed(1)}s (${ratio.toFixed(2)}x); ` +
        `no-change up ${again.seconds.toFixed(1)}s; peak RSS ${up.peakRssMiB!.toFixed(0)} MiB`);
    }
  } finally {
    await run("pulumi", ["stack", "rm", "--stack", stackName, "--yes", "--force", "--non-interactive"], { cwd: dir, allowFailure: true });
  }
  samples.upRatio = samples.pulumiUp.map((u, i) => u / samples.kubectlApplyRollout[i]);
  samples.previewRatio = samples.pulumiPreview.map((u, i) => u / samples.kubectlDryRun[i]);
  return {
    size: n, variant, runs, startedAt, commit, loadAvgBefore, loadAvgAfter: os.loadavg(), clusterUpSeconds,
    command: `BENCH_SIZES="${n}" BENCH_RUNS=${runs} BENCH_VARIANT=${variant}${process.env.BENCH_OUT ? ` BENCH_OUT=${process.env.BENCH_OUT}` : ""} DAEMONSETS_STATE_DIR=${process.env.DAEMONSETS_STATE_DIR ?? ""} make bench`,
    labelledNodes: Object.keys(config.nodeLabels as object).length,
    resources: rendered!.resources,
    kubernetesObjects: rendered!.nodes.length + rendered!.objects.length,
    pods, samples, peakByName, api, idleRequestsPerSecond,
  };
}

/**
 * Seconds from the command's start until the last step on each resource type ended (NodePatch, DaemonSet,
 * Namespace, …), from the engine's event log (`--event-log`, a debug flag that needs PULUMI_DEBUG_COMMANDS;
 * its timestamps are whole seconds, so these are ±1 s).
 */
function stepEnds(eventLog: string, startedAtSeconds: number): Record<string, number> {
  const ends: Record<string, number> = {};
  for (const line of fs.readFileSync(eventLog, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const event = JSON.parse(line);
    const type: string | undefined = event.resOutputsEvent?.metadata?.type;
    if (!type) continue;
    const kind = type.split(":").pop()!;
    ends[kind] = Math.max(ends[kind] ?? 0, event.timestamp - startedAtSeconds);
  }
  return ends;
}

// ---------- the unit tier ----------

async function unitTier(): Promise<Stat & { samples: number[] }> {
  const xs: number[] = [];
  for (let r = 0; r < 3; r++) {
    log(`unit tier run ${r + 1}/3: npm test`);
    xs.push((await run("npm", ["test"], { cwd: repoRoot })).seconds);
  }
  return { ...stat(xs), samples: xs };
}

// ---------- the report ----------

async function machine(): Promise<Record<string, string>> {
  const first = async (cmd: string, args: string[]) => (await run(cmd, args, { allowFailure: true })).stdout.trim().split("\n")[0];
  const cpu = fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown";
  const provider = `pulumi-resource-kubernetes ${process.env.PULUMI_KUBERNETES_VERSION ?? "?"}`;
  return {
    cores: String(os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    cpu,
    kernel: os.release(),
    pulumi: await first("pulumi", ["version"]),
    provider,
    kubernetes: JSON.parse((await run("kubectl", ["version", "--client", "-o", "json"])).stdout).clientVersion.gitVersion,
    node: process.version,
    languageHost: `pulumi-language-nodejs ${process.env.PULUMI_NODEJS_HOST_VERSION ?? "?"}`,
    kwok: await first("kwok", ["--version"]),
  };
}

const f1 = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmt = (s: Stat | undefined, unit = "s") => (s ? `${f1(s.median)}${unit} (${f1(s.min)}–${f1(s.max)})` : "—");

/**
 * "tool": requests on the objects the tools write (ownResources), without `GET namespaces`, which the cluster
 * itself makes for every pod it creates (about 5 per pod here, with pulumi and kubectl alike); "all": everything.
 */
function apiCell(deltas: ReturnType<typeof apiDelta>[]): string {
  const tool = deltas.map((d) => Object.entries(d.ownByKey).filter(([k]) => k !== "GET namespaces").reduce((a, [, v]) => a + v, 0));
  return `${stat(tool).median} / ${stat(deltas.map((d) => d.total)).median}`;
}

/** Medians of the phase ends recorded by stepEnds, e.g. "12 / 95" ("—" for results from before they were recorded). */
function phases(r: SizeResult, phase: string, types: string[]): string {
  const xs = types.map((t) => r.samples[`${phase}:${t}`]);
  return xs.every((x) => x?.length) ? xs.map((x) => Math.round(stat(x).median)).join(" / ") : "—";
}

function table(results: SizeResult[]): string {
  const rows: [string, (r: SizeResult) => string][] = [
    ["labelled nodes / Kubernetes objects / pods", (r) => `${r.labelledNodes} / ${r.kubernetesObjects} / ${r.pods}`],
    ["program under mocks: one evaluation", (r) => fmt(stat(r.samples.mocksEval))],
    ["program under mocks: whole process (tsx)", (r) => fmt(stat(r.samples.mocksProcess))],
    ["pulumi preview, cold compile cache (first run after an edit)", (r) => fmt(r.samples.pulumiPreviewCold && stat(r.samples.pulumiPreviewCold))],
    ["pulumi preview (empty stack)", (r) => fmt(stat(r.samples.pulumiPreview))],
    ["kubectl apply --server-side --dry-run=server", (r) => fmt(stat(r.samples.kubectlDryRun))],
    ["preview ratio", (r) => fmt(stat(r.samples.previewRatio), "×")],
    ["pulumi up from empty, rolled out", (r) => fmt(stat(r.samples.pulumiUp))],
    ["pulumi up: labels applied / DaemonSets rolled out (s after start, ±1 s)", (r) => phases(r, "up", ["NodePatch", "DaemonSet"])],
    ["kubectl apply --server-side + rollout status", (r) => fmt(stat(r.samples.kubectlApplyRollout))],
    ["**up ratio pulumi / kubectl**", (r) => fmt(stat(r.samples.upRatio), "×")],
    ["pulumi up, no change", (r) => fmt(stat(r.samples.pulumiUpNoChange))],
    ["kubectl apply --server-side, no change", (r) => fmt(stat(r.samples.kubectlApplyNoChange))],
    ["pulumi destroy", (r) => fmt(stat(r.samples.pulumiDestroy))],
    ["pulumi destroy: DaemonSets gone / labels removed / namespaces gone (s after start, ±1 s)", (r) => phases(r, "destroy", ["DaemonSet", "NodePatch", "Namespace"])],
    ["kubectl delete (+ label removal)", (r) => fmt(stat(r.samples.kubectlDelete))],
    ["peak RSS, pulumi tree: preview, cold compile cache", (r) => fmt(r.samples.rssPreviewCold && stat(r.samples.rssPreviewCold), " MiB")],
    ["peak RSS, pulumi tree: preview", (r) => fmt(stat(r.samples.rssPreview), " MiB")],
    ["peak RSS, pulumi tree: up from empty", (r) => fmt(stat(r.samples.rssUp), " MiB")],
    ["peak RSS, pulumi tree: no-change up", (r) => fmt(stat(r.samples.rssUpNoChange), " MiB")],
    ["apiserver requests during pulumi up: tool / all", (r) => apiCell(r.api.pulumiUp)],
    ["apiserver requests during kubectl apply+rollout: tool / all", (r) => apiCell(r.api.kubectlApplyRollout)],
    ["apiserver requests during no-change pulumi up: tool / all", (r) => apiCell(r.api.pulumiUpNoChange)],
    ["idle apiserver requests/s (heartbeats, controllers)", (r) => (r.idleRequestsPerSecond ?? 0).toFixed(0)],
    ["runs (load average 1 min before → after)", (r) => `${r.runs} (${r.loadAvgBefore[0].toFixed(1)} → ${r.loadAvgAfter[0].toFixed(1)})`],
  ];
  let md = `| figure | ${results.map((r) => `${r.size} nodes`).join(" | ")} |\n|---|${results.map(() => "---").join("|")}|\n`;
  for (const [name, fn] of rows) md += `| ${name} | ${results.map(fn).join(" | ")} |\n`;
  return md;
}

const variantOrder = variants;

function loadResults(): SizeResult[] {
  return fs.readdirSync(resultsDir).filter((f) => /^size-\d+-\w+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), "utf8")) as SizeResult)
    .sort((a, b) => variantOrder.indexOf(a.variant) - variantOrder.indexOf(b.variant) || a.size - b.size);
}

const marker = "<!-- generated by scripts/bench.ts: everything below is replaced by `make bench` -->";

/**
 * The generated sections of the current BENCHMARKS.md by key (a variant, "startup", "unit"). Raw results live
 * in $STATE_DIR/bench-results, i.e. on the machine that measured them; a run that measures only some sections
 * (e.g. BENCH_MODE=startup on another machine) keeps the others as they were, each with its own command and date.
 */
function previousSections(old: string): Map<string, string> {
  const sections = new Map<string, string>();
  if (!old.includes(marker)) return sections;
  const generated = old.slice(old.indexOf(marker));
  const unitLine = /^Unit tier \(.*$/m.exec(generated);
  if (unitLine) sections.set("unit", unitLine[0]);
  for (const part of generated.split(/^(?=### )/m).slice(1)) {
    const body = part.replace(/^Unit tier \(.*$/m, "").trimEnd();
    const key = /^### Variant `(\w+)`/.exec(body)?.[1] ?? (body.startsWith("### Start-up") ? "startup" : undefined);
    if (key) sections.set(key, body + "\n\n");
  }
  return sections;
}

async function report(old: string): Promise<string> {
  const m = await machine();
  const results = loadResults();
  const previous = previousSections(old);
  const unitFile = path.join(resultsDir, "unit.json");
  const unit = fs.existsSync(unitFile) ? JSON.parse(fs.readFileSync(unitFile, "utf8")) : undefined;
  let md = "## Results (generated by scripts/bench.ts)\n\n";
  md += `Machine: ${m.cores} cores, ${m.memory}, ${m.cpu}, Linux ${m.kernel}; pulumi ${m.pulumi}, provider ${m.provider}, ` +
    `${m.languageHost}, Kubernetes ${m.kubernetes}, Node.js ${m.node}, ${m.kwok}. The 1-minute load averages before and after each size are in the tables (2 cores).\n\n`;
  for (const v of variantOrder) {
    const rs = results.filter((r) => r.variant === v);
    if (rs.length === 0) {
      md += previous.get(v) ?? "";
      continue;
    }
    const what: Record<string, string> = {
      ts: "the project as committed: Pulumi.yaml `typescript: true`; ts-node compiles index.ts, its output cached in TMPDIR; the state saved once per update (scripts/env.sh: `PULUMI_SKIP_CHECKPOINTS=true`)",
      checkpoints: "before: as `ts`, but with `PULUMI_SKIP_CHECKPOINTS=false`, the engine's default: the whole state file is rewritten after every resource step",
      transpile: "`PULUMI_NODEJS_TRANSPILE_ONLY=true` in the environment (and Pulumi.yaml `runtime.options.tsconfig` with `noCheck`, which the 3.68 host ignores): ts-node transpiles only",
      tsx: "Pulumi.yaml `typescript: false`, `nodeargs: --import tsx`, `main: index.ts` — the first two ignored by the 3.68 host, so ts-node runs index.ts as in `ts`",
      js: "precompiled with tsc: Pulumi.yaml `main: bin/index.js` (honoured); ts-node is still registered but compiles no .js",
    };
    md += `### Variant \`${v}\` (${what[v] ?? v})\n\n`;
    md += "Median (min–max) of the runs given in the last row.\n\n" + table(rs) + "\n";
    md += "Commands:\n\n" + rs.map((r) => `- ${r.size} nodes, ${r.startedAt}${r.commit ? ` (program at ${r.commit})` : ""}: \`${r.command}\``).join("\n") + "\n\n";
    md += "Peak RSS by process during `pulumi up` from empty (MiB, the run with the highest total):\n\n";
    for (const r of rs) {
      const worst = r.peakByName.reduce((a, b) => (Object.values(b).reduce((x, y) => x + y, 0) > Object.values(a).reduce((x, y) => x + y, 0) ? b : a));
      md += `- ${r.size} nodes: ${Object.entries(worst).sort((a, b) => b[1] - a[1]).map(([k, x]) => `${k} ${x.toFixed(0)}`).join(", ")}\n`;
    }
    md += "\n";
  }
  const startupFile = path.join(resultsDir, "startup.json");
  if (fs.existsSync(startupFile)) {
    const st = JSON.parse(fs.readFileSync(startupFile, "utf8")) as StartupResult;
    md += `### Start-up: variants interleaved, 10 nodes, no changes (\`${st.command}\`, ${st.startedAt}, program at ${st.commit}; ` +
      `${st.rounds} rounds, load ${st.loadAvgBefore[0].toFixed(1)} → ${st.loadAvgAfter[0].toFixed(1)})\n\n` + startupTable(st) + "\n";
  } else {
    md += previous.get("startup") ?? "";
  }
  if (unit) md += `Unit tier (\`npm test\`, ${unit.n} runs): ${fmt(unit)}, measured ${unit.at}.\n\n`;
  else if (previous.has("unit")) md += `${previous.get("unit")}\n\n`;
  return md;
}

// ---------- start-up: where the fixed cost goes ----------

/**
 * BENCH_MODE=startup: one 10-node cluster, the stack deployed once, then BENCH_RUNS rounds in which every
 * variant (ts, transpile, tsx, js) in turn runs a no-change `pulumi up` (warm compile cache) and a
 * `pulumi preview --expect-no-changes` with a fresh TMPDIR (cold compile cache), interleaved so that the
 * machine's changing load hits all variants alike; plus an empty program (no resources, no provider) as the
 * floor of CLI + engine + language host + Node.js.
 */
interface StartupResult {
  startedAt: string;
  commit: string;
  command: string;
  rounds: number;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  samples: Record<string, number[]>;
}

async function startup(): Promise<StartupResult> {
  const n = 10;
  const startedAt = new Date().toISOString();
  const loadAvgBefore = os.loadavg();
  const head = (await run("git", ["rev-parse", "--short", "HEAD"])).stdout.trim();
  const dirty = (await run("git", ["status", "--porcelain", "--", "index.ts", "components", "stacks"])).stdout.trim();
  await clusterUp(n);
  const configYaml = path.join(work, `config-${n}.yaml`);
  fs.writeFileSync(configYaml, stringify({ config: Object.fromEntries(Object.entries(stackConfig(n)).map(([k, v]) => [`${project}:${k}`, v])) }));
  const dirs: Record<string, string> = {};
  // copies of the program taken at the same moment (others may edit the working tree meanwhile)
  for (const v of startupVariants) dirs[v] = await projectDir(v, true);
  // the empty program: CLI, engine, language host and Node.js, nothing else
  const empty = path.join(work, "project-empty");
  fs.rmSync(empty, { recursive: true, force: true });
  fs.mkdirSync(empty, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(empty, "node_modules"));
  fs.writeFileSync(path.join(empty, "Pulumi.yaml"), "name: k8s-daemonsets-empty\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
  fs.writeFileSync(path.join(empty, "package.json"), JSON.stringify({ name: "empty", main: "index.js" }));
  fs.writeFileSync(path.join(empty, "index.js"), "exports.nothing = true;\n");

  const samples: Record<string, number[]> = {};
  const add = (k: string, v: number) => (samples[k] ??= []).push(v);
  const pulumiIn = (dir: string, stack: string, args: string[], env?: NodeJS.ProcessEnv) =>
    run("pulumi", [...args, "--stack", stack, "--non-interactive"], { cwd: dir, sampleRss: true, env: { ...variantEnv(path.basename(dir).replace(/^project-/, "")), ...env } });
  const cfg = ["--config-file", configYaml];
  for (const [dir, stack] of [[dirs.ts, stackName], [empty, "empty"]]) {
    await run("pulumi", ["stack", "rm", "--stack", stack, "--yes", "--force", "--non-interactive"], { cwd: dir, allowFailure: true });
    await run("pulumi", ["stack", "init", stack, "--secrets-provider", "passphrase", "--non-interactive"], { cwd: dir });
  }
  try {
    await pulumiIn(dirs.ts, stackName, ["up", ...cfg, "--yes", "--skip-preview", "--diff=false"]);
    for (let r = 1; r <= runs; r++) {
      for (const v of startupVariants) {
        log(`startup round ${r}/${runs}: ${v}`);
        const tmp = fs.mkdtempSync(path.join(work, "tmp-"));
        add(`${v}:previewCold`, (await pulumiIn(dirs[v], stackName, ["preview", ...cfg, "--diff=false", "--expect-no-changes"], { TMPDIR: tmp })).seconds);
        fs.rmSync(tmp, { recursive: true, force: true });
        add(`${v}:previewWarm`, (await pulumiIn(dirs[v], stackName, ["preview", ...cfg, "--diff=false", "--expect-no-changes"])).seconds);
        add(`${v}:upNoChange`, (await pulumiIn(dirs[v], stackName, ["up", ...cfg, "--yes", "--skip-preview", "--diff=false", "--expect-no-changes"])).seconds);
      }
      add("empty:preview", (await pulumiIn(empty, "empty", ["preview", "--diff=false"])).seconds);
      add("empty:up", (await pulumiIn(empty, "empty", ["up", "--yes", "--skip-preview", "--diff=false"])).seconds);
      add("pulumi version", (await run("pulumi", ["version"])).seconds);
    }
    await pulumiIn(dirs.ts, stackName, ["destroy", ...cfg, "--yes", "--skip-preview"]);
  } finally {
    for (const [dir, stack] of [[dirs.ts, stackName], [empty, "empty"]]) {
      await run("pulumi", ["stack", "rm", "--stack", stack, "--yes", "--force", "--non-interactive"], { cwd: dir, allowFailure: true });
    }
  }
  return {
    startedAt, rounds: runs, loadAvgBefore, loadAvgAfter: os.loadavg(), samples,
    commit: `${head}${dirty ? " + uncommitted changes in the program's sources" : ""}`,
    command: `BENCH_MODE=startup BENCH_RUNS=${runs} BENCH_UNIT=0 DAEMONSETS_STATE_DIR=${process.env.DAEMONSETS_STATE_DIR ?? ""} make bench`,
  };
}

function startupTable(s: StartupResult): string {
  let md = "| variant | preview, cold compile cache | preview, warm | no-change up |\n|---|---|---|---|\n";
  for (const v of startupVariants) {
    md += `| \`${v}\` | ${fmt(stat(s.samples[`${v}:previewCold`]))} | ${fmt(stat(s.samples[`${v}:previewWarm`]))} | ${fmt(stat(s.samples[`${v}:upNoChange`]))} |\n`;
  }
  md += `| empty program (no resources, no provider) | — | ${fmt(stat(s.samples["empty:preview"]))} | ${fmt(stat(s.samples["empty:up"]))} |\n`;
  md += `| \`pulumi version\` | — | ${fmt(stat(s.samples["pulumi version"]))} | — |\n`;
  return md;
}

async function main(): Promise<void> {
  if (process.env.BENCH_MODE === "report") {
    await writeReport(); // BENCHMARKS.md again from the results kept in $STATE_DIR/bench-results, nothing measured
    return;
  }
  if (process.env.BENCH_MODE === "startup") {
    try {
      const s = await startup();
      fs.writeFileSync(path.join(resultsDir, "startup.json"), JSON.stringify(s, null, 1));
      console.log(startupTable(s));
    } finally {
      log("stopping the cluster");
      await run(path.join(repoRoot, "scripts/cluster.sh"), ["down"], { allowFailure: true });
    }
    await writeReport();
    return;
  }
  if (process.env.BENCH_UNIT !== "0") {
    const unit = await unitTier();
    fs.writeFileSync(path.join(resultsDir, "unit.json"), JSON.stringify({ ...unit, at: new Date().toISOString() }));
  }
  try {
    for (const n of sizes) {
      const result = await benchSize(n);
      fs.writeFileSync(path.join(resultsDir, `size-${n}-${variant}.json`), JSON.stringify(result, null, 1));
      console.log(table([result]));
    }
  } finally {
    log("stopping the cluster");
    await run(path.join(repoRoot, "scripts/cluster.sh"), ["down"], { allowFailure: true });
  }
  await writeReport();
}

async function writeReport(): Promise<void> {
  const old = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "# Benchmarks\n\n";
  const generated = await report(old);
  console.log(generated);
  // BENCHMARKS.md: the hand-written part above the marker is kept, the generated part replaced.
  const head = old.includes(marker) ? old.slice(0, old.indexOf(marker)) : old.trimEnd() + "\n\n";
  fs.writeFileSync(outFile, `${head}${marker}\n\n${generated}`);
  log(`wrote ${outFile}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
