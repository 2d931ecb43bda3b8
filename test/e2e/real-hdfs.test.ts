// End-to-end on real nodes: the program's HDFS pods, config and first-start script run Hadoop 3.4.1 (the image
// tools/hadoop builds) under real kubelets on node-2, node-5 and node-8, and every assertion reads HDFS's own
// answers: `hdfs haadmin`, `hdfs dfsadmin -report`, `hdfs dfs`. The scenarios run in order on one stack (each
// starts from the state the previous one left), then on a standalone stack. Skipped without real nodes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  getPods,
  getRealNodes,
  inRealNode,
  isPodRunning,
  kubectl,
  kubectlJson,
  realNodeCount,
  waitFor,
  type Pod,
  type RealNode,
} from "../support/cluster";
import { assertSucceeded, TestStack } from "../support/pulumi";

const namespace = "hdfs";
const selector = (role: string) => `app.kubernetes.io/name=hdfs-${role}`;
const container: Record<string, string> = { namenode: "namenode", journalnode: "journalnode", datanode: "datanode" };

/** JVMs sized for this 2-core machine through config (no code change), and HDFS on the real nodes only. */
function hdfsConfig(nameNodeHosts: string[], extra: { nameNode?: Record<string, unknown> } = {}) {
  const small = (heap: string, memory: string) => ({
    javaHeap: heap,
    resources: { requests: { cpu: "50m", memory }, limits: { memory } },
  });
  return {
    nodeLabels: Object.fromEntries(nameNodeHosts.map((n) => [n, { host: "high-cpu" }])),
    rolloutTimeoutSeconds: 420,
    nodeExporter: { enabled: false },
    hdfsNameNode: { nodeSelector: { host: "high-cpu" }, ...small("256m", "768Mi"), ...extra.nameNode },
    hdfsJournalNode: small("128m", "384Mi"),
    hdfsDataNode: { nodeSelector: { type: "real" }, ...small("192m", "512Mi") },
  };
}

/** Live pods of a role, by node. */
async function podsByNode(role: string): Promise<Map<string, Pod>> {
  const pods = await getPods(namespace, selector(role));
  return new Map(pods.filter((p) => !p.metadata.deletionTimestamp && p.spec.nodeName).map((p) => [p.spec.nodeName!, p]));
}

/** Runs an `hdfs` command in a role's container on a node (a JVM start: seconds). */
async function hdfs(role: string, node: string, args: string[]): Promise<string> {
  const pod = (await podsByNode(role)).get(node);
  assert.ok(pod, `no ${role} pod on ${node}`);
  return kubectl(["exec", "-n", namespace, pod.metadata.name, "-c", container[role], "--", "env", "HADOOP_CLIENT_OPTS=-Xmx96m", "hdfs", ...args]);
}

/** A shell command in a role's container on a node. */
async function sh(role: string, node: string, script: string): Promise<string> {
  const pod = (await podsByNode(role)).get(node);
  assert.ok(pod, `no ${role} pod on ${node}`);
  return kubectl(["exec", "-n", namespace, pod.metadata.name, "-c", container[role], "--", "bash", "-c", script]);
}

/** `hdfs haadmin -getAllServiceState`, as host -> state. */
async function serviceStates(from: string): Promise<Record<string, string>> {
  const out = await hdfs("namenode", from, ["haadmin", "-getAllServiceState"]);
  const states: Record<string, string> = {};
  for (const m of out.matchAll(/^(\S+):\d+\s+(active|standby|observer)\s*$/gm)) states[m[1]] = m[2];
  return states;
}

/** The DataNodes `hdfs dfsadmin -report` lists as live, by hostname. */
async function liveDataNodes(from: string): Promise<string[]> {
  const out = await hdfs("namenode", from, ["dfsadmin", "-report", "-live"]);
  return [...out.matchAll(/^Hostname: (\S+)$/gm)].map((m) => m[1]).sort();
}

