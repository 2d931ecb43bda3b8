// The NameNode's format step, run for real against temporary name directories, with a stub `hdfs` that
// records how it was called.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "namenode-format.sh");

function runFormat(prepare: (nameDir: string) => void) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "namenode-format-"));
  const nameDir = path.join(root, "name");
  const bin = path.join(root, "bin");
  const calls = path.join(root, "calls");
  fs.mkdirSync(nameDir);
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "hdfs"), `#!/bin/sh\necho "$@" >> "${calls}"\nmkdir -p "$NAME_DIR/current" && echo "clusterID=x" > "$NAME_DIR/current/VERSION"\n`, { mode: 0o755 });
  prepare(nameDir);
  const before = fs.readdirSync(nameDir, { recursive: true }).sort();
  const result = spawnSync("sh", [script], {
    env: { PATH: `${bin}:/usr/bin:/bin`, NAME_DIR: nameDir, CLUSTER_ID: "cid-1" },
    encoding: "utf8",
  });
  return {
    status: result.status,
    output: result.stdout + result.stderr,
    hdfsCalls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
    before,
    after: fs.readdirSync(nameDir, { recursive: true }).sort(),
  };
}

describe("namenode-format.sh", () => {
  it("formats an empty name directory once, non-interactively, with the cluster id", () => {
    const r = runFormat(() => {});
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.hdfsCalls, ["namenode -format -nonInteractive -clusterId cid-1"]);
  });

  it("formats a fresh disk that only holds lost+found", () => {
    const r = runFormat((dir) => fs.mkdirSync(path.join(dir, "lost+found")));
    assert.equal(r.status, 0, r.output);
    assert.equal(r.hdfsCalls.length, 1);
  });

  it("never formats existing metadata (current/VERSION present)", () => {
    const r = runFormat((dir) => {
      fs.mkdirSync(path.join(dir, "current"));
      fs.writeFileSync(path.join(dir, "current", "VERSION"), "clusterID=old\n");
      fs.writeFileSync(path.join(dir, "current", "fsimage_0000000000000000042"), "image");
    });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.hdfsCalls, []);
    assert.deepEqual(r.after, r.before);
    assert.match(r.output, /keeping the existing metadata/);
  });

  it("refuses a directory with data but no VERSION, and leaves it untouched", () => {
    const r = runFormat((dir) => {
      fs.mkdirSync(path.join(dir, "current"));
      fs.writeFileSync(path.join(dir, "current", "edits_inprogress_1"), "edits");
    });
    assert.equal(r.status, 1);
    assert.deepEqual(r.hdfsCalls, []);
    assert.deepEqual(r.after, r.before);
    assert.match(r.output, /refusing to format/);
  });

  it("fails without NAME_DIR or CLUSTER_ID", () => {
    const result = spawnSync("sh", [script], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /NAME_DIR is not set/);
  });
});
