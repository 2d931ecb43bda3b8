// HDFS on the local cluster's real nodes, as the e2e suites drive it: the stack config sized for this machine, and
// the commands that read HDFS's own answers from inside its pods (`hdfs haadmin`, `hdfs dfsadmin -report`,
// `hdfs dfs`), run as the role (from its keytab in Kerberos mode).
import assert from "node:assert/strict";
import { getPods, inRealNode, isPodRunning, kubectl, runOk, waitFor, type Pod, type RealNode } from "./localCluster";

export const namespace = "hdfs";
export const selector = (role: string) => `app.kubernetes.io/name=hdfs-${role}`;
export const container: Record<string, string> = { namenode: "namenode", journalnode: "journalnode", datanode: "datanode" };

/**
 * The daemons' JIT: C1 alone. On 2 cores the daemons' starts compete for the CPU, and C2's compilations are half of
 * a start's (a 3.5.0 NameNode on this machine, idle: 7.1-7.4 s of CPU to its RPC port, 3.6-4.2 s with C1 alone);
 * what the suites check does not depend on how hot code is compiled. Production keeps the JVM's default.
 */
export const testJavaOptions = ["-XX:TieredStopAtLevel=1"];
/** The suites' own `hdfs` commands: one request each, a small heap, C1 alone (as the stack's hooks and Jobs run theirs). */
export const clientOpts = `HADOOP_CLIENT_OPTS='-Xmx96m ${testJavaOptions.join(" ")}'`;

/** JVMs sized for this 2-core machine through config (no code change), and HDFS on the real nodes only. */
export function hdfsConfig(nameNodeHosts: string[], cluster: Record<string, unknown> = {}) {
  const small = (heap: string, memory: string) => ({
    javaHeap: heap,
    javaOptions: testJavaOptions,
    resources: { requests: { cpu: "50m", memory }, limits: { memory } },
  });
  return {
    nodeLabels: Object.fromEntries(nameNodeHosts.map((n) => [n, { host: "high-cpu" }])),
    rolloutTimeoutSeconds: 420,
    nodeExporter: { enabled: false },
    hdfs: {
      ...cluster,
      nameNode: { nodeSelector: { host: "high-cpu" }, ...small("256m", "768Mi") },
      journalNode: small("128m", "384Mi"),
      dataNode: { nodeSelector: { type: "real" }, ...small("192m", "512Mi") },
    },
  };
}

/** Live pods of a role, by node. */
export async function podsByNode(role: string): Promise<Map<string, Pod>> {
  const pods = await getPods(namespace, selector(role));
  return new Map(pods.filter((p) => !p.metadata.deletionTimestamp && p.spec.nodeName).map((p) => [p.spec.nodeName!, p]));
}

/** With Kerberos (the containers have HDFS_PRINCIPAL), a ticket from the role's keytab first: commands run as the role. */
export const asRole = `[ -z "\${HDFS_PRINCIPAL:-}" ] || kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL" || exit 1; `;

/** Runs an `hdfs` command in a role's container on a node, as the role (a JVM start: seconds). */
export async function hdfs(role: string, node: string, args: string[]): Promise<string> {
  return sh(role, node, `${clientOpts} exec hdfs "$@"`, args);
}

/** A shell command in a role's container on a node, as the role (`args` are its "$@"; `input` its stdin). */
export async function sh(role: string, node: string, script: string, args: string[] = [], input?: string): Promise<string> {
  const pod = (await podsByNode(role)).get(node);
  assert.ok(pod, `no ${role} pod on ${node}`);
  return kubectl(["exec", ...(input !== undefined ? ["-i"] : []), "-n", namespace, pod.metadata.name, "-c", container[role], "--", "bash", "-c", asRole + script, "sh", ...args], input);
}

/** `hdfs haadmin -getAllServiceState`, as host -> state. */
export async function serviceStates(from: string): Promise<Record<string, string>> {
  const out = await hdfs("namenode", from, ["haadmin", "-getAllServiceState"]);
  const states: Record<string, string> = {};
  for (const m of out.matchAll(/^(\S+):\d+\s+(active|standby|observer)\s*$/gm)) states[m[1]] = m[2];
  return states;
}

/** The DataNodes `hdfs dfsadmin -report` lists as live, by hostname. */
export async function liveDataNodes(from: string): Promise<string[]> {
  const out = await hdfs("namenode", from, ["dfsadmin", "-report", "-live"]);
  return [...out.matchAll(/^Hostname: (\S+)$/gm)].map((m) => m[1]).sort();
}

