// Every policy of the pack, both ways, through its validateResource with a fake args object (no engine).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { policies } from "../../../policy/policies";
import { isVersionLabel, unpinnedImage, workloadTypes } from "../../../policy/rules";
import { runPolicy, validationArgs, violationsOf } from "../../support/policy";

const DS = "kubernetes:apps/v1:DaemonSet";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const JOB = "kubernetes:batch/v1:Job";
const CRONJOB = "kubernetes:batch/v1:CronJob";
const POD = "kubernetes:core/v1:Pod";
const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
const memory = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "32Mi" } };

/** A pod spec that passes every policy: host network and PID, a read-only and a writable (data) hostPath, CHOWN. */
function cleanPodSpec(): any {
  return {
    hostNetwork: true,
    hostPID: true,
    priorityClassName: "system-node-critical",
    volumes: [
      { name: "logs", hostPath: { path: "/var/log" } },
      { name: "data", hostPath: { path: "/var/lib/agent", type: "DirectoryOrCreate" } },
      { name: "tmp", emptyDir: {} },
    ],
    initContainers: [{
      name: "own-data",
      image: "busybox:1.37.0",
      command: ["chown", "1000:1000", "/data"],
      securityContext: { allowPrivilegeEscalation: false, runAsUser: 0, capabilities: { drop: ["ALL"], add: ["CHOWN"] } },
      resources: memory,
      volumeMounts: [{ name: "data", mountPath: "/data" }],
    }],
    containers: [{
      name: "agent",
      image: `registry.example.com:5000/agent@${digest}`,
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      resources: memory,
      volumeMounts: [
        { name: "logs", mountPath: "/host/log", readOnly: true },
        { name: "data", mountPath: "/data", readOnly: false },
        { name: "tmp", mountPath: "/tmp" },
      ],
    }],
  };
}

const declarations = {
  "k8s-daemonsets/host-access": "network,pid,hostPath",
  "k8s-daemonsets/data-directories": "data",
  "k8s-daemonsets/capabilities": "CHOWN",
};

/** A clean object of each workload type, the same pod spec at each type's path. */
function clean(type: string): any {
  const metadata = { name: "agent", namespace: "ops", annotations: { ...declarations } };
  const template = { metadata: { labels: { app: "agent", "app.kubernetes.io/version": "1.0" } }, spec: cleanPodSpec() };
  switch (type) {
    case DS:
      return { apiVersion: "apps/v1", kind: "DaemonSet", metadata, spec: { selector: { matchLabels: { app: "agent" } }, updateStrategy: { type: "RollingUpdate" }, template } };
    case DEPLOYMENT:
      return { apiVersion: "apps/v1", kind: "Deployment", metadata, spec: { replicas: 1, selector: { matchLabels: { app: "agent" } }, template } };
    case STATEFULSET:
      return { apiVersion: "apps/v1", kind: "StatefulSet", metadata, spec: { serviceName: "agent", selector: { matchLabels: { app: "agent" } }, template } };
    case JOB:
      return { apiVersion: "batch/v1", kind: "Job", metadata, spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } } };
    case CRONJOB:
      return { apiVersion: "batch/v1", kind: "CronJob", metadata, spec: { schedule: "@daily", jobTemplate: { spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } } } } };
    case POD:
      return { apiVersion: "v1", kind: "Pod", metadata, spec: cleanPodSpec() };
  }
  throw new Error(type);
}

/** The pod spec inside a workload object. */
function podSpec(type: string, o: any): any {
  switch (type) {
    case POD: return o.spec;
    case CRONJOB: return o.spec.jobTemplate.spec.template.spec;
    default: return o.spec.template.spec;
  }
}

const podSpecPath: Record<string, string> = {
  [DS]: "spec.template.spec", [DEPLOYMENT]: "spec.template.spec", [STATEFULSET]: "spec.template.spec",
  [JOB]: "spec.template.spec", [CRONJOB]: "spec.jobTemplate.spec.template.spec", [POD]: "spec",
};
const kindOf = (type: string) => type.split(":").pop();

/** A clean DaemonSet changed by `edit`. */
function ds(edit: (o: any, pod: any) => void = () => {}): any {
  const o = clean(DS);
  edit(o, podSpec(DS, o));
  return o;
}

