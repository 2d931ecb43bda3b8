// End-to-end: a stack deployed by the program as it was before the HDFS roles were grouped under
// HdfsCluster (the parent of the commit that added components/hdfsCluster.ts, checked out beside this one)
// updates in place with this program: the preview has no replace and no delete, and after `pulumi up` the
// namespace and the NameNode's membership record are the very objects first created (same uid, same data).
// Its config keeps the keys of that time (hdfsNameNode, hdfsDataNode), read where they are now with a warning.
// That program ran HDFS in simple mode, this one's default is Kerberos: the preview refuses until the stack chooses
// (hdfs.security.mode simple keeps it as it runs), and nothing is changed meanwhile. It ran Hadoop 3.4.1, this
// one's default is 3.5.0: the stack keeps its version (hdfs.hadoopVersion), as a program update should; a Hadoop
// upgrade is a step of its own (docs/runbooks.md, Upgrade Hadoop).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { kubectlJson, repoRoot, runOk } from "../support/localCluster";
import { assertSucceeded, TestStack } from "../support/pulumi";

const highCpu = { host: "high-cpu" };
const config = {
  nodeLabels: { "node-2": highCpu, "node-5": highCpu, "node-8": highCpu },
  hdfsNameNode: { nodeSelector: highCpu },
  hdfsDataNode: { tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] },
};

/** What the stack sets to keep HDFS as that program ran it. */
const asItRan = { security: { mode: "simple" }, hadoopVersion: "3.4.1" };

/** The objects whose replacement would lose something: uid, and the membership record's data. */
async function identities(): Promise<Record<string, unknown>> {
  const ns = await kubectlJson<any>(["get", "namespace", "hdfs"]);
  const membership = await kubectlJson<any>(["get", "configmap", "-n", "hdfs", "hdfs-namenode-membership"]);
  const ds = await kubectlJson<any>(["get", "daemonsets", "-n", "hdfs"]);
  return {
    namespace: ns.metadata.uid,
    membership: { uid: membership.metadata.uid, data: membership.data },
    daemonSets: Object.fromEntries(ds.items.map((d: any) => [d.metadata.name, d.metadata.uid])),
  };
}

