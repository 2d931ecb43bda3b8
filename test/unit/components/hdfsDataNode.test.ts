import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HdfsDataNodeArgs, HdfsDataNodeDaemonSet } from "../../../components/hdfsDataNode";
import { hdfsSite } from "../../../components/hdfsShared";
import { find, RegisteredResource, settled, useMocks } from "../../support/mocks";

const site = hdfsSite({ nameNodeHosts: ["node-2", "node-5", "node-8"] });

async function render(args: Partial<HdfsDataNodeArgs> = {}): Promise<{ registered: RegisteredResource[]; ds: any }> {
  const registered = useMocks();
  new HdfsDataNodeDaemonSet("hdfs-datanode", { site, ...args });
  await settled();
  return { registered, ds: find(registered, "kubernetes:apps/v1:DaemonSet").inputs };
}
const podSpec = (ds: any) => ds.spec.template.spec;
const byName = (list: any[], name: string) => list.find((x) => x.name === name);

describe("HdfsDataNodeDaemonSet defaults", () => {
  it("runs on every Linux node, tolerating no taint unless configured", async () => {
    const spec = podSpec((await render()).ds);
    assert.deepEqual(spec.nodeSelector, { "kubernetes.io/os": "linux" });
    assert.equal(spec.tolerations, undefined);
    const tolerations = [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists" as const, effect: "NoSchedule" as const }];
    assert.deepEqual(podSpec((await render({ tolerations })).ds).tolerations, tolerations);
    assert.deepEqual(podSpec((await render({ nodeSelector: { disk: "ssd" } })).ds).nodeSelector, { disk: "ssd" });
  });

  it("runs `hdfs datanode` on the host network with host ports 9866, 9864, 9867 and probes", async () => {
    const spec = podSpec((await render()).ds);
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.hostPID, false);
    const c = byName(spec.containers, "datanode");
    assert.deepEqual(c.command, ["hdfs", "datanode"]);
    assert.deepEqual(c.ports, [
      { name: "data", containerPort: 9866, hostPort: 9866 },
      { name: "http", containerPort: 9864, hostPort: 9864 },
      { name: "ipc", containerPort: 9867, hostPort: 9867 },
    ]);
    assert.ok(c.startupProbe && c.livenessProbe && c.readinessProbe);
    assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  });

  it("one writable hostPath per data directory, matching dfs.datanode.data.dir", async () => {
    const one = podSpec((await render()).ds);
    assert.deepEqual(byName(one.volumes, "data-0"), { name: "data-0", hostPath: { path: "/var/lib/hdfs/data", type: "DirectoryOrCreate" } });
    const three = hdfsSite({ nameNodeHosts: ["node-2"], dataDirCount: 3 });
    const { ds, registered } = await render({ site: three, dataDirHostPaths: ["/disk1/hdfs", "/disk2/hdfs", "/disk3/hdfs"] });
    const spec = podSpec(ds);
    const c = byName(spec.containers, "datanode");
    for (const i of [0, 1, 2]) {
      assert.deepEqual(byName(spec.volumes, `data-${i}`).hostPath, { path: `/disk${i + 1}/hdfs`, type: "DirectoryOrCreate" });
      assert.deepEqual(byName(c.volumeMounts, `data-${i}`), { name: `data-${i}`, mountPath: `/hadoop/dfs/data/${i}`, readOnly: false });
    }
    assert.equal(ds.metadata.annotations["k8s-daemonsets/data-directories"], "data-0,data-1,data-2");
    // Checked (any directory: hostDirectories create) and handed to the hadoop user by assets/host-directories.sh.
    assert.deepEqual(spec.initContainers[0].command, ["sh", "/etc/hdfs-scripts/host-directories.sh", "create", "hdfs-datanode hostDirectories", "1000",
      "/hadoop/dfs/data/0", "/disk1/hdfs", "/hadoop/dfs/data/1", "/disk2/hdfs", "/hadoop/dfs/data/2", "/disk3/hdfs"]);
    assert.deepEqual(byName(spec.initContainers[0].volumeMounts, "scripts"), { name: "scripts", mountPath: "/etc/hdfs-scripts", readOnly: true });
    assert.match(find(registered, "kubernetes:core/v1:ConfigMap").inputs.data["hdfs-site.xml"], /file:\/\/\/hadoop\/dfs\/data\/2/);
  });

  it("hostDirectories mountPoint or marker: the directories must exist (hostPath Directory) and pass the init step's check", async () => {
    for (const mode of ["mountPoint", "marker"] as const) {
      const spec = podSpec((await render({ hostDirectories: mode })).ds);
      assert.deepEqual(byName(spec.volumes, "data-0").hostPath, { path: "/var/lib/hdfs/data", type: "Directory" }, mode);
      assert.deepEqual(spec.initContainers[0].command.slice(2, 4), [mode, "hdfs-datanode hostDirectories"]);
    }
    useMocks();
    assert.throws(() => new HdfsDataNodeDaemonSet("dn", { site, hostDirectories: "mounted" as never }), /hostDirectories: must be one of "create", "mountPoint", "marker", got string "mounted"/);
  });

  it("refuses data directories the site does not configure", () => {
    useMocks();
    assert.throws(() => new HdfsDataNodeDaemonSet("dn", { site, dataDirHostPaths: ["/a", "/b"] }), /2 data directories, but the site configures 1/);
  });

  it("points at the cluster's nameservice through the shared configuration", async () => {
    const { registered } = await render();
    const data = find(registered, "kubernetes:core/v1:ConfigMap").inputs.data;
    assert.match(data["core-site.xml"], /hdfs:\/\/hdfs-k8s/);
    assert.equal(data["hdfs-site.xml"], site.hdfsSiteXml);
  });

  it("brings its own lower PriorityClass and rolls out 10% of the nodes at a time", async () => {
    const { ds, registered } = await render();
    const pc = find(registered, "kubernetes:scheduling.k8s.io/v1:PriorityClass").inputs;
    assert.equal(pc.metadata.name, "hdfs-datanode-critical");
    assert.equal(pc.value, 100000);
    assert.deepEqual(ds.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } });
  });
});
