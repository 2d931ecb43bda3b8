// Kubernetes' recommended labels, shared by every object this project creates.

export const partOf = "k8s-daemonsets";

/** Labels that select a workload's pods: stable for the workload's lifetime (no version). */
export function selectorLabelsFor(appName: string, instance: string): Record<string, string> {
  return { "app.kubernetes.io/name": appName, "app.kubernetes.io/instance": instance };
}

/** Labels every object of a workload carries besides its selector labels. */
export function objectLabelsFor(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": partOf,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The tag of an image reference (`repo:tag` or `repo:tag@digest`), or the digest's first 12 hex digits. */
export function imageVersion(image: string): string {
  const [nameAndTag, digest] = image.split("@");
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    return nameAndTag.slice(colon + 1);
  }
  return digest ? digest.replace(/^sha256:/, "").slice(0, 12) : "unknown";
}
