// Prometheus node-exporter on every node: the host's /proc, /sys and / passed through read-only, the host's
// network and PID namespaces, node-critical priority. Defaults follow kube-prometheus and the
// prometheus-community chart where the original manifest was wrong (see README, "Defaults and why").
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  HostContainer,
  HostMount,
  HostWorkloadArgs,
  Placement,
  UpdateStrategy,
  hostAgentNamespace,
  dependsOnWith,
  hostDaemonSet,
  nonRootPodSecurityContext,
  restrictedContainerSecurityContext,
  tolerateEverything,
} from "./hostDaemonSet";
import { ArgsIssue, Branded, ComponentArgsError, brandResolved, isResolved, resolveOver } from "./defaults";
import { ClusterObjectRef, createdByStackAnnotations, imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";
import { componentTypes } from "./project";

import Input = k8s.types.input.core.v1;

export interface NodeExporterArgs extends HostWorkloadArgs {
  /** Object name of the DaemonSet, ServiceAccount and Service. Default: `node-exporter`. */
  name?: string;
  /** Namespace. Default: `monitoring`. */
  namespace?: string;
  /** Create the namespace (with Pod Security labels). Default: true. */
  createNamespace?: boolean;
  /** Image, pinned by tag or digest. Default: `quay.io/prometheus/node-exporter:v1.12.1`. */
  image?: string;
  /** Default: `IfNotPresent`. */
  imagePullPolicy?: pulumi.Input<string>;
  /** Name of the container. Default: `node-exporter`. */
  containerName?: string;
  /** Labels selecting the pods; immutable. Default: app.kubernetes.io/name and /instance. */
  selectorLabels?: Record<string, string>;
  /** Labels of the DaemonSet, ServiceAccount and Service. Default: app.kubernetes.io/component, /part-of, /managed-by. */
  labels?: Record<string, string>;
  /** Labels of the pod template only. Default: the object labels plus app.kubernetes.io/version (the image tag). */
  podLabels?: Record<string, string>;
  /** Annotations of the pod template. Default: `kubectl.kubernetes.io/default-container: <containerName>`. */
  podAnnotations?: Record<string, string>;
  /** Metrics port, also claimed as host port. Default: 9100. */
  port?: number;
  /** Name of the metrics port. Default: `metrics`. */
  portName?: string;
  /** Publish the port as a hostPort so the scheduler sees conflicts. Default: true. */
  hostPort?: boolean;
  /**
   * Host part of `--web.listen-address`; `$(HOST_IP)` is the node's IP (bound from the pod's status).
   * null leaves the flag out (node-exporter then listens on every interface). Default: `[$(HOST_IP)]`.
   */
  listenHost?: string | null;
  /** Mount the host's / at /host/root and pass --path.rootfs (disk metrics of the host). Default: true. */
  hostRoot?: boolean;
  /** mountPropagation of the / mount; null for None (hosts whose / is not a shared mount). Default: `HostToContainer`. */
  hostRootPropagation?: string | null;
  /** mountPropagation of the /sys mount; null for None (hosts whose /sys is not a shared mount). Default: `HostToContainer`. */
  hostSysPropagation?: string | null;
  /**
   * Collector flags: the filesystem exclusions (`nodeExporterFilesystemExclusions`) and veth exclusions.
   * Default: see `nodeExporterDefaults`.
   */
  collectorArgs?: string[];
  /**
   * Collectors switched on (`--collector.<name>`) or off (`--no-collector.<name>`); the rest keep the binary's
   * default. Merged over the default map (names given switch only those); null switches none. Default: btrfs,
   * hwmon and wifi off (as kube-prometheus).
   */
  collectors?: Record<string, boolean> | null;
  /**
   * A host directory mounted read-only at /host/textfile (hostPath `DirectoryOrCreate`) for the textfile
   * collector (`--collector.textfile.directory`). Default: unset (no directory, the collector reads nothing).
   */
  textfileDirectory?: string;
  /**
   * Add CAP_SYS_TIME to the container (declared to the policy pack), for the timex collector on runtimes whose
   * default seccomp profile allows adjtimex(2) only to containers with that capability. Default: false.
   */
  sysTimeCapability?: boolean;
  /** Further arguments, appended. Default: none. */
  extraArgs?: string[];
  /** Default: RollingUpdate with maxUnavailable 10%. */
  updateStrategy?: UpdateStrategy;
  /** Default: `system-node-critical` (preempts ordinary pods, last to be evicted). */
  priorityClassName?: string | null;
  /**
   * With a `system-node-critical` or `system-cluster-critical` priorityClassName: a ResourceQuota in the
   * namespace scoped to that class, which GKE (and any cluster limiting critical priority classes to kube-system)
   * requires before it admits such pods outside kube-system. Default: true.
   */
  criticalPodsQuota?: boolean;
  /**
   * Merged over the default (`{limits: {memory: "250Mi"}}` keeps the default requests). Default: requests cpu
   * 100m / memory 180Mi, limit memory 180Mi (50Mi is a known OOM cause).
   */
  resources?: Input.ResourceRequirements;
  /**
   * Merged field by field over the default (see components/defaults.ts): a nodeSelector or tolerations given
   * replace the default ones; affinity merges (a required node affinity's terms replace the default terms, the
   * rest is added), null for none. Default: kubernetes.io/os=linux, every taint tolerated, and a required node
   * affinity that keeps the pods off EKS Fargate and virtual-kubelet nodes (`nodeExporterDefaultAffinity`).
   */
  placement?: Placement;
  /** null leaves it unset. Default: ClusterFirstWithHostNet. */
  dnsPolicy?: string | null;
  /** Run as nobody (65534), read-only root filesystem, no privilege escalation, no capabilities. Default: true. */
  hardened?: boolean;
  /**
   * Startup, liveness and readiness probes: `GET /` on the metrics port; with rbacProxy, node-exporter on 127.0.0.1
   * and the proxy's `/healthz` over HTTPS on `rbacProxyHealthPort` (see `nodeExporterStartupProbeTiming`). Default: true.
   */
  probes?: boolean;
  /** Create a ServiceAccount (API token not mounted). Default: true. */
  serviceAccount?: boolean;
  /** A headless Service on the metrics port, for scraping. Default: true. */
  service?: boolean;
  /** A prometheus-operator ServiceMonitor (needs its CRD). Default: false. */
  serviceMonitor?: boolean;
  /** Scrape interval of the ServiceMonitor. Default: `30s`. */
  scrapeInterval?: pulumi.Input<string>;
  /** Labels added to the ServiceMonitor, e.g. the `release` a Prometheus selects monitors by. Default: none. */
  serviceMonitorLabels?: Record<string, pulumi.Input<string>>;
  /**
   * Put the metrics behind kube-rbac-proxy: node-exporter listens on 127.0.0.1 only, the proxy serves the
   * metrics port with TLS and lets through only callers whose token may `get` the non-resource URL `/metrics`
   * (it asks the API server with TokenReviews and SubjectAccessReviews, which a ClusterRole and binding
   * created here allow it to). Default: false.
   */
  rbacProxy?: boolean;
  /** kube-rbac-proxy image. Default: `quay.io/brancz/kube-rbac-proxy:v0.22.1`. */
  rbacProxyImage?: pulumi.Input<string>;
  /** With rbacProxy: the port of the proxy's own `/healthz` (HTTPS, on the node's IP). Default: 8888. */
  rbacProxyHealthPort?: number;
  /**
   * Create a NetworkPolicy that admits ingress to the metrics port only from these peers (e.g. the Prometheus
   * namespace). It does not protect the host port: see README. Default: unset (no NetworkPolicy).
   */
  networkPolicyFrom?: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyPeer>[];
}

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

/**
 * Keeps the pods off nodes that cannot run them (as the prometheus-community chart does): EKS Fargate
 * (`eks.amazonaws.com/compute-type=fargate`) and virtual-kubelet nodes (`type=virtual-kubelet`, e.g. Azure
 * virtual nodes). Every taint is tolerated, so without it pods land there, stay Pending, and the rollout never ends.
 */
export const nodeExporterDefaultAffinity: Input.Affinity = {
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

/** Every default of the component, in one place. */
export const nodeExporterDefaults = {
  name: "node-exporter",
  namespace: "monitoring",
  createNamespace: true,
  image: "quay.io/prometheus/node-exporter:v1.12.1",
  imagePullPolicy: "IfNotPresent",
  containerName: "node-exporter",
  port: 9100,
  portName: "metrics",
  hostPort: true,
  listenHost: "[$(HOST_IP)]" as string | null,
  hostRoot: true,
  hostRootPropagation: "HostToContainer" as string | null,
  hostSysPropagation: "HostToContainer" as string | null,
  collectorArgs: [
    ...filesystemExclusionArgs(),
    "--collector.netclass.ignored-devices=^(veth.*|[a-f0-9]{15})$",
    "--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$",
  ] as string[],
  collectors: { btrfs: false, hwmon: false, wifi: false } as Record<string, boolean> | null,
  textfileDirectory: undefined as string | undefined,
  sysTimeCapability: false,
  extraArgs: [] as string[],
  updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" } as UpdateStrategy,
  priorityClassName: "system-node-critical" as string | null,
  criticalPodsQuota: true,
  resources: {
    requests: { cpu: "100m", memory: "180Mi" },
    limits: { memory: "180Mi" },
  } as Input.ResourceRequirements,
  placement: {
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: tolerateEverything,
    affinity: nodeExporterDefaultAffinity,
  } as Placement,
  dnsPolicy: "ClusterFirstWithHostNet" as string | null,
  hardened: true,
  probes: true,
  serviceAccount: true,
  service: true,
  serviceMonitor: false,
  scrapeInterval: "30s",
  serviceMonitorLabels: {} as Record<string, pulumi.Input<string>>,
  rbacProxy: false,
  rbacProxyImage: "quay.io/brancz/kube-rbac-proxy:v0.22.1",
  rbacProxyHealthPort: 8888,
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
  hostRootPropagation: string | null;
  hostSysPropagation: string | null;
  textfileDirectory?: string;
}): HostMount[] {
  const propagation = (p: string | null) => (p ? { mountPropagation: p } : {});
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
      mountPath: nodeExporterDefaults.textfileMountPath,
      type: "DirectoryOrCreate",
    });
  }
  return mounts;
}

