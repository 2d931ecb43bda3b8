// A Kubernetes API for the program under mocks (the unit tier, test/support/mocks.ts): the objects a test puts in it, read the way stacks/kubernetesApi.ts reads a real one.
import type { ClusterObjectRef } from "../../components/labels";
import type { ClusterObject, ApiReader } from "../../stacks/preflight";

export type FakeObject = ClusterObjectRef & Partial<ClusterObject>;

export interface FakeApi extends ApiReader {
  /** Every read, in order. */
  reads: ClusterObjectRef[];
}

/** The InternalIP a fake Node reports: 10.0.0.<n + 1> for the n-th of `nodes`. */
export const fakeNodeAddress = (index: number) => `10.0.0.${index + 1}`;

/**
 * A cluster holding `objects` and a Node for each of `nodes` (no labels, no managed fields); every Node
 * without a status reports an InternalIP (`fakeNodeAddress`, by its position).
 */
export function fakeApi(nodes: string[], objects: FakeObject[] = []): FakeApi {
  const given: FakeObject[] = [...nodes.map((name) => ({ apiVersion: "v1", kind: "Node", name })), ...objects];
  const all = given.map((o, i): FakeObject =>
    o.kind === "Node" && !o.status ? { ...o, status: { addresses: [{ type: "InternalIP", address: fakeNodeAddress(i) }] } } : o);
  const reads: ClusterObjectRef[] = [];
  return {
    description: "https://fake.cluster",
    reads,
    async read(ref) {
      reads.push(ref);
      const hit = all.find((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.name === ref.name && o.namespace === ref.namespace);
      return hit ? { metadata: { name: hit.name, ...hit.metadata }, ...(hit.status ? { status: hit.status } : {}), ...(hit.data ? { data: hit.data } : {}), ...(hit.spec ? { spec: hit.spec } : {}) } : undefined;
    },
    async listNodes(selector) {
      return all
        .filter((o) => o.kind === "Node" && Object.entries(selector).every(([k, v]) => o.metadata?.labels?.[k] === v))
        .map((o) => ({ metadata: { name: o.name, ...o.metadata }, ...(o.status ? { status: o.status } : {}) }));
    },
  };
}
