// End-to-end on real nodes: the program's HDFS pods, config and first-start script run Hadoop 3.5.0 (the image
// tools/hadoop builds) under real kubelets on node-2, node-5 and node-8, and every assertion reads HDFS's own
// answers: `hdfs haadmin`, `hdfs dfsadmin -report`, `hdfs dfs`. The scenarios run in order on one stack (each
// starts from the state the previous one left), then on a standalone stack. The HA, standalone and ZooKeeper
// suites run with Kerberos (principals and keytabs from the local KDC, keystores from a test CA: the commands run
// as the role, from its keytab), the externally-labelled one in simple mode; a suite of its own checks what
// Kerberos refuses. Skipped without real nodes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { hdfsSiteDefaults } from "../../components/hadoopConfig";
import { hdfsClusterRuleGroups, resolveHdfsClusterArgs } from "../../components/hdfsCluster";
import { hdfsCommonDefaults } from "../../components/hdfsShared";
import { ruleFile } from "../../components/monitoring";
import { dashboardQueries } from "../../components/dashboards";
import { hdfsDashboard } from "../../components/hdfsDashboard";
import {
  clusterScript,
  getPods,
  getRealNodes,
  inRealNode,
  isPodRunning,
  kubectl,
  kubeconfig,
  kubectlJson,
  realBridge,
  realNodeCount,
  run,
  runOk,
  realNodesDir,
  stateDir,
  waitFor,
  type Pod,
  type RealNode,
} from "../support/localCluster";
import { materialSettings, simpleHdfs } from "../support/devStack";
import { kdcAddress, kdcState, localRealm, principalKeytab, serviceKeytabs, serviceTicket, setServiceTicketLifetime, tlsMaterial, userTicket } from "../support/kerberos";
import { docsYamlBlock, startPrometheus } from "../support/prometheus";
import { assertSucceeded, TestStack } from "../support/pulumi";
import {
  clientOpts,
  container,
  copyJournal,
  hdfs,
  hdfsConfig,
  liveDataNodes,
  namespace,
  notServing,
  podsByNode,
  readFile,
  rolesReady,
  serviceStates,
  sh,
  wipeHdfsDirectories,
  writeFile,
} from "../support/realHdfs";
import { tempDir } from "../support/tempDirs";













/**
 * What crosses the real nodes' bridge on the NameNodes' RPC port and the DataNodes' data port (tcpdump) while a
 * 3 MB file of one line repeated, `marker`, is written from node-8's DataNode container and read back from
 * node-2's (replication 3: the pipeline and the read cross the bridge): the capture's size and how often the
 * marker appears in it.
 */
async function wireCapture(marker: string, file: string): Promise<{ bytes: number; hits: number }> {
  const pcap = path.join(tempDir("e2e-wire-"), "capture.pcap");
  const filter = `tcp port ${hdfsSiteDefaults.nameNodeRpcPort} or tcp port ${hdfsSiteDefaults.dataNodeDataPort}`;
  const dump = spawn("tcpdump", ["-i", realBridge, "-U", "-s", "0", "-w", pcap, filter], { stdio: ["ignore", "ignore", "pipe"] });
  let said = "";
  const exited = new Promise<number | null>((resolve) => dump.on("exit", resolve));
  dump.stderr.on("data", (d) => (said += String(d)));
  await waitFor(async () => /listening on/.test(said) || dump.exitCode !== null, 10_000, { what: "tcpdump listening", intervalMs: 100 });
  assert.equal(dump.exitCode, null, `tcpdump: ${said}`);
  try {
    await sh("datanode", "node-8", `set -e; yes '${marker}' | head -c 3000000 > /tmp/wire; ${clientOpts} hdfs dfs -mkdir -p "$(dirname ${file})"; ${clientOpts} hdfs dfs -put -f /tmp/wire ${file}; rm /tmp/wire`);
    const lines = await sh("datanode", "node-2", `${clientOpts} hdfs dfs -cat ${file} | grep -c '${marker}'`);
    assert.ok(Number(lines.trim()) > 100_000, `the file read back holds the marker: ${lines}`);
  } finally {
    dump.kill("SIGINT");
    await exited;
  }
  const captured = fs.readFileSync(pcap);
  let hits = 0;
  for (let at = captured.indexOf(marker); at !== -1; at = captured.indexOf(marker, at + 1)) hits++;
  return { bytes: captured.length, hits };
}

/** The format script's decisions on a node: the `format` init container's log of the pod running now. */
async function formatLog(node: string): Promise<string> {
  const pod = (await podsByNode("namenode")).get(node);
  assert.ok(pod);
  return kubectl(["logs", "-n", namespace, pod.metadata.name, "-c", "format"]);
}


/** HA states once every NameNode of `hosts` answers, with exactly one active (or `active` when given). */
async function oneActive(from: string, hosts: string[], timeoutMs = 180_000): Promise<string> {
  const states = await waitFor(async () => {
    const s = await serviceStates(from);
    const active = hosts.filter((h) => s[h] === "active");
    return hosts.every((h) => s[h] === "active" || s[h] === "standby") && active.length === 1 && s;
  }, timeoutMs, { what: `exactly one active NameNode among ${hosts.join(", ")}`, intervalMs: 3000, describe: async () => JSON.stringify(await serviceStates(from).catch((e) => String(e))) });
  return hosts.find((h) => states[h] === "active")!;
}

/** Pod uids of every HDFS role, by role and node. */
async function podUids(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const role of ["namenode", "journalnode", "datanode"]) {
    for (const [node, pod] of await podsByNode(role)) out[`${role}/${node}`] = pod.metadata.uid!;
  }
  return out;
}

/** Peak memory (cgroup v1 memory.max_usage_in_bytes) of each HDFS pod on the real nodes, in MiB. */
function peakMemoryMiB(pods: Map<string, Pod>, role: string): Record<string, number> {
  const root = "/sys/fs/cgroup/memory/k8s-daemonsets";
  const out: Record<string, number> = {};
  for (const [node, pod] of pods) {
    const uid = pod.metadata.uid!;
    for (const qos of ["", "burstable/", "besteffort/"]) {
      const f = `${root}/${node}/kubepods/${qos}pod${uid}/memory.max_usage_in_bytes`;
      if (fs.existsSync(f)) out[`${role}/${node}`] = Math.round(Number(fs.readFileSync(f, "utf8")) / 2 ** 20);
    }
  }
  return out;
}


/** `pulumi destroy`; a failure is printed (the next stack's start then waits for what it left). */
async function destroyReporting(stack: TestStack): Promise<void> {
  const r = await stack.destroy();
  if (r.exitCode !== 0) console.log(`pulumi destroy of ${stack.name} failed (exit ${r.exitCode}) after ${r.seconds}s:\n${r.all}`);
}

/** Whether `name` resolves in a role's container, and to what (getent: /etc/hosts, then DNS). */
async function resolves(role: string, node: string, name: string): Promise<string> {
  // (getent lists an address once per /etc/hosts line naming it: the node's own name is there twice on its node)
  return [...new Set((await sh(role, node, `getent hosts ${name} | awk '{print $1}' || true`)).trim().split("\n"))].join(",");
}

/** The real nodes a suite runs on, once its `before` has read them. */
interface RealHdfsSuite {
  stack: TestStack;
  real: RealNode[];
  hosts: string[];
  /**
   * Sets the stack's config; in a Kerberos suite with the realm, and each role's keytab and TLS material as Pulumi
   * secrets (made in its `before`).
   */
  configure(config: { hdfs: object } & Record<string, unknown>): Promise<void>;
  /** A Kerberos suite's material: the CA and keystores' directory, and the secret values given to the stack. */
  kerberos?: { dir: string; secrets: Record<string, string> };
}

/** A Kerberos suite's RPC and block transfers authenticated and integrity-checked but not encrypted. */
const authenticationOnly = { security: { rpcProtection: "authentication", dataTransferProtection: "authentication" } };

/** The principals' instance of the test stacks' HDFS (the default cluster name and namespace: `nn/hdfs-k8s.hdfs`). */
const instance = "hdfs-k8s.hdfs";

/** The cluster settings of a Kerberos suite: the local realm (scripts/kdc.sh). */
const kerberosSecurity = { security: { mode: "kerberos", realm: localRealm, kdcs: [kdcAddress] } };

/**
 * A Kerberos suite's material: the service principals and each role's keytab from the local KDC, a CA and each
 * role's keystore for the hosts it runs on (names and addresses), as the stack's secret config values.
 */
async function kerberosMaterial(real: RealNode[], hosts: { namenode: string[]; journalnode: string[]; datanode: string[] }): Promise<{ dir: string; secrets: Record<string, string> }> {
  const dir = tempDir("e2e-kerberos-");
  const byName = (names: string[]) => real.filter((n) => names.includes(n.name)).map((n) => ({ name: n.name, ip: n.ip }));
  const keytabs = await serviceKeytabs(instance, hosts);
  const tls = await tlsMaterial(dir, { namenode: byName(hosts.namenode), journalnode: byName(hosts.journalnode), datanode: byName(hosts.datanode) }, instance);
  const roles = ["namenode", "journalnode", "datanode"] as const;
  return { dir, secrets: Object.fromEntries(materialSettings(Object.fromEntries(roles.map((r) => [r, { keytab: keytabs[r], tls: tls[r] }])))) };
}

/**
 * A describe with a stack of its own on the real nodes (skipped without 3): before its tests, the nodes' HDFS
 * directories wiped (an earlier run's metadata would change what the first start does), `setUp` and the stack
 * created; after them, the stack destroyed (reporting what it leaves) and removed, then `tearDown`.
 */
function realHdfsSuite(
  title: string,
  stackName: string,
  hooks: {
    setUp?: (s: RealHdfsSuite) => Promise<void>;
    tearDown?: (s: RealHdfsSuite) => Promise<void>;
    kerberos?: boolean;
    /** Kerberos: the daemons' tickets live this long (their principals' maxlife; the realm's 3 minutes otherwise). */
    ticketLifetimeSeconds?: number;
  },
  body: (s: RealHdfsSuite) => void,
): void {
  describe(title, { skip: realNodeCount < 3 ? "needs 3 real nodes (REAL_NODES=3)" : false }, () => {
    const suite: RealHdfsSuite = {
      stack: new TestStack(stackName),
      real: [],
      hosts: [],
      async configure(config) {
        if (!suite.kerberos) return suite.stack.setConfig(simpleHdfs(config));
        const own = (config.hdfs as { security?: object }).security;
        suite.stack.setConfig({ ...config, hdfs: { ...config.hdfs, security: { ...kerberosSecurity.security, ...own } } });
        await suite.stack.setSecrets(suite.kerberos.secrets);
      },
    };
    before(async () => {
      suite.real = await getRealNodes();
      suite.hosts = suite.real.map((n) => n.name);
      await wipeHdfsDirectories(suite.real);
      const roleHosts = { namenode: suite.hosts, journalnode: suite.hosts, datanode: suite.hosts };
      if (hooks.kerberos) suite.kerberos = await kerberosMaterial(suite.real, roleHosts);
      if (hooks.kerberos && hooks.ticketLifetimeSeconds) await setServiceTicketLifetime(instance, roleHosts, hooks.ticketLifetimeSeconds);
      await hooks.setUp?.(suite);
      await suite.stack.init();
    });
    after(async () => {
      await destroyReporting(suite.stack);
      await suite.stack.remove();
      await hooks.tearDown?.(suite);
      if (suite.kerberos) fs.rmSync(suite.kerberos.dir, { recursive: true, force: true });
      if (hooks.kerberos && hooks.ticketLifetimeSeconds) {
        await setServiceTicketLifetime(instance, { namenode: suite.hosts, journalnode: suite.hosts, datanode: suite.hosts });
      }
    });
    body(suite);
  });
}

