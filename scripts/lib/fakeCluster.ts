// A cluster for the program under mocks (the unit tier, scripts/lib/mocks.ts): the objects a test puts in it, read the way stacks/cluster.ts reads a real one.
import type { ClusterObjectRef } from "../../components/labels";
import type { ClusterObject, ClusterReader } from "../../stacks/preflight";

export type FakeObject = ClusterObjectRef & Partial<ClusterObject>;

export interface FakeCluster extends ClusterReader {
  /** Every read, in order. */
  reads: ClusterObjectRef[];
}

/** A cluster holding `objects` and a Node for each of `nodes` (no labels, no managed fields). */
export function fakeCluster(nodes: string[], objects: FakeObject[] = []): FakeCluster {
  const all: FakeObject[] = [...nodes.map((name) => ({ apiVersion: "v1", kind: "Node", name })), ...objects];
  const reads: ClusterObjectRef[] = [];
  return {
    description: "https://fake.cluster",
    reads,
    async read(ref) {
      reads.push(ref);
      const hit = all.find((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.name === ref.name);
      return hit ? { metadata: { name: hit.name, ...hit.metadata } } : undefined;
    },
  };
}
