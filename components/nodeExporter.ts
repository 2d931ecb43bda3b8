// Prometheus node-exporter on every node: the host's /proc, /sys and / passed through read-only, the host's
// network and PID namespaces, node-critical priority. Defaults follow kube-prometheus and the
// prometheus-community chart where the original manifest was wrong (see docs/node-exporter.md).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  HostContainer,
  HostMount,
  HostWorkloadArgs,
  Placement,
  hostAgentNamespace,
  dependsOnWith,
  hostDaemonSet,
  nonRootPodSecurityContext,
  restrictedContainerSecurityContext,
  tolerateEverything,
} from "./hostDaemonSet";
import { ArgsIssue, Branded, ComponentArgsError, brandResolved, isResolved } from "./defaults";
import { affinity, hostPath, image, labels, port, pullPolicy, resourceName, resources, toleration, updateStrategy } from "./kubernetesSyntax";
import { SettingsArgs, passThrough, resolveSettings, setting, settingsDefaults } from "./settings";
import { ClusterObjectRef, createdByStackAnnotations, imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";
import { RuleGroup, adjustRules, nodeRelabelings, prometheusRuleType, ruleFile, ruleSettings, ruleSettingsIssues, scrapeInterval, serviceMonitorType } from "./monitoring";
import { nodeMixin } from "./nodeMixin.generated";
import { buildDashboard, dashboardSettings } from "./dashboards";
import { nodeExporterDashboard } from "./nodeExporterDashboard";
import { componentTypes } from "./project";

import Input = k8s.types.input.core.v1;

/** Regex alternatives: node_exporter's own default, then what this project adds. */
export interface ExclusionList {
  upstream: readonly string[];
  kubernetes: readonly string[];
}

export interface FilesystemExclusions {
  /** The node_exporter version whose defaults `upstream` copies. */
  reviewedFor: string;
  /** Mount points, as alternatives of `^/(…)($|/)`. */
  mountPoints: ExclusionList;
  /** Filesystem types, as alternatives of `^(…)$`. */
  fsTypes: ExclusionList;
}

/**
 * The filesystem collector's exclusions, in one place. Passing `--collector.filesystem.mount-points-exclude` or
 * `--collector.filesystem.fs-types-exclude` replaces the binary's own default, so each list starts from
 * node_exporter's default, copied from the version named in `reviewedFor` (v1.12.1,
 * collector/filesystem_linux.go, `defMountPointsExcluded` and `defFSTypesExcluded`), and adds only what
 * Kubernetes nodes need. When the default image moves to another version, compare these lists with that
 * version's defaults and update `reviewedFor`: a unit test fails until the two agree.
 */
export const nodeExporterFilesystemExclusions: FilesystemExclusions = {
  reviewedFor: "v1.12.1",
  mountPoints: {
    upstream: ["dev", "proc", "run/credentials/.+", "sys", "var/lib/docker/.+", "var/lib/containers/storage/.+"],
    kubernetes: [
      "var/lib/kubelet/.+", // the kubelet's per-pod volumes (secrets, projected, emptyDir) and CSI mounts
      "run/containerd/.+", // containerd: container root filesystems and sandbox /dev/shm
      "run/k3s/containerd/.+", // the same under k3s's own containerd
    ],
  },
  fsTypes: {
    upstream: [
      "autofs", "binfmt_misc", "bpf", "cgroup2?", "configfs", "debugfs", "devpts", "devtmpfs", "fusectl", "hugetlbfs",
      "iso9660", "mqueue", "nsfs", "overlay", "proc", "procfs", "pstore", "rpc_pipefs", "securityfs", "selinuxfs",
      "squashfs", "erofs", "sysfs", "tracefs",
    ],
    // None: container root filesystems are overlay (excluded above), per-pod tmpfs mounts are excluded by mount point.
    kubernetes: [],
  },
};

/** The two filesystem-collector flags rendered from `nodeExporterFilesystemExclusions`. */
export function filesystemExclusionArgs(e = nodeExporterFilesystemExclusions): string[] {
  return [
    `--collector.filesystem.mount-points-exclude=^/(${[...e.mountPoints.upstream, ...e.mountPoints.kubernetes].join("|")})($|/)`,
    `--collector.filesystem.fs-types-exclude=^(${[...e.fsTypes.upstream, ...e.fsTypes.kubernetes].join("|")})$`,
  ];
}

/** The pods' `app.kubernetes.io/name`: the `job` of their series (the ServiceMonitor's jobLabel, the documented scrape config). */
export const nodeExporterAppName = "node-exporter";

/**
 * The node-mixin's `_config` this project renders its rules with (scripts/render-node-mixin.ts, `make node-mixin`),
 * over the mixin's own defaults: the job its ServiceMonitor and the documented scrape config give; the filesystem
 * exclusions of `nodeExporterFilesystemExclusions`, so that the rules ignore what the collector is told to ignore
 * even where a stack passes collector flags of its own; the disk devices and the critical fill threshold of
 * kube-prometheus (15 %: the kubelet's image garbage collection starts at 85 % used, so 20 % would fire on
 * healthy nodes).
 */
export const nodeMixinConfig = {
  nodeExporterSelector: `job="${nodeExporterAppName}"`,
  fsSelector: `fstype!="",fstype!~"${[...nodeExporterFilesystemExclusions.fsTypes.upstream, ...nodeExporterFilesystemExclusions.fsTypes.kubernetes].join("|")}"`,
  // PromQL's regexes are anchored: `^/(…)($|/)` becomes `/(…)(/.*)?`.
  fsMountpointSelector: `mountpoint!="",mountpoint!~"/(${[...nodeExporterFilesystemExclusions.mountPoints.upstream, ...nodeExporterFilesystemExclusions.mountPoints.kubernetes].join("|")})(/.*)?"`,
  diskDeviceSelector: 'device=~"(/dev/)?(mmcblk.p.+|nvme.+|rbd.+|sd.+|vd.+|xvd.+|dm-.+|md.+|dasd.+)"',
  fsSpaceFillingUpCriticalThreshold: 15,
};

/**
 * Keeps the pods off nodes that cannot run them (as the prometheus-community chart does): EKS Fargate
 * (`eks.amazonaws.com/compute-type=fargate`) and virtual-kubelet nodes (`type=virtual-kubelet`, e.g. Azure
 * virtual nodes). Every taint is tolerated, so without it pods land there, stay Pending, and the rollout never ends.
 */
export const nodeExporterDefaultAffinity: z.output<typeof affinity> = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{
        matchExpressions: [
          { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] },
          { key: "type", operator: "NotIn", values: ["virtual-kubelet"] },
        ],
      }],
    },
  },
};

