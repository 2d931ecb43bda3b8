// The check of an HDFS role's host directories (components/assets/host-directories.sh), run for real with sh
// against directories of a temporary tree and a mount table written for each case (MOUNTINFO; the format of
// /proc/self/mountinfo): it hands the directories over only when every one is what the mode asks for.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../support/tempDirs";

const script = path.join(__dirname, "..", "..", "..", "components", "assets", "host-directories.sh");
const uid = 4242;

/** Two directories, d0 and d1, standing in for the pod's mounts of /data/disk0 and /data/disk1. */
function tree(): { root: string; d0: string; d1: string } {
  const root = tempDir("host-dirs-");
  const d0 = path.join(root, "d0");
  const d1 = path.join(root, "d1");
  fs.mkdirSync(d0);
  fs.mkdirSync(d1);
  return { root, d0, d1 };
}

/** A mount table with one line per (mount point, root of the mount in its filesystem). */
function mountinfo(root: string, mounts: [string, string][]): string {
  const file = path.join(root, "mountinfo");
  const lines = mounts.map(([at, fsRoot], i) => `${100 + i} 1 259:${i} ${fsRoot} ${at} rw,relatime - ext4 /dev/loop${i} rw`);
  fs.writeFileSync(file, [`1 0 8:1 / / rw - ext4 /dev/sda1 rw`, ...lines].join("\n") + "\n");
  return file;
}

function check(mode: string, dirs: [string, string][], env: Record<string, string> = {}): { status: number | null; output: string } {
  const r = spawnSync("sh", [script, mode, "hdfs-datanode hostDirectories", String(uid), ...dirs.flat()], {
    env: { PATH: "/usr/bin:/bin", ...env },
    encoding: "utf8",
  });
  return { status: r.status, output: r.stdout + r.stderr };
}
const owner = (dir: string) => fs.statSync(dir).uid;

describe("host-directories.sh", () => {
  it("create: hands any directory over", () => {
    const t = tree();
    const r = check("create", [[t.d0, "/data/disk0"], [t.d1, "/data/disk1"]]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual([owner(t.d0), owner(t.d1)], [uid, uid]);
  });

  it("mountPoint: the root of a mounted filesystem passes; a directory of the root filesystem, or no mount, is refused by its node path and nothing is handed over", () => {
    const t = tree();
    let r = check("mountPoint", [[t.d0, "/data/disk0"], [t.d1, "/data/disk1"]], { MOUNTINFO: mountinfo(t.root, [[t.d0, "/"], [t.d1, "/"]]) });
    assert.equal(r.status, 0, r.output);
    assert.deepEqual([owner(t.d0), owner(t.d1)], [uid, uid]);

    const u = tree();
    // disk1's directory is a plain directory of the node's root filesystem (its disk not mounted): the pod's bind
    // mount of it has that directory as its root.
    r = check("mountPoint", [[u.d0, "/data/disk0"], [u.d1, "/data/disk1"]], { MOUNTINFO: mountinfo(u.root, [[u.d0, "/"], [u.d1, "/data/disk1"]]) });
    assert.equal(r.status, 1);
    assert.match(r.output, /host-directories: \/data\/disk1 \(on this node; .*\/d1 in the pod\) is not the root of a mounted filesystem \(it is \/data\/disk1 of the filesystem mounted there\): is its disk mounted\? .*\(hdfs-datanode hostDirectories: mountPoint;/);
    assert.doesNotMatch(r.output, /\/data\/disk0 /, "disk0 passes");
    assert.deepEqual([owner(u.d0), owner(u.d1)], [0, 0], "nothing handed over");

    // A later mount over the same point wins (the table's last line for it).
    r = check("mountPoint", [[u.d1, "/data/disk1"]], { MOUNTINFO: mountinfo(u.root, [[u.d1, "/data/disk1"], [u.d1, "/"]]) });
    assert.equal(r.status, 0, r.output);

    r = check("mountPoint", [[u.d0, "/data/disk0"]], { MOUNTINFO: mountinfo(u.root, []) });
    assert.equal(r.status, 1);
    assert.match(r.output, /it is no mount of the filesystem mounted there/);
  });

  it("marker: a directory holding .k8s-daemonsets-volume passes, one without it is refused", () => {
    const t = tree();
    fs.writeFileSync(path.join(t.d0, ".k8s-daemonsets-volume"), "");
    let r = check("marker", [[t.d0, "/data/disk0"]]);
    assert.equal(r.status, 0, r.output);
    assert.equal(owner(t.d0), uid);
    r = check("marker", [[t.d0, "/data/disk0"], [t.d1, "/data/disk1"]]);
    assert.equal(r.status, 1);
    assert.match(r.output, /host-directories: \/data\/disk1 \(on this node; .*\/d1 in the pod\) has no \.k8s-daemonsets-volume: is its disk mounted\?/);
    assert.equal(owner(t.d1), 0);
  });
});
