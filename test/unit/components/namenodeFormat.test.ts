// The NameNode's format step, run for real against temporary name directories, with a stub `hdfs` that
// records how it was called.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../support/tempDirs";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "namenode-format.sh");

/** The standalone NameNode's first start (no HA settings). */
function runFormat(prepare: (nameDir: string) => void) {
  return runScript({}, prepare);
}

describe("namenode-format.sh", () => {
  it("formats an empty name directory once, non-interactively, with the cluster id", () => {
    const r = runFormat(() => {});
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.hdfsCalls, ["namenode -format -nonInteractive -clusterId cid-1"]);
  });

  it("formats a fresh disk that only holds lost+found (which Hadoop refuses: through a staging directory)", () => {
    const r = runFormat((dir) => fs.mkdirSync(path.join(dir, "lost+found")));
    assert.equal(r.status, 0, r.output);
    assert.equal(r.hdfsCalls.length, 1);
    assert.deepEqual(r.after, ["current", "current/VERSION", "lost+found"]);
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

  it("with the format record (the filesystem exists): an empty directory is refused with the recovery steps, never formatted; existing metadata is kept", () => {
    const record = (content: string) => {
      const file = path.join(tempDir("format-record-"), "cluster-id");
      fs.writeFileSync(file, content);
      return { FORMAT_RECORD: file, FORMAT_RECORD_CONFIGMAP: "hdfs/hdfs-namenode-format-record" };
    };
    let r = runScript(record("cid-1"));
    assert.equal(r.status, 1);
    assert.deepEqual(r.hdfsCalls, []);
    assert.deepEqual(r.after, r.before);
    assert.match(r.output, /is empty, but cluster cid-1 was formatted and served before \(ConfigMap hdfs\/hdfs-namenode-format-record\): refusing to format a new, empty namespace/);
    assert.match(r.output, /recover: if the name directory's disk is not mounted, mount it; .* kubectl delete configmap -n hdfs hdfs-namenode-format-record, then delete this pod/);
    r = runScript(record("cid-1"), (dir) => fs.mkdirSync(path.join(dir, "lost+found")));
    assert.equal(r.status, 1, "a fresh disk mounted in place of the lost one is empty too");
    r = runScript(record("cid-1"), (dir) => withMetadata(dir));
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(r.hdfsCalls, []);
    // Absent or empty (the optional volume before the first rollout served): a first start formats.
    r = runScript({ FORMAT_RECORD: "/nonexistent/cluster-id" });
    assert.deepEqual([r.status, r.hdfsCalls], [0, ["namenode -format -nonInteractive -clusterId cid-1"]]);
    r = runScript(record(""));
    assert.deepEqual([r.status, r.hdfsCalls], [0, ["namenode -format -nonInteractive -clusterId cid-1"]]);
  });

  it("fails without NAME_DIR or CLUSTER_ID", () => {
    const result = spawnSync("sh", [script], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /NAME_DIR is not set/);
  });
});

/**
 * Runs the script against a temporary name directory with a stub `hdfs` that records its arguments and
 * behaves like the real subcommands (writes current/VERSION, or fails as told by STUB_* env).
 */
function runScript(env: Record<string, string>, prepare?: (nameDir: string) => void) {
  const root = tempDir("namenode-format-");
  const nameDir = path.join(root, "name");
  const bin = path.join(root, "bin");
  const calls = path.join(root, "calls");
  fs.mkdirSync(nameDir);
  fs.mkdirSync(bin);
  // Like Hadoop: -D dfs.namenode.name.dir overrides the directory; -format and -bootstrapStandby refuse
  // (-nonInteractive) a directory with anything in it; a format refuses JournalNodes that hold edits.
  fs.writeFileSync(path.join(bin, "hdfs"), `#!/bin/sh
dir=$NAME_DIR
if [ "$1 $2" = "namenode -D" ]; then dir=\${3#dfs.namenode.name.dir=file://}; shift 3; set -- namenode "$@"; fi
echo "$*" >> "${calls}"
case "$*" in
  "namenode -format"*|"namenode -bootstrapStandby"*)
    if [ -n "$(ls -A "$dir")" ]; then echo "Running in non-interactive mode, and data appears to exist in Storage Directory $dir. Not formatting." >&2; exit 1; fi
    case "$*" in "namenode -format"*) if [ -n "\${STUB_JN_DATA:-}" ]; then echo "Running in non-interactive mode, and data appears to exist in QJM to [node-2:8485]. Not formatting." >&2; exit 1; fi ;; esac
    mkdir -p "$dir/current"
    if [ -n "\${STUB_FAIL:-}" ]; then echo half > "$dir/current/fsimage.ckpt"; echo "stub: failed" >&2; exit 1; fi
    echo "clusterID=x" > "$dir/current/VERSION" ;;
  "namenode -initializeSharedEdits"*) exit "\${STUB_INIT_EXIT:-0}" ;;
  "zkfc -formatZK"*) echo "\${STUB_ZK_OUT:-formatted}"; exit "\${STUB_ZK_EXIT:-0}" ;;
esac
`, { mode: 0o755 });
  prepare?.(nameDir);
  const list = () => fs.readdirSync(nameDir, { recursive: true }).map(String).sort();
  const before = list();
  const result = spawnSync("sh", [script], {
    env: { PATH: `${bin}:/usr/bin:/bin`, NAME_DIR: nameDir, CLUSTER_ID: "cid-1", ...env },
    encoding: "utf8",
  });
  return {
    status: result.status,
    output: result.stdout + result.stderr,
    hdfsCalls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
    before,
    after: list(),
  };
}

/** An HA NameNode's first start on `node`. */
function runHa(opts: { node: string; formatHost?: string; zkfc?: boolean; stub?: Record<string, string>; prepare?: (nameDir: string) => void }) {
  return runScript(
    { HA: "true", NODE_NAME: opts.node, FORMAT_HOST: opts.formatHost ?? "node-2", ZKFC_FORMAT: String(opts.zkfc ?? false), ...opts.stub },
    opts.prepare,
  );
}

const withMetadata = (dir: string, ...markers: string[]) => {
  fs.mkdirSync(path.join(dir, "current"));
  fs.writeFileSync(path.join(dir, "current", "VERSION"), "clusterID=old\n");
  fs.writeFileSync(path.join(dir, "current", "fsimage_0000000000000000042"), "image");
  for (const m of markers) fs.writeFileSync(path.join(dir, m), "");
};
const HA_MARKER = ".k8s-daemonsets-ha";
const ZK_MARKER = ".k8s-daemonsets-zkfc-formatted";

describe("namenode-format.sh in an HA nameservice", () => {
  describe("on the formatting host", () => {
    it("with the format record, an empty directory is bootstrapped from a running NameNode, never formatted", () => {
      const file = path.join(tempDir("format-record-"), "cluster-id");
      fs.writeFileSync(file, "cid-1");
      const r = runHa({ node: "node-2", stub: { FORMAT_RECORD: file } });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -bootstrapStandby -nonInteractive"]);
      assert.ok(r.after.includes(HA_MARKER));
      assert.match(r.output, /the nameservice was formatted and served before \(the format record\): this host lost its metadata; bootstrapping/);
    });

    it("formats an empty directory (which formats the JournalNodes too) and marks it HA; no -initializeSharedEdits", () => {
      const r = runHa({ node: "node-2" });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -format -nonInteractive -clusterId cid-1"]);
      assert.ok(r.after.includes(HA_MARKER));
      assert.match(r.output, /JournalNodes must be running/);
    });

    it("with automatic failover: formats, then initialises ZooKeeper once and marks it", () => {
      const r = runHa({ node: "node-2", zkfc: true });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -format -nonInteractive -clusterId cid-1", "zkfc -formatZK -nonInteractive"]);
      assert.ok(r.after.includes(ZK_MARKER));
    });

    it("keeps HA metadata as it is: no hdfs call at all", () => {
      const r = runHa({ node: "node-2", zkfc: true, prepare: (d) => withMetadata(d, HA_MARKER, ZK_MARKER) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, []);
      assert.deepEqual(r.after, r.before);
    });

    it("a standalone NameNode's metadata becoming HA: -initializeSharedEdits once, never a format", () => {
      const r = runHa({ node: "node-2", prepare: (d) => withMetadata(d) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -initializeSharedEdits -nonInteractive"]);
      assert.deepEqual(r.after, [...r.before, HA_MARKER].sort());
    });

    it("fails, metadata untouched and unmarked, when -initializeSharedEdits refuses (JournalNodes down or not empty)", () => {
      const r = runHa({ node: "node-2", stub: { STUB_INIT_EXIT: "1" }, prepare: (d) => withMetadata(d) });
      assert.equal(r.status, 1);
      assert.deepEqual(r.after, r.before);
      assert.match(r.output, /initializeSharedEdits failed/);
    });

    it("automatic failover turned on later: -formatZK once on existing metadata", () => {
      const r = runHa({ node: "node-2", zkfc: true, prepare: (d) => withMetadata(d, HA_MARKER) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["zkfc -formatZK -nonInteractive"]);
      assert.deepEqual(r.after, [...r.before, ZK_MARKER].sort());
    });

    it("a failover znode that already exists (-formatZK exits 2) is left as it is and marked", () => {
      const r = runHa({ node: "node-2", zkfc: true, stub: { STUB_ZK_EXIT: "2" }, prepare: (d) => withMetadata(d, HA_MARKER) });
      assert.equal(r.status, 0, r.output);
      assert.ok(r.after.includes(ZK_MARKER));
      assert.match(r.output, /already exists/);
    });

    for (const [name, stub] of [
      ["ZooKeeper unreachable (-formatZK exits 6)", { STUB_ZK_EXIT: "6" }],
      ["a FATAL error behind exit code 0", { STUB_ZK_OUT: "FATAL ha.ZKFailoverController: Unable to start" }],
    ] as const) {
      it(`fails without a marker on ${name}, so the next start tries again`, () => {
        const r = runHa({ node: "node-2", zkfc: true, stub, prepare: (d) => withMetadata(d, HA_MARKER) });
        assert.equal(r.status, 1);
        assert.ok(!r.after.includes(ZK_MARKER));
        assert.deepEqual(r.after, r.before);
      });
    }

    it("an empty directory while the JournalNodes hold the nameservice's edits (this host lost its disk): bootstraps, never formats", () => {
      const r = runHa({ node: "node-2", stub: { STUB_JN_DATA: "1" }, prepare: (d) => fs.mkdirSync(path.join(d, "lost+found")) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -format -nonInteractive -clusterId cid-1", "namenode -bootstrapStandby -nonInteractive"]);
      assert.deepEqual(r.after, [HA_MARKER, "current", "current/VERSION", "lost+found"].sort());
      assert.match(r.output, /lost its metadata; bootstrapping/);
    });

    it("a format that fails (JournalNodes unreachable) leaves the directory empty for the next try", () => {
      const r = runHa({ node: "node-2", stub: { STUB_FAIL: "1" } });
      assert.equal(r.status, 1);
      assert.deepEqual(r.after, []);
      assert.match(r.output, /left as it was, the next start tries again/);
    });
  });

  describe("on every other NameNode host", () => {
    it("bootstraps an empty directory from a running NameNode, never formats", () => {
      const r = runHa({ node: "node-5", zkfc: true });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -bootstrapStandby -nonInteractive"]);
      assert.ok(r.after.includes(HA_MARKER));
      assert.ok(!r.after.includes(ZK_MARKER));
    });

    it("bootstraps onto a fresh filesystem holding only lost+found", () => {
      const r = runHa({ node: "node-5", prepare: (d) => fs.mkdirSync(path.join(d, "lost+found")) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.after, [HA_MARKER, "current", "current/VERSION", "lost+found"].sort());
    });

    it("a failed bootstrap (no NameNode running yet) leaves the directory empty for the next try", () => {
      const r = runHa({ node: "node-5", stub: { STUB_FAIL: "1" } });
      assert.equal(r.status, 1);
      assert.deepEqual(r.after, []);
    });

    it("keeps existing metadata, and never touches ZooKeeper", () => {
      const r = runHa({ node: "node-5", zkfc: true, prepare: (d) => withMetadata(d, HA_MARKER) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, []);
      assert.deepEqual(r.after, r.before);
    });

    it("a lost+found-only disk bootstraps", () => {
      const r = runHa({ node: "node-5", prepare: (d) => fs.mkdirSync(path.join(d, "lost+found")) });
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(r.hdfsCalls, ["namenode -bootstrapStandby -nonInteractive"]);
    });
  });

  it("refuses data without current/VERSION on every host, and leaves it untouched", () => {
    for (const node of ["node-2", "node-5"]) {
      const r = runHa({ node, prepare: (d) => { fs.mkdirSync(path.join(d, "current")); fs.writeFileSync(path.join(d, "current", "edits_1"), "x"); } });
      assert.equal(r.status, 1);
      assert.deepEqual(r.hdfsCalls, []);
      assert.deepEqual(r.after, r.before);
      assert.match(r.output, /refusing to format/);
    }
  });

  it("fails without NODE_NAME or FORMAT_HOST in HA mode", () => {
    const result = spawnSync("sh", [script], { env: { PATH: "/usr/bin:/bin", NAME_DIR: "/nonexistent", CLUSTER_ID: "c", HA: "true" }, encoding: "utf8" });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /NODE_NAME is not set/);
  });
});
