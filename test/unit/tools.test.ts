// The images the local real nodes get (tools/lib.sh builds them; scripts/real-nodes.sh imports them) are the
// ones the components name by default: a version bump on one side only would leave the pods with no image.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
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
