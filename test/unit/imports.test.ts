// No import cycle anywhere in the project's TypeScript (`import type` included): a module's dependencies never
// lead back to it, so each layer (components/, stacks/, the program, scripts/, test/) can be read bottom-up.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const madge = require("madge") as (paths: string[], config: object) => Promise<{ circular(): string[][]; obj(): Record<string, string[]> }>;

const root = path.resolve(__dirname, "..", "..");

describe("imports", () => {
  it("form no cycle, type-only imports included", async () => {
    const result = await madge(["index.ts", "components", "stacks", "scripts", "test", "policy"].map((p) => path.join(root, p)), {
      baseDir: root,
      fileExtensions: ["ts"],
      tsConfig: path.join(root, "tsconfig.json"),
      excludeRegExp: [/node_modules/],
      detectiveOptions: { ts: { skipTypeImports: false } },
    });
    const modules = Object.keys(result.obj());
    assert.ok(modules.includes("stacks/plan.ts") && modules.includes("components/hdfsCluster.ts"), `read ${modules.length} modules`);
    assert.deepEqual(result.circular(), []);
  });
});
