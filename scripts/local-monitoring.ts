// The local environment's monitoring, started by `make up` after the dev stack and stopped by `make down`: the
// pinned Prometheus, Alertmanager and kube-state-metrics, run on this machine on loopback against the local cluster,
// with the documented scrape configs (node-exporter's, HDFS's) and the stack's rule files (as `make rules` writes
// them). Prints their URLs, the targets up per job and the alerts pending or firing, each alert the local environment
// raises of its own with its reason. Processes run detached, their pids and logs in .state/monitoring.
//   node --import tsx scripts/local-monitoring.ts up [stack] | down
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { ruleFile } from "../components/monitoring";
import { nodeExporterCoverage } from "../components/nodeExporter";
import { kdcState } from "../test/support/kerberos";
import { getRealNodes, kubeconfig, kubectlJson, repoRoot, stateDir, waitFor } from "../test/support/localCluster";
import { docsYamlBlock, get, pointAtLocalCluster, sandboxAlertReason, toolBin } from "../test/support/prometheus";
import { stackRuleFiles } from "./render-rules";

const dir = path.join(stateDir, "monitoring");
const ports = { prometheus: 9090, alertmanager: 9093, kubeStateMetrics: 8088, kubeStateMetricsTelemetry: 8089 };
const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;

function down(): void {
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".pid"))) {
    const pid = Number(fs.readFileSync(path.join(dir, f), "utf8"));
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
    fs.rmSync(path.join(dir, f));
  }
}

/** Starts `binary` detached, its output in .state/monitoring/<name>.log, its pid in <name>.pid. */
function start(name: string, binary: string, args: string[]): void {
  const log = fs.openSync(path.join(dir, `${name}.log`), "w");
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", log, log] });
  fs.writeFileSync(path.join(dir, `${name}.pid`), String(child.pid));
  child.unref();
}

/**
 * A documented scrape config (EndpointSlices of the components' Services) as the local cluster needs it: the pods
 * found directly, those of the simulated nodes left out. Pods on kwok nodes carry their node's loopback address,
 * which the apiserver refuses in an EndpointSlice, and one refused endpoint fails the whole slice
 * (docs/local-cluster.md, "Services on a mixed cluster"): the Services of node-exporter and the DataNodes, which run
 * on every node, list nothing here. Same jobs, same labels (instance, node, namespace, pod) as documented.
 */
function podDiscovery(job: any): any {
  const text = JSON.stringify(job)
    .replaceAll('"role":"endpointslice"', '"role":"pod"')
    .replaceAll("__meta_kubernetes_service_name", "__meta_kubernetes_pod_label_app_kubernetes_io_name")
    .replaceAll("__meta_kubernetes_endpointslice_port_name", "__meta_kubernetes_pod_container_port_name")
    .replaceAll("__meta_kubernetes_service_label_", "__meta_kubernetes_pod_label_")
    .replaceAll("-metrics;", ";"); // the HDFS metrics Services are named <role>-metrics, their pods' app <role>
  const converted = JSON.parse(text);
  converted.relabel_configs.unshift({ source_labels: ["__meta_kubernetes_pod_ip"], regex: "127\\..*", action: "drop" });
  return converted;
}