const collectorName = z.string().regex(/^[a-z][a-z0-9_]*$/, "is not a collector name (lowercase letters, digits and '_', e.g. hwmon)").describe("collector name");
const propagation = z.enum(["HostToContainer", "None"]);
const networkPolicyPeer = z.strictObject({
  namespaceSelector: z.strictObject({ matchLabels: labels }).optional(),
  podSelector: z.strictObject({ matchLabels: labels }).optional(),
  ipBlock: z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional() }).optional(),
}).describe("NetworkPolicy peer (namespaceSelector / podSelector with matchLabels, ipBlock)");

/**
 * Every setting of the component, each declared once (components/settings.ts): its type, its default and, in
 * its comment, what it is. The arguments, the defaults, the stack config's `nodeExporter` keys and the
 * configuration reference (docs/configuration.md) all come from here.
 */
export const nodeExporterSettings = {
  /** Object name of the DaemonSet, ServiceAccount and Service. */
  name: setting(resourceName, { default: "node-exporter" }),
  /** Namespace of every object. */
  namespace: setting(resourceName, { default: "monitoring" }),
  /** Create the namespace (with Pod Security labels); false deploys into an existing one, which the stack then neither changes nor deletes. */
  createNamespace: setting(z.boolean(), { default: true }),
  /** The node_exporter image, pinned by tag or digest. */
  image: setting(image, { default: "quay.io/prometheus/node-exporter:v1.12.1" }),
  /** Pull policy of every container. */
  imagePullPolicy: passThrough(setting(pullPolicy, { default: "IfNotPresent" })),
  /** Name of the container. */
  containerName: setting(z.string().min(1), { default: "node-exporter", programOnly: true }),
  /** Labels selecting the pods; immutable once created. */
  selectorLabels: setting(labels, { programOnly: true, defaultDoc: "app.kubernetes.io/name and /instance" }),
  /** Labels of the DaemonSet, ServiceAccount and Service. */
  labels: setting(labels, { programOnly: true, defaultDoc: "app.kubernetes.io/component, /part-of, /managed-by" }),
  /** Labels of the pod template only. */
  podLabels: setting(labels, { programOnly: true, defaultDoc: "the object labels and app.kubernetes.io/version (the image tag)" }),
  /** Annotations of the pod template. */
  podAnnotations: setting(z.record(z.string(), z.string()), { programOnly: true, defaultDoc: "kubectl.kubernetes.io/default-container: the container" }),
  /** Metrics port, also claimed as host port. */
  port: setting(port, { default: 9100 }),
  /** Name of the metrics port. */
  portName: setting(z.string().min(1).max(15), { default: "metrics", programOnly: true }),
  /** Publish the port as a hostPort, so that the scheduler sees conflicts. */
  hostPort: setting(z.boolean(), { default: true }),
  /** Host part of --web.listen-address ($(HOST_IP) is the node's IP); null leaves the flag out (every interface). */
  listenHost: setting(z.string().nullable(), { default: "[$(HOST_IP)]" }),
  /** Mount the host's / at /host/root and pass --path.rootfs (the host's disk metrics). */
  hostRoot: setting(z.boolean(), { default: true }),
  /** mountPropagation of the / mount; None for hosts whose / is not a shared mount. */
  hostRootPropagation: setting(propagation, { default: "HostToContainer" }),
  /** mountPropagation of the /sys mount; None for hosts whose /sys is not a shared mount. */
  hostSysPropagation: setting(propagation, { default: "HostToContainer" }),
  /** Collector flags, which replace the default list: the filesystem exclusions (nodeExporterFilesystemExclusions) and veth exclusions. */
  collectorArgs: setting(z.array(z.string()), {
    default: [
      ...filesystemExclusionArgs(),
      "--collector.netclass.ignored-devices=^(veth.*|[a-f0-9]{15})$",
      "--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$",
    ],
    defaultDoc: "the filesystem exclusions of nodeExporterFilesystemExclusions and veth exclusions",
  }),
  /** Collectors switched on (--collector.<name>) or off (--no-collector.<name>), merged over the default map; null switches none. */
  collectors: setting(z.record(collectorName, z.boolean()).nullable(), { default: { btrfs: false, hwmon: false, wifi: false } }),
  /** A host directory mounted read-only at /host/textfile (hostPath DirectoryOrCreate) for the textfile collector. */
  textfileDirectory: setting(hostPath),
  /** Add CAP_SYS_TIME (declared to the policy pack), for the timex collector where the runtime's seccomp profile needs it. */
  sysTimeCapability: setting(z.boolean(), { default: false }),
  /** Further arguments, appended. */
  extraArgs: setting(z.array(z.string()), { default: [] }),
  /** How a new pod template rolls out. */
  updateStrategy: setting(updateStrategy, { default: { type: "RollingUpdate", maxUnavailable: "10%" } }),
  /** The pods' PriorityClass; null for none (system-node-critical preempts ordinary pods and is evicted last). */
  priorityClassName: setting(z.string().nullable(), { default: "system-node-critical" }),
  /** With a system-* priorityClassName: a ResourceQuota in the namespace scoped to it, which GKE requires before it admits such pods outside kube-system. */
  criticalPodsQuota: setting(z.boolean(), { default: true }),
  /** Resources of the node-exporter container, merged over the default (limits alone keep the default requests; 50Mi is a known OOM cause). */
  resources: setting(resources, { default: { requests: { cpu: "100m", memory: "180Mi" }, limits: { memory: "180Mi" } } }),
  /** Only nodes with all of these labels run the pods; replaces the default selector. */
  nodeSelector: setting(labels, { default: { "kubernetes.io/os": "linux" }, merge: "replace" }),
  /** Taints the pods tolerate; replaces the default (every taint). */
  tolerations: setting(z.array(toleration), { default: tolerateEverything }),
  /** Affinity, merged over the default (a required node affinity's terms replace the default terms); null for none. The default keeps the pods off EKS Fargate and virtual-kubelet nodes. */
  affinity: setting(affinity.nullable(), { default: nodeExporterDefaultAffinity, defaultDoc: "nodeExporterDefaultAffinity: not on EKS Fargate or virtual-kubelet nodes" }),
  /** DNS policy of the pods; null leaves it unset. */
  dnsPolicy: setting(z.string().nullable(), { default: "ClusterFirstWithHostNet", programOnly: true }),
  /** Run as nobody (65534), read-only root filesystem, no privilege escalation, no capabilities. */
  hardened: setting(z.boolean(), { default: true }),
  /** Startup, liveness and readiness probes on the metrics endpoint (with rbacProxy, the proxy's /healthz too). */
  probes: setting(z.boolean(), { default: true }),
  /** Create a ServiceAccount (its API token is mounted only for kube-rbac-proxy). */
  serviceAccount: setting(z.boolean(), { default: true }),
  /** A headless Service on the metrics port, for scraping. */
  service: setting(z.boolean(), { default: true }),
  /** A prometheus-operator ServiceMonitor (needs its CRD and the Service). */
  serviceMonitor: setting(z.boolean(), { default: false }),
  /** Scrape interval of the ServiceMonitor. */
  scrapeInterval: passThrough(setting(scrapeInterval, { default: "30s" })),
  /** Labels added to the ServiceMonitor, e.g. the release a Prometheus selects monitors by. */
  serviceMonitorLabels: setting(labels, { default: {} }),
  // The node-mixin's alerts and recording rules and the coverage alert (nodeExporterRuleGroups): how they are delivered and adjusted.
  ...ruleSettings,
  // Its Grafana dashboard (nodeExporterDashboard).
  ...dashboardSettings,
  /** The job of kube-state-metrics' series, which list the nodes the coverage alert (NodeExporterMissing) expects a target on. */
  kubeStateMetricsJob: setting(z.string().min(1), { default: "kube-state-metrics" }),
  /** Put the metrics behind kube-rbac-proxy: TLS, and only callers whose token may get /metrics (TokenReviews and SubjectAccessReviews, allowed by a ClusterRole created here). */
  rbacProxy: setting(z.boolean(), { default: false }),
  /** The kube-rbac-proxy image. */
  rbacProxyImage: passThrough(setting(image, { default: "quay.io/brancz/kube-rbac-proxy:v0.22.1" })),
  /** With rbacProxy: the port of the proxy's own /healthz (HTTPS, on the node's IP). */
  rbacProxyHealthPort: setting(port, { default: 8888 }),
  /** A NetworkPolicy admitting ingress to the metrics port only from these peers (it does not protect the host port). */
  networkPolicyFrom: setting(z.array(networkPolicyPeer)),
  /** How long `pulumi up` waits for the rollout before failing (a stack sets it for every DaemonSet at once). */
  rolloutTimeoutSeconds: setting(z.number().int().min(1), { programOnly: true, defaultDoc: "the provider's 600 s" }),
};

