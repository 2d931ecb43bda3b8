// End-to-end: the seed's promises, shown with the real engine, provider, controller-manager and scheduler
// through the same `pulumi` commands a user runs. scripts/run-tests.sh e2e starts a fresh 10-node cluster
// (node-1 tainted like a control-plane node) and stops it afterwards. Scenarios run in order on one stack.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  clusterScript,
  expectedNodeNames,
  getDaemonSet,
  getNodes,
  getPods,
  isPodRunning,
  livePodsByNode,
  kubectl,
  kubectlJson,
  nodeCount,
  waitFor,
} from "../support/localCluster";
import { assertSucceeded, TestStack } from "../support/pulumi";

const nodeExporter = { namespace: "monitoring", name: "node-exporter", selector: "app.kubernetes.io/name=node-exporter" };
const nameNode = { namespace: "hdfs", name: "hdfs-namenode", selector: "app.kubernetes.io/name=hdfs-namenode" };
const journalNode = { namespace: "hdfs", name: "hdfs-journalnode", selector: "app.kubernetes.io/name=hdfs-journalnode" };
const dataNode = { namespace: "hdfs", name: "hdfs-datanode", selector: "app.kubernetes.io/name=hdfs-datanode" };
const highCpu = { host: "high-cpu" };

/** The dev stack's shape: node-2, node-5, node-8 labelled for the NameNode. */
function config(nodeLabels: Record<string, Record<string, string>>, extra: Record<string, unknown> = {}) {
  // simple mode: the seed's placement promises hold in both; Kerberos has its own suites (real-hdfs.test.ts)
  return { nodeLabels, hdfs: { security: { mode: "simple" }, nameNode: { nodeSelector: highCpu }, dataNode: { tolerations: controlPlaneToleration } }, ...extra };
}
const controlPlaneToleration = [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }];
const devLabels = { "node-2": highCpu, "node-5": highCpu, "node-8": highCpu };

/** node -> the DaemonSet's live pods on it. */
const placement = (ds: { namespace: string; selector: string }) => livePodsByNode(ds.namespace, ds.selector);

/** Asserts, right now (no waiting), exactly one Running pod on each of `nodes` and none elsewhere. */
async function assertOnePodOn(ds: { namespace: string; selector: string; name: string }, nodes: string[]): Promise<void> {
  const byNode = await placement(ds);
  assert.deepEqual([...byNode.keys()].sort(), [...nodes].sort(), `${ds.name} pods are on the wrong nodes`);
  for (const [node, pods] of byNode) {
    assert.equal(pods.length, 1, `${ds.name}: ${pods.length} pods on ${node}`);
    assert.ok(isPodRunning(pods[0]), `${ds.name} pod on ${node} is ${pods[0].status.phase}`);
  }
  const status = (await getDaemonSet(ds.namespace, ds.name))?.status;
  assert.equal(status?.desiredNumberScheduled, nodes.length);
  assert.equal(status?.numberReady, nodes.length);
  assert.equal(status?.updatedNumberScheduled, nodes.length);
}

