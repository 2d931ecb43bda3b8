// The program as the dev stack runs it, under mocks, against the policy pack: every Kubernetes object it registers
// passes every policy, and the DaemonSets declare exactly the host access they take.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { policies } from "../../../policy/policies";
import { workloadTypes } from "../../../policy/rules";
import { HdfsCluster } from "../../../components/hdfsCluster";
import { devStackRun, find, RegisteredResource, runProgram, settled, stackFileConfig, useMocks } from "../../support/mocks";
import { runPolicy, validationArgs } from "../../support/policy";

describe("the dev stack under the policy pack", () => {
  let registered: RegisteredResource[];
  before(async () => {
    const { run } = await devStackRun();
    assert.equal(run.error, undefined);
    registered = run.registered;
  });

  it("registers only Kubernetes objects that pass every policy", async () => {
    const objects = registered.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(objects.length >= 9, `only ${objects.length} objects`);
    const workloads = objects.filter((r) => workloadTypes.includes(r.type));
    assert.deepEqual(workloads.map((r) => r.name).sort(), ["hdfs-datanode", "hdfs-journalnode", "hdfs-namenode", "node-exporter"]);
    const violations: string[] = [];
    for (const r of objects) {
      for (const p of policies) {
        const run = await runPolicy(p, validationArgs(r.type, r.inputs, r.name));
        violations.push(...run.violations.map((v) => `${p.name}: ${v}`));
      }
    }
    assert.deepEqual(violations, []);
  });

  it("declares on each DaemonSet the host access, data directories and capabilities it takes", () => {
    const annotations = (name: string) => find(registered, "kubernetes:apps/v1:DaemonSet", name).inputs.metadata.annotations;
    assert.deepEqual(annotations("node-exporter"), { "k8s-daemonsets/host-access": "network,pid,hostPath" });
    assert.deepEqual(annotations("hdfs-namenode"), {
      "k8s-daemonsets/host-access": "network,hostPath",
      "k8s-daemonsets/data-directories": "name-dir",
      "k8s-daemonsets/capabilities": "CHOWN",
    });
  });

  it("would be rejected without those declarations (the check is not vacuous)", async () => {
    const failing = new Set<string>();
    for (const name of ["node-exporter", "hdfs-namenode"]) {
      const ds = structuredClone(find(registered, "kubernetes:apps/v1:DaemonSet", name).inputs);
      delete ds.metadata.annotations;
      for (const p of policies) {
        if ((await runPolicy(p, validationArgs("kubernetes:apps/v1:DaemonSet", ds, name))).violations.length > 0) {
          failing.add(`${name} ${p.name}`);
        }
      }
    }
    assert.deepEqual([...failing].sort(), [
      "hdfs-namenode capabilities-declared",
      "hdfs-namenode host-access-declared",
      "hdfs-namenode writable-host-paths-are-data-directories",
      "node-exporter host-access-declared",
    ]);
  });

  it("node-exporter's opt-in SYS_TIME is declared, passes the pack, and is refused without the declaration", async () => {
    const run = await runProgram({ ...stackFileConfig("dev"), nodeExporter: { sysTimeCapability: true } });
    assert.equal(run.error, undefined);
    const ds = find(run.registered, "kubernetes:apps/v1:DaemonSet", "node-exporter");
    assert.equal(ds.inputs.metadata.annotations["k8s-daemonsets/capabilities"], "SYS_TIME");
    const verdict = async (inputs: any) => {
      const failed: string[] = [];
      for (const p of policies) {
        if ((await runPolicy(p, validationArgs(ds.type, inputs, ds.name))).violations.length > 0) failed.push(p.name);
      }
      return failed;
    };
    assert.deepEqual(await verdict(ds.inputs), []);
    const undeclared = structuredClone(ds.inputs);
    delete undeclared.metadata.annotations["k8s-daemonsets/capabilities"];
    assert.deepEqual(await verdict(undeclared), ["capabilities-declared"]);
  });
});

describe("a rolling upgrade under the policy pack", () => {
  it("its Job, ServiceAccount, Role and binding, and the OnDelete DaemonSets, pass every policy", async () => {
    const registered = useMocks();
    new HdfsCluster("hdfs", { security: { mode: "simple" }, nameNodeHosts: ["node-2", "node-5", "node-8"], hadoopVersion: "3.5.0", upgradeInProgress: true });
    await settled();
    const objects = registered.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(objects.some((r) => r.type === "kubernetes:batch/v1:Job") && objects.some((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:Role"));
    const violations: string[] = [];
    for (const r of objects) {
      for (const p of policies) {
        const run = await runPolicy(p, validationArgs(r.type, r.inputs, r.name));
        violations.push(...run.violations.map((v) => `${r.name} ${p.name}: ${v}`));
      }
    }
    assert.deepEqual(violations, []);
  });
});
