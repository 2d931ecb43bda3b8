// BENCH_MODE=startup: where the fixed cost of a pulumi command goes, the ways of starting the program compared
// interleaved on one 10-node cluster, with an empty program as the floor.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { clusterUp } from "./cluster";
import { programCommit, projectDir, stackConfig, writeConfigYaml } from "./measure";
import { log, run } from "./process";
import { project, repoRoot, runs, stackName, startupVariants, variantEnv, work } from "./settings";

/**
 * BENCH_MODE=startup: one 10-node cluster, the stack deployed once, then BENCH_RUNS rounds in which every
 * variant (ts, transpile, tsx, js) in turn runs a no-change `pulumi up` (warm compile cache) and a
 * `pulumi preview --expect-no-changes` with a fresh TMPDIR (cold compile cache), interleaved so that the
 * machine's changing load hits all variants alike; plus an empty program (no resources, no provider) as the
 * floor of CLI + engine + language host + Node.js.
 */
export interface StartupResult {
  startedAt: string;
  commit: string;
  command: string;
  rounds: number;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
  samples: Record<string, number[]>;
}

export async function startup(): Promise<StartupResult> {
  const n = 10;
  const startedAt = new Date().toISOString();
  const loadAvgBefore = os.loadavg();
  const commit = await programCommit();
  await clusterUp(n);
  const configYaml = writeConfigYaml(n, stackConfig(n));
  const dirs: Record<string, string> = {};
  // copies of the program taken at the same moment (others may edit the working tree meanwhile)
  for (const v of startupVariants) dirs[v] = await projectDir(v, true);
  // the empty program: CLI, engine, language host and Node.js, nothing else
  const empty = path.join(work, "project-empty");
  fs.rmSync(empty, { recursive: true, force: true });
  fs.mkdirSync(empty, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(empty, "node_modules"));
  fs.writeFileSync(path.join(empty, "Pulumi.yaml"), `name: ${project}-empty\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`);
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
    commit,
    command: `BENCH_MODE=startup BENCH_RUNS=${runs} BENCH_UNIT=0 DAEMONSETS_STATE_DIR=${process.env.DAEMONSETS_STATE_DIR ?? ""} make bench`,
  };
}
