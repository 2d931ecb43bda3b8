// The NameNode's postStart hook in an HA nameservice without ZooKeeper, run for real with a stub `hdfs` that
// answers haadmin as told and records its calls.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../support/tempDirs";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "namenode-activate.sh");

/**
 * Runs the hook on `node` (the formatting host is node-2) with haadmin's answers given by STUB_* variables: the
 * transition fails `transitionFailures` times with `transitionExit`, then succeeds (default: always that exit).
 * The hook keeps trying for `waitSeconds` (default 0: one try), 50 ms apart.
 */
function activate(node: string, stub: { own?: string; all?: string; transitionExit?: number; transitionFailures?: number }, waitSeconds = 0) {
  const root = tempDir("namenode-activate-");
  const calls = path.join(root, "calls");
  fs.writeFileSync(path.join(root, "hdfs"), `#!/bin/sh
echo "$*" >> "${calls}"
case "$*" in
  "haadmin -getServiceState"*) [ -n "$STUB_OWN" ] || exit 255; echo "$STUB_OWN" ;;
  "haadmin -getAllServiceState") printf "$STUB_ALL" ;;
  "haadmin -transitionToActive"*)
    n=$(grep -c transitionToActive "${calls}")
    [ -n "$STUB_TRANSITION_FAILURES" ] && [ "$n" -gt "$STUB_TRANSITION_FAILURES" ] && exit 0
    exit "$STUB_TRANSITION_EXIT" ;;
esac
`, { mode: 0o755 });
  const r = spawnSync("sh", [script], {
    env: {
      PATH: `${root}:/usr/bin:/bin`, NODE_NAME: node, FORMAT_HOST: "node-2", NAMENODE_ID: "nn-node-2",
      ACTIVATE_WAIT_SECONDS: String(waitSeconds), ACTIVATE_RETRY_SECONDS: "0.05", ACTIVATE_LOG: path.join(root, "log"),
      STUB_OWN: stub.own ?? "", STUB_ALL: stub.all ?? "", STUB_TRANSITION_EXIT: String(stub.transitionExit ?? 0),
      STUB_TRANSITION_FAILURES: stub.transitionFailures === undefined ? "" : String(stub.transitionFailures),
    },
    encoding: "utf8",
    timeout: 20_000,
  });
  const log = path.join(root, "log");
  return {
    status: r.status,
    calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
    output: r.stdout + r.stderr + (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""),
  };
}

const allStandby = "node-2:8020 standby\\nnode-5:8020 standby\\nnode-8:8020 standby\\n";

describe("namenode-activate.sh", () => {
  it("on the formatting host, with no active NameNode: makes its own NameNode active", () => {
    const r = activate("node-2", { own: "standby", all: allStandby });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.calls, ["haadmin -getServiceState nn-node-2", "haadmin -getAllServiceState", "haadmin -transitionToActive nn-node-2"]);
  });

  it("does nothing while another NameNode is active (after a failover the returning one stays standby)", () => {
    const r = activate("node-2", { own: "standby", all: "node-2:8020 standby\\nnode-5:8020 active\\n" });
    assert.equal(r.status, 0);
    assert.ok(!r.calls.some((c) => c.includes("transitionToActive")), r.calls.join("; "));
  });

  it("does nothing on any other host, without calling hdfs at all", () => {
    const r = activate("node-5", { own: "standby", all: allStandby });
    assert.equal(r.status, 0);
    assert.deepEqual(r.calls, []);
  });

  it("tries again while haadmin refuses (another NameNode not answering yet), until the transition succeeds", () => {
    const r = activate("node-2", { own: "standby", all: allStandby, transitionExit: 255, transitionFailures: 2 }, 30);
    assert.equal(r.status, 0);
    assert.equal(r.calls.filter((c) => c.includes("transitionToActive")).length, 3, r.calls.join("; "));
    assert.match(r.output, /nn-node-2 is active/);
  });

  it("never fails the container: a NameNode that does not answer in time, or a refused transition, exits 0", () => {
    const silent = activate("node-2", {});
    assert.equal(silent.status, 0);
    assert.ok(!silent.calls.some((c) => c.includes("transitionToActive")));
    assert.match(silent.output, /not made active within 0s/);
    const refused = activate("node-2", { own: "standby", all: allStandby, transitionExit: 255 });
    assert.equal(refused.status, 0);
    assert.match(refused.output, /not made active within 0s/);
    assert.ok(refused.calls.filter((c) => c.includes("transitionToActive")).length >= 1);
  });
});
