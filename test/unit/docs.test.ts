// The configuration reference's settings tables are generated from the components' declarations: the committed
// docs/configuration.md is what `make docs` writes, every declared setting has its comment, and every setting a
// stack config accepts is in the table.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { nodeExporterSettings } from "../../components/nodeExporter";
import { referenceFile, sectionTable, settingComments, withGeneratedSections } from "../../scripts/config-reference";
import { stackConfigSchema } from "../../stacks/configSchema";

describe("docs/configuration.md", () => {
  it("holds the tables the declarations generate (run `make docs` after changing a setting)", () => {
    const committed = fs.readFileSync(referenceFile, "utf8");
    assert.equal(committed, withGeneratedSections(committed));
  });

  it("has a row for every node-exporter key a stack config accepts, with the setting's comment", () => {
    const table = sectionTable("nodeExporter");
    const comments = settingComments("components/nodeExporter.ts", "nodeExporterSettings");
    const configKeys = Object.keys(stackConfigSchema.shape.nodeExporter.unwrap().shape).filter((k) => k !== "enabled");
    assert.deepEqual(configKeys.sort(), Object.keys(nodeExporterSettings).filter((k) => !nodeExporterSettings[k as keyof typeof nodeExporterSettings].programOnly).sort());
    for (const key of configKeys) {
      assert.ok(table.includes(`| \`${key}\` |`) && table.includes(comments[key]), key);
    }
  });
});
