// Kubernetes' recommended labels, shared by every object this project creates, and the annotation that says
// which stack created an object that could also exist without it (a namespace, a cluster-scoped object).
import * as pulumi from "@pulumi/pulumi";
import { project } from "./project";

export const partOf = project;

/** Annotation naming the stack (`<project>/<stack>`) that created the object. */
export const createdByStackAnnotation = `${project}.io/created-by-stack`;

/** The running stack, as `createdByStackAnnotation` records it. */
export function stackIdentity(): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** Annotations of an object whose name another party could already have taken (see stacks/preflight.ts). */
export function createdByStackAnnotations(): Record<string, string> {
  return { [createdByStackAnnotation]: stackIdentity() };
}

/** A namespace or cluster-scoped object a component creates, as the cluster names it. */
export interface ClusterObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** A namespaced object's namespace (unset: a cluster-scoped object). */
  namespace?: string;
}

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

/** Whether `labels` carry every label of `selector` (a node selector's match). */
export function matchesSelector(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