describe("the policy pack", () => {
  it("has the nine policies, each named, described and mandatory", () => {
    assert.deepEqual(policies.map((p) => p.name), [
      "no-privileged-containers",
      "host-access-declared",
      "writable-host-paths-are-data-directories",
      "memory-requests-and-limits",
      "images-pinned",
      "daemonset-selector-without-version",
      "daemonset-on-delete-opt-in",
      "node-agent-priority-class",
      "capabilities-declared",
    ]);
    for (const p of policies) {
      assert.equal(p.enforcementLevel, "mandatory", p.name);
      assert.match(p.name, /^[a-z][a-z-]*[a-z]$/);
      assert.match(p.description, /^[A-Za-z].{30,}\.$/, p.name);
    }
  });

  for (const type of workloadTypes) {
    it(`passes a clean ${kindOf(type)} through every policy`, async () => {
      for (const p of policies) {
        const run = await runPolicy(p, validationArgs(type, clean(type)));
        assert.deepEqual(run.violations, [], `${p.name} on ${type}`);
      }
    });
  }

  it("does not apply to objects that run no pods, nor DaemonSet-only policies to other workloads", async () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { image: "x:latest" } };
    for (const p of policies) {
      assert.equal((await runPolicy(p, validationArgs("kubernetes:core/v1:ConfigMap", configMap))).notApplicable, true, p.name);
    }
    const deployment = clean(DEPLOYMENT);
    deployment.spec.selector.matchLabels.version = "1";
    deployment.spec.template.spec.priorityClassName = undefined;
    for (const name of ["daemonset-selector-without-version", "daemonset-on-delete-opt-in", "node-agent-priority-class"]) {
      assert.equal((await runPolicy(policies.find((p) => p.name === name)!, validationArgs(DEPLOYMENT, deployment))).notApplicable, true, name);
    }
  });

  it("rejects the seed's manifest for exactly what is wrong with it", async () => {
    const file = fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "seed-node-exporter.yaml"), "utf8");
    const seed = parseAllDocuments(file).map((d) => d.toJS()).find((o) => o?.kind === "DaemonSet");
    const failing: string[] = [];
    for (const p of policies) {
      if ((await runPolicy(p, validationArgs(DS, seed))).violations.length > 0) failing.push(p.name);
    }
    assert.deepEqual(failing, ["no-privileged-containers", "host-access-declared", "daemonset-selector-without-version", "daemonset-on-delete-opt-in"]);
  });
});

describe("no-privileged-containers", () => {
  const name = "no-privileged-containers";

  it("rejects a privileged init container, naming the resource, the container and the field", async () => {
    const v = await violationsOf(name, DS, ds((_, pod) => { pod.initContainers[0].securityContext.privileged = true; }));
    assert.deepEqual(v, ['DaemonSet ops/agent: init container "own-data": spec.template.spec.initContainers[0].securityContext.privileged is true; privileged containers are not allowed']);
  });

  it("requires allowPrivilegeEscalation to be false explicitly, in every workload type", async () => {
    for (const type of workloadTypes) {
      const o = clean(type);
      delete podSpec(type, o).containers[0].securityContext.allowPrivilegeEscalation;
      podSpec(type, o).initContainers[0].securityContext.allowPrivilegeEscalation = true;
      assert.deepEqual(await violationsOf(name, type, o), [
        `${kindOf(type)} ops/agent: init container "own-data": ${podSpecPath[type]}.initContainers[0].securityContext.allowPrivilegeEscalation is true; it must be false`,
        `${kindOf(type)} ops/agent: container "agent": ${podSpecPath[type]}.containers[0].securityContext.allowPrivilegeEscalation is not set; it must be false`,
      ]);
    }
  });

  it("rejects a container without any security context", async () => {
    const v = await violationsOf(name, POD, { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "c:1" }] } });
    assert.deepEqual(v, ['Pod p: container "c": spec.containers[0].securityContext.allowPrivilegeEscalation is not set; it must be false']);
  });
});