/** The component's arguments laid over `nodeExporterDefaults` (the rules: components/defaults.ts), checked. */
export type NodeExporterResolvedArgs = Branded<"NodeExporterDaemonSet", ReturnType<typeof mergeNodeExporterArgs>>;

function mergeNodeExporterArgs(args: NodeExporterArgs) {
  const a = resolveOver("NodeExporterDaemonSet", nodeExporterDefaults, args, ["placement.nodeSelector"]);
  const selectorLabels = a.selectorLabels ?? selectorLabelsFor("node-exporter", a.name);
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
        "or keep hostRoot (where / is not a shared mount, turn hostRootPropagation off instead)",
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
  return issues;
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
      args_.push(`--web.listen-address=127.0.0.1:${nodeExporterDefaults.upstreamPort}`);
    } else if (a.listenHost !== null) {
      args_.push(`--web.listen-address=${a.listenHost}:${a.port}`);
    }
    args_.push(...a.collectorArgs, ...collectorSwitchArgs(a.collectors ?? {}));
    if (a.textfileDirectory !== undefined) {
      args_.push(`--collector.textfile.directory=${nodeExporterDefaults.textfileMountPath}`);
    }
    args_.push(...a.extraArgs);

    // Behind the proxy, node-exporter listens on loopback only; the kubelet reaches it there because the pod
    // shares the host's network namespace (the chart probes it the same way).
    const exporterGet: Input.HTTPGetAction = a.rbacProxy
      ? { host: "127.0.0.1", path: "/", port: nodeExporterDefaults.upstreamPort, scheme: "HTTP" }
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
            `--upstream=http://127.0.0.1:${nodeExporterDefaults.upstreamPort}/`,
            "--allow-paths=/metrics",
            `--proxy-endpoints-port=${a.rbacProxyHealthPort}`,
            "--tls-min-version=VersionTLS12",
            `--tls-cipher-suites=${rbacProxyTlsCipherSuites.join(",")}`,
          ],
          env: hostIpEnv,
          ports: [metricsPort, { name: healthPortName, containerPort: a.rbacProxyHealthPort, ...hostPortOf(a.rbacProxyHealthPort) }],
          resources: nodeExporterDefaults.rbacProxyResources,
          ...(a.probes ? containerProbes({ path: "/healthz", port: healthPortName, scheme: "HTTPS" }) : {}),
          securityContext: restrictedContainerSecurityContext,
        }
      : undefined;

    this.placement = a.placement;
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
      placement: a.placement,
      updateStrategy: a.updateStrategy,
      ...(this.serviceAccount
        ? { serviceAccountName: this.serviceAccount.metadata.name, automountServiceAccountToken: a.rbacProxy }
        : {}),
      ...(a.hardened ? { podSecurityContext: nonRootPodSecurityContext(nodeExporterDefaults.uid) } : {}),
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
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
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
            // One series per node, named by the node rather than by the host-network pod IP.
            relabelings: [{ action: "replace", sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "instance" }],
          }],
        },
      }, { ...child, dependsOn: this.service ? [this.service] : [] });
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
