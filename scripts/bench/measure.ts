// What one size measures: the program under mocks (its objects, for kubectl), then per run pulumi preview / up /
// no-change up / destroy against kubectl doing the same, with their memory, phases and apiserver requests; and
// the unit tier's wall time. The project variants (BENCH_VARIANT) are the directories pulumi runs in.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { partOf } from "../../components/labels";
import { apiCounters, apiDelta, clusterUp, rolledOut, waitClean } from "./cluster";
import { kubectl, log, run, sleep } from "./process";
import { daemonSets, defaultVariant, fieldManager, project, repoRoot, runs, stackName, variant, variantEnv, variants, work } from "./settings";

/** HEAD, and whether the program's sources (index.ts, components/, stacks/) have uncommitted changes. */
export async function programCommit(): Promise<string> {
  const head = (await run("git", ["rev-parse", "--short", "HEAD"])).stdout.trim();
  const dirty = (await run("git", ["status", "--porcelain", "--", "index.ts", "components", "stacks"])).stdout.trim();
  return `${head}${dirty ? " + uncommitted changes in the program's sources" : ""}`;
}

/** The stack config as a `--config-file` for pulumi (keys with the project prefix); returns its path. */
export function writeConfigYaml(n: number, config: Record<string, unknown>): string {
  const configYaml = path.join(work, `config-${n}.yaml`);
  fs.writeFileSync(configYaml, stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v])) }));
  return configYaml;
}

/**
 * The HDFS benchmarks' stack: a standalone NameNode on node-2 and a DataNode on each real node, JVMs sized for this
 * machine, node-exporter off; `hdfs` adds to the cluster's settings (its security, …).
 */
export function standaloneHdfsStack(hdfs: Record<string, unknown>): Record<string, unknown> {
  const small = (heap: string, memory: string) => ({ javaHeap: heap, resources: { requests: { cpu: "50m", memory }, limits: { memory } } });
  return {
    nodeLabels: { "node-2": { host: "high-cpu" } },
    rolloutTimeoutSeconds: 420,
    nodeExporter: { enabled: false },
    hdfs: {
      ...hdfs,
      nameNode: { nodeSelector: { host: "high-cpu" }, ...small("384m", "1Gi") },
      dataNode: { nodeSelector: { type: "real" }, ...small("256m", "1Gi") },
    },
  };
}

/** The dev stack's shape at n nodes (see BENCHMARKS.md "Method"). */
export function stackConfig(n: number): Record<string, unknown> {
  const nodeLabels: Record<string, Record<string, string>> = {};
  for (let i = 1; i <= n; i++) {
    if ([2, 5, 8].includes(i % 10)) nodeLabels[`node-${i}`] = { host: "high-cpu" };
  }
  for (const i of [2, 5, 8]) nodeLabels[`node-${i}`] = { host: "high-cpu", "hdfs-role": "namenode" };
  return {
    nodeLabels,
    nodeExporter: { updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" } },
    hdfs: {
      nameNode: { nodeSelector: { host: "high-cpu", "hdfs-role": "namenode" } },
      dataNode: { tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] },
    },
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

/**
 * The directory pulumi runs in: the repository itself (variant "ts"), or a copy of the program (index.ts,
 * components/, stacks/, package.json, tsconfig.json; node_modules linked) whose Pulumi.yaml differs:
 *   transpile  runtime.options.tsconfig: tsconfig.pulumi.json (= tsconfig.json + noCheck): ts-node only
 *              transpiles, no type check at every run (the SDK reads `noCheck` as ts-node's transpileOnly)
 *   tsx        runtime.options.typescript: false, nodeargs: --import tsx, main: index.ts (esbuild transpiles)
 *   js         tsc to bin/ first, main: bin/index.js, typescript: false (a build step)
 */
export async function projectDir(variant: string = defaultVariant, copyTs = false): Promise<string> {
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

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}
export function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export interface SizeResult {
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

export async function benchSize(n: number): Promise<SizeResult> {
  const startedAt = new Date().toISOString();
  const commit = await programCommit();
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
  const configYaml = writeConfigYaml(n, config);

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
      pods = (await kubectl(["get", "pods", "-A", "-l", `app.kubernetes.io/part-of=${partOf}`, "--no-headers", "-o", "name"])).stdout.trim().split("\n").filter(Boolean).length;

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

/** The unit tier's wall time (`npm test`, 3 runs); the fields after `samples` are missing in older results. */
export interface UnitResult extends Stat {
  samples: number[];
  at: string;
  tests?: number;
  commit?: string;
  command?: string;
  loadAvgBefore?: number[];
  loadAvgAfter?: number[];
}

export async function unitTier(): Promise<UnitResult> {
  const at = new Date().toISOString();
  const commit = await programCommit();
  const loadAvgBefore = os.loadavg();
  const xs: number[] = [];
  let tests: number | undefined;
  for (let r = 0; r < 3; r++) {
    log(`unit tier run ${r + 1}/3: npm test`);
    const result = await run("npm", ["test"], { cwd: repoRoot });
    xs.push(result.seconds);
    tests = Number(/^\S+ tests (\d+)$/m.exec(result.stdout)?.[1]) || undefined;
  }
  const command = `BENCH_MODE=unit${process.env.BENCH_OUT ? ` BENCH_OUT=${process.env.BENCH_OUT}` : ""} make bench`;
  return { ...stat(xs), samples: xs, at, tests, commit, command, loadAvgBefore, loadAvgAfter: os.loadavg() };
}
