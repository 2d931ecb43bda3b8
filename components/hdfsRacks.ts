// Racks from node labels: the NameNodes place replicas across racks (one block's copies never all in one rack), and
// the rack of each DataNode is what its node's labels say (`topology.kubernetes.io/zone` by default, a second label
// optional), keyed by the address the DataNode registers with. The stack reads every node's labels and address
// before the update (stacks/preflight.ts); the map is a ConfigMap of the NameNodes mounted whole (a node mapped
// later reaches running NameNodes; no pod restarts) and read by their topology script (assets/hdfs-topology.sh).
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";
import { labelKey } from "./kubernetesSyntax";
import { setting } from "./settings";

import Input = k8s.types.input.core.v1;

/** A rack name as a path element: what a label value may hold, and not empty. */
const rackName = z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "must be letters, digits, '-', '_' and '.'").describe("rack name");

/** A node as the rack map needs it: its name, InternalIP and labels. */
export interface RackNode {
  name: string;
  address: string;
  labels: Record<string, string>;
}

/** The cluster's rack settings (components/settings.ts). */
export const rackSettings = {
  /**
   * The node labels whose values are a DataNode's rack, outermost first: one (a zone) or two (a zone and a rack in
   * it); empty: no rack awareness (Hadoop's one /default-rack). A node without a label is in `defaultRack` at that
   * level, so every DataNode is at the same depth (Hadoop refuses a DataNode at another).
   */
  rackLabels: setting(z.array(labelKey).max(2, "at most two levels (a zone and a rack)"), { default: ["topology.kubernetes.io/zone"] }),
  /** The rack at a level whose label a node lacks. */
  defaultRack: setting(rackName, { default: "default" }),
  /**
   * Every node of the cluster, with its InternalIP and labels: the rack map's source (the stack reads them from the
   * cluster). Unset: no rack awareness.
   */
  clusterNodes: setting(z.array(z.strictObject({ name: z.string(), address: z.string(), labels: z.record(z.string(), z.string()) })), { programOnly: true }),
};

/** The rack of a node: `/<value of each rack label, or the default rack>`. */
export function rackOf(labels: Record<string, string>, rackLabels: string[], defaultRack: string): string {
  return rackLabels.map((l) => `/${rackName.safeParse(labels[l]).success ? labels[l] : defaultRack}`).join("");
}

/** The rack map, address -> rack, of every node with an address; empty without rack labels. */
export function rackMap(nodes: RackNode[], rackLabels: string[], defaultRack: string): Record<string, string> {
  if (rackLabels.length === 0) return {};
  return Object.fromEntries(nodes.filter((n) => n.address !== "").map((n) => [n.address, rackOf(n.labels, rackLabels, defaultRack)]));
}

/** The rack an address the map lacks resolves to: one level off every mapped rack's depth (see the script). */
export function unresolvedRack(depth: number): string {
  return depth === 1 ? "/unresolved/unresolved" : "/unresolved";
}

/** The map file's content: `address rack` lines, sorted. */
export function rackMapContent(map: Record<string, string>): string {
  return Object.entries(map).sort(([a], [b]) => a.localeCompare(b)).map(([a, r]) => `${a} ${r}\n`).join("");
}

/** Where the NameNodes read the map: its ConfigMap mounted whole. */
export const rackMapMount = { volume: "topology", dir: "/etc/hdfs-topology", key: "racks" } as const;

const topologyScript = { name: "hdfs-topology.sh", text: fs.readFileSync(path.join(__dirname, "assets", "hdfs-topology.sh"), "utf8") };

/** The NameNode's files for rack awareness (its topology script). */
export const rackFiles: Record<string, string> = { [topologyScript.name]: topologyScript.text };

/** The topology script's path in the NameNode's containers, its scripts at `scriptsDir`. */
export function topologyScriptPath(scriptsDir: string): string {
  return `${scriptsDir}/${topologyScript.name}`;
}

/** The NameNode pod's volume and the namenode container's mount and environment for the map. */
export function rackMapVolume(configMapName: string, depth: number): { volume: Input.Volume; mount: Input.VolumeMount; env: Input.EnvVar[] } {
  return {
    volume: { name: rackMapMount.volume, configMap: { name: configMapName, defaultMode: 0o444 } },
    mount: { name: rackMapMount.volume, mountPath: rackMapMount.dir, readOnly: true },
    env: [
      { name: "RACK_MAP", value: `${rackMapMount.dir}/${rackMapMount.key}` },
      { name: "UNRESOLVED_RACK", value: unresolvedRack(depth) },
    ],
  };
}
