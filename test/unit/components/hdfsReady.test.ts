// The HDFS readiness probe (components/assets/hdfs-ready.sh), run for real with bash, curl and jq against an HTTP
// server answering /jmx with beans Hadoop itself returned (test/fixtures/hadoop-<version>-jmx.json, the stack's HA
// nameservice hdfs-k8s: make hadoop-fixtures), then with each field the probe reads changed to a value that must
// make it fail. Simple mode's plain HTTP: the Kerberos
// path (SPNEGO, the truststore's CA) runs on the real nodes (test/e2e/real-hdfs.test.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { describe, it } from "node:test";
import { defaultHadoopVersion, hadoopVersions } from "../../../components/hdfsShared";

const root = path.join(__dirname, "..", "..", "..");
const script = path.join(root, "components", "assets", "hdfs-ready.sh");
type Bean = Record<string, unknown>;
// (the mutations below start from the default version's beans)
const captured = JSON.parse(fs.readFileSync(path.join(root, "test", "fixtures", `hadoop-${defaultHadoopVersion}-jmx.json`), "utf8")) as Record<string, Bean>;
const bean = (key: string): Bean => structuredClone(captured[key]);

/** An HTTP server answering `/jmx?qry=<name>` with the bean of that name (404 for any other). */
async function jmxServer(beans: Bean[]): Promise<{ port: number; close: () => void }> {
  const server = http.createServer((req, res) => {
    const qry = new URL(req.url ?? "/", "http://x").searchParams.get("qry");
    const found = beans.filter((b) => b.name === qry);
    res.writeHead(found.length > 0 ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ beans: found }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

async function probe(role: string, beans: Bean[], env: Record<string, string> = {}): Promise<{ status: number | null; output: string }> {
  const server = await jmxServer(beans);
  try {
    const child = spawn("bash", [script, role, "http", String(server.port)], {
      env: { PATH: "/usr/bin:/bin", HDFS_HOST_IP: "127.0.0.1", HDFS_JOURNAL: "hdfs-k8s", ...env },
    });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    // "close", not "exit": the output streams may still hold data when the process exits.
    return await new Promise((resolve) => child.on("close", (status) => resolve({ status, output })));
  } finally {
    server.close();
  }
}

const status = "Hadoop:service=NameNode,name=NameNodeStatus";
const progress = "Hadoop:service=NameNode,name=StartupProgress";
const dataNodeInfo = "Hadoop:service=DataNode,name=DataNodeInfo";
const journalNodeInfo = "Hadoop:service=JournalNode,name=JournalNodeInfo";

/** The DataNode's bean with its BPServiceActorInfo (a JSON string inside the JSON) changed by `change`. */
function dataNodeWith(change: (actors: Record<string, string>[]) => Record<string, string>[]): Bean {
  const b = bean(`dn/${dataNodeInfo}`);
  b.BPServiceActorInfo = JSON.stringify(change(JSON.parse(b.BPServiceActorInfo as string) as Record<string, string>[]));
  return b;
}

// The beans of every Hadoop version the stack runs (make hadoop-fixtures captured them from its daemons): each role
// ready as captured.
for (const version of hadoopVersions) {
  describe(`hdfs-ready.sh on Hadoop ${version}'s beans`, { concurrency: true }, () => {
    const beans = JSON.parse(fs.readFileSync(path.join(root, "test", "fixtures", `hadoop-${version}-jmx.json`), "utf8")) as Record<string, Bean>;
    const of = (key: string) => { assert.ok(beans[key], `${key} captured`); return beans[key]; };
    it("the active and the standby NameNode, the DataNode and the JournalNode are ready", async () => {
      for (const nn of ["nn-active", "nn-standby"]) {
        const r = await probe("namenode", [of(`${nn}/${status}`), of(`${nn}/${progress}`)]);
        assert.equal(r.status, 0, `${nn}: ${r.output}`);
      }
      let r = await probe("datanode", [of(`dn/${dataNodeInfo}`)]);
      assert.equal(r.status, 0, r.output);
      // (the journal the capture's JournalNode serves)
      const journal = Object.keys(JSON.parse(of(`jn/${journalNodeInfo}`).JournalsStatus as string))[0];
      r = await probe("journalnode", [of(`jn/${journalNodeInfo}`)], { HDFS_JOURNAL: journal });
      assert.equal(r.status, 0, r.output);
    });
  });
}

describe("hdfs-ready.sh", { concurrency: true }, () => {
  it("NameNode: the captured active and standby, both out of start-up safe mode, are ready", async () => {
    for (const nn of ["nn-active", "nn-standby"]) {
      const r = await probe("namenode", [bean(`${nn}/${status}`), bean(`${nn}/${progress}`)]);
      assert.equal(r.status, 0, `${nn}: ${r.output}`);
    }
  });

  it("NameNode: not ready in start-up safe mode, while initializing, or without its web endpoint", async () => {
    const inSafeMode = { ...bean(`nn-standby/${progress}`), SafeModePercentComplete: 0.42 };
    let r = await probe("namenode", [bean(`nn-standby/${status}`), inSafeMode]);
    assert.equal(r.status, 1);
    assert.match(r.output, /not ready: standby NameNode still in start-up safe mode \(SafeModePercentComplete 0\.42\)/);

    r = await probe("namenode", [{ ...bean(`nn-active/${status}`), State: "initializing" }, bean(`nn-active/${progress}`)]);
    assert.equal(r.status, 1);
    assert.match(r.output, /not ready: NameNode state initializing/);

    r = await probe("namenode", []);
    assert.equal(r.status, 1);
    assert.match(r.output, /not ready: namenode web endpoint: .*404/);
  });

  it("DataNode: ready when an actor runs against the active NameNode and heard from it lately", async () => {
    const r = await probe("datanode", [bean(`dn/${dataNodeInfo}`)]);
    assert.equal(r.status, 0, r.output);
  });

  it("DataNode: not ready with only standbys, a stopped actor, or an active silent past MAX_SILENCE", async () => {
    const cases: [string, Bean, Record<string, string>][] = [
      ["no active", dataNodeWith((actors) => actors.map((a) => ({ ...a, NamenodeHaState: "standby" }))), {}],
      ["actor not running", dataNodeWith((actors) => actors.map((a) => (a.NamenodeHaState === "active" ? { ...a, ActorState: "CONNECTING" } : a))), {}],
      ["silent active", dataNodeWith((actors) => actors.map((a) => (a.NamenodeHaState === "active" ? { ...a, LastHeartbeatResponseTime: "31" } : a))), {}],
      ["captured, stricter bound", bean(`dn/${dataNodeInfo}`), { MAX_SILENCE: "1" }],
      ["no actors", dataNodeWith(() => []), {}],
    ];
    for (const [what, b, env] of cases) {
      const r = await probe("datanode", [b], env);
      assert.equal(r.status, 1, `${what}: ${r.output}`);
      assert.match(r.output, /not ready: no running actor heartbeating with an active NameNode within \d+s/, what);
    }
    const r = await probe("datanode", [dataNodeWith((actors) => actors.map((a) => ({ ...a, NamenodeHaState: "standby" })))]);
    const seen = (JSON.parse(bean(`dn/${dataNodeInfo}`).BPServiceActorInfo as string) as Record<string, string>[])
      .map((a) => `${a.NamenodeAddress} standby ${a.ActorState} ${a.LastHeartbeatResponseTime}`).join("; ");
    assert.ok(r.output.includes(seen), `names each actor it saw (${seen}): ${r.output}`);
  });

  it("JournalNode: ready once it holds the nameservice's journal formatted, not for another journal", async () => {
    let r = await probe("journalnode", [bean(`jn/${journalNodeInfo}`)]);
    assert.equal(r.status, 0, r.output);
    r = await probe("journalnode", [bean(`jn/${journalNodeInfo}`)], { HDFS_JOURNAL: "other" });
    assert.equal(r.status, 1);
    assert.match(r.output, /not ready: journal other not formatted here yet/);
    r = await probe("journalnode", [{ ...bean(`jn/${journalNodeInfo}`), JournalsStatus: "{}" }]);
    assert.equal(r.status, 1);
  });
});
