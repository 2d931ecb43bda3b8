import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { imageVersion } from "../../../components/labels";
import {
  filesystemExclusionArgs,
  NodeExporterArgs,
  NodeExporterDaemonSet,
  nodeExporterDefaultAffinity,
  nodeExporterDefaults,
  nodeExporterFilesystemExclusions,
  nodeExporterProbeTiming,
  nodeExporterStartupProbeTiming,
  rbacProxyTlsCipherSuites,
  resolveNodeExporterArgs,
} from "../../../components/nodeExporter";
import { serviceMonitorSchema } from "../../support/crd";
import { find, promiseOf, refusedArgs, RegisteredResource, settled, useMocks } from "../../support/mocks";

async function render(args: NodeExporterArgs = {}): Promise<{ component: NodeExporterDaemonSet; registered: RegisteredResource[]; ds: any }> {
  const registered = useMocks();
  const component = new NodeExporterDaemonSet("node-exporter", args);
  await settled();
  return { component, registered, ds: find(registered, "kubernetes:apps/v1:DaemonSet").inputs };
}

const container = (ds: any) => ds.spec.template.spec.containers[0];
const mount = (ds: any, name: string) => container(ds).volumeMounts.find((m: any) => m.name === name);
const volume = (ds: any, name: string) => ds.spec.template.spec.volumes.find((v: any) => v.name === name);

