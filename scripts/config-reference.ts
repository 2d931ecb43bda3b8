// The configuration reference, generated from the setting declarations (components/settings.ts): each config
// key, its type (from its schema), its default (as declared) and what it is (the JSDoc comment of its
// declaration, read with the TypeScript compiler, following spreads: a role's settings spread the ones every
// HDFS role has). docs/configuration.md holds each generated table between `<!-- generated: <name> -->` and
// `<!-- end generated -->`; a unit test fails when one is stale or misses a key a stack config accepts.
//   node --import tsx scripts/config-reference.ts          (make docs) rewrites them in place
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { stringify } from "yaml";
import { z } from "zod";
import { hdfsClusterRoleSettings, hdfsClusterSettings } from "../components/hdfsCluster";
import { hdfsSecuritySettings } from "../components/hdfsSecurity";
import { nodeExporterSettings } from "../components/nodeExporter";
import type { Settings } from "../components/settings";
import { hdfsRoleHostsSettings, hdfsStackSettings, nodeExporterStackSettings, stackSettings } from "../stacks/configSchema";

const root = path.resolve(__dirname, "..");
export const referenceFile = path.join(root, "docs", "configuration.md");

/** Where one table's rows come from: a settings object and the expression that declares it (for its comments). */
interface Source {
  settings: Settings;
  expression: string;
}

/** The generated tables: name -> the config key they document and their sources, in order. */
export const sections: Record<string, { configKey: string; sources: Source[] }> = {
  top: { configKey: "", sources: [{ settings: stackSettings, expression: "stackSettings" }] },
  nodeExporter: {
    configKey: "nodeExporter",
    sources: [
      { settings: nodeExporterStackSettings, expression: "nodeExporterStackSettings" },
      { settings: nodeExporterSettings, expression: "nodeExporterSettings" },
    ],
  },
  hdfs: {
    configKey: "hdfs",
    sources: [
      { settings: hdfsStackSettings, expression: "hdfsStackSettings" },
      { settings: hdfsClusterSettings, expression: "hdfsClusterSettings" },
    ],
  },
  "hdfs.security": { configKey: "hdfs.security", sources: [{ settings: hdfsSecuritySettings, expression: "hdfsSecuritySettings" }] },
  "hdfs.nameNode": {
    configKey: "hdfs.nameNode",
    sources: [
      { settings: hdfsClusterRoleSettings.nameNode, expression: "hdfsClusterRoleSettings.nameNode" },
      { settings: hdfsRoleHostsSettings, expression: "hdfsRoleHostsSettings" },
    ],
  },
  "hdfs.journalNode": {
    configKey: "hdfs.journalNode",
    sources: [
      { settings: hdfsClusterRoleSettings.journalNode, expression: "hdfsClusterRoleSettings.journalNode" },
      { settings: hdfsRoleHostsSettings, expression: "hdfsRoleHostsSettings" },
    ],
  },
  "hdfs.dataNode": { configKey: "hdfs.dataNode", sources: [{ settings: hdfsClusterRoleSettings.dataNode, expression: "hdfsClusterRoleSettings.dataNode" }] },
};

/** The variables and functions of components/ and stacks/, by name: where comments are looked up. */
function declarations(): { variables: Map<string, ts.Expression>; functions: Map<string, ts.FunctionDeclaration> } {
  const variables = new Map<string, ts.Expression>();
  const functions = new Map<string, ts.FunctionDeclaration>();
  for (const dir of ["components", "stacks"]) {
    for (const file of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ts"))) {
      const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, dir, file), "utf8"), ts.ScriptTarget.Latest, true);
      for (const statement of source.statements) {
        if (ts.isVariableStatement(statement)) {
          for (const d of statement.declarationList.declarations) {
            if (ts.isIdentifier(d.name) && d.initializer) variables.set(d.name.text, d.initializer);
          }
        } else if (ts.isFunctionDeclaration(statement) && statement.name) {
          functions.set(statement.name.text, statement);
        }
      }
    }
  }
  return { variables, functions };
}