/** The component's arguments: `nodeExporterSettings`, each optional, and what every host DaemonSet takes. */
export interface NodeExporterArgs extends SettingsArgs<typeof nodeExporterSettings>, HostWorkloadArgs {}

/** Every default of the component, from `nodeExporterSettings`. */
export const nodeExporterDefaults = settingsDefaults(nodeExporterSettings);

/** kube-rbac-proxy's TLS 1.2 cipher suites, as kube-prometheus restricts them (AEAD with ECDHE only). */
export const rbacProxyTlsCipherSuites = [
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
];

/** Liveness and readiness: every 10 s, 1 s to answer, restarted (liveness) or not ready after 3 failures. */
export const nodeExporterProbeTiming = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };

/**
 * The startup probe in front of them. The kubelet probes a container as soon as it sees it running, which can be
 * before the server in it listens: the first readiness probe then fails (connection refused), a Warning event
 * and a failed probe on every pod start. Liveness and readiness wait until a startup probe has passed, and this
 * one begins a second after the start and tries every second (30 s in all before the container is restarted),
 * so the pod is Ready about as soon as it serves, usually without a failure on the way (on a loaded machine the
 * first try can still come too early: one Unhealthy event, no restart).
 */
export const nodeExporterStartupProbeTiming = { initialDelaySeconds: 1, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 30 };

