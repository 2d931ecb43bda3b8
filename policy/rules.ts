// The policy logic, as plain functions: a resource (its Pulumi type, name and input properties) in, violation
// messages out. No engine, no @pulumi/policy, no Kubernetes SDK: index.ts wraps these into CrossGuard policies
// (policies.ts), and the unit tests call them on plain objects.
//
// During `pulumi preview`, @pulumi/policy hands in the props behind a proxy that throws on values not known yet;
// the CrossGuard server turns that into an advisory "can't run during preview" and the policy runs again with
// known values during `pulumi up`. The rules therefore read only the fields they check.

import { policyAnnotations } from "../components/project";

/** What a rule looks at: a subset of @pulumi/policy's ResourceValidationArgs. */
export interface ResourceUnderTest {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:DaemonSet`. */
  type: string;
  /** Pulumi resource name (used in messages when the object has no metadata.name). */
  name?: string;
  /** The resource's input properties: the Kubernetes object. */
  props: any;
}

export type Rule = (resource: ResourceUnderTest) => string[];

/** Annotations (on the workload object's metadata) that declare what a workload is allowed: the components'. */
export const annotations = policyAnnotations;

export const hostAccessKinds = ["network", "pid", "ipc", "hostPath"] as const;
export type HostAccessKind = (typeof hostAccessKinds)[number];

export const daemonSetType = "kubernetes:apps/v1:DaemonSet";

/** Where each workload type keeps its pod spec (and so its containers). */
export const podSpecPaths: Record<string, string[]> = {
  [daemonSetType]: ["spec", "template", "spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:core/v1:Pod": ["spec"],
};

/** The workload types the policies apply to. */
export const workloadTypes = Object.keys(podSpecPaths);

/** A container of a workload, with where it is in the object. */
interface ContainerAt {
  /** `container "x"` or `init container "x"`. */
  label: string;
  /** e.g. `spec.template.spec.initContainers[0]`. */
  path: string;
  container: any;
}

interface Workload {
  type: string;
  /** `DaemonSet monitoring/node-exporter`. */
  label: string;
  /** The workload object's annotations. */
  annotations: Record<string, string>;
  podSpec: any;
  /** e.g. `spec.template.spec`. */
  podSpecPath: string;
}

/** Reads a value the rules only use for messages; unknown during preview -> fallback. */
function readable<T>(read: () => T, fallback: T): T {
  try {
    return read() ?? fallback;
  } catch {
    return fallback;
  }
}

function workloadOf(resource: ResourceUnderTest): Workload | undefined {
  const path = podSpecPaths[resource.type];
  if (!path) {
    return undefined;
  }
  const props = resource.props ?? {};
  const kind = resource.type.split(":").pop() as string;
  const name = readable(() => props.metadata?.name as string | undefined, undefined) ?? resource.name ?? "(unnamed)";
  const namespace = readable(() => props.metadata?.namespace as string | undefined, undefined);
  let podSpec: any = props;
  for (const key of path) {
    podSpec = podSpec?.[key];
  }
  return {
    type: resource.type,
    label: `${kind} ${namespace ? `${namespace}/` : ""}${name}`,
    annotations: props.metadata?.annotations ?? {},
    podSpec: podSpec ?? {},
    podSpecPath: path.join("."),
  };
}

function containersOf(w: Workload): ContainerAt[] {
  const list = (key: "containers" | "initContainers", what: string): ContainerAt[] =>
    (Array.isArray(w.podSpec[key]) ? (w.podSpec[key] as any[]) : []).map((container, i) => ({
      label: `${what} "${container?.name ?? i}"`,
      path: `${w.podSpecPath}.${key}[${i}]`,
      container: container ?? {},
    }));
  return [...list("initContainers", "init container"), ...list("containers", "container")];
}

/** A comma-separated annotation as a list (trimmed, empty entries dropped). */
export function annotationList(w: { annotations: Record<string, string> }, key: string): string[] {
  const value = w.annotations[key];
  return typeof value === "string" ? value.split(",").map((s) => s.trim()).filter((s) => s !== "") : [];
}

/** A rule over every workload type: non-workloads have no violations. */
function forWorkloads(check: (w: Workload) => string[]): Rule {
  return (resource) => {
    const w = workloadOf(resource);
    return w ? check(w) : [];
  };
}

/** A rule over DaemonSets only. */
function forDaemonSets(check: (w: Workload, props: any) => string[]): Rule {
  return (resource) => {
    const w = resource.type === daemonSetType ? workloadOf(resource) : undefined;
    return w ? check(w, resource.props ?? {}) : [];
  };
}

// 1. ----------------------------------------------------------------------------------------------------------

/** No privileged container; allowPrivilegeEscalation explicitly false in every container and init container. */
export const noPrivilegeRule: Rule = forWorkloads((w) =>
  containersOf(w).flatMap((c) => {
    const sc = c.container.securityContext ?? {};
    const problems: string[] = [];
    if (sc.privileged === true) {
      problems.push(`${w.label}: ${c.label}: ${c.path}.securityContext.privileged is true; privileged containers are not allowed`);
    }
    if (sc.allowPrivilegeEscalation !== false) {
      const is = sc.allowPrivilegeEscalation === undefined ? "is not set" : `is ${JSON.stringify(sc.allowPrivilegeEscalation)}`;
      problems.push(`${w.label}: ${c.label}: ${c.path}.securityContext.allowPrivilegeEscalation ${is}; it must be false`);
    }
    return problems;
  }),
);

// 2. ----------------------------------------------------------------------------------------------------------

const hostNamespaceFields: [string, HostAccessKind][] = [
  ["hostNetwork", "network"],
  ["hostPID", "pid"],
  ["hostIPC", "ipc"],
];

/** Host namespaces and hostPath volumes only where the workload declares them (annotation host-access). */
export const hostAccessRule: Rule = forWorkloads((w) => {
  const declared = annotationList(w, annotations.hostAccess);
  const problems: string[] = declared
    .filter((d) => !(hostAccessKinds as readonly string[]).includes(d))
    .map((d) => `${w.label}: metadata.annotations["${annotations.hostAccess}"] has unknown entry "${d}" (allowed: ${hostAccessKinds.join(", ")})`);
  const undeclared = (kind: HostAccessKind) =>
    `annotation ${annotations.hostAccess} does not declare "${kind}" (it is "${w.annotations[annotations.hostAccess] ?? ""}")`;
  for (const [field, kind] of hostNamespaceFields) {
    if (w.podSpec[field] === true && !declared.includes(kind)) {
      problems.push(`${w.label}: ${w.podSpecPath}.${field} is true but ${undeclared(kind)}`);
    }
  }
  if (!declared.includes("hostPath")) {
    const volumes: any[] = Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes : [];
    volumes.forEach((v, i) => {
      if (v?.hostPath) {
        problems.push(
          `${w.label}: volume "${v.name}" (${w.podSpecPath}.volumes[${i}].hostPath, path ${v.hostPath.path}) is a hostPath but ${undeclared("hostPath")}`,
        );
      }
    });
  }
  return problems;
});

// 3. ----------------------------------------------------------------------------------------------------------

/** A hostPath volume mounted without readOnly: true only if the workload declares it a data directory. */
export const writableHostPathRule: Rule = forWorkloads((w) => {
  const volumes: any[] = Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes : [];
  const hostPaths = new Map<string, string>(volumes.filter((v) => v?.hostPath).map((v) => [v.name, v.hostPath.path]));
  const dataDirectories = annotationList(w, annotations.dataDirectories);
  return containersOf(w).flatMap((c) => {
    const mounts: any[] = Array.isArray(c.container.volumeMounts) ? c.container.volumeMounts : [];
    return mounts.flatMap((m, i) =>
      hostPaths.has(m?.name) && m.readOnly !== true && !dataDirectories.includes(m.name)
        ? [`${w.label}: ${c.label}: ${c.path}.volumeMounts[${i}] mounts hostPath volume "${m.name}" (${hostPaths.get(m.name)}) writable (readOnly is ${m.readOnly === undefined ? "not set" : JSON.stringify(m.readOnly)}); set readOnly: true, or declare it in annotation ${annotations.dataDirectories}`]
        : [],
    );
  });
});

// 4. ----------------------------------------------------------------------------------------------------------

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && String(v).trim() !== "";
}

/** Every container and init container has a memory request and a memory limit. */
export const memoryRule: Rule = forWorkloads((w) =>
  containersOf(w).flatMap((c) => {
    const r = c.container.resources ?? {};
    return [
      ...(isSet(r.requests?.memory) ? [] : [`${w.label}: ${c.label}: ${c.path}.resources.requests.memory is not set`]),
      ...(isSet(r.limits?.memory) ? [] : [`${w.label}: ${c.label}: ${c.path}.resources.limits.memory is not set`]),
    ];
  }),
);

// 5. ----------------------------------------------------------------------------------------------------------

const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** Why an image reference is not pinned, or undefined if it is (a tag other than `latest`, or a digest). */
export function unpinnedImage(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") {
    return "has no image";
  }
  const at = image.indexOf("@");
  if (at >= 0) {
    const digest = image.slice(at + 1);
    return digestPattern.test(digest) ? undefined : `"${image}" has a malformed digest "${digest}"`;
  }
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  const tag = colon > lastSlash ? image.slice(colon + 1) : undefined; // a colon before the last slash is a registry port
  if (tag === undefined || tag === "") {
    return `"${image}" has no tag (that means latest)`;
  }
  if (tag === "latest") {
    return `"${image}" uses the tag latest`;
  }
  return undefined;
}

/** Images pinned by a tag that is not `latest`, or by a digest. */
export const pinnedImageRule: Rule = forWorkloads((w) =>
  containersOf(w).flatMap((c) => {
    const why = unpinnedImage(c.container.image);
    return why ? [`${w.label}: ${c.label}: ${c.path}.image ${why}; pin a version tag or a digest`] : [];
  }),
);

// 6. ----------------------------------------------------------------------------------------------------------

/** `version`, `app.kubernetes.io/version`, or any `<prefix>/version`. */
export function isVersionLabel(key: string): boolean {
  return key === "version" || key.endsWith("/version");
}

/** A DaemonSet's selector (immutable) carries no version label. */
export const selectorVersionRule: Rule = forDaemonSets((w, props) => {
  const selector = props.spec?.selector ?? {};
  const matchLabels: Record<string, unknown> = selector.matchLabels ?? {};
  const expressions: any[] = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  const why = "a DaemonSet's selector is immutable, so a version in it forces a replacement on every upgrade; put it on the pod template's labels only";
  return [
    ...Object.keys(matchLabels)
      .filter(isVersionLabel)
      .map((key) => `${w.label}: spec.selector.matchLabels has version label "${key}"; ${why}`),
    ...expressions
      .map((e, i) => [e?.key, i] as [string, number])
      .filter(([key]) => typeof key === "string" && isVersionLabel(key))
      .map(([key, i]) => `${w.label}: spec.selector.matchExpressions[${i}] selects on version label "${key}"; ${why}`),
  ];
});

// 7. ----------------------------------------------------------------------------------------------------------

/** A DaemonSet uses updateStrategy OnDelete only with annotation allow-on-delete: "true". */
export const onDeleteRule: Rule = forDaemonSets((w, props) =>
  props.spec?.updateStrategy?.type === "OnDelete" && w.annotations[annotations.allowOnDelete] !== "true"
    ? [`${w.label}: spec.updateStrategy.type is OnDelete, so changes never roll out until pods are deleted by hand; use RollingUpdate, or opt in with annotation ${annotations.allowOnDelete}: "true"`]
    : [],
);

// 8. ----------------------------------------------------------------------------------------------------------

/** A DaemonSet on the host network or host PID namespace (a node-level agent) has a priorityClassName. */
export const nodeAgentPriorityRule: Rule = forDaemonSets((w) => {
  const agentFields = ["hostNetwork", "hostPID"].filter((f) => w.podSpec[f] === true);
  return agentFields.length > 0 && !isSet(w.podSpec.priorityClassName)
    ? [`${w.label}: ${w.podSpecPath}.priorityClassName is not set, but ${agentFields.map((f) => `${f} is true`).join(" and ")} (a node-level agent); without a priority class it is neither scheduled ahead of ordinary pods nor protected from eviction`]
    : [];
});

// 9. ----------------------------------------------------------------------------------------------------------

/** Capability names compared without case and without the `CAP_` prefix. */
export function normalizeCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, "");
}

/** Containers add only capabilities the workload declares (annotation capabilities). */
export const capabilitiesRule: Rule = forWorkloads((w) => {
  const declared = new Set(annotationList(w, annotations.capabilities).map(normalizeCapability));
  return containersOf(w).flatMap((c) => {
    const added: unknown[] = c.container.securityContext?.capabilities?.add ?? [];
    return (Array.isArray(added) ? added : [])
      .map((cap, i) => [String(cap), i] as [string, number])
      .filter(([cap]) => !declared.has(normalizeCapability(cap)))
      .map(([cap, i]) =>
        `${w.label}: ${c.label}: ${c.path}.securityContext.capabilities.add[${i}] is "${cap}", which annotation ${annotations.capabilities} does not declare (it is "${w.annotations[annotations.capabilities] ?? ""}")`,
      );
  });
});
