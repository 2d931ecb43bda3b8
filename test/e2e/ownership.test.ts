// End-to-end: the stack never takes over or deletes what it did not create. A namespace (and PriorityClass)
// that already exists, a node label another field manager holds, a changed labelFieldManager and a labelled
// node that left the cluster are refused with the config key to change, before anything is changed; taking a
// label over is possible when the config says so. Runs on the kwok cluster that scripts/run-tests.sh e2e starts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { simpleHdfs } from "../support/devStack";
import { clusterScript, getDaemonSet, getNodes, kubectl, kubectlJson, type Metadata } from "../support/localCluster";
import { assertSucceeded, type PulumiResult, TestStack } from "../support/pulumi";

const namespace = "ownership-e2e";
const manager = "k8s-daemonsets-node-labels";
/** node-exporter alone, in a namespace of this file's own. */
function config(extra: Record<string, unknown> = {}, nodeExporter: Record<string, unknown> = {}) {
  return { nodeLabels: { "node-3": { team: "a" } }, hdfs: { enabled: false }, nodeExporter: { namespace, ...nodeExporter }, ...extra };
}

interface ManagedObject {
  metadata: Metadata & { managedFields?: { manager: string; fieldsV1?: any }[] };
}
async function node(name: string): Promise<ManagedObject> {
  return kubectlJson<ManagedObject>(["get", "node", name, "--show-managed-fields"]);
}
const labelManagers = (n: ManagedObject, key: string) =>
  (n.metadata.managedFields ?? []).filter((f) => f.fieldsV1?.["f:metadata"]?.["f:labels"]?.[`f:${key}`] !== undefined).map((f) => f.manager).sort();

/** Asserts the run failed in the program's preflight, before the engine changed anything. */
function assertRefused(r: PulumiResult, ...expected: RegExp[]): void {
  assert.notEqual(r.exitCode, 0, `expected a refusal, got success:\n${r.all}`);
  assert.match(r.all, /The cluster is not as this stack needs it \(\d+ problems?\); nothing was changed/, r.all);
  for (const re of expected) assert.match(r.all, re, r.all);
  assert.doesNotMatch(r.all, /\n\s+at .+\(.+:\d+:\d+\)/, "no stack trace");
}