async function nodeLabels(): Promise<Map<string, Record<string, string>>> {
  return new Map((await getNodes()).map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
}

/** The cluster's objects that matter, without fields that change by themselves (status, heartbeats, versions). */
async function clusterDump(): Promise<string> {
  const list = await kubectlJson<{ items: any[] }>([
    "get", "nodes,namespaces,daemonsets,configmaps,services,serviceaccounts,priorityclasses", "--all-namespaces",
  ]);
  const objects = list.items
    .filter((o) => o.kind !== "ConfigMap" || o.metadata.name !== "kube-root-ca.crt")
    .map((o) => {
      const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = o.metadata;
      if (metadata.annotations) delete metadata.annotations["node.alpha.kubernetes.io/ttl"];
      return { kind: o.kind, metadata, spec: o.spec, data: o.data };
    })
    .sort((a, b) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`));
  return JSON.stringify(objects, null, 1);
}

describe("the seed's promises, on the local cluster", () => {
  const stack = new TestStack("e2e");
  const allNodes = expectedNodeNames(nodeCount);

  before(async () => {
    await stack.init();
    stack.setConfig(config(devLabels));
  });
  after(async () => {
    // Always leave the cluster and the backend clean, whatever failed.
    await stack.destroy();
    await stack.remove();
  });

  test("1. pulumi preview lists the creates and changes nothing in the cluster", async () => {
    const before = await clusterDump();
    const r = await stack.preview();
    assertSucceeded(r, "pulumi preview");
    for (const created of ["kubernetes:core/v1:NodePatch", "kubernetes:apps/v1:DaemonSet", "k8s-daemonsets:index:NodeExporterDaemonSet", "k8s-daemonsets:index:HdfsNameNodeDaemonSet"]) {
      assert.match(r.stdout, new RegExp(`\\+ +${created.replace(/[/$]/g, "\\$&")}`), `preview does not create ${created}`);
    }
    assert.match(r.stdout, /\+ \d+ to create/);
    assert.equal(await clusterDump(), before);
  });

  test("2. pulumi up labels the configured nodes and returns once every DaemonSet is rolled out", async () => {
    assertSucceeded(await stack.up(), "pulumi up");
    // No waiting here: `pulumi up` itself must have waited for the rollout.
    const labels = await nodeLabels();
    for (const node of allNodes) {
      const expected = (devLabels as Record<string, Record<string, string>>)[node];
      assert.equal(labels.get(node)?.host, expected?.host, `label host on ${node}`);
    }
    await assertOnePodOn(nodeExporter, allNodes);
    await assertOnePodOn(nameNode, ["node-2", "node-5", "node-8"]);
    // HDFS HA: JournalNodes with the NameNodes, DataNodes on every host.
    await assertOnePodOn(journalNode, ["node-2", "node-5", "node-8"]);
    await assertOnePodOn(dataNode, allNodes);
    const outputs = await stack.outputs();
    assert.deepEqual(outputs.labelPlan, devLabels);
    assert.deepEqual(outputs.placement.hdfsNameNode.nodes, ["node-2", "node-5", "node-8"]);
  });

  test("3. a second pulumi up changes nothing", async () => {
    const r = await stack.up(["--expect-no-changes"]);
    assertSucceeded(r, "pulumi up --expect-no-changes");
  });

  test("4. a joining node gets node-exporter and no NameNode; labelled in config, it gets a NameNode", async () => {
    await clusterScript(["add-node", "node-11"]);
    await waitFor(async () => (await placement(nodeExporter)).get("node-11")?.some(isPodRunning), 60_000, { what: "node-exporter on node-11" });
    assert.equal((await placement(nameNode)).get("node-11"), undefined);

    stack.setConfig(config({ ...devLabels, "node-11": highCpu }));
    assertSucceeded(await stack.up(), "pulumi up");
    await assertOnePodOn(nameNode, ["node-2", "node-5", "node-8", "node-11"]);
    await assertOnePodOn(nodeExporter, [...allNodes, "node-11"]);
  });

  test("5. moving the NameNode label moves the pod; the old node keeps labels set by others", async () => {
    await kubectl(["label", "node", "node-8", "team=storage"]);
    const moved = { "node-2": highCpu, "node-5": highCpu, "node-9": highCpu };
    stack.setConfig(config(moved));
    assertSucceeded(await stack.up(), "pulumi up");
    await waitFor(async () => !(await placement(nameNode)).has("node-8") && !(await placement(nameNode)).has("node-11"), 60_000, { what: "NameNode pods to leave node-8 and node-11" });
    await assertOnePodOn(nameNode, ["node-2", "node-5", "node-9"]);
    const labels = await nodeLabels();
    assert.equal(labels.get("node-8")?.host, undefined, "node-8 still has the program's label");
    assert.equal(labels.get("node-8")?.team, "storage", "node-8 lost a label the program does not own");
    assert.equal(labels.get("node-11")?.host, undefined);
    assert.equal(labels.get("node-9")?.host, "high-cpu");
  });

  test("6. a leaving node takes its pods; the DaemonSets stay healthy; refresh then preview changes only the NameNodes' rack map (its entry goes)", async () => {
    await clusterScript(["remove-node", "node-11"]);
    await waitFor(async () => !(await placement(nodeExporter)).has("node-11"), 120_000, { what: "node-11's pods to be gone" });
    await waitFor(async () => (await getDaemonSet(nodeExporter.namespace, nodeExporter.name))?.status?.desiredNumberScheduled === nodeCount, 60_000, { what: "node-exporter desired back to N" });
    await assertOnePodOn(nodeExporter, allNodes);
    assertSucceeded(await stack.refresh(), "pulumi refresh");
    // The rack map follows the cluster's nodes (components/hdfsRacks.ts): the one change; no DaemonSet, no pod.
    const preview = await stack.preview(["--json"]);
    assertSucceeded(preview, "pulumi preview --json");
    const changed = ((JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[]).filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").at(-1)}`);
    assert.deepEqual(changed, ["update hdfs-namenode-topology"]);
  });

  test("6a. nodes node-exporter cannot run on (EKS Fargate, virtual-kubelet) get none of its pods, other DaemonSets' pods yes", async () => {
    const nodes = { "fargate-1": "eks.amazonaws.com/compute-type=fargate", "virtual-1": "type=virtual-kubelet" };
    try {
      for (const [node, label] of Object.entries(nodes)) {
        await clusterScript(["add-node", node]);
        await kubectl(["label", "node", node, label, "--overwrite"]);
      }
      // The nodes are Ready and schedulable: the DataNodes (no such affinity) run there.
      await waitFor(async () => {
        const p = await placement(dataNode);
        return Object.keys(nodes).every((n) => p.get(n)?.some(isPodRunning));
      }, 60_000, { what: "DataNodes on fargate-1 and virtual-1" });
      // node-exporter does not (a pod placed before the label went on is removed by the DaemonSet controller).
      await waitFor(async () => {
        const p = await placement(nodeExporter);
        return Object.keys(nodes).every((n) => !p.has(n));
      }, 60_000, { what: "no node-exporter pod on fargate-1 and virtual-1" });
      await assertOnePodOn(nodeExporter, allNodes);
    } finally {
      for (const node of Object.keys(nodes)) await clusterScript(["remove-node", node]).catch(() => undefined);
    }
    await waitFor(async () => (await getDaemonSet(dataNode.namespace, dataNode.name))?.status?.desiredNumberScheduled === nodeCount, 60_000, { what: "DataNodes desired back to N" });
  });

  test("7. invalid config: preview and up fail with the validation message and touch nothing", async () => {
    const before = await clusterDump();
    stack.setConfig(config({ "node-2": highCpu, Node_9: highCpu }, { nodeExporter: { port: 8020 } }));
    for (const run of [() => stack.preview(), () => stack.up()]) {
      const r = await run();
      assert.notEqual(r.exitCode, 0);
      assert.match(r.all, /Invalid stack configuration/);
      assert.match(r.all, /k8s-daemonsets:nodeLabels\.Node_9: "Node_9" is not a valid node name/);
      assert.doesNotMatch(r.all, /at (Object|Module)\.|\.ts:\d+:\d+/, "a stack trace was printed");
    }
    assert.equal(await clusterDump(), before);
    stack.setConfig(config({ "node-2": highCpu, "node-5": highCpu, "node-9": highCpu }));
  });

  test("8. a new node-exporter image rolls out under RollingUpdate and pulumi up waits for it", async () => {
    const image = "quay.io/prometheus/node-exporter:v1.12.0";
    stack.setConfig(config({ "node-2": highCpu, "node-5": highCpu, "node-9": highCpu }, { nodeExporter: { image } }));
    assertSucceeded(await stack.up(), "pulumi up");
    const pods = await getPods(nodeExporter.namespace, nodeExporter.selector);
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(live.length, nodeCount);
    for (const pod of live) {
      assert.equal(pod.spec.containers[0].image, image, `${pod.metadata.name} on ${pod.spec.nodeName}`);
      assert.ok(isPodRunning(pod));
    }
    await assertOnePodOn(nodeExporter, allNodes);
  });

  test("10. the control plane stops in the middle of pulumi up: it fails cleanly, and the next up converges", async () => {
    const labels = { "node-2": highCpu, "node-5": highCpu, "node-9": highCpu };
    const resources = { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "200Mi" } };
    // With OnDelete, `pulumi up` is still waiting for the rollout when the control plane goes away; the
    // rollout timeout bounds how long it keeps trying.
    stack.setConfig(config(labels, { rolloutTimeoutSeconds: 60, nodeExporter: { resources, updateStrategy: { type: "OnDelete" } } }));
    const controller = new AbortController();
    const up = stack.pulumi(
      ["up", "--stack", stack.name, "--config-file", stack.currentConfigFile, "--yes", "--non-interactive", "--skip-preview"],
      { allowFailure: true, signal: controller.signal },
    );
    await waitFor(async () => {
      const ds = await kubectlJson<any>(["get", "daemonset", "-n", nodeExporter.namespace, nodeExporter.name]);
      return ds.spec.template.spec.containers[0].resources.limits.memory === "200Mi";
    }, 60_000, { intervalMs: 100, what: "pulumi up to reach the cluster" });
    await clusterScript(["stop"]);
    const guard = setTimeout(() => controller.abort(), 480_000);
    const interrupted = await up;
    clearTimeout(guard);
    await clusterScript(["start"]);
    assert.equal(controller.signal.aborted, false, "pulumi up did not end within 8 minutes of the outage");
    assert.notEqual(interrupted.exitCode, 0, "pulumi up must fail while the API server is down");
    assert.doesNotMatch(interrupted.all, /panic:|goroutine \d+ \[/, "pulumi crashed instead of failing cleanly");

    stack.setConfig(config(labels, { nodeExporter: { resources } }));
    await waitFor(async () => (await getNodes()).filter((n) => n.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length === nodeCount, 120_000, { what: "nodes Ready again" });
    assertSucceeded(await stack.up(), "pulumi up after the restart");
    await assertOnePodOn(nodeExporter, allNodes);
    await assertOnePodOn(nameNode, ["node-2", "node-5", "node-9"]);
    for (const pod of await getPods(nodeExporter.namespace, nodeExporter.selector)) {
      assert.equal((pod.spec.containers[0] as any).resources.limits.memory, "200Mi", `${pod.metadata.name} not rolled out`);
    }
    const nodeLabelsNow = await nodeLabels();
    for (const node of allNodes) assert.equal(nodeLabelsNow.get(node)?.host, (labels as Record<string, Record<string, string>>)[node]?.host, node);
    assertSucceeded(await stack.preview(["--expect-no-changes"]), "pulumi preview --expect-no-changes");
  });

  test("9. pulumi destroy removes every DaemonSet, their companions and the program's labels only", async () => {
    assertSucceeded(await stack.destroy(), "pulumi destroy");
    assert.equal(await getDaemonSet(nodeExporter.namespace, nodeExporter.name), undefined);
    for (const ds of [nameNode, journalNode, dataNode]) {
      assert.equal(await getDaemonSet(ds.namespace, ds.name), undefined, ds.name);
    }
    const namespaces = (await kubectlJson<{ items: any[] }>(["get", "namespaces"])).items.map((n) => n.metadata.name);
    await waitFor(async () => {
      const ns = (await kubectlJson<{ items: any[] }>(["get", "namespaces"])).items.map((n) => n.metadata.name);
      return !ns.includes("monitoring") && !ns.includes("hdfs");
    }, 60_000, { what: "namespaces monitoring and hdfs to be gone", describe: () => namespaces.join(",") });
    const pcs = await kubectlJson<{ items: any[] }>(["get", "priorityclasses"]);
    assert.ok(!pcs.items.some((p) => p.metadata.name === "hdfs-namenode-critical"));
    const labels = await nodeLabels();
    for (const [node, l] of labels) assert.equal(l.host, undefined, `program label left on ${node}`);
    assert.equal(labels.get("node-8")?.team, "storage");
  });
});