/** Startup, liveness and readiness probes of one container, all on the same endpoint. */
function containerProbes(httpGet: Input.HTTPGetAction): Pick<Input.Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  return {
    startupProbe: { httpGet, ...nodeExporterStartupProbeTiming },
    livenessProbe: { httpGet, ...nodeExporterProbeTiming },
    readinessProbe: { httpGet, ...nodeExporterProbeTiming },
  };
}

/** The priority classes a cluster may limit to kube-system unless a namespace has a quota for them (GKE does). */
export const criticalPriorityClasses = ["system-node-critical", "system-cluster-critical"];

/** What the component renders with that is not a setting. */
export const nodeExporterConstants = {
  /** With rbacProxy: where node-exporter listens, on loopback only. */
  upstreamPort: 9101,
  /** With rbacProxy: the proxy's resources (kube-prometheus). */
  rbacProxyResources: {
    requests: { cpu: "10m", memory: "20Mi" },
    limits: { memory: "40Mi" },
  } as Input.ResourceRequirements,
  /** The user node-exporter runs as: nobody. */
  uid: 65534,
  /** Where the textfile directory is mounted in the container. */
  textfileMountPath: "/host/textfile",
} as const;

/** `--collector.<name>` / `--no-collector.<name>` for each collector switched on or off, by name. */
export function collectorSwitchArgs(collectors: Record<string, boolean>): string[] {
  return Object.keys(collectors)
    .sort()
    .map((name) => (collectors[name] ? `--collector.${name}` : `--no-collector.${name}`));
}

/** The host paths node-exporter reads, at the paths its --path.* flags point to. */
function nodeExporterHostMounts(a: {
  hostRoot: boolean;
  hostRootPropagation: string;
  hostSysPropagation: string;
  textfileDirectory?: string;
}): HostMount[] {
  // None is the mount's own default: rendered as no propagation at all.
  const propagation = (p: string) => (p !== "None" ? { mountPropagation: p } : {});
  const mounts: HostMount[] = [
    { name: "proc", hostPath: "/proc", mountPath: "/host/proc" },
    { name: "sys", hostPath: "/sys", mountPath: "/host/sys", ...propagation(a.hostSysPropagation) },
  ];
  if (a.hostRoot) {
    mounts.push({ name: "root", hostPath: "/", mountPath: "/host/root", ...propagation(a.hostRootPropagation) });
  }
  if (a.textfileDirectory !== undefined) {
    mounts.push({
      name: "textfile",
      hostPath: a.textfileDirectory,
      mountPath: nodeExporterConstants.textfileMountPath,
      type: "DirectoryOrCreate",
    });
  }
  return mounts;
}

/** The component's arguments laid over `nodeExporterDefaults` (the rules: components/defaults.ts), checked. */
export type NodeExporterResolvedArgs = Branded<"NodeExporterDaemonSet", ReturnType<typeof mergeNodeExporterArgs>>;

function mergeNodeExporterArgs(args: NodeExporterArgs) {
  const a = resolveSettings("NodeExporterDaemonSet", nodeExporterSettings, args);
  const selectorLabels = a.selectorLabels ?? selectorLabelsFor(nodeExporterAppName, a.name);
  const labels = a.labels ?? objectLabelsFor("metrics-exporter");
  return {
    ...a,
    selectorLabels,
    labels,
    podLabels: a.podLabels ?? { ...labels, "app.kubernetes.io/version": imageVersion(a.image) },
    podAnnotations: a.podAnnotations ?? { "kubectl.kubernetes.io/default-container": a.containerName },
  };
}

/**
 * What contradicts itself in the component's arguments, each under the argument's path (the stack reports them
 * under the config key). Run by `resolveNodeExporterArgs`, so a program that constructs the component directly
 * gets the same messages as a stack config.
 */