describe("what the stack did not create", { concurrency: false }, () => {
  const stack = new TestStack("ownership");

  before(async () => {
    await stack.init();
  });

  after(async () => {
    stack.setConfig(config({}, { createNamespace: false }));
    await stack.destroy();
    await stack.remove();
    await kubectl(["delete", "namespace", namespace, "--ignore-not-found", "--wait=true"]);
    await kubectl(["delete", "priorityclass", "hdfs-namenode-critical", "--ignore-not-found"]);
    await kubectl(["label", "node", "node-4", "team-"]);
    if (!(await getNodes()).some((n) => n.metadata.name === "node-3")) await clusterScript(["add-node", "node-3"]);
  });

  test("an existing namespace is refused, and with createNamespace false used and left, with what it holds, after destroy", async () => {
    await kubectl(["create", "namespace", namespace]);
    await kubectl(["-n", namespace, "create", "configmap", "foreign", "--from-literal=owner=someone-else"]);

    stack.setConfig(config());
    assertRefused(await stack.preview(), new RegExp(`k8s-daemonsets:nodeExporter\\.namespace: Namespace "${namespace}" already exists in the cluster and this stack did not create it`));
    const refused = await stack.up();
    assertRefused(refused, /set k8s-daemonsets:nodeExporter\.createNamespace to false/);
    assert.equal(await getDaemonSet(namespace, "node-exporter"), undefined, "nothing was created");
    const ns = await kubectlJson<ManagedObject>(["get", "namespace", namespace]);
    assert.equal(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], undefined, "the namespace was not changed");
    assert.equal((await node("node-3")).metadata.labels?.team, undefined, "no label was applied");

    stack.setConfig(config({}, { createNamespace: false }));
    assertSucceeded(await stack.up(), "pulumi up into the existing namespace");
    assert.ok(await getDaemonSet(namespace, "node-exporter"), "the DaemonSet runs in the existing namespace");
    assertSucceeded(await stack.destroy(), "pulumi destroy");
    assert.equal(await getDaemonSet(namespace, "node-exporter"), undefined, "destroy removed what the stack created");
    const left = await kubectlJson<{ data: Record<string, string> }>(["-n", namespace, "get", "configmap", "foreign"]);
    assert.deepEqual(left.data, { owner: "someone-else" }, "the foreign ConfigMap survived up and destroy");
    await kubectl(["delete", "namespace", namespace, "--wait=true"]);
  });

  test("a PriorityClass of the same name is refused, pointing at priorityClassName", async () => {
    await kubectl(["create", "priorityclass", "hdfs-namenode-critical", "--value=1000"]);
    stack.setConfig(simpleHdfs({ nodeLabels: { "node-3": { host: "high-cpu" } }, hdfs: { nameNode: { nodeSelector: { host: "high-cpu" } } }, nodeExporter: { enabled: false } }));
    assertRefused(await stack.preview(), /k8s-daemonsets:hdfs\.nameNode\.priorityClassName: PriorityClass "hdfs-namenode-critical" already exists/);
    await kubectl(["delete", "priorityclass", "hdfs-namenode-critical"]);
  });

  test("a label another field manager holds is refused, and taken over when nodeLabelTakeover names it", async () => {
    await kubectl(["label", "node", "node-4", "team=b"]);
    const labels = { "node-3": { team: "a" }, "node-4": { team: "a" } };
    stack.setConfig(config({ nodeLabels: labels }));
    assertRefused(await stack.up(), /k8s-daemonsets:nodeLabels\.node-4\.team: node node-4 already has team=b, set by field manager kubectl-label/,
      /nodeLabelTakeover\.node-4\[0\]' 'team'/);
    assert.equal((await node("node-4")).metadata.labels?.team, "b", "the label was left as it was");
    assert.equal((await node("node-3")).metadata.labels?.team, undefined, "no other node was labelled either");

    stack.setConfig(config({ nodeLabels: labels, nodeLabelTakeover: { "node-4": ["team"] } }));
    assertSucceeded(await stack.up(), "pulumi up taking team over on node-4");
    const taken = await node("node-4");
    assert.equal(taken.metadata.labels?.team, "a");
    assert.deepEqual(labelManagers(taken, "team"), [manager], "the stack's field manager alone owns the label now");

    // Taken over, the label is the stack's: leaving node-4 out of the config removes it.
    stack.setConfig(config());
    assertSucceeded(await stack.up(), "pulumi up without node-4");
    assert.equal((await node("node-4")).metadata.labels?.team, undefined);
    assert.equal((await node("node-3")).metadata.labels?.team, "a");
  });

  test("changing labelFieldManager while the stack's labels are applied is refused", async () => {
    stack.setConfig(config({ labelFieldManager: "platform-labels" }));
    assertRefused(await stack.up(), /k8s-daemonsets:labelFieldManager: the labels on node-3 were applied under field manager "k8s-daemonsets-node-labels", not "platform-labels"/);
    const n = await node("node-3");
    assert.deepEqual(labelManagers(n, "team"), [manager], "the label is still owned by the first manager alone");
  });

  test("a labelled node that left the cluster: refresh drops its patch, up names the node and the key", async () => {
    await clusterScript(["remove-node", "node-3"]);
    stack.setConfig(config());
    const refresh = await stack.refresh();
    assertSucceeded(refresh, "pulumi refresh");
    assert.match(refresh.all, /node-labels-node-3\s+deleted/, refresh.all);
    assertRefused(await stack.up(), /k8s-daemonsets:nodeLabels\.node-3: node node-3 is not in the cluster \(https:\/\/127\.0\.0\.1:\d+\); it was deleted or never joined/);

    await clusterScript(["add-node", "node-3"]);
    assertSucceeded(await stack.up(), "pulumi up once node-3 is back");
    assert.equal((await node("node-3")).metadata.labels?.team, "a", "the label is applied again");
  });
});
