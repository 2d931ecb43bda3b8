// The shared building block for host-level DaemonSets: one way to declare host mounts, host namespaces,
// priority, placement, update strategy and security context, so that every per-node workload in this
// project is described by the same vocabulary and rendered by the same code.
import * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import * as pulumi from "@pulumi/pulumi";
import { createdByStackAnnotations, partOf } from "./labels";
import { policyAnnotations } from "./project";

import Input = k8s.types.input.core.v1;

/** A directory or file of the host passed through to the pod. Read-only unless it is a data directory. */
export interface HostMount {
  /** Volume name inside the pod. */
  name: string;
  /** Path on the host. */
  hostPath: string;
  /** Path inside the container. */
  mountPath: string;
  /**
   * A data directory is the only kind of host mount that may be written to; every other mount is
   * read-only. Default: false.
   */
  dataDirectory?: boolean;
  /** hostPath `type` (e.g. `DirectoryOrCreate` for data directories). Default: unset (no check). */
  type?: string;
  /** `mountPropagation` of the mount, e.g. `HostToContainer` for the host's root. Default: unset (None). */
  mountPropagation?: string;
}

/** Where a DaemonSet may run: the cdk8s-plus "attract / tolerate" vocabulary, as plain data. */
export interface Placement {
  /** Only nodes carrying all of these labels are attracted. Default: every node. */
  nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. Default: none. */
  tolerations?: Input.Toleration[];
  /** Extra affinity rules (e.g. anti-affinity against virtual nodes); null for none. Default: none. */
  affinity?: Input.Affinity | null;
}

/** Tolerates every taint: a per-node agent must also run on control-plane and otherwise tainted nodes. */
export const tolerateEverything: { operator: "Exists" }[] = [{ operator: "Exists" }];

/** How a DaemonSet replaces its pods when the template changes. */
export interface UpdateStrategy {
  /** `RollingUpdate` (default) or `OnDelete`. With OnDelete, `pulumi up` waits until old pods are deleted by hand. */
  type: "RollingUpdate" | "OnDelete";
  /** RollingUpdate only: how many nodes may be without a ready pod at once (number or percentage). */
  maxUnavailable?: pulumi.Input<number | string>;
}

/** The secure defaults of every container (kube-prometheus, cdk8s-plus). */
export const restrictedContainerSecurityContext: Input.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** A pod security context that runs every container as the given non-root user. */
export function nonRootPodSecurityContext(uid: number): Input.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function hostPathVolume(mount: HostMount): Input.Volume {
  return {
    name: mount.name,
    hostPath: mount.type ? { path: mount.hostPath, type: mount.type } : { path: mount.hostPath },
  };
}

export function hostPathVolumeMount(mount: HostMount): Input.VolumeMount {
  return {
    name: mount.name,
    mountPath: mount.mountPath,
    readOnly: !mount.dataDirectory,
    ...(mount.mountPropagation ? { mountPropagation: mount.mountPropagation } : {}),
  };
}

/**
 * Settings every host-DaemonSet component takes, besides its own. What the DaemonSet waits for (e.g. node
 * labels) is the component's `dependsOn` resource option: the component passes it on to its DaemonSet.
 */
export interface HostWorkloadArgs {
  /** How long `pulumi up` waits for the DaemonSet's rollout before failing. Default: the provider's 600 s. */
  rolloutTimeoutSeconds?: number;
}

/** A container of a host DaemonSet: a kx container plus the host mounts (by name) it sees. */
export type HostContainer = kx.types.Container & {
  /** Names of the DaemonSet's `hostMounts` this container mounts. */
  hostMounts?: string[];
};

export interface HostDaemonSetSpec {
  /** Object name of the DaemonSet. */
  name: string;
  namespace: pulumi.Input<string>;
  /** Labels that select the pods. Immutable once created: never put a version in here. */
  selectorLabels: Record<string, string>;
  /** Labels of the DaemonSet object itself (the selector labels are added). */
  labels: Record<string, string>;
  /** Labels of the pod template only (the selector labels are added): the place for a version label. */
  podLabels: Record<string, string>;
  podAnnotations?: Record<string, string>;
  /** Share the host's network namespace. */
  hostNetwork: boolean;
  /** Share the host's PID namespace. */
  hostPID: boolean;
  /** DNS policy; null leaves it unset. Default: ClusterFirstWithHostNet with hostNetwork, else unset. */
  dnsPolicy?: string | null;
  /** Entries the kubelet adds to the pods' /etc/hosts (host network pods too). Default: none. */
  hostAliases?: Input.HostAlias[];
  priorityClassName?: pulumi.Input<string>;
  placement: Placement;
  updateStrategy: UpdateStrategy;
  /** Service account; unset uses the namespace's default. */
  serviceAccountName?: pulumi.Input<string>;
  /** Mount an API token into the pods. Unset leaves the Kubernetes default. */
  automountServiceAccountToken?: boolean;
  podSecurityContext?: Input.PodSecurityContext;
  terminationGracePeriodSeconds?: number;
  hostMounts: HostMount[];
  /** Volumes that are not host paths (ConfigMaps, emptyDirs). */
  volumes?: Input.Volume[];
  containers: HostContainer[];
  initContainers?: HostContainer[];
  /** How long `pulumi up` waits for the rollout (`pulumi.com/timeoutSeconds`). Default: unset (the provider's 600 s). */
  rolloutTimeoutSeconds?: number;
}

