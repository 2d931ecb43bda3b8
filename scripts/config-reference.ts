// The configuration reference, generated from the components' setting declarations (components/settings.ts):
// each setting's key, its type (from its schema), its default (as declared) and what it is (the JSDoc comment of
// its property, read with the TypeScript compiler). docs/configuration.md holds each generated table between
// `<!-- generated: <name> -->` and `<!-- end generated -->`; a unit test fails when one is stale.
//   node --import tsx scripts/config-reference.ts          (make docs) rewrites them in place
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { stringify } from "yaml";
import { z } from "zod";
import { nodeExporterSettings } from "../components/nodeExporter";
import type { Settings } from "../components/settings";

const root = path.resolve(__dirname, "..");
export const referenceFile = path.join(root, "docs", "configuration.md");

/** The generated tables: name -> the settings object, the file and variable that declare it, the config key. */
const sections: Record<string, { settings: Settings; file: string; variable: string; configKey: string }> = {
  nodeExporter: { settings: nodeExporterSettings, file: "components/nodeExporter.ts", variable: "nodeExporterSettings", configKey: "nodeExporter" },
};

/** The JSDoc comment of each property of `variable`'s object literal in `file`. */
export function settingComments(file: string, variable: string): Record<string, string> {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
  let literal: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText(source) === variable && node.initializer && ts.isObjectLiteralExpression(node.initializer)) {
      literal = node.initializer;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!literal) throw new Error(`${file}: no object literal ${variable}`);
  const comments: Record<string, string> = {};
  for (const property of literal.properties) {
    const name = property.name?.getText(source);
    const doc = ts.getJSDocCommentsAndTags(property).filter(ts.isJSDoc).map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ").trim();
    if (!name) continue;
    if (!doc) throw new Error(`${file}: ${variable}.${name} has no comment saying what it is`);
    comments[name] = doc.replace(/\s+/g, " ");
  }
  return comments;
}

/** A schema's type in words: its description (kubernetesSyntax.ts names its types), else its structure. */
export function typeText(schema: z.ZodType): string {
  if (schema.description) return schema.description;
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  switch (def.type) {
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "number": {
      const json = z.toJSONSchema(schema, { unrepresentable: "any" }) as { type?: string; minimum?: number; maximum?: number };
      const max = json.maximum !== undefined && json.maximum < Number.MAX_SAFE_INTEGER ? json.maximum : undefined;
      const range = json.minimum !== undefined && max !== undefined ? ` ${json.minimum}–${max}` : json.minimum !== undefined ? ` ≥ ${json.minimum}` : "";
      return `${json.type === "integer" ? "integer" : "number"}${range}`;
    }
    case "enum":
      return Object.values(def.entries as Record<string, string>).map((v) => `\`${v}\``).join(" | ");
    case "nullable":
      return `${typeText(def.innerType)} or null`;
    case "optional":
    case "default":
    case "prefault":
      return typeText(def.innerType);
    case "array":
      return `list of ${typeText(def.element)}`;
    case "record":
      return `map ${typeText(def.keyType)} → ${typeText(def.valueType)}`;
    case "object":
      return "object";
    default:
      return def.type;
  }
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A default as the reference shows it. */
function defaultText(value: unknown, doc: string | undefined): string {
  if (doc) return doc;
  if (value === undefined) return "unset";
  return `\`${stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trim()}\``;
}

/** The generated table of one section: the config keys of its settings (the program-only ones are listed after it). */
export function sectionTable(name: string): string {
  const { settings, file, variable, configKey } = sections[name];
  const comments = settingComments(file, variable);
  const rows = Object.entries(settings)
    .filter(([, s]) => !s.programOnly)
    .map(([key, s]) => `| \`${key}\` | ${cell(typeText(s.schema))} | ${cell(defaultText(s.default, s.defaultDoc))} | ${cell(comments[key])} |`);
  const programOnly = Object.entries(settings).filter(([, s]) => s.programOnly).map(([key]) => `\`${key}\``);
  return [
    `Generated from \`${variable}\` in \`${file}\` (\`make docs\`); the keys of \`${configKey}\`:`,
    "",
    "| key | type | default | what it is |",
    "|---|---|---|---|",
    ...rows,
    ...(programOnly.length > 0 ? ["", `Programs (\`${variable}\`'s TypeScript arguments) also set ${programOnly.join(", ")}.`] : []),
  ].join("\n");
}

const begin = (name: string) => `<!-- generated: ${name} -->`;
const end = "<!-- end generated -->";

/** `text` with every generated section rendered anew. */
export function withGeneratedSections(text: string): string {
  let out = text;
  for (const name of Object.keys(sections)) {
    const start = out.indexOf(begin(name));
    const stop = out.indexOf(end, start);
    if (start < 0 || stop < 0) throw new Error(`${path.relative(root, referenceFile)}: no "${begin(name)}" … "${end}" section`);
    out = `${out.slice(0, start)}${begin(name)}\n${sectionTable(name)}\n${out.slice(stop)}`;
  }
  return out;
}

if (require.main === module) {
  const before = fs.readFileSync(referenceFile, "utf8");
  const after = withGeneratedSections(before);
  fs.writeFileSync(referenceFile, after);
  console.log(`${path.relative(process.cwd(), referenceFile)}: ${before === after ? "up to date" : "rewritten"}`);
}
