import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostAccessAnnotations, HostDaemonSetSpec, hostDaemonSetSpec } from "../../../components/hostDaemonSet";
import { promiseOf, useMocks } from "../../support/mocks";

const base: HostDaemonSetSpec = {
  name: "agent",
  namespace: "ns",
  selectorLabels: { app: "agent" },
  labels: {},
  podLabels: { "app.kubernetes.io/version": "1" },
  hostNetwork: true,
  hostPID: false,
  placement: {},
  updateStrategy: { type: "RollingUpdate", maxUnavailable: 1 },
  hostMounts: [
    { name: "logs", hostPath: "/var/log", mountPath: "/host/log" },
    { name: "data", hostPath: "/var/lib/agent", mountPath: "/data", dataDirectory: true, type: "DirectoryOrCreate" },
  ],
  containers: [{ name: "agent", image: "agent:1", hostMounts: ["logs", "data"] }],
};

describe("host DaemonSet building block", () => {
  it("mounts host paths read-only unless they are data directories", async () => {
    useMocks();
    const spec = await promiseOf(hostDaemonSetSpec(base)) as any;
    const mounts = spec.template.spec.containers[0].volumeMounts;
    assert.deepEqual(mounts, [
      { name: "logs", mountPath: "/host/log", readOnly: true },
      { name: "data", mountPath: "/data", readOnly: false },
    ]);
    assert.deepEqual(spec.template.spec.volumes, [
      { name: "logs", hostPath: { path: "/var/log" } },
      { name: "data", hostPath: { path: "/var/lib/agent", type: "DirectoryOrCreate" } },
    ]);
  });

  it("keeps the version out of the selector and DNS working on the host network", async () => {
    useMocks();
    const spec = await promiseOf(hostDaemonSetSpec(base)) as any;
    assert.deepEqual(spec.selector, { matchLabels: { app: "agent" } });
    assert.deepEqual(spec.template.metadata.labels, { app: "agent", "app.kubernetes.io/version": "1" });
    assert.equal(spec.template.spec.dnsPolicy, "ClusterFirstWithHostNet");
    const off = await promiseOf(hostDaemonSetSpec({ ...base, hostNetwork: false })) as any;
    assert.equal(off.template.spec.dnsPolicy, undefined);
  });

  it("rejects a container mounting an undeclared host path, and duplicate mount names", () => {
    useMocks();
    assert.throws(() => hostDaemonSetSpec({ ...base, containers: [{ name: "x", image: "x:1", hostMounts: ["etc"] }] }), /unknown host mount "etc"/);
    assert.throws(() => hostDaemonSetSpec({ ...base, hostMounts: [base.hostMounts[0], base.hostMounts[0]] }), /must be unique/);
  });

  it("declares what the spec takes: host access, data directories, added capabilities, OnDelete", () => {
    assert.deepEqual(hostAccessAnnotations(base), {
      "k8s-daemonsets/host-access": "network,hostPath",
      "k8s-daemonsets/data-directories": "data",
    });
    const more = hostAccessAnnotations({
      ...base,
      hostPID: true,
      updateStrategy: { type: "OnDelete" },
      initContainers: [{ name: "init", image: "x:1", securityContext: { capabilities: { add: ["CHOWN"] } } }],
      containers: [{ name: "agent", image: "agent:1", securityContext: { capabilities: { drop: ["ALL"], add: ["SYS_TIME", "CHOWN"] } } }],
    });
    assert.equal(more["k8s-daemonsets/host-access"], "network,pid,hostPath");
    assert.equal(more["k8s-daemonsets/capabilities"], "CHOWN,SYS_TIME");
    assert.equal(more["k8s-daemonsets/allow-on-delete"], "true");
  });
});
