// End-to-end on real nodes: node-exporter's pods run under real kubelets (containerd, runc) on the nodes
// `REAL_NODES=N scripts/cluster.sh up` made real (node-2, node-5, node-8 first), and a real Prometheus scrapes
// them through the project's headless Service. Skipped when the cluster has no real nodes (REAL_NODES=0).
// HDFS is disabled in this file's stack: its image is not built for real nodes yet.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml, stringify } from "yaml";
import {
  clusterScript,
  getDaemonSet,
  getPods,
  getRealNodes,
  inRealNode,
  isPodRunning,
  livePodsByNode,
  kubeconfig,
  kubectl,
  kubectlJson,
  realNodeCount,
  repoRoot,
  run,
  runOk,
  stateDir,
  waitFor,
  type RealNode,
} from "../support/cluster";
import { assertSucceeded, TestStack } from "../support/pulumi";

const highCpu = { host: "high-cpu" };
const devLabels = { "node-2": highCpu, "node-5": highCpu, "node-8": highCpu };
const nodeExporter = { namespace: "monitoring", name: "node-exporter", selector: "app.kubernetes.io/name=node-exporter" };

function stackConfig(nodeExporterConfig: Record<string, unknown> = {}) {
  return { nodeLabels: devLabels, rolloutTimeoutSeconds: 300, hdfsNameNode: { enabled: false }, nodeExporter: nodeExporterConfig };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
/** The Prometheus text format's samples (comments skipped). */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function toolBin(family: string, name: string): Promise<string> {
  const dir = (await runOk("bash", ["-c", `source "${repoRoot}/tools/lib.sh" && tool_bin_dir ${family}`])).trim();
  const p = path.join(dir, name);
  assert.ok(fs.existsSync(p), `${name} not built (${p}): run tools/build.sh ${family}`);
  return p;
}

/** node -> node-exporter's live pods there. */
const podsByNode = () => livePodsByNode(nodeExporter.namespace, nodeExporter.selector);

/** Every real node has exactly one node-exporter pod, Running and Ready by the kubelet's probes. */
async function onePodPerRealNode(nodes: RealNode[], timeoutMs = 120_000): Promise<Map<string, any>> {
  return waitFor(async () => {
    const byNode = await podsByNode();
    const result = new Map<string, any>();
    for (const n of nodes) {
      const pods = byNode.get(n.name) ?? [];
      if (pods.length !== 1 || !isPodRunning(pods[0])) return false;
      result.set(n.name, pods[0]);
    }
    return result;
  }, timeoutMs, {
    what: "one Running, Ready node-exporter pod on every real node",
    describe: async () => kubectl(["get", "pods", "-n", nodeExporter.namespace, "-o", "wide"]),
  });
}

/** The processes of the host whose command line starts with `exe`, with their uid and cgroup. */
function processesOf(exe: string): { pid: number; uid: number; cgroup: string; status: string }[] {
  const out = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0")[0];
      if (cmd !== exe) continue;
      const status = fs.readFileSync(`/proc/${d}/status`, "utf8");
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      const cgroup = fs.readFileSync(`/proc/${d}/cgroup`, "utf8");
      out.push({ pid: Number(d), uid, cgroup, status });
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

describe("node-exporter on real nodes", { skip: realNodeCount === 0 ? "no real nodes (REAL_NODES=0)" : false }, () => {
  const stack = new TestStack("real");
  let nodes: RealNode[] = [];

  before(async () => {
    await stack.init();
    nodes = await getRealNodes();
    assert.equal(nodes.length, realNodeCount, `expected ${realNodeCount} real nodes, found ${nodes.map((n) => n.name)}`);
  });
  after(async () => {
    await stack.destroy();
    await stack.remove();
  });

  test("1. pulumi up: one node-exporter pod per real node, Running and Ready by the kubelet's probes, as rendered", async () => {
    stack.setConfig(stackConfig());
    assertSucceeded(await stack.up(), "pulumi up");
    const pods = await onePodPerRealNode(nodes, 60_000);
    const ds = await kubectlJson<any>(["get", "daemonset", "-n", nodeExporter.namespace, nodeExporter.name]);
    const template = ds.spec.template.spec;
    for (const n of nodes) {
      const pod = await kubectlJson<any>(["get", "pod", "-n", nodeExporter.namespace, pods.get(n.name).metadata.name]);
      const status = pod.status.containerStatuses[0];
      assert.equal(status.ready, true, `${n.name}: container not ready`);
      assert.ok(status.state.running, `${n.name}: container not running`);
      assert.equal(status.restartCount, 0, `${n.name}: restarted ${status.restartCount} times`);
      assert.match(status.containerID, /^containerd:\/\//, `${n.name}: not run by containerd`);
      assert.equal(pod.status.hostIP, n.ip);
      assert.equal(pod.status.podIP, n.ip, "host network: the pod's IP is the node's");
      const c = pod.spec.containers[0];
      assert.deepEqual(c.args, template.containers[0].args);
      assert.ok(c.args.includes("--path.rootfs=/host/root"));
      assert.deepEqual(pod.spec.securityContext, template.securityContext);
      assert.equal(pod.spec.securityContext.runAsUser, 65534);
      assert.deepEqual(c.securityContext, template.containers[0].securityContext);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
      const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m]));
      assert.equal(mounts["/host/root"].mountPropagation, "HostToContainer");
      for (const p of ["/host/proc", "/host/sys", "/host/root"]) assert.equal(mounts[p].readOnly, true, p);
    }
    // The processes themselves: one node_exporter per real node, as nobody, without privileges, in that node's cgroups.
    const procs = processesOf("/bin/node_exporter");
    for (const n of nodes) {
      const mine = procs.filter((p) => p.cgroup.includes(`/k8s-daemonsets/${n.name}/kubepods`));
      assert.equal(mine.length, 1, `${n.name}: ${mine.length} node_exporter processes in its cgroups`);
      const p = mine[0];
      assert.equal(p.uid, 65534, `${n.name}: node_exporter runs as uid ${p.uid}`);
      assert.match(p.status, /^NoNewPrivs:\s+1$/m);
      assert.match(p.status, /^CapEff:\s+0+$/m);
      assert.match(p.status, /^Seccomp:\s+2$/m, "RuntimeDefault seccomp filter");
      const rootLine = fs.readFileSync(`/proc/${p.pid}/mountinfo`, "utf8").split("\n").find((l) => l.split(" ")[4] === "/");
      assert.match(rootLine ?? "", /\sro[,\s]/, `${n.name}: root filesystem not read-only: ${rootLine}`);
    }
  });

  test("2. GET http://<node IP>:9100/metrics from outside the node: the host's filesystem, load, the node's network devices", async () => {
    for (const n of nodes) {
      const r = await get(`http://${n.ip}:9100/metrics`);
      assert.equal(r.status, 200, `${n.name}: ${r.status}`);
      const samples = parseMetrics(r.body);
      const one = (name: string, labels: Record<string, string> = {}) =>
        samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

      // `/` through /host/root, against statfs of `/` in the node's own mount namespace
      const size = one("node_filesystem_size_bytes", { mountpoint: "/" });
      assert.equal(size.length, 1, `${n.name}: node_filesystem_size_bytes{mountpoint="/"}: ${JSON.stringify(size)}`);
      const [bsize, blocks, bavail] = (await inRealNode(n, "stat", ["-f", "-c", "%S %b %a", "/"])).trim().split(" ").map(Number);
      assert.equal(size[0].value, bsize * blocks, `${n.name}: / size ${size[0].value} != statfs ${bsize * blocks}`);
      const avail = one("node_filesystem_avail_bytes", { mountpoint: "/" })[0].value;
      assert.ok(Math.abs(avail - bsize * bavail) < 0.02 * bsize * blocks, `${n.name}: / avail ${avail} vs statfs ${bsize * bavail}`);

      // load: the machine's (one kernel), as /proc/loadavg says
      const load1 = one("node_load1")[0]?.value;
      const hostLoad1 = Number(fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
      assert.ok(load1 !== undefined && Math.abs(load1 - hostLoad1) < Math.max(2, hostLoad1), `${n.name}: node_load1 ${load1}, host ${hostLoad1}`);

      // network devices: the node's namespace (eth0 with its address), not the machine's nor a pod's
      const devices = new Set(one("node_network_receive_bytes_total").map((s) => s.labels.device));
      const nodeLinks = (await runOk("ip", ["-n", n.netns, "-o", "link", "show"])).split("\n").filter(Boolean)
        .map((l) => l.split(": ")[1].split("@")[0]).filter((d) => !/^veth/.test(d));
      assert.deepEqual([...devices].sort(), [...nodeLinks].sort(), `${n.name}: devices ${[...devices]} vs the node's ${nodeLinks}`);
      assert.ok(devices.has("eth0"));
      assert.ok(!devices.has("k8sds-br0"), "the machine's bridge is not the node's");
      const info = one("node_network_info", { device: "eth0" });
      assert.equal(info.length, 1, `${n.name}: node_network_info for eth0 (sysfs of the node's namespace)`);
      assert.equal(one("node_uname_info")[0]?.labels.nodename, n.name, "the node's UTS namespace");

      const failed = one("node_scrape_collector_success").filter((s) => s.value !== 1).map((s) => s.labels.collector);
      for (const c of ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netclass", "netdev", "stat", "uname", "vmstat"]) {
        assert.equal(one("node_scrape_collector_success", { collector: c })[0]?.value, 1, `${n.name}: collector ${c} failed (all failed: ${failed})`);
      }
    }
  });

  test("3. a real Prometheus finds every real node through the headless Service (endpointslice role) and scrapes it: up == 1", async () => {
    const prometheus = await toolBin("prometheus", "prometheus");
    // Pods on kwok nodes have the nodes' loopback addresses (127.0.1.x), which the apiserver refuses in an
    // EndpointSlice, and one refused endpoint makes the controller fail the whole slice: the Service would list
    // no endpoint at all. So here node-exporter runs on the real nodes only (as on a cluster of real nodes).
    stack.setConfig(stackConfig({ nodeSelector: { "kubernetes.io/os": "linux", type: "real" } }));
    assertSucceeded(await stack.up(), "pulumi up (node-exporter on the real nodes only)");
    await waitFor(async () => {
      const slices = await kubectlJson<{ items: any[] }>(["get", "endpointslices", "-n", nodeExporter.namespace, "-l", "kubernetes.io/service-name=node-exporter"]);
      const addresses = slices.items.flatMap((s) => (s.endpoints ?? []).flatMap((e: any) => e.addresses));
      return addresses.length === nodes.length && nodes.every((n) => addresses.includes(n.ip));
    }, 60_000, { what: "the Service's EndpointSlices to list every real node" });
    // The scrape config of the README, pointed at the local API server (in a cluster, Prometheus uses its
    // in-cluster credentials instead).
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const block = /<!-- scrape-config -->\s*```yaml\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, "README.md has no scrape-config example");
    const config = parseYaml(block[1]);
    const server = (await kubectl(["config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"])).trim();
    const pki = path.join(stateDir, "kwok", "clusters", "daemonsets", "pki");
    for (const job of config.scrape_configs) {
      for (const sd of job.kubernetes_sd_configs) {
        sd.api_server = server;
        sd.tls_config = { ca_file: path.join(pki, "ca.crt"), cert_file: path.join(pki, "admin.crt"), key_file: path.join(pki, "admin.key") };
      }
    }
    config.global = { scrape_interval: "5s", scrape_timeout: "4s" };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-prometheus-"));
    fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify(config));
    const port = await freePort();
    const { execa } = await import("execa");
    const proc = execa(prometheus, [
      `--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn",
    ], { reject: false, all: true });
    try {
      const up = await waitFor(async () => {
        const r = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('up{job="node-exporter"}')}`);
        if (r.status !== 200) return false;
        const result = JSON.parse(r.body).data.result as { metric: Record<string, string>; value: [number, string] }[];
        const byNode = new Map(result.map((s) => [s.metric.node, s.value[1]]));
        return nodes.every((n) => byNode.get(n.name) === "1") && result.length === nodes.length ? result : false;
      }, 90_000, {
        what: "up == 1 for every real node",
        describe: async () => (await get(`http://127.0.0.1:${port}/api/v1/targets`)).body.slice(0, 3000) + `\n${proc.all ?? ""}`,
      });
      const instances = up.map((s) => s.metric.instance).sort();
      assert.deepEqual(instances, nodes.map((n) => `${n.ip}:9100`).sort());
      // and the scraped data is the node's
      const r = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('node_uname_info{job="node-exporter"}')}`);
      const names = JSON.parse(r.body).data.result.map((s: any) => s.metric.nodename).sort();
      assert.deepEqual(names, nodes.map((n) => n.name).sort());
    } finally {
      proc.kill("SIGTERM");
      await proc;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("4. rbacProxy: the exporter is not reachable from outside; the proxy answers 401 without a token, 403 without the role, 200 with it", async () => {
    // the default kube-rbac-proxy image, which the real nodes have (tools/images)
    stack.setConfig(stackConfig({ rbacProxy: true }));
    assertSucceeded(await stack.up(), "pulumi up (rbacProxy)");
    await waitFor(async () => {
      const byNode = await podsByNode();
      return nodes.every((n) => {
        const p = byNode.get(n.name) ?? [];
        return p.length === 1 && isPodRunning(p[0]) && p[0].spec.containers.length === 2;
      });
    }, 120_000, { what: "node-exporter with kube-rbac-proxy on every real node" });
    await kubectl(["create", "namespace", "rbac-test"]);
    try {
      await kubectl(["create", "serviceaccount", "-n", "rbac-test", "reader"]);
      await kubectl(["create", "serviceaccount", "-n", "rbac-test", "stranger"]);
      await kubectl(["create", "clusterrole", "rbac-test-metrics-reader", "--verb=get", "--non-resource-url=/metrics"]);
      await kubectl(["create", "clusterrolebinding", "rbac-test-metrics-reader", "--clusterrole=rbac-test-metrics-reader", "--serviceaccount=rbac-test:reader"]);
      const reader = (await kubectl(["create", "token", "-n", "rbac-test", "reader"])).trim();
      const stranger = (await kubectl(["create", "token", "-n", "rbac-test", "stranger"])).trim();
      const tls = { rejectUnauthorized: false }; // the proxy's certificate is self-signed at start-up
      for (const n of nodes) {
        // node-exporter itself listens on the node's 127.0.0.1 only
        await assert.rejects(get(`http://${n.ip}:9101/metrics`), /ECONNREFUSED/, `${n.name}: 9101 reachable`);
        assert.equal((await get(`https://${n.ip}:9100/metrics`, tls)).status, 401, `${n.name}: no token`);
        assert.equal((await get(`https://${n.ip}:9100/metrics`, { ...tls, headers: { Authorization: `Bearer ${stranger}` } })).status, 403, `${n.name}: token without the role`);
        const ok = await waitFor(async () => {
          const r = await get(`https://${n.ip}:9100/metrics`, { ...tls, headers: { Authorization: `Bearer ${reader}` } });
          return r.status === 200 ? r : false;
        }, 20_000, { what: `${n.name}: 200 with the role` });
        assert.match(ok.body, /^node_uname_info\{.*nodename="node-\d+"/m);
      }
    } finally {
      await kubectl(["delete", "clusterrolebinding,clusterrole", "rbac-test-metrics-reader", "--ignore-not-found"]);
      await kubectl(["delete", "namespace", "rbac-test", "--wait=true", "--timeout=60s"]);
    }
    stack.setConfig(stackConfig());
    assertSucceeded(await stack.up(), "pulumi up (rbacProxy off again)");
    await onePodPerRealNode(nodes);
  });

  test("5. a real node leaves and comes back; a new real node joins and gets its pod", async () => {
    const leaving = nodes[nodes.length - 1];
    await clusterScript(["remove-node", leaving.name]);
    await waitFor(async () => !(await podsByNode()).has(leaving.name), 60_000, { what: `no pod on ${leaving.name}` });
    assert.equal(processesOf("/bin/node_exporter").filter((p) => p.cgroup.includes(`/k8s-daemonsets/${leaving.name}/`)).length, 0);
    await assert.rejects(get(`http://${leaving.ip}:9100/metrics`));

    await clusterScript(["add-node", leaving.name, "--real"]);
    await clusterScript(["add-node", "node-12", "--real"]);
    const all = await getRealNodes();
    assert.deepEqual(all.map((n) => n.name).sort(), [...nodes.map((n) => n.name), "node-12"].sort());
    await onePodPerRealNode(all);
    const total = (await getPods(nodeExporter.namespace, nodeExporter.selector)).filter((p) => !p.metadata.deletionTimestamp);
    const nodeCount = (await kubectlJson<{ items: unknown[] }>(["get", "nodes"])).items.length;
    assert.equal(total.length, nodeCount, "one pod per node, nothing duplicated");
    const status = (await getDaemonSet(nodeExporter.namespace, nodeExporter.name))?.status;
    assert.equal(status?.desiredNumberScheduled, nodeCount);
    for (const n of all) assert.equal((await get(`http://${n.ip}:9100/metrics`)).status, 200, n.name);

    await clusterScript(["remove-node", "node-12"]);
    nodes = await getRealNodes();
    await onePodPerRealNode(nodes);
  });

  test("6. the policy pack and Pod Security admission pass the stack on real nodes; a privileged pod is refused before it reaches a node", async () => {
    stack.setConfig(stackConfig());
    const r = await stack.up(["--policy-pack", "policy/analyzer"]);
    assertSucceeded(r, "pulumi up --policy-pack");
    assert.doesNotMatch(r.all, /mandatory/i);
    await onePodPerRealNode(nodes);

    const node = nodes[0];
    await kubectl(["create", "namespace", "psa-real"]);
    try {
      await kubectl(["label", "namespace", "psa-real", "pod-security.kubernetes.io/enforce=baseline"]);
      const pod = {
        apiVersion: "v1", kind: "Pod",
        metadata: { name: "privileged-agent", namespace: "psa-real" },
        spec: {
          nodeName: node.name, hostNetwork: true, hostPID: true,
          containers: [{ name: "agent", image: "quay.io/prometheus/node-exporter:v1.12.1", securityContext: { privileged: true } }],
        },
      };
      const refused = await run("kubectl", ["--kubeconfig", kubeconfig, "apply", "-f", "-"], { input: JSON.stringify(pod), all: true });
      assert.notEqual(refused.exitCode, 0);
      assert.match(String(refused.all), /violates PodSecurity "baseline:latest"/);
      // nothing of it reached the node's runtime
      const ctr = await toolBin("containerd", "ctr");
      const ctrArgs = ["--address", "/run/containerd/containerd.sock", "-n", "k8s.io", "containers"];
      const containers = await inRealNode(node, ctr, [...ctrArgs, "ls", "-q"]);
      assert.ok(containers.trim().length > 0, "ctr lists no container at all: the check below would prove nothing");
      const labels = await Promise.all(containers.split("\n").filter(Boolean).map((id) => inRealNode(node, ctr, [...ctrArgs, "info", id])));
      assert.ok(!labels.some((l) => l.includes("privileged-agent")), "a container of the refused pod exists on the node");
    } finally {
      await kubectl(["delete", "namespace", "psa-real", "--wait=true", "--timeout=60s"]);
    }
  });
});
