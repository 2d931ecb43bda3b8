// Labels the stack's config puts on existing nodes: one server-side-apply patch per node, all under one
// stable field manager, so that removing a node from the config (or `pulumi destroy`) removes exactly the
// labels this program added and leaves everyone else's in place.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { componentTypes, project } from "./project";

export interface NodeLabelsArgs {
  /** node name -> labels this program owns on it. */
  plan: Record<string, Record<string, string>>;
  /** Server-side-apply field manager of every patch. Default: `k8s-daemonsets-node-labels`. */
  fieldManager?: string;
  /**
   * node name -> labels of `plan` that another field manager holds with another value and that the patch takes
   * over (a forced apply). Default: none: a label held by someone else makes the patch fail with a conflict.
   */
  takeOver?: Record<string, string[]>;
}

export const nodeLabelsDefaults = {
  fieldManager: `${project}-node-labels`,
} as const;

/**
 * Annotation each patch puts on its node, naming the field manager that owns the labels: a later run under
 * another manager finds it (stacks/preflight.ts), since a second manager could never remove the first's labels.
 */
export const labelFieldManagerAnnotation = `${project}.io/label-field-manager`;

export class NodeLabels extends pulumi.ComponentResource {
  /** One patch per node, by node name. */
  public readonly patches: Record<string, k8s.core.v1.NodePatch>;

  constructor(name: string, args: NodeLabelsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.nodeLabels, name, {}, opts);
    const fieldManager = args.fieldManager ?? nodeLabelsDefaults.fieldManager;
    this.patches = {};
    for (const [node, labels] of Object.entries(args.plan)) {
      if (Object.keys(labels).length === 0) {
        continue; // nothing to own on this node
      }
      const force = (args.takeOver?.[node] ?? []).length > 0;
      this.patches[node] = new k8s.core.v1.NodePatch(`${name}-${node}`, {
        metadata: {
          name: node,
          labels,
          annotations: {
            "pulumi.com/patchFieldManager": fieldManager,
            ...(force ? { "pulumi.com/patchForce": "true" } : {}),
            [labelFieldManagerAnnotation]: fieldManager,
          },
        },
      }, { parent: this, retainOnDelete: false });
    }
    this.registerOutputs({ nodes: Object.keys(this.patches), patches: this.patches });
  }
}
