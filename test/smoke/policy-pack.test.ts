// Smoke tier (it starts a process): the pack as the engine starts it (policy/analyzer -> @pulumi/pulumi's run-policy-pack -> ts-node -> index.ts),
// talked to over gRPC the way the engine does, with no engine: it loads, lists its policies and judges objects.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
// The gRPC runtime and protobuf messages @pulumi/pulumi and @pulumi/policy themselves use.
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzerResourceOptions } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { parseAllDocuments } from "yaml";

const policyDir = path.resolve(__dirname, "..", "..", "policy");

describe("the policy pack, started as the engine starts it", { timeout: 180_000 }, () => {
  let child: ChildProcess;
  let client: AnalyzerClient;
  let stderr = "";

  before(async () => {
    // The engine's address is only used for logging; nothing listens on port 1.
    child = spawn(path.join(policyDir, "analyzer"), ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (d) => resolve(String(d).trim()));
      child.once("exit", (code) => reject(new Error(`the pack exited (${code}) before serving:\n${stderr}`)));
    });
    assert.match(port, /^\d+$/);
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("serves k8s-daemonsets with its nine mandatory policies", async () => {
    const info = await new Promise<any>((resolve, reject) =>
      client.getAnalyzerInfo(new Empty(), (e, r) => (e ? reject(e) : resolve(r))));
    assert.equal(info.getName(), "k8s-daemonsets");
    assert.equal(info.getVersion(), "0.1.0");
    const policies = info.getPoliciesList();
    assert.equal(policies.length, 9);
    for (const p of policies) assert.equal(p.getEnforcementlevel(), 1, `${p.getName()} is not mandatory`); // MANDATORY
  });

  it("rejects the seed's DaemonSet with mandatory diagnostics that name the resource, container and field", async () => {
    const file = fs.readFileSync(path.join(__dirname, "..", "fixtures", "seed-node-exporter.yaml"), "utf8");
    const seed = parseAllDocuments(file).map((d) => d.toJS()).find((o) => o?.kind === "DaemonSet");
    const request = new AnalyzeRequest();
    request.setType("kubernetes:apps/v1:DaemonSet");
    request.setName("seed");
    request.setUrn("urn:pulumi:dev::k8s-daemonsets::kubernetes:apps/v1:DaemonSet::seed");
    request.setProperties(Struct.fromJavaScript(seed));
    const options = new AnalyzerResourceOptions();
    options.setCustomtimeouts(new AnalyzerResourceOptions.CustomTimeouts());
    request.setOptions(options);
    const response = await new Promise<any>((resolve, reject) =>
      client.analyze(request, (e, r) => (e ? reject(e) : resolve(r))));
    const diagnostics: any[] = response.getDiagnosticsList();
    assert.deepEqual([...new Set(diagnostics.map((d) => d.getPolicyname()))], [
      "no-privileged-containers", "host-access-declared", "daemonset-selector-without-version", "daemonset-on-delete-opt-in",
    ]);
    for (const d of diagnostics) assert.equal(d.getEnforcementlevel(), 1);
    assert.ok(diagnostics.some((d) => d.getMessage().includes(
      'DaemonSet kube-system/node-exporter: container "prometheus-node-exporter": spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation is not set')));
  });
});
