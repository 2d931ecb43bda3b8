// Smoke tier: the alerting and recording rules as code. The node-mixin file the component ships is re-rendered from
// the pinned node_exporter module with go-jsonnet and must equal the committed one; every component's rule file
// (as the component renders it by default) passes `promtool check rules`, and `promtool test rules` runs the cases
// under test/fixtures/rules against it: for each alert a series that fires it and one that must not. promtool and
// jsonnet are the pinned builds (tools families prometheus and node-mixin). Needs no cluster.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { ruleFile, RuleGroup } from "../../components/monitoring";
import { hdfsClusterRuleGroups, resolveHdfsClusterArgs } from "../../components/hdfsCluster";
import { nodeExporterRuleGroups, resolveNodeExporterArgs } from "../../components/nodeExporter";
import { generatedFile, renderNodeMixin } from "../../scripts/render-node-mixin";
import { repoRoot } from "../support/localCluster";
import { toolBin } from "../support/prometheus";

/** Each component's default rule file, by the name the promtool cases load it by. */
const ruleFiles: Record<string, RuleGroup[]> = {
  "node-exporter.rules.yaml": nodeExporterRuleGroups(resolveNodeExporterArgs()),
  // an HA cluster of three NameNode (and JournalNode) hosts with DataNodes, as the dev stack's
  "hdfs.rules.yaml": hdfsClusterRuleGroups(resolveHdfsClusterArgs({ nameNodeHosts: ["node-2", "node-5", "node-8"], security: { mode: "simple" } })),
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-rules-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function promtool(args: string[]): Promise<{ exitCode: number; all: string }> {
  const { execa } = await import("execa");
  const r = await execa(await toolBin("prometheus", "promtool"), args, { cwd: dir, reject: false, all: true });
  return { exitCode: r.exitCode ?? -1, all: r.all ?? "" };
}

describe("rules", () => {
  test("the committed node-mixin is the render of the pinned node_exporter module (make node-mixin)", async () => {
    const rendered = await renderNodeMixin();
    assert.ok(rendered === fs.readFileSync(generatedFile, "utf8"), `${path.relative(repoRoot, generatedFile)} differs from a fresh render: run make node-mixin`);
  });

  for (const [file, groups] of Object.entries(ruleFiles)) {
    test(`${file}: promtool check rules`, async () => {
      fs.writeFileSync(path.join(dir, file), ruleFile(groups));
      const r = await promtool(["check", "rules", file]);
      const count = groups.reduce((n, g) => n + g.rules.length, 0);
      assert.equal(r.exitCode, 0, r.all);
      assert.match(r.all, new RegExp(`SUCCESS: ${count} rules found`));
    });
  }

  const cases = path.join(repoRoot, "test", "fixtures", "rules");
  for (const testFile of fs.readdirSync(cases).filter((f) => f.endsWith(".rules.test.yaml")).sort()) {
    test(`${testFile}: promtool test rules`, async () => {
      const ruleFileName = testFile.replace(/\.test\.yaml$/, ".yaml");
      assert.ok(ruleFiles[ruleFileName], `no component renders ${ruleFileName}`);
      fs.writeFileSync(path.join(dir, ruleFileName), ruleFile(ruleFiles[ruleFileName]));
      fs.copyFileSync(path.join(cases, testFile), path.join(dir, testFile));
      const r = await promtool(["test", "rules", testFile]);
      assert.equal(r.exitCode, 0, r.all);
      assert.match(r.all, /SUCCESS/);
    });
  }
});