/**
 * The JSDoc comment of each setting an expression declares: an object literal's properties (and what it spreads),
 * a variable's initializer, a function call's returned object literal and its arguments (a settings object passed
 * through), a property of an object literal (`x.nameNode`).
 */
export function settingComments(expression: string): Record<string, string> {
  const { variables, functions } = declarations();
  const parsed = ts.createSourceFile("expression.ts", expression, ts.ScriptTarget.Latest, true).statements[0];
  if (!parsed || !ts.isExpressionStatement(parsed)) throw new Error(`not an expression: ${expression}`);
  const literalOf = (e: ts.Expression): ts.ObjectLiteralExpression | undefined => {
    if (ts.isObjectLiteralExpression(e)) return e;
    if (ts.isIdentifier(e)) return variables.has(e.text) ? literalOf(variables.get(e.text)!) : undefined;
    if (ts.isPropertyAccessExpression(e)) {
      const property = literalOf(e.expression)?.properties.find((p) => p.name?.getText() === e.name.text);
      return property && ts.isPropertyAssignment(property) ? literalOf(property.initializer) : undefined;
    }
    return undefined;
  };
  const commentsOf = (e: ts.Expression): Record<string, string> => {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return commentsOf(e.expression);
    if (ts.isCallExpression(e)) {
      const callee = ts.isIdentifier(e.expression) ? functions.get(e.expression.text) : undefined;
      const returned: Record<string, string> = {};
      const visit = (node: ts.Node): void => {
        if (ts.isReturnStatement(node) && node.expression && ts.isObjectLiteralExpression(node.expression)) Object.assign(returned, commentsOf(node.expression));
        else if (!ts.isFunctionLike(node) || node === callee) ts.forEachChild(node, visit);
      };
      if (callee) visit(callee);
      // Arguments that are settings objects (not, e.g., a schema) pass their settings through.
      const passed = e.arguments.filter((a) => ts.isCallExpression(a) || literalOf(a) !== undefined).map(commentsOf);
      return Object.assign({}, ...passed, returned);
    }
    const literal = literalOf(e);
    if (!literal) throw new Error(`config-reference: cannot follow ${e.getText()}`);
    const comments: Record<string, string> = {};
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        Object.assign(comments, commentsOf(property.expression));
        continue;
      }
      const name = property.name?.getText();
      const doc = ts.getJSDocCommentsAndTags(property).filter(ts.isJSDoc).map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ").trim();
      if (name && doc) comments[name] = doc.replace(/\s+/g, " ");
    }
    return comments;
  };
  return commentsOf(parsed.expression);
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
    case "pipe":
      return typeText(def.in);
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

/** The generated table of one section: its config keys (the settings only programs give are listed after it). */
export function sectionTable(name: string): string {
  const { configKey, sources } = sections[name];
  const rows: string[] = [];
  const programOnly: string[] = [];
  for (const { settings, expression } of sources) {
    const comments = settingComments(expression);
    for (const [key, s] of Object.entries(settings)) {
      if (s.programOnly) {
        programOnly.push(`\`${key}\``);
        continue;
      }
      if (!comments[key]) throw new Error(`config-reference: ${expression}.${key} has no comment saying what it is`);
      rows.push(`| \`${key}\` | ${cell(typeText(s.schema))} | ${cell(defaultText(s.default, s.defaultDoc))} | ${cell(comments[key])} |`);
    }
  }
  const from = sources.map((s) => `\`${s.expression}\``).join(" and ");
  return [
    `Generated from ${from} (\`make docs\`); ${configKey ? `the keys of \`${configKey}\`` : "the top-level keys"}:`,
    "",
    "| key | type | default | what it is |",
    "|---|---|---|---|",
    ...rows,
    ...(programOnly.length > 0 ? ["", `Programs (TypeScript arguments) also set ${programOnly.join(", ")}.`] : []),
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
