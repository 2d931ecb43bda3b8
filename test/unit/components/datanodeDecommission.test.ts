// The decommission step (components/assets/datanode-decommission.sh), run for real with bash against a stub
// `hdfs` whose `dfsadmin -report` answers, round after round, what a NameNode reports while it drains DataNodes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../support/tempDirs";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "datanode-decommission.sh");

/** `hdfs dfsadmin -report` for DataNodes given as [address, host, status]. */
const report = (nodes: [string, string, string][]) =>
  `Configured Capacity: 1000\n-------------------------------------------------\nLive datanodes (${nodes.length}):\n\n` +
  nodes.map(([ip, host, status]) => `Name: ${ip}:9866 (${host})\nHostname: ${host}\nDecommission Status : ${status}\nConfigured Capacity: 100\n`).join("\n");

/**
 * Runs the step with `rounds` as the reports of successive rounds (the last one repeats); returns its exit status,
 * output and the hdfs commands it ran.
 */
function run(targets: string[], rounds: string[], env: Record<string, string> = {}, opts: { reportFailsRounds?: number } = {}) {
  const dir = tempDir("decommission-");
  rounds.forEach((r, i) => fs.writeFileSync(path.join(dir, `report.${i}`), r));
  if (opts.reportFailsRounds) fs.writeFileSync(path.join(dir, "report-fails"), String(opts.reportFailsRounds));
  // Kerberos (HDFS_PRINCIPAL set): a ticket from kinit is good for TICKET_USES commands, then expired.
  fs.writeFileSync(path.join(dir, "kinit"), `#!/bin/bash
echo "$*" >> "${dir}/kinits"; echo "\${TICKET_USES:-1000}" > "${dir}/ticket"
`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "hdfs"), `#!/bin/bash
echo "$*" >> "${dir}/calls"
if [ -n "\${HDFS_PRINCIPAL:-}" ]; then
  uses=$(cat "${dir}/ticket" 2>/dev/null || echo 0)
  if [ "$uses" -le 0 ]; then echo "GSS initiate failed [Caused by GSSException: No valid credentials provided (Failed to find any Kerberos tgt)]" >&2; exit 255; fi
  echo $((uses - 1)) > "${dir}/ticket"
fi
if [ -f "${dir}/report-fails" ] && [ "$*" = "dfsadmin -report" ] && [ "$(grep -c -- '-refreshNodes' "${dir}/calls")" -le "$(cat "${dir}/report-fails")" ]; then
  echo "report: Call From node-2 to node-2:8020 failed on connection exception" >&2; exit 255
fi
n=$(grep -c -- '-refreshNodes' "${dir}/calls")
last=$(( ${rounds.length} - 1 )); i=$(( n - 1 < last ? n - 1 : last ))
case "$*" in
  "dfsadmin -refreshNodes") echo "Refresh nodes successful" ;;
  "dfsadmin -report") cat "${dir}/report.$i" ;;
  "dfsadmin -report -decommissioning") echo "Name: 10.0.0.3:9866 (node-3)"; echo "Decommission Status : Decommission in progress"; echo "Under replicated blocks: 7" ;;
  "fsck /") echo "/data/f1: Under replicated BP-1:blk_1073741825_1001. Target Replicas is 3 but found 2 live replica(s)" ;;
esac
`, { mode: 0o755 });
  const r = spawnSync("bash", [script, ...targets], { env: { PATH: `${dir}:/usr/bin:/bin`, POLL_SECONDS: "0", ...env }, encoding: "utf8" });
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8").trim().split("\n") : []);
  const result = { status: r.status, output: r.stdout + r.stderr, calls: read("calls"), kinits: read("kinits") };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

const normal = report([["10.0.0.2", "node-2", "Normal"], ["10.0.0.3", "node-3", "Normal"], ["10.0.0.5", "node-5", "Normal"]]);
const draining = report([["10.0.0.2", "node-2", "Normal"], ["10.0.0.3", "node-3", "Decommission in progress"], ["10.0.0.5", "node-5", "Normal"]]);
const drained = report([["10.0.0.2", "node-2", "Normal"], ["10.0.0.3", "node-3", "Decommissioned"], ["10.0.0.5", "node-5", "Normal"]]);

describe("datanode-decommission.sh", () => {
  it("refreshes the NameNodes every round until the listed DataNode is Decommissioned (the NameNodes see the file late), then succeeds", () => {
    const r = run(["10.0.0.3"], [normal, draining, draining, drained]);
    assert.equal(r.status, 0, r.output);
    assert.equal(r.calls.filter((c) => c === "dfsadmin -refreshNodes").length, 4);
    assert.match(r.output, /decommission: waiting: 10\.0\.0\.3 \(Normal\)/);
    assert.match(r.output, /decommission: waiting: 10\.0\.0\.3 \(Decommission in progress\)/);
    assert.match(r.output, /decommission: done after \d+ s: 10\.0\.0\.2 Normal;10\.0\.0\.3 Decommissioned;10\.0\.0\.5 Normal;/);
  });

  it("recommissions: with nothing listed, it waits until every DataNode is back in service", () => {
    const r = run([], [drained, normal]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /waiting: 10\.0\.0\.3 \(Decommissioned, to be back in service\)/);
    assert.equal(r.calls.filter((c) => c === "dfsadmin -refreshNodes").length, 2);
  });

  it("a listed DataNode the NameNode does not know has nothing to drain", () => {
    const r = run(["10.0.0.9"], [normal]);
    assert.equal(r.status, 0, r.output);
  });

  it("a report that failed is not read as no DataNode left to drain: it waits until a report says Decommissioned", () => {
    const r = run(["10.0.0.3"], [draining, draining, draining, drained], {}, { reportFailsRounds: 2 });
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /decommission: dfsadmin -report failed: .*connection exception/);
    assert.match(r.output, /decommission: waiting: the NameNode's report/);
    assert.match(r.output, /decommission: done after \d+ s: .*10\.0\.0\.3 Decommissioned/);
    assert.equal(r.calls.filter((c) => c === "dfsadmin -refreshNodes").length, 4);
  });

  it("with Kerberos, a ticket from the keytab every round: a drain outlives any one ticket", () => {
    // Each ticket is good for 2 commands (one round's refresh and report): a drain of 6 rounds needs 6.
    const rounds = [normal, draining, draining, draining, draining, drained];
    const r = run(["10.0.0.3"], rounds, { HDFS_PRINCIPAL: "nn/node-2@EXAMPLE", HDFS_KEYTAB: "/etc/keytab", TICKET_USES: "2" });
    assert.equal(r.status, 0, r.output);
    assert.doesNotMatch(r.output, /GSS initiate failed/);
    assert.match(r.output, /decommission: done after \d+ s: .*10\.0\.0\.3 Decommissioned/);
    assert.equal(r.kinits.length, 1 + rounds.length);
    assert.equal(r.kinits[0], "-k -t /etc/keytab nn/node-2@EXAMPLE");
  });

  it("fails after its timeout, naming the DataNodes still draining and the blocks still under-replicated", () => {
    const r = run(["10.0.0.3"], [draining], { TIMEOUT_SECONDS: "0" });
    assert.equal(r.status, 1);
    assert.match(r.output, /decommission: timed out after 0 s; still draining: 10\.0\.0\.3 \(Decommission in progress\)/);
    assert.match(r.output, /decommission: {3}Under replicated blocks: 7/);
    assert.match(r.output, /decommission: {3}\/data\/f1: Under replicated BP-1:blk_1073741825_1001\. Target Replicas is 3 but found 2 live replica\(s\)/);
  });
});
