// The rolling upgrade's driver (components/assets/hdfs-rolling-upgrade.sh), run for real with bash and jq against a
// simulated cluster: a stub `curl` answers the Kubernetes API from a pods file (a deleted pod comes back at once on
// its node with the DaemonSet's version, ready, or started and not yet Ready) and the daemons' /jmx (a NameNode's
// state and safe mode, a JournalNode's last transaction, what the readiness check reads); a stub `hdfs` answers `haadmin -failover` and `dfsadmin` from a state file. Each
// run's log of what it did is the order checked here.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { HdfsCluster, HdfsClusterArgs } from "../../../components/hdfsCluster";
import { daemonSetUpgrading, rollingUpgradeDeadlineSeconds, rollingUpgradeJobName } from "../../../components/hdfsRollingUpgrade";
import { defaultHadoopVersion } from "../../../components/hdfsShared";
import { refusedArgs, RegisteredResource, settled, useMocks } from "../../support/mocks";
import { tempDir } from "../../support/tempDirs";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "hdfs-rolling-upgrade.sh");

interface Pod { name: string; role: "namenode" | "journalnode" | "datanode"; node: string; version: string }

/** A simulated cluster of `pods`, NameNode `active`, rolling upgrade `state` (none|prepared), running the driver. */
async function run(pods: Pod[], opts: { active?: string; state?: string; target?: string; env?: Record<string, string>; ha?: boolean; safeMode?: Record<string, number>; unready?: boolean; notServing?: boolean; jmxWithoutUpgrade?: boolean } = {}) {
  const dir = tempDir("rolling-upgrade-");
  const target = opts.target ?? "3.5.0";
  const ha = opts.ha ?? true;
  fs.writeFileSync(path.join(dir, "pods"), pods.map((p) => `${p.name} ${p.role} ${p.node} ${p.version}`).join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "active"), opts.active ?? "node-2");
  fs.writeFileSync(path.join(dir, "state"), opts.state ?? "none");
  fs.writeFileSync(path.join(dir, "txid"), "100");
  fs.writeFileSync(path.join(dir, "safemode"), Object.entries(opts.safeMode ?? {}).map(([n, c]) => `${n} ${c}\n`).join(""));
  fs.writeFileSync(path.join(dir, "log"), "");
  fs.writeFileSync(path.join(dir, "token"), "a-service-account-token");
  // unready: a replacement's containers have started, the kubelet has not marked it Ready (yet); notServing: nor
  // does its readiness check pass.
  if (opts.unready) fs.writeFileSync(path.join(dir, "unready"), "");
  if (opts.notServing) fs.writeFileSync(path.join(dir, "notserving"), "");
  if (opts.jmxWithoutUpgrade) fs.writeFileSync(path.join(dir, "jmxWithoutUpgrade"), "");
  // The API: GET pods?labelSelector=app.kubernetes.io/name=hdfs-<role>...; DELETE pods/<name> (its replacement
  // takes the target version); the JournalNodes' Journal bean: the last txid written, once it restarted.
  fs.writeFileSync(path.join(dir, "curl"), `#!/bin/bash
url=\${@: -1}
method=GET; prev=""
for a in "$@"; do [ "$prev" = -X ] && method=$a; prev=$a; done
case "$method $url" in
  "GET "*"/pods?labelSelector="*)
    role=$(sed -E 's/.*hdfs-([a-z]+)%2C.*/\\1/' <<<"$url")
    unready=$([ -e "${dir}/unready" ] && echo true || echo false)
    awk -v r="$role" '$2 == r' "${dir}/pods" | jq -Rn --argjson unready "$unready" '{ items: [inputs | split(" ") | { metadata: { name: .[0], labels: { "app.kubernetes.io/version": .[3] } }, spec: { nodeName: .[2] }, status: { hostIP: ("10.0.0." + (.[2] | ltrimstr("node-"))), containerStatuses: [{ ready: (($unready and (.[0] | endswith("-new"))) | not), started: true }] } }] }' ;;
  "DELETE "*"/pods/"*)
    name=\${url##*/}
    echo "delete $name" >> "${dir}/log"
    awk -v n="$name" -v v="${target}" '$1 == n { $1 = $1 "-new"; $4 = v } { print }' "${dir}/pods" > "${dir}/pods.new" && mv "${dir}/pods.new" "${dir}/pods"
    echo '{}' ;;
  *"/jmx?qry=Hadoop:service=JournalNode,name=Journal-hdfs-k8s")
    echo "{\\"beans\\": [{\\"LastWrittenTxId\\": $(cat "${dir}/txid")}]}" ;;
  # A NameNode's, by its node's address (10.0.0.<n>: node-<n>)
  *"/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus")
    host=node-$(sed -E 's#^https?://10\\.0\\.0\\.([0-9]+):.*#\\1#' <<<"$url")
    [ "$host" = "$(cat "${dir}/active")" ] && state=active || state=standby
    echo "{\\"beans\\": [{\\"State\\": \\"$state\\"}]}" ;;
  *"/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo")
    # A NameNode listed in safemode (node count) stays in safe mode for that many more asks.
    host=node-$(sed -E 's#^https?://10\\.0\\.0\\.([0-9]+):.*#\\1#' <<<"$url")
    left=$(awk -v n=$host '$1 == n { print $2 }' "${dir}/safemode")
    if [ "\${left:-0}" -gt 0 ]; then tip="Safe mode is ON. The reported blocks 0 needs additional 1 blocks."; sed -i "s/^$host .*/$host $((left - 1))/" "${dir}/safemode"; else tip=""; fi
    # The rolling upgrade (the state file: none, prepared, or "preparing N": prepared after N more asks), unless
    # jmxWithoutUpgrade (an answer without RollingUpgradeStatus).
    read -r state asks < "${dir}/state"
    case $state in
      none) status=null ;;
      prepared) status='{"blockPoolId":"BP-1","startTime":1796641236107,"finalizeTime":0,"createdRollbackImages":true}' ;;
      preparing) status='{"blockPoolId":"BP-1","startTime":1796641236107,"finalizeTime":0,"createdRollbackImages":false}'
        if [ "$asks" -gt 1 ]; then echo "preparing $((asks - 1))" > "${dir}/state"; else echo prepared > "${dir}/state"; fi ;;
    esac
    [ -e "${dir}/jmxWithoutUpgrade" ] && status='"(none)"'
    jq -cn --arg tip "$tip" --argjson status "$status" '{ beans: [{ Safemode: $tip } + (if $status == "(none)" then {} else { RollingUpgradeStatus: $status } end)] }' ;;
  # What the readiness check (hdfs-ready.sh) reads: serving, unless notserving.
  *"/jmx?qry=Hadoop:service=NameNode,name=StartupProgress")
    [ -e "${dir}/notserving" ] && complete=0.5 || complete=1.0
    jq -cn --argjson c "$complete" '{ beans: [{ SafeModePercentComplete: $c }] }' ;;
  *"/jmx?qry=Hadoop:service=JournalNode,name=JournalNodeInfo")
    [ -e "${dir}/notserving" ] && formatted=false || formatted=true
    jq -cn --arg f "$formatted" '{ beans: [{ JournalsStatus: ({ "hdfs-k8s": { Formatted: $f } } | tojson) }] }' ;;
  *"/jmx?qry=Hadoop:service=DataNode,name=DataNodeInfo")
    [ -e "${dir}/notserving" ] && state=CONNECTING || state=RUNNING
    jq -cn --arg s "$state" '{ beans: [{ BPServiceActorInfo: ([{ NamenodeAddress: "node-2:8020", NamenodeHaState: "active", ActorState: $s, LastHeartbeatResponseTime: "1" }] | tojson) }] }' ;;
  *) echo "curl stub: $method $url" >&2; exit 22 ;;
esac
`, { mode: 0o755 });
  // Kerberos (HDFS_PRINCIPAL set): a ticket from kinit is good for TICKET_USES hdfs commands, then expired.
  fs.writeFileSync(path.join(dir, "kinit"), `#!/bin/bash
echo kinit >> "${dir}/kinits"; echo "\${TICKET_USES:-1000}" > "${dir}/ticket"
`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "hdfs"), `#!/bin/bash
echo "$*" >> "${dir}/calls"
if [ -n "\${HDFS_PRINCIPAL:-}" ]; then
  uses=$(cat "${dir}/ticket" 2>/dev/null || echo 0)
  if [ "$uses" -le 0 ]; then echo "GSS initiate failed (Failed to find any Kerberos tgt)" >&2; exit 255; fi
  echo $((uses - 1)) > "${dir}/ticket"
fi
case "$*" in
  "haadmin -failover nn-"*)
    left=$(awk -v n="\${4#nn-}" '$1 == n { print $2 }' "${dir}/safemode")
    if [ "\${left:-0}" -gt 0 ]; then echo "Failover failed: NameNode is not ready to become active: The NameNode is in safemode." >&2; exit 255; fi
    echo "failover $3 $4" >> "${dir}/log"; echo "\${4#nn-}" > "${dir}/active"; echo "Failover to $4 successful" ;;
  "dfsadmin -rollingUpgrade query")
    case $(cat "${dir}/state") in
      none) echo "There is no rolling upgrade in progress or rolling upgrade has already been finalized." ;;
      prepared) echo "Proceed with rolling upgrade:" ;;
      preparing*) echo prepared > "${dir}/state"; echo "Preparing for upgrade. Data is being saved for rollback." ;;
    esac ;;
  "dfsadmin -rollingUpgrade prepare") echo prepare >> "${dir}/log"; echo "preparing 1" > "${dir}/state"; echo "PREPARE rolling upgrade ..." ;;
  "dfsadmin -rollingUpgrade finalize") echo finalize >> "${dir}/log"; echo none > "${dir}/state"; echo "FINALIZE rolling upgrade ..." ;;
  "dfsadmin -rollEdits") t=$(( $(cat "${dir}/txid") + 10 )); echo $t > "${dir}/txid"; echo rollEdits >> "${dir}/log"; echo "Successfully rolled edit logs."; echo "New segment starts at txid $t" ;;
  *) echo "hdfs stub: $*" >&2; exit 1 ;;
esac
`, { mode: 0o755 });
  const roles = (role: string) => `app.kubernetes.io/name=hdfs-${role},app.kubernetes.io/instance=hdfs-${role}`;
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("bash", [script], { env: {
      PATH: `${dir}:/usr/bin:/bin`, KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", SERVICE_ACCOUNT_DIR: dir, NAMESPACE: "hdfs",
      NAMENODE_PODS: roles("namenode"), JOURNALNODE_PODS: ha ? roles("journalnode") : "", DATANODE_PODS: roles("datanode"),
      NAMENODE_VERSION: target, JOURNALNODE_VERSION: target, DATANODE_VERSION: target,
      NAMENODE_IDS: ha ? "node-2=nn-node-2 node-5=nn-node-5 node-8=nn-node-8" : "", NAMESERVICE: ha ? "hdfs-k8s" : "", JOURNALNODE_WEB: "http 8480", NAMENODE_WEB: "http 9870", DATANODE_WEB: "http 9864",
      FINALIZE: "false", POD_TIMEOUT_SECONDS: "30", ...opts.env,
    } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
  const log = fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n").filter(Boolean);
  const lines = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8").trim().split("\n").length : 0);
  const kinits = lines("kinits"), hdfsCalls = lines("calls");
  const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
  const after = fs.readFileSync(path.join(dir, "pods"), "utf8");
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: r.stdout + r.stderr, log, after, kinits, hdfsCalls, calls };
}

