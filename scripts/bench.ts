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
//                  "real-nodes": only the real-node figures (below);
//                  "unit": only the unit tier's wall time (npm test, 3 runs; no cluster);
//                  "hdfs-protection": only the cost of HDFS's wire protection, privacy vs authentication
//                  (scripts/bench/hdfsProtection.ts: 3 real nodes, BENCH_RUNS write/read pairs of 256 MiB each);
//                  "hdfs-decommission": only the time a drain takes per GiB the drained host holds
//                  (scripts/bench/hdfsDecommission.ts: 4 real nodes, the sizes in BENCH_DECOMMISSION_GIB);
//                  "report": only rewrite BENCHMARKS.md from the kept results
//   BENCH_UNIT     "0" skips the unit tier's wall time (npm test, 3 runs) before the sizes
//   BENCH_REAL_NODES  real nodes of the real-node figures, measured after the sizes on a cluster of 10 nodes:
//                  seconds from `pulumi up` until every real node serves node-exporter's /metrics, the
//                  kubelet's and containerd's memory per real node (default 3, at most 9: node-1 stays simulated;
//                  "0" skips them). BENCH_SIZES, BENCH_RUNS and BENCH_REAL_NODES are checked before anything starts
//   BENCH_OUT      Markdown report (default BENCHMARKS.md in the repository)
//   DAEMONSETS_STATE_DIR  where the cluster, kubeconfig and Pulumi backend live (scripts/env.sh)
//
// Results of every size/variant are kept as JSON in $STATE_DIR/bench-results/ and BENCHMARKS.md is rendered
// from all of them, so sizes can be measured by separate invocations.
//
// The parts (scripts/bench/): settings.ts (the environment above), process.ts (commands, wall time, peak RSS),
// cluster.ts (the cluster per size, apiserver counters), measure.ts (one size, the unit tier), startup.ts
// (BENCH_MODE=startup), realNodes.ts (the real-node figures), report.ts (BENCHMARKS.md).
import * as fs from "node:fs";
import * as path from "node:path";
import { stopCluster } from "./bench/cluster";
import { benchSize, unitTier } from "./bench/measure";
import { log } from "./bench/process";
import { startupTable, table, writeReport } from "./bench/report";
import { benchHdfsDecommission, hdfsDecommissionTable } from "./bench/hdfsDecommission";
import { benchHdfsProtection, hdfsProtectionTable } from "./bench/hdfsProtection";
import { benchRealNodes, realNodesTable } from "./bench/realNodes";
import { realNodes, resultsDir, sizes, variant, work } from "./bench/settings";
import { startup } from "./bench/startup";

async function main(): Promise<void> {
  fs.mkdirSync(work, { recursive: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const mode = process.env.BENCH_MODE;
  if (mode === "report") {
    await writeReport(); // BENCHMARKS.md again from the results kept in $STATE_DIR/bench-results, nothing measured
    return;
  }
  if (mode === "startup") {
    try {
      const s = await startup();
      fs.writeFileSync(path.join(resultsDir, "startup.json"), JSON.stringify(s, null, 1));
      console.log(startupTable(s));
    } finally {
      log("stopping the cluster");
      await stopCluster();
    }
    await writeReport();
    return;
  }
  if (mode === "hdfs-protection") return measureAndReport(mode, benchHdfsProtection, hdfsProtectionTable);
  if (mode === "hdfs-decommission") return measureAndReport(mode, benchHdfsDecommission, hdfsDecommissionTable);
  if (mode === "real-nodes") {
    await realNodeFigures();
    await writeReport();
    return;
  }
  if (mode === "unit" || process.env.BENCH_UNIT !== "0") {
    const unit = await unitTier();
    fs.writeFileSync(path.join(resultsDir, "unit.json"), JSON.stringify(unit));
    log(`unit tier: ${unit.samples.map((x) => `${x.toFixed(1)}s`).join(", ")}`);
  }
  if (mode === "unit") {
    await writeReport();
    return;
  }
  try {
    for (const n of sizes) {
      const result = await benchSize(n);
      fs.writeFileSync(path.join(resultsDir, `size-${n}-${variant}.json`), JSON.stringify(result, null, 1));
      console.log(table([result]));
    }
  } finally {
    log("stopping the cluster");
    await stopCluster();
  }
  if (realNodes > 0) await realNodeFigures();
  await writeReport();
}

/** A mode that measures one thing: its result to results/<mode>.json, its table printed, the report rewritten. */
async function measureAndReport<T>(mode: string, measure: () => Promise<T>, tableOf: (result: T) => string): Promise<void> {
  const result = await measure();
  fs.writeFileSync(path.join(resultsDir, `${mode}.json`), JSON.stringify(result, null, 1));
  console.log(tableOf(result));
  await writeReport();
}

async function realNodeFigures(): Promise<void> {
  if (realNodes === 0) throw new Error("BENCH_MODE=real-nodes needs BENCH_REAL_NODES from 1 to 9, got 0");
  let result;
  try {
    result = await benchRealNodes();
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : err}\n(the real-node figures need real nodes on this machine; BENCH_REAL_NODES=0 skips them)`);
  }
  fs.writeFileSync(path.join(resultsDir, "real-nodes.json"), JSON.stringify(result, null, 1));
  console.log(realNodesTable(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