function resolveContainer(container: HostContainer, mounts: Map<string, HostMount>): kx.types.Container {
  const { hostMounts = [], volumeMounts = [], ...rest } = container;
  const resolved = hostMounts.map((name) => {
    const mount = mounts.get(name);
    if (!mount) {
      throw new Error(`container ${String(container.name)} mounts unknown host mount "${name}"`);
    }
    return hostPathVolumeMount(mount);
  });
  const all = pulumi.output(volumeMounts).apply((extra) => [...resolved, ...(extra as Input.VolumeMount[])]);
  return resolved.length > 0 ? { ...rest, volumeMounts: all } : { ...rest, volumeMounts };
}

/** Renders the DaemonSet spec (pod spec through kx's PodBuilder). Plain data in, plain data out. */
export function hostDaemonSetSpec(spec: HostDaemonSetSpec): pulumi.Output<k8s.types.input.apps.v1.DaemonSetSpec> {
  const mounts = new Map(spec.hostMounts.map((m) => [m.name, m]));
  if (mounts.size !== spec.hostMounts.length) {
    throw new Error(`DaemonSet ${spec.name}: host mount names must be unique`);
  }
  const dnsPolicy = spec.dnsPolicy === undefined ? (spec.hostNetwork ? "ClusterFirstWithHostNet" : null) : spec.dnsPolicy;
  const { nodeSelector, tolerations, affinity } = spec.placement;
  const podSpec: kx.types.PodSpec = {
    hostNetwork: spec.hostNetwork,
    hostPID: spec.hostPID,
    ...(dnsPolicy ? { dnsPolicy } : {}),
    ...(spec.hostAliases && spec.hostAliases.length > 0 ? { hostAliases: spec.hostAliases } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
    ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
    ...(spec.automountServiceAccountToken !== undefined
      ? { automountServiceAccountToken: spec.automountServiceAccountToken }
      : {}),
    ...(spec.podSecurityContext ? { securityContext: spec.podSecurityContext } : {}),
    ...(spec.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }
      : {}),
    ...(nodeSelector && Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
    ...(tolerations && tolerations.length > 0 ? { tolerations } : {}),
    ...(affinity ? { affinity } : {}),
    containers: spec.containers.map((c) => resolveContainer(c, mounts)),
    ...(spec.initContainers && spec.initContainers.length > 0
      ? { initContainers: spec.initContainers.map((c) => resolveContainer(c, mounts)) }
      : {}),
    volumes: [...spec.hostMounts.map(hostPathVolume), ...(spec.volumes ?? [])],
  };
  const builder = new kx.PodBuilder(podSpec);
  const updateStrategy =
    spec.updateStrategy.type === "RollingUpdate" && spec.updateStrategy.maxUnavailable !== undefined
      ? { type: "RollingUpdate", rollingUpdate: { maxUnavailable: spec.updateStrategy.maxUnavailable } }
      : { type: spec.updateStrategy.type };
  return builder.podSpec.apply((built) => ({
    selector: { matchLabels: spec.selectorLabels },
    updateStrategy,
    template: {
      metadata: {
        labels: { ...spec.selectorLabels, ...spec.podLabels },
        ...(spec.podAnnotations && Object.keys(spec.podAnnotations).length > 0
          ? { annotations: spec.podAnnotations }
          : {}),
      },
      spec: withoutEmptyLists(built),
    },
  }));
}

/**
 * kx's PodBuilder always writes `initContainers`, `env`, `ports` and `volumeMounts`, empty or not; the API
 * server drops empty lists, so they are dropped here too and the rendered object is what the cluster stores.
 */
function withoutEmptyLists(podSpec: Input.PodSpec): Input.PodSpec {
  const prune = <T extends object>(o: T): T =>
    Object.fromEntries(
      Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
    ) as T;
  const spec = prune(podSpec) as Input.PodSpec & Record<string, unknown>;
  for (const key of ["containers", "initContainers"] as const) {
    const list = spec[key];
    if (Array.isArray(list)) {
      spec[key] = list.map((c) => prune(c as object)) as never;
    }
  }
  return spec;
}

/**
 * What a spec declares, as the annotations the policy pack (`policy/`) checks: the host access it takes
 * (host namespaces, host paths), its writable host mounts (data directories), the capabilities its containers
 * add, and an OnDelete update strategy chosen on purpose. Derived from the typed spec, so a raw volume,
 * mount or capability added beside it is still caught.
 */
export function hostAccessAnnotations(
  spec: Pick<HostDaemonSetSpec, "hostNetwork" | "hostPID" | "hostMounts" | "containers" | "initContainers" | "updateStrategy">,
): Record<string, string> {
  const access = [
    ...(spec.hostNetwork ? ["network"] : []),
    ...(spec.hostPID ? ["pid"] : []),
    ...(spec.hostMounts.length > 0 ? ["hostPath"] : []),
  ];
  const dataDirectories = spec.hostMounts.filter((m) => m.dataDirectory).map((m) => m.name);
  const capabilities = [
    ...new Set(
      [...spec.containers, ...(spec.initContainers ?? [])].flatMap(
        (c) => (c.securityContext as { capabilities?: { add?: string[] } } | undefined)?.capabilities?.add ?? [],
      ),
    ),
  ].sort();
  return {
    ...(access.length > 0 ? { [policyAnnotations.hostAccess]: access.join(",") } : {}),
    ...(dataDirectories.length > 0 ? { [policyAnnotations.dataDirectories]: dataDirectories.join(",") } : {}),
    ...(capabilities.length > 0 ? { [policyAnnotations.capabilities]: capabilities.join(",") } : {}),
    ...(spec.updateStrategy.type === "OnDelete" ? { [policyAnnotations.allowOnDelete]: "true" } : {}),
  };
}

/** Creates the DaemonSet of a host-level workload. */
export function hostDaemonSet(
  spec: HostDaemonSetSpec,
  opts: pulumi.CustomResourceOptions,
  extraAnnotations?: Record<string, string>,
): k8s.apps.v1.DaemonSet {
  const annotations = {
    // The host access this spec takes, declared to the policy pack (policy/): always, derived from the spec.
    ...hostAccessAnnotations(spec),
    ...(spec.rolloutTimeoutSeconds !== undefined ? { "pulumi.com/timeoutSeconds": String(spec.rolloutTimeoutSeconds) } : {}),
    ...extraAnnotations,
  };
  return new k8s.apps.v1.DaemonSet(
    spec.name,
    {
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        labels: { ...spec.selectorLabels, ...spec.labels },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: hostDaemonSetSpec(spec),
    },
    opts,
  );
}

/**
 * Pod Security admission for a namespace of host agents: they need host namespaces and host paths, which
 * only the `privileged` level admits; warn and audit report against `baseline` so anything else is visible.
 */
export const podSecurityForHostAgents: Record<string, string> = {
  "pod-security.kubernetes.io/enforce": "privileged",
  "pod-security.kubernetes.io/warn": "baseline",
  "pod-security.kubernetes.io/audit": "baseline",
};

/** The namespace a component's objects go to: created (with Pod Security labels) or taken as it is. */
export function hostAgentNamespace(
  resourceName: string,
  namespace: string,
  create: boolean,
  parent: pulumi.Resource,
  aliases?: pulumi.Input<pulumi.Alias>[],
): pulumi.Output<string> {
  if (!create) {
    return pulumi.output(namespace);
  }
  return new k8s.core.v1.Namespace(resourceName, {
    metadata: {
      name: namespace,
      labels: { "app.kubernetes.io/part-of": partOf, ...podSecurityForHostAgents },
      annotations: createdByStackAnnotations(),
    },
  }, { parent, ...(aliases ? { aliases } : {}) }).metadata.name;
}

/**
 * A component's `dependsOn` option (one resource, a list, or an Output or Promise of either) followed by more
 * resources, as the list a child's `dependsOn` takes. An Output or Promise stays one entry: the SDK resolves
 * nested ones.
 */
export function dependsOnWith(
  dependsOn: pulumi.ResourceOptions["dependsOn"],
  ...more: (pulumi.Resource | undefined)[]
): pulumi.Input<pulumi.Resource>[] {
  const given = dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
  return [...given, ...more.filter((r): r is pulumi.Resource => r !== undefined)];
}

/** Drops keys whose value is undefined, so that spreading args over defaults keeps the defaults. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