const cluster = (version: string): Pod[] => [
  ...["node-2", "node-5", "node-8"].flatMap((node) => [
    { name: `nn-${node}`, role: "namenode" as const, node, version },
    { name: `jn-${node}`, role: "journalnode" as const, node, version },
  ]),
  ...["node-2", "node-3", "node-5", "node-8"].map((node) => ({ name: `dn-${node}`, role: "datanode" as const, node, version })),
];

/** What an upgrade of `cluster` with node-2's NameNode active does, in order. */
const upgradeFromNode2 = [
  "prepare",
  "delete jn-node-2", "rollEdits", "delete jn-node-5", "rollEdits", "delete jn-node-8", "rollEdits",
  "delete nn-node-5", "delete nn-node-8", "failover nn-node-2 nn-node-5", "delete nn-node-2",
  "delete dn-node-2", "delete dn-node-3", "delete dn-node-5", "delete dn-node-8",
];

// Each case runs the driver in a directory of its own, mostly waiting on its sleeps: they run at once.
describe("hdfs-rolling-upgrade.sh", { concurrency: true }, () => {
  it("upgrade: prepare, the JournalNodes one at a time each with a new segment, the standbys, a failover, the former active, then the DataNodes; not finalized", async () => {
    const r = await run(cluster("3.4.1"), { active: "node-2" });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.log, upgradeFromNode2);
    assert.doesNotMatch(r.after, /3\.4\.1/);
    assert.match(r.output, /not finalized/);
    // The rollback image awaited (preparing, then prepared) by the active NameNode's /jmx: no JVM for the state.
    assert.match(r.output, /prepared: the rollback image is saved/);
    assert.deepEqual(r.calls.filter((c) => /rollingUpgrade query/.test(c)), [], r.calls.join("\n"));
  });

  it("an answer of the /jmx without the rolling upgrade's state: asks dfsadmin instead, saying so", async () => {
    const r = await run(cluster("3.4.1"), { active: "node-2", jmxWithoutUpgrade: true, env: { FINALIZE: "true" } });
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /did not say the rolling upgrade's state .*asking with dfsadmin/);
    assert.ok(r.calls.includes("dfsadmin -rollingUpgrade query"), r.calls.join("\n"));
    assert.deepEqual([r.log[0], r.log.at(-1)], ["prepare", "finalize"]);
  });

  it("waits until a restarted NameNode has left safe mode (its extension included) before it goes on: no failover to one in safe mode", async () => {
    // node-5 comes back in safe mode for a while: Hadoop refuses a failover to it meanwhile.
    const r = await run(cluster("3.4.1"), { active: "node-2", safeMode: { "node-5": 3 } });
    assert.equal(r.status, 0, r.output);
    assert.ok(r.log.includes("failover nn-node-2 nn-node-5"), r.log.join("\n"));
  });

  it("a replacement whose containers started counts once its readiness check passes when the driver runs it, before the kubelet marks it Ready; the failover goes to such a standby", async () => {
    const r = await run(cluster("3.4.1"), { active: "node-2", unready: true });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.log, upgradeFromNode2);
  });

  it("a replacement that has started but neither is Ready nor passes the check is waited for, then the run fails naming it", async () => {
    const r = await run(cluster("3.4.1"), { active: "node-2", state: "prepared", unready: true, notServing: true, env: { POD_TIMEOUT_SECONDS: "3" } });
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /JournalNode on node-2: no pod of Hadoop 3\.5\.0 serving 3 s after deleting jn-node-2/);
    assert.deepEqual(r.log, ["delete jn-node-2"]);
  });

  it("finalizes when told to, once every daemon runs its version", async () => {
    const r = await run(cluster("3.4.1"), { env: { FINALIZE: "true" } });
    assert.equal(r.status, 0, r.output);
    assert.equal(r.log.at(-1), "finalize");
    assert.equal(r.log.filter((l) => l === "finalize").length, 1);
  });

  it("with Kerberos, a ticket from the keytab before every hdfs command: an upgrade outlives any one ticket, up to the finalize", async () => {
    // Each ticket is good for one command; the whole upgrade runs several (prepare, a roll per JournalNode, the
    // failover, the finalize).
    const r = await run(cluster("3.4.1"), { env: { FINALIZE: "true", HDFS_PRINCIPAL: "nn/node-2@EXAMPLE", HDFS_KEYTAB: "/etc/keytab", TICKET_USES: "1" } });
    assert.equal(r.status, 0, r.output);
    assert.doesNotMatch(r.output, /GSS initiate failed/);
    assert.equal(r.log.at(-1), "finalize");
    // One at the start, then one before each hdfs command.
    assert.equal(r.kinits, r.hdfsCalls + 1, `${r.kinits} tickets for ${r.hdfsCalls} hdfs commands`);
    assert.ok(r.hdfsCalls >= 6, `${r.hdfsCalls} hdfs commands`);
  });

  it("goes on where a failed run stopped: pods at their version are left alone, an upgrade already prepared is not prepared again", async () => {
    const pods = cluster("3.4.1").map((p) => (p.role === "journalnode" || p.node === "node-5" ? { ...p, version: "3.5.0" } : p));
    const r = await run(pods, { active: "node-2", state: "prepared" });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.log, ["delete nn-node-8", "failover nn-node-2 nn-node-5", "delete nn-node-2", "delete dn-node-2", "delete dn-node-3", "delete dn-node-8"]);
  });

  it("with nothing to replace and finalize set: only the finalize", async () => {
    const r = await run(cluster("3.5.0"), { state: "prepared", env: { FINALIZE: "true" } });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.log, ["finalize"]);
  });

  it("DataNodes in batches of DATANODES_AT_ONCE", async () => {
    const r = await run(cluster("3.4.1"), { env: { DATANODES_AT_ONCE: "2" } });
    assert.equal(r.status, 0, r.output);
    // Two deleted, then both waited for (their replacements listed), then the next two.
    const batches = r.output.split("\n").filter((l) => /DataNode on node-\d: (deleting|dn-node-\d-new serving)/.test(l)).map((l) => l.replace(/^rolling-upgrade: DataNode on (node-\d): (deleting|dn).*/, "$2 $1"));
    assert.deepEqual(batches, ["deleting node-2", "deleting node-3", "dn node-2", "dn node-3", "deleting node-5", "deleting node-8", "dn node-5", "dn node-8"]);
  });

  it("downgrade within the unfinalized upgrade: the DataNodes first, then the NameNodes (standbys first), then the JournalNodes; no prepare", async () => {
    const r = await run(cluster("3.5.0"), { target: "3.4.1", state: "prepared", active: "node-5" });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.log, [
      "delete dn-node-2", "delete dn-node-3", "delete dn-node-5", "delete dn-node-8",
      "delete nn-node-2", "delete nn-node-8", "failover nn-node-5 nn-node-2", "delete nn-node-5",
      "delete jn-node-2", "rollEdits", "delete jn-node-5", "rollEdits", "delete jn-node-8", "rollEdits",
    ]);
  });

  it("refuses a downgrade once the upgrade is finalized, saying why, before deleting anything", async () => {
    const r = await run(cluster("3.5.0"), { target: "3.4.1", state: "none" });
    assert.equal(r.status, 1);
    assert.deepEqual(r.log, []);
    assert.match(r.output, /FAILED: a downgrade to Hadoop 3\.4\.1 needs the rolling upgrade from it not finalized .*docs\/runbooks\.md, Upgrade Hadoop/);
  });

  it("a standalone NameNode: prepare, then it is replaced (HDFS down meanwhile), then the DataNodes", async () => {
    const pods = cluster("3.4.1").filter((p) => p.role !== "journalnode" && (p.role !== "namenode" || p.node === "node-2"));
    const r = await run(pods, { ha: false });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.log, ["prepare", "delete nn-node-2", "delete dn-node-2", "delete dn-node-3", "delete dn-node-5", "delete dn-node-8"]);
    assert.match(r.output, /standalone: HDFS is unavailable until it serves again/);
  });
});