describe("host-access-declared", () => {
  const name = "host-access-declared";

  it("rejects host namespaces and hostPath volumes the workload does not declare", async () => {
    const v = await violationsOf(name, DS, ds((o, pod) => {
      delete o.metadata.annotations["k8s-daemonsets/host-access"];
      pod.hostIPC = true;
    }));
    assert.deepEqual(v, [
      'DaemonSet ops/agent: spec.template.spec.hostNetwork is true but annotation k8s-daemonsets/host-access does not declare "network" (it is "")',
      'DaemonSet ops/agent: spec.template.spec.hostPID is true but annotation k8s-daemonsets/host-access does not declare "pid" (it is "")',
      'DaemonSet ops/agent: spec.template.spec.hostIPC is true but annotation k8s-daemonsets/host-access does not declare "ipc" (it is "")',
      'DaemonSet ops/agent: volume "logs" (spec.template.spec.volumes[0].hostPath, path /var/log) is a hostPath but annotation k8s-daemonsets/host-access does not declare "hostPath" (it is "")',
      'DaemonSet ops/agent: volume "data" (spec.template.spec.volumes[1].hostPath, path /var/lib/agent) is a hostPath but annotation k8s-daemonsets/host-access does not declare "hostPath" (it is "")',
    ]);
  });

  it("checks each declared kind separately, and rejects unknown entries", async () => {
    const v = await violationsOf(name, POD, (() => {
      const o = clean(POD);
      o.metadata.annotations["k8s-daemonsets/host-access"] = " hostPath , net,pid";
      return o;
    })());
    assert.deepEqual(v, [
      'Pod ops/agent: metadata.annotations["k8s-daemonsets/host-access"] has unknown entry "net" (allowed: network, pid, ipc, hostPath)',
      'Pod ops/agent: spec.hostNetwork is true but annotation k8s-daemonsets/host-access does not declare "network" (it is " hostPath , net,pid")',
    ]);
  });

  it("accepts a workload that takes no host access and declares nothing", async () => {
    const o = clean(DEPLOYMENT);
    o.metadata.annotations = {};
    const pod = podSpec(DEPLOYMENT, o);
    Object.assign(pod, { hostNetwork: false, hostPID: false, volumes: [{ name: "tmp", emptyDir: {} }] });
    assert.deepEqual(await violationsOf(name, DEPLOYMENT, o), []);
  });
});

describe("writable-host-paths-are-data-directories", () => {
  const name = "writable-host-paths-are-data-directories";

  it("rejects a writable hostPath mount that is not a declared data directory, in every container", async () => {
    const v = await violationsOf(name, DS, ds((o) => { delete o.metadata.annotations["k8s-daemonsets/data-directories"]; }));
    assert.deepEqual(v, [
      'DaemonSet ops/agent: init container "own-data": spec.template.spec.initContainers[0].volumeMounts[0] mounts hostPath volume "data" (/var/lib/agent) writable (readOnly is not set); set readOnly: true, or declare it in annotation k8s-daemonsets/data-directories',
      'DaemonSet ops/agent: container "agent": spec.template.spec.containers[0].volumeMounts[1] mounts hostPath volume "data" (/var/lib/agent) writable (readOnly is false); set readOnly: true, or declare it in annotation k8s-daemonsets/data-directories',
    ]);
  });

  it("accepts read-only hostPath mounts and writable non-hostPath volumes without a declaration", async () => {
    const v = await violationsOf(name, JOB, (() => {
      const o = clean(JOB);
      delete o.metadata.annotations["k8s-daemonsets/data-directories"];
      const pod = podSpec(JOB, o);
      pod.initContainers[0].volumeMounts[0].readOnly = true;
      pod.containers[0].volumeMounts[1].readOnly = true;
      return o;
    })());
    assert.deepEqual(v, []);
  });

  it("a declaration covers only the volumes it names", async () => {
    const v = await violationsOf(name, DS, ds((o, pod) => {
      o.metadata.annotations["k8s-daemonsets/data-directories"] = "data";
      pod.containers[0].volumeMounts[0].readOnly = false; // logs
    }));
    assert.equal(v.length, 1);
    assert.match(v[0], /container "agent": spec\.template\.spec\.containers\[0\]\.volumeMounts\[0\] mounts hostPath volume "logs"/);
  });
});

