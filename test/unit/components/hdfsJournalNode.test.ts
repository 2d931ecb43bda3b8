import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HdfsJournalNodeArgs, HdfsJournalNodeDaemonSet } from "../../../components/hdfsJournalNode";
import { hdfsSite } from "../../../components/hdfsShared";
import { find, promiseOf, RegisteredResource, settled, useMocks } from "../../support/mocks";

const site = hdfsSite({ nameNodeHosts: ["node-2", "node-5", "node-8"] });

async function render(args: Partial<HdfsJournalNodeArgs> = {}): Promise<{ component: HdfsJournalNodeDaemonSet; registered: RegisteredResource[]; ds: any }> {
  const registered = useMocks();
  const component = new HdfsJournalNodeDaemonSet("hdfs-journalnode", { site, ...args });
  await settled();
  return { component, registered, ds: find(registered, "kubernetes:apps/v1:DaemonSet").inputs };
}
const podSpec = (ds: any) => ds.spec.template.spec;
const byName = (list: any[], name: string) => list.find((x) => x.name === name);

describe("HdfsJournalNodeDaemonSet defaults", () => {
  it("runs on the NameNode hosts' label, in the hdfs namespace, without creating it", async () => {
    const { ds, registered } = await render();
    assert.equal(ds.metadata.name, "hdfs-journalnode");
    assert.equal(ds.metadata.namespace, "hdfs");
    assert.deepEqual(podSpec(ds).nodeSelector, { host: "high-cpu" });
    assert.equal(podSpec(ds).tolerations, undefined);
    assert.equal(registered.filter((r) => r.type === "kubernetes:core/v1:Namespace").length, 0);
  });

  it("runs `hdfs journalnode` on the host network with host ports 8485 and 8480 and probes", async () => {
    const spec = podSpec((await render()).ds);
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.dnsPolicy, "ClusterFirstWithHostNet");
    const c = byName(spec.containers, "journalnode");
    assert.deepEqual(c.command, ["hdfs", "journalnode"]);
    assert.equal(c.image, "apache/hadoop:3.5.0");
    assert.deepEqual(c.ports, [
      { name: "rpc", containerPort: 8485, hostPort: 8485 },
      { name: "http", containerPort: 8480, hostPort: 8480 },
    ]);
    assert.ok(c.startupProbe && c.livenessProbe && c.readinessProbe);
    assert.deepEqual(c.resources, { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "512Mi" } });
    assert.equal(byName(c.env, "HDFS_JOURNALNODE_OPTS").value, "-Xmx384m");
  });

  it("keeps the edits on a writable hostPath (DirectoryOrCreate) at dfs.journalnode.edits.dir, owned by the hadoop user", async () => {
    const spec = podSpec((await render({ editsDirHostPath: "/data/jn" })).ds);
    assert.deepEqual(byName(spec.volumes, "edits-dir"), { name: "edits-dir", hostPath: { path: "/data/jn", type: "DirectoryOrCreate" } });
    const c = byName(spec.containers, "journalnode");
    assert.deepEqual(byName(c.volumeMounts, "edits-dir"), { name: "edits-dir", mountPath: "/hadoop/dfs/journal", readOnly: false });
    assert.equal(site.hdfsSite["dfs.journalnode.edits.dir"], "/hadoop/dfs/journal");
    const [own] = spec.initContainers;
    assert.equal(own.name, "own-edits-dir");
    assert.deepEqual(own.securityContext.capabilities, { drop: ["ALL"], add: ["CHOWN"] });
    assert.equal(spec.securityContext.runAsUser, 1000);
  });

  it("mounts the cluster's core-site.xml and hdfs-site.xml from its own ConfigMap, and restarts on change", async () => {
    const { registered, ds } = await render();
    const cm = find(registered, "kubernetes:core/v1:ConfigMap").inputs;
    assert.equal(cm.data["hdfs-site.xml"], site.hdfsSiteXml);
    assert.equal(cm.data["core-site.xml"], site.coreSiteXml);
    assert.match(ds.spec.template.metadata.annotations["k8s-daemonsets/config-hash"], /^[0-9a-f]{16}$/);
  });

  it("brings its own PriorityClass and declares its host access for the policy pack", async () => {
    const { registered, ds, component } = await render();
    const pc = find(registered, "kubernetes:scheduling.k8s.io/v1:PriorityClass").inputs;
    assert.equal(pc.metadata.name, "hdfs-journalnode-critical");
    assert.equal(podSpec(ds).priorityClassName, "hdfs-journalnode-critical");
    assert.deepEqual(ds.metadata.annotations, {
      "k8s-daemonsets/host-access": "network,hostPath",
      "k8s-daemonsets/data-directories": "edits-dir",
      "k8s-daemonsets/capabilities": "CHOWN",
    });
    assert.deepEqual(ds.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } });
    assert.match(await promiseOf(component.daemonSet.urn), /HdfsJournalNodeDaemonSet\$kubernetes:apps\/v1:DaemonSet/);
  });
});