describe("namenode-start.sh", () => {
  const start = path.join(__dirname, "..", "..", "..", "components", "assets", "namenode-start.sh");
  /** The arguments `hdfs` is started with for a name directory holding `files` (under current/). */
  function started(files: string[]): string {
    const dir = tempDir("namenode-start-");
    fs.mkdirSync(path.join(dir, "name", "current"), { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(dir, "name", "current", f), "");
    fs.writeFileSync(path.join(dir, "hdfs"), `#!/bin/sh\necho "hdfs $*"\n`, { mode: 0o755 });
    const r = spawnSync("sh", [start, path.join(dir, "name")], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    return r.stdout.trim().split("\n").at(-1)!;
  }
  it("starts `hdfs namenode`, with `-rollingUpgrade started` while the name directory holds a rollback image (prepared, not finalized)", () => {
    assert.equal(started(["fsimage_0000000000000000042", "VERSION"]), "hdfs namenode");
    assert.equal(started([]), "hdfs namenode");
    assert.equal(started(["fsimage_0000000000000000042", "fsimage_rollback_0000000000000000040"]), "hdfs namenode -rollingUpgrade started");
  });
});

describe("HdfsCluster's rolling upgrade", () => {
  const hosts = ["node-2", "node-5", "node-8"];
  async function render(args: HdfsClusterArgs): Promise<RegisteredResource[]> {
    const registered = useMocks();
    new HdfsCluster("hdfs", { security: { mode: "simple" }, nameNodeHosts: hosts, ...args });
    await settled();
    return registered;
  }
  const daemonSets = (r: RegisteredResource[]) => r.filter((x) => x.type === "kubernetes:apps/v1:DaemonSet").map((x) => x.inputs);
  const jobs = (r: RegisteredResource[]) => r.filter((x) => x.type === "kubernetes:batch/v1:Job" && /rolling-upgrade/.test(x.inputs.metadata.name)).map((x) => x.inputs);

  it("hadoopVersion picks every role's image; a role's own image wins", async () => {
    let r = await render({ hadoopVersion: "3.5.0" });
    assert.deepEqual(daemonSets(r).map((d) => d.spec.template.spec.containers[0].image), ["apache/hadoop:3.5.0", "apache/hadoop:3.5.0", "apache/hadoop:3.5.0"]);
    assert.deepEqual(daemonSets(r).map((d) => d.spec.template.metadata.labels["app.kubernetes.io/version"]), ["3.5.0", "3.5.0", "3.5.0"]);
    r = await render({ hadoopVersion: "3.5.0", dataNode: { image: "registry.example/hadoop:3.4.1" } });
    assert.deepEqual(Object.fromEntries(daemonSets(r).map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image])),
      { "hdfs-namenode": "apache/hadoop:3.5.0", "hdfs-journalnode": "apache/hadoop:3.5.0", "hdfs-datanode": "registry.example/hadoop:3.4.1" });
    assert.deepEqual(refusedArgs(() => new HdfsCluster("hdfs", { security: { mode: "simple" }, nameNodeHosts: hosts, hadoopVersion: "3.3.6" as never })),
      ['hadoopVersion: must be one of "3.4.1", "3.5.0", got string "3.3.6"']);
  });

  it("no upgrade under way, finalize not set: the roles' own update strategies, no Job", async () => {
    const r = await render({});
    assert.deepEqual(daemonSets(r).map((d) => d.spec.updateStrategy.type), ["RollingUpdate", "RollingUpdate", "RollingUpdate"]);
    assert.equal(daemonSets(r).some((d) => d.metadata.annotations["pulumi.com/skipAwait"]), false);
    assert.deepEqual(jobs(r), []);
  });

  it("under way: every DaemonSet OnDelete (Pulumi does not wait for a rollout that only the Job makes), and the Job with what it drives", async () => {
    const r = await render({ hadoopVersion: "3.5.0", upgradeInProgress: true, upgradeDataNodesAtOnce: 2 });
    for (const d of daemonSets(r)) {
      assert.deepEqual(d.spec.updateStrategy, { type: "OnDelete" }, d.metadata.name);
      assert.equal(d.metadata.annotations["pulumi.com/skipAwait"], "true");
      assert.equal(d.metadata.annotations["k8s-daemonsets/allow-on-delete"], "true");
    }
    const [job] = jobs(r);
    assert.equal(job.metadata.name, rollingUpgradeJobName("hdfs-namenode", { nameNode: "3.5.0", journalNode: "3.5.0", dataNode: "3.5.0" }, false));
    const spec = job.spec.template.spec;
    assert.equal(spec.serviceAccountName, "hdfs-namenode-rolling-upgrade");
    assert.equal(spec.automountServiceAccountToken, true);
    assert.deepEqual(spec.containers[0].command, ["bash", "/etc/hdfs-scripts/hdfs-rolling-upgrade.sh"]);
    const env = Object.fromEntries(spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    assert.equal(env.NAMENODE_PODS, "app.kubernetes.io/name=hdfs-namenode,app.kubernetes.io/instance=hdfs-namenode");
    assert.equal(env.DATANODE_VERSION, "3.5.0");
    assert.equal(env.NAMENODE_IDS, "node-2=nn-node-2 node-5=nn-node-5 node-8=nn-node-8");
    assert.equal(env.DATANODES_AT_ONCE, "2");
    assert.equal(env.FINALIZE, "false");
    // The Job's API rights: the namespace's pods, to list and delete, nothing else.
    const role = r.find((x) => x.type === "kubernetes:rbac.authorization.k8s.io/v1:Role")!.inputs;
    assert.deepEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] }]);
    // The Job's own ConfigMap carries the site, the driver and its JMX reader; the NameNodes' does not (their
    // config hash, and so their pods, do not depend on the driver).
    const cm = (n: string) => r.find((x) => x.type === "kubernetes:core/v1:ConfigMap" && x.inputs.metadata.name === n)!.inputs;
    assert.ok(cm("hdfs-namenode-rolling-upgrade-config").data["hdfs-rolling-upgrade.sh"] && cm("hdfs-namenode-rolling-upgrade-config").data["hdfs-site.xml"]);
    assert.equal(cm("hdfs-namenode-config").data["hdfs-rolling-upgrade.sh"], undefined);
    assert.deepEqual(spec.volumes.filter((v: any) => v.configMap).map((v: any) => v.configMap.name), ["hdfs-namenode-rolling-upgrade-config", "hdfs-namenode-rolling-upgrade-config"]);
  });

  it("the Job's deadline (and Pulumi's wait for it) grows with the DataNodes the cluster has, a timeout per batch", async () => {
    const deadline = async (args: HdfsClusterArgs) => {
      const [job] = jobs(await render({ hadoopVersion: "3.5.0", upgradeInProgress: true, upgradePodTimeoutSeconds: 60, ...args }));
      assert.equal(job.metadata.annotations["pulumi.com/timeoutSeconds"], String(job.spec.activeDeadlineSeconds + 120));
      return job.spec.activeDeadlineSeconds;
    };
    // three NameNodes twice, three JournalNodes, the DataNodes' batches and the prepare, at 60 s each; 600 s to spare
    assert.equal(await deadline({ upgradeDataNodePods: 3 }), 60 * (6 + 3 + 3 + 1) + 600);
    assert.equal(await deadline({ upgradeDataNodePods: 200 }), 60 * (6 + 3 + 200 + 1) + 600);
    assert.equal(await deadline({ upgradeDataNodePods: 200, upgradeDataNodesAtOnce: 2 }), 60 * (6 + 3 + 100 + 1) + 600);
    assert.equal(rollingUpgradeDeadlineSeconds({ podTimeoutSeconds: 60, nameNodeHosts: ["node-2"], journalNodes: 0, dataNodePods: 5, dataNodesAtOnce: 1 }), 60 * (2 + 0 + 5 + 1) + 600);
  });

  it("after an upgrade that ran unfinalized: its Job kept (the record); with finalize set, a Job of another name that finalizes; a retry of a failed Job gets a new name", async () => {
    // The stack's versions: the default's, every role.
    const atDefault = { nameNode: defaultHadoopVersion, journalNode: defaultHadoopVersion, dataNode: defaultHadoopVersion };
    assert.deepEqual(jobs(await render({ finalizeUpgrade: true })), [], "nothing to finalize");
    const kept = jobs(await render({ upgradeUnfinalized: true }));
    assert.deepEqual(kept.map((j) => j.metadata.name), [rollingUpgradeJobName("hdfs-namenode", atDefault, false)]);
    const r = await render({ finalizeUpgrade: true, upgradeUnfinalized: true });
    const [job] = jobs(r);
    assert.equal(job.metadata.name, rollingUpgradeJobName("hdfs-namenode", atDefault, true));
    assert.notEqual(job.metadata.name, rollingUpgradeJobName("hdfs-namenode", atDefault, false));
    assert.notEqual(job.metadata.name, rollingUpgradeJobName("hdfs-namenode", atDefault, true, "uid-1"));
    assert.equal(job.spec.template.spec.containers[0].env.find((e: any) => e.name === "FINALIZE").value, "true");
    assert.deepEqual(daemonSets(r).map((d) => d.spec.updateStrategy.type), ["RollingUpdate", "RollingUpdate", "RollingUpdate"]);
  });

  it("the DataNodes' preStop hook stops them the upgrade's way; more DataNodes at once than replicas is refused", async () => {
    const r = await render({});
    const dn = daemonSets(r).find((d) => d.metadata.name === "hdfs-datanode")!.spec.template.spec.containers[0];
    assert.deepEqual(dn.lifecycle.preStop.exec.command, ["bash", "/etc/hdfs-scripts/datanode-prestop.sh"]);
    assert.deepEqual(refusedArgs(() => new HdfsCluster("hdfs", { security: { mode: "simple" }, nameNodeHosts: hosts, upgradeDataNodesAtOnce: 3 })),
      ["upgradeDataNodesAtOnce: 3 DataNodes stopped at once during a rolling upgrade could hold every replica of a block (replication: 3): must be fewer"]);
  });

  it("daemonSetUpgrading: a deployed version other than the plan's, or an OnDelete DaemonSet with pods still to replace", () => {
    const ds = (version: string, type: string, updated: number) => ({
      spec: { updateStrategy: { type }, template: { metadata: { labels: { "app.kubernetes.io/version": version } } } },
      status: { desiredNumberScheduled: 3, updatedNumberScheduled: updated },
    });
    assert.equal(daemonSetUpgrading(undefined, "3.5.0"), false);
    assert.equal(daemonSetUpgrading(ds("3.4.1", "RollingUpdate", 3), "3.5.0"), true);
    assert.equal(daemonSetUpgrading(ds("3.5.0", "OnDelete", 1), "3.5.0"), true);
    assert.equal(daemonSetUpgrading(ds("3.5.0", "OnDelete", 3), "3.5.0"), false);
    // A RollingUpdate in progress (a changed property) is the DaemonSet's own.
    assert.equal(daemonSetUpgrading(ds("3.5.0", "RollingUpdate", 1), "3.5.0"), false);
    // Deployed before the version label: its image's tag says the version (a new default image is an upgrade).
    const unlabelled = (image: string) => ({ spec: { updateStrategy: { type: "RollingUpdate" }, template: { spec: { containers: [{ image }] } } } });
    assert.equal(daemonSetUpgrading(unlabelled("apache/hadoop:3.4.1"), "3.5.0"), true);
    assert.equal(daemonSetUpgrading(unlabelled("apache/hadoop:3.5.0"), "3.5.0"), false);
  });
});