/** Waits until every HDFS pod on the real nodes is Running and Ready. */
export async function rolesReady(roles: string[], nodes: string[], timeoutMs = 300_000): Promise<void> {
  await waitFor(async () => {
    for (const role of roles) {
      const byNode = await podsByNode(role);
      if (!nodes.every((n) => byNode.get(n) && isPodRunning(byNode.get(n)!))) return false;
    }
    return true;
  }, timeoutMs, { what: `${roles.join(", ")} Running and Ready on ${nodes.join(", ")}`, intervalMs: 2000, describe: async () => {
    // the pods, and the last lines of every init container that has failed (a format or bootstrap that keeps failing)
    let out = await kubectl(["get", "pods", "-n", namespace, "-o", "wide"]);
    for (const role of roles) {
      for (const [node, pod] of await podsByNode(role)) {
        for (const s of pod.status.initContainerStatuses ?? []) {
          if (s.ready || s.restartCount === 0) continue;
          const logs = await kubectl(["logs", "-n", namespace, pod.metadata.name, "-c", s.name, "--previous", "--tail", "40"]).catch((e) => String(e));
          out += `\n--- ${pod.metadata.name} on ${node}: init container ${s.name}, ${s.restartCount} restarts, its last run's last lines:\n${logs}`;
        }
      }
    }
    return out;
  } });
}

/**
 * Waits until `role`'s pods on `nodes` are NotReady with a readiness probe failure whose message matches `reason`
 * (the kubelet's Unhealthy event: the probe's own output, assets/hdfs-ready.sh); returns the messages by node.
 */
export async function notServing(role: string, nodes: string[], reason: RegExp, timeoutMs = 90_000): Promise<Record<string, string>> {
  return waitFor(async () => {
    const byNode = await podsByNode(role);
    const found: Record<string, string> = {};
    for (const n of nodes) {
      const pod = byNode.get(n);
      if (!pod || pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")) return false;
      const events = JSON.parse(await kubectl(["get", "events", "-n", namespace, "--field-selector", `involvedObject.name=${pod.metadata.name},reason=Unhealthy`, "-o", "json"])) as
        { items: { message: string; lastTimestamp?: string; eventTime?: string }[] };
      // (the event recorder folds an often repeated event into one whose message it prefixes)
      const message = events.items.map((e) => e.message.replace(/^\(combined from similar events\): /, "")).reverse()
        .find((m) => m.startsWith("Readiness probe failed") && reason.test(m));
      if (!message) return false;
      found[n] = message;
    }
    return found;
  }, timeoutMs, { what: `${role} NotReady on ${nodes.join(", ")} with a readiness failure matching ${reason}`, intervalMs: 2000,
    describe: async () => kubectl(["get", "events", "-n", namespace, "--field-selector", "reason=Unhealthy"]) });
}

/** Writes `bytes` random bytes to `path` through the nameservice from one pod; returns their sha256. */
export async function writeFile(role: string, node: string, path: string, bytes: number): Promise<string> {
  const out = await sh(role, node,
    `set -e; head -c ${bytes} /dev/urandom > /tmp/f; ${clientOpts} hdfs dfs -mkdir -p "$(dirname ${path})"; ` +
    `${clientOpts} hdfs dfs -put -f /tmp/f ${path}; sha256sum /tmp/f; rm /tmp/f`);
  return out.trim().split(/\s+/)[0];
}

/** The sha256 of a file read back through the nameservice from one pod. */
export async function readFile(role: string, node: string, path: string): Promise<string> {
  return (await sh(role, node, `set -o pipefail; ${clientOpts} hdfs dfs -cat ${path} | sha256sum`)).trim().split(/\s+/)[0];
}

/**
 * Empties every real node's /var/lib/hdfs (a mount of the node's own): no metadata or blocks of an earlier stack.
 * Waits first until no HDFS pod of an earlier stack is left (one still terminating would write on while it is
 * emptied).
 */
export async function wipeHdfsDirectories(nodes: RealNode[]): Promise<void> {
  await waitFor(async () => (await getPods(namespace)).length === 0, 180_000, {
    what: `no pod left in namespace ${namespace} from an earlier stack`, intervalMs: 2000,
    describe: () => kubectl(["get", "pods", "-n", namespace, "-o", "wide"]),
  });
  for (const node of nodes) {
    await inRealNode(node, "find", ["/var/lib/hdfs", "-mindepth", "1", "-maxdepth", "1", "-exec", "rm", "-rf", "{}", "+"]);
  }
}

/**
 * The runbook's step for a JournalNode whose disk was lost (docs/runbooks.md, Replace a disk): the journal directory
 * copied from a healthy JournalNode's host onto `to`'s (without the lock), owned by the daemons' user. Hadoop 3.4
 * does not format a JournalNode from its peers; its sync fills in what the copy lacks.
 */
export async function copyJournal(from: RealNode, to: RealNode, dir = "/var/lib/hdfs/journal"): Promise<void> {
  const inNode = (n: RealNode) => `nsenter --mount=/proc/${n.holderPid}/ns/mnt --`;
  await inRealNode(to, "mkdir", ["-p", dir]);
  await runOk("sh", ["-c", `${inNode(from)} tar -C ${dir} --exclude=in_use.lock -cf - . | ${inNode(to)} tar -C ${dir} -xf -`]);
  await inRealNode(to, "chown", ["-R", "1000:1000", dir]);
}
