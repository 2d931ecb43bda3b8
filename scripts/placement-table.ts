// Prints node -> labels this stack applies -> the project's pods on that node, read back from the cluster.
import { execFileSync } from "child_process";

const stack = process.argv[2] ?? "dev";
const json = (cmd: string, args: string[]) => JSON.parse(execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 }));

const plan: Record<string, Record<string, string>> = json("pulumi", ["stack", "output", "labelPlan", "--json", "--stack", stack]) ?? {};
const nodes: any[] = json("kubectl", ["get", "nodes", "-o", "json"]).items;
const pods: any[] = json("kubectl", ["get", "pods", "--all-namespaces", "-l", "app.kubernetes.io/part-of=k8s-daemonsets", "-o", "json"]).items;

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
    return [name, labels, here];
  });
const header = ["NODE", "LABELS FROM STACK CONFIG", "PODS"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) {
  console.log(row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}
