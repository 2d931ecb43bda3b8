// The benchmark's settings: where it works (scripts/env.sh's state directory), what it measures (BENCH_* in the
// environment, see scripts/bench.ts) and the names of what the program creates.
import * as path from "node:path";
import { nodeLabelsDefaults } from "../../components/nodeLabels";
import { project } from "../../components/project";

export { project };

export const repoRoot = process.env.REPO_ROOT ?? path.resolve(__dirname, "..", "..");
export const stateDir = process.env.STATE_DIR ?? path.join(repoRoot, ".state");
export const kubeconfig = path.join(stateDir, "kubeconfig");
export const work = path.join(stateDir, "bench");
export const resultsDir = path.join(stateDir, "bench-results");

/** A whole number from the environment in [min, max]; anything else stops the benchmark before it starts. */
function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    console.error(`bench: ${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
    process.exit(2);
  }
  return n;
}
export const sizes = (process.env.BENCH_SIZES ?? "10 100 1000").split(/[\s,]+/).filter(Boolean).map((s) => wholeNumber("each of BENCH_SIZES", s, 1, 3000));
export const runs = wholeNumber("BENCH_RUNS", process.env.BENCH_RUNS ?? "3", 1, 100);
/** Real nodes of the real-node figures' 10-node cluster (scripts/bench/realNodes.ts; node-1 stays simulated); 0 skips them. */
export const realNodes = wholeNumber("BENCH_REAL_NODES", process.env.BENCH_REAL_NODES ?? "3", 0, 9);
export const variant = process.env.BENCH_VARIANT ?? "ts";
export const defaultVariant = variant;
export const variants = ["ts", "checkpoints", "transpile", "tsx", "js"];
/** The ways of starting the program that BENCH_MODE=startup compares (each from its own copy of the project). */
export const startupVariants = ["ts", "transpile", "tsx", "js"];
/**
 * The 3.68 language host that tools/ builds reads its options (typescript, tsconfig, nodeargs) from command-line
 * flags, which the 3.274 CLI no longer passes (it sends Pulumi.yaml's runtime options over RPC): the host always
 * runs with its defaults (typescript on, no tsconfig override, no node arguments). What does reach the program is
 * the environment, which the SDK reads: PULUMI_NODEJS_TRANSPILE_ONLY=true makes ts-node transpile only.
 */
export const variantEnv = (v: string): NodeJS.ProcessEnv =>
  v === "transpile" ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : v === "checkpoints" ? { PULUMI_SKIP_CHECKPOINTS: "false" } : {};
export const outFile = process.env.BENCH_OUT ?? path.join(repoRoot, "BENCHMARKS.md");
export const stackName = "bench";
export const fieldManager = nodeLabelsDefaults.fieldManager;
export const daemonSets = [
  ["monitoring", "node-exporter"],
  ["hdfs", "hdfs-namenode"],
  ["hdfs", "hdfs-journalnode"],
  ["hdfs", "hdfs-datanode"],
] as const;
