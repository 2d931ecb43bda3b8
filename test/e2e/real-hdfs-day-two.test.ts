// e2e-real-nodes: 4
// End-to-end on real nodes: HDFS's day two (docs/runbooks.md) with Hadoop 3.5.0 under real kubelets on node-2,
// node-3, node-5 and node-8 (four: replication 3 beside a host being drained; scripts/run-tests.sh gives this file
// a cluster of its own). A standalone NameNode on node-2 and a DataNode on every real node with two data directories,
// each a real ext4 filesystem (a loop device) mounted in the node's own mount namespace, `hostDirectories:
// mountPoint`: a disk that is not mounted stops its DataNode, naming its path; a data directory failing under a
// running DataNode leaves it serving from the other; the NameNode's name directory emptied is refused (never
// formatted) until it is restored, and every file is then read back; racks from a zone label (two zones), node-3
// joining the DataNodes in its zone's rack; node-3 drained (decommissioned: every block
// replicated elsewhere, no pod restarted), then out of the DataNodes' placement. Simple mode: what is checked here does not
// depend on Kerberos (real-hdfs.test.ts runs the same pods with it). Skipped without real nodes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { getRealNodes, inRealNode, kubectl, realNodeCount, run, runOk, waitFor, type RealNode } from "../support/localCluster";
import { simpleHdfs } from "../support/devStack";
import { assertSucceeded, TestStack } from "../support/pulumi";
import { hdfs, hdfsConfig, liveDataNodes, namespace, podsByNode, readFile, rolesReady, wipeHdfsDirectories, writeFile } from "../support/realHdfs";

/** Each real node's two data disks: ext4 images of their own, loop-mounted in the node's mount namespace. */
const disksRoot = "/srv/k8s-daemonsets-e2e-disks";
const zone = "topology.kubernetes.io/zone";
/** The DataNodes' hosts at first: node-3 joins them in test 2. */
const firstHosts = ["node-2", "node-5", "node-8"];
const disks = [`${disksRoot}/disk0`, `${disksRoot}/disk1`];
const images = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-disks-"));

/** Mounts `disk` on `node` from the node's own image file (made on first use). */
async function mountDisk(node: RealNode, disk: string): Promise<void> {
  const image = path.join(images, `${node.name}-${path.basename(disk)}.img`);
  if (!fs.existsSync(image)) {
    // (sparse; larger than a block: a DataNode refuses a volume with less room than dfs.blocksize left)
    await runOk("truncate", ["-s", "256M", image]);
    await runOk("mkfs.ext4", ["-q", "-F", "-m", "0", image]);
  }
  await inRealNode(node, "mkdir", ["-p", disk]);
  await inRealNode(node, "mount", ["-o", "loop", image, disk]);
}

async function unmountDisks(nodes: RealNode[]): Promise<void> {
  for (const node of nodes) {
    for (const disk of disks) {
      const mounted = (await run("nsenter", [`--mount=/proc/${node.holderPid}/ns/mnt`, "--", "findmnt", "-n", disk])).exitCode === 0;
      if (mounted) await inRealNode(node, "umount", [disk]).catch(() => inRealNode(node, "umount", ["-l", disk]));
    }
    await inRealNode(node, "rm", ["-rf", disksRoot]);
  }
}

/** A DataNode's FSDatasetState from its own /jmx (simple mode: plain HTTP on the node's address). */
async function datasetState(node: RealNode): Promise<{ NumFailedVolumes: number; FailedStorageLocations: string[] }> {
  // (the dataset's MBean, FSDatasetState-<datanode uuid>; the metrics source FSDatasetState has no locations)
  const r = await fetch(`http://${node.ip}:9864/jmx?qry=Hadoop:service=DataNode,name=FSDatasetState-*`, { signal: AbortSignal.timeout(5000) });
  return ((await r.json()) as { beans: { NumFailedVolumes: number; FailedStorageLocations: string[] }[] }).beans[0];
}

