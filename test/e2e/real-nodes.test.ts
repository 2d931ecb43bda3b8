// End-to-end on real nodes: node-exporter's pods run under real kubelets (containerd, runc) on the nodes
// `REAL_NODES=N scripts/cluster.sh up` made real (node-2, node-5, node-8 first), and a real Prometheus scrapes
// them through the project's headless Service. Skipped when the cluster has no real nodes (REAL_NODES=0).
// HDFS is disabled in this file's stack: its image is not built for real nodes yet.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { docsYamlBlock, get, sandboxAlertReason, startAlertmanager, startKubeStateMetrics, startPrometheus, toolBin } from "../support/prometheus";
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
  realNodesDir,
  repoRoot,
  run,
  runOk,
  stateDir,
  waitFor,
  type RealNode,
} from "../support/localCluster";
import { assertSucceeded, TestStack } from "../support/pulumi";
import { dashboardQueries } from "../../components/dashboards";
import { ruleFile } from "../../components/monitoring";
import { nodeExporterDashboard } from "../../components/nodeExporterDashboard";
import {
  filesystemExclusionArgs,
  nodeExporterCoverage,
  nodeExporterDefaultAffinity,
  nodeExporterFilesystemExclusions,
  nodeExporterRuleGroups,
  resolveNodeExporterArgs,
} from "../../components/nodeExporter";

const highCpu = { host: "high-cpu" };
const devLabels = { "node-2": highCpu, "node-5": highCpu, "node-8": highCpu };
const nodeExporter = { namespace: "monitoring", name: "node-exporter", selector: "app.kubernetes.io/name=node-exporter" };

function stackConfig(nodeExporterConfig: Record<string, unknown> = {}) {
  return { nodeLabels: devLabels, rolloutTimeoutSeconds: 300, hdfs: { enabled: false }, nodeExporter: nodeExporterConfig };
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

/** A mount table line (/proc/<pid>/mountinfo): mount point (octal escapes undone), fs type, source. */
interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}
function readMountInfo(file: string): MountEntry[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => {
    const fields = line.split(" ");
    const sep = fields.indexOf("-");
    return { mountPoint: unescape(fields[4]), fsType: fields[sep + 1], source: unescape(fields[sep + 2]) };
  });
}

/** The filesystem collector's exclusions as node_exporter applies them, from the component's own lists. */
function exclusionRegexes(e = nodeExporterFilesystemExclusions): { mountPoints: RegExp; fsTypes: RegExp } {
  return {
    mountPoints: new RegExp(`^/(${[...e.mountPoints.upstream, ...e.mountPoints.kubernetes].join("|")})($|/)`),
    fsTypes: new RegExp(`^(${[...e.fsTypes.upstream, ...e.fsTypes.kubernetes].join("|")})$`),
  };
}

/**
 * The smallest EROFS image the kernel mounts: a superblock (at 1024), the root directory's compact inode in
 * block 1 and its two entries ("." and "..") in block 2, 4 KiB blocks. Enough to have an erofs mount to look
 * for in the metrics, without mkfs.erofs.
 */
function minimalErofsImage(): Buffer {
  const block = 4096;
  const img = Buffer.alloc(3 * block);
  const sb = 1024;
  img.writeUInt32LE(0xe0f5e1e2, sb); // magic
  img.writeUInt8(12, sb + 12); // blkszbits: 4 KiB
  img.writeUInt16LE(0, sb + 14); // root_nid
  img.writeBigUInt64LE(1n, sb + 16); // inos
  img.writeUInt32LE(3, sb + 36); // blocks
  img.writeUInt32LE(1, sb + 40); // meta_blkaddr: inodes start at block 1 (nid 0 = its first 32 bytes)
  const inode = block;
  img.writeUInt16LE(0, inode); // i_format: compact inode, flat plain data
  img.writeUInt16LE(0o040755, inode + 4); // i_mode: a directory
  img.writeUInt16LE(2, inode + 6); // i_nlink
  img.writeUInt32LE(2 * 12 + 3, inode + 8); // i_size: two dirents and their names
  img.writeUInt32LE(2, inode + 16); // raw_blkaddr: its data in block 2
  img.writeUInt32LE(1, inode + 20); // i_ino
  const dir = 2 * block;
  for (const [i, nameoff] of [[0, 24], [1, 25]]) {
    img.writeBigUInt64LE(0n, dir + 12 * i); // nid of the root
    img.writeUInt16LE(nameoff, dir + 12 * i + 8);
    img.writeUInt8(2, dir + 12 * i + 10); // file type: directory
  }
  img.write(".", dir + 24);
  img.write("..", dir + 25);
  return img;
}

/**
 * Mounts made for a test in this process's mount namespace (the machine's, the one of PID 1, whose mount table
 * node-exporter reads through hostPID), removed again, with the directories they needed, by `cleanup()`.
 */