describe("memory-requests-and-limits", () => {
  const name = "memory-requests-and-limits";

  it("rejects a container without a memory request or a memory limit", async () => {
    const v = await violationsOf(name, STATEFULSET, (() => {
      const o = clean(STATEFULSET);
      const pod = podSpec(STATEFULSET, o);
      pod.initContainers[0].resources = { requests: { memory: "16Mi" } };
      pod.containers[0].resources = { limits: { cpu: "1", memory: "" } };
      return o;
    })());
    assert.deepEqual(v, [
      'StatefulSet ops/agent: init container "own-data": spec.template.spec.initContainers[0].resources.limits.memory is not set',
      'StatefulSet ops/agent: container "agent": spec.template.spec.containers[0].resources.requests.memory is not set',
      'StatefulSet ops/agent: container "agent": spec.template.spec.containers[0].resources.limits.memory is not set',
    ]);
  });

  it("rejects a container without resources at all", async () => {
    const v = await violationsOf(name, POD, { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "c:1" }] } });
    assert.equal(v.length, 2);
  });
});

describe("images-pinned", () => {
  const name = "images-pinned";

  it("knows a pinned image from an unpinned one", () => {
    for (const pinned of ["quay.io/prometheus/node-exporter:v1.12.1", "apache/hadoop:3.4.1", "localhost:5000/agent:1.0", `agent@${digest}`, `agent:latest@${digest}`]) {
      assert.equal(unpinnedImage(pinned), undefined, pinned);
    }
    assert.equal(unpinnedImage("busybox"), '"busybox" has no tag (that means latest)');
    assert.equal(unpinnedImage("localhost:5000/agent"), '"localhost:5000/agent" has no tag (that means latest)');
    assert.equal(unpinnedImage("agent:"), '"agent:" has no tag (that means latest)');
    assert.equal(unpinnedImage("busybox:latest"), '"busybox:latest" uses the tag latest');
    assert.equal(unpinnedImage("agent@sha256:abc"), '"agent@sha256:abc" has a malformed digest "sha256:abc"');
    assert.equal(unpinnedImage(undefined), "has no image");
  });

  it("rejects containers with unpinned images, naming each", async () => {
    const v = await violationsOf(name, CRONJOB, (() => {
      const o = clean(CRONJOB);
      const pod = podSpec(CRONJOB, o);
      pod.initContainers[0].image = "busybox";
      pod.containers[0].image = "registry.example.com/agent:latest";
      return o;
    })());
    assert.deepEqual(v, [
      'CronJob ops/agent: init container "own-data": spec.jobTemplate.spec.template.spec.initContainers[0].image "busybox" has no tag (that means latest); pin a version tag or a digest',
      'CronJob ops/agent: container "agent": spec.jobTemplate.spec.template.spec.containers[0].image "registry.example.com/agent:latest" uses the tag latest; pin a version tag or a digest',
    ]);
  });
});