describe("HDFS day two on real nodes: disks that must exist, a failed volume, a drained host, a standalone NameNode's lost name directory", { skip: realNodeCount < 4 ? "needs 4 real nodes (REAL_NODES=4)" : false }, () => {
  const stack = new TestStack("e2e-real-hdfs-day-two");
  let real: RealNode[];
  const files = Array.from({ length: 5 }, (_, i) => `hdfs://node-2:8020/e2e/day-two/f${i}`);
  const sums: string[] = [];

  before(async () => {
    real = await getRealNodes();
    await wipeHdfsDirectories(real);
    await unmountDisks(real);
    for (const node of real) for (const disk of disks) await mountDisk(node, disk);
    await stack.init();
  });
  after(async () => {
    const destroyed = await stack.destroy();
    await stack.remove();
    await unmountDisks(real);
    fs.rmSync(images, { recursive: true, force: true });
    assertSucceeded(destroyed, "pulumi destroy");
  });

  /**
   * The suite's stack config: the DataNodes on the nodes labelled `hdfs-datanode=yes` (`dataNodeHosts`), two disks
   * each, their racks from the zone label; `decommission` as given.
   */
  function configure(dataNodeHosts: string[], decommission: string[] = []): void {
    const config = hdfsConfig(["node-2"]);
    // Two zones: node-2 and node-5 in zone-a, node-3 and node-8 in zone-b (the DataNodes' racks).
    const nodeLabels = Object.fromEntries(real.map((n) => [n.name, {
      ...(n.name === "node-2" ? { host: "high-cpu" } : {}),
      [zone]: ["node-2", "node-5"].includes(n.name) ? "zone-a" : "zone-b",
      ...(dataNodeHosts.includes(n.name) ? { "hdfs-datanode": "yes" } : {}),
    }]));
    stack.setConfig(simpleHdfs({
      ...config,
      nodeLabels,
      hdfs: {
        ...config.hdfs,
        decommission,
        dataNode: { ...config.hdfs.dataNode, nodeSelector: { "hdfs-datanode": "yes" }, dataDirHostPaths: disks, hostDirectories: "mountPoint" },
        // A failed volume is checked at once (Hadoop waits 15 minutes between two disk checks); the NameNode checks
        // a decommission's progress every 3 s (Hadoop: 30 s).
        // The disks are small: blocks of 16 MiB, and a volume takes a block with that much room left (Hadoop 3.4's
        // round-robin policy asks for a block and 1 GiB more).
        hdfsSite: {
          "dfs.datanode.disk.check.min.gap": "0", "dfs.namenode.decommission.interval": "3", "dfs.blocksize": "16m",
          "dfs.datanode.round-robin-volume-choosing-policy.additional-available-space": "0",
        },
      },
    }));
  }

  test("1. two mounted data disks per DataNode (hostDirectories: mountPoint): every DataNode serves when pulumi up returns; the format record is written", async () => {
    configure(firstHosts);
    assertSucceeded(await stack.up(), "pulumi up");
    assert.deepEqual(await liveDataNodes("node-2"), firstHosts, "every DataNode live when pulumi up returned");
    const record = JSON.parse(await kubectl(["get", "configmap", "-n", namespace, "hdfs-namenode-format-record", "-o", "json"]));
    assert.deepEqual(record.data, { "cluster-id": "k8s-daemonsets" });
    for (const f of files) sums.push(await writeFile("namenode", "node-2", f, 1_500_000));
    // Both disks of every DataNode hold blocks.
    for (const node of real.filter((n) => firstHosts.includes(n.name))) {
      for (const disk of disks) {
        const blocks = await inRealNode(node, "find", [disk, "-name", "blk_*", "-not", "-name", "*.meta"]);
        assert.ok(blocks.trim().length > 0, `${node.name}: no block on ${disk}`);
      }
    }
  });

  test("2. racks from the zone label: two racks, every block on both; node-3 joining the DataNodes lands in its zone's rack", async (t) => {
    const racks = async () => {
      const out = await hdfs("namenode", "node-2", ["dfsadmin", "-printTopology"]);
      return Object.fromEntries(out.split(/^Rack: /m).slice(1).map((part) => {
        const [rack, ...lines] = part.split("\n");
        // "   <address>:9866 (<host>)": the host is the address where the NameNode cannot resolve it back.
        const name = (ip: string) => real.find((n) => n.ip === ip)?.name ?? ip;
        return [rack.trim(), lines.flatMap((l) => [...l.matchAll(/^\s+(\d+\.\d+\.\d+\.\d+):\d+ /g)].map((m) => name(m[1]))).sort()];
      }));
    };
    assert.deepEqual(await racks(), { "/zone-a": ["node-2", "node-5"], "/zone-b": ["node-8"] });
    const fsck = await hdfs("namenode", "node-2", ["fsck", "/e2e/day-two", "-files", "-blocks", "-racks"]);
    const blocks = fsck.split("\n").filter((l) => /blk_\d+/.test(l));
    assert.equal(blocks.length, files.length, fsck);
    for (const b of blocks) assert.ok(b.includes("/zone-a/") && b.includes("/zone-b/"), `a block on one rack only: ${b}`);

    configure([...firstHosts, "node-3"]);
    const joined = Date.now();
    assertSucceeded(await stack.up(), "pulumi up (node-3 joins the DataNodes)");
    // A label change adds a pod to an unchanged DaemonSet, which pulumi up does not wait for; and the NameNode
    // refuses node-3's DataNode until the kubelet has synced its copy of the rack map (a minute at most).
    await waitFor(async () => (await liveDataNodes("node-2")).length === real.length, 180_000, { what: "node-3's DataNode live", intervalMs: 3000 });
    t.diagnostic(`node-3's DataNode live ${((Date.now() - joined) / 1000).toFixed(0)} s after pulumi up began`);
    assert.deepEqual(await racks(), { "/zone-a": ["node-2", "node-5"], "/zone-b": ["node-3", "node-8"] });
  });

  test("3. a disk that is not mounted: the DataNode refuses to start on it, naming its path; mounted again, it serves", async () => {
    const node = real.find((n) => n.name === "node-8")!;
    // Unmounted in the node's view (the running DataNode keeps its own mount), then the pod replaced.
    await inRealNode(node, "umount", [disks[1]]);
    await kubectl(["delete", "pod", "-n", namespace, (await podsByNode("datanode")).get(node.name)!.metadata.name]);
    const refusal = await waitFor(async () => {
      const pod = (await podsByNode("datanode")).get(node.name);
      const state = pod?.status.initContainerStatuses?.find((s) => s.name === "own-data-dirs");
      const terminated = state?.state?.terminated ?? state?.lastState?.terminated;
      return terminated && terminated.exitCode !== 0 && pod ? kubectl(["logs", "-n", namespace, pod.metadata.name, "-c", "own-data-dirs", ...(state?.state?.terminated ? [] : ["--previous"])]) : false;
    }, 120_000, { what: `node-8's DataNode refused by its init step`, intervalMs: 2000 });
    assert.match(refusal, new RegExp(`host-directories: ${disks[1]} \\(on this node; /hadoop/dfs/data/1 in the pod\\) is not the root of a mounted filesystem .* is its disk mounted\\?`));
    // Nothing started on the node's root filesystem, and the other disk's blocks are untouched.
    assert.equal((await inRealNode(node, "find", [disks[1], "-mindepth", "1"])).trim(), "", "nothing written onto the unmounted disk's directory");
    assert.equal((await podsByNode("datanode")).get(node.name)!.status.containerStatuses?.find((c) => c.name === "datanode")?.state?.running, undefined);

    await mountDisk(node, disks[1]);
    await kubectl(["delete", "pod", "-n", namespace, (await podsByNode("datanode")).get(node.name)!.metadata.name]);
    await rolesReady(["datanode"], real.map((n) => n.name), 180_000);
    assert.deepEqual(await liveDataNodes("node-2"), real.map((n) => n.name));
  });

  test("4. one of two data directories fails under a running DataNode: it goes on serving from the other", async (t) => {
    const node = real.find((n) => n.name === "node-5")!;
    assert.equal((await datasetState(node)).NumFailedVolumes, 0);
    // The DataNode (uid 1000) can no longer read or write disk1's block pool: its next write there fails, and the
    // disk check that follows fails the volume. Written from node-5 itself: a block's first replica is the writer's
    // own DataNode (the rack policy never puts one on node-5 for a writer on node-2, in its rack), and its volumes
    // take blocks in turn.
    await inRealNode(node, "chmod", ["000", `${disks[1]}/current`]);
    try {
      const failed = await waitFor(async () => {
        await writeFile("datanode", "node-5", `hdfs://node-2:8020/e2e/day-two/trigger-${Date.now()}`, 300_000);
        const s = await datasetState(node);
        return s.NumFailedVolumes === 1 && s;
      }, 180_000, { what: "node-5's disk1 failed", intervalMs: 2000, describe: async () => `FSDatasetState ${JSON.stringify(await datasetState(node))}` });
      t.diagnostic(`node-5 FSDatasetState: ${JSON.stringify(failed)}`);
      assert.deepEqual(failed.FailedStorageLocations.map((l) => l.replace(/^\[DISK\]file:/, "").replace(/\/$/, "")), ["/hadoop/dfs/data/1"]);
      assert.ok((await liveDataNodes("node-2")).includes(node.name), "node-5 still live");
      assert.ok((await podsByNode("datanode")).get(node.name)!.status.containerStatuses?.every((c) => c.ready && c.restartCount === 0));
      const sum = await writeFile("datanode", "node-5", "hdfs://node-2:8020/e2e/day-two/after-failure", 1_000_000);
      assert.equal(await readFile("datanode", "node-8", "hdfs://node-2:8020/e2e/day-two/after-failure"), sum);
    } finally {
      await inRealNode(node, "chmod", ["755", `${disks[1]}/current`]);
    }
    // Restored: the pod restarted takes both directories again.
    await kubectl(["delete", "pod", "-n", namespace, (await podsByNode("datanode")).get(node.name)!.metadata.name]);
    await rolesReady(["datanode"], real.map((n) => n.name), 180_000);
    assert.equal((await datasetState(node)).NumFailedVolumes, 0);
  });

  test("5. node-3 drained: hdfs.decommission makes pulumi up return once it is Decommissioned (seen decommissioning meanwhile), fsck healthy, no pod restarted; then it leaves the DataNodes' placement", async (t) => {
    const uids = async () => Object.fromEntries((await Promise.all(["namenode", "datanode"].map(async (r) =>
      [...(await podsByNode(r))].map(([n, p]) => [`${r}/${n}`, p.metadata.uid])))).flat());
    const before = await uids();
    const node3 = real.find((n) => n.name === "node-3")!;
    // Out of the placement before it is drained: refused by preview, naming the host and the key that drains it.
    configure(firstHosts);
    const refused = await stack.preview();
    assert.notEqual(refused.exitCode, 0, refused.all);
    assert.match(refused.all, /k8s-daemonsets:hdfs\.decommission: node node-3 runs a DataNode of hdfs\/hdfs-datanode that this update takes out of its placement, but it is not decommissioned/);
    assert.deepEqual(await uids(), before, "nothing changed by the refused preview");
    const held = (await inRealNode(node3, "sh", ["-c", `find ${disks.join(" ")} -name 'blk_*' -not -name '*.meta' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'`])).trim();
    configure(real.map((n) => n.name), ["node-3"]);
    const started = Date.now();
    const up = stack.up();
    // The NameNode's own view, polled over its web endpoint while pulumi up runs (no JVM per poll).
    let seenDecommissioning = false;
    let finished = false;
    void up.finally(() => { finished = true; });
    while (!finished) {
      const r = await fetch("http://" + real.find((n) => n.name === "node-2")!.ip + ":9870/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo", { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
      const info = r ? ((await r.json()) as { beans: { DecomNodes?: string }[] }).beans[0] : undefined;
      if (info?.DecomNodes && Object.keys(JSON.parse(info.DecomNodes)).some((k) => k.startsWith("node-3") || k.startsWith(node3.ip))) seenDecommissioning = true;
      await new Promise((r) => setTimeout(r, 500));
    }
    assertSucceeded(await up, "pulumi up (node-3 decommissioned)");
    t.diagnostic(`decommission of node-3 (${held} bytes of blocks on it): pulumi up took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.ok(seenDecommissioning, "the NameNode listed node-3 as decommissioning while pulumi up ran");
    const report = await hdfs("namenode", "node-2", ["dfsadmin", "-report"]);
    // ("(<host>)" is the address where the NameNode cannot resolve it back)
    const ip = node3.ip.replace(/\./g, "\\.");
    assert.match(report, new RegExp(`Name: ${ip}:9866 \\((node-3|${ip})\\)\\nHostname: node-3\\n(Rack: \\S+\\n)?Decommission Status : Decommissioned`));
    const fsck = await hdfs("namenode", "node-2", ["fsck", "/"]);
    assert.match(fsck, /Status: HEALTHY/);
    assert.match(fsck, /Under-replicated blocks:\s+0 \(/);
    assert.match(fsck, /Missing blocks:\s+0\n/);
    assert.deepEqual(await uids(), before, "no NameNode or DataNode pod restarted by the drain");
    const job = JSON.parse(await kubectl(["get", "jobs", "-n", namespace, "-o", "json"])).items as { metadata: { name: string }; status: { succeeded?: number } }[];
    assert.equal(job.length, 1);
    assert.match(job[0].metadata.name, /^hdfs-namenode-decommission-[0-9a-f]{8}$/);
    assert.equal(job[0].status.succeeded, 1);

    // Drained: the host leaves the placement (its label removed), its DataNode goes, every file stays readable.
    configure(firstHosts, ["node-3"]);
    assertSucceeded(await stack.up(), "pulumi up (node-3 out of the DataNodes' placement)");
    await waitFor(async () => !(await podsByNode("datanode")).has("node-3"), 60_000, { what: "node-3's DataNode gone", intervalMs: 2000 });
    for (const [i, f] of files.entries()) assert.equal(await readFile("datanode", "node-8", f), sums[i], f);
  });

  test("6. the standalone NameNode's name directory emptied: refused with the recovery steps, never formatted; restored, every file reads back", async () => {
    const node = real.find((n) => n.name === "node-2")!;
    const nameDir = "/var/lib/hdfs/name";
    // A copy of the directory made by the runbook's way (a saved namespace), then the directory lost.
    await hdfs("namenode", "node-2", ["dfsadmin", "-safemode", "enter"]);
    await hdfs("namenode", "node-2", ["dfsadmin", "-saveNamespace"]);
    await hdfs("namenode", "node-2", ["dfsadmin", "-safemode", "leave"]);
    await inRealNode(node, "cp", ["-a", nameDir, `${nameDir}.copy`]);
    // The NameNode frozen first (SIGSTOP) and killed without its shutdown (SIGKILL after a 1 s grace period), so
    // that nothing of it writes into the directory once emptied.
    const pids = (await runOk("ip", ["netns", "pids", node.netns])).split("\n").filter(Boolean);
    const nameNode = pids.filter((p) => { try { return /org\.apache\.hadoop\.hdfs\.server\.namenode\.NameNode/.test(fs.readFileSync(`/proc/${p}/cmdline`, "utf8")); } catch { return false; } });
    assert.equal(nameNode.length, 1, `node-2's NameNode process: ${nameNode}`);
    await runOk("kill", ["-STOP", ...nameNode]);
    await inRealNode(node, "find", [nameDir, "-mindepth", "1", "-delete"]);
    await kubectl(["delete", "pod", "-n", namespace, "--grace-period=1", (await podsByNode("namenode")).get("node-2")!.metadata.name]);
    const refusal = await waitFor(async () => {
      const pod = (await podsByNode("namenode")).get("node-2");
      const state = pod?.status.initContainerStatuses?.find((s) => s.name === "format");
      const terminated = state?.state?.terminated ?? state?.lastState?.terminated;
      return terminated && terminated.exitCode !== 0 && pod ? kubectl(["logs", "-n", namespace, pod.metadata.name, "-c", "format", ...(state?.state?.terminated ? [] : ["--previous"])]) : false;
    }, 120_000, { what: "the NameNode's format step refusing", intervalMs: 2000 });
    assert.match(refusal, /namenode-format: \/hadoop\/dfs\/name is empty, but cluster k8s-daemonsets was formatted and served before \(ConfigMap hdfs\/hdfs-namenode-format-record\): refusing to format/);
    assert.match(refusal, /recover: .*restore its copy .*kubectl delete configmap -n hdfs hdfs-namenode-format-record/);
    assert.equal((await inRealNode(node, "find", [nameDir, "-mindepth", "1"])).trim(), "", "nothing formatted into the name directory");

    await inRealNode(node, "sh", ["-c", `rmdir ${nameDir} && mv ${nameDir}.copy ${nameDir}`]);
    await kubectl(["delete", "pod", "-n", namespace, (await podsByNode("namenode")).get("node-2")!.metadata.name]);
    await rolesReady(["namenode"], ["node-2"], 180_000);
    for (const [i, f] of files.entries()) assert.equal(await readFile("datanode", "node-8", f), sums[i], f);
  });
});