class TestMounts {
  private mounts: string[] = [];
  private dirs: string[] = [];
  /** mkdir -p, remembering every level it creates. */
  mkdirs(dir: string): void {
    const created: string[] = [];
    for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) created.push(d);
    fs.mkdirSync(dir, { recursive: true });
    this.dirs.push(...created.reverse());
  }
  async mount(dir: string, args: string[]): Promise<void> {
    this.mkdirs(dir);
    await runOk("mount", [...args, dir]);
    this.mounts.push(dir);
  }
  private nodeMounts: { node: RealNode; dir: string }[] = [];
  /**
   * The filesystem mounted on the machine at `dir`, mounted at the same path in each real node's mount namespace
   * too (the same device, so the same superblock): node-exporter reads the machine's mount table (PID 1's, hostPID)
   * but measures paths in its node's view, whose mount namespace is private (scripts/real-nodes.sh) and gets no
   * mount made on the machine after the node started.
   */
  async mountInNodes(nodes: RealNode[], dir: string): Promise<void> {
    const source = (await runOk("findmnt", ["-n", "-o", "SOURCE", "--mountpoint", dir])).trim();
    for (const node of nodes) {
      await inRealNode(node, "mount", [source, dir]);
      this.nodeMounts.push({ node, dir });
    }
  }
  async cleanup(): Promise<void> {
    for (const { node, dir } of this.nodeMounts.reverse()) await inRealNode(node, "umount", [dir]).catch(() => inRealNode(node, "umount", ["-l", dir]));
    this.nodeMounts = [];
    const left: string[] = [];
    for (const m of this.mounts.reverse()) {
      if ((await run("umount", [m])).exitCode !== 0 && (await run("umount", ["-l", m])).exitCode !== 0) left.push(m);
    }
    for (const d of this.dirs.reverse()) if (!left.some((m) => m.startsWith(d))) fs.rmSync(d, { recursive: true, force: true });
    this.mounts = [];
    this.dirs = [];
    assert.deepEqual(left, [], "test mounts left behind");
  }
}

/** The kubelet's probe counters (`prober_probe_total`, /metrics/probes through the API server), one node. */
async function kubeletProbeCounts(node: string): Promise<Sample[]> {
  return parseMetrics(await kubectl(["get", "--raw", `/api/v1/nodes/${node}/proxy/metrics/probes`])).filter((s) => s.name === "prober_probe_total");
}

const probeTypes = { startupProbe: "Startup", livenessProbe: "Liveness", readinessProbe: "Readiness" } as const;

/**
 * The kubelet ran every probe of the pod's containers (startup, liveness, readiness, as its spec has them) with
 * success, counts no failed liveness or readiness probe, and startup tries that failed only while the server was
 * starting (fewer than the probe's failureThreshold, so no restart); it reported no other Warning event for the pod;
 * every container Ready, never restarted.
 */
