// The images the local real nodes get (tools/lib.sh builds them; scripts/real-nodes.sh imports them) are the
// ones the components name by default: a version bump on one side only would leave the pods with no image.
// And the scripts' own checks of their environment, made before they read the cluster.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { hadoopVersions, hdfsCommonDefaults } from "../../components/hdfsShared";
import { nodeExporterDefaults } from "../../components/nodeExporter";
import { tempDir } from "../support/tempDirs";

const libSh = path.join(__dirname, "..", "..", "tools", "lib.sh");
/** A variable of tools/lib.sh, as the scripts see it once they source it. */
const toolsVar = (name: string) => execFileSync("bash", ["-c", `source "$0" && printf %s "$${name}"`, libSh], { encoding: "utf8" });

describe("tools/lib.sh", () => {
  it("builds the images the components name by default", () => {
    assert.equal(toolsVar("NODE_EXPORTER_IMAGE"), nodeExporterDefaults.image);
    assert.equal(toolsVar("KUBE_RBAC_PROXY_IMAGE"), nodeExporterDefaults.rbacProxyImage);
    assert.equal(toolsVar("HADOOP_IMAGE"), hdfsCommonDefaults.image);
  });

  it("pins each Hadoop version's jars in its own directory and has a real-node family that builds its image", () => {
    const sh = (script: string) => execFileSync("bash", ["-c", `source "$0" && ${script}`, libSh], { encoding: "utf8" });
    const versions = sh(`printf '%s\\n' "\${HADOOP_VERSIONS[@]}"`).trim().split("\n");
    assert.deepEqual(versions, [toolsVar("HADOOP_PREVIOUS_VERSION"), toolsVar("HADOOP_VERSION")]);
    assert.deepEqual(versions, [...hadoopVersions], "the versions the stack accepts (hdfs.hadoopVersion) are the images built here");
    // The default version's family and tar are the ones scripts/real-nodes.sh has always read (hadoop/hadoop.oci.tar).
    assert.equal(sh(`hadoop_family "$HADOOP_VERSION"`).trim(), "hadoop");
    const realNodeFamilies = sh(`printf '%s\\n' "\${REAL_NODE_FAMILIES[@]}"`).trim().split("\n");
    for (const version of versions) {
      const family = sh(`hadoop_family ${version}`).trim();
      assert.ok(realNodeFamilies.includes(family), `${family} in REAL_NODE_FAMILIES`);
      assert.equal(sh(`declare -F build_${family}`).trim(), `build_${family}`);
      const dir = path.join(path.dirname(libSh), "hadoop", version);
      const pom = readFileSync(path.join(dir, "pom.xml"), "utf8");
      const hadoopVersions = [...pom.matchAll(/<groupId>org\.apache\.hadoop<\/groupId><artifactId>[^<]+<\/artifactId><version>([^<]+)<\/version>/g)].map((m) => m[1]);
      assert.equal(hadoopVersions.length, 5, `tools/hadoop/${version}/pom.xml: hadoop-project and the four Hadoop artifacts`);
      assert.deepEqual(new Set(hadoopVersions), new Set([version]), `tools/hadoop/${version}/pom.xml pins ${version} only`);
      const jars = readFileSync(path.join(dir, "jars.sha256"), "utf8").trimEnd().split("\n");
      for (const line of jars) assert.match(line, /^[0-9a-f]{64} {2}\S+\.jar$/, `tools/hadoop/${version}/jars.sha256`);
      const names = jars.map((l) => l.slice(66));
      for (const jar of [`hadoop-common-${version}.jar`, `hadoop-hdfs-${version}.jar`, `hadoop-hdfs-${version}-tests.jar`]) {
        assert.ok(names.includes(jar), `tools/hadoop/${version}/jars.sha256 pins ${jar}`);
      }
    }
  });
});

describe("scripts/placement-table.ts", () => {
  it("refuses a HDFS_STATUS_WAIT_SECONDS that is not a number of seconds before it reads the cluster", () => {
    const script = path.join(__dirname, "..", "..", "scripts", "placement-table.ts");
    for (const value of ["5m", "-1"]) {
      // No pulumi or kubectl on this PATH: a read of the cluster would fail on that, not on the variable.
      const r = spawnSync(process.execPath, ["--import", "tsx", script, "dev"], {
        encoding: "utf8",
        env: { ...process.env, PATH: path.dirname(process.execPath), HDFS_STATUS_WAIT_SECONDS: value },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trim(), `HDFS_STATUS_WAIT_SECONDS: "${value}" is not a number of seconds (default 300)`);
    }
  });
});

describe("scripts/real-nodes.sh", () => {
  // A real-node cluster stopped by force leaves its namespaces, links and cgroups, and the machine-wide owner file
  // naming its state directory: the next real-node cluster removes them when that directory's cluster has no process
  // left, and refuses to touch them while it has one.
  it("state_dir_running: a state directory whose pid files name a live process runs; one whose processes are gone, or none, does not", () => {
    const dir = tempDir("state-");
    const scripts = path.join(__dirname, "..", "..", "scripts");
    const running = (stateDir: string) =>
      // real-nodes.sh as cluster.sh sources it, with cluster.sh's alive()
      spawnSync("bash", ["-c", `STATE_DIR=/nonexistent; source <(sed -n '/^alive() {/,/^}/p' "$0/cluster.sh"); source "$0/real-nodes.sh"; ` +
        `declare -F alive >/dev/null || exit 9; state_dir_running "$1"`, scripts, stateDir], { encoding: "utf8" });
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    const live = String(sleeper.pid);
    try {
      const write = (rel: string, pid: string) => {
        mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        writeFileSync(path.join(dir, rel), pid);
      };
      assert.equal(running(path.join(dir, "missing")).status, 1, "no state directory");
      // pids of processes that exited (a shell's, waited for)
      const gone = spawnSync("bash", ["-c", "true & echo $!; wait"], { encoding: "utf8" }).stdout.trim();
      write("kwok/clusters/daemonsets/pids/etcd.pid", gone);
      write("real-nodes/node-2/pids/kubelet.pid", gone);
      write("real-nodes/kdc/kdc.pid", gone);
      const stale = running(dir);
      assert.equal(stale.status, 1, `a cluster with no process left: ${stale.stderr}`);
      for (const rel of ["real-nodes/node-2/pids/containerd.pid", "real-nodes/kdc/kdc.pid", "kwok/clusters/daemonsets/pids/kube-apiserver.pid"]) {
        write(rel, live);
        assert.equal(running(dir).status, 0, `${rel} names a live process`);
        write(rel, gone);
      }
    } finally {
      sleeper.kill();
    }
  });
});
