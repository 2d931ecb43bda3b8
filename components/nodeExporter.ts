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
  definedOnly,
  hostAgentNamespace,
  hostDaemonSet,
  nonRootPodSecurityContext,
  restrictedContainerSecurityContext,
  tolerateEverything,
} from "./hostDaemonSet";
import { ClusterObjectRef, createdByStackAnnotations, imageVersion, objectLabelsFor, selectorLabelsFor } from "./labels";

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
  imagePullPolicy?: string;
  /** Name of the container. Default: `node-exporter`. */
  containerName?: string;
  /** Labels selecting the pods; immutable. Default: app.kubernetes.io/name and /instance. */
  selectorLabels?: Record<string, string>;
  /** Labels of the DaemonSet, ServiceAccount and Service. Default: app.kubernetes.io/component, /part-of, /managed-by. */
  labels?: Record<string, string>;
  /** Labels of the pod template only. Default: the object labels plus app.kubernetes.io/version (the image tag). */
  podLabels?: Record<string, string>;
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
  /** Collector flags: mount-point, filesystem-type and veth exclusions. Default: see `nodeExporterDefaults`. */
  collectorArgs?: string[];
  /** Further arguments, appended. Default: none. */
  extraArgs?: string[];
  /** Default: RollingUpdate with maxUnavailable 10%. */
  updateStrategy?: UpdateStrategy;
  /** Default: `system-node-critical` (preempts ordinary pods, last to be evicted). */
  priorityClassName?: string | null;
  /** Default: requests cpu 100m / memory 180Mi, limit memory 180Mi (50Mi is a known OOM cause). */
  resources?: Input.ResourceRequirements;
  /** Default: kubernetes.io/os=linux, every taint tolerated. */
  placement?: Placement;
  /** null leaves it unset. Default: ClusterFirstWithHostNet. */
  dnsPolicy?: string | null;
  /** Run as nobody (65534), read-only root filesystem, no privilege escalation, no capabilities. Default: true. */
  hardened?: boolean;
  /** Liveness and readiness probes on the metrics port. Default: true. */
  probes?: boolean;
  /** Create a ServiceAccount (API token not mounted). Default: true. */
  serviceAccount?: boolean;
  /** A headless Service on the metrics port, for scraping. Default: true. */
  service?: boolean;
  /** A prometheus-operator ServiceMonitor (needs its CRD). Default: false. */
  serviceMonitor?: boolean;
  /** Scrape interval of the ServiceMonitor. Default: `30s`. */
  scrapeInterval?: string;
  /**
   * Put the metrics behind kube-rbac-proxy: node-exporter listens on 127.0.0.1 only, the proxy serves the
   * metrics port with TLS and lets through only callers whose token may `get` the non-resource URL `/metrics`
   * (it asks the API server with TokenReviews and SubjectAccessReviews, which a ClusterRole and binding
   * created here allow it to). Default: false.
   */
  rbacProxy?: boolean;
  /** kube-rbac-proxy image. Default: `quay.io/brancz/kube-rbac-proxy:v0.19.1`. */
  rbacProxyImage?: string;
  /**
   * Create a NetworkPolicy that admits ingress to the metrics port only from these peers (e.g. the Prometheus
   * namespace). It does not protect the host port: see README. Default: unset (no NetworkPolicy).
   */
  networkPolicyFrom?: k8s.types.input.networking.v1.NetworkPolicyPeer[];
  /** Annotate the DaemonSet with the host access it takes, for the policy pack. Default: true. */
  declareHostAccess?: boolean;
}

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
  collectorArgs: [
    "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
    "--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$",
    "--collector.netclass.ignored-devices=^(veth.*|[a-f0-9]{15})$",
    "--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$",
  ],
  extraArgs: [] as string[],
  updateStrategy: { type: "RollingUpdate", maxUnavailable: "10%" } as UpdateStrategy,
  priorityClassName: "system-node-critical" as string | null,
  resources: {
    requests: { cpu: "100m", memory: "180Mi" },
    limits: { memory: "180Mi" },
  } as Input.ResourceRequirements,
  placement: {
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: tolerateEverything,
  } as Placement,
  dnsPolicy: "ClusterFirstWithHostNet" as string | null,
  hardened: true,
  probes: true,
  serviceAccount: true,
  service: true,
  serviceMonitor: false,
  scrapeInterval: "30s",
  rbacProxy: false,
  rbacProxyImage: "quay.io/brancz/kube-rbac-proxy:v0.19.1",
  /** With rbacProxy: where node-exporter listens, on loopback only. */
  upstreamPort: 9101,
  /** With rbacProxy: the proxy's resources (kube-prometheus). */
  rbacProxyResources: {
    requests: { cpu: "10m", memory: "20Mi" },
    limits: { memory: "40Mi" },
  } as Input.ResourceRequirements,
  declareHostAccess: true,
  /** The user node-exporter runs as: nobody. */
  uid: 65534,
} as const;

/** The host paths node-exporter reads, at the paths its --path.* flags point to. */
function nodeExporterHostMounts(hostRoot: boolean, propagation: string | null): HostMount[] {
  const mounts: HostMount[] = [
    { name: "proc", hostPath: "/proc", mountPath: "/host/proc" },
    { name: "sys", hostPath: "/sys", mountPath: "/host/sys" },
  ];
  if (hostRoot) {
    mounts.push({ name: "root", hostPath: "/", mountPath: "/host/root", ...(propagation ? { mountPropagation: propagation } : {}) });
  }
  return mounts;
}