describe("upgrading a stack deployed before HdfsCluster", () => {
  const stack = new TestStack("e2e-upgrade");
  const previous = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-previous-"));
  let base = "";

  before(async () => {
    const added = (await runOk("git", ["log", "--diff-filter=A", "--format=%H", "--", "components/hdfsCluster.ts"], { cwd: repoRoot })).trim().split("\n").at(-1);
    assert.ok(added, "no commit adds components/hdfsCluster.ts");
    base = (await runOk("git", ["rev-parse", `${added}^`], { cwd: repoRoot })).trim();
    await runOk("git", ["worktree", "add", "--detach", previous, base], { cwd: repoRoot });
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(previous, "node_modules"));
    assert.equal(fs.existsSync(path.join(previous, "components", "hdfsCluster.ts")), false);
    await stack.init();
    stack.setConfig(config);
  });
  after(async () => {
    stack.programDir = repoRoot;
    await stack.destroy();
    await stack.remove();
    await runOk("git", ["worktree", "remove", "--force", previous], { cwd: repoRoot });
  });

  test("the previous program deploys the dev-shaped stack", async () => {
    stack.programDir = previous;
    assertSucceeded(await stack.up(), `pulumi up (program of ${base.slice(0, 12)})`);
  });

  test("this program refuses the config of that time, naming hdfs.security.mode (its default is Kerberos, the running HDFS is in simple mode); nothing changes", async () => {
    const first = await identities();
    stack.programDir = repoRoot;
    const refused = await stack.preview();
    assert.notEqual(refused.exitCode, 0, refused.all);
    assert.match(refused.all, /Invalid stack configuration \(1 problem\); nothing was changed:\n\s+- k8s-daemonsets:hdfs\.security\.mode: is kerberos \(the default\), but no realm, KDC, keytab or TLS material is set: .*set k8s-daemonsets:hdfs\.security\.mode to simple for a throwaway cluster or one that runs in simple mode \(docs\/hdfs\.md, "Switching modes"\)/);
    assert.doesNotMatch(refused.all, /at \S+\.ts:\d+/, "no stack trace");
    assert.deepEqual(await identities(), first);
    // The stack chooses to keep simple mode.
    stack.setConfig({ ...config, hdfs: asItRan });
  });

  test("this program's preview replaces nothing and deletes nothing (updates in place only); up keeps every object; a second up changes nothing", async () => {
    const first = await identities();
    stack.programDir = repoRoot;
    const preview = await stack.pulumi(["preview", "--stack", stack.name, "--config-file", stack.currentConfigFile, "--non-interactive", "--json"], { allowFailure: true });
    assertSucceeded(preview, "pulumi preview --json");
    const result = JSON.parse(preview.stdout);
    const steps: { op: string; urn: string }[] = result.steps ?? [];
    const typeOf = (urn: string) => urn.split("::")[2].split("$").at(-1);
    const bad = steps.filter((s) => ["delete", "replace", "create-replacement", "delete-replaced", "discard", "read-replacement"].includes(s.op));
    assert.deepEqual(bad.map((s) => `${s.op} ${s.urn}`), []);
    // The new resources are the grouping component itself and what the program has added since (each role's
    // metrics Service; the NameNodes' exclude file, format record and rack map); everything else is the same
    // (matched by alias).
    const created = steps.filter((s) => s.op === "create").map((s) => `${typeOf(s.urn)} ${s.urn.split("::").at(-1)}`).sort();
    assert.deepEqual(created, [
      "k8s-daemonsets:index:HdfsCluster hdfs",
      "kubernetes:core/v1:ConfigMap hdfs-namenode-exclude",
      "kubernetes:core/v1:ConfigMap hdfs-namenode-format-record",
      "kubernetes:core/v1:ConfigMap hdfs-namenode-topology",
      "kubernetes:core/v1:Service hdfs-datanode-metrics",
      "kubernetes:core/v1:Service hdfs-journalnode-metrics",
      "kubernetes:core/v1:Service hdfs-namenode-metrics",
    ]);
    // What the program renders differently since then (the HDFS pods and their ConfigMaps) is updated in place;
    // nothing else changes.
    const summary: Record<string, number> = result.changeSummary ?? {};
    assert.deepEqual(Object.keys(summary).filter((op) => !["same", "create", "update"].includes(op)), [], JSON.stringify(summary));
    const updated = [...new Set(steps.filter((s) => s.op === "update").map((s) => typeOf(s.urn)))].sort();
    assert.ok(updated.every((t) => t === "kubernetes:apps/v1:DaemonSet" || t === "kubernetes:core/v1:ConfigMap"), updated.join(", "));
    assert.equal(summary.create, created.length);
    // what was there is kept: the same, or updated in place (the HDFS roles' ConfigMaps and DaemonSets)
    assert.ok((summary.same ?? 0) + (summary.update ?? 0) >= 25, JSON.stringify(summary));

    assertSucceeded(await stack.up(), "pulumi up (this program)");
    assert.deepEqual(await identities(), first);
    // The state now holds the objects under their new URNs, and none under the old.
    const urns: string[] = JSON.parse((await stack.pulumi(["stack", "export", "--stack", stack.name])).stdout).deployment.resources.map((r: any) => r.urn);
    const membership = urns.filter((u) => u.endsWith("::hdfs-namenode-membership"));
    assert.deepEqual(membership.map((u) => u.split("::")[2]), ["k8s-daemonsets:index:HdfsCluster$k8s-daemonsets:index:HdfsNameNodeDaemonSet$kubernetes:core/v1:ConfigMap"]);
    assert.deepEqual(urns.filter((u) => u.split("::")[2].startsWith("k8s-daemonsets:index:Hdfs") && !u.split("::")[2].startsWith("k8s-daemonsets:index:HdfsCluster")), []);
    assertSucceeded(await stack.up(["--expect-no-changes"]), "pulumi up --expect-no-changes");
    // The config's keys of that time still work, with a warning (a preview's diagnostics; --json leaves them out);
    // moved where they are now, nothing changes.
    const plain = await stack.preview();
    assertSucceeded(plain, "pulumi preview");
    assert.match(plain.all, /k8s-daemonsets:hdfsNameNode is deprecated: its keys are now under k8s-daemonsets:hdfs \(nodeSelector -> hdfs\.nameNode\.nodeSelector\)/);
    stack.setConfig({ nodeLabels: config.nodeLabels, hdfs: { ...asItRan, nameNode: config.hdfsNameNode, dataNode: config.hdfsDataNode } });
    assertSucceeded(await stack.up(["--expect-no-changes"]), "pulumi up --expect-no-changes, the keys under hdfs");
  });
});