export function nodeExporterArgsIssues(a: ReturnType<typeof mergeNodeExporterArgs>): ArgsIssue[] {
  const issues: ArgsIssue[] = [];
  const collectors = a.collectors ?? {};
  if (!a.hostRoot && collectors.filesystem !== false) {
    issues.push({
      path: ["hostRoot"],
      message:
        "without the host's / the filesystem collector reads the host's mount table but measures paths inside the " +
        "container, so every disk metric is wrong: also switch the filesystem collector off (collectors.filesystem: false), " +
        "or keep hostRoot (where / is not a shared mount, set hostRootPropagation to None instead)",
    });
  }
  if (a.textfileDirectory !== undefined && collectors.textfile === false) {
    issues.push({
      path: ["textfileDirectory"],
      message: "is mounted for the textfile collector, which collectors.textfile switches off; remove one of the two",
    });
  }
  if (a.rbacProxy && !a.serviceAccount) {
    issues.push({
      path: ["rbacProxy"],
      message: "kube-rbac-proxy needs the component's ServiceAccount (its RBAC is bound to it): leave serviceAccount on",
    });
  }
  if (a.serviceMonitor && !a.service) {
    issues.push({
      path: ["serviceMonitor"],
      message: "a ServiceMonitor finds the pods through the component's Service, which service: false leaves out: leave service on",
    });
  }
  if (a.prometheusRule && !a.serviceMonitor) {
    issues.push({
      path: ["prometheusRule"],
      message: "the rules read the series the component's ServiceMonitor scrapes (job node-exporter), which serviceMonitor: false leaves out: set serviceMonitor too, or use rulesConfigMap with the documented scrape config",
    });
  }
  if (a.rulesConfigMap && !a.service) {
    issues.push({
      path: ["rulesConfigMap"],
      message: "the rules read the series the documented scrape config finds through the component's Service, which service: false leaves out: leave service on",
    });
  }
  if (a.dashboards && !a.prometheusRule && !a.rulesConfigMap) {
    issues.push({
      path: ["dashboards"],
      message: "the dashboard's panels read the node-mixin's recording rules, which neither prometheusRule nor rulesConfigMap delivers: set one of them too",
    });
  }
  issues.push(...ruleSettingsIssues(nodeExporterOwnGroups(a), a));
  return issues;
}

/** The job of the component's series: its pods' app.kubernetes.io/name. */
function nodeExporterJob(a: { selectorLabels: Record<string, string>; name: string }): string {
  return a.selectorLabels["app.kubernetes.io/name"] ?? a.name;
}

/**
 * The nodes that should run node-exporter, in the labels kube-state-metrics gives `kube_node_labels`: Linux nodes
 * (the default node selector) other than those the default affinity keeps the pods off (EKS Fargate,
 * virtual-kubelet), whatever a stack's own placement says, so that a placement that misses nodes is caught.
 * kube-state-metrics exports a node label only when allowed (`--metric-labels-allowlist=nodes=[…]`, `nodeLabels`).
 */
export const nodeExporterCoverage = (() => {
  const ksmLabel = (key: string) => `label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
  const selector = Object.entries(nodeExporterDefaults.nodeSelector).map(([k, v]) => `${ksmLabel(k)}="${v}"`);
  const expressions = nodeExporterDefaultAffinity.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchExpressions!;
  const excluded = expressions.map((e) => `${ksmLabel(e.key)}!~"${(e.values ?? []).join("|")}"`);
  return {
    nodeLabels: [...Object.keys(nodeExporterDefaults.nodeSelector), ...expressions.map((e) => e.key)],
    matchers: [...selector, ...excluded].join(","),
    osMatcher: `${ksmLabel("kubernetes.io/os")}!=""`,
  };
})();

/**
 * The coverage alert this project adds (no anchor has one): a node that should run node-exporter (see
 * `nodeExporterCoverage`) without a target of the component's job that is up, by kube-state-metrics' node list;
 * and the alert that says the list cannot be read, without which the first could never fire unnoticed.
 */
function coverageGroup(a: { selectorLabels: Record<string, string>; name: string; kubeStateMetricsJob: string }): RuleGroup {
  const ksm = `job="${a.kubeStateMetricsJob}"`;
  return {
    name: "node-exporter-coverage",
    rules: [
      {
        alert: "NodeExporterMissing",
        expr: `max by (node) (kube_node_labels{${ksm},${nodeExporterCoverage.matchers}})\nunless on (node)\nmax by (node) (up{job="${nodeExporterJob(a)}"} == 1)\n`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A Linux node has no node-exporter target that is up.",
          description:
            "Node {{ $labels.node }} should run node-exporter but Prometheus scrapes none there: no pod (the DaemonSet's node selector, " +
            "affinity or tolerations leave the node out, or the pod cannot start) or its target is down. Its disks, memory and clock are not watched.",
        },
      },
      {
        alert: "NodeExporterCoverageUnknown",
        expr: `absent(kube_node_labels{${ksm},${nodeExporterCoverage.osMatcher}})\n`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "kube-state-metrics gives no node's labels: NodeExporterMissing cannot fire.",
          description:
            `No kube_node_labels series of ${a.kubeStateMetricsJob} carries a node's kubernetes.io/os label: kube-state-metrics is not scraped, or ` +
            `runs without --metric-labels-allowlist=nodes=[${nodeExporterCoverage.nodeLabels.join(",")}].`,
        },
      },
    ],
  };
}

/** The node-mixin's groups (alerts, then recording rules) for the job the component's series get, and the coverage group. */
function nodeExporterOwnGroups(a: { selectorLabels: Record<string, string>; name: string; kubeStateMetricsJob: string }): RuleGroup[] {
  const rendered = nodeMixin.config.nodeExporterSelector as string;
  const selector = `job="${nodeExporterJob(a)}"`;
  return [
    ...[...nodeMixin.alerts, ...nodeMixin.rules].map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => ({ ...r, expr: r.expr.split(rendered).join(selector) })),
    })),
    coverageGroup(a),
  ];
}