describe("daemonset-selector-without-version", () => {
  const name = "daemonset-selector-without-version";

  it("knows a version label", () => {
    for (const key of ["version", "app.kubernetes.io/version", "example.com/version"]) assert.ok(isVersionLabel(key), key);
    for (const key of ["app", "versions", "app.kubernetes.io/versioned", "version-set", "app.kubernetes.io/name"]) assert.ok(!isVersionLabel(key), key);
  });

  it("rejects version labels in matchLabels and matchExpressions", async () => {
    const v = await violationsOf(name, DS, ds((o) => {
      o.spec.selector.matchLabels = { app: "agent", version: "v1", "app.kubernetes.io/version": "1.0" };
      o.spec.selector.matchExpressions = [{ key: "tier", operator: "Exists" }, { key: "example.com/version", operator: "In", values: ["1"] }];
    }));
    assert.equal(v.length, 3);
    assert.match(v[0], /^DaemonSet ops\/agent: spec\.selector\.matchLabels has version label "version"; a DaemonSet's selector is immutable/);
    assert.match(v[1], /spec\.selector\.matchLabels has version label "app\.kubernetes\.io\/version"/);
    assert.match(v[2], /spec\.selector\.matchExpressions\[1\] selects on version label "example\.com\/version"/);
  });

  it("accepts a version label on the pod template only", async () => {
    assert.deepEqual(await violationsOf(name, DS, ds()), []);
  });
});

describe("daemonset-on-delete-opt-in", () => {
  const name = "daemonset-on-delete-opt-in";

  it("rejects OnDelete without the opt-in annotation (or with anything but \"true\")", async () => {
    const onDelete = ds((o) => { o.spec.updateStrategy = { type: "OnDelete" }; });
    assert.deepEqual(await violationsOf(name, DS, onDelete), [
      'DaemonSet ops/agent: spec.updateStrategy.type is OnDelete, so changes never roll out until pods are deleted by hand; use RollingUpdate, or opt in with annotation k8s-daemonsets/allow-on-delete: "true"',
    ]);
    onDelete.metadata.annotations["k8s-daemonsets/allow-on-delete"] = "yes";
    assert.equal((await violationsOf(name, DS, onDelete)).length, 1);
  });

  it("accepts OnDelete with the opt-in, and RollingUpdate or no strategy without it", async () => {
    const optedIn = ds((o) => { o.spec.updateStrategy = { type: "OnDelete" }; o.metadata.annotations["k8s-daemonsets/allow-on-delete"] = "true"; });
    assert.deepEqual(await violationsOf(name, DS, optedIn), []);
    assert.deepEqual(await violationsOf(name, DS, ds()), []);
    assert.deepEqual(await violationsOf(name, DS, ds((o) => { delete o.spec.updateStrategy; })), []);
  });
});

describe("node-agent-priority-class", () => {
  const name = "node-agent-priority-class";

  it("rejects a host-network or host-PID DaemonSet without a priorityClassName", async () => {
    assert.deepEqual(await violationsOf(name, DS, ds((_, pod) => { delete pod.priorityClassName; })), [
      "DaemonSet ops/agent: spec.template.spec.priorityClassName is not set, but hostNetwork is true and hostPID is true (a node-level agent); without a priority class it is neither scheduled ahead of ordinary pods nor protected from eviction",
    ]);
    const pidOnly = await violationsOf(name, DS, ds((_, pod) => { pod.hostNetwork = false; pod.priorityClassName = ""; }));
    assert.equal(pidOnly.length, 1);
    assert.match(pidOnly[0], /but hostPID is true \(a node-level agent\)/);
  });

  it("accepts a DaemonSet that is not a node-level agent without one", async () => {
    assert.deepEqual(await violationsOf(name, DS, ds((_, pod) => { pod.hostNetwork = false; pod.hostPID = false; delete pod.priorityClassName; })), []);
  });
});

describe("capabilities-declared", () => {
  const name = "capabilities-declared";

  it("rejects capabilities the workload does not declare", async () => {
    const v = await violationsOf(name, DS, ds((o, pod) => {
      delete o.metadata.annotations["k8s-daemonsets/capabilities"];
      pod.containers[0].securityContext.capabilities.add = ["NET_ADMIN"];
    }));
    assert.deepEqual(v, [
      'DaemonSet ops/agent: init container "own-data": spec.template.spec.initContainers[0].securityContext.capabilities.add[0] is "CHOWN", which annotation k8s-daemonsets/capabilities does not declare (it is "")',
      'DaemonSet ops/agent: container "agent": spec.template.spec.containers[0].securityContext.capabilities.add[0] is "NET_ADMIN", which annotation k8s-daemonsets/capabilities does not declare (it is "")',
    ]);
  });

  it("compares names without case or CAP_ prefix, and checks each entry", async () => {
    const v = await violationsOf(name, POD, (() => {
      const o = clean(POD);
      o.metadata.annotations["k8s-daemonsets/capabilities"] = "cap_chown, NET_BIND_SERVICE";
      o.spec.containers[0].securityContext.capabilities.add = ["CAP_NET_BIND_SERVICE", "SYS_ADMIN"];
      return o;
    })());
    assert.deepEqual(v, [
      'Pod ops/agent: container "agent": spec.containers[0].securityContext.capabilities.add[1] is "SYS_ADMIN", which annotation k8s-daemonsets/capabilities does not declare (it is "cap_chown, NET_BIND_SERVICE")',
    ]);
  });
});
