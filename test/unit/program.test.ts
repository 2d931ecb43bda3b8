// index.ts as `pulumi preview` runs it, under mocks: the dev stack's config in, resources and outputs out.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { serviceMonitorSchema } from "../support/crd";
import { testCaPem } from "../support/keytab";
import { kubernetesSchema } from "../support/openapi";
import { devStackRun, find, kubernetesObjects, promiseOf, RegisteredResource, runProgram, stackFileConfig } from "../support/mocks";
import { simpleHdfs } from "../support/devStack";

describe("the program with the dev stack", () => {
  let registered: RegisteredResource[];
  let exports: any;
  before(async () => {
    const { run } = await devStackRun();
    assert.equal(run.error, undefined);
    ({ registered, exports } = run);
  });

  it("patches exactly the configured nodes' labels, under one stable field manager", () => {
    const patches = registered.filter((r) => r.type === "kubernetes:core/v1:NodePatch");
    assert.deepEqual(patches.map((p) => p.inputs.metadata.name).sort(), ["node-2", "node-5", "node-8"]);
    for (const p of patches) {
      assert.deepEqual(p.inputs.metadata.labels, { host: "high-cpu" });
      assert.equal(p.inputs.metadata.annotations["pulumi.com/patchFieldManager"], "k8s-daemonsets-node-labels");
    }
  });

  it("exports the label plan and where each DaemonSet runs", async () => {
    assert.deepEqual(exports.labelPlan, { "node-2": { host: "high-cpu" }, "node-5": { host: "high-cpu" }, "node-8": { host: "high-cpu" } });
    const placement = await promiseOf(exports.placement as any) as any;
    assert.deepEqual(placement.hdfsNameNode.nodes, ["node-2", "node-5", "node-8"]);
    assert.deepEqual(placement.hdfsNameNode.nodeSelector, { host: "high-cpu" });
    assert.deepEqual(placement.nodeExporter.nodeSelector, { "kubernetes.io/os": "linux" });
    assert.deepEqual(placement.nodeExporter.tolerations, [{ operator: "Exists" }]);
    assert.equal(placement.nodeExporter.namespace, "monitoring");
    assert.equal(placement.hdfsNameNode.namespace, "hdfs");
    const hdfs = await promiseOf(exports.hdfsConfig as any) as any;
    assert.match(hdfs.coreSiteXml, /<name>fs\.defaultFS<\/name>\s*<value>hdfs:\/\/hdfs-k8s<\/value>/);
  });

  it("registers every DaemonSet, each inside its component", () => {
    const types = registered.map((r) => r.type);
    assert.equal(types.filter((t) => t === "kubernetes:apps/v1:DaemonSet").length, 4);
    for (const t of ["k8s-daemonsets:index:NodeExporterDaemonSet", "k8s-daemonsets:index:HdfsNameNodeDaemonSet", "k8s-daemonsets:index:HdfsJournalNodeDaemonSet", "k8s-daemonsets:index:HdfsDataNodeDaemonSet", "k8s-daemonsets:index:NodeLabels"]) {
      assert.ok(types.includes(t), t);
    }
  });

  it("renders only objects that the Kubernetes OpenAPI schema accepts, strictly", () => {
    const schema = kubernetesSchema();
    const objects = kubernetesObjects(registered);
    assert.ok(objects.length >= 9, `only ${objects.length} objects`);
    for (const object of objects) {
      assert.deepEqual(schema.errors(object), [], `${object.kind} ${object.metadata?.name}`);
    }
  });

  it("renders the optional objects schema-valid too (the ServiceMonitors against their CRD)", async () => {
    const dev = stackFileConfig("dev");
    const run = await runProgram({
      ...dev,
      hdfs: { ...(dev.hdfs as object), serviceMonitor: true, serviceMonitorLabels: { release: "prometheus" }, serviceMonitorCa: testCaPem },
      nodeExporter: {
        rbacProxy: true,
        serviceMonitor: true,
        serviceMonitorLabels: { release: "prometheus" },
        networkPolicyFrom: [{ namespaceSelector: { matchLabels: { team: "monitoring" } } }],
        textfileDirectory: "/var/lib/node-exporter/textfile",
        sysTimeCapability: true,
        collectors: { systemd: true },
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: "pool", operator: "In", values: ["metal"] }] } }] } },
      },
    });
    assert.equal(run.error, undefined);
    const schema = kubernetesSchema();
    const monitors = serviceMonitorSchema();
    const kinds = new Set<string>();
    for (const object of kubernetesObjects(run.registered)) {
      kinds.add(object.kind);
      const errors = object.kind === "ServiceMonitor" ? monitors.errors(JSON.parse(JSON.stringify(object))) : schema.errors(object);
      assert.deepEqual(errors, [], `${object.kind} ${object.metadata?.name}`);
    }
    for (const kind of ["ClusterRole", "ClusterRoleBinding", "NetworkPolicy", "ResourceQuota", "Secret", "ServiceMonitor"]) assert.ok(kinds.has(kind), kind);
    assert.deepEqual(kubernetesObjects(run.registered).filter((o) => o.kind === "ServiceMonitor").map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort(),
      ["hdfs/hdfs-datanode", "hdfs/hdfs-journalnode", "hdfs/hdfs-namenode", "monitoring/node-exporter"]);
  });

  it("the schema check catches a misspelt field and a wrong type", () => {
    const schema = kubernetesSchema();
    const ds = structuredClone(find(registered, "kubernetes:apps/v1:DaemonSet", "node-exporter").inputs);
    ds.spec.template.spec.containers[0].imagePulPolicy = "Always";
    ds.spec.template.spec.hostNetwork = "yes";
    const errors = schema.errors(ds);
    assert.ok(errors.some((e) => e.includes("imagePulPolicy")), errors.join("\n"));
    assert.ok(errors.some((e) => e.includes("/spec/template/spec/hostNetwork")), errors.join("\n"));
  });
});

describe("the program with bad config", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a port out of range", { nodeLabels: { "node-2": { host: "high-cpu" } }, nodeExporter: { port: 99999 } },
      /^Invalid stack configuration \(1 problem\); nothing was changed:\n  - k8s-daemonsets:nodeExporter\.port: 99999 port must be 1-65535$/],
    ["a NameNode selector that matches no node", { nodeLabels: { "node-2": { host: "low-cpu" } } },
      /k8s-daemonsets:hdfs\.nameNode\.nodeSelector: host=high-cpu matches no node/],
  ];
  for (const [name, config, message] of cases) {
    it(`fails on ${name} with the validation message, before registering anything`, async () => {
      const run = await runProgram(simpleHdfs(config));
      assert.ok(run.error instanceof Error, "the program must fail");
      assert.match(run.error.message, message);
      assert.deepEqual(run.registered, []);
    });
  }
});
