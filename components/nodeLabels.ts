// Labels the stack's config puts on existing nodes: one server-side-apply patch per node, all under one
// stable field manager, so that removing a node from the config (or `pulumi destroy`) removes exactly the
// labels this program added and leaves everyone else's in place.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface NodeLabelsArgs {
  /** node name -> labels this program owns on it. */
  plan: Record<string, Record<string, string>>;
  /** Server-side-apply field manager of every patch. Default: `k8s-daemonsets-node-labels`. */
  fieldManager?: string;
}

export const nodeLabelsDefaults = {
  fieldManager: "k8s-daemonsets-node-labels",
} as const;

export class NodeLabels extends pulumi.ComponentResource {
  /** One patch per node, by node name. */
  public readonly patches: Record<string, k8s.core.v1.NodePatch>;

  constructor(name: string, args: NodeLabelsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-daemonsets:index:NodeLabels", name, {}, opts);
    const fieldManager = args.fieldManager ?? nodeLabelsDefaults.fieldManager;
    this.patches = {};
    for (const [node, labels] of Object.entries(args.plan)) {
      if (Object.keys(labels).length === 0) {
        continue; // nothing to own on this node
      }
      this.patches[node] = new k8s.core.v1.NodePatch(`${name}-${node}`, {
        metadata: {
          name: node,
          labels,
          annotations: { "pulumi.com/patchFieldManager": fieldManager },
        },
      }, { parent: this, retainOnDelete: false });
    }
    this.registerOutputs({ nodes: Object.keys(this.patches) });
  }
}