async function assertProbesPassed(node: string, podName: string, note: (line: string) => void): Promise<void> {
  const pod = await kubectlJson<any>(["get", "pod", "-n", nodeExporter.namespace, podName]);
  const expected = pod.spec.containers.flatMap((c: any) =>
    Object.entries(probeTypes).filter(([field]) => c[field]).map(([, type]) => ({ container: c.name as string, type })));
  assert.ok(expected.length > 0, `${node}: ${podName} has no probes`);
  const counts = await waitFor(async () => {
    const mine = (await kubeletProbeCounts(node)).filter((s) => s.labels.pod_uid === pod.metadata.uid);
    return expected.every((e: any) => mine.some((s) => s.labels.container === e.container && s.labels.probe_type === e.type && s.labels.result === "successful" && s.value > 0))
      ? mine : false;
  }, 40_000, {
    what: `${node}: the kubelet's successful ${expected.map((e: any) => `${e.container} ${e.type}`).join(", ")} probes of ${podName}`,
    describe: async () => JSON.stringify((await kubeletProbeCounts(node)).filter((s) => s.labels.pod_uid === pod.metadata.uid)),
  });
  // A startup probe may fail before the server in its container listens: that is what it is for (the other probes
  // wait for it, nothing restarts until its failureThreshold). How many tries a start takes is a matter of the
  // machine's load (one or two here when idle; three for kube-rbac-proxy while Go builds ran beside the tests), so it
  // is reported, not bounded; any liveness or readiness failure is a finding.
  const threshold = (container: string) => pod.spec.containers.find((c: any) => c.name === container)?.startupProbe?.failureThreshold ?? 0;
  const failed = counts.filter((s) => s.labels.result !== "successful" && s.value > 0);
  for (const s of failed.filter((s) => s.labels.probe_type === "Startup")) note(`${node}: ${s.labels.container}'s start took ${s.value} failed startup tries`);
  const failures = failed.filter((s) => !(s.labels.probe_type === "Startup" && s.value < threshold(s.labels.container)))
    .map((s) => `${s.labels.container} ${s.labels.probe_type} ${s.labels.result}: ${s.value}`);
  assert.deepEqual(failures, [], `${node}: the kubelet counts probes of ${podName} that did not succeed`);
  const status = (await kubectlJson<any>(["get", "pod", "-n", nodeExporter.namespace, podName])).status;
  assert.equal(status.containerStatuses.length, pod.spec.containers.length);
  for (const cs of status.containerStatuses) {
    assert.equal(cs.ready, true, `${node}: ${cs.name} not ready`);
    assert.equal(cs.restartCount, 0, `${node}: ${cs.name} restarted ${cs.restartCount} times`);
  }
  const events = await kubectlJson<{ items: any[] }>(["get", "events", "-n", nodeExporter.namespace, "--field-selector", `involvedObject.uid=${pod.metadata.uid}`]);
  // MissingClusterDNS: these kubelets have no cluster DNS to give a ClusterFirstWithHostNet pod (the local cluster
  // runs none), so they fall back to the node's resolv.conf and say so; anything else is a finding.
  // and a tolerated startup failure above comes with its Unhealthy event.
  const startupFailed = failed.some((s) => s.labels.probe_type === "Startup");
  const warnings = events.items
    .filter((e) => e.type !== "Normal" && e.reason !== "MissingClusterDNS" && !(startupFailed && e.reason === "Unhealthy" && /^Startup probe failed/.test(e.message)))
    // The kubelet's ConfigMap informer not yet synced when it first set up the API token volume: retried, the pod
    // started (asserted above); seen once on this loaded 2-core machine.
    .filter((e) => !(e.reason === "FailedMount" && /failed to sync configmap cache: timed out waiting for the condition$/.test(e.message)))
    .map((e) => `${e.reason}: ${e.message}`);
  assert.deepEqual(warnings, [], `${node}: Warning events of ${podName}`);
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

  test("1. pulumi up: one node-exporter pod per real node, Running and Ready by the kubelet's probes (no liveness or readiness failure), as rendered", async (t) => {
    stack.setConfig(stackConfig());
    assertSucceeded(await stack.up(), "pulumi up");
    const pods = await onePodPerRealNode(nodes, 60_000);
    for (const n of nodes) await assertProbesPassed(n.name, pods.get(n.name).metadata.name, (line) => t.diagnostic(line));
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

  test("2. GET http://<node IP>:9100/metrics from outside the node: the host's filesystems (exclusions applied), load, the node's network devices", async (t) => {
    // node-exporter runs with hostPID and reads the mount table of PID 1 (through /host/proc): on these nodes that
    // is the machine's own (the nodes share its PID namespace), this process's too. Mounts made here for the test:
    // an erofs image and a credentials tmpfs under excluded fs type and mount point, and a tmpfs that is not
    // excluded (the control: mounts made here do reach the metrics).
    const pid1Table = "/proc/1/mountinfo";
    const rootOf = (t: MountEntry[]) => t.filter((m) => m.mountPoint === "/").at(-1);
    const excluded = exclusionRegexes();
    const ds = await kubectlJson<any>(["get", "daemonset", "-n", nodeExporter.namespace, nodeExporter.name]);
    for (const arg of filesystemExclusionArgs()) assert.ok(ds.spec.template.spec.containers[0].args.includes(arg), `the pods do not run with ${arg}`);
    const fixture = "/run/k8s-daemonsets-e2e-fs";
    const erofsDir = `${fixture}/erofs`;
    const credentialsDir = "/run/credentials/k8s-daemonsets-e2e.service";
    const controlDir = `${fixture}/tmpfs`;
    const erofs = fs.readFileSync("/proc/filesystems", "utf8").split("\n").some((l) => l.trim().split(/\s+/).at(-1) === "erofs");
    const mounts = new TestMounts();
    try {
      mounts.mkdirs(fixture);
      await mounts.mount(controlDir, ["-t", "tmpfs", "-o", "size=1m", "k8sds-e2e-control"]);
      await mounts.mount(credentialsDir, ["-t", "tmpfs", "-o", "size=1m,mode=0700", "k8sds-e2e-credentials"]);
      if (erofs) {
        fs.writeFileSync(`${fixture}/erofs.img`, minimalErofsImage());
        await mounts.mount(erofsDir, ["-t", "erofs", "-o", "ro,loop", `${fixture}/erofs.img`]);
      }
      for (const n of nodes) {
        const before = readMountInfo(pid1Table);
        const r = await get(`http://${n.ip}:9100/metrics`);
        const after = readMountInfo(pid1Table);
        assert.equal(r.status, 200, `${n.name}: ${r.status}`);
        const samples = parseMetrics(r.body);
        const one = (name: string, labels: Record<string, string> = {}) =>
          samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

        // Exclusions: no sample of an excluded mount point or fs type (the component's lists), no erofs, no credentials.
        const fsSamples = samples.filter((s) => s.name.startsWith("node_filesystem_") && s.labels.mountpoint !== undefined);
        assert.ok(fsSamples.length > 0, `${n.name}: no node_filesystem_* samples`);
        for (const s of fsSamples) {
          const what = `${n.name}: ${s.name}{mountpoint="${s.labels.mountpoint}",fstype="${s.labels.fstype}"}`;
          assert.doesNotMatch(s.labels.mountpoint, excluded.mountPoints, `${what}: an excluded mount point`);
          assert.doesNotMatch(s.labels.fstype ?? "", excluded.fsTypes, `${what}: an excluded fs type`);
          assert.notEqual(s.labels.fstype, "erofs", what);
          assert.ok(!s.labels.mountpoint.startsWith("/run/credentials/"), what);
        }
        // ... while those mounts are in the table node-exporter reads, and everything else of it is reported.
        const table = [...before, ...after];
        for (const [dir, fsType] of [[credentialsDir, "tmpfs"], [controlDir, "tmpfs"], ...(erofs ? [[erofsDir, "erofs"]] : [])]) {
          assert.ok(before.some((m) => m.mountPoint === dir && m.fsType === fsType), `${dir} (${fsType}) is not in ${pid1Table}`);
        }
        const isExcluded = (m: MountEntry) => excluded.mountPoints.test(m.mountPoint) || excluded.fsTypes.test(m.fsType);
        assert.ok(isExcluded(before.find((m) => m.mountPoint === credentialsDir)!), `${credentialsDir} not excluded by the component's mount points`);
        if (erofs) assert.ok(isExcluded(before.find((m) => m.mountPoint === erofsDir)!), "erofs not excluded by the component's fs types");
        const reported = new Set(fsSamples.map((s) => s.labels.mountpoint));
        const keptBoth = new Set(before.filter((m) => !isExcluded(m) && after.some((a) => a.mountPoint === m.mountPoint)).map((m) => m.mountPoint));
        const keptEither = new Set(table.filter((m) => !isExcluded(m)).map((m) => m.mountPoint));
        assert.ok(keptBoth.has(controlDir), `${controlDir} is excluded: the control proves nothing`);
        for (const mp of keptBoth) assert.ok(reported.has(mp), `${n.name}: ${mp} (not excluded, in ${pid1Table}) is not reported; reported: ${[...reported]}`);
        for (const mp of reported) assert.ok(keptEither.has(mp), `${n.name}: ${mp} is reported but is no mount of ${pid1Table}`);
        if (!erofs) t.diagnostic("the kernel has no erofs: only the fs-type regex is checked for it");

        // `/`: the machine's root entry of that table (device, fs type), measured through /host/root, i.e. the
        // node's own `/`, which is that same filesystem: against statfs of the node's root as seen from the
        // machine (/proc/<node's namespace holder>/root), size, free and available blocks.
        const hostRoot = rootOf(before)!;
        const size = one("node_filesystem_size_bytes", { mountpoint: "/" });
        assert.equal(size.length, 1, `${n.name}: node_filesystem_size_bytes{mountpoint="/"}: ${JSON.stringify(size)}`);
        assert.equal(size[0].labels.device, hostRoot.source, `${n.name}: / device`);
        assert.equal(size[0].labels.fstype, hostRoot.fsType, `${n.name}: / fstype`);
        const statfs = async (p: string) => (await runOk("stat", ["-f", "-c", "%i %S %b %f %a", p])).trim().split(" ");
        const [nodeFsid, ...nodeNumbers] = await statfs(`/proc/${n.holderPid}/root/`);
        const [machineFsid] = await statfs("/");
        assert.equal(nodeFsid, machineFsid, `${n.name}: the node's / is not the machine's / filesystem`);
        const [bsize, blocks, bfree, bavail] = nodeNumbers.map(Number);
        assert.equal(size[0].value, bsize * blocks, `${n.name}: / size ${size[0].value} != statfs ${bsize * blocks}`);
        // free space moves while the machine runs: within 1% of the size (far less than the reserved blocks, so
        // free and available cannot be mistaken for each other where the filesystem reserves any)
        const near = (name: string, expected: number) => {
          const v = one(name, { mountpoint: "/" })[0]?.value;
          assert.ok(v !== undefined && Math.abs(v - expected) < 0.01 * bsize * blocks, `${n.name}: ${name}{mountpoint="/"} ${v} vs statfs ${expected}`);
        };
        near("node_filesystem_free_bytes", bsize * bfree);
        near("node_filesystem_avail_bytes", bsize * bavail);
        assert.equal(one("node_filesystem_readonly", { mountpoint: "/" })[0]?.value, 0, `${n.name}: / reported read-only`);

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
    } finally {
      await mounts.cleanup();
    }
  });

  test("3. a real Prometheus finds every real node through the headless Service (endpointslice role) and scrapes it: up == 1", async () => {
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
    // The scrape config of the configuration reference (test/support/prometheus.ts points it at this cluster).
    const prom = await startPrometheus(docsYamlBlock("configuration.md", "scrape-config"));
    try {
      const up = await waitFor(async () => {
        const result = await prom.query('up{job="node-exporter"}');
        const byNode = new Map(result.map((s) => [s.metric.node, s.value[1]]));
        return nodes.every((n) => byNode.get(n.name) === "1") && result.length === nodes.length ? result : false;
      }, 90_000, { what: "up == 1 for every real node", describe: () => prom.describe() });
      // Each series named and labelled by its node, with its pod (the labels a ServiceMonitor's series get).
      const pods = await kubectlJson<{ items: any[] }>(["get", "pods", "-n", nodeExporter.namespace, "-l", "app.kubernetes.io/name=node-exporter"]);
      const podOn = new Map(pods.items.map((p) => [p.spec.nodeName, p.metadata.name]));
      assert.deepEqual(
        up.map((s) => [s.metric.instance, s.metric.node, s.metric.namespace, s.metric.pod]).sort(),
        nodes.map((n) => [n.name, n.name, nodeExporter.namespace, podOn.get(n.name)]).sort(),
      );
      // and the scraped data is the node's
      const names = (await prom.query('node_uname_info{job="node-exporter"}')).map((s) => s.metric.nodename).sort();
      assert.deepEqual(names, nodes.map((n) => n.name).sort());
    } finally {
      await prom.stop();
    }
  });

  test("4. rbacProxy: probes pass on the kubelet; 9101 closed from outside; /healthz over HTTPS; 401 without a token, 403 without the role, metrics with the scraper's token", async (t) => {
    // the default kube-rbac-proxy image, which the real nodes have (tools/images); the ServiceMonitor (its CRD from
    // the fixtures) makes the component create the scraper's ServiceAccount, ClusterRole and token
    const crd = path.join(repoRoot, "test", "fixtures", "crds", "monitoring.coreos.com_servicemonitors.v0.87.0.yaml");
    await kubectl(["apply", "--server-side", "-f", crd]);
    await kubectl(["wait", "--for=condition=Established", "--timeout=30s", "crd/servicemonitors.monitoring.coreos.com"]);
    try {
      stack.setConfig(stackConfig({ rbacProxy: true, serviceMonitor: true }));
      assertSucceeded(await stack.up(), "pulumi up (rbacProxy, serviceMonitor)");
      const pods = await waitFor(async () => {
        const byNode = await podsByNode();
        const result = new Map<string, any>();
        for (const n of nodes) {
          const p = byNode.get(n.name) ?? [];
          if (p.length !== 1 || !isPodRunning(p[0]) || p[0].spec.containers.length !== 2) return false;
          result.set(n.name, p[0]);
        }
        return result;
      }, 120_000, { what: "node-exporter with kube-rbac-proxy on every real node" });

      // The probes, as the kubelet runs them: node-exporter on the node's 127.0.0.1:9101, the proxy's /healthz over
      // HTTPS (startup, then liveness and readiness), each passed (startup after the tries its start takes, without a restart),
      // no restart.
      const health = 8888;
      const template = (await kubectlJson<any>(["get", "daemonset", "-n", nodeExporter.namespace, nodeExporter.name])).spec.template.spec;
      const [exporter, proxy] = template.containers;
      for (const field of Object.keys(probeTypes)) {
        assert.deepEqual(exporter[field]?.httpGet, { host: "127.0.0.1", path: "/", port: 9101, scheme: "HTTP" }, `node-exporter ${field}`);
        assert.deepEqual(proxy[field]?.httpGet, { path: "/healthz", port: "proxy-health", scheme: "HTTPS" }, `kube-rbac-proxy ${field}`);
      }
      assert.equal(proxy.ports.find((p: any) => p.name === "proxy-health")?.containerPort, health);
      for (const n of nodes) await assertProbesPassed(n.name, pods.get(n.name).metadata.name, (line) => t.diagnostic(line));
  
      await kubectl(["create", "namespace", "rbac-test"]);
      try {
        await kubectl(["create", "serviceaccount", "-n", "rbac-test", "stranger"]);
        const stranger = (await kubectl(["create", "token", "-n", "rbac-test", "stranger"])).trim();
        // the token the ServiceMonitor scrapes with: the component's scraper ServiceAccount, bound to its ClusterRole
        const scraperRole = await kubectlJson<any>(["get", "clusterrole", `${nodeExporter.name}-scraper`]);
        assert.deepEqual(scraperRole.rules, [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
        const secret = await waitFor(async () => {
          const s = await kubectlJson<any>(["get", "secret", "-n", nodeExporter.namespace, `${nodeExporter.name}-scraper-token`]);
          return s.data?.token ? s : false;
        }, 30_000, { what: "the token controller to fill the scraper's token Secret" });
        const scraper = Buffer.from(secret.data.token, "base64").toString("utf8");
        const monitor = await kubectlJson<any>(["get", "servicemonitor", "-n", nodeExporter.namespace, nodeExporter.name]);
        assert.deepEqual(monitor.spec.endpoints[0].authorization, { type: "Bearer", credentials: { name: secret.metadata.name, key: "token" } });
        const tls = { rejectUnauthorized: false }; // the proxy's certificate is self-signed at start-up
        for (const n of nodes) {
          // node-exporter itself listens on the node's 127.0.0.1 only
          await assert.rejects(get(`http://${n.ip}:9101/metrics`), /ECONNREFUSED/, `${n.name}: 9101 reachable`);
          // the proxy's own health endpoint, over HTTPS only
          const healthz = await get(`https://${n.ip}:${health}/healthz`, tls);
          assert.equal(healthz.status, 200, `${n.name}: /healthz ${healthz.status}`);
          assert.equal(healthz.body.trim(), "ok");
          assert.notEqual((await get(`http://${n.ip}:${health}/healthz`).catch(() => ({ status: 0 }))).status, 200, `${n.name}: /healthz over plain HTTP`);
          assert.equal((await get(`https://${n.ip}:9100/metrics`, tls)).status, 401, `${n.name}: no token`);
          assert.equal((await get(`https://${n.ip}:9100/metrics`, { ...tls, headers: { Authorization: `Bearer ${stranger}` } })).status, 403, `${n.name}: token without the role`);
          const ok = await waitFor(async () => {
            const r = await get(`https://${n.ip}:9100/metrics`, { ...tls, headers: { Authorization: `Bearer ${scraper}` } });
            return r.status === 200 ? r : false;
          }, 20_000, { what: `${n.name}: 200 with the scraper's token` });
          const uname = parseMetrics(ok.body).find((s) => s.name === "node_uname_info");
          assert.equal(uname?.labels.nodename, n.name, `${n.name}: the metrics are the node's`);
          assert.ok(parseMetrics(ok.body).some((s) => s.name === "node_filesystem_size_bytes" && s.labels.mountpoint === "/"));
        }
      } finally {
        await kubectl(["delete", "namespace", "rbac-test", "--wait=true", "--timeout=60s"]);
      }
    } finally {
      // back to the default config (no ServiceMonitor) before the CRD goes, also when a check above failed
      stack.setConfig(stackConfig());
      const reset = await stack.up();
      await kubectl(["delete", "-f", crd, "--ignore-not-found", "--wait=true", "--timeout=60s"]);
      assertSucceeded(reset, "pulumi up (rbacProxy and serviceMonitor off again)");
    }
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

  test("7. a real node labelled as an EKS Fargate or a virtual-kubelet node loses its pod, and gets it back unlabelled", async () => {
    // the stack as test 6 left it: the default config
    // the node labels the default affinity keeps the pods off: one label of each expression, each on a node of its own
    const terms = (nodeExporterDefaultAffinity as any).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const avoided: { key: string; value: string }[] = terms.flatMap((t: any) => t.matchExpressions)
      .filter((e: any) => e.operator === "NotIn").map((e: any) => ({ key: e.key, value: e.values[0] }));
    assert.deepEqual(avoided.map((a) => `${a.key}=${a.value}`).sort(), ["eks.amazonaws.com/compute-type=fargate", "type=virtual-kubelet"]);
    assert.ok(nodes.length > avoided.length, "a real node must stay unlabelled, to show its pod stays");
    const labelled = avoided.map((a, i) => ({ ...a, node: nodes[i] }));
    const untouched = nodes.slice(avoided.length);
    const before = await onePodPerRealNode(nodes);
    const nodeCount = (await kubectlJson<{ items: unknown[] }>(["get", "nodes"])).items.length;
    const original = new Map<string, string | undefined>();
    for (const l of labelled) original.set(l.node.name, (await kubectlJson<any>(["get", "node", l.node.name])).metadata.labels?.[l.key]);
    const restore = async () => {
      for (const l of labelled) {
        const was = original.get(l.node.name);
        await kubectl(["label", "node", l.node.name, was === undefined ? `${l.key}-` : `${l.key}=${was}`, "--overwrite"]);
      }
    };
    try {
      for (const l of labelled) await kubectl(["label", "node", l.node.name, `${l.key}=${l.value}`, "--overwrite"]);
      // the DaemonSet controller removes the pods (nothing left, not even terminating) and their processes stop
      await waitFor(async () => {
        const all = await getPods(nodeExporter.namespace, nodeExporter.selector);
        return labelled.every((l) => !all.some((p) => p.spec.nodeName === l.node.name));
      }, 60_000, { what: `no node-exporter pod on ${labelled.map((l) => l.node.name)}` });
      await waitFor(() => labelled.every((l) => processesOf("/bin/node_exporter").every((p) => !p.cgroup.includes(`/k8s-daemonsets/${l.node.name}/`))),
        30_000, { what: "node_exporter to stop on the labelled nodes" });
      const ds = await waitFor(async () => {
        const d = await getDaemonSet(nodeExporter.namespace, nodeExporter.name);
        return d?.status?.desiredNumberScheduled === nodeCount - labelled.length ? d : false;
      }, 30_000, { what: `desiredNumberScheduled ${nodeCount - labelled.length}` });
      assert.equal(ds.status?.numberReady, nodeCount - labelled.length);
      // and none comes back while the label is there
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const byNode = await podsByNode();
      for (const l of labelled) assert.equal(byNode.get(l.node.name), undefined, `${l.node.name} (${l.key}=${l.value}) has a pod again`);
      for (const n of untouched) {
        assert.equal(byNode.get(n.name)?.[0]?.metadata.uid, before.get(n.name).metadata.uid, `${n.name}: its pod changed`);
      }
    } finally {
      await restore();
    }
    const after = await onePodPerRealNode(nodes, 60_000);
    for (const l of labelled) {
      assert.equal((await kubectlJson<any>(["get", "node", l.node.name])).metadata.labels?.[l.key], original.get(l.node.name), `${l.node.name}: ${l.key} not restored`);
      assert.notEqual(after.get(l.node.name).metadata.uid, before.get(l.node.name).metadata.uid, `${l.node.name}: no new pod`);
    }
    for (const n of untouched) assert.equal(after.get(n.name).metadata.uid, before.get(n.name).metadata.uid, `${n.name}: its pod changed`);
    for (const n of nodes) assert.equal((await get(`http://${n.ip}:9100/metrics`)).status, 200, n.name);
  });

  test("8. each kubelet is system:node:<its name> in system:nodes: the Node authorizer and NodeRestriction keep it to its own node", async () => {
    for (const [i, n] of nodes.entries()) {
      const other = nodes[(i + 1) % nodes.length];
      const asKubelet = (args: string[]) =>
        run("kubectl", ["--kubeconfig", path.join(realNodesDir, n.name, "conf", "kubelet.kubeconfig"), "--request-timeout=10s", ...args], { all: true });
      const whoami = JSON.parse(String((await asKubelet(["auth", "whoami", "-o", "json"])).stdout));
      assert.equal(whoami.status.userInfo.username, `system:node:${n.name}`);
      assert.ok(whoami.status.userInfo.groups.includes("system:nodes"), JSON.stringify(whoami.status.userInfo.groups));
      // its own Node: it may annotate it, but not give it a label of the prefix NodeRestriction reserves
      const own = await asKubelet(["annotate", "node", n.name, "--overwrite", "e2e.k8s-daemonsets.io/kubelet-check=own"]);
      assert.equal(own.exitCode, 0, String(own.all));
      await kubectl(["annotate", "node", n.name, "e2e.k8s-daemonsets.io/kubelet-check-"]);
      const reserved = await asKubelet(["label", "node", n.name, "node-restriction.kubernetes.io/e2e=kubelet"]);
      assert.notEqual(reserved.exitCode, 0);
      assert.match(String(reserved.all), /forbidden.*not allowed to modify labels: node-restriction\.kubernetes\.io\/e2e/is);
      // another node's: not even readable (the Node authorizer)
      const foreign = await asKubelet(["annotate", "node", other.name, "--overwrite", "e2e.k8s-daemonsets.io/kubelet-check=foreign"]);
      assert.notEqual(foreign.exitCode, 0);
      assert.match(String(foreign.all), new RegExp(`forbidden.*node '${n.name}' cannot read '${other.name}'`, "is"));
      // a Secret no pod on the node references: refused by the Node authorizer
      const secret = await asKubelet(["get", "secrets", "-n", "kube-system"]);
      assert.notEqual(secret.exitCode, 0);
      assert.match(String(secret.all), /forbidden/i);
    }
  });

  test("9. node-exporter's rules on a real Prometheus: every group loads, each recording rule has a series per real node and each dashboard query a series, a full ext4 raises the filesystem alert and an erofs does not, a node kept off raises the coverage alert, which a real Alertmanager delivers to a webhook; nothing else is active but the sandbox's own", async (t) => {
    // A 16 MiB ext4 (no reserved blocks) filled to the last block, and an erofs image, mounted on the machine (whose
    // mount table every node's exporter reads, test 2) and in each real node's view (mountInNodes), so each node's
    // exporter reports and measures both.
    const mounts = new TestMounts();
    const fixture = "/run/k8s-daemonsets-e2e-alerts";
    const full = `${fixture}/full`;
    try {
      mounts.mkdirs(fixture);
      await runOk("truncate", ["-s", "16M", `${fixture}/ext4.img`]);
      await runOk("mkfs.ext4", ["-q", "-F", "-m", "0", `${fixture}/ext4.img`]);
      await mounts.mount(full, ["-t", "ext4", "-o", "loop", `${fixture}/ext4.img`]);
      await run("dd", ["if=/dev/zero", `of=${full}/fill`, "bs=1M"]); // ends at ENOSPC
      await mounts.mountInNodes(nodes, full);
      if (fs.readFileSync("/proc/filesystems", "utf8").split("\n").some((l) => l.trim().split(/\s+/).at(-1) === "erofs")) {
        fs.writeFileSync(`${fixture}/erofs.img`, minimalErofsImage());
        // on the machine only: its type alone keeps it out of the metrics (and the kernel refuses this loop device a
        // second mount)
        await mounts.mount(`${fixture}/erofs`, ["-t", "erofs", "-o", "ro,loop", `${fixture}/erofs.img`]);
      }
    } catch (e) {
      await mounts.cleanup();
      throw e;
    }
    // On the real nodes only, as in test 3: kwok pods' loopback addresses would fail the Service's EndpointSlice. The
    // new node selector rolls the pods, which then see the mounts above.
    const realOnly = { "kubernetes.io/os": "linux", type: "real" };
    stack.setConfig(stackConfig({ nodeSelector: realOnly }));
    const up = await stack.up().catch(async (e) => { await mounts.cleanup(); throw e; });
    if (up.exitCode !== 0) await mounts.cleanup();
    assertSucceeded(up, "pulumi up (node-exporter on the real nodes only)");
    const keptOff = nodes.at(-1)!.name;
    // The coverage alert fires at once (not after 15 minutes), so that Alertmanager gets it.
    const groups = nodeExporterRuleGroups(resolveNodeExporterArgs({ alertFor: { NodeExporterMissing: "0" } }));
    const ksm = await startKubeStateMetrics(nodeExporterCoverage.nodeLabels);
    const alertmanager = await startAlertmanager();
    const scrape = docsYamlBlock("configuration.md", "scrape-config");
    const prom = await startPrometheus(
      { scrape_configs: [...scrape.scrape_configs, ksm.scrapeConfig], alerting: alertmanager.alerting } as any,
      { "node-exporter.rules.yaml": ruleFile(groups) },
    );
    /** Active alerts (pending or firing) by name, each with its labels. */
    const alerts = async (name?: string) => (await prom.query(name ? `ALERTS{alertname="${name}"}` : "ALERTS")).map((s) => s.metric);
    try {
      // Every group loaded, every rule evaluated without error.
      const loaded = await waitFor(async () => {
        const g = await prom.ruleGroups();
        return g.length === groups.length && g.every((x) => x.rules.every((r) => r.health === "ok")) ? g : false;
      }, 60_000, { what: "every rule group loaded and healthy", describe: async () => JSON.stringify(await prom.ruleGroups()).slice(0, 3000) });
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      assert.deepEqual([...loaded].sort(byName).map((g) => [g.name, g.rules.length]), [...groups].sort(byName).map((g) => [g.name, g.rules.length]));
      t.diagnostic(`rule evaluation time per group (Prometheus' last evaluation, ${nodes.length} real nodes): ${loaded.map((g) => `${g.name} ${(g.evaluationTime * 1000).toFixed(2)} ms`).join(", ")}`);

      // Each recording rule returns a series for every real node (per device for the per-device ones).
      const records = groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
      const missing = async () => {
        const out: string[] = [];
        for (const record of records) {
          const instances = new Set((await prom.query(record)).map((s) => s.metric.instance));
          for (const n of nodes) if (!instances.has(n.name)) out.push(`${record} on ${n.name}`);
        }
        return out;
      };
      await waitFor(async () => (await missing()).length === 0, 90_000, { what: "a series of every recording rule for every real node", describe: async () => (await missing()).join("\n") });
      for (const record of records.filter((r) => r.startsWith("instance_device:"))) {
        for (const s of await prom.query(record)) assert.ok(s.metric.device, `${record} on ${s.metric.instance} has no device`);
      }

      // Every query of the dashboard returns a series (for one real node where it is per node).
      const queries = dashboardQueries(nodeExporterDashboard("node-exporter")).map((q) => q.replaceAll("$instance", nodes[0].name));
      const empty = async () => (await Promise.all(queries.map(async (q) => ((await prom.query(q)).length > 0 ? [] : [q])))).flat();
      await waitFor(async () => (await empty()).length === 0, 60_000, { what: "a series for every dashboard query", describe: async () => (await empty()).join("\n") });

      // ext4 keeps some clusters of its own (about 3 % of so small a filesystem: free 746, available 419 of 14,073
      // blocks, measured), so "available" ends near the critical 3 %: the warning (below 5 %) is what must fire.
      const outOfSpace = await waitFor(async () => {
        const a = (await alerts("NodeFilesystemAlmostOutOfSpace")).filter((m) => m.mountpoint === full);
        return nodes.every((n) => a.some((m) => m.instance === n.name && m.severity === "warning")) ? a : false;
      }, 60_000, {
        what: `NodeFilesystemAlmostOutOfSpace (warning) for ${full} on every real node`,
        describe: async () => JSON.stringify({
          alerts: (await alerts()).filter((m) => m.alertname.startsWith("NodeFilesystem")),
          available: (await prom.query(`node_filesystem_avail_bytes{mountpoint="${full}"} / node_filesystem_size_bytes{mountpoint="${full}"}`)).map((x) => [x.metric.instance, x.value[1]]),
        }),
      });
      assert.ok(outOfSpace.every((m) => m.alertstate === "pending" || m.alertstate === "firing"));
      assert.deepEqual((await alerts()).filter((m) => m.mountpoint?.startsWith(`${fixture}/erofs`)), [], "an alert for the erofs image");

      // node-exporter kept off one real node by the stack's placement: the coverage alert names that node, and only it
      // among the real nodes.
      stack.setConfig(stackConfig({
        nodeSelector: realOnly,
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "NotIn", values: [keptOff] }] }] } } },
      }));
      assertSucceeded(await stack.up(), `pulumi up (node-exporter kept off ${keptOff})`);
      await waitFor(async () => ((await podsByNode()).get(keptOff) ?? []).length === 0, 60_000, { what: `no node-exporter pod on ${keptOff}` });
      const realNames = nodes.map((n) => n.name);
      // (the update rolls every other node's pod too: one still restarting is missing for a moment, then resolves)
      const missingOn = await waitFor(async () => {
        const on = (await alerts("NodeExporterMissing")).map((m) => m.node);
        return on.includes(keptOff) && on.filter((n) => realNames.includes(n)).length === 1 ? on : false;
      }, 120_000, { what: `NodeExporterMissing for ${keptOff} alone among the real nodes`, describe: async () => JSON.stringify(await alerts()) });
      assert.deepEqual(missingOn.filter((n) => realNames.includes(n)), [keptOff]);
      // ... and reaches a webhook receiver through a real Alertmanager.
      const delivered = await waitFor(
        () => alertmanager.received.find((a) => a.labels.alertname === "NodeExporterMissing" && a.labels.node === keptOff),
        60_000, { what: `Alertmanager to deliver NodeExporterMissing for ${keptOff}`, describe: () => JSON.stringify(alertmanager.received.map((a) => a.labels)) },
      );
      assert.equal(delivered.status, "firing");
      assert.equal(delivered.labels.severity, "warning");
      assert.match(delivered.annotations.description, new RegExp(`^Node ${keptOff} should run node-exporter`));
      assert.deepEqual(await alerts("NodeExporterCoverageUnknown"), []);

      // Nothing else is active but what the test caused and what the sandbox raises of its own, each explained.
      const kwokNodes = (await kubectlJson<{ items: any[] }>(["get", "nodes"])).items.map((n) => n.metadata.name).filter((n: string) => !realNames.includes(n));
      const explained = (m: Record<string, string>): string | undefined => {
        if (m.alertname === "NodeExporterMissing" && m.node === keptOff) return "caused: the node the test keeps node-exporter off";
        if (m.alertname === "NodeExporterMissing" && kwokNodes.includes(m.node)) return "caused: the test places node-exporter on the real nodes only (the kwok nodes would fail its EndpointSlice)";
        if (/^NodeFilesystem(AlmostOutOfSpace|SpaceFillingUp)$/.test(m.alertname) && m.mountpoint === full) return "caused: the ext4 the test filled";
        const sandbox = sandboxAlertReason(m, { real: realNames, kwok: kwokNodes });
        return sandbox && `sandbox: ${sandbox}`;
      };
      const active = await alerts();
      const unexplained = active.filter((m) => !explained(m));
      assert.deepEqual(unexplained, [], `active alerts without a reason: ${JSON.stringify(unexplained)}`);
      const reasons = [...new Set(active.map((m) => `${m.alertname} (${m.alertstate}): ${explained(m)}`))].sort();
      for (const r of reasons) t.diagnostic(`active alert, explained: ${r}`);
    } finally {
      await mounts.cleanup();
      await prom.stop();
      await alertmanager.stop();
      await ksm.stop();
      stack.setConfig(stackConfig());
    }
  });
});
