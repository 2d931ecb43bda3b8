// A real Prometheus for the e2e suites: the pinned build (tools family `prometheus`), run on this machine with a
// scrape config from the docs whose Kubernetes service discovery is pointed at the local API server (with its
// admin certificates: in a cluster Prometheus uses its in-cluster credentials), queried over its HTTP API.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { kubeconfig, kubectl, repoRoot, runOk, stateDir } from "./localCluster";

/** A GET over HTTP(S): status and body. */
export function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith("https:") ? https : http;
    const req = lib.get(url, { timeout: 5000, ...options }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`timeout: ${url}`)));
    req.on("error", reject);
  });
}

/** A TCP port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** A binary of a tool family built by tools/build.sh. */
export async function toolBin(family: string, name: string): Promise<string> {
  const dir = (await runOk("bash", ["-c", `source "${repoRoot}/tools/lib.sh" && tool_bin_dir ${family}`])).trim();
  const p = path.join(dir, name);
  assert.ok(fs.existsSync(p), `${name} not built (${p}): run tools/build.sh ${family}`);
  return p;
}

/** The YAML block after `<!-- marker -->` in a docs file, parsed. */
export function docsYamlBlock(file: string, marker: string): any {
  const text = fs.readFileSync(path.join(repoRoot, "docs", file), "utf8");
  const block = new RegExp(`<!-- ${marker} -->\\s*\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(text);
  assert.ok(block, `docs/${file} has no ${marker} example`);
  return parseYaml(block[1]);
}

export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  /** An instant query's series (none while Prometheus does not answer). */
  query(q: string): Promise<Series[]>;
  /** The rule groups it loaded (its /api/v1/rules), each with its rules' names, health and last error. */
  ruleGroups(): Promise<{ name: string; file: string; evaluationTime: number; rules: { name: string; type: string; health: string; lastError?: string }[] }[]>;
  /** Its targets page and output, for a failure's message. */
  describe(): Promise<string>;
  stop(): Promise<void>;
}

/** Points the Kubernetes service discovery of `scrapeConfigs` at the local API server, with its admin certificates. */
export async function pointAtLocalCluster(scrapeConfigs: any[]): Promise<void> {
  const server = (await kubectl(["config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"])).trim();
  const pki = path.join(stateDir, "kwok", "clusters", "daemonsets", "pki");
  for (const job of scrapeConfigs) {
    for (const sd of job.kubernetes_sd_configs ?? []) {
      sd.api_server = server;
      sd.tls_config = { ca_file: path.join(pki, "ca.crt"), cert_file: path.join(pki, "admin.crt"), key_file: path.join(pki, "admin.key") };
    }
  }
}

/**
 * Starts Prometheus with `config` (scrape_configs as documented), scraping and evaluating every 5 s, its
 * Kubernetes service discovery on this cluster; `ruleFiles` (file name -> rule file) are loaded as `rule_files`.
 */
export async function startPrometheus(config: { scrape_configs: any[] }, ruleFiles: Record<string, string> = {}): Promise<RunningPrometheus> {
  const prometheus = await toolBin("prometheus", "prometheus");
  await pointAtLocalCluster(config.scrape_configs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-prometheus-"));
  for (const [name, text] of Object.entries(ruleFiles)) fs.writeFileSync(path.join(dir, name), text);
  const global = { scrape_interval: "5s", scrape_timeout: "4s", evaluation_interval: "5s" };
  fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify({ ...config, global, rule_files: Object.keys(ruleFiles).map((f) => path.join(dir, f)) }));
  const port = await freePort();
  const { execa } = await import("execa");
  const proc = execa(prometheus, [
    `--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn",
  ], { reject: false, all: true });
  return {
    async query(q) {
      const r = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => undefined);
      return r?.status === 200 ? (JSON.parse(r.body).data.result as Series[]) : [];
    },
    async ruleGroups() {
      const r = await get(`http://127.0.0.1:${port}/api/v1/rules`).catch(() => undefined);
      return r?.status === 200 ? JSON.parse(r.body).data.groups : [];
    },
    async describe() {
      return (await get(`http://127.0.0.1:${port}/api/v1/targets`).catch((e) => ({ body: String(e) }))).body.slice(0, 3000) + `\n${proc.all ?? ""}`;
    },
    async stop() {
      proc.kill("SIGTERM");
      await proc;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * kube-state-metrics (the pinned build), run on this machine against the local API server with the admin
 * kubeconfig (in a cluster: its own ServiceAccount), listing nodes only, with the node labels `allowLabels`
 * exported; and the static scrape job that reads it, as `job="kube-state-metrics"`.
 */
export async function startKubeStateMetrics(allowLabels: readonly string[]): Promise<{ scrapeConfig: any; stop(): Promise<void> }> {
  const binary = await toolBin("kube-state-metrics", "kube-state-metrics");
  const [port, telemetryPort] = [await freePort(), await freePort()];
  const { execa } = await import("execa");
  const proc = execa(binary, [
    `--kubeconfig=${kubeconfig}`, "--host=127.0.0.1", `--port=${port}`, "--telemetry-host=127.0.0.1", `--telemetry-port=${telemetryPort}`,
    "--resources=nodes", `--metric-labels-allowlist=nodes=[${allowLabels.join(",")}]`,
  ], { reject: false, all: true });
  return {
    scrapeConfig: { job_name: "kube-state-metrics", honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
    async stop() {
      proc.kill("SIGTERM");
      await proc;
    },
  };
}

/** An alert as Alertmanager's webhook receiver gets it. */
export interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * Alertmanager (the pinned build) on loopback without its cluster port (no gossip), routing every alert at once to
 * a webhook receiver run here; and the `alerting` section that points Prometheus at it.
 */
export async function startAlertmanager(): Promise<{ alerting: any; received: WebhookAlert[]; stop(): Promise<void> }> {
  const binary = await toolBin("alertmanager", "alertmanager");
  const received: WebhookAlert[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(...(JSON.parse(body).alerts as WebhookAlert[]));
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhook = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/alerts`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-alertmanager-"));
  fs.writeFileSync(path.join(dir, "alertmanager.yml"), stringify({
    route: { receiver: "webhook", group_by: ["alertname", "node"], group_wait: "1s", group_interval: "1s", repeat_interval: "1h" },
    receivers: [{ name: "webhook", webhook_configs: [{ url: webhook, send_resolved: false }] }],
  }));
  const port = await freePort();
  const { execa } = await import("execa");
  const proc = execa(binary, [
    `--config.file=${path.join(dir, "alertmanager.yml")}`, `--storage.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn",
  ], { reject: false, all: true });
  return {
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${port}`] }] }] },
    received,
    async stop() {
      proc.kill("SIGTERM");
      await proc;
      await new Promise((resolve) => receiver.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Why the local environment raises an alert of its own, or undefined: kwok nodes have a simulated node-exporter pod
 * that no Prometheus can scrape, and this machine's kernel clock is not synchronised (no NTP here; the real nodes share
 * the machine's clock).
 */
export function sandboxAlertReason(alert: Record<string, string>, nodes: { real: string[]; kwok: string[] }): string | undefined {
  if (alert.alertname === "NodeExporterMissing" && nodes.kwok.includes(alert.node)) {
    return "a kwok node: its node-exporter pod is simulated, with no address to scrape";
  }
  if (alert.alertname === "NodeClockNotSynchronising" && nodes.real.includes(alert.instance)) {
    return "the machine's kernel clock is not synchronised (adjtimex: no NTP here); the real nodes share it";
  }
  return undefined;
}
