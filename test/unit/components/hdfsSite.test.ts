// The rendered core-site.xml / hdfs-site.xml, parsed back with a real XML parser, against what Hadoop's HA guide
// ("HDFS High Availability Using the Quorum Journal Manager") and the kubernetes-HDFS chart's configmap require.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { failoverProxyProvider, nameNodeId } from "../../../components/hadoopConfig";
import { hdfsSite } from "../../../components/hdfsShared";

function properties(xml: string): Record<string, string> {
  const doc = new XMLParser({ parseTagValue: false }).parse(xml);
  const list = [doc.configuration.property].flat();
  return Object.fromEntries(list.map((p: { name: string; value: string }) => [p.name, String(p.value)]));
}

const hostsOf = (n: number) => ["node-2", "node-5", "node-8", "node-9", "node-10"].slice(0, n);
const render = (n: number, extra: Parameters<typeof hdfsSite>[0] extends infer A ? Partial<A> : never = {}) => {
  const site = hdfsSite({ nameNodeHosts: hostsOf(n), ...extra });
  return { site, core: properties(site.coreSiteXml), hdfs: properties(site.hdfsSiteXml) };
};

describe("the HDFS site configuration", () => {
  it("1 host: a standalone NameNode at <host>:8020, no HA properties", () => {
    const { site, core, hdfs } = render(1);
    assert.equal(site.ha, false);
    assert.equal(core["fs.defaultFS"], "hdfs://node-2:8020");
    // The address DataNodes connect to (a real run: 0.0.0.0 sent every other node's DataNode to itself).
    assert.equal(hdfs["dfs.namenode.rpc-address"], "node-2:8020");
    assert.equal(hdfs["dfs.namenode.rpc-bind-host"], "0.0.0.0");
    assert.equal(hdfs["dfs.namenode.http-address"], "node-2:9870");
    for (const key of Object.keys(hdfs)) {
      assert.doesNotMatch(key, /^dfs\.(nameservices|ha\.|namenode\.shared|journalnode|client\.failover)/, key);
    }
    assert.equal(core["ha.zookeeper.quorum"], undefined);
  });

  for (const n of [2, 3, 5]) {
    it(`${n} hosts: one nameservice whose NameNodes are the hosts, shared edits on a JournalNode quorum`, () => {
      const hosts = hostsOf(n);
      const { site, core, hdfs } = render(n);
      const ids = hosts.map(nameNodeId);
      assert.equal(site.ha, true);
      // dfs.nameservices, dfs.ha.namenodes.<ns>, per-NameNode rpc/http addresses (HA guide).
      assert.equal(hdfs["dfs.nameservices"], "hdfs-k8s");
      assert.equal(hdfs["dfs.ha.namenodes.hdfs-k8s"], ids.join(","));
      hosts.forEach((host, i) => {
        assert.equal(hdfs[`dfs.namenode.rpc-address.hdfs-k8s.${ids[i]}`], `${host}:8020`);
        assert.equal(hdfs[`dfs.namenode.http-address.hdfs-k8s.${ids[i]}`], `${host}:9870`);
      });
      // Exactly one rpc and one http address per NameNode, and no generic one beside them.
      assert.equal(Object.keys(hdfs).filter((k) => k.startsWith("dfs.namenode.rpc-address.")).length, n);
      assert.equal(Object.keys(hdfs).filter((k) => k.startsWith("dfs.namenode.http-address.")).length, n);
      assert.equal(hdfs["dfs.namenode.rpc-address"], undefined);
      assert.equal(hdfs["dfs.namenode.http-address"], undefined);
      // qjournal://host1:8485;host2:8485;.../<journal id>, the journal id being the nameservice id.
      assert.equal(hdfs["dfs.namenode.shared.edits.dir"], `qjournal://${hosts.map((h) => `${h}:8485`).join(";")}/hdfs-k8s`);
      assert.equal(hdfs["dfs.journalnode.edits.dir"], "/hadoop/dfs/journal");
      assert.equal(hdfs["dfs.client.failover.proxy.provider.hdfs-k8s"], failoverProxyProvider);
      assert.equal(failoverProxyProvider, "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider");
      assert.equal(hdfs["dfs.ha.fencing.methods"], "shell(/bin/true)");
      assert.equal(hdfs["dfs.ha.automatic-failover.enabled"], "false");
      // Clients use the logical nameservice URI.
      assert.equal(core["fs.defaultFS"], "hdfs://hdfs-k8s");
      assert.equal(core["ha.zookeeper.quorum"], undefined);
      // kubernetes-HDFS: DataNodes on the host network register by IP.
      assert.equal(hdfs["dfs.namenode.datanode.registration.ip-hostname-check"], "false");
      assert.equal(hdfs["dfs.namenode.name.dir"], "file:///hadoop/dfs/name");
    });
  }

  it("JournalNodes on their own hosts and ports when given", () => {
    const { hdfs } = render(2, { journalNodeHosts: ["jn-1", "jn-2", "jn-3"], journalNodeRpcPort: 18485, journalNodeHttpPort: 18480 });
    assert.equal(hdfs["dfs.namenode.shared.edits.dir"], "qjournal://jn-1:18485;jn-2:18485;jn-3:18485/hdfs-k8s");
    assert.equal(hdfs["dfs.journalnode.rpc-address"], "0.0.0.0:18485");
    assert.equal(hdfs["dfs.journalnode.http-address"], "0.0.0.0:18480");
  });

  it("automatic failover with a ZooKeeper quorum: ha.zookeeper.quorum in core-site, the flag in hdfs-site", () => {
    const { site, core, hdfs } = render(3, { zookeeperQuorum: ["zk-1:2181", "zk-2:2181", "zk-3:2181"] });
    assert.equal(site.automaticFailover, true);
    assert.equal(core["ha.zookeeper.quorum"], "zk-1:2181,zk-2:2181,zk-3:2181");
    assert.equal(hdfs["dfs.ha.automatic-failover.enabled"], "true");
    assert.equal(hdfs["dfs.ha.zkfc.port"], "8019");
  });

  it("automatic failover: a NameNode in safe mode may be elected (Hadoop's default, said explicitly: true deadlocks a cold restart); manual HA leaves the choice to the operator", () => {
    assert.equal(render(3, { zookeeperQuorum: ["zk-1:2181"] }).hdfs["dfs.ha.nn.not-become-active-in-safemode"], "false");
    assert.equal(render(3).hdfs["dfs.ha.nn.not-become-active-in-safemode"], undefined);
    assert.equal(render(1).hdfs["dfs.ha.nn.not-become-active-in-safemode"], undefined);
  });

  it("a custom nameservice id names the logical URI, the keys and the journal", () => {
    const { core, hdfs } = render(2, { nameservice: "prod" });
    assert.equal(core["fs.defaultFS"], "hdfs://prod");
    assert.ok(hdfs["dfs.ha.namenodes.prod"]);
    assert.match(hdfs["dfs.namenode.shared.edits.dir"], /\/prod$/);
    assert.ok(hdfs["dfs.client.failover.proxy.provider.prod"]);
  });

  it("DataNode addresses and one data directory per host path, in every configuration", () => {
    for (const n of [1, 3]) {
      const { hdfs } = render(n, { dataDirCount: 3 });
      assert.equal(hdfs["dfs.datanode.data.dir"], "file:///hadoop/dfs/data/0,file:///hadoop/dfs/data/1,file:///hadoop/dfs/data/2");
      assert.equal(hdfs["dfs.datanode.address"], "0.0.0.0:9866");
      assert.equal(hdfs["dfs.datanode.http.address"], "0.0.0.0:9864");
      assert.equal(hdfs["dfs.datanode.ipc.address"], "0.0.0.0:9867");
    }
  });

  it("NameNode ids come from the host name alone: stable when other hosts come and go", () => {
    assert.equal(nameNodeId("node-2"), "nn-node-2");
    assert.equal(nameNodeId("nn.rack-1.example.com"), "nn-nn_rack-1_example_com");
    const a = render(3).hdfs;
    const b = hdfsSite({ nameNodeHosts: ["node-5", "node-8"] });
    assert.equal(properties(b.hdfsSiteXml)["dfs.namenode.rpc-address.hdfs-k8s.nn-node-5"], a["dfs.namenode.rpc-address.hdfs-k8s.nn-node-5"]);
  });

  it("user properties override the rendered ones; values are escaped", () => {
    const { core, hdfs } = render(3, { hdfsSite: { "dfs.ha.fencing.methods": "shell(/usr/local/bin/fence.sh)" }, coreSite: { "x.y": "<&>" } });
    assert.equal(hdfs["dfs.ha.fencing.methods"], "shell(/usr/local/bin/fence.sh)");
    assert.equal(core["x.y"], "<&>");
  });

  it("more than 5 NameNodes is refused", () => {
    assert.throws(() => hdfsSite({ nameNodeHosts: ["a", "b", "c", "d", "e", "f"] }), /at most 5 NameNodes/);
  });
});
