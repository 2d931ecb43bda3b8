// The unit tier's Pulumi mocks: the program under mocks (scripts/lib/mocks.ts, which the scripts use too) and the
// tests' ways of looking at what it registered.
import type { RegisteredResource } from "../../scripts/lib/mocks";

export * from "../../scripts/lib/mocks";

/** The Kubernetes objects among the registered resources, as `kubectl get -o yaml` would show their spec. */
export function kubernetesObjects(registered: RegisteredResource[]): any[] {
  return registered.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
}

export function find(registered: RegisteredResource[], type: string, name?: string): RegisteredResource {
  const hits = registered.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (hits.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${hits.length}`);
  }
  return hits[0];
}
