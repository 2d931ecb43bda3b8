// The report: BENCHMARKS.md's generated part, rendered from every result kept in $STATE_DIR/bench-results (the
// sections not measured this time are kept as they were), with the machine and tool versions.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { apiDelta } from "./cluster";
import { SizeResult, Stat, stat, UnitResult } from "./measure";
import { log, run } from "./process";
import { outFile, resultsDir, startupVariants, variants } from "./settings";
import { HdfsDecommissionResult, hdfsDecommissionTable } from "./hdfsDecommission";
import { HdfsProtectionResult, hdfsProtectionTable } from "./hdfsProtection";
import { RealNodesResult, realNodesTable } from "./realNodes";
import type { StartupResult } from "./startup";

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

export function table(results: SizeResult[]): string {
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
 * The generated sections of the current BENCHMARKS.md by key (a variant, "startup", "real-nodes", "unit"). Raw results live
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
    const key = /^### Variant `(\w+)`/.exec(body)?.[1] ??
      (body.startsWith("### Start-up") ? "startup" : body.startsWith("### Real nodes") ? "real-nodes" : body.startsWith("### HDFS wire protection") ? "hdfs-protection" :
        body.startsWith("### HDFS decommission") ? "hdfs-decommission" : undefined);
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
  const realNodesFile = path.join(resultsDir, "real-nodes.json");
  if (fs.existsSync(realNodesFile)) {
    const rn = JSON.parse(fs.readFileSync(realNodesFile, "utf8")) as RealNodesResult;
    md += `### Real nodes: ${rn.realNodes} of ${rn.nodes} nodes real, node-exporter only (\`${rn.command}\`, ${rn.startedAt}, program at ${rn.commit}; ` +
      `load ${rn.loadAvgBefore[0].toFixed(1)} → ${rn.loadAvgAfter[0].toFixed(1)})\n\n` + realNodesTable(rn) + "\n";
  } else {
    md += previous.get("real-nodes") ?? "";
  }
  const protectionFile = path.join(resultsDir, "hdfs-protection.json");
  if (fs.existsSync(protectionFile)) {
    const hp = JSON.parse(fs.readFileSync(protectionFile, "utf8")) as HdfsProtectionResult;
    md += `### HDFS wire protection: privacy vs authentication, Kerberized, 3 real nodes (\`${hp.command}\`, ${hp.startedAt}, program at ${hp.commit}; ` +
      `load ${hp.loadAvgBefore[0].toFixed(1)} → ${hp.loadAvgAfter[0].toFixed(1)})\n\n` +
      "A standalone NameNode on node-2 and a DataNode on each real node (replication 3); the file written from node-8's DataNode container, " +
      "read back from node-2's; each command's wall time inside the container, its client JVM's start included (the last column).\n\n" +
      hdfsProtectionTable(hp) + "\n";
  } else {
    md += previous.get("hdfs-protection") ?? "";
  }
  const decommissionFile = path.join(resultsDir, "hdfs-decommission.json");
  if (fs.existsSync(decommissionFile)) {
    const hd = JSON.parse(fs.readFileSync(decommissionFile, "utf8")) as HdfsDecommissionResult;
    md += `### HDFS decommission: a drained DataNode host, per GiB it holds, 4 real nodes (\`${hd.command}\`, ${hd.startedAt}, program at ${hd.commit}; ` +
      `load ${hd.loadAvgBefore[0].toFixed(1)} → ${hd.loadAvgAfter[0].toFixed(1)})\n\n` +
      "A standalone NameNode on node-2 and a DataNode on each real node (replication 3, simple mode), a fresh cluster per size; " +
      "the bytes written from node-2 in files of 512 MiB; node-3 then put in `hdfs.decommission`, and `pulumi up` timed until it returned " +
      "(it returns when the NameNode reports node-3 Decommissioned). Hadoop's replication defaults; the NameNode checks the drain every 3 s " +
      "(`dfs.namenode.decommission.interval`, Hadoop's default 30 s).\n\n" +
      hdfsDecommissionTable(hd) + "\n";
  } else {
    md += previous.get("hdfs-decommission") ?? "";
  }
  if (unit) md += unitLine(unit);
  else if (previous.has("unit")) md += `${previous.get("unit")}\n\n`;
  return md;
}

export function startupTable(s: StartupResult): string {
  let md = "| variant | preview, cold compile cache | preview, warm | no-change up |\n|---|---|---|---|\n";
  for (const v of startupVariants) {
    md += `| \`${v}\` | ${fmt(stat(s.samples[`${v}:previewCold`]))} | ${fmt(stat(s.samples[`${v}:previewWarm`]))} | ${fmt(stat(s.samples[`${v}:upNoChange`]))} |\n`;
  }
  md += `| empty program (no resources, no provider) | — | ${fmt(stat(s.samples["empty:preview"]))} | ${fmt(stat(s.samples["empty:up"]))} |\n`;
  md += `| \`pulumi version\` | — | ${fmt(stat(s.samples["pulumi version"]))} | — |\n`;
  return md;
}

/** The unit tier's line (one line: previousSections keeps it by its start, "Unit tier ("). */
function unitLine(u: UnitResult): string {
  const how = u.tests ? `: ${u.tests} tests in one process` : "";
  const where = u.commit ? ` (program at ${u.commit}, load ${u.loadAvgBefore![0].toFixed(1)} → ${u.loadAvgAfter![0].toFixed(1)})` : "";
  const command = u.command ? `: \`${u.command}\`` : "";
  return `Unit tier (\`npm test\`${how}, ${u.n} runs): ${fmt(u)}, measured ${u.at}${where}${command}.\n\n`;
}

/** BENCHMARKS.md: the hand-written part above the marker is kept, the generated part replaced. */
export async function writeReport(): Promise<void> {
  const old = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "# Benchmarks\n\n";
  const generated = await report(old);
  console.log(generated);
  const head = old.includes(marker) ? old.slice(0, old.indexOf(marker)) : old.trimEnd() + "\n\n";
  fs.writeFileSync(outFile, `${head}${marker}\n\n${generated}`);
  log(`wrote ${outFile}`);
}
