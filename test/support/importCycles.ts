// Prints, as JSON, the project's TypeScript modules and the import cycles among them (type-only imports
// included), found by madge: `node --import tsx test/support/importCycles.ts`. test/unit/imports.test.ts runs
// it in a process of its own, beside the rest of the unit tier.
import * as path from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const madge = require("madge") as (paths: string[], config: object) => Promise<{ circular(): string[][]; obj(): Record<string, string[]> }>;

const root = path.resolve(__dirname, "..", "..");

madge(["index.ts", "components", "stacks", "scripts", "test", "policy"].map((p) => path.join(root, p)), {
  baseDir: root,
  fileExtensions: ["ts"],
  tsConfig: path.join(root, "tsconfig.json"),
  excludeRegExp: [/node_modules/],
  detectiveOptions: { ts: { skipTypeImports: false } },
}).then((result) => {
  process.stdout.write(JSON.stringify({ modules: Object.keys(result.obj()), cycles: result.circular() }));
}, (error) => {
  console.error(error);
  process.exit(1);
});
