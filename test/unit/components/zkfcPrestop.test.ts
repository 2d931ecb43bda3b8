// The zkfc container's preStop hook, run for real with bash against a TCP listener standing in for the NameNode's
// RPC port: it returns only after the port has closed (plus the settle time), and never waits past WAIT_SECONDS.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { describe, it } from "node:test";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "zkfc-prestop.sh");

function listen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.destroy());
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Runs the hook against `port` (undefined: not set); resolves with the milliseconds it took, when it exited, its exit status and output. */
function runHook(port: number | undefined, env: Record<string, string>): Promise<{ ms: number; exitedAt: number; status: number | null; output: string }> {
  const start = Date.now();
  const child = spawn("bash", [script], { env: { PATH: "/usr/bin:/bin", ...(port === undefined ? {} : { NAMENODE_RPC_PORT: String(port) }), ...env } });
  let output = "";
  child.stdout.on("data", (b) => (output += b));
  child.stderr.on("data", (b) => (output += b));
  return new Promise((resolve) => child.on("exit", (status) => resolve({ ms: Date.now() - start, exitedAt: Date.now(), status, output })));
}

// The cases wait on timers and child processes, not on each other: they run at once.
describe("zkfc-prestop.sh", { concurrency: true }, () => {
  it("holds the ZKFC while the NameNode's port is open, and returns the settle time after it closed", async () => {
    const server = await listen();
    const port = (server.address() as net.AddressInfo).port;
    const hook = runHook(port, { WAIT_SECONDS: "20", SETTLE_SECONDS: "0.3", POLL_SECONDS: "0.05" });
    await new Promise((r) => setTimeout(r, 300));
    const closedAt = Date.now();
    server.close();
    const r = await hook;
    assert.equal(r.status, 0, r.output);
    const afterClose = r.exitedAt - closedAt;
    assert.ok(afterClose >= 300, `returned ${afterClose} ms after the port closed, before the settle time (0.3 s)`);
    assert.ok(afterClose < 1500, `returned ${afterClose} ms after the port closed: it did not notice`);
  });

  it("with the NameNode already stopped: only the settle time", async () => {
    const server = await listen();
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const r = await runHook(port, { WAIT_SECONDS: "20", SETTLE_SECONDS: "0.3", POLL_SECONDS: "0.05" });
    assert.equal(r.status, 0, r.output);
    assert.ok(r.ms >= 300 && r.ms < 1500, `took ${r.ms} ms`);
  });

  it("a NameNode that never stops holds it WAIT_SECONDS at most", async () => {
    const server = await listen();
    const port = (server.address() as net.AddressInfo).port;
    const r = await runHook(port, { WAIT_SECONDS: "0.4", SETTLE_SECONDS: "0", POLL_SECONDS: "0.05" });
    server.close();
    assert.equal(r.status, 0, r.output);
    assert.ok(r.ms >= 400 && r.ms < 2000, `took ${r.ms} ms`);
  });

  it("refuses to run without the port", async () => {
    const r = await runHook(undefined, {});
    assert.notEqual(r.status, 0);
    assert.match(r.output, /NAMENODE_RPC_PORT is not set/);
  });
});
