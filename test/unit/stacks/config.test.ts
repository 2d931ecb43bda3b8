import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackConfig, StackConfigError } from "../../../stacks/config";
import { stackFileConfig } from "../../support/mocks";

const project = "k8s-daemonsets";
/** Stack config as Pulumi hands it to the program: `<project>:<key>` -> string (objects as JSON). */
const raw = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));

const valid = { nodeLabels: { "node-2": { host: "high-cpu" } } };

function problems(config: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw(config));
  } catch (e) {
    assert.ok(e instanceof StackConfigError, `expected StackConfigError, got ${e}`);
    return e.problems.flatMap((p) => p.split("\n  - "));
  }
  return [];
}

describe("stack config", () => {
  it("accepts the dev stack and fills in defaults", () => {
    const c = parseStackConfig(raw(stackFileConfig("dev")));
    assert.deepEqual(Object.keys(c.nodeLabels), ["node-2", "node-5", "node-8"]);
    assert.equal(c.labelFieldManager, "k8s-daemonsets-node-labels");
    assert.equal(c.nodeExporter.enabled, true);
    assert.equal(c.hdfsNameNode.enabled, true);
  });

  it("ignores other namespaces' keys (providers' config)", () => {
    assert.doesNotThrow(() => parseStackConfig({ ...raw(valid), "kubernetes:context": "kind" }));
  });

  const cases: { name: string; config: Record<string, unknown>; expect: RegExp[] }[] = [
    { name: "unknown top-level key", config: { ...valid, nodeLables: {} }, expect: [/^k8s-daemonsets:nodeLables: unknown config key$/] },
    { name: "unknown nested key", config: { ...valid, nodeExporter: { prot: 9100 } }, expect: [/^k8s-daemonsets:nodeExporter\.prot: unknown config key$/] },
    { name: "invalid node name", config: { nodeLabels: { Node_1: { host: "high-cpu" }, "node-2": { host: "high-cpu" } } }, expect: [/^k8s-daemonsets:nodeLabels\.Node_1: "Node_1" is not a valid node name/] },
    { name: "invalid label key", config: { nodeLabels: { "node-2": { host: "high-cpu", "bad key!": "x" } } }, expect: [/^k8s-daemonsets:nodeLabels\.node-2\["bad key!"\]: .*label key "bad key!"/] },
    { name: "invalid label key prefix", config: { nodeLabels: { "node-2": { host: "high-cpu", "Example.COM/x": "y" } } }, expect: [/Example\.COM\/x.*prefix "Example\.COM" is not a DNS subdomain/] },
    { name: "invalid label value", config: { nodeLabels: { "node-2": { host: "high cpu" } } }, expect: [/^k8s-daemonsets:nodeLabels\.node-2\.host: "high cpu" label value must be/] },
    { name: "label value too long", config: { nodeLabels: { "node-2": { host: "x".repeat(64) } } }, expect: [/nodeLabels\.node-2\.host: .*longer than 63/] },
    { name: "non-string label value", config: { nodeLabels: { "node-2": { host: 5 } } }, expect: [/^k8s-daemonsets:nodeLabels\.node-2\.host: expected string, got number 5$/] },
    { name: "selector matching no labelled node", config: { nodeLabels: { "node-2": { host: "low-cpu" } } }, expect: [/^k8s-daemonsets:hdfsNameNode\.nodeSelector: host=high-cpu matches no node in nodeLabels.*selectorLabelsManagedExternally/] },
    { name: "custom selector matching nothing", config: { ...valid, hdfsNameNode: { nodeSelector: { role: "namenode" } } }, expect: [/hdfsNameNode\.nodeSelector: role=namenode matches no node/] },
    { name: "empty NameNode selector", config: { ...valid, hdfsNameNode: { nodeSelector: {} } }, expect: [/hdfsNameNode\.nodeSelector: .*at least one label/] },
    { name: "port out of range", config: { ...valid, nodeExporter: { port: 70000 } }, expect: [/^k8s-daemonsets:nodeExporter\.port: 70000 port must be 1-65535$/] },
    { name: "port zero", config: { ...valid, hdfsNameNode: { rpcPort: 0 } }, expect: [/hdfsNameNode\.rpcPort: 0 port must be 1-65535/] },
    { name: "port not a number", config: { ...valid, nodeExporter: { port: "http" } }, expect: [/nodeExporter\.port: expected number, got string "http"/] },
    { name: "host port claimed by both DaemonSets", config: { ...valid, nodeExporter: { port: 8020 } }, expect: [/^k8s-daemonsets:hdfsNameNode\.rpcPort: host port 8020 is already claimed by the node-exporter metrics port \(k8s-daemonsets:nodeExporter\.port\)/] },
    { name: "host port claimed twice by the NameNode", config: { ...valid, hdfsNameNode: { httpPort: 8020 } }, expect: [/hdfsNameNode\.httpPort: host port 8020 is already claimed by the NameNode rpc port/] },
    { name: "malformed memory quantity", config: { ...valid, nodeExporter: { resources: { limits: { memory: "180MB" } } } }, expect: [/^k8s-daemonsets:nodeExporter\.resources\.limits\.memory: "180MB" is not a valid resource quantity/] },
    { name: "malformed cpu quantity", config: { ...valid, hdfsNameNode: { resources: { requests: { cpu: "half" } } } }, expect: [/hdfsNameNode\.resources\.requests\.cpu: "half" is not a valid resource quantity/] },
    { name: "unknown resource", config: { ...valid, nodeExporter: { resources: { limits: { gpu: "1" } } } }, expect: [/nodeExporter\.resources\.limits\.gpu: unknown config key/] },
    { name: "bad image reference", config: { ...valid, nodeExporter: { image: "Quay.io/prom/node exporter:v1" } }, expect: [/^k8s-daemonsets:nodeExporter\.image: "Quay\.io\/prom\/node exporter:v1" is not a valid image reference/] },
    { name: "unpinned image", config: { ...valid, hdfsNameNode: { image: "apache/hadoop" } }, expect: [/hdfsNameNode\.image: "apache\/hadoop" image must be pinned by a tag or a digest/] },
    { name: "latest image", config: { ...valid, nodeExporter: { image: "quay.io/prometheus/node-exporter:latest" } }, expect: [/nodeExporter\.image: .*must not use the mutable tag 'latest'/] },
    { name: "bad update strategy", config: { ...valid, nodeExporter: { updateStrategy: { type: "Recreate" } } }, expect: [/nodeExporter\.updateStrategy\.type: must be one of "RollingUpdate", "OnDelete", got string "Recreate"/] },
    { name: "bad maxUnavailable", config: { ...valid, nodeExporter: { updateStrategy: { type: "RollingUpdate", maxUnavailable: "ten" } } }, expect: [/nodeExporter\.updateStrategy\.maxUnavailable/] },
    { name: "NameNode in kube-system", config: { ...valid, hdfsNameNode: { namespace: "kube-system" } }, expect: [/hdfsNameNode\.namespace: .*does not belong in kube-system/] },
    { name: "relative name directory", config: { ...valid, hdfsNameNode: { nameDirHostPath: "var/lib/hdfs" } }, expect: [/hdfsNameNode\.nameDirHostPath: .*absolute path/] },
    { name: "toleration with a typo", config: { ...valid, nodeExporter: { tolerations: [{ operater: "Exists" }] } }, expect: [/^k8s-daemonsets:nodeExporter\.tolerations\[0\]\.operater: unknown config key$/] },
    { name: "nodeLabels not a map", config: { nodeLabels: ["node-2"] }, expect: [/^k8s-daemonsets:nodeLabels: expected record, got a list$/] },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}, naming the key`, () => {
      const found = problems(c.config);
      for (const pattern of c.expect) {
        assert.ok(found.some((p) => pattern.test(p)), `no problem matches ${pattern}; got:\n${found.join("\n")}`);
      }
    });
  }

  it("reports every problem at once, one line each", () => {
    try {
      parseStackConfig(raw({ nodeLabels: { "node-2": { host: "high-cpu" }, BAD: {} }, nodeExporter: { port: 0, image: "x:latest" }, typo: 1 }));
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof StackConfigError);
      assert.match(e.message, /^Invalid stack configuration \(4 problems\); nothing was changed:\n/);
      for (const key of ["nodeLabels.BAD", "nodeExporter.port", "nodeExporter.image", "k8s-daemonsets:typo"]) {
        assert.ok(e.message.includes(key), `${key} missing from:\n${e.message}`);
      }
      assert.equal(e.stack?.includes("at "), true); // a RunError: Pulumi prints the message without the trace
    }
  });

  it("lets externally managed labels through, and a disabled NameNode needs no labels", () => {
    assert.doesNotThrow(() => parseStackConfig(raw({ hdfsNameNode: { selectorLabelsManagedExternally: true } })));
    assert.doesNotThrow(() => parseStackConfig(raw({ hdfsNameNode: { enabled: false } })));
    assert.doesNotThrow(() => parseStackConfig(raw({ ...valid, nodeExporter: { hostPort: false, port: 8020 } })));
  });
});