async function up(stack: string): Promise<number> {
  down();
  fs.mkdirSync(path.join(dir, "rules"), { recursive: true });
  const rules = stackRuleFiles(stack);
  for (const [name, groups] of Object.entries(rules)) fs.writeFileSync(path.join(dir, "rules", name), ruleFile(groups));

  // The documented scrape configs; HDFS's over HTTPS with the realm's CA where the stack is Kerberized.
  const nodeExporter = docsYamlBlock("configuration.md", "scrape-config").scrape_configs;
  const hdfs = docsYamlBlock("hdfs.md", "hdfs-scrape-config").scrape_configs;
  const ca = [path.join(kdcState, `stack-${stack}-material`, "ca.crt"), path.join(stateDir, `stack-${stack}-material`, "ca.crt")].find((f) => fs.existsSync(f));
  for (const job of hdfs) {
    if (ca) {
      job.tls_config.ca_file = ca;
    } else {
      // simple mode: plain HTTP on the port named http
      delete job.scheme;
      delete job.tls_config;
      job.relabel_configs[0].regex = job.relabel_configs[0].regex.replace(/;https$/, ";http");
    }
  }
  const kubeStateMetrics = { job_name: "kube-state-metrics", honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${ports.kubeStateMetrics}`] }] };
  const scrapeConfigs = [...[...nodeExporter, ...hdfs].map(podDiscovery), kubeStateMetrics];
  await pointAtLocalCluster(scrapeConfigs);
  fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify({
    global: { scrape_interval: "15s", evaluation_interval: "15s" },
    scrape_configs: scrapeConfigs,
    rule_files: [path.join(dir, "rules", "*.yaml")],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${ports.alertmanager}`] }] }] },
  }));
  // Alerts are kept and shown, sent nowhere: a receiver without integrations.
  fs.writeFileSync(path.join(dir, "alertmanager.yml"), stringify({ route: { receiver: "local", group_by: ["alertname"] }, receivers: [{ name: "local" }] }));

  start("kube-state-metrics", await toolBin("kube-state-metrics", "kube-state-metrics"), [
    `--kubeconfig=${kubeconfig}`, "--host=127.0.0.1", `--port=${ports.kubeStateMetrics}`, "--telemetry-host=127.0.0.1",
    `--telemetry-port=${ports.kubeStateMetricsTelemetry}`, "--resources=nodes", `--metric-labels-allowlist=nodes=[${nodeExporterCoverage.nodeLabels.join(",")}]`,
  ]);
  start("alertmanager", await toolBin("alertmanager", "alertmanager"), [
    `--config.file=${path.join(dir, "alertmanager.yml")}`, `--storage.path=${path.join(dir, "alertmanager-data")}`,
    `--web.listen-address=127.0.0.1:${ports.alertmanager}`, "--cluster.listen-address=",
  ]);
  start("prometheus", await toolBin("prometheus", "prometheus"), [
    `--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "prometheus-data")}`,
    `--web.listen-address=127.0.0.1:${ports.prometheus}`,
  ]);

  // Every target scraped once, then every rule evaluated on what was scraped: then what is up and active is known.
  const api = async (p: string) => JSON.parse((await get(`${prometheusUrl}/api/v1/${p}`)).body).data;
  const scraped = await waitFor(async () => {
    const targets = (await api("targets").catch(() => undefined))?.activeTargets as any[] | undefined;
    return targets && targets.length > 0 && targets.every((t) => t.health !== "unknown") && Math.max(...targets.map((t) => Date.parse(t.lastScrape)));
  }, 120_000, { what: "Prometheus to scrape every target", intervalMs: 1000, describe: () => `logs in ${dir}` });
  await waitFor(async () => {
    const groups = (await api("rules").catch(() => undefined))?.groups as any[] | undefined;
    return groups && groups.length > 0 && groups.every((g) => Date.parse(g.lastEvaluation) > scraped);
  }, 60_000, { what: "Prometheus to evaluate every rule after the scrapes", intervalMs: 1000, describe: () => `logs in ${dir}` });

  const targets = (await api("targets")).activeTargets as any[];
  const byJob = new Map<string, { up: number; total: number }>();
  for (const t of targets) {
    const j = byJob.get(t.labels.job) ?? { up: 0, total: 0 };
    j.total++;
    if (t.health === "up") j.up++;
    byJob.set(t.labels.job, j);
  }
  const alerts = (await api("alerts")).alerts as { labels: Record<string, string>; state: string }[];
  const real = (await getRealNodes()).map((n) => n.name);
  const kwok = (await kubectlJson<{ items: any[] }>(["get", "nodes"])).items.map((n) => n.metadata.name as string).filter((n) => !real.includes(n));
  const rulesLine = Object.entries(rules).map(([f, g]) => `${f} (${g.flatMap((x) => x.rules).length} rules)`).join(", ");
  console.log(`monitoring: Prometheus ${prometheusUrl}, Alertmanager http://127.0.0.1:${ports.alertmanager}; rules ${rulesLine}`);
  console.log(`  targets up: ${[...byJob].map(([job, c]) => `${job} ${c.up}/${c.total}`).join(", ")}`);
  const explained = alerts.map((a) => ({ a, reason: sandboxAlertReason(a.labels, { real, kwok }) }));
  console.log(`  alerts pending or firing: ${alerts.length}${alerts.length ? "" : " (none)"}`);
  const lines = new Map<string, string[]>();
  for (const { a, reason } of explained) {
    const key = `${a.labels.alertname} (${a.state}): ${reason ? `the local environment's own: ${reason}` : "NOT the local environment's own: look at it"}`;
    lines.set(key, [...(lines.get(key) ?? []), a.labels.node ?? a.labels.instance ?? a.labels.namespace ?? ""]);
  }
  for (const [key, where] of lines) console.log(`    ${key} [${where.filter(Boolean).sort().join(", ")}]`);
  console.log(`  stop with make down; processes and logs: ${path.relative(repoRoot, dir)}`);
  return 0;
}

async function main(): Promise<number> {
  const [command, stack = "dev"] = process.argv.slice(2);
  if (command === "up") return up(stack);
  if (command === "down") {
    down();
    return 0;
  }
  console.error("usage: local-monitoring.ts up [stack] | down");
  return 2;
}

main().then((code) => process.exit(code), (e) => { console.error(`local-monitoring: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