realHdfsSuite("HDFS on real nodes (Kerberos)", "e2e-real-hdfs", { kerberos: true }, (suite) => {
  const { stack } = suite;
  let real: RealNode[];
  let hosts: string[];
  const file = "hdfs://hdfs-k8s/e2e/round-trip";
  let fileSum = "";

  before(() => {
    ({ real, hosts } = suite);
    assert.deepEqual(hosts, ["node-2", "node-5", "node-8"]);
  });

  test("1. HA on the dev stack's three hosts: formatted once, standbys bootstrapped, one active NameNode, every DataNode live, a file round-trips", async () => {
    await suite.configure(hdfsConfig(hosts));
    assertSucceeded(await stack.up(), "pulumi up");
    // pulumi up returns when HDFS serves (the readiness probes, assets/hdfs-ready.sh): every DataNode is live and
    // a NameNode active already, with no wait.
    const [formatHost, ...standbys] = hosts;
    assert.deepEqual(await liveDataNodes(formatHost), hosts, "the DataNodes dfsadmin -report lists live when pulumi up returned");
    assert.equal(await oneActive(formatHost, hosts, 1), formatHost);
    await rolesReady(["journalnode", "namenode", "datanode"], hosts, 1);
    assert.match(await formatLog(formatHost), /formatting the nameservice/);
    for (const n of standbys) assert.match(await formatLog(n), /bootstrapping a standby/);

    // Nobody runs haadmin: the formatting host's postStart hook makes its NameNode active.
    assert.equal(await oneActive(formatHost, hosts), formatHost);
    assert.match(await kubectl(["logs", "-n", namespace, (await podsByNode("namenode")).get(formatHost)!.metadata.name, "-c", "namenode"]),
      /namenode-activate: no NameNode of the nameservice is active: hdfs haadmin -transitionToActive nn-node-2/);

    fileSum = await writeFile("namenode", standbys[0], file, 3 * 1024 * 1024 + 17);
    assert.equal(await readFile("datanode", standbys[1], file), fileSum);
  });

  test("6. node names the cluster's DNS cannot resolve: the pods reach each other through hostAliases of the nodes' InternalIPs", async () => {
    // The machine's own resolver knows no node names (the real nodes' resolv.conf points at 127.0.0.1, no DNS).
    assert.ok(!/\bnode-5\b/.test(fs.readFileSync("/etc/hosts", "utf8")), "the machine's /etc/hosts names no node");
    const ip = Object.fromEntries(real.map((n) => [n.name, n.ip]));
    for (const n of hosts) {
      for (const other of hosts) assert.equal(await resolves("datanode", n, other), ip[other], `${other} from ${n}`);
    }
    const outputs = await stack.outputs();
    assert.deepEqual(outputs.hdfsConfig.hostAliases, hosts.map((h) => ({ ip: ip[h], hostnames: [h] })));
  });

  test("10. WebHDFS with curl on the active NameNode: a create redirected to a DataNode, open, list, delete (with Kerberos: HTTPS, SPNEGO as the daemons' principal, CA-verified)", async () => {
    const active = await oneActive(hosts[0], hosts);
    const ip = Object.fromEntries(real.map((n) => [n.name, n.ip]));
    const secure = suite.kerberos !== undefined;
    const scheme = secure ? "https" : "http";
    const [nameNodePort, dataNodePort] = secure
      ? [hdfsSiteDefaults.nameNodeHttpsPort, hdfsSiteDefaults.dataNodeHttpsPort]
      : [hdfsSiteDefaults.nameNodeHttpPort, hdfsSiteDefaults.dataNodeHttpPort];
    // The NameNode may redirect to a DataNode by name, which this machine does not resolve: curl is told the nodes.
    const resolve = real.flatMap((n) => [nameNodePort, dataNodePort].flatMap((p) => ["--resolve", `${n.name}:${p}:${n.ip}`]));
    const auth = secure ? ["--negotiate", "-u", ":", "--cacert", path.join(suite.kerberos!.dir, "ca.crt")] : [];
    const env = secure ? { ...process.env, ...(await serviceTicket(instance, "namenode")) } : undefined;
    const dir = tempDir("webhdfs-");
    /** One curl request: its final status, its headers (all responses') and its body. */
    const curl = async (args: string[]) => {
      const [headers, body] = [path.join(dir, "headers"), path.join(dir, "body")];
      const r = await run("curl", ["-sS", "--max-time", "60", ...resolve, ...auth, "-D", headers, "-o", body, "-w", "%{http_code}", ...args], env ? { env } : {});
      assert.equal(r.exitCode, 0, `curl ${args.join(" ")}: ${r.stderr}`);
      return { status: Number(r.stdout), headers: fs.readFileSync(headers, "utf8"), body: fs.readFileSync(body, "utf8") };
    };
    const url = (p: string, op: string) => secure
      ? `https://${active}:${nameNodePort}/webhdfs/v1${p}?op=${op}`
      : `http://${ip[active]}:${nameNodePort}/webhdfs/v1${p}?op=${op}&user.name=hadoop`;
    const upload = path.join(dir, "upload");
    fs.writeFileSync(upload, crypto.randomBytes(100_003));
    const sum = crypto.createHash("sha256").update(fs.readFileSync(upload)).digest("hex");
    try {
      // CREATE: the NameNode answers 307 with the DataNode to write to; that DataNode stores the bytes (201).
      const created = await curl(["-X", "PUT", `${url("/e2e/webhdfs/file", "CREATE")}&overwrite=true`]);
      assert.equal(created.status, 307, created.headers + created.body);
      const location = /^location: (\S+)/im.exec(created.headers)?.[1] ?? "";
      const dataNodes = real.flatMap((n) => [n.name, n.ip]).map((h) => h.replace(/\./g, "\\.")).join("|");
      assert.match(location, new RegExp(`^${scheme}://(${dataNodes}):${dataNodePort}/webhdfs/v1/e2e/webhdfs/file\\?op=CREATE`));
      const written = await curl(["-X", "PUT", "-T", upload, location]);
      assert.equal(written.status, 201, written.body);

      // OPEN (redirected to a DataNode that has a replica): the same bytes, and the same through the hdfs CLI.
      const opened = await curl(["-L", url("/e2e/webhdfs/file", "OPEN")]);
      assert.equal(opened.status, 200, opened.body);
      assert.equal(crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "body"))).digest("hex"), sum);
      assert.equal(await readFile("datanode", hosts[2], "hdfs://hdfs-k8s/e2e/webhdfs/file"), sum);

      // LISTSTATUS: the file, its length and owner (the daemons' principal is the hadoop user).
      const listed = await curl([url("/e2e/webhdfs", "LISTSTATUS")]);
      assert.equal(listed.status, 200, listed.body);
      const statuses = (JSON.parse(listed.body) as { FileStatuses: { FileStatus: { pathSuffix: string; length: number; owner: string; type: string }[] } }).FileStatuses.FileStatus;
      assert.deepEqual(statuses.map((f) => [f.pathSuffix, f.type, f.length, f.owner]), [["file", "FILE", 100_003, "hadoop"]]);

      // DELETE, then the file is gone.
      const deleted = await curl(["-X", "DELETE", `${url("/e2e/webhdfs", "DELETE")}&recursive=true`]);
      assert.equal(deleted.status, 200, deleted.body);
      assert.deepEqual(JSON.parse(deleted.body), { boolean: true });
      const gone = await curl([url("/e2e/webhdfs/file", "GETFILESTATUS")]);
      assert.equal(gone.status, 404, gone.body);
      assert.match(gone.body, /FileNotFoundException/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("11. Hadoop's Prometheus endpoint: /prom on every role's web port on every host (with Kerberos: HTTPS, no SPNEGO for /prom only), and each role's metrics Service lists its hosts", async (t) => {
    const secure = suite.kerberos !== undefined;
    const d = hdfsSiteDefaults;
    const ports = secure
      ? { namenode: d.nameNodeHttpsPort, journalnode: d.journalNodeHttpsPort, datanode: d.dataNodeHttpsPort }
      : { namenode: d.nameNodeHttpPort, journalnode: d.journalNodeHttpPort, datanode: d.dataNodeHttpPort };
    const get = async (n: RealNode, port: number, p: string) => {
      const args = secure ? ["--cacert", path.join(suite.kerberos!.dir, "ca.crt"), "--resolve", `${n.name}:${port}:${n.ip}`, `https://${n.name}:${port}${p}`] : [`http://${n.ip}:${port}${p}`];
      const r = await run("curl", ["-sS", "--max-time", "10", "-w", "\n%{http_code}", ...args]);
      assert.equal(r.exitCode, 0, String(r.stderr));
      const out = String(r.stdout);
      return { status: Number(out.slice(out.lastIndexOf("\n") + 1)), body: out.slice(0, out.lastIndexOf("\n")) };
    };
    // name, labels (quoted values may hold any character: a DataNode's storageinfo holds braces), value
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? [-+0-9.eEInfaN]+$/;
    for (const [role, port] of Object.entries(ports)) {
      for (const n of real) {
        const r = await get(n, port, "/prom");
        assert.equal(r.status, 200, `${role} on ${n.name}`);
        const lines = r.body.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
        const bad = lines.filter((l) => !sample.test(l));
        assert.deepEqual(bad.slice(0, 5), [], `${role} on ${n.name}: lines that are not Prometheus samples`);
        assert.ok(lines.length >= 20, `${role} on ${n.name}: ${lines.length} samples`);
        if (n === real[0]) {
          const names = [...new Set(lines.map((l) => sample.exec(l)![1]))];
          t.diagnostic(`${role} /prom: ${lines.length} samples, ${names.length} metrics, e.g. ${names.slice(0, 12).join(" ")}`);
        }
        // Only /prom is left out of SPNEGO: the JMX servlet beside it still asks.
        if (secure) assert.equal((await get(n, port, "/jmx")).status, 401, `${role} /jmx on ${n.name}`);
      }
      // The role's headless Service: one endpoint per host, at the node's address, on the web port.
      await waitFor(async () => {
        const slices = await kubectlJson<{ items: any[] }>(["get", "endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=hdfs-${role}-metrics`]);
        const addresses = slices.items.flatMap((sl) => (sl.endpoints ?? []).flatMap((e: any) => e.addresses)).sort();
        const slicePorts = slices.items.flatMap((sl) => (sl.ports ?? []).map((p: any) => p.port));
        return JSON.stringify(addresses) === JSON.stringify(real.map((n) => n.ip).sort()) && slicePorts.every((p) => p === port) && slicePorts.length > 0;
      }, 60_000, { what: `hdfs-${role}-metrics listing ${real.map((n) => n.ip).join(", ")}` });
    }
  });

  test("4. every HDFS pod deleted at once: back without format, bootstrap or initializeSharedEdits, an active NameNode, the file intact; then a rolling restart", async () => {
    const before = await podUids();
    await kubectl(["delete", "pods", "-n", namespace, "-l", "app.kubernetes.io/part-of=k8s-daemonsets", "--wait=false"]);
    await waitFor(async () => {
      const now = await podUids();
      return Object.keys(before).every((k) => now[k] && now[k] !== before[k]);
    }, 120_000, { what: "every HDFS pod replaced", intervalMs: 2000 });
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    for (const n of hosts) {
      const log = await formatLog(n);
      assert.match(log, /keeping the existing metadata/, n);
      assert.doesNotMatch(log, /formatting|bootstrapping|initializeSharedEdits/, n);
    }
    await oneActive(hosts[0], hosts);
    assert.equal(await readFile("namenode", hosts[1], file), fileSum);

    // A changed property: the config hash changes, every role rolls (one pod at a time), and still one active.
    const uids = await podUids();
    await suite.configure(hdfsConfig(hosts, { hdfsSite: { "dfs.namenode.handler.count": "12" } }));
    assertSucceeded(await stack.up(), "pulumi up (a changed hdfs-site property)");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    const rolled = await podUids();
    for (const k of Object.keys(uids)) assert.notEqual(rolled[k], uids[k], `${k} restarted`);
    assert.match(await sh("namenode", hosts[0], "cat $HADOOP_CONF_DIR/hdfs-site.xml"), /dfs\.namenode\.handler\.count<\/name>\s*<value>12</);
    await oneActive(hosts[0], hosts);
    assert.equal(await readFile("datanode", hosts[2], file), fileSum);
    for (const n of hosts) assert.doesNotMatch(await formatLog(n), /formatting|bootstrapping/, n);
  });

  test("3. failover by the runbook's step: the active NameNode's pod deleted, a standby made active, writes go on", async () => {
    const active = await oneActive(hosts[0], hosts);
    const next = hosts.find((h) => h !== active)!;
    await kubectl(["delete", "pod", "-n", namespace, (await podsByNode("namenode")).get(active)!.metadata.name, "--wait=false"]);
    // docs/hdfs.md, "Failover": with the active NameNode unreachable, haadmin needs --forceactive (it refuses while any
    // other NameNode cannot be asked, and while one is active).
    await waitFor(() => hdfs("namenode", next, ["haadmin", "-transitionToActive", "--forceactive", `nn-${next}`]).then(() => true), 120_000, { what: `nn-${next} active`, intervalMs: 3000 });
    await rolesReady(["namenode"], hosts);
    assert.equal(await oneActive(next, hosts), next, "the restarted NameNode came back as standby, the other stayed active");
    assert.equal(await readFile("namenode", active, file), fileSum);
    const sum = await writeFile("datanode", hosts[2], "hdfs://hdfs-k8s/e2e/after-failover", 1_000_003);
    assert.equal(await readFile("namenode", next, "hdfs://hdfs-k8s/e2e/after-failover"), sum);
  });

  test("3b/8. the active NameNode's node stops (kubelet and runtime) and takes a JournalNode with it: another becomes active, the quorum of two keeps the nameservice writable", async () => {
    const active = await oneActive(hosts[0], hosts);
    const rest = hosts.filter((h) => h !== active);
    await clusterScript(["remove-node", active]);
    const next = rest[0];
    await waitFor(() => hdfs("namenode", next, ["haadmin", "-transitionToActive", "--forceactive", `nn-${next}`]).then(() => true), 120_000, { what: `nn-${next} active`, intervalMs: 3000 });
    assert.equal(await oneActive(next, rest), next);
    assert.equal(await readFile("datanode", rest[1], file), fileSum);
    const sum = await writeFile("namenode", rest[1], "hdfs://hdfs-k8s/e2e/two-journalnodes", 2_000_001);
    assert.equal(await readFile("datanode", next, "hdfs://hdfs-k8s/e2e/two-journalnodes"), sum);

    // 5. The node comes back with an empty disk: its NameNode joins by bootstrap, never a format. A Node object
    // that is new carries none of the stack's labels: the operator's `pulumi refresh` and `pulumi up` put them back.
    // Its JournalNode's journal is gone with the disk, and Hadoop 3.4 does not format a JournalNode from its peers:
    // until the runbook's step (docs/runbooks.md, Replace a disk: the journal directory copied from a healthy
    // JournalNode) it would not serve, so it would never be Ready.
    await clusterScript(["add-node", active, "--real"]);
    real = await getRealNodes();
    await copyJournal(real.find((n) => n.name === next)!, real.find((n) => n.name === active)!);
    assertSucceeded(await stack.refresh(), "pulumi refresh");
    assertSucceeded(await stack.up(), "pulumi up (the labels of the returned node)");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    assert.match(await formatLog(active), active === hosts[0] ? /lost its metadata; bootstrapping/ : /bootstrapping a standby/);
    assert.equal(await oneActive(next, hosts), next);
    await waitFor(async () => (await liveDataNodes(next)).length === 3, 120_000, { what: "three live DataNodes again", intervalMs: 3000 });
    assert.equal(await readFile("namenode", active, file), fileSum);
  });

  test("5. the formatting host's name directory replaced by a fresh filesystem (only lost+found): it bootstraps into it, the nameservice is not reformatted", async () => {
    const formatHost = hosts[0];
    const node = real.find((n) => n.name === formatHost)!;
    const active = await oneActive(hosts[1], hosts);
    const pod = (await podsByNode("namenode")).get(formatHost)!;
    // The disk is replaced under the running NameNode (emptied to a fresh filesystem's lost+found), then its pod
    // is deleted: the DaemonSet's new pod finds the fresh directory at its format step.
    await inRealNode(node, "sh", ["-c", "rm -rf /var/lib/hdfs/name/* /var/lib/hdfs/name/.[!.]*; mkdir -p /var/lib/hdfs/name/lost+found"]);
    await kubectl(["delete", "pod", "-n", namespace, pod.metadata.name, "--wait=false"]);
    if (active === formatHost) {
      // The runbook's step (docs/hdfs.md) for an active NameNode that is gone.
      await waitFor(() => hdfs("namenode", hosts[1], ["haadmin", "-transitionToActive", "--forceactive", `nn-${hosts[1]}`]).then(() => true), 120_000, { what: `nn-${hosts[1]} active`, intervalMs: 3000 });
    }
    await waitFor(async () => (await podsByNode("namenode")).get(formatHost)?.metadata.uid !== pod.metadata.uid, 120_000, { what: "a new NameNode pod on the formatting host" });
    await rolesReady(["namenode"], hosts);
    // The format record (the NameNodes have served) says the nameservice exists, so the host bootstrapped without
    // trying a format: its new metadata is the nameservice's own (the same namespaceID as another NameNode's).
    const log = await formatLog(formatHost);
    assert.match(log, /the nameservice was formatted and served before \(the format record\): this host lost its metadata; bootstrapping/);
    assert.doesNotMatch(log, /formatting the nameservice/);
    const namespaceId = async (n: RealNode) => /^namespaceID=(\d+)$/m.exec(await inRealNode(n, "cat", ["/var/lib/hdfs/name/current/VERSION"]))?.[1];
    const other = real.find((n) => n.name === hosts[1])!;
    assert.ok(await namespaceId(other));
    assert.equal(await namespaceId(node), await namespaceId(other));
    const listing = (await inRealNode(node, "ls", ["-A", "/var/lib/hdfs/name"])).split("\n").filter(Boolean).sort();
    // (in_use.lock: the running NameNode's lock on its directory)
    assert.deepEqual(listing, [".k8s-daemonsets-ha", "current", "in_use.lock", "lost+found"]);
    assert.equal(await oneActive(hosts[1], hosts) !== formatHost, true);
    assert.equal(await readFile("namenode", formatHost, file), fileSum);
    const peak = { ...peakMemoryMiB(await podsByNode("namenode"), "namenode"), ...peakMemoryMiB(await podsByNode("journalnode"), "journalnode"), ...peakMemoryMiB(await podsByNode("datanode"), "datanode") };
    console.log(`peak memory of the HDFS pods (MiB, cgroup memory.max_usage_in_bytes): ${JSON.stringify(peak)}`);
  });
});

realHdfsSuite("HDFS on real nodes: standalone, then HA (Kerberos)", "e2e-real-hdfs-standalone", { kerberos: true }, (suite) => {
  const { stack } = suite;
  let hosts: string[];
  const file = "/e2e/standalone";
  let fileSum = "";

  before(() => {
    hosts = suite.hosts;
  });

  test("2. standalone (one labelled host): the DataNodes of the other real nodes register with it, a file round-trips", async () => {
    await suite.configure(hdfsConfig([hosts[0]], authenticationOnly));
    assertSucceeded(await stack.up(), "pulumi up (standalone)");
    await rolesReady(["namenode"], [hosts[0]]);
    await rolesReady(["datanode"], hosts);
    assert.equal((await podsByNode("journalnode")).size, 0, "no JournalNodes for a standalone NameNode");
    assert.match(await formatLog(hosts[0]), /is empty: formatting/);
    await waitFor(async () => (await liveDataNodes(hosts[0])).length === 3, 120_000, { what: "three live DataNodes", intervalMs: 3000 });
    fileSum = await writeFile("datanode", hosts[1], file, 1_500_007);
    assert.equal(await readFile("datanode", hosts[2], file), fileSum);
  });

  test("W. on the wire with authentication only (this suite's protection): a capture on the nodes' bridge of a file's round trip over the NameNode's RPC and the DataNodes' data ports holds its marker in the clear (K6's counterpart, so that K6 can fail)", async () => {
    const marker = `k8sds-wire-${crypto.randomBytes(8).toString("hex")}`;
    const { bytes, hits } = await wireCapture(marker, "/e2e/wire");
    assert.ok(bytes > 3_000_000, `the capture saw the transfers (${bytes} bytes)`);
    assert.ok(hits > 1000, `the marker in the clear: ${hits} times`);
  });

  // The NameNode DaemonSet rolls every pod at once here (the record says standalone): one at a time would wait
  // forever for the new hosts' NameNodes, which cannot bootstrap before the formatting host has converted.
  test("7. standalone -> HA: two more labelled hosts convert the running NameNode (initializeSharedEdits), the data kept", async () => {
    await suite.configure(hdfsConfig(hosts, authenticationOnly));
    assertSucceeded(await stack.up(), "pulumi up (three NameNode hosts)");
    const ds = await kubectlJson<{ spec: { updateStrategy: { rollingUpdate?: { maxUnavailable?: unknown } } } }>(["get", "daemonset", "-n", namespace, "hdfs-namenode"]);
    assert.equal(ds.spec.updateStrategy.rollingUpdate?.maxUnavailable, "100%", "the conversion rolls every NameNode at once");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    assert.match(await formatLog(hosts[0]), /not yet shared: hdfs namenode -initializeSharedEdits/);
    for (const n of hosts.slice(1)) assert.match(await formatLog(n), /bootstrapping a standby/);
    assert.equal(await oneActive(hosts[0], hosts), hosts[0]);
    assert.equal(await readFile("namenode", hosts[2], `hdfs://hdfs-k8s${file}`), fileSum);
    const sum = await writeFile("namenode", hosts[1], "hdfs://hdfs-k8s/e2e/after-conversion", 700_001);
    assert.equal(await readFile("datanode", hosts[0], "hdfs://hdfs-k8s/e2e/after-conversion"), sum);
  });
});

// Kerberos: the NameNodes on node-2 and node-5, the JournalNodes on all three real nodes (so node-8's kubelet runs
// no NameNode), every keytab and keystore given inline as Pulumi secrets, principals and keytabs from the local KDC.
const journalNodeLabel = "e2e-journalnode";
const deadDataNodeRecheckMs = 15_000;

realHdfsSuite("HDFS on real nodes with Kerberos", "e2e-real-hdfs-kerberos", {}, (suite) => {
  const { stack } = suite;
  let real: RealNode[];
  const nameNodeHosts = ["node-2", "node-5"];
  let dir = "";
  const ports = { nameNode: hdfsSiteDefaults.nameNodeHttpsPort, dataNode: hdfsSiteDefaults.dataNodeHttpsPort };

  /** curl on this machine against the nodes' HTTPS ports (their names resolved to their addresses), CA-verified. */
  const curl = async (args: string[], env: Record<string, string> = {}, cacert = path.join(dir, "ca.crt")) => {
    const resolve = real.flatMap((n) => [ports.nameNode, ports.dataNode].flatMap((p) => ["--resolve", `${n.name}:${p}:${n.ip}`]));
    const [headers, body] = [path.join(dir, "headers"), path.join(dir, "body")];
    const r = await run("curl", ["-sS", "--max-time", "60", "--cacert", cacert, ...resolve, "-D", headers, "-o", body, "-w", "%{http_code}", ...args], { env: { ...process.env, ...env } });
    return { exitCode: r.exitCode, stderr: String(r.stderr), status: Number(r.stdout), headers: fs.existsSync(headers) ? fs.readFileSync(headers, "utf8") : "", body: fs.existsSync(body) ? fs.readFileSync(body, "utf8") : "" };
  };

  before(async () => {
    real = suite.real;
    suite.kerberos = await kerberosMaterial(real, { namenode: nameNodeHosts, journalnode: suite.hosts, datanode: suite.hosts });
    dir = suite.kerberos.dir;
    // A DataNode is dead after 2 rechecks and 10 heartbeats without one: 60 s instead of Hadoop's 10.5 minutes (K8).
    const config = hdfsConfig(nameNodeHosts, { hdfsSite: { "dfs.namenode.heartbeat.recheck-interval": String(deadDataNodeRecheckMs) } });
    const nodeLabels = Object.fromEntries(suite.hosts.map((h) => [h, { ...(nameNodeHosts.includes(h) ? { host: "high-cpu" } : {}), [journalNodeLabel]: "yes" }]));
    await suite.configure({ ...config, nodeLabels, hdfs: { ...config.hdfs, journalNode: { ...config.hdfs.journalNode, nodeSelector: { [journalNodeLabel]: "yes" } } } });
  });

  test("K1. HA with Kerberos: the daemons log in from their keytabs, one active NameNode, every DataNode live (SASL with privacy, HTTPS only), no secret in a ConfigMap or output", async () => {
    const up = await stack.up();
    assertSucceeded(up, "pulumi up (Kerberos)");
    await rolesReady(["journalnode"], suite.hosts);
    await rolesReady(["namenode"], nameNodeHosts);
    await rolesReady(["datanode"], suite.hosts);
    assert.equal(await oneActive(nameNodeHosts[0], nameNodeHosts), nameNodeHosts[0]);
    await waitFor(async () => (await liveDataNodes(nameNodeHosts[1])).length === 3, 120_000, { what: "three live DataNodes", intervalMs: 3000 });
    const sum = await writeFile("datanode", "node-8", "/e2e/kerberos/by-hadoop", 2_000_003);
    assert.equal(await readFile("namenode", "node-5", "/e2e/kerberos/by-hadoop"), sum);
    const shown = [up.all, JSON.stringify(await stack.outputs()), await kubectl(["get", "configmaps", "-n", namespace, "-o", "json"])].join("\n");
    for (const v of Object.values(suite.kerberos!.secrets)) assert.ok(!shown.includes(v), "a keytab, keystore or password in pulumi's output, the stack outputs or a ConfigMap");
  });

  test("K2. without a ticket nothing is served: RPC refused (HADOOP_USER_NAME changes nothing), WebHDFS's user.name= answers 401, the plain HTTP ports are closed", async () => {
    const pod = (await podsByNode("datanode")).get("node-8")!.metadata.name;
    // (kubectl exec directly: not through `sh`, which gets a ticket first)
    const noTicket = (env: string) => kubectl(["exec", "-n", namespace, pod, "-c", "datanode", "--", "bash", "-c", `export KRB5CCNAME=FILE:/tmp/no-ticket; ${env} ${clientOpts} hdfs dfs -ls / 2>&1; echo "exit $?"`]);
    for (const env of ["", "HADOOP_USER_NAME=hadoop"]) {
      const out = await noTicket(env);
      assert.match(out, /Client cannot authenticate via:\[TOKEN, KERBEROS\]/, env);
      assert.match(out, /exit [1-9]/, env);
    }
    const anonymous = await curl([`https://node-2:${ports.nameNode}/webhdfs/v1/?op=LISTSTATUS&user.name=hadoop`]);
    assert.equal(anonymous.status, 401, anonymous.stderr + anonymous.body);
    for (const node of real) {
      for (const port of [hdfsSiteDefaults.nameNodeHttpPort, hdfsSiteDefaults.dataNodeHttpPort, hdfsSiteDefaults.journalNodeHttpPort]) {
        const r = await run("curl", ["-sS", "--max-time", "5", `http://${node.ip}:${port}/`]);
        assert.equal(r.exitCode, 7, `http://${node.name}:${port} must be closed: ${r.stderr}`);
      }
    }
  });

  test("K3. alice, after kinit: a round trip in /user/alice over RPC and WebHDFS (SPNEGO, CA-verified); another user's directory, safe mode and failover refused, and audited", async () => {
    await hdfs("namenode", "node-2", ["dfs", "-mkdir", "-p", "/user/alice", "/user/bob"]);
    await hdfs("namenode", "node-2", ["dfs", "-chown", "alice", "/user/alice"]);
    await hdfs("namenode", "node-2", ["dfs", "-chown", "bob", "/user/bob"]);
    // alice's keytab in a DataNode container (its own ticket cache), then her commands.
    await sh("datanode", "node-8", "cat > /tmp/alice.keytab", [], fs.readFileSync(path.join(kdcState, "users", "alice.keytab")).toString("base64") + "\n")
      .then(() => sh("datanode", "node-8", "base64 -d -i /tmp/alice.keytab > /tmp/alice.kt && rm /tmp/alice.keytab"));
    const asAlice = (cmd: string) => sh("datanode", "node-8", `export KRB5CCNAME=FILE:/tmp/cc-alice ${clientOpts}; kinit -k -t /tmp/alice.kt alice && ${cmd} 2>&1; echo "exit $?"`);
    const roundTrip = await asAlice("head -c 1000003 /dev/urandom > /tmp/a && hdfs dfs -put -f /tmp/a /user/alice/a && hdfs dfs -cat /user/alice/a | sha256sum && sha256sum < /tmp/a && hdfs dfs -stat %u /user/alice/a");
    const sums = [...roundTrip.matchAll(/^([0-9a-f]{64})\s+-$/gm)].map((m) => m[1]);
    assert.equal(sums.length, 2, roundTrip);
    assert.equal(sums[0], sums[1], roundTrip);
    assert.match(roundTrip, /^alice$/m);
    assert.match(await asAlice("hdfs dfs -rm -r /user/bob"), /Permission denied: user=alice, access=WRITE/);
    assert.match(await asAlice("hdfs dfsadmin -safemode enter"), /Access denied for user alice\. Superuser privilege is required/);
    assert.match(await asAlice("hdfs haadmin -transitionToActive --forceactive nn-node-5"), /Access denied for user alice\. Superuser privilege is required for operation transitionToActive/);
    assert.deepEqual(await serviceStates("node-2"), { "node-2": "active", "node-5": "standby" });

    // WebHDFS from this machine with alice's ticket: create (307 to a DataNode over HTTPS) and write, open, list.
    const ticket = await userTicket("alice");
    const url = (p: string, op: string) => `https://node-2:${ports.nameNode}/webhdfs/v1${p}?op=${op}`;
    const upload = path.join(dir, "upload");
    fs.writeFileSync(upload, crypto.randomBytes(200_003));
    const created = await curl(["--negotiate", "-u", ":", "-X", "PUT", `${url("/user/alice/w", "CREATE")}&overwrite=true`], ticket);
    assert.equal(created.status, 307, created.stderr + created.headers + created.body);
    const location = /^location: (\S+)/im.exec(created.headers)?.[1] ?? "";
    assert.match(location, new RegExp(`^https://node-[258]:${ports.dataNode}/webhdfs/v1/user/alice/w\\?op=CREATE&delegation=`));
    const written = await curl(["-X", "PUT", "-T", upload, location], ticket);
    assert.equal(written.status, 201, written.stderr + written.body);
    const opened = await curl(["--negotiate", "-u", ":", "-L", url("/user/alice/w", "OPEN")], ticket);
    assert.equal(opened.status, 200, opened.stderr + opened.body);
    assert.equal(crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "body"))).digest("hex"), crypto.createHash("sha256").update(fs.readFileSync(upload)).digest("hex"));
    const listed = await curl(["--negotiate", "-u", ":", url("/user/alice", "LISTSTATUS")], ticket);
    assert.deepEqual((JSON.parse(listed.body) as { FileStatuses: { FileStatus: { pathSuffix: string; owner: string }[] } }).FileStatuses.FileStatus.map((f) => [f.pathSuffix, f.owner]), [["a", "alice"], ["w", "alice"]]);
    const other = await curl(["--negotiate", "-u", ":", "-X", "PUT", url("/user/bob/x", "MKDIRS")], ticket);
    assert.equal(other.status, 403, other.body);

    // The active NameNode's audit log: alice's refused delete, her file's creation, her refused WebHDFS mkdirs.
    // (ugi= is the user's principal, alice@<realm>)
    const log = await kubectl(["logs", "-n", namespace, (await podsByNode("namenode")).get("node-2")!.metadata.name, "-c", "namenode"]);
    const audit = log.split("\n").filter((l) => l.includes("FSNamesystem.audit")).join("\n");
    assert.match(audit, /allowed=false\s+ugi=alice@K8S-DAEMONSETS\.TEST \(auth:KERBEROS\)\s+ip=\S+\s+cmd=delete\s+src=\/user\/bob\s/);
    assert.match(audit, /allowed=true\s+ugi=alice@K8S-DAEMONSETS\.TEST \(auth:KERBEROS\)\s+ip=\S+\s+cmd=rename\s+src=\/user\/alice\/a\._COPYING_\s+dst=\/user\/alice\/a\s/);
    assert.match(audit, /allowed=false\s+ugi=alice \(auth:KERBEROS\)\s+ip=\S+\s+cmd=mkdirs\s+src=\/user\/bob\/x\s+\S+\s+\S+\s+proto=webhdfs/);
  });

  test("K4. a server certificate from another CA is refused; the CA's own is accepted", async () => {
    const other = await curl([`https://node-5:${ports.nameNode}/`], {}, path.join(dir, "other-ca.crt"));
    assert.equal(other.exitCode, 60, other.stderr);
    assert.match(other.stderr, /certificate/i);
    const own = await curl([`https://node-5:${ports.nameNode}/`]);
    assert.equal(own.exitCode, 0, own.stderr);
    assert.equal(own.status, 401, "TLS accepted, then SPNEGO asked for");
  });

  test("K6. on the wire with privacy (the default): a capture on the nodes' bridge of a file's round trip over the NameNodes' RPC and the DataNodes' data ports never holds its marker (the standalone suite's, with authentication only, does)", async () => {
    const marker = `k8sds-wire-${crypto.randomBytes(8).toString("hex")}`;
    const { bytes, hits } = await wireCapture(marker, "/e2e/kerberos/wire");
    assert.ok(bytes > 3_000_000, `the capture saw the transfers (${bytes} bytes)`);
    assert.equal(hits, 0, "the marker in the clear");
  });

  test("K7. a real Prometheus with the docs' HDFS scrape config (HTTPS, the CA's file) scrapes /prom of every role on every host: up == 1, each series named by its node, the role as job", async () => {
    const config = docsYamlBlock("hdfs.md", "hdfs-scrape-config");
    for (const job of config.scrape_configs) job.tls_config.ca_file = path.join(dir, "ca.crt");
    const prom = await startPrometheus(config);
    const expected = [
      ...nameNodeHosts.map((h) => ["hdfs-namenode", h]),
      ...suite.hosts.map((h) => ["hdfs-journalnode", h]),
      ...suite.hosts.map((h) => ["hdfs-datanode", h]),
    ].map(([job, node]) => `${job} ${node}`).sort();
    try {
      const up = await waitFor(async () => {
        const result = await prom.query('up{job=~"hdfs-.+"}');
        const ok = result.filter((s) => s.value[1] === "1").map((s) => `${s.metric.job} ${s.metric.node}`).sort();
        return JSON.stringify(ok) === JSON.stringify(expected) && result.length === expected.length ? result : false;
      }, 90_000, { what: "up == 1 for every HDFS role on every host", describe: () => prom.describe() });
      for (const s of up) {
        assert.equal(s.metric.instance, s.metric.node);
        assert.equal(s.metric.namespace, namespace);
        assert.match(s.metric.pod, new RegExp(`^${s.metric.job}-`));
      }
      // Hadoop's own records, from every role (not only Prometheus' up)
      const jobs = (await prom.query('count by (job) ({job=~"hdfs-.+", __name__!~"up|scrape_.+"})')).map((s) => s.metric.job).sort();
      assert.deepEqual(jobs, ["hdfs-datanode", "hdfs-journalnode", "hdfs-namenode"]);
    } finally {
      await prom.stop();
    }
  });

  test("K8. the cluster's alerting rules on a real Prometheus: all healthy and none active on a healthy cluster, each dashboard query a series; a stopped DataNode raises HdfsDeadDataNodes; the active NameNode's pod deleted raises HdfsNoActiveNameNode until the runbook's step", async (t) => {
    const config = docsYamlBlock("hdfs.md", "hdfs-scrape-config");
    for (const job of config.scrape_configs) job.tls_config.ca_file = path.join(dir, "ca.crt");
    // The suite's cluster as its stack config gives it; the two alerts under test fire at once rather than after 1 m.
    const groups = hdfsClusterRuleGroups(resolveHdfsClusterArgs({
      nameNodeHosts, journalNodeHosts: suite.hosts, namespace, security: { mode: "simple" },
      alertFor: { HdfsDeadDataNodes: "0", HdfsNoActiveNameNode: "0" },
    }));
    const prom = await startPrometheus(config, { "hdfs.rules.yaml": ruleFile(groups) });
    const active = async (name?: string) => (await prom.query(`ALERTS{namespace="${namespace}"${name ? `,alertname="${name}"` : ""}}`)).map((s) => s.metric);
    const describe = async () => JSON.stringify(await active());
    let stopped: string[] = [];
    try {
      const loaded = await waitFor(async () => {
        const g = await prom.ruleGroups();
        return g.length === 1 && g[0].rules.length === groups[0].rules.length && g[0].rules.every((r) => r.health === "ok") ? g : false;
      }, 60_000, { what: "the HDFS rules loaded and healthy", describe: async () => JSON.stringify(await prom.ruleGroups()).slice(0, 3000) });
      assert.equal(loaded[0].name, `hdfs-${namespace}`);
      t.diagnostic(`rule evaluation time of ${loaded[0].name} (Prometheus' last evaluation): ${(loaded[0].evaluationTime * 1000).toFixed(2)} ms`);
      // A healthy cluster raises nothing once each rule has data for its windows.
      await waitFor(async () => (await prom.query('up{job=~"hdfs-.+"} == 1')).length === 8 && (await active()).length === 0, 180_000, { what: "no active HDFS alert on the healthy cluster", describe });

      // Every query of the HDFS dashboard returns a series for this cluster.
      const queries = dashboardQueries(hdfsDashboard()).map((q) => q.replaceAll("$namespace", namespace));
      const empty = async () => (await Promise.all(queries.map(async (q) => ((await prom.query(q)).length > 0 ? [] : [q])))).flat();
      await waitFor(async () => (await empty()).length === 0, 60_000, { what: "a series for every HDFS dashboard query", describe: async () => (await empty()).join("\n") });

      // node-8's DataNode stopped (SIGSTOP) until the NameNode declares it dead. The kubelet leaves it as it is: its
      // TCP liveness probe still passes, and its exec readiness probe cannot run in a container whose main process
      // is stopped (the runtime refuses the exec; the kubelet drops a probe that errs), so it keeps its last result.
      const node8 = real.find((n) => n.name === "node-8")!;
      const pids = (await runOk("ip", ["netns", "pids", node8.netns])).split("\n").filter(Boolean);
      stopped = pids.filter((p) => { try { return /org\.apache\.hadoop\.hdfs\.server\.datanode\.DataNode/.test(fs.readFileSync(`/proc/${p}/cmdline`, "utf8")); } catch { return false; } });
      assert.equal(stopped.length, 1, `node-8's DataNode process: ${stopped}`);
      await runOk("kill", ["-STOP", ...stopped]);
      const dead = await waitFor(async () => (await active("HdfsDeadDataNodes")).find((m) => m.alertstate === "firing"), 150_000, { what: "HdfsDeadDataNodes firing", describe });
      assert.deepEqual([dead.severity, dead.hastate], ["warning", "active"]);
      await runOk("kill", ["-CONT", ...stopped]);
      stopped = [];
      await waitFor(async () => (await liveDataNodes(nameNodeHosts[0])).length === 3, 120_000, { what: "three live DataNodes again", intervalMs: 3000 });
      await rolesReady(["datanode"], real.map((n) => n.name), 60_000);
      await waitFor(async () => (await active("HdfsDeadDataNodes")).length === 0, 60_000, { what: "HdfsDeadDataNodes resolved", describe });

      // Manual failover: the active role moved to the host that does not format (whose NameNode nothing activates at
      // its start), then that pod deleted: it comes back standby and no NameNode is active until the runbook's step.
      const [formatting, other] = nameNodeHosts;
      await hdfs("namenode", formatting, ["haadmin", "-failover", `nn-${formatting}`, `nn-${other}`]);
      assert.equal(await oneActive(formatting, nameNodeHosts), other);
      await kubectl(["delete", "pod", "-n", namespace, (await podsByNode("namenode")).get(other)!.metadata.name, "--wait=false"]);
      const none = await waitFor(async () => (await active("HdfsNoActiveNameNode")).find((m) => m.alertstate === "firing"), 120_000, { what: "HdfsNoActiveNameNode firing", describe });
      assert.equal(none.severity, "critical");
      // With no active NameNode no DataNode serves: every real one NotReady, saying why.
      const idle = await notServing("datanode", real.map((n) => n.name), /not ready: no running actor heartbeating with an active NameNode within 30s \(.*standby RUNNING/, 150_000);
      t.diagnostic(`no active NameNode: ${idle["node-2"]}`);
      await rolesReady(["namenode"], nameNodeHosts);
      // still none active with both NameNodes back: the alert stays until someone acts
      assert.equal((await active("HdfsNoActiveNameNode")).length, 1);
      await waitFor(() => hdfs("namenode", formatting, ["haadmin", "-transitionToActive", "--forceactive", `nn-${formatting}`]).then(() => true), 120_000, { what: `nn-${formatting} active`, intervalMs: 3000 });
      await waitFor(async () => (await active("HdfsNoActiveNameNode")).length === 0, 60_000, { what: "HdfsNoActiveNameNode resolved by the step", describe });
      assert.equal(await oneActive(formatting, nameNodeHosts), formatting);
      await rolesReady(["datanode"], real.map((n) => n.name), 60_000);
    } finally {
      if (stopped.length > 0) await run("kill", ["-CONT", ...stopped]);
      await prom.stop();
    }
  });

  test("K5. the Node authorizer: node-8's kubelet (no NameNode there) is refused the NameNode's keytab Secret, node-2's is not; node-8 reads its DataNode's", async () => {
    const asKubelet = (node: string, secret: string) =>
      run("kubectl", ["--kubeconfig", path.join(realNodesDir, node, "conf", "kubelet.kubeconfig"), "get", "secret", "-n", namespace, secret, "-o", "name"]);
    const refused = await asKubelet("node-8", "hdfs-namenode-keytab");
    assert.notEqual(refused.exitCode, 0);
    assert.match(String(refused.stderr), /Forbidden|forbidden/);
    assert.match(String(refused.stderr), /no relationship found between node 'node-8' and this object/);
    assert.equal((await asKubelet("node-2", "hdfs-namenode-keytab")).exitCode, 0);
    assert.equal((await asKubelet("node-8", "hdfs-datanode-keytab")).exitCode, 0);
  });
});

// The labels the externally-managed-labels suite sets with kubectl, and its config.
const label = "hdfs-namenode-pool";
/** A node labelled later: a kwok node, so that no real daemon starts there (preview only). */
const later = "node-3";
const externalLabelsConfig = () => {
  const { hdfs, ...rest } = hdfsConfig([]);
  return { ...rest, nodeLabels: {}, hdfs: { ...hdfs, selectorLabelsManagedExternally: true, nameNode: { ...hdfs.nameNode, nodeSelector: { [label]: "yes" } } } };
};
const unlabel = (nodes: string[]) => Promise.all(nodes.map((n) => kubectl(["label", "node", n, `${label}-`])));

realHdfsSuite("HDFS on real nodes: the NameNode's labels managed outside the stack", "e2e-real-hdfs-external", {
  tearDown: (suite) => unlabel([...suite.hosts, later]).then(() => undefined),
}, (suite) => {
  const { stack } = suite;
  let hosts: string[];

  before(() => {
    hosts = suite.hosts;
  });

  test("9. the hosts are the nodes labelled with kubectl: none refused by preview naming the key, three an HA nameservice with an active NameNode; a fourth label shows as a membership change", async () => {
    stack.setConfig(simpleHdfs(externalLabelsConfig()));
    const refused = await stack.preview();
    assert.notEqual(refused.exitCode, 0, refused.all);
    assert.match(refused.all, new RegExp(`k8s-daemonsets:hdfs\\.nameNode\\.nodeSelector: ${label}=yes matches no node in the cluster, so the NameNode would run nowhere`));
    assert.equal((await getPods(namespace)).length, 0, "nothing deployed by the refused preview");

    // Labelled by someone else (kubectl's field manager), in another order than the nodes' natural one.
    for (const n of [...hosts].reverse()) await kubectl(["label", "node", n, `${label}=yes`]);
    assertSucceeded(await stack.up(), "pulumi up (hosts from the cluster)");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    const outputs = await stack.outputs();
    assert.deepEqual(outputs.hdfsConfig.nameNodes.map((n: { host: string }) => n.host), hosts);
    assert.deepEqual(outputs.labelPlan, {}, "the stack applied no label");
    assert.equal(await oneActive(hosts[0], hosts), hosts[0]);
    await waitFor(async () => (await liveDataNodes(hosts[0])).length === 3, 120_000, { what: "three live DataNodes", intervalMs: 3000 });
    const sum = await writeFile("datanode", hosts[1], "hdfs://hdfs-k8s/e2e/external-labels", 1_000_003);
    assert.equal(await readFile("namenode", hosts[2], "hdfs://hdfs-k8s/e2e/external-labels"), sum);

    await kubectl(["label", "node", later, `${label}=yes`]);
    const preview = await stack.preview();
    assertSucceeded(preview, "pulumi preview (a fourth labelled node)");
    assert.match(preview.all, new RegExp(`HDFS NameNode membership change: the plan puts NameNodes on \\[${[...hosts, later].sort((a, b) => a.localeCompare(b, "en", { numeric: true })).join(", ")}\\]`));
    await unlabel([later]);
  });
});

/** The ZooKeeper of the automatic-failover suite: a pod on the third real node's network. */
const zkPod = "e2e-zookeeper";

/**
 * A real ZooKeeper (the one the default Hadoop release depends on, 3.8.6 for 3.5.0: in its HDFS image) on the third
 * real node's network, standalone, its data on the pod's scratch space; an earlier run's pod deleted first. In a
 * Kerberos suite it authenticates clients with SASL/Kerberos as `zookeeper/<its node's name>` (the name its clients
 * are given; clients that do not authenticate may still connect: the znodes' ACLs decide what they may do).
 */
async function startZooKeeper(suite: RealHdfsSuite): Promise<void> {
  const node = suite.real[2];
  await kubectl(["delete", "pod", "-n", "default", zkPod, "--ignore-not-found", "--wait=true"]); // an earlier run's, still terminating
  const sasl = suite.kerberos
    ? {
        env: [
          { name: "ZK_KEYTAB", value: await principalKeytab(`zookeeper/${node.name}`, "zookeeper") },
          { name: "KRB5_CONF", value: fs.readFileSync(path.join(kdcState, "krb5.conf"), "utf8") },
          { name: "JAAS", value: `Server {\n com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/tmp/zk.keytab" storeKey=true useTicketCache=false principal="zookeeper/${node.name}@${localRealm}";\n};\n` },
        ],
        setUp: `echo "$ZK_KEYTAB" | base64 -d > /tmp/zk.keytab && printf '%s' "$KRB5_CONF" > /tmp/krb5.conf && printf '%s' "$JAAS" > /tmp/jaas.conf && ` +
          "printf 'authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\\n' >> /tmp/zoo.cfg && ",
        jvm: "-Djava.security.auth.login.config=/tmp/jaas.conf -Djava.security.krb5.conf=/tmp/krb5.conf ",
      }
    : { env: [], setUp: "", jvm: "" };
  await kubectl(["apply", "-f", "-"], JSON.stringify({
    apiVersion: "v1", kind: "Pod",
    metadata: { name: zkPod, namespace: "default" },
    spec: {
      nodeName: node.name, hostNetwork: true, restartPolicy: "Never",
      containers: [{
        name: "zookeeper", image: hdfsCommonDefaults.image, imagePullPolicy: "Never",
        env: sasl.env,
        command: ["bash", "-c", "printf 'dataDir=/tmp/zk\\nclientPort=2181\\nadmin.enableServer=false\\n4lw.commands.whitelist=ruok\\n' > /tmp/zoo.cfg && " + sasl.setUp +
          `exec java -Xmx128m ${sasl.jvm}-cp '/opt/hadoop/share/hadoop/hdfs/lib/*' org.apache.zookeeper.server.ZooKeeperServerMain /tmp/zoo.cfg`],
        resources: { limits: { memory: "256Mi" } },
      }],
    },
  }));
  await waitFor(async () => isPodRunning((await kubectlJson<Pod>(["get", "pod", "-n", "default", zkPod]))), 120_000, { what: "ZooKeeper running" });
}

/**
 * The ZooKeeper suite's daemons' tickets (the realm's are 3 minutes): test 12 checks them past two lifetimes, which
 * the tests before it have mostly spent by then; the rolling upgrade's steps each outlive one.
 */
const zkSuiteTicketSeconds = 90;

realHdfsSuite("HDFS on real nodes: automatic failover with ZooKeeper, then a rolling upgrade 3.4.1 -> 3.5.0 and back (Kerberos)", "e2e-real-hdfs-zk", {
  kerberos: true,
  ticketLifetimeSeconds: zkSuiteTicketSeconds,
  setUp: startZooKeeper,
  tearDown: () => kubectl(["delete", "pod", "-n", "default", zkPod, "--ignore-not-found", "--wait=false"]).then(() => undefined),
}, (suite) => {
  const { stack } = suite;
  let real: RealNode[];
  let hosts: string[];

  before(() => {
    ({ real, hosts } = suite);
  });

  /**
   * A NameNode's HA state from its own web server (NameNodeStatus over JMX): no JVM start per poll. With Kerberos
   * over HTTPS, SPNEGO as the daemons' principal (a ticket from its keytab, taken once).
   */
  let jmxTicket: Record<string, string> | undefined;
  async function jmxState(node: RealNode): Promise<string> {
    const query = "/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus";
    if (!suite.kerberos) {
      const r = await fetch(`http://${node.ip}:${hdfsSiteDefaults.nameNodeHttpPort}${query}`, { signal: AbortSignal.timeout(3000) });
      return ((await r.json()) as { beans: { State?: string }[] }).beans[0]?.State ?? "unknown";
    }
    jmxTicket ??= await serviceTicket(instance, "namenode");
    const port = hdfsSiteDefaults.nameNodeHttpsPort;
    const r = await run("curl", ["-sS", "--fail", "--max-time", "3", "--negotiate", "-u", ":", "--cacert", path.join(suite.kerberos.dir, "ca.crt"),
      "--resolve", `${node.name}:${port}:${node.ip}`, `https://${node.name}:${port}${query}`], { env: { ...process.env, ...jmxTicket } });
    if (r.exitCode !== 0) {
      // The suite's tickets live zkSuiteTicketSeconds (test 12 waits out two lifetimes): a new one for the next poll.
      jmxTicket = undefined;
      throw new Error(`curl: ${r.stderr}`);
    }
    return (JSON.parse(String(r.stdout)) as { beans: { State?: string }[] }).beans[0]?.State ?? "unknown";
  }

  // The NameNode and ZKFC logs of every NameNode pod, followed from before the active one's deletion (the deleted
  // pod's logs go with it), into files; a failed wait prints their failover lines in time order.
  const followDir = path.join(stateDir, "logs", "real-hdfs-zk");
  const followers: ReturnType<typeof spawn>[] = [];
  function follow(pods: Map<string, Pod>): void {
    for (const f of followers.splice(0)) f.kill();
    fs.rmSync(followDir, { recursive: true, force: true });
    fs.mkdirSync(followDir, { recursive: true });
    for (const [node, pod] of pods) {
      for (const c of ["namenode", "zkfc"]) {
        const out = fs.openSync(path.join(followDir, `${node}-${pod.metadata.name}-${c}.log`), "w");
        followers.push(spawn("kubectl", ["--kubeconfig", kubeconfig, "logs", "-f", "--timestamps", "-n", namespace, pod.metadata.name, "-c", c], { stdio: ["ignore", out, out] }));
      }
    }
  }
  const failoverLine = /HealthMonitor|ActiveStandbyElector|ZKFailoverController|FailoverController|NodeFencer|Transport-level|entered state|Quitting|Trying to make|transition|Couldn't|fenc|HAState|Starting services|Stopping services|NameNodeResourceChecker|resources|safe ?mode|SHUTDOWN_MSG|ERROR|FATAL|Exception|GC|pause/i;
  /** The failover lines of every followed log and of the NameNode pods now running, by time. */
  async function failoverTimeline(): Promise<string> {
    const lines: string[] = [];
    const take = (source: string, text: string) => {
      let inDump = false;
      for (const l of text.split("\n")) {
        if (/Local NN thread dump/.test(l)) inDump = !inDump;
        // of a thread dump, the threads that hold or wait for locks, and the NameNode's HA and edit-log frames
        const keep = inDump ? /BLOCKED|waiting to lock|- locked|monitorHealth|getServiceStatus|transitionTo|HAState|EditLogTailer|StandbyCheckpointer|QuorumJournal|IPC Server handler/.test(l) : failoverLine.test(l);
        if (keep) lines.push(`${l.slice(0, 30)} ${source}: ${l.slice(31, 400)}`);
      }
    };
    if (fs.existsSync(followDir)) for (const f of fs.readdirSync(followDir)) take(f.replace(/\.log$/, ""), fs.readFileSync(path.join(followDir, f), "utf8"));
    for (const [node, pod] of await podsByNode("namenode")) {
      if (fs.existsSync(path.join(followDir, `${node}-${pod.metadata.name}-zkfc.log`))) continue;
      for (const c of ["namenode", "zkfc"]) take(`${node}-${pod.metadata.name}-${c} (new)`, await kubectl(["logs", "--timestamps", "-n", namespace, pod.metadata.name, "-c", c]).catch((e) => String(e)));
    }
    lines.sort();
    return `${lines.length} lines (all of them in ${followDir}):\n${lines.slice(-250).join("\n")}`;
  }

  /** What the NameNodes and ZKFCs say, for a failed wait: each NameNode's HA state and the failover timeline. */
  async function zkfcReport(): Promise<string> {
    const states = await Promise.all(real.map(async (n) => `${n.name}: ${await jmxState(n).catch((e) => String(e))}`));
    return `states (JMX): ${states.join(", ")}\n${await failoverTimeline()}`;
  }

  after(() => {
    for (const f of followers) f.kill();
  });

  // The deleted NameNode's DaemonSet pod is back within seconds. Had its ZKFC died with it, the active lock would
  // have lived until ZooKeeper expired the session (10 s), and the replacement, often back by then, raced the
  // standbys for it and won about one time in three. The zkfc container's preStop hook keeps the ZKFC until the
  // NameNode has stopped: it quits the election and frees the lock while the pod is still terminating.
  const file = "hdfs://hdfs-k8s/e2e/zk";
  let sum = "";

  /**
   * The suite's stack: HA with automatic failover on Hadoop 3.4.1 (the rolling upgrade's starting point). By name
   * (the pods resolve the NameNode hosts'): a Kerberized ZooKeeper client asks for zookeeper/<that name>. For test
   * 12: a standby checkpoints every 30 s (Hadoop's default: an hour), checked every 5 s (default 60 s), has the
   * active roll its edit log every 20 s (default 2 min) and reads the finished segments every 5 s (default 60 s,
   * which also bounds the roll), so that it sees new transactions soon; the same keep the wait for the rollback image
   * of the upgrade's `prepare` short (the standby makes it once it has read the prepare: 65 s with Hadoop's tailing). A NameNode leaves safe mode 3 s past its
   * threshold (Hadoop: 30 s), which each upgrade step and the cold restart wait for.
   */
  const zkConfig = (cluster: Record<string, unknown> = {}) => hdfsConfig(hosts, {
    zookeeperQuorum: [`${real[2].name}:2181`], hadoopVersion: "3.4.1",
    hdfsSite: {
      "dfs.namenode.checkpoint.period": "30", "dfs.namenode.checkpoint.check.period": "5", "dfs.ha.log-roll.period": "20",
      "dfs.ha.tail-edits.period": "5", "dfs.namenode.safemode.extension": "3000",
    },
    ...cluster,
  });

  /** The first standby among `nodes` that reports itself active, polled each second. */
  async function standbyMadeActive(nodes: RealNode[], timeoutMs: number): Promise<string> {
    return waitFor(async () => {
      for (const n of nodes) if ((await jmxState(n).catch(() => "")) === "active") return n.name;
      return undefined;
    }, timeoutMs, { what: "a standby made active by its ZKFC", intervalMs: 1000, describe: zkfcReport });
  }

  test("3 (automatic). with zookeeperQuorum, one NameNode becomes active by itself, and a standby, not the restarted NameNode, takes over when the active one's pod is deleted", async (t) => {
    await suite.configure(zkConfig());
    assertSucceeded(await stack.up(), "pulumi up (automatic failover)");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    assert.match(await formatLog(hosts[0]), /initialising the failover znode/);
    const active = await oneActive(hosts[0], hosts);
    sum = await writeFile("datanode", hosts[1], file, 1_000_000);
    const nameNodePods = await podsByNode("namenode");
    follow(nameNodePods);
    const deletedAt = Date.now();
    await kubectl(["delete", "pod", "-n", namespace, nameNodePods.get(active)!.metadata.name, "--wait=false"]);
    const next = await standbyMadeActive(real.filter((n) => n.name !== active), 120_000);
    t.diagnostic(`${next} active ${((Date.now() - deletedAt) / 1000).toFixed(1)}s after the active NameNode's pod (${active}) was deleted`);
    assert.notEqual(next, active);
    assert.equal(await readFile("namenode", next, file), sum);
    const after = await writeFile("datanode", hosts[2], "hdfs://hdfs-k8s/e2e/zk-after-failover", 500_009);
    await rolesReady(["namenode"], hosts);
    assert.equal(await oneActive(next, hosts), next, "the restarted NameNode rejoined as standby");
    assert.equal(await readFile("namenode", active, "hdfs://hdfs-k8s/e2e/zk-after-failover"), after);
    const oldZkfcLog = fs.readFileSync(path.join(followDir, `${active}-${nameNodePods.get(active)!.metadata.name}-zkfc.log`), "utf8");
    assert.match(oldZkfcLog, /to active state[^]*entered state: SERVICE_NOT_RESPONDING[^]*Yielding from election[^]*RECEIVED SIGNAL 15/,
      "the deleted pod's ZKFC saw its NameNode stop and quit the election before it was stopped itself");
    // Its preStop hook saw the quit (the ZKFC's ZooKeeper connections closed), not just its time limit.
    const hook = oldZkfcLog.match(/Yielding from election[^]*(zkfc-prestop: the NameNode stopped [0-9.]+ s after the hook began; the ZKFC: its ZooKeeper connections closed [0-9.]+ s later)[^]*RECEIVED SIGNAL 15/);
    assert.ok(hook, `the preStop hook's line, after the quit and before the stop, in the deleted pod's ZKFC log:\n${oldZkfcLog.split("\n").filter((l) => /zkfc-prestop|Yielding|SIGNAL/.test(l)).join("\n")}`);
    t.diagnostic(hook[1]);
  });

  test("4 (automatic, Kerberos). the ZKFCs authenticate to ZooKeeper as the NameNodes' principal, and a client that does not cannot delete the nameservice's znodes", async () => {
    assert.ok(suite.kerberos, "a Kerberos suite");
    const zkCli = (command: string) => kubectl(["exec", "-n", "default", zkPod, "--", "bash", "-c",
      `java -Xmx64m -Dzookeeper.sasl.client=false -cp '/opt/hadoop/share/hadoop/hdfs/lib/*' org.apache.zookeeper.ZooKeeperMain -server ${real[2].ip}:2181 ${command} 2>&1; echo "exit $?"`]);
    for (const command of ["delete /hadoop-ha/hdfs-k8s/ActiveBreadCrumb", "deleteall /hadoop-ha/hdfs-k8s", "get /hadoop-ha/hdfs-k8s/ActiveBreadCrumb"]) {
      assert.match(await zkCli(command), /Insufficient permission|NoAuth/, command);
    }
    // The ZKFCs' own sessions are SASL-authenticated (their log), and the election stands.
    const zkfc = await kubectl(["logs", "-n", namespace, (await podsByNode("namenode")).get(hosts[1])!.metadata.name, "-c", "zkfc"]);
    assert.match(zkfc, /Client will use GSSAPI as SASL mechanism|SASL authentication|successfully authenticated/i);
    await oneActive(hosts[1], hosts);
  });

  // A machine that goes away (its kubelet, runtime and every container killed at once): no hook runs, the ZKFC's
  // session lives until ZooKeeper expires it, and then a standby's ZKFC takes the lock, fences the lost NameNode
  // (shell(/bin/true): the JournalNodes let only one writer in) and makes its NameNode active.
  test("3b (automatic). the active NameNode's node stops: a standby made active by its ZKFC once the lost session expires; the node back with an empty disk bootstraps and rejoins as standby", async (t) => {
    // The formatting host is made active first (ZooKeeper runs on hosts[2], which must stay): with automatic
    // failover `haadmin -failover` asks the ZKFCs to hand over, the operator's way to move the active role.
    const [victim, , zkHost] = hosts;
    const active = await oneActive(hosts[1], hosts);
    if (active !== victim) {
      // (the ZKFCs refuse while the target NameNode is not yet healthy, e.g. still in safe mode after its restart)
      await waitFor(() => hdfs("namenode", hosts[1], ["haadmin", "-failover", `nn-${active}`, `nn-${victim}`]).then(() => true), 120_000,
        { what: `haadmin -failover nn-${active} nn-${victim}`, intervalMs: 5000 });
      assert.equal(await oneActive(hosts[1], hosts), victim, "haadmin -failover through the ZKFCs");
    }
    follow(await podsByNode("namenode"));
    const stoppedAt = Date.now();
    await clusterScript(["remove-node", victim]);
    const survivors = real.filter((n) => n.name !== victim);
    const next = await standbyMadeActive(survivors, 180_000);
    t.diagnostic(`${next} active ${((Date.now() - stoppedAt) / 1000).toFixed(1)}s after ${victim}'s node began to stop`);
    assert.equal(await oneActive(zkHost, survivors.map((n) => n.name)), next, "the other survivor stays standby");
    assert.equal(await readFile("datanode", zkHost, file), sum);
    const written = await writeFile("namenode", zkHost, "hdfs://hdfs-k8s/e2e/zk-node-lost", 300_007);

    // Back with an empty disk: the formatting host bootstraps (its ZooKeeper marker went with the disk: the
    // existing znode is left alone), and joins as standby; the active stays. Its JournalNode gets its journal back
    // by the runbook's step (as in 3b/8), else it would not serve.
    await clusterScript(["add-node", victim, "--real"]);
    real = await getRealNodes();
    await copyJournal(real.find((n) => n.name === next)!, real.find((n) => n.name === victim)!);
    assertSucceeded(await stack.refresh(), "pulumi refresh");
    const survivorPods = async () => Object.fromEntries([...(await podsByNode("namenode"))].filter(([n]) => n !== victim).map(([n, p]) => [n, p.metadata.uid]));
    const before = await survivorPods();
    const up = await stack.up();
    assertSucceeded(up, "pulumi up (the labels of the returned node)");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    const log = await formatLog(victim);
    assert.match(log, /lost its metadata; bootstrapping/);
    assert.match(log, /the failover znode already exists: left as it is/);
    const after = await survivorPods();
    const rolled = Object.keys(before).filter((n) => after[n] !== before[n]);
    const activeNow = await oneActive(next, hosts);
    if (rolled.length === 0) {
      assert.equal(activeNow, next, "the returned NameNode is a standby");
    } else {
      // The update replaced the survivors' NameNode pods (a rolling update): the active role may move to any
      // NameNode that serves, the returned one included. What the update changed, for the record:
      t.diagnostic(`the update replaced the NameNode pods of ${rolled.join(", ")}; active now: ${activeNow}\n` +
        up.all.split("\n").filter((l) => /DaemonSet|ConfigMap/.test(l) && /[~+-]|update|replace/.test(l)).join("\n"));
    }
    await waitFor(async () => (await liveDataNodes(next)).length === 3, 120_000, { what: "three live DataNodes again", intervalMs: 3000 });
    assert.equal(await readFile("namenode", victim, "hdfs://hdfs-k8s/e2e/zk-node-lost"), written);
  });

  // This suite's daemons' tickets live zkSuiteTicketSeconds: a daemon (or a ZKFC's ZooKeeper session) that did not
  // log in again from its keytab would lose its connections after that. The two hosts that stayed have run since test 3.
  test("12 (automatic, Kerberos). past two ticket lifetimes of the daemons that stayed: the DataNodes live, a standby uploads checkpoints to the active (SPNEGO over HTTPS), a failover through the ZKFCs works", async (t) => {
    assert.ok(suite.kerberos, "a Kerberos suite");
    const lifetimeMs = zkSuiteTicketSeconds * 1000;
    const stayed = hosts.slice(1);
    const pods = (await Promise.all(["namenode", "journalnode", "datanode"].map(async (r) => [...(await podsByNode(r))].filter(([n]) => stayed.includes(n)).map(([, p]) => p)))).flat();
    const youngest = Math.max(...pods.flatMap((p) => (p.status.containerStatuses ?? []).map((c) => Date.parse(c.state?.running?.startedAt ?? "") || Date.now())));
    const after = youngest + 2 * lifetimeMs + 10_000;
    t.diagnostic(`the youngest HDFS container on ${stayed.join(", ")} started ${((Date.now() - youngest) / 1000).toFixed(0)} s ago; waiting ${Math.max(0, (after - Date.now()) / 1000).toFixed(0)} s`);
    if (after > Date.now()) await new Promise((resolve) => setTimeout(resolve, after - Date.now()));
    const active = await oneActive(stayed[0], hosts);
    await waitFor(async () => (await liveDataNodes(active)).length === 3, 60_000, { what: "three live DataNodes", intervalMs: 3000 });
    const standby = stayed.find((h) => h !== active)!;
    // A checkpoint after the two lifetimes: new transactions (a standby skips a checkpoint without any), then an
    // fsimage a standby made and uploaded (the active never writes one itself) in the active's name directory.
    const since = Date.now();
    await writeFile("datanode", standby, "hdfs://hdfs-k8s/e2e/zk-lifetimes", 100_003);
    const activeNode = real.find((n) => n.name === active)!;
    const uploaded = () => inRealNode(activeNode, "find", ["/var/lib/hdfs/name/current", "-name", "fsimage_*", "!", "-name", "*.md5", "-newermt", `@${Math.floor(since / 1000)}`]);
    await waitFor(async () => (await uploaded()).trim() !== "", 120_000, { what: `an fsimage uploaded to ${active} by a standby`, intervalMs: 5000 });
    // (the ZKFCs refuse while the target is not healthy)
    await waitFor(() => hdfs("namenode", standby, ["haadmin", "-failover", `nn-${active}`, `nn-${standby}`]).then(() => true), 120_000,
      { what: `haadmin -failover nn-${active} nn-${standby}`, intervalMs: 5000 });
    assert.equal(await oneActive(standby, hosts), standby);
    assert.equal(await readFile("datanode", active, file), sum);
  });
  test("13 (automatic). cold restart: every HDFS pod deleted at once; exactly one NameNode active within 180 s (one elected in safe mode leaves it as its DataNodes report), safe mode off everywhere, the 100 files written before read back", async (t) => {
    // 100 files in one directory, written and read back by one client JVM each way (sha256 of each, in the pod).
    const dir = "hdfs://hdfs-k8s/e2e/cold-restart";
    const sums = await sh("datanode", hosts[1],
      `set -e; rm -rf /tmp/cold; mkdir /tmp/cold; for i in $(seq -w 0 99); do head -c $((4096 + 10#$i * 37)) /dev/urandom > /tmp/cold/f$i; done; ` +
      `${clientOpts} hdfs dfs -rm -r -f -skipTrash ${dir} >/dev/null; ${clientOpts} hdfs dfs -put /tmp/cold ${dir}; ` +
      `cd /tmp/cold && sha256sum f* && rm -rf /tmp/cold`);
    assert.equal(sums.trim().split("\n").length, 100);

    const before = await podUids();
    const deletedAt = Date.now();
    await kubectl(["delete", "pods", "-n", namespace, "-l", "app.kubernetes.io/part-of=k8s-daemonsets", "--wait=false"]);
    await waitFor(async () => {
      const now = await podUids();
      return Object.keys(before).every((k) => now[k] && now[k] !== before[k]);
    }, 120_000, { what: "every HDFS pod replaced", intervalMs: 1000 });
    const nodes = real.filter((n) => hosts.includes(n.name));
    const states = await waitFor(async () => {
      const s = await Promise.all(nodes.map((n) => jmxState(n).catch(() => "down")));
      return s.filter((x) => x === "active").length === 1 && s.every((x) => x === "active" || x === "standby") && s;
    }, 180_000, { what: "exactly one active NameNode after the cold restart", intervalMs: 1000,
      describe: async () => `${JSON.stringify(await Promise.all(nodes.map((n) => jmxState(n).catch((e) => String(e)))))}\n${await zkfcReport()}` });
    const toActive = (Date.now() - deletedAt) / 1000;
    t.diagnostic(`cold restart: every HDFS pod deleted, one NameNode active ${toActive.toFixed(1)} s later (${JSON.stringify(states)})`);
    const active = nodes[states.indexOf("active")].name;
    // In HA, dfsadmin asks every NameNode of the nameservice: one line each. An active elected in safe mode
    // leaves it once its DataNodes have reported (and the extension has passed).
    const safeMode = await waitFor(async () => {
      const out = await hdfs("namenode", active, ["dfsadmin", "-safemode", "get"]);
      return [...out.matchAll(/^Safe mode is OFF in /gm)].length === hosts.length && out;
    }, 120_000, { what: "safe mode off on every NameNode", intervalMs: 3000 });
    t.diagnostic(`safe mode off on every NameNode ${((Date.now() - deletedAt) / 1000).toFixed(1)} s after the deletion`);
    const back = await sh("datanode", hosts[2],
      `set -e; rm -rf /tmp/cold; ${clientOpts} hdfs dfs -get ${dir} /tmp/cold; cd /tmp/cold && sha256sum f* && rm -rf /tmp/cold`);
    assert.equal(back, sums, "the 100 files read back byte for byte");
  });

  // The rolling upgrade (U1-U5) on this suite's stack, after test 13: Hadoop's order driven through the ZKFCs (the
  // failover to an upgraded standby is a graceful one through them), as a cluster with automatic failover runs it.
  const upgradeDir = "hdfs://hdfs-k8s/e2e/before-upgrade";
  let upgradeSums = "";
  const roles = ["journalnode", "namenode", "datanode"];
  const client = "e2e-round-trips";
  const clientNode = "node-5";
  /** Each `pulumi up` of a version change: what it changed to, when it ran, how long it took. */
  const phases: { name: string; from: number; to: number }[] = [];

  after(async () => {
    await kubectl(["delete", "pod,configmap", "-n", namespace, client, "--ignore-not-found", "--wait=false"]).catch(() => "");
  });

  /** Each role's pods: node -> the version label and the image the kubelet runs. */
  async function running(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const role of roles) {
      for (const [node, pod] of await podsByNode(role)) {
        const images = [...new Set((pod.status.containerStatuses ?? []).map((c) => c.image.replace(/^docker\.io\/(library\/)?/, "")))];
        out[`${role}/${node}`] = `${pod.metadata.labels?.["app.kubernetes.io/version"]} ${images.join(",")}`;
      }
    }
    return out;
  }
  /** What every daemon reports itself: its JMX (no JVM per question). */
  async function reported(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const ticket = await serviceTicket(instance, "namenode");
    // (server: the name the URL gives the daemon, its certificate's and HTTP principal's: the DataNodes' is shared)
    const bean = async (node: RealNode, port: number, query: string, key: string, server = node.name) => {
      const r = await run("curl", ["-sS", "--fail", "--max-time", "5", "--negotiate", "-u", ":", "--cacert", path.join(suite.kerberos!.dir, "ca.crt"),
        "--resolve", `${server}:${port}:${node.ip}`, `https://${server}:${port}/jmx?qry=${query}`], { env: { ...process.env, ...ticket } });
      return String((JSON.parse(String(r.stdout)) as { beans: Record<string, string>[] }).beans[0]?.[key] ?? `? ${r.stderr}`).split(",")[0];
    };
    for (const node of real) {
      out[`namenode/${node.name}`] = await bean(node, hdfsSiteDefaults.nameNodeHttpsPort, "Hadoop:service=NameNode,name=NameNodeInfo", "SoftwareVersion");
      out[`journalnode/${node.name}`] = await bean(node, hdfsSiteDefaults.journalNodeHttpsPort, "Hadoop:service=JournalNode,name=JournalNodeInfo", "Version");
      out[`datanode/${node.name}`] = await bean(node, hdfsSiteDefaults.dataNodeHttpsPort, "Hadoop:service=DataNode,name=DataNodeInfo", "SoftwareVersion", instance);
    }
    return out;
  }
  const all = (value: string) => Object.fromEntries(roles.flatMap((r) => hosts.map((h) => [`${r}/${h}`, value])));
  /** The suite's stack on Hadoop `version`. */
  const config = (version: string, extra: Record<string, unknown> = {}) => zkConfig({ hadoopVersion: version, ...extra });
  async function upgradeTo(version: string, name: string, extra: Record<string, unknown> = {}): Promise<{ seconds: number; log: string; timed: string }> {
    await suite.configure(config(version, extra));
    const from = Date.now();
    const up = await stack.up();
    assertSucceeded(up, `pulumi up (${name})`);
    phases.push({ name, from, to: Date.now() });
    // The newest Job (one that ran unfinalized is kept beside it as its record).
    const jobs = (await kubectlJson<{ items: { metadata: { name: string; creationTimestamp: string }; status?: object }[] }>(["get", "jobs", "-n", namespace, "-l", "app.kubernetes.io/name=hdfs-rolling-upgrade", "-o", "json"])).items
      .sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    const job = jobs.at(-1);
    assert.ok(job, `an upgrade Job after ${name}`);
    // Each line with the time it was written (the diagnostics), the checks read the lines themselves.
    const timed = await kubectl(["logs", "--timestamps", "-n", namespace, `job/${job.metadata.name}`]);
    const log = timed.replace(/^\S+ /gm, "");
    // For a failed check: what pulumi did, and every Job with its status.
    const context = `pulumi up (${up.seconds.toFixed(0)} s):\n${up.stdout.split("\n").filter((l) => /rolling-upgrade|Job|Resources:|Duration|[+~-]{1,2}\s/.test(l)).join("\n")}\n` +
      `Jobs: ${JSON.stringify(jobs.map((j) => ({ name: j.metadata.name, created: j.metadata.creationTimestamp, status: j.status })))}`;
    return { seconds: (Date.now() - from) / 1000, log: `${log}\n${context}`, timed };
  }
  /** The Job log's replacements, in order: "<role> <node>". */
  const replaced = (log: string) => [...log.matchAll(/^rolling-upgrade: (?:[a-z]+ )*(JournalNode|NameNode|DataNode)(?: \([^)]*\))? on (node-\d+): deleting pod/gm)].map((m) => `${m[1]} ${m[2]}`);

  test("U1 (automatic). the stack on Hadoop 3.4.1; 100 files written; a client writes a new file and reads the previous back every second from here on", async () => {
    assert.deepEqual(await running(), Object.fromEntries(Object.keys(all("")).map((k) => [k, "3.4.1 apache/hadoop:3.4.1"])));
    upgradeSums = await sh("datanode", hosts[1],
      `set -e; rm -rf /tmp/up; mkdir /tmp/up; for i in $(seq -w 0 99); do head -c $((4096 + 10#$i * 997)) /dev/urandom > /tmp/up/f$i; done; ` +
      `${clientOpts} hdfs dfs -mkdir -p "$(dirname ${upgradeDir})"; ${clientOpts} hdfs dfs -put /tmp/up ${upgradeDir}; cd /tmp/up && sha256sum f* && rm -rf /tmp/up`);
    // The client: compiled here, run with the DataNodes' configuration and credentials (their pod template's
    // volumes and environment) and Hadoop 3.4.1's jars throughout, as an application's client would be.
    const classes = tempDir("round-trips-");
    await runOk("javac", ["--release", "17", "-d", classes, path.join(__dirname, "..", "support", "java", "HdfsRoundTrips.java")]);
    await kubectl(["create", "configmap", client, "-n", namespace, `--from-file=HdfsRoundTrips.class=${path.join(classes, "HdfsRoundTrips.class")}`]);
    fs.rmSync(classes, { recursive: true, force: true });
    const template = (await kubectlJson<{ spec: { template: { spec: any } } }>(["get", "daemonset", "hdfs-datanode", "-n", namespace, "-o", "json"])).spec.template.spec;
    const dn = template.containers[0];
    const volumes = template.volumes.filter((v: { hostPath?: object }) => !v.hostPath);
    const names = new Set(volumes.map((v: { name: string }) => v.name));
    await kubectl(["apply", "-f", "-"], JSON.stringify({
      apiVersion: "v1", kind: "Pod", metadata: { name: client, namespace },
      spec: {
        nodeName: clientNode, hostNetwork: true, dnsPolicy: template.dnsPolicy, hostAliases: template.hostAliases, restartPolicy: "Never",
        automountServiceAccountToken: false, securityContext: template.securityContext,
        volumes: [...volumes, { name: "client", configMap: { name: client } }],
        containers: [{
          name: "client", image: dn.image, env: dn.env, securityContext: dn.securityContext,
          volumeMounts: [...dn.volumeMounts.filter((m: { name: string }) => names.has(m.name)), { name: "client", mountPath: "/client", readOnly: true }],
          command: ["bash", "-c", 'exec java -Xmx128m -cp "/client:/opt/hadoop/etc/hadoop:/opt/hadoop/share/hadoop/hdfs/lib/*" HdfsRoundTrips hdfs://hdfs-k8s /e2e/round-trips "$HDFS_PRINCIPAL" "$HDFS_KEYTAB"'],
          resources: { requests: { cpu: "50m", memory: "320Mi" }, limits: { memory: "320Mi" } },
        }],
      },
    }));
    await waitFor(async () => /^\d+ ok read /m.test(await kubectl(["logs", "-n", namespace, client]).catch(() => "")), 120_000, { what: "the client's first round trip", intervalMs: 2000 });
  });

  test("U2 (automatic). hadoopVersion 3.5.0: pulumi up runs Hadoop's rolling upgrade (prepare; JournalNodes; standby NameNodes, failover, the former active; DataNodes) and returns when it is done; not finalized", async (t) => {
    const { seconds, log, timed } = await upgradeTo("3.5.0", "upgrade to 3.5.0");
    t.diagnostic(`rolling upgrade 3.4.1 -> 3.5.0: pulumi up took ${seconds.toFixed(0)} s\n${timed}`);
    const order = replaced(log);
    assert.deepEqual(order.map((o) => o.split(" ")[0]), ["JournalNode", "JournalNode", "JournalNode", "NameNode", "NameNode", "NameNode", "DataNode", "DataNode", "DataNode"], log);
    assert.match(log, /prepared: the rollback image is saved/);
    assert.match(log, /failover: node-\d -> node-\d/);
    assert.deepEqual(await running(), Object.fromEntries(Object.keys(all("")).map((k) => [k, "3.5.0 apache/hadoop:3.5.0"])));
    assert.deepEqual(await reported(), all("3.5.0"));
    assert.match(await hdfs("namenode", hosts[0], ["dfsadmin", "-rollingUpgrade", "query"]), /Proceed with rolling upgrade/);
    // The NameNodes keep the rollback image until the upgrade is finalized.
    for (const node of real) assert.match(await inRealNode(node, "ls", ["/var/lib/hdfs/name/current"]), /fsimage_rollback_/);
  });

  test("U3 (automatic). hadoopVersion back to 3.4.1 before finalizing: Hadoop's rolling downgrade (DataNodes first, then NameNodes, then JournalNodes)", async (t) => {
    const { seconds, log, timed } = await upgradeTo("3.4.1", "downgrade to 3.4.1");
    t.diagnostic(`rolling downgrade 3.5.0 -> 3.4.1: pulumi up took ${seconds.toFixed(0)} s\n${timed}`);
    assert.deepEqual(replaced(log).map((o) => o.split(" ")[0]), ["DataNode", "DataNode", "DataNode", "NameNode", "NameNode", "NameNode", "JournalNode", "JournalNode", "JournalNode"], log);
    assert.doesNotMatch(log, /prepare:/);
    assert.deepEqual(await reported(), all("3.4.1"));
  });

  test("U4 (automatic). hadoopVersion 3.5.0 with finalizeUpgrade: upgraded again and finalized (no rollback image left); then DaemonSets back to RollingUpdate, no pod restarted", async (t) => {
    const { seconds, log, timed } = await upgradeTo("3.5.0", "upgrade to 3.5.0 and finalize", { finalizeUpgrade: true });
    t.diagnostic(`rolling upgrade 3.4.1 -> 3.5.0 with finalize: pulumi up took ${seconds.toFixed(0)} s\n${timed}`);
    assert.match(log, /finalized:/);
    assert.deepEqual(await reported(), all("3.5.0"));
    assert.match(await hdfs("namenode", hosts[0], ["dfsadmin", "-rollingUpgrade", "query"]), /There is no rolling upgrade in progress or rolling upgrade has already been finalized/);
    await waitFor(async () => {
      for (const node of real) if (/fsimage_rollback_/.test(await inRealNode(node, "ls", ["/var/lib/hdfs/name/current"]))) return false;
      return true;
    }, 120_000, { what: "no rollback image in any name directory", intervalMs: 5000 });
    const uids = await podUids();
    assertSucceeded(await stack.up(), "pulumi up (nothing to upgrade)");
    for (const role of roles) {
      const ds = await kubectlJson<{ spec: { updateStrategy: { type: string } } }>(["get", "daemonset", `hdfs-${role}`, "-n", namespace, "-o", "json"]);
      assert.equal(ds.spec.updateStrategy.type, "RollingUpdate", role);
    }
    assert.deepEqual(await podUids(), uids, "no pod restarted");
  });

  test("U5 (automatic). the client's round trips: none failed in any phase (its longest pause measured), and the 100 files written before read back byte for byte", async (t) => {
    const log = await kubectl(["logs", "-n", namespace, client]);
    await kubectl(["delete", "pod", "-n", namespace, client, "--wait=false"]);
    const ops = log.split("\n").map((l) => l.match(/^(\d+) (ok|FAIL) (write|read) (\S+) (\d+)(.*)$/)).filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => ({ at: Number(m[1]), ok: m[2] === "ok", op: m[3], file: m[4], ms: Number(m[5]), error: m[6].trim() }));
    const failed = ops.filter((o) => !o.ok);
    // Each phase's figures first, so that a failure says in which phase (or between which) it came.
    for (const p of phases) {
      const during = ops.filter((o) => o.at >= p.from && o.at <= p.to);
      const writes = during.filter((o) => o.op === "write").length, reads = during.filter((o) => o.op === "read").length;
      const gaps = during.slice(1).map((o, i) => o.at - during[i].at);
      const longest = Math.max(0, ...gaps, ...during.map((o) => o.ms));
      t.diagnostic(`${p.name} (${new Date(p.from).toISOString()}, ${((p.to - p.from) / 1000).toFixed(0)} s): ${writes} writes, ${reads} reads, ` +
        `${during.filter((o) => !o.ok).length} failed; longest pause ${(longest / 1000).toFixed(1)} s`);
    }
    assert.deepEqual(failed, [], `failed operations:\n${failed.map((o) => `${new Date(o.at).toISOString()} ${o.op} ${o.file}: ${o.error}`).join("\n")}`);
    for (const p of phases) {
      const during = ops.filter((o) => o.at >= p.from && o.at <= p.to);
      assert.ok(during.some((o) => o.op === "write") && during.some((o) => o.op === "read"), `${p.name}: round trips went on`);
    }
    const back = await sh("datanode", hosts[2],
      `set -e; rm -rf /tmp/up; ${clientOpts} hdfs dfs -get ${upgradeDir} /tmp/up; cd /tmp/up && sha256sum f* && rm -rf /tmp/up`);
    assert.equal(back, upgradeSums, "the 100 files read back byte for byte");
  });
});