describe("NodeExporterDaemonSet defaults", () => {
  it("selects pods without a version label; the version is on the pod template only", async () => {
    const { ds } = await render();
    assert.deepEqual(ds.spec.selector.matchLabels, {
      "app.kubernetes.io/name": "node-exporter",
      "app.kubernetes.io/instance": "node-exporter",
    });
    assert.equal(ds.spec.template.metadata.labels["app.kubernetes.io/version"], "v1.12.1");
    assert.equal(ds.metadata.labels["app.kubernetes.io/version"], undefined);
    assert.equal(ds.metadata.labels["app.kubernetes.io/part-of"], "k8s-daemonsets");
    assert.equal(ds.metadata.labels["app.kubernetes.io/managed-by"], "pulumi");
  });

  it("rolls out with RollingUpdate, 10% unavailable at most; OnDelete is selectable", async () => {
    assert.deepEqual((await render()).ds.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } });
    assert.deepEqual((await render({ updateStrategy: { type: "OnDelete" } })).ds.spec.updateStrategy, { type: "OnDelete" });
  });

  it("tells pulumi how long to wait for the rollout only when asked", async () => {
    assert.equal((await render()).ds.metadata.annotations["pulumi.com/timeoutSeconds"], undefined);
    assert.equal((await render({ rolloutTimeoutSeconds: 90 })).ds.metadata.annotations["pulumi.com/timeoutSeconds"], "90");
  });

  it("runs a current pinned image", async () => {
    const c = container((await render()).ds);
    assert.equal(c.image, "quay.io/prometheus/node-exporter:v1.12.1");
    assert.equal(c.imagePullPolicy, "IfNotPresent");
  });

  it("passes /proc, /sys and / through read-only, /sys and / with HostToContainer propagation", async () => {
    const { ds } = await render();
    assert.deepEqual(volume(ds, "proc"), { name: "proc", hostPath: { path: "/proc" } });
    assert.deepEqual(volume(ds, "sys"), { name: "sys", hostPath: { path: "/sys" } });
    assert.deepEqual(volume(ds, "root"), { name: "root", hostPath: { path: "/" } });
    assert.deepEqual(mount(ds, "proc"), { name: "proc", mountPath: "/host/proc", readOnly: true });
    assert.deepEqual(mount(ds, "sys"), { name: "sys", mountPath: "/host/sys", readOnly: true, mountPropagation: "HostToContainer" });
    assert.deepEqual(mount(ds, "root"), { name: "root", mountPath: "/host/root", readOnly: true, mountPropagation: "HostToContainer" });
    for (const m of container(ds).volumeMounts) assert.equal(m.readOnly, true, `${m.name} must be read-only`);
  });

  it("can drop the root and sys mounts' propagation, or the root mount and its flags", async () => {
    const noPropagation = (await render({ hostRootPropagation: "None", hostSysPropagation: "None" })).ds;
    assert.equal(mount(noPropagation, "root").mountPropagation, undefined);
    assert.equal(mount(noPropagation, "sys").mountPropagation, undefined);
    assert.equal(mount((await render({ hostSysPropagation: "None" })).ds, "root").mountPropagation, "HostToContainer");
    const { ds } = await render({ hostRoot: false, collectors: { filesystem: false } });
    assert.equal(volume(ds, "root"), undefined);
    assert.ok(!container(ds).args.some((a: string) => a.startsWith("--path.rootfs")));
  });

  it("refuses, before registering anything, arguments that contradict each other: the same messages a stack config gets", async () => {
    const refused = (args: NodeExporterArgs) => refusedArgs(() => new NodeExporterDaemonSet("node-exporter", args));
    // Disk metrics measured inside the container, RBAC bound to no account, a monitor that selects nothing.
    assert.match(refused({ hostRoot: false })[0], /^hostRoot: without the host's \/ the filesystem collector reads the host's mount table/);
    assert.match(refused({ rbacProxy: true, serviceAccount: false })[0], /^rbacProxy: kube-rbac-proxy needs the component's ServiceAccount/);
    assert.match(refused({ serviceMonitor: true, service: false })[0], /^serviceMonitor: a ServiceMonitor finds the pods through the component's Service/);
    assert.match(refused({ textfileDirectory: "/t", collectors: { textfile: false } })[0], /^textfileDirectory: is mounted for the textfile collector/);
    assert.equal(refused({ hostRoot: false, rbacProxy: true, serviceAccount: false }).length, 2); // every problem at once
  });

  it("checks what a program gives against the declared types, with the stack config's messages; Outputs pass through", async () => {
    const refused = (args: NodeExporterArgs) => refusedArgs(() => new NodeExporterDaemonSet("node-exporter", args));
    assert.deepEqual(refused({ port: 70000, image: "quay.io/prometheus/node-exporter:latest" }), [
      "port: 70000 port must be 1-65535",
      "image: \"quay.io/prometheus/node-exporter:latest\" image must not use the mutable tag 'latest'",
    ]);
    assert.deepEqual(refused({ tolerations: [{ operator: "Sometimes" as "Exists" }] }), ['tolerations.0.operator: must be one of "Exists", "Equal", got string "Sometimes"']);
    // From JavaScript: null where a setting has no "none", and a key the component does not take.
    assert.deepEqual(refused({ port: null, prot: 9100 } as unknown as NodeExporterArgs), ["port: expected number, got null", "prot: is not an argument of this component"]);
    // A quantity given as a number is taken as its string; a pulumi Output is not checked.
    const { ds } = await render({ resources: { limits: { memory: 268435456 as unknown as string } }, imagePullPolicy: pulumi.output("Always") });
    assert.equal(container(ds).resources.limits.memory, "268435456");
    assert.equal(container(ds).imagePullPolicy, "Always");
  });

  it("mounts a textfile directory read-only for the textfile collector only when one is given", async () => {
    const plain = (await render()).ds;
    assert.equal(volume(plain, "textfile"), undefined);
    assert.ok(!container(plain).args.some((a: string) => a.startsWith("--collector.textfile.directory")));
    const { ds } = await render({ textfileDirectory: "/var/lib/node-exporter/textfile" });
    assert.deepEqual(volume(ds, "textfile"), { name: "textfile", hostPath: { path: "/var/lib/node-exporter/textfile", type: "DirectoryOrCreate" } });
    assert.deepEqual(mount(ds, "textfile"), { name: "textfile", mountPath: "/host/textfile", readOnly: true });
    assert.ok(container(ds).args.includes("--collector.textfile.directory=/host/textfile"));
  });

  it("switches btrfs, hwmon and wifi off by default; the map of collectors is configurable", async () => {
    const args: string[] = container((await render()).ds).args;
    for (const name of ["btrfs", "hwmon", "wifi"]) assert.ok(args.includes(`--no-collector.${name}`), name);
    const custom: string[] = container((await render({ collectors: { hwmon: true, systemd: true, wifi: false } })).ds).args;
    assert.ok(custom.includes("--collector.hwmon") && custom.includes("--collector.systemd") && custom.includes("--no-collector.wifi"));
    assert.ok(custom.includes("--no-collector.btrfs"), "a given map is merged over the default: btrfs stays off");
    const none: string[] = container((await render({ collectors: null })).ds).args;
    assert.ok(!none.some((a) => /^--(no-)?collector\.(btrfs|hwmon|wifi)$/.test(a)), "null switches none");
  });

  it("adds SYS_TIME for the timex collector only on request, beside dropping every other capability", async () => {
    assert.deepEqual(container((await render()).ds).securityContext.capabilities, { drop: ["ALL"] });
    const { ds } = await render({ sysTimeCapability: true });
    assert.deepEqual(container(ds).securityContext.capabilities, { drop: ["ALL"], add: ["SYS_TIME"] });
    assert.equal(ds.metadata.annotations["k8s-daemonsets/capabilities"], "SYS_TIME");
    assert.deepEqual(container((await render({ sysTimeCapability: true, hardened: false })).ds).securityContext, { capabilities: { add: ["SYS_TIME"] } });
  });

  it("names node-exporter the default container (kubectl logs/exec), after the container's name", async () => {
    assert.deepEqual((await render()).ds.spec.template.metadata.annotations, { "kubectl.kubernetes.io/default-container": "node-exporter" });
    const renamed = (await render({ containerName: "exporter", rbacProxy: true })).ds.spec.template.metadata.annotations;
    assert.equal(renamed["kubectl.kubernetes.io/default-container"], "exporter");
  });

  it("points the collectors at the host paths and excludes container mounts and veths", async () => {
    const args: string[] = container((await render({ extraArgs: ["--collector.systemd"] })).ds).args;
    for (const flag of ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root", "--path.udev.data=/host/root/run/udev/data"]) {
      assert.ok(args.includes(flag), flag);
    }
    assert.ok(args.some((a) => a.startsWith("--collector.filesystem.mount-points-exclude=") && a.includes("var/lib/kubelet")));
    assert.ok(args.some((a) => a.startsWith("--collector.filesystem.fs-types-exclude=") && a.includes("overlay")));
    assert.ok(args.some((a) => a.startsWith("--collector.netdev.device-exclude=^(veth")));
    assert.equal(args.at(-1), "--collector.systemd");
  });

  it("uses the host's network and PID namespaces, with DNS that works on the host network", async () => {
    const spec = (await render()).ds.spec.template.spec;
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.hostPID, true);
    assert.equal(spec.dnsPolicy, "ClusterFirstWithHostNet");
  });

  it("publishes port 9100 `metrics` as a host port and listens on the node's IP only", async () => {
    const c = container((await render()).ds);
    assert.deepEqual(c.ports, [{ name: "metrics", containerPort: 9100, hostPort: 9100 }]);
    assert.ok(c.args.includes("--web.listen-address=[$(HOST_IP)]:9100"));
    assert.deepEqual(c.env, [{ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }]);
    const custom = container((await render({ port: 9200 })).ds);
    assert.deepEqual(custom.ports, [{ name: "metrics", containerPort: 9200, hostPort: 9200 }]);
    assert.ok(custom.args.includes("--web.listen-address=[$(HOST_IP)]:9200"));
  });

  it("listens on every address with listenHost \"\" or 0.0.0.0, without the node-IP variable", async () => {
    for (const [listenHost, flag] of [["", "--web.listen-address=:9100"], ["0.0.0.0", "--web.listen-address=0.0.0.0:9100"]]) {
      const c = container((await render({ listenHost })).ds);
      assert.equal(c.args.filter((a: string) => a.startsWith("--web.listen-address")).join(" "), flag);
      assert.equal(c.env, undefined);
    }
  });

  it("runs as nobody with a read-only root filesystem, no privilege escalation and no capabilities", async () => {
    const { ds } = await render();
    assert.deepEqual(ds.spec.template.spec.securityContext, {
      runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(container(ds).securityContext, {
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] },
    });
  });

  it("tolerates every taint and runs on Linux nodes, but not on EKS Fargate or virtual-kubelet nodes", async () => {
    const spec = (await render()).ds.spec.template.spec;
    assert.deepEqual(spec.tolerations, [{ operator: "Exists" }]);
    assert.deepEqual(spec.nodeSelector, { "kubernetes.io/os": "linux" });
    const [term, ...more] = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    assert.equal(more.length, 0);
    // A node matches the one term only if it matches every expression: Fargate and virtual-kubelet nodes match none.
    const admits = (nodeLabels: Record<string, string>) =>
      term.matchExpressions.every((e: any) => e.operator === "NotIn" && !e.values.includes(nodeLabels[e.key]));
    assert.equal(admits({ "kubernetes.io/os": "linux" }), true);
    assert.equal(admits({ "eks.amazonaws.com/compute-type": "ec2" }), true);
    assert.equal(admits({ "eks.amazonaws.com/compute-type": "fargate" }), false);
    assert.equal(admits({ type: "virtual-kubelet" }), false);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In" as const, values: ["node-3"] }] }] } } };
    const withAffinity = (await render({ affinity })).ds.spec.template.spec;
    assert.deepEqual(withAffinity.affinity, affinity);
    assert.equal((await render({ affinity: null })).ds.spec.template.spec.affinity, undefined);
    // Each placement setting given replaces or merges into its own default only: the others keep theirs.
    assert.deepEqual((await render({ tolerations: [] })).ds.spec.template.spec.affinity, nodeExporterDefaultAffinity);
    const pinned = (await render({ nodeSelector: { pool: "metal" } })).ds.spec.template.spec;
    assert.deepEqual(pinned.nodeSelector, { pool: "metal" }, "a node selector replaces the default one");
    assert.deepEqual(pinned.tolerations, [{ operator: "Exists" }]);
    assert.deepEqual(nodeExporterDefaults.affinity, nodeExporterDefaultAffinity);
  });

  it("probes liveness and readiness on the metrics port", async () => {
    const c = container((await render()).ds);
    const expected = { httpGet: { path: "/", port: "metrics", scheme: "HTTP" }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };
    assert.deepEqual(c.livenessProbe, expected);
    assert.deepEqual(c.readinessProbe, expected);
  });

  it("holds liveness and readiness back with a startup probe until the server listens, so no probe fails at start", async () => {
    // The kubelet probes a container as soon as it sees it running; a real kubelet counted failed readiness probes
    // (connection refused) on pod starts without this. Liveness and readiness do not run before a startup probe passed.
    for (const args of [{}, { rbacProxy: true }]) {
      const containers = (await render(args)).ds.spec.template.spec.containers;
      assert.equal(containers.length, args.rbacProxy ? 2 : 1);
      for (const c of containers) {
        assert.deepEqual(c.startupProbe, { httpGet: c.readinessProbe.httpGet, initialDelaySeconds: 1, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 30 }, c.name);
        assert.deepEqual(c.livenessProbe, { httpGet: c.readinessProbe.httpGet, ...nodeExporterProbeTiming }, c.name);
        assert.ok(c.startupProbe.initialDelaySeconds >= 1, `${c.name}: the startup probe must not race the start`);
      }
    }
    // a container that never serves is restarted after about 30 s, as with the liveness probe alone
    const { initialDelaySeconds, periodSeconds, failureThreshold } = nodeExporterStartupProbeTiming;
    assert.ok(initialDelaySeconds + periodSeconds * failureThreshold >= nodeExporterProbeTiming.periodSeconds * nodeExporterProbeTiming.failureThreshold);
    const none = (await render({ probes: false, rbacProxy: true })).ds.spec.template.spec.containers;
    for (const c of none) for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) assert.equal(c[p], undefined, `${c.name} ${p}`);
  });

  it("is node-critical and has memory requests equal to limits at a size that does not OOM", async () => {
    const { ds } = await render();
    assert.equal(ds.spec.template.spec.priorityClassName, "system-node-critical");
    assert.deepEqual(container(ds).resources, { requests: { cpu: "100m", memory: "180Mi" }, limits: { memory: "180Mi" } });
  });

  it("creates, with the namespace, the quota GKE needs before it admits system-node-critical pods outside kube-system", async () => {
    const { registered, component } = await render();
    const quota = find(registered, "kubernetes:core/v1:ResourceQuota").inputs;
    assert.equal(quota.metadata.namespace, "monitoring");
    assert.equal(quota.metadata.name, "node-exporter-critical-pods");
    assert.deepEqual(quota.spec.scopeSelector, { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["system-node-critical"] }] });
    // It limits nothing: at least one pod per node of the largest cluster Kubernetes supports (5,000 nodes).
    const [, digits, unit] = /^(\d+)([kMG]?)$/.exec(quota.spec.hard.pods)!;
    assert.ok(Number(digits) * ({ "": 1, k: 1e3, M: 1e6, G: 1e9 } as Record<string, number>)[unit] >= 5000);
    assert.ok(component.criticalPodsQuota);
    const cluster = (await render({ priorityClassName: "system-cluster-critical" })).registered;
    assert.deepEqual(find(cluster, "kubernetes:core/v1:ResourceQuota").inputs.spec.scopeSelector.matchExpressions[0].values, ["system-cluster-critical"]);
    for (const args of [{ criticalPodsQuota: false }, { priorityClassName: "node-monitoring" }, { priorityClassName: null }] as NodeExporterArgs[]) {
      assert.equal((await render(args)).registered.filter((r) => r.type === "kubernetes:core/v1:ResourceQuota").length, 0, JSON.stringify(args));
    }
  });

  it("has its own ServiceAccount without an API token, and a headless Service for scraping", async () => {
    const { registered, ds } = await render();
    const sa = find(registered, "kubernetes:core/v1:ServiceAccount").inputs;
    assert.equal(sa.automountServiceAccountToken, false);
    assert.equal(ds.spec.template.spec.serviceAccountName, "node-exporter");
    assert.equal(ds.spec.template.spec.automountServiceAccountToken, false);
    const svc = find(registered, "kubernetes:core/v1:Service").inputs.spec;
    assert.equal(svc.clusterIP, "None");
    assert.deepEqual(svc.ports, [{ name: "metrics", port: 9100, targetPort: "metrics" }]);
    assert.deepEqual(svc.selector, ds.spec.selector.matchLabels);
  });

  it("creates a ServiceMonitor only when asked: job from the Service's name label, instance and node = the node's name, labels from args", async () => {
    assert.equal((await render()).registered.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 0);
    const { registered } = await render({ serviceMonitor: true, scrapeInterval: "15s", serviceMonitorLabels: { release: "kube-prometheus-stack" } });
    const sm = find(registered, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs;
    const svc = find(registered, "kubernetes:core/v1:Service").inputs;
    assert.equal(sm.spec.endpoints[0].port, "metrics");
    assert.equal(sm.spec.endpoints[0].interval, "15s");
    assert.equal(sm.metadata.labels.release, "kube-prometheus-stack");
    assert.equal(svc.metadata.labels[sm.spec.jobLabel], "node-exporter", "the job label names a label the Service carries");
    assert.deepEqual(sm.spec.endpoints[0].relabelings, [
      { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "instance" },
      { action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node" },
    ]);
    assert.equal(sm.spec.endpoints[0].bearerTokenFile, undefined);
    assert.equal(sm.spec.endpoints[0].scheme, undefined);
  });

  it("creates its namespace with Pod Security labels, unless told to use an existing one", async () => {
    const ns = find((await render()).registered, "kubernetes:core/v1:Namespace").inputs;
    assert.equal(ns.metadata.name, "monitoring");
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
    const { registered, ds } = await render({ namespace: "kube-system", createNamespace: false });
    assert.equal(registered.filter((r) => r.type === "kubernetes:core/v1:Namespace").length, 0);
    assert.equal(ds.metadata.namespace, "kube-system");
  });

  it("can put the metrics behind kube-rbac-proxy: loopback-only exporter, TLS proxy on the port, RBAC to review tokens", async () => {
    const { registered, ds } = await render({ rbacProxy: true, serviceMonitor: true });
    const [exporter, proxy] = ds.spec.template.spec.containers;
    assert.ok(exporter.args.includes("--web.listen-address=127.0.0.1:9101"));
    assert.equal(exporter.ports, undefined);
    assert.equal(proxy.name, "kube-rbac-proxy");
    assert.ok(proxy.args.includes("--secure-listen-address=[$(HOST_IP)]:9100"));
    assert.ok(proxy.args.includes("--upstream=http://127.0.0.1:9101/"));
    assert.deepEqual(proxy.ports, [{ name: "metrics", containerPort: 9100, hostPort: 9100 }, { name: "proxy-health", containerPort: 8888, hostPort: 8888 }]);
    assert.equal(proxy.image, "quay.io/brancz/kube-rbac-proxy:v0.22.1");
    assert.ok(proxy.args.includes("--proxy-endpoints-port=8888"));
    assert.ok(proxy.args.includes(`--tls-cipher-suites=${rbacProxyTlsCipherSuites.join(",")}`));
    for (const suite of rbacProxyTlsCipherSuites) assert.match(suite, /^TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305)$/);
    assert.deepEqual(proxy.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    // Probes: node-exporter where it listens (loopback, which the kubelet shares on the host network), the proxy on its
    // own health endpoint over HTTPS (the metrics port needs a token).
    for (const probe of [exporter.startupProbe, exporter.livenessProbe, exporter.readinessProbe]) {
      assert.deepEqual(probe.httpGet, { host: "127.0.0.1", path: "/", port: 9101, scheme: "HTTP" });
    }
    for (const probe of [proxy.startupProbe, proxy.livenessProbe, proxy.readinessProbe]) {
      assert.deepEqual(probe.httpGet, { path: "/healthz", port: "proxy-health", scheme: "HTTPS" });
    }
    assert.equal(proxy.ports.find((p: any) => p.name === proxy.readinessProbe.httpGet.port).containerPort, Number(/--proxy-endpoints-port=(\d+)/.exec(proxy.args.join(" "))![1]));
    assert.equal(exporter.livenessProbe.httpGet.port, Number(/127\.0\.0\.1:(\d+)/.exec(exporter.args.find((a: string) => a.startsWith("--web.listen-address")))![1]));
    assert.equal(ds.spec.template.spec.automountServiceAccountToken, true);
    const role = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "node-exporter-rbac-proxy").inputs;
    assert.deepEqual(role.rules.map((r: any) => r.resources[0]).sort(), ["subjectaccessreviews", "tokenreviews"]);
    const binding = find(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "node-exporter-rbac-proxy").inputs;
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "node-exporter", namespace: "monitoring" }]);
    const endpoint = find(registered, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs.spec.endpoints[0];
    assert.equal(endpoint.scheme, "https");
    // The monitor scrapes with a token from a Secret (no bearerTokenFile): a scraper ServiceAccount that may get /metrics.
    assert.equal(endpoint.bearerTokenFile, undefined);
    const token = registered.find((r) => r.type === "kubernetes:core/v1:Secret")!.inputs;
    assert.equal(token.type, "kubernetes.io/service-account-token");
    assert.deepEqual(endpoint.authorization, { type: "Bearer", credentials: { name: token.metadata.name, key: "token" } });
    const scraper = registered.find((r) => r.type === "kubernetes:core/v1:ServiceAccount" && r.inputs.metadata.name === token.metadata.annotations["kubernetes.io/service-account.name"]);
    assert.ok(scraper, "the token's ServiceAccount exists");
    const scraperRole = registered.find((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" && r.inputs.metadata.name === scraper.inputs.metadata.name)!.inputs;
    assert.deepEqual(scraperRole.rules, [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
    const scraperBinding = registered.find((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" && r.inputs.metadata.name === scraper.inputs.metadata.name)!.inputs;
    assert.deepEqual(scraperBinding.subjects, [{ kind: "ServiceAccount", name: scraper.inputs.metadata.name, namespace: "monitoring" }]);
    const plain = await render();
    assert.equal(plain.registered.filter((r) => r.type.includes("rbac.authorization.k8s.io")).length, 0);
  });

  it("creates a NetworkPolicy for the metrics port only when peers are given", async () => {
    assert.equal((await render()).registered.filter((r) => r.type.includes("NetworkPolicy")).length, 0);
    const from = [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "prometheus" } } }];
    const np = find((await render({ networkPolicyFrom: from })).registered, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs;
    assert.deepEqual(np.spec.podSelector.matchLabels, { "app.kubernetes.io/name": "node-exporter", "app.kubernetes.io/instance": "node-exporter" });
    assert.deepEqual(np.spec.ingress, [{ from, ports: [{ protocol: "TCP", port: 9100 }] }]);
  });

  it("parents every child to the component", async () => {
    const { component } = await render({ serviceMonitor: true });
    for (const child of [component.daemonSet, component.service!, component.serviceAccount!, component.serviceMonitor!]) {
      assert.match(await promiseOf(child.urn), /::k8s-daemonsets:index:NodeExporterDaemonSet\$kubernetes:/);
    }
  });
});

describe("the ServiceMonitor under prometheus-operator's CRD schema (v0.87.0)", () => {
  const serviceMonitor = async (args: NodeExporterArgs) =>
    find((await render({ serviceMonitor: true, ...args })).registered, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").inputs;

  it("is valid as rendered, plain and behind kube-rbac-proxy", async () => {
    const schema = serviceMonitorSchema();
    for (const args of [{}, { rbacProxy: true, serviceMonitorLabels: { release: "prometheus" }, scrapeInterval: "1m" }] as NodeExporterArgs[]) {
      const sm = JSON.parse(JSON.stringify(await serviceMonitor(args)));
      assert.deepEqual(schema.errors(sm), [], JSON.stringify(args));
    }
  });

  it("the check is not vacuous: a misspelt field, a bad duration and a bad scheme are errors", async () => {
    const schema = serviceMonitorSchema();
    const sm = JSON.parse(JSON.stringify(await serviceMonitor({ rbacProxy: true })));
    sm.spec.endpoints[0].relabellings = sm.spec.endpoints[0].relabelings;
    sm.spec.endpoints[0].interval = "30 seconds";
    sm.spec.endpoints[0].scheme = "tcp";
    sm.spec.endpoints[0].authorization.credentials.secretName = "x";
    const errors = schema.errors(sm).join("\n");
    for (const expected of ["(relabellings)", "/spec/endpoints/0/interval", "/spec/endpoints/0/scheme", "(secretName)"]) {
      assert.ok(errors.includes(expected), `${expected} not in:\n${errors}`);
    }
    delete sm.spec.selector;
    assert.ok(schema.errors(sm).some((e) => e.includes("selector")));
  });
});

describe("node-exporter filesystem exclusions", () => {
  // node_exporter v1.12.1, collector/filesystem_linux.go: defMountPointsExcluded and defFSTypesExcluded, verbatim.
  const upstreamV1121 = {
    mountPoints: "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)",
    fsTypes: "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$",
  };
  const flag = (args: string[], name: string) => {
    const arg = args.find((a) => a.startsWith(`--collector.filesystem.${name}=`));
    assert.ok(arg, name);
    return new RegExp(arg.slice(arg.indexOf("=") + 1));
  };

  it("were reviewed for the version the default image runs (update the lists and reviewedFor together)", () => {
    assert.equal(
      nodeExporterFilesystemExclusions.reviewedFor,
      imageVersion(nodeExporterDefaults.image),
      `the default image is ${nodeExporterDefaults.image}: compare nodeExporterFilesystemExclusions with that version's ` +
        "collector/filesystem_linux.go defaults (passing the flags replaces them), then set reviewedFor",
    );
  });

  it("start from the binary's own defaults, unchanged", () => {
    const upstreamOnly = filesystemExclusionArgs({
      ...nodeExporterFilesystemExclusions,
      mountPoints: { ...nodeExporterFilesystemExclusions.mountPoints, kubernetes: [] },
      fsTypes: { ...nodeExporterFilesystemExclusions.fsTypes, kubernetes: [] },
    });
    assert.equal(flag(upstreamOnly, "mount-points-exclude").source, new RegExp(upstreamV1121.mountPoints).source);
    assert.equal(flag(upstreamOnly, "fs-types-exclude").source, new RegExp(upstreamV1121.fsTypes).source);
  });

  it("are what the container gets, and exclude container and pod mounts but not the host's own filesystems", async () => {
    const args: string[] = container((await render()).ds).args;
    for (const f of filesystemExclusionArgs()) assert.ok(args.includes(f), f);
    const mountPoints = flag(args, "mount-points-exclude");
    const fsTypes = flag(args, "fs-types-exclude");
    for (const excluded of [
      "/run/credentials/systemd-journald.service", // systemd credentials (upstream)
      "/var/lib/containers/storage/overlay", // podman / CRI-O storage (upstream)
      "/var/lib/docker/overlay2/abc/merged",
      "/var/lib/kubelet/pods/0b1c/volumes/kubernetes.io~projected/kube-api-access-x",
      "/var/lib/kubelet/plugins/kubernetes.io/csi/pv/pvc-1/globalmount",
      "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs",
      "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm",
      "/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs",
      "/proc", "/sys/fs/cgroup", "/dev/shm",
    ]) {
      assert.ok(mountPoints.test(excluded), `${excluded} must be excluded`);
    }
    for (const kept of ["/", "/boot", "/var", "/var/lib/kubelet", "/var/lib/containerd", "/var/lib/docker", "/run", "/data/disk1", "/devices"]) {
      assert.ok(!mountPoints.test(kept), `${kept} must be reported`);
    }
    for (const excluded of ["erofs", "squashfs", "overlay", "cgroup", "cgroup2", "nsfs", "tracefs"]) assert.ok(fsTypes.test(excluded), excluded);
    for (const kept of ["ext4", "xfs", "btrfs", "zfs", "vfat", "tmpfs", "nfs4"]) assert.ok(!fsTypes.test(kept), kept);
  });
});

describe("NodeExporterDaemonSet reproduces the seed's manifest", () => {
  it("renders the seed's DaemonSet field by field from the seed's values", async () => {
    const fixture = parse(fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "seed-node-exporter.yaml"), "utf8"));
    const seedValues: NodeExporterArgs = {
      name: "node-exporter",
      namespace: "kube-system",
      createNamespace: false,
      image: "prom/node-exporter:v1.2.2",
      imagePullPolicy: "IfNotPresent",
      containerName: "prometheus-node-exporter",
      selectorLabels: { "k8s-app": "node-exporter", version: "v1.2.2" },
      labels: { "kubernetes.io/cluster-service": "true", "addonmanager.kubernetes.io/mode": "Reconcile" },
      podLabels: {},
      updateStrategy: { type: "OnDelete" },
      priorityClassName: "system-node-critical",
      listenHost: null,
      hostRoot: false,
      hostSysPropagation: "None",
      collectorArgs: [],
      collectors: null,
      podAnnotations: {},
      resources: { limits: { memory: "50Mi" }, requests: { cpu: "100m", memory: "50Mi" } },
      nodeSelector: {},
      tolerations: [],
      affinity: null,
      criticalPodsQuota: false,
      dnsPolicy: null,
      hardened: false,
      probes: false,
      serviceAccount: false,
      service: false,
    };
    // The seed's manifest has no root mount and the filesystem collector on (wrong disk metrics): refused as it is,
    // rendered with that collector off, which adds its flag and the default switches it merges over.
    assert.throws(() => resolveNodeExporterArgs(seedValues), /hostRoot: without the host's \//);
    const { ds } = await render({ ...seedValues, collectors: { filesystem: false } });
    const rendered = JSON.parse(JSON.stringify(ds)); // drops undefined, as the wire does
    assert.deepEqual(rendered.spec.template.spec.containers[0].args.splice(-4), ["btrfs", "filesystem", "hwmon", "wifi"].map((c) => `--no-collector.${c}`));
    // The component always declares the host access it takes to the policy pack; the seed declares none.
    assert.deepEqual(rendered.metadata.annotations, { "k8s-daemonsets/host-access": "network,pid,hostPath", "k8s-daemonsets/allow-on-delete": "true" });
    delete rendered.metadata.annotations;
    assert.deepEqual(rendered, fixture);
  });
});
