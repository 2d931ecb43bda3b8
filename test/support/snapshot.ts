// The Kubernetes objects a stack renders under mocks, as sorted JSON, to compare a program before and after a
// change: `node --import tsx test/support/snapshot.ts <checkout> <out.json> [extra config as JSON]` renders
// the dev stack's config (plus the extra keys) with the program of <checkout>.
import * as fs from "fs";
import * as path from "path";

const [root, out, extra] = process.argv.slice(2);

const sortKeys = (v: any): any =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v;

(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mocks = require(path.resolve(root, "test/support/mocks.ts"));
  const config = { ...mocks.stackFileConfig("dev"), ...(extra ? JSON.parse(extra) : {}) };
  const run = await mocks.runProgram(config);
  if (run.error) {
    console.error(run.error);
    process.exit(1);
  }
  const objects = run.registered
    .filter((r: any) => r.type.startsWith("kubernetes:"))
    .map((r: any) => ({ type: r.type, name: r.name, inputs: r.inputs }))
    .sort((a: any, b: any) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
  fs.writeFileSync(out, `${JSON.stringify(sortKeys(objects), null, 2)}\n`);
  console.log(`${objects.length} objects -> ${out}`);
})();