/**
 * The component's alerting and recording rules: the node-mixin of the node_exporter version the default image
 * runs (components/nodeMixin.generated.ts, rendered from upstream with `nodeMixinConfig`), for the job the
 * component's series get, and the coverage alerts; with `disabledAlerts` left out and `alertFor` applied.
 */
export function nodeExporterRuleGroups(a: NodeExporterResolvedArgs): RuleGroup[] {
  return adjustRules(nodeExporterOwnGroups(a), a);
}

/**
 * The arguments the component runs with: `args` merged over `nodeExporterDefaults` (objects key by key, lists
 * and the node selector replace, null for none; see components/defaults.ts), the defaults that depend on other
 * arguments (labels, pod labels and annotations), checked (`nodeExporterArgsIssues`: ComponentArgsError).
 */
export function resolveNodeExporterArgs(args: NodeExporterArgs = {}): NodeExporterResolvedArgs {
  const a = mergeNodeExporterArgs(args);
  const issues = nodeExporterArgsIssues(a);
  if (issues.length > 0) {
    throw new ComponentArgsError("NodeExporterDaemonSet", issues);
  }
  return brandResolved("NodeExporterDaemonSet", a);
}

/** The namespace and cluster-scoped objects the component creates, by the names its constructor gives them. */
export function nodeExporterClusterObjects(a: NodeExporterResolvedArgs): ClusterObjectRef[] {
  const rbac = "rbac.authorization.k8s.io/v1";
  return [
    ...(a.createNamespace ? [{ apiVersion: "v1", kind: "Namespace", name: a.namespace }] : []),
    ...(a.rbacProxy && a.serviceAccount
      ? [{ apiVersion: rbac, kind: "ClusterRole", name: `${a.name}-rbac-proxy` }, { apiVersion: rbac, kind: "ClusterRoleBinding", name: `${a.name}-rbac-proxy` }]
      : []),
    ...(a.rbacProxy && a.serviceMonitor
      ? [{ apiVersion: rbac, kind: "ClusterRole", name: `${a.name}-scraper` }, { apiVersion: rbac, kind: "ClusterRoleBinding", name: `${a.name}-scraper` }]
      : []),
  ];
}