/** Waits until every HDFS pod on the real nodes is Running and Ready. */
async function rolesReady(roles: string[], nodes: string[], timeoutMs = 300_000): Promise<void> {
  await waitFor(async () => {
    for (const role of roles) {
      const byNode = await podsByNode(role);
      if (!nodes.every((n) => byNode.get(n) && isPodRunning(byNode.get(n)!))) return false;
    }
    return true;
  }, timeoutMs, { what: `${roles.join(", ")} Running and Ready on ${nodes.join(", ")}`, intervalMs: 2000, describe: () => kubectl(["get", "pods", "-n", namespace, "-o", "wide"]) });
}

/** Writes `bytes` random bytes to `path` through the nameservice from one pod; returns their sha256. */
async function writeFile(role: string, node: string, path: string, bytes: number): Promise<string> {
  const out = await sh(role, node,
    `set -e; head -c ${bytes} /dev/urandom > /tmp/f; HADOOP_CLIENT_OPTS=-Xmx96m hdfs dfs -mkdir -p "$(dirname ${path})"; ` +
    `HADOOP_CLIENT_OPTS=-Xmx96m hdfs dfs -put -f /tmp/f ${path}; sha256sum /tmp/f; rm /tmp/f`);
  return out.trim().split(/\s+/)[0];
}

/** The sha256 of a file read back through the nameservice from one pod. */
async function readFile(role: string, node: string, path: string): Promise<string> {
  return (await sh(role, node, `set -o pipefail; HADOOP_CLIENT_OPTS=-Xmx96m hdfs dfs -cat ${path} | sha256sum`)).trim().split(/\s+/)[0];
}

/** The format script's decisions on a node: the `format` init container's log of the pod running now. */
async function formatLog(node: string): Promise<string> {
  const pod = (await podsByNode("namenode")).get(node);
  assert.ok(pod);
  return kubectl(["logs", "-n", namespace, pod.metadata.name, "-c", "format"]);
}

describe("HDFS on real nodes", { skip: realNodeCount < 3 ? "needs 3 real nodes (REAL_NODES=3)" : false }, () => {
  let real: RealNode[];
  let hosts: string[];
  const stack = new TestStack("e2e-real-hdfs");
  const file = "hdfs://hdfs-k8s/e2e/round-trip";
  let fileSum = "";

  before(async () => {
    real = await getRealNodes();
    hosts = real.map((n) => n.name);
    assert.deepEqual(hosts, ["node-2", "node-5", "node-8"]);
    // Leftover metadata of an earlier run on the nodes' own /var/lib/hdfs would change what the first start does.
    for (const n of real) await inRealNode(n, "rm", ["-rf", "/var/lib/hdfs"]);
    await stack.init();
  });

  after(async () => {
    await stack.destroy();
    await stack.remove();
  });

  test("1. HA on the dev stack's three hosts: formatted once, standbys bootstrapped, one active NameNode, every DataNode live, a file round-trips", async () => {
    stack.setConfig(hdfsConfig(hosts));
    assertSucceeded(await stack.up(), "pulumi up");
    await rolesReady(["journalnode", "namenode", "datanode"], hosts);
    const [formatHost, ...standbys] = hosts;
    assert.match(await formatLog(formatHost), /formatting the nameservice/);
    for (const n of standbys) assert.match(await formatLog(n), /bootstrapping a standby/);

    const states = await waitFor(async () => {
      const s = await serviceStates(formatHost);
      return Object.keys(s).length === 3 && s;
    }, 120_000, { what: "three NameNodes answering haadmin", intervalMs: 3000 });
    assert.deepEqual(Object.values(states).filter((s) => s === "active").length, 1, `one active NameNode: ${JSON.stringify(states)}`);

    const live = await waitFor(async () => {
      const l = await liveDataNodes(formatHost);
      return l.length === 3 && l;
    }, 120_000, { what: "three live DataNodes", intervalMs: 3000 });
    assert.deepEqual(live, hosts);

    fileSum = await writeFile("namenode", standbys[0], file, 3 * 1024 * 1024 + 17);
    assert.equal(await readFile("datanode", standbys[1], file), fileSum);
  });
});
