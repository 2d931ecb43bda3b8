// Validates rendered custom resources against the openAPIV3Schema of their CustomResourceDefinition (a vendored
// fixture under test/fixtures/crds), as the API server does for a structural schema with strict field validation:
// a field the schema does not define is an error (unless the schema preserves unknown fields there).
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

type Schema = Record<string, unknown>;

const fixtures = path.resolve(__dirname, "..", "fixtures", "crds");

/**
 * Every object schema with properties closed, unless it says x-kubernetes-preserve-unknown-fields. A pattern's
 * leading `(?i)` (Go's case-insensitive flag, which JavaScript's RegExp lacks) is dropped: the check is then
 * stricter than the API server's, never looser.
 */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== "object") return node;
  const s = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "pattern" && typeof v === "string") {
      out[k] = v.replace(/^\^\(\?i\)/, "^");
      continue;
    }
    out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as Schema).map(([p, d]) => [p, strict(d)])) : strict(v);
  }
  if (out.properties && out.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

export class CustomResourceSchema {
  private readonly validate: ValidateFunction;
  readonly apiVersion: string;
  readonly kind: string;

  /** `file`: a CRD under test/fixtures/crds; `version`: the served version to validate against. */
  constructor(file: string, version: string) {
    const crd = parse(fs.readFileSync(path.join(fixtures, file), "utf8"));
    const served = (crd.spec.versions as { name: string; schema: { openAPIV3Schema: Schema } }[]).find((v) => v.name === version);
    if (!served) throw new Error(`${file} has no version ${version}`);
    this.apiVersion = `${crd.spec.group}/${version}`;
    this.kind = crd.spec.names.kind;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    this.validate = ajv.compile(strict(served.schema.openAPIV3Schema) as Schema);
  }

  /** The schema errors of one object (empty when valid). */
  errors(object: { apiVersion: string; kind: string }): string[] {
    if (object.apiVersion !== this.apiVersion || object.kind !== this.kind) {
      return [`/ is ${object.apiVersion} ${object.kind}, not ${this.apiVersion} ${this.kind}`];
    }
    if (this.validate(object)) return [];
    return (this.validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${e.params.additionalProperty})` : ""}`);
  }
}

/** prometheus-operator's ServiceMonitor, at the version the fixture names. */
export const serviceMonitorSchema = () => new CustomResourceSchema("monitoring.coreos.com_servicemonitors.v0.87.0.yaml", "v1");

/** prometheus-operator's PrometheusRule, at the version the fixture names. */
export const prometheusRuleSchema = () => new CustomResourceSchema("monitoring.coreos.com_prometheusrules.v0.82.2.yaml", "v1");
