// The zkfc container's preStop hook, run for real with bash against a TCP listener standing in for the NameNode's
// RPC port and another for a ZooKeeper server: it returns only after the port has closed and then the connection
// to ZooKeeper (the ZKFC quit the election), never waiting past WAIT_SECONDS and SETTLE_SECONDS.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../support/tempDirs";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "zkfc-prestop.sh");

/** A listener on 127.0.0.1; it closes what it accepts, or keeps it open (`keep`: a ZooKeeper server's sessions). */
function listen(keep = false): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => (keep ? socket.on("error", () => {}) : socket.destroy()));
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** A port nothing listens on (a NameNode already stopped). */
async function closedPort(): Promise<number> {
  const server = await listen();
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A client connection to 127.0.0.1:`port`, once established. */
function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Runs the hook against `port` (undefined: not set); resolves with the milliseconds it took, when it exited, its exit status, output and what it logged. */
function runHook(port: number | undefined, env: Record<string, string>): Promise<{ ms: number; exitedAt: number; status: number | null; output: string; logged: string }> {
  const start = Date.now();
  const log = path.join(tempDir("zkfc-prestop-"), "log");
  const child = spawn("bash", [script], { env: { PATH: "/usr/bin:/bin", LOG: log, ...(port === undefined ? {} : { NAMENODE_RPC_PORT: String(port) }), ...env } });
  let output = "";
  child.stdout.on("data", (b) => (output += b));
  child.stderr.on("data", (b) => (output += b));
  return new Promise((resolve) => child.on("exit", (status) => {
    const logged = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
    resolve({ ms: Date.now() - start, exitedAt: Date.now(), status, output, logged });
  }));
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

  it("with ZOOKEEPER_QUORUM: after the NameNode stopped, returns once the connection to ZooKeeper has closed, not after the settle time", async () => {
    const zookeeper = await listen(true);
    const zkPort = (zookeeper.address() as net.AddressInfo).port;
    // The ZKFC's session: a connection of a process of this "container" (this test's process) to the quorum's port.
    const session = await connect(zkPort);
    const hook = runHook(await closedPort(), { ZOOKEEPER_QUORUM: `zk-1.example:${zkPort},zk-2.example:${zkPort}`, WAIT_SECONDS: "20", SETTLE_SECONDS: "10", POLL_SECONDS: "0.05" });
    await new Promise((r) => setTimeout(r, 800));
    const quitAt = Date.now();
    session.destroy();
    const r = await hook;
    zookeeper.close();
    assert.equal(r.status, 0, r.output);
    const afterQuit = r.exitedAt - quitAt;
    assert.ok(r.ms >= 800, `returned after ${r.ms} ms, while the ZooKeeper connection was still open`);
    assert.ok(afterQuit < 2000, `returned ${afterQuit} ms after the ZooKeeper connection closed: it did not notice`);
    assert.match(r.logged, /^zkfc-prestop: the NameNode stopped 0\.\d s after the hook began; the ZKFC: its ZooKeeper connections closed [0-9.]+ s later\n$/);
  });

  it("with ZOOKEEPER_QUORUM: a ZooKeeper connection that stays holds it SETTLE_SECONDS at most", async () => {
    const zookeeper = await listen(true);
    const zkPort = (zookeeper.address() as net.AddressInfo).port;
    const session = await connect(zkPort);
    const r = await runHook(await closedPort(), { ZOOKEEPER_QUORUM: `zk-1.example:${zkPort}`, WAIT_SECONDS: "20", SETTLE_SECONDS: "1", POLL_SECONDS: "0.05" });
    session.destroy();
    zookeeper.close();
    assert.equal(r.status, 0, r.output);
    assert.ok(r.ms >= 1000 && r.ms < 3000, `took ${r.ms} ms`);
    assert.match(r.logged, /the ZKFC: its ZooKeeper connections still open after 1\.\d s \(the limit\)/);
  });

  it("with ZOOKEEPER_QUORUM: no socket of any process readable (a ZKFC always holds its RPC listener) is not taken for a quit: it waits SETTLE_SECONDS", async () => {
    // The hook alone in a PID namespace of its own with its own /proc, its descriptors on files: it sees no socket.
    const dir = tempDir("zkfc-prestop-");
    const log = path.join(dir, "log"), output = path.join(dir, "output");
    const start = Date.now();
    const child = spawn("unshare", ["--pid", "--fork", "--mount-proc", "bash", "-c", 'exec </dev/null >"$OUTPUT" 2>&1; exec bash "$0"', script], {
      stdio: "ignore",
      env: { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", LOG: log, OUTPUT: output, NAMENODE_RPC_PORT: String(await closedPort()), ZOOKEEPER_QUORUM: "zk-1.example:2181", WAIT_SECONDS: "20", SETTLE_SECONDS: "1", POLL_SECONDS: "0.05" },
    });
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const ms = Date.now() - start;
    const [logged, out] = [log, output].map((f) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : ""));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(status, 0, out);
    assert.ok(ms >= 1000 && ms < 4000, `took ${ms} ms`);
    assert.match(logged, /the ZKFC: its sockets could not be read \(\/proc\): waited 1\.\d s \(the limit\)\n$/);
  });

  it("refuses to run without the port", async () => {
    const r = await runHook(undefined, {});
    assert.notEqual(r.status, 0);
    assert.match(r.output, /NAMENODE_RPC_PORT is not set/);
  });
});
