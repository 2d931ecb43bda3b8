// Validates rendered Kubernetes objects against the OpenAPI schema of the Kubernetes version the project
// pins (tools/kubernetes/go.mod), strictly: a field the schema does not define is an error, as with
// `kubectl apply --validate=strict`.
import Ajv, { ValidateFunction } from "ajv";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

type Schema = Record<string, unknown>;

const repoRoot = path.resolve(__dirname, "..", "..");

/** swagger.json of the pinned k8s.io/kubernetes module (downloaded into the Go module cache if missing). */
export function kubernetesOpenApiPath(): string {
  const out = execFileSync("go", ["mod", "download", "-json", "k8s.io/kubernetes"], {
    cwd: path.join(repoRoot, "tools", "kubernetes"),
    encoding: "utf8",
  });
  return path.join(JSON.parse(out).Dir, "api", "openapi-spec", "swagger.json");
}

/** Every object definition closed (additionalProperties: false); int-or-string as either. */
function strictDefinitions(definitions: Record<string, Schema>): Record<string, Schema> {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const s = node as Schema;
    if (s.format === "int-or-string") {
      return { anyOf: [{ type: "string" }, { type: "integer" }] };
    }
    const out: Schema = {};
    for (const [k, v] of Object.entries(s)) out[k] = k === "properties" ? mapValues(v as Schema, visit) : visit(v);
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  return mapValues(definitions, (d) => visit(d) as Schema);
}

function mapValues<T>(o: Record<string, T>, f: (v: T) => unknown): Record<string, any> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

export class KubernetesSchema {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly byKind = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(swaggerPath = kubernetesOpenApiPath()) {
    const swagger = JSON.parse(fs.readFileSync(swaggerPath, "utf8")) as { definitions: Record<string, Schema> };
    for (const [name, def] of Object.entries(swagger.definitions)) {
      for (const gvk of (def["x-kubernetes-group-version-kind"] as { group: string; version: string; kind: string }[]) ?? []) {
        this.byKind.set(`${gvk.group ? `${gvk.group}/` : ""}${gvk.version}/${gvk.kind}`, name);
      }
    }
    this.ajv.addSchema({ $id: "k8s", definitions: strictDefinitions(swagger.definitions) });
  }

  /** The schema errors of one object (empty when valid). Throws for a kind the schema does not know. */
  errors(object: { apiVersion: string; kind: string }): string[] {
    const key = `${object.apiVersion}/${object.kind}`;
    const definition = this.byKind.get(key);
    if (!definition) throw new Error(`no OpenAPI definition for ${key}`);
    let validate = this.compiled.get(definition);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `k8s#/definitions/${definition}` });
      this.compiled.set(definition, validate);
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${e.params.additionalProperty})` : ""}`);
  }
}

let shared: KubernetesSchema | undefined;

/** One schema for the whole unit tier (reading swagger.json and compiling a kind's validator take a while). */
export function kubernetesSchema(): KubernetesSchema {
  shared ??= new KubernetesSchema();
  return shared;
}
