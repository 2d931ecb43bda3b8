import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackConfig } from "../../../stacks/config";
import { planStack } from "../../../stacks/plan";

const plan = (config: Record<string, unknown>) =>
  planStack(parseStackConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`k8s-daemonsets:${k}`, JSON.stringify(v)]))));

describe("stack plan", () => {
  it("orders nodes naturally, sorts their labels and leaves out nodes with no labels", () => {
    const p = plan({ nodeLabels: { "node-10": { host: "high-cpu", zone: "a" }, "node-2": { zone: "b", host: "high-cpu" }, "node-3": {} }, hdfsNameNode: { nodeSelector: { zone: "a" } } });
    assert.deepEqual(Object.keys(p.labelPlan), ["node-2", "node-10"]);
    assert.deepEqual(Object.keys(p.labelPlan["node-2"]), ["host", "zone"]);
  });

  it("gives the NameNode the nodes its selector picks from the plan", () => {
    const p = plan({
      nodeLabels: { "node-1": { role: "nn" }, "node-4": { role: "nn", host: "high-cpu" }, "node-9": { host: "high-cpu" }, "node-10": { role: "nn" } },
      hdfsNameNode: { nodeSelector: { role: "nn" }, rpcPort: 8021 },
    });
    assert.deepEqual(p.hdfsNameNode?.hosts, ["node-1", "node-4", "node-10"]);
    assert.equal(p.hdfsNameNode?.rpcPort, 8021);
  });

  it("leaves disabled components out", () => {
    const p = plan({ nodeExporter: { enabled: false }, hdfsNameNode: { enabled: false } });
    assert.equal(p.nodeExporter, undefined);
    assert.equal(p.hdfsNameNode, undefined);
  });

  it("overrides only the placement fields the config names", () => {
    const p = plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, nodeExporter: { tolerations: [{ key: "gpu", operator: "Exists" }] } });
    assert.deepEqual(p.nodeExporter?.placement, {
      nodeSelector: { "kubernetes.io/os": "linux" },
      tolerations: [{ key: "gpu", operator: "Exists" }],
    });
    assert.equal(plan({ nodeLabels: { "node-2": { host: "high-cpu" } } }).nodeExporter?.placement, undefined);
  });

  it("maps hostRootPropagation None to no propagation", () => {
    const p = plan({ nodeLabels: { "node-2": { host: "high-cpu" } }, nodeExporter: { hostRootPropagation: "None" } });
    assert.equal(p.nodeExporter?.hostRootPropagation, null);
  });
});