/** The namespace and cluster-scoped objects the component creates, by the names its constructor gives them. */
export function nodeExporterClusterObjects(args: NodeExporterArgs = {}): ClusterObjectRef[] {
  const a = { ...nodeExporterDefaults, ...definedOnly(args) };
  const rbac = "rbac.authorization.k8s.io/v1";
  return [
    ...(a.createNamespace ? [{ apiVersion: "v1", kind: "Namespace", name: a.namespace }] : []),
    ...(a.rbacProxy && a.serviceAccount
      ? [{ apiVersion: rbac, kind: "ClusterRole", name: `${a.name}-rbac-proxy` }, { apiVersion: rbac, kind: "ClusterRoleBinding", name: `${a.name}-rbac-proxy` }]
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
  /** The node selector and tolerations the pods are placed with. */
  public readonly placement: Placement;

  constructor(name: string, args: NodeExporterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-daemonsets:index:NodeExporterDaemonSet", name, {}, opts);
    const a = { ...nodeExporterDefaults, ...definedOnly(args) };
    const selectorLabels = a.selectorLabels ?? selectorLabelsFor("node-exporter", a.name);
    const labels = a.labels ?? objectLabelsFor("metrics-exporter");
    const podLabels = a.podLabels ?? { ...labels, "app.kubernetes.io/version": imageVersion(a.image) };
    const child = { parent: this };

    const namespace = hostAgentNamespace(`${name}-namespace`, a.namespace, a.createNamespace, this);
    this.namespace = namespace;

    if (a.serviceAccount) {
      this.serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-serviceaccount`, {
        metadata: { name: a.name, namespace, labels: { ...selectorLabels, ...labels } },
        // Only the proxy needs a token (for its TokenReviews and SubjectAccessReviews).
        automountServiceAccountToken: a.rbacProxy,
      }, child);
    }
    if (a.rbacProxy && this.serviceAccount) {
      const role = new k8s.rbac.v1.ClusterRole(`${name}-rbac-proxy`, {
        metadata: { name: `${a.name}-rbac-proxy`, labels: { ...selectorLabels, ...labels }, annotations: createdByStackAnnotations() },
        rules: [
          { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
          { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
        ],
      }, child);
      new k8s.rbac.v1.ClusterRoleBinding(`${name}-rbac-proxy`, {
        metadata: { name: `${a.name}-rbac-proxy`, labels: { ...selectorLabels, ...labels }, annotations: createdByStackAnnotations() },
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
    args_.push(...a.collectorArgs, ...a.extraArgs);

    const probe = (): Input.Probe => ({
      httpGet: { path: "/", port: a.portName, scheme: "HTTP" },
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    });
    const hostIpEnv = [{ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }];
    const metricsPort = { name: a.portName, containerPort: a.port, ...(a.hostPort ? { hostPort: a.port } : {}) };
    const container: HostContainer = {
      name: a.containerName,
      image: a.image,
      imagePullPolicy: a.imagePullPolicy,
      args: args_,
      ...(!a.rbacProxy && a.listenHost?.includes("$(HOST_IP)") ? { env: hostIpEnv } : {}),
      // Behind the proxy, node-exporter is reachable on loopback only and publishes no port.
      ...(a.rbacProxy ? {} : { ports: [metricsPort] }),
      hostMounts: nodeExporterHostMounts(a.hostRoot, a.hostRootPropagation).map((m) => m.name),
      resources: a.resources,
      ...(a.probes && !a.rbacProxy ? { livenessProbe: probe(), readinessProbe: probe() } : {}),
      ...(a.hardened ? { securityContext: restrictedContainerSecurityContext } : {}),
    };
    // The proxy's port needs a token to pass, so it is probed by TCP.
    const tcpProbe = (): Input.Probe => ({ tcpSocket: { port: a.portName }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 });
    const proxy: HostContainer | undefined = a.rbacProxy
      ? {
          name: "kube-rbac-proxy",
          image: a.rbacProxyImage,
          imagePullPolicy: a.imagePullPolicy,
          args: [
            `--secure-listen-address=[$(HOST_IP)]:${a.port}`,
            `--upstream=http://127.0.0.1:${nodeExporterDefaults.upstreamPort}/`,
            "--allow-paths=/metrics",
            "--tls-min-version=VersionTLS12",
          ],
          env: hostIpEnv,
          ports: [metricsPort],
          resources: nodeExporterDefaults.rbacProxyResources,
          ...(a.probes ? { livenessProbe: tcpProbe(), readinessProbe: tcpProbe() } : {}),
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
      hostMounts: nodeExporterHostMounts(a.hostRoot, a.hostRootPropagation),
      containers: proxy ? [container, proxy] : [container],
      declareHostAccess: a.declareHostAccess,
    }, { ...child, dependsOn: a.dependsOn ?? [] });

    if (a.service) {
      this.service = new k8s.core.v1.Service(`${name}-service`, {
        metadata: { name: a.name, namespace, labels: { ...selectorLabels, ...labels } },
        spec: {
          clusterIP: "None",
          selector: selectorLabels,
          ports: [{ name: a.portName, port: a.port, targetPort: a.portName }],
        },
      }, child);
    }

    if (a.serviceMonitor) {
      this.serviceMonitor = new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: a.name, namespace, labels: { ...selectorLabels, ...labels } },
        spec: {
          selector: { matchLabels: selectorLabels },
          endpoints: [{
            port: a.portName,
            interval: a.scrapeInterval,
            ...(a.rbacProxy
              ? {
                  scheme: "https",
                  bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
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
        metadata: { name: a.name, namespace, labels: { ...selectorLabels, ...labels } },
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
      serviceMonitor: this.serviceMonitor,
    });
  }
}
