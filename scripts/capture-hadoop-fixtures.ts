// Captures, from running daemons, what the unit tier checks the HDFS rules, dashboard and readiness probe against:
// per Hadoop version given, test/fixtures/hadoop-<version>-prom-metrics.txt (the metric names each role serves at
// /prom) and hadoop-<version>-jmx.json (the beans components/assets/hdfs-ready.sh reads). Run by
// scripts/capture-hadoop-fixtures.sh on a cluster with three real nodes: the stack's own HA nameservice (hdfs-k8s:
// a NameNode, a JournalNode and a DataNode on each of node-2, node-5 and node-8, simple mode), a file written, then
// each daemon's /prom and /jmx read over the nodes' bridge.
//
//   node --import tsx scripts/capture-hadoop-fixtures.ts VERSION...
import * as fs from "node:fs";
import * as path from "node:path";
import { hdfsSiteDefaults } from "../components/hadoopConfig";
import { hadoopVersions } from "../components/hdfsShared";
import { simpleHdfs } from "../test/support/devStack";
import { getRealNodes, repoRoot, type RealNode } from "../test/support/localCluster";
import { assertSucceeded, TestStack } from "../test/support/pulumi";
import { hdfsConfig, serviceStates, wipeHdfsDirectories, writeFile } from "../test/support/realHdfs";

const hosts = ["node-2", "node-5", "node-8"];
const roles = { namenode: hdfsSiteDefaults.nameNodeHttpPort, journalnode: hdfsSiteDefaults.journalNodeHttpPort, datanode: hdfsSiteDefaults.dataNodeHttpPort };
/** The beans hdfs-ready.sh reads, by role. */
const beans = {
  namenode: ["Hadoop:service=NameNode,name=StartupProgress", "Hadoop:service=NameNode,name=NameNodeStatus"],
  journalnode: ["Hadoop:service=JournalNode,name=JournalNodeInfo"],
  datanode: ["Hadoop:service=DataNode,name=DataNodeInfo"],
};

async function get(node: RealNode, port: number, query: string): Promise<string> {
  const r = await fetch(`http://${node.ip}:${port}${query}`, { signal: AbortSignal.timeout(10_000) });
  if (!r.ok) throw new Error(`${node.name}:${port}${query}: HTTP ${r.status}`);
  return r.text();
}

/** The metric names of a /prom answer, without Hadoop's per-RPC-call `rpcdetailed_*` ones. */
export function promMetricNames(text: string): string[] {
  const names = text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]);
  return [...new Set(names.filter((n) => !n.startsWith("rpcdetailed_")))].sort();
}

async function capture(version: string): Promise<void> {
  if (!(hadoopVersions as readonly string[]).includes(version)) throw new Error(`Hadoop ${version} is not one of the stack's versions (${hadoopVersions.join(", ")})`);
  const real = (await getRealNodes()).filter((n) => hosts.includes(n.name));
  if (real.length !== hosts.length) throw new Error(`needs real nodes ${hosts.join(", ")} (scripts/capture-hadoop-fixtures.sh starts them)`);
  // (no metadata or blocks of an earlier stack: a first start formats)
  await wipeHdfsDirectories(real);
  const stack = new TestStack(`capture-hadoop-${version.replace(/\./g, "-")}`);
  await stack.init();
  try {
    stack.setConfig(simpleHdfs(hdfsConfig(hosts, { hadoopVersion: version })));
    assertSucceeded(await stack.up(), `pulumi up (Hadoop ${version})`);
    const states = await serviceStates(hosts[0]);
    const active = Object.entries(states).find(([, s]) => s === "active")?.[0];
    const standby = Object.entries(states).find(([, s]) => s === "standby")?.[0];
    if (!active || !standby) throw new Error(`no active and standby NameNode: ${JSON.stringify(states)}`);
    await writeFile("datanode", hosts[1], "hdfs://hdfs-k8s/fixtures/f", 1_000_000);

    const served: Record<string, Set<string>> = {};
    for (const [role, port] of Object.entries(roles)) {
      served[role] = new Set();
      for (const node of real) for (const name of promMetricNames(await get(node, port, "/prom"))) served[role].add(name);
    }
    const jmx: Record<string, unknown> = {
      _about: `Beans of Hadoop ${version}'s /jmx, as its daemons answered (the image built here: the stack's HA nameservice on three real nodes, simple mode; scripts/capture-hadoop-fixtures.ts), keyed by daemon/bean name: what components/assets/hdfs-ready.sh reads.`,
    };
    const bean = async (node: RealNode, port: number, name: string) => (JSON.parse(await get(node, port, `/jmx?qry=${name}`)) as { beans: unknown[] }).beans[0];
    const byName = (n: string) => real.find((r) => r.name === n)!;
    for (const [key, node] of [["nn-active", byName(active)], ["nn-standby", byName(standby)]] as const) {
      for (const name of beans.namenode) jmx[`${key}/${name}`] = await bean(node, roles.namenode, name);
    }
    for (const name of beans.datanode) jmx[`dn/${name}`] = await bean(real[0], roles.datanode, name);
    for (const name of beans.journalnode) jmx[`jn/${name}`] = await bean(real[0], roles.journalnode, name);

    const fixtures = path.join(repoRoot, "test", "fixtures");
    const header = [
      `# The metric names Hadoop ${version} (the project's image, tools/hadoop) serves at /prom, read from running daemons by`,
      "# scripts/capture-hadoop-fixtures.ts: the stack's HA nameservice hdfs-k8s (NameNodes nn-node-2, nn-node-5, nn-node-8,",
      "# one active; a JournalNode and a DataNode on each of those nodes; simple mode), each role's metric names over its",
      "# three daemons after a file was written; Hadoop's per-call `rpcdetailed_*` metrics left out. A DataNode's heartbeat",
      "# counters carry the nameservice and NameNode id in their names (datanode_heartbeats_forhdfs_k8s_nn_node_2_…).",
      "# test/unit/components/hdfsRules.test.ts checks that every metric the HDFS rules and dashboard read is here.",
    ];
    const body = Object.entries(served).flatMap(([role, names]) => [`[${role}]`, ...[...names].sort()]);
    fs.writeFileSync(path.join(fixtures, `hadoop-${version}-prom-metrics.txt`), [...header, ...body, ""].join("\n"));
    fs.writeFileSync(path.join(fixtures, `hadoop-${version}-jmx.json`), JSON.stringify(jmx, null, 1) + "\n");
    console.log(`capture: Hadoop ${version}: ${Object.entries(served).map(([r, n]) => `${r} ${n.size} metric names`).join(", ")}; ${Object.keys(jmx).length - 1} beans`);
  } finally {
    const destroyed = await stack.destroy();
    await stack.remove();
    assertSucceeded(destroyed, "pulumi destroy");
  }
}

async function main(): Promise<void> {
  const versions = process.argv.slice(2);
  if (versions.length === 0) throw new Error(`usage: capture-hadoop-fixtures.ts VERSION... (of ${hadoopVersions.join(", ")})`);
  for (const v of versions) await capture(v);
}

main().catch((err) => {
  console.error(`capture: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