export class NodeExporterDaemonSet extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  public readonly namespace: pulumi.Output<string>;
  public readonly service?: k8s.core.v1.Service;
  public readonly serviceAccount?: k8s.core.v1.ServiceAccount;
  public readonly serviceMonitor?: k8s.apiextensions.CustomResource;
  /** With prometheusRule: the rules as a prometheus-operator PrometheusRule. */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** With rulesConfigMap: the rules as a Prometheus rule file. */
  public readonly rulesConfigMap?: k8s.core.v1.ConfigMap;
  /** The alerting and recording rules (`nodeExporterRuleGroups`), whether or not an object delivers them. */
  public readonly ruleGroups: RuleGroup[];
  /** With dashboards: the Grafana dashboard's ConfigMap. */
  public readonly dashboardsConfigMap?: k8s.core.v1.ConfigMap;
  public readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
  /** With a system-* priority class: the quota that lets the namespace run pods of that class. */
  public readonly criticalPodsQuota?: k8s.core.v1.ResourceQuota;
  /** The node selector, tolerations and affinity the pods are placed with. */
  public readonly placement: Placement;

  /**
   * `args` are resolved here (`resolveNodeExporterArgs`; contradicting arguments throw ComponentArgsError before
   * anything is registered), unless they are what that function returned.
   */
  constructor(name: string, args: NodeExporterArgs | NodeExporterResolvedArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const a = isResolved("NodeExporterDaemonSet", args) ? (args as NodeExporterResolvedArgs) : resolveNodeExporterArgs(args);
    super(componentTypes.nodeExporter, name, {}, opts);
    const { selectorLabels, labels, podLabels, podAnnotations } = a;
    const objectLabels = { ...selectorLabels, ...labels };
    const child = { parent: this };

    const namespace = hostAgentNamespace(`${name}-namespace`, a.namespace, a.createNamespace, this);
    this.namespace = namespace;

    if (a.criticalPodsQuota && a.priorityClassName && criticalPriorityClasses.includes(a.priorityClassName)) {
      this.criticalPodsQuota = new k8s.core.v1.ResourceQuota(`${name}-critical-pods`, {
        metadata: { name: `${a.name}-critical-pods`, namespace, labels: objectLabels },
        spec: {
          // No real limit (GKE's own quota in kube-system says 1G): the quota only has to exist.
          hard: { pods: "1G" },
          scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: [a.priorityClassName] }] },
        },
      }, child);
    }

    if (a.serviceAccount) {
      this.serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-serviceaccount`, {
        metadata: { name: a.name, namespace, labels: objectLabels },
        // Only the proxy needs a token (for its TokenReviews and SubjectAccessReviews).
        automountServiceAccountToken: a.rbacProxy,
      }, child);
    }
    if (a.rbacProxy && this.serviceAccount) {
      const role = new k8s.rbac.v1.ClusterRole(`${name}-rbac-proxy`, {
        metadata: { name: `${a.name}-rbac-proxy`, labels: objectLabels, annotations: createdByStackAnnotations() },
        rules: [
          { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
          { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
        ],
      }, child);
      new k8s.rbac.v1.ClusterRoleBinding(`${name}-rbac-proxy`, {
        metadata: { name: `${a.name}-rbac-proxy`, labels: objectLabels, annotations: createdByStackAnnotations() },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: this.serviceAccount.metadata.name, namespace }],
      }, child);
    }

    const args_: string[] = ["--path.procfs=/host/proc", "--path.sysfs=/host/sys"];
    if (a.hostRoot) {
      args_.push("--path.rootfs=/host/root", "--path.udev.data=/host/root/run/udev/data");
    }
    if (a.rbacProxy) {
      args_.push(`--web.listen-address=127.0.0.1:${nodeExporterConstants.upstreamPort}`);
    } else if (a.listenHost !== null) {
      args_.push(`--web.listen-address=${a.listenHost}:${a.port}`);
    }
    args_.push(...a.collectorArgs, ...collectorSwitchArgs(a.collectors ?? {}));
    if (a.textfileDirectory !== undefined) {
      args_.push(`--collector.textfile.directory=${nodeExporterConstants.textfileMountPath}`);
    }
    args_.push(...a.extraArgs);

    // Behind the proxy, node-exporter listens on loopback only; the kubelet reaches it there because the pod
    // shares the host's network namespace (the chart probes it the same way).
    const exporterGet: Input.HTTPGetAction = a.rbacProxy
      ? { host: "127.0.0.1", path: "/", port: nodeExporterConstants.upstreamPort, scheme: "HTTP" }
      : { path: "/", port: a.portName, scheme: "HTTP" };
    const hostIpEnv = [{ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }];
    const hostPortOf = (port: number) => (a.hostPort ? { hostPort: port } : {});
    const metricsPort = { name: a.portName, containerPort: a.port, ...hostPortOf(a.port) };
    const exporterSecurityContext: Input.SecurityContext | undefined = a.hardened
      ? {
          ...restrictedContainerSecurityContext,
          ...(a.sysTimeCapability ? { capabilities: { ...restrictedContainerSecurityContext.capabilities, add: ["SYS_TIME"] } } : {}),
        }
      : a.sysTimeCapability ? { capabilities: { add: ["SYS_TIME"] } } : undefined;
    const hostMounts = nodeExporterHostMounts(a);
    const container: HostContainer = {
      name: a.containerName,
      image: a.image,
      imagePullPolicy: a.imagePullPolicy,
      args: args_,
      ...(!a.rbacProxy && a.listenHost?.includes("$(HOST_IP)") ? { env: hostIpEnv } : {}),
      // Behind the proxy, node-exporter is reachable on loopback only and publishes no port.
      ...(a.rbacProxy ? {} : { ports: [metricsPort] }),
      hostMounts: hostMounts.map((m) => m.name),
      resources: a.resources,
      ...(a.probes ? containerProbes(exporterGet) : {}),
      ...(exporterSecurityContext ? { securityContext: exporterSecurityContext } : {}),
    };
    // The metrics port admits only callers with a token, so the proxy is probed on its own health endpoint
    // (HTTPS with its self-signed certificate, which the kubelet does not verify).
    const healthPortName = "proxy-health";
    const proxy: HostContainer | undefined = a.rbacProxy
      ? {
          name: "kube-rbac-proxy",
          image: a.rbacProxyImage,
          imagePullPolicy: a.imagePullPolicy,
          args: [
            `--secure-listen-address=[$(HOST_IP)]:${a.port}`,
            `--upstream=http://127.0.0.1:${nodeExporterConstants.upstreamPort}/`,
            "--allow-paths=/metrics",
            `--proxy-endpoints-port=${a.rbacProxyHealthPort}`,
            "--tls-min-version=VersionTLS12",
            `--tls-cipher-suites=${rbacProxyTlsCipherSuites.join(",")}`,
          ],
          env: hostIpEnv,
          ports: [metricsPort, { name: healthPortName, containerPort: a.rbacProxyHealthPort, ...hostPortOf(a.rbacProxyHealthPort) }],
          resources: nodeExporterConstants.rbacProxyResources,
          ...(a.probes ? containerProbes({ path: "/healthz", port: healthPortName, scheme: "HTTPS" }) : {}),
          securityContext: restrictedContainerSecurityContext,
        }
      : undefined;

    this.placement = {
      nodeSelector: a.nodeSelector,
      tolerations: a.tolerations,
      ...(a.affinity ? { affinity: a.affinity } : {}),
    };
    this.daemonSet = hostDaemonSet({
      rolloutTimeoutSeconds: a.rolloutTimeoutSeconds,
      name: a.name,
      namespace,
      selectorLabels,
      labels,
      podLabels,
      podAnnotations,
      hostNetwork: true,
      hostPID: true,
      dnsPolicy: a.dnsPolicy,
      ...(a.priorityClassName ? { priorityClassName: a.priorityClassName } : {}),
      placement: this.placement,
      updateStrategy: a.updateStrategy,
      ...(this.serviceAccount
        ? { serviceAccountName: this.serviceAccount.metadata.name, automountServiceAccountToken: a.rbacProxy }
        : {}),
      ...(a.hardened ? { podSecurityContext: nonRootPodSecurityContext(nodeExporterConstants.uid) } : {}),
      hostMounts,
      containers: proxy ? [container, proxy] : [container],
    }, { ...child, dependsOn: dependsOnWith(opts?.dependsOn, this.criticalPodsQuota) });

    if (a.service) {
      this.service = new k8s.core.v1.Service(`${name}-service`, {
        metadata: { name: a.name, namespace, labels: objectLabels },
        spec: {
          clusterIP: "None",
          selector: selectorLabels,
          ports: [{ name: a.portName, port: a.port, targetPort: a.portName }],
        },
      }, child);
    }

    if (a.serviceMonitor) {
      const scraperToken = a.rbacProxy ? this.scraperToken(name, a.name, namespace, objectLabels) : undefined;
      this.serviceMonitor = new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
        ...serviceMonitorType,
        metadata: { name: a.name, namespace, labels: { ...objectLabels, ...a.serviceMonitorLabels } },
        spec: {
          // job="node-exporter" (the Service's app.kubernetes.io/name), whatever the Service is called.
          jobLabel: "app.kubernetes.io/name",
          selector: { matchLabels: selectorLabels },
          endpoints: [{
            port: a.portName,
            interval: a.scrapeInterval,
            ...(scraperToken
              ? {
                  scheme: "https",
                  // A token from a Secret, not bearerTokenFile: Prometheus Operator refuses file access with
                  // arbitraryFSAccessThroughSMs.deny, and Alloy does not read files named by a ServiceMonitor.
                  authorization: { type: "Bearer", credentials: { name: scraperToken, key: "token" } },
                  // The proxy's certificate is self-signed, made at start-up.
                  tlsConfig: { insecureSkipVerify: true },
                }
              : {}),
            relabelings: nodeRelabelings,
          }],
        },
      }, { ...child, dependsOn: this.service ? [this.service] : [] });
    }

    this.ruleGroups = nodeExporterRuleGroups(a);
    if (a.prometheusRule) {
      this.prometheusRule = new k8s.apiextensions.CustomResource(`${name}-prometheusrule`, {
        ...prometheusRuleType,
        metadata: { name: `${a.name}-rules`, namespace, labels: { ...objectLabels, ...a.prometheusRuleLabels } },
        spec: { groups: this.ruleGroups },
      }, child);
    }
    if (a.rulesConfigMap) {
      this.rulesConfigMap = new k8s.core.v1.ConfigMap(`${name}-rules`, {
        metadata: { name: `${a.name}-rules`, namespace, labels: objectLabels },
        data: { [`${a.name}.rules.yaml`]: ruleFile(this.ruleGroups) },
      }, child);
    }

    if (a.dashboards) {
      this.dashboardsConfigMap = new k8s.core.v1.ConfigMap(`${name}-dashboards`, {
        metadata: { name: `${a.name}-dashboards`, namespace, labels: { ...objectLabels, ...a.dashboardLabels } },
        data: { "nodes-use.json": JSON.stringify(buildDashboard(nodeExporterDashboard(nodeExporterJob(a)))) },
      }, child);
    }

    if (a.networkPolicyFrom) {
      this.networkPolicy = new k8s.networking.v1.NetworkPolicy(`${name}-networkpolicy`, {
        metadata: { name: a.name, namespace, labels: objectLabels },
        spec: {
          podSelector: { matchLabels: selectorLabels },
          policyTypes: ["Ingress"],
          ingress: [{ from: a.networkPolicyFrom, ports: [{ protocol: "TCP", port: a.port }] }],
        },
      }, child);
    }

    this.registerOutputs({
      daemonSet: this.daemonSet,
      namespace: this.namespace,
      service: this.service,
      serviceAccount: this.serviceAccount,
      serviceMonitor: this.serviceMonitor,
      prometheusRule: this.prometheusRule,
      rulesConfigMap: this.rulesConfigMap,
      ruleGroups: this.ruleGroups,
      dashboardsConfigMap: this.dashboardsConfigMap,
      networkPolicy: this.networkPolicy,
      criticalPodsQuota: this.criticalPodsQuota,
      placement: this.placement,
    });
  }

  /**
   * The identity the ServiceMonitor scrapes the proxy with: a ServiceAccount allowed to `get` the non-resource
   * URL /metrics (what the proxy's SubjectAccessReview asks), and a Secret the token controller fills with its
   * token, in the monitor's namespace, where Prometheus Operator reads it. Returns the Secret's name.
   */
  private scraperToken(name: string, objectName: string, namespace: pulumi.Input<string>, labels: Record<string, string>): string {
    const child = { parent: this };
    const scraper = `${objectName}-scraper`;
    const account = new k8s.core.v1.ServiceAccount(`${name}-scraper`, {
      metadata: { name: scraper, namespace, labels },
      automountServiceAccountToken: false,
    }, child);
    const role = new k8s.rbac.v1.ClusterRole(`${name}-scraper`, {
      metadata: { name: scraper, labels, annotations: createdByStackAnnotations() },
      rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }],
    }, child);
    new k8s.rbac.v1.ClusterRoleBinding(`${name}-scraper`, {
      metadata: { name: scraper, labels, annotations: createdByStackAnnotations() },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
    }, child);
    new k8s.core.v1.Secret(`${name}-scraper-token`, {
      metadata: { name: `${scraper}-token`, namespace, labels, annotations: { "kubernetes.io/service-account.name": scraper } },
      type: "kubernetes.io/service-account-token",
    }, { ...child, dependsOn: [account] });
    return `${scraper}-token`;
  }
}
