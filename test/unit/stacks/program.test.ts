// The stack in one pass: parse -> plan (each component resolved once) -> checks -> preflight -> construct. The
// resolutions are counted on the channel every resolver publishes to, over one run of the program.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fakeApi } from "../../support/fakeApi";
import { countingResolutions, devStackRun, promiseOf, runProgram, stackFileConfig } from "../../support/mocks";
import { simpleHdfs } from "../../support/devStack";

/** component -> how many times its arguments were resolved while `run` ran. */
const resolutions = async (run: () => Promise<unknown>) => (await countingResolutions(run)).resolutions;

const once = { NodeExporterDaemonSet: 1, HdfsCluster: 1, HdfsSecurity: 1, HdfsNameNodeDaemonSet: 1, HdfsJournalNodeDaemonSet: 1, HdfsDataNodeDaemonSet: 1 };

describe("one pass through the stack", () => {
  it("resolves each component's arguments once in a run of the dev stack", async () => {
    const { run, resolutions: counts } = await devStackRun();
    assert.equal(run.error, undefined);
    assert.deepEqual(counts, once);
  });

  it("once with ZooKeeper and every optional object, and once where HDFS is placed at preflight", async () => {
    const dev = stackFileConfig("dev");
    const zk = { ...dev, hdfs: { ...(dev.hdfs as object), zookeeperQuorum: ["zk:2181"] }, nodeExporter: { rbacProxy: true, serviceMonitor: true } };
    assert.deepEqual(await resolutions(async () => assert.equal((await runProgram(zk)).error, undefined)), once);
    const external = simpleHdfs({ hdfs: { selectorLabelsManagedExternally: true } });
    const nodes = ["node-2", "node-5", "node-8"].map((name) => ({ apiVersion: "v1", kind: "Node", name, metadata: { labels: { host: "high-cpu" } } }));
    let exports: any;
    assert.deepEqual(await resolutions(async () => {
      const run = await runProgram(external, fakeApi([], nodes));
      assert.equal(run.error, undefined, String(run.error));
      exports = run.exports;
    }), once);
    assert.deepEqual((await promiseOf(exports.hdfsConfig as any) as any).nameNodes.map((n: any) => n.host), ["node-2", "node-5", "node-8"]);
  });

  it("counts what it should: a component constructed from raw arguments resolves them itself", async () => {
    const { NodeExporterDaemonSet, resolveNodeExporterArgs } = await import("../../../components/nodeExporter");
    const { useMocks } = await import("../../support/mocks");
    useMocks();
    const counts = await resolutions(async () => {
      new NodeExporterDaemonSet("raw", {});
      new NodeExporterDaemonSet("resolved", resolveNodeExporterArgs({}));
    });
    assert.deepEqual(counts, { NodeExporterDaemonSet: 2 });
  });
});
