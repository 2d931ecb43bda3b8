// Prints node -> real or simulated -> labels this stack applies -> the project's pods on that node, read back
// from the cluster, then the metrics URL of each real node.
import { execFileSync } from "child_process";
import { project } from "../components/project";

const stack = process.argv[2] ?? "dev";
const json = (cmd: string, args: string[]) => JSON.parse(execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 }));

const plan: Record<string, Record<string, string>> = json("pulumi", ["stack", "output", "labelPlan", "--json", "--stack", stack]) ?? {};
const nodes: any[] = json("kubectl", ["get", "nodes", "-o", "json"]).items;
const pods: any[] = json("kubectl", ["get", "pods", "--all-namespaces", "-l", `app.kubernetes.io/part-of=${project}`, "-o", "json"]).items;

const rows = nodes
  .map((n) => n.metadata.name as string)
  .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
  .map((name) => {
    const labels = Object.entries(plan[name] ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "-";
    const here = pods
      .filter((p) => p.spec.nodeName === name)
      .map((p) => `${p.metadata.labels["app.kubernetes.io/name"]}(${p.status.phase})`)
      .sort()
      .join(" ") || "-";
    const node = nodes.find((n) => n.metadata.name === name);
    const kind = node?.metadata.labels?.type === "real" ? "real" : "simulated";
    return [name, kind, labels, here];
  });
const header = ["NODE", "KIND", "LABELS FROM STACK CONFIG", "PODS"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) {
  console.log(row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}

const real = nodes.filter((n) => n.metadata.labels?.type === "real");
if (real.length > 0) {
  console.log("\nmetrics of the real nodes (e.g. curl -s URL | grep ^node_load1):");
  for (const n of real.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, "en", { numeric: true }))) {
    const ip = n.status.addresses?.find((a: any) => a.type === "InternalIP")?.address;
    console.log(`  ${n.metadata.name}  http://${ip}:9100/metrics`);
  }
}
