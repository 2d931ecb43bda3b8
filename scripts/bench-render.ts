// Benchmark helper: evaluates the program (index.ts) once under Pulumi mocks, the way the unit tier does
// (test/support/mocks.ts), and writes the Kubernetes objects it registers as plain manifests, so that
// `kubectl apply --server-side` can be given exactly the objects `pulumi up` creates.
//   node --import tsx scripts/bench-render.ts CONFIG.json OUT.json
// CONFIG.json: the stack config, keys without the project prefix (as in Pulumi.<stack>.yaml).
// OUT.json: {evalSeconds, processSeconds, resources, nodes: [...Node apply objects], objects: [...]}
//   nodes:   one minimal Node per NodePatch (metadata.name + labels only), for the label field manager
//   objects: every other Kubernetes object, cluster-scoped first (Namespaces, PriorityClasses), then the rest
import * as fs from "node:fs";
import { runProgram } from "../test/support/mocks";

async function main(): Promise<void> {
  const [configFile, outFile] = process.argv.slice(2);
  if (!configFile || !outFile) {
    console.error("usage: node --import tsx scripts/bench-render.ts CONFIG.json OUT.json");
    process.exit(2);
  }
  const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
  const t0 = process.hrtime.bigint();
  const run = await runProgram(config);
  const evalSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (run.error) throw run.error;

  const nodes: any[] = [];
  const objects: any[] = [];
  for (const r of run.registered) {
    if (!r.type.startsWith("kubernetes:")) continue;
    if (r.type === "kubernetes:core/v1:NodePatch") {
      nodes.push({ apiVersion: "v1", kind: "Node", metadata: { name: r.inputs.metadata.name, labels: r.inputs.metadata.labels } });
    } else {
      objects.push(r.inputs);
    }
  }
  const rank = (o: any) => (o.kind === "Namespace" ? 0 : o.kind === "PriorityClass" ? 1 : o.kind === "DaemonSet" ? 3 : 2);
  objects.sort((a, b) => rank(a) - rank(b));
  fs.writeFileSync(outFile, JSON.stringify({
    evalSeconds,
    processSeconds: process.uptime(),
    resources: run.registered.length,
    nodes,
    objects,
  }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
