// Security posture with the real engine and the real admission chain: the policy pack passes the project's
// stack and refuses a deliberately bad change; Pod Security admission admits the project's pods in their
// namespaces and rejects a host-level pod in a namespace that does not allow it.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getPods, kubectl, kubectlJson, run, waitFor } from "../support/localCluster";
import { assertSucceeded, TestStack } from "../support/pulumi";

const highCpu = { host: "high-cpu" };
const devConfig = {
  nodeLabels: { "node-2": highCpu, "node-5": highCpu, "node-8": highCpu },
  hdfs: {
    // the pods' posture, the same in both modes; Kerberos has its own suites (real-hdfs.test.ts)
    security: { mode: "simple" },
    nameNode: { nodeSelector: highCpu },
    dataNode: { tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }] },
  },
};
const policyPack = ["--policy-pack", "policy/analyzer"];

describe("security posture, on the local cluster", () => {
  const stack = new TestStack("security");
  before(async () => {
    await stack.init();
  });
  after(async () => {
    await stack.destroy();
    await stack.remove();
    // Leave the cluster as this file found it: the next file compares cluster dumps.
    await kubectl(["delete", "namespace", "psa-baseline", "--ignore-not-found", "--wait=true", "--timeout=120s"]);
  });

  test("the policy pack passes the project's stack in a real preview", async () => {
    stack.setConfig(devConfig);
    // Without --diff, so that preview prints its policy summary.
    const r = await stack.pulumi(["preview", "--stack", stack.name, "--config-file", stack.currentConfigFile, "--non-interactive", ...policyPack], { allowFailure: true });
    assertSucceeded(r, "pulumi preview --policy-pack");
    assert.match(r.all, /Policies:\s*\n\s*✅ k8s-daemonsets@v0\.1\.0 \(local: policy\/analyzer\)/, "the policy pack did not run or did not pass");
    assert.doesNotMatch(r.all, /mandatory/i);
  });

  test("a deliberately bad change (node-exporter without privilege hardening or priority) is refused by the engine", async () => {
    stack.setConfig({ ...devConfig, nodeExporter: { hardened: false, priorityClassName: null } });
    const r = await stack.up(policyPack);
    assert.notEqual(r.exitCode, 0, "pulumi up must refuse the change");
    assert.match(r.all, /allowPrivilegeEscalation/);
    assert.match(r.all, /priority/i);
    assert.match(r.all, /mandatory/i);
    // The engine checks each resource as it goes: the offending DaemonSet is never created (others may be).
    const daemonSets = await kubectlJson<{ items: any[] }>(["get", "daemonsets", "--all-namespaces", "-l", "app.kubernetes.io/name=node-exporter"]);
    assert.deepEqual(daemonSets.items.map((d) => d.metadata.name), [], "the refused DaemonSet was created");

    // What the refused update did create is in the stack's state, so the next up adopts it and destroy removes
    // it. The local stacks save the state once, when an update ends (PULUMI_SKIP_CHECKPOINTS, scripts/env.sh):
    // a failed update must still end with that save.
    const exported = JSON.parse((await stack.pulumi(["stack", "export", "--stack", stack.name])).stdout);
    const recorded = new Set<string>((exported.deployment.resources ?? []).map((r: any) => `${r.type} ${r.outputs?.metadata?.namespace ?? ""}/${r.outputs?.metadata?.name ?? ""}`));
    const namespaces = await kubectlJson<{ items: any[] }>(["get", "namespaces", "-l", "app.kubernetes.io/part-of=k8s-daemonsets"]);
    const hdfsDaemonSets = await kubectlJson<{ items: any[] }>(["get", "daemonsets", "-n", "hdfs"]);
    const created = [
      ...namespaces.items.map((n) => `kubernetes:core/v1:Namespace /${n.metadata.name}`),
      ...(hdfsDaemonSets.items ?? []).map((d) => `kubernetes:apps/v1:DaemonSet hdfs/${d.metadata.name}`),
    ];
    assert.ok(created.length > 0, "the refused update created nothing: the check below would prove nothing");
    for (const c of created) assert.ok(recorded.has(c), `${c} exists in the cluster but not in the stack's state`);
  });

  test("Pod Security admission admits the project's pods and rejects a host pod where the namespace forbids it", async () => {
    stack.setConfig(devConfig);
    assertSucceeded(await stack.up(policyPack), "pulumi up --policy-pack");
    for (const ns of ["monitoring", "hdfs"]) {
      const labels = (await kubectlJson<any>(["get", "namespace", ns])).metadata.labels;
      assert.equal(labels["pod-security.kubernetes.io/enforce"], "privileged", ns);
      assert.equal(labels["pod-security.kubernetes.io/warn"], "baseline", ns);
      assert.equal(labels["pod-security.kubernetes.io/audit"], "baseline", ns);
    }
    assert.equal((await getPods("monitoring", "app.kubernetes.io/name=node-exporter")).length, 10);

    // The same kind of pod, in a namespace enforcing `baseline`, is refused by the API server.
    await kubectl(["create", "namespace", "psa-baseline"]);
    await kubectl(["label", "namespace", "psa-baseline", "pod-security.kubernetes.io/enforce=baseline"]);
    const hostPod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "host-agent", namespace: "psa-baseline" },
      spec: {
        hostNetwork: true,
        hostPID: true,
        containers: [{ name: "agent", image: "quay.io/prometheus/node-exporter:v1.12.1", volumeMounts: [{ name: "root", mountPath: "/host/root", readOnly: true }] }],
        volumes: [{ name: "root", hostPath: { path: "/" } }],
      },
    };
    const r = await run("kubectl", ["apply", "-f", "-"], { input: JSON.stringify(hostPod), all: true });
    assert.notEqual(r.exitCode, 0, "a host pod must be refused in a baseline namespace");
    assert.match(String(r.all), /violates PodSecurity "baseline:latest"/);
    assert.match(String(r.all), /host namespaces|hostPath volumes/);
    await waitFor(async () => (await getPods("psa-baseline")).length === 0, 5_000, { what: "no pod in psa-baseline" });
  });
});
