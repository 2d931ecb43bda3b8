// Racks from node labels (components/hdfsRacks.ts): the map the NameNodes read, its topology script run for real with
// bash, and the cluster and NameNode that carry them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { HdfsCluster, HdfsClusterArgs } from "../../../components/hdfsCluster";
import { RackNode, rackMap, rackMapContent, rackOf, unresolvedRack } from "../../../components/hdfsRacks";
import { find, RegisteredResource, settled, useMocks } from "../../support/mocks";
import { tempDir } from "../../support/tempDirs";

const zone = "topology.kubernetes.io/zone";
const script = path.join(__dirname, "..", "..", "..", "components", "assets", "hdfs-topology.sh");

function topology(map: string, args: string[], env: Record<string, string> = {}): string[] {
  const file = path.join(tempDir("racks-"), "racks");
  fs.writeFileSync(file, map);
  const r = spawnSync("bash", [script, ...args], { env: { PATH: "/usr/bin:/bin", RACK_MAP: file, ...env }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter((l) => l !== "");
}

describe("HDFS racks", () => {
  it("a node's rack is its labels' values, outermost first; a missing or unusable value is the default rack, so every rack has the same depth", () => {
    assert.equal(rackOf({ [zone]: "zone-a" }, [zone], "default"), "/zone-a");
    assert.equal(rackOf({ [zone]: "zone-a", rack: "r1" }, [zone, "rack"], "default"), "/zone-a/r1");
    assert.equal(rackOf({ rack: "r1" }, [zone, "rack"], "default"), "/default/r1");
    assert.equal(rackOf({ [zone]: "" }, [zone], "none"), "/none");
    const nodes: RackNode[] = [
      { name: "node-2", address: "10.0.0.2", labels: { [zone]: "zone-a" } },
      { name: "node-3", address: "10.0.0.3", labels: {} },
      { name: "node-4", address: "", labels: { [zone]: "zone-b" } },
    ];
    assert.deepEqual(rackMap(nodes, [zone], "default"), { "10.0.0.2": "/zone-a", "10.0.0.3": "/default" });
    assert.deepEqual(rackMap(nodes, [], "default"), {}, "no rack labels: no map");
    assert.equal(rackMapContent({ "10.0.0.3": "/default", "10.0.0.2": "/zone-a" }), "10.0.0.2 /zone-a\n10.0.0.3 /default\n");
    assert.deepEqual([unresolvedRack(1), unresolvedRack(2)], ["/unresolved/unresolved", "/unresolved"]);
  });

  it("the topology script answers one rack per address, in order; an address the map lacks gets the unresolved rack", () => {
    const map = "10.0.0.2 /zone-a\n10.0.0.3 /zone-b\n";
    assert.deepEqual(topology(map, ["10.0.0.3", "10.0.0.9", "10.0.0.2"], { UNRESOLVED_RACK: "/unresolved/unresolved" }),
      ["/zone-b", "/unresolved/unresolved", "/zone-a"]);
    assert.deepEqual(topology("", ["10.0.0.2"]), ["/unresolved"], "an empty map: nothing resolves");
  });

  it("the cluster maps the DataNodes' hosts among the nodes it is given; the NameNodes read the map from a ConfigMap of their own, mounted whole, out of the config hash", async () => {
    const registered: RegisteredResource[] = useMocks();
    const nodes: RackNode[] = [
      { name: "node-2", address: "10.0.0.2", labels: { [zone]: "zone-a" } },
      { name: "node-5", address: "10.0.0.5", labels: { [zone]: "zone-b" } },
      { name: "node-8", address: "10.0.0.8", labels: {} },
    ];
    const withOs: RackNode[] = nodes.map((n) => ({ ...n, labels: { ...n.labels, "kubernetes.io/os": "linux" } }));
    const args = (a: HdfsClusterArgs): HdfsClusterArgs => ({ nameNodeHosts: ["node-2"], security: { mode: "simple" }, ...a });
    // node-9 runs no DataNode (not Linux): not in the map, as a host the DataNodes are not placed on yet.
    const cluster = new HdfsCluster("hdfs", args({ clusterNodes: [...withOs, { name: "node-9", address: "10.0.0.9", labels: { [zone]: "zone-a" } }] }));
    await settled();
    assert.equal(cluster.site.coreSite["net.topology.script.file.name"], "/etc/hdfs-scripts/hdfs-topology.sh");
    assert.deepEqual(find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-topology").inputs.data,
      { racks: "10.0.0.2 /zone-a\n10.0.0.5 /zone-b\n10.0.0.8 /default\n" });
    const spec = find(registered, "kubernetes:apps/v1:DaemonSet", "hdfs-namenode").inputs.spec.template.spec;
    assert.deepEqual(spec.volumes.find((v: any) => v.name === "topology"), { name: "topology", configMap: { name: "hdfs-namenode-topology", defaultMode: 0o444 } });
    const nn = spec.containers.find((c: any) => c.name === "namenode");
    assert.deepEqual(nn.volumeMounts.find((m: any) => m.name === "topology"), { name: "topology", mountPath: "/etc/hdfs-topology", readOnly: true });
    assert.deepEqual(nn.env.filter((e: any) => ["RACK_MAP", "UNRESOLVED_RACK"].includes(e.name)).map((e: any) => e.value), ["/etc/hdfs-topology/racks", "/unresolved/unresolved"]);
    assert.match(find(registered, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-config").inputs.data["hdfs-topology.sh"], /UNRESOLVED_RACK/);
    // Hadoop runs the script itself: it is mounted executable.
    assert.deepEqual(spec.volumes.find((v: any) => v.name === "scripts"), { name: "scripts", configMap: { name: "hdfs-namenode-config", defaultMode: 0o555 } });

    // Without the cluster's nodes (a program that does not read them) or without rack labels: Hadoop's default rack.
    const without = useMocks();
    const plain = new HdfsCluster("hdfs", args({}));
    const unlabelled = new HdfsCluster("other", args({ namespace: "other", clusterNodes: withOs, rackLabels: [] }));
    await settled();
    assert.equal(plain.site.coreSite["net.topology.script.file.name"], undefined);
    assert.equal(unlabelled.site.coreSite["net.topology.script.file.name"], undefined);
    assert.equal(without.filter((r) => r.name.endsWith("-topology")).length, 0);
  });
});
