// The docs: the configuration reference's settings tables are what `make docs` generates from the components'
// declarations (every setting a stack config accepts has a row and its comment); every relative link of every
// page resolves, to a file and to a heading in it; the README stays a page a newcomer reads.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { z } from "zod";
import { referenceFile, sectionTable, sections, settingComments, withGeneratedSections } from "../../scripts/config-reference";
import { stackConfigSchema } from "../../stacks/configSchema";

describe("docs/configuration.md", () => {
  it("holds the tables the declarations generate (run `make docs` after changing a setting)", () => {
    const committed = fs.readFileSync(referenceFile, "utf8");
    assert.equal(committed, withGeneratedSections(committed));
  });

  it("has a row for every key a stack config accepts, with its declaration's comment, in the section of its parent key", () => {
    /** The keys a config object accepts (a default or prefault unwrapped), without the ones that are objects of their own. */
    const keysOf = (schema: z.ZodType, own: string[] = []): string[] => {
      const shape = (schema instanceof z.ZodObject ? schema : (schema as unknown as { unwrap(): z.ZodObject }).unwrap()).shape;
      return Object.keys(shape).filter((k) => !own.includes(k));
    };
    const root = stackConfigSchema;
    const hdfs = root.shape.hdfs;
    const expected: Record<string, string[]> = {
      top: keysOf(root, ["nodeExporter", "hdfs"]),
      nodeExporter: keysOf(root.shape.nodeExporter),
      hdfs: keysOf(hdfs, ["security", "nameNode", "journalNode", "dataNode"]),
      "hdfs.security": keysOf(hdfs.unwrap().shape.security),
      "hdfs.nameNode": keysOf(hdfs.unwrap().shape.nameNode),
      "hdfs.journalNode": keysOf(hdfs.unwrap().shape.journalNode),
      "hdfs.dataNode": keysOf(hdfs.unwrap().shape.dataNode),
    };
    assert.deepEqual(Object.keys(sections).sort(), Object.keys(expected).sort());
    for (const [name, keys] of Object.entries(expected)) {
      const table = sectionTable(name);
      const rows = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
      assert.deepEqual(rows.sort(), [...keys].sort(), name);
      const comments = Object.assign({}, ...sections[name].sources.map((s) => settingComments(s.expression)));
      for (const key of keys) assert.ok(table.includes(comments[key]), `${name}.${key}`);
    }
  });
});

const root = path.resolve(__dirname, "..", "..");
const pages = ["README.md", "BENCHMARKS.md", "policy/README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchor of a heading: lower case, punctuation but '-' and '_' dropped, spaces as '-'. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, "").replace(/ /g, "-");
const anchorsOf = (file: string) =>
  new Set([...fs.readFileSync(path.join(root, file), "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));

describe("the docs' pages", () => {
  it("link only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = fs.readFileSync(path.join(root, page), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(link)) continue;
        const [target, fragment] = link.split("#");
        const file = target ? path.posix.normalize(path.posix.join(path.posix.dirname(page), target)) : page;
        if (!fs.existsSync(path.join(root, file))) broken.push(`${page}: ${link} (no file ${file})`);
        else if (fragment && file.endsWith(".md") && !anchorsOf(file).has(fragment)) broken.push(`${page}: ${link} (no heading #${fragment} in ${file})`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it("keep the README short: what it is, the two commands, what runs for real, layout, library use, links", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    assert.ok(readme.split("\n").length <= 250, `README.md has ${readme.split("\n").length} lines`);
    for (const heading of ["Quick start (a fresh machine)", "What runs for real here, and what is simulated", "Layout", "Use as a library", "Configuration"]) {
      assert.ok(anchorsOf("README.md").has(anchor(heading)), heading);
    }
    assert.match(readme, /make up/);
    assert.match(readme, /make test/);
  });
});
