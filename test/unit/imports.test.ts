// No import cycle anywhere in the project's TypeScript (`import type` included): a module's dependencies never
// lead back to it, so each layer (components/, stacks/, the program, scripts/, test/) can be read bottom-up.
// madge parses every file, which takes a second of CPU: it runs in a process of its own, started when this file
// is loaded, on the machine's other core while the rest of the tier runs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const root = path.resolve(__dirname, "..", "..");
const found = promisify(execFile)(process.execPath, ["--import", "tsx", path.join(root, "test", "support", "importCycles.ts")], { cwd: root })
  .then((r) => JSON.parse(r.stdout) as { modules: string[]; cycles: string[][] });
found.catch(() => undefined); // awaited (and reported) by the test

describe("imports", () => {
  it("form no cycle, type-only imports included", async () => {
    const { modules, cycles } = await found;
    assert.ok(modules.includes("stacks/plan.ts") && modules.includes("components/hdfsCluster.ts") && modules.includes("test/unit/imports.test.ts"), `read ${modules.length} modules`);
    assert.deepEqual(cycles, []);
  });
});
