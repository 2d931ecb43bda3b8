// The images the local real nodes get (tools/lib.sh builds them; scripts/real-nodes.sh imports them) are the
// ones the components name by default: a version bump on one side only would leave the pods with no image.
// And the scripts' own checks of their environment, made before they read the cluster.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { hdfsCommonDefaults } from "../../components/hdfsShared";
import { nodeExporterDefaults } from "../../components/nodeExporter";

const libSh = path.join(__dirname, "..", "..", "tools", "lib.sh");
/** A variable of tools/lib.sh, as the scripts see it once they source it. */
const toolsVar = (name: string) => execFileSync("bash", ["-c", `source "$0" && printf %s "$${name}"`, libSh], { encoding: "utf8" });

describe("tools/lib.sh", () => {
  it("builds the images the components name by default", () => {
    assert.equal(toolsVar("NODE_EXPORTER_IMAGE"), nodeExporterDefaults.image);
    assert.equal(toolsVar("KUBE_RBAC_PROXY_IMAGE"), nodeExporterDefaults.rbacProxyImage);
    assert.equal(toolsVar("HADOOP_IMAGE"), hdfsCommonDefaults.image);
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
