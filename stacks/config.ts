// A stack's configuration, parsed and validated key by key (configSchema.ts) into one typed value before any
// resource is registered. Every problem is reported at once, each with the config key path that `pulumi config
// set --path` understands. What spans keys or components is checked over the plan (plan.ts, checks.ts).
import { project } from "../components/project";
import { describeIssue, StackConfigError } from "./configErrors";
import { StackConfig, stackConfigSchema } from "./configSchema";

/**
 * Parses raw stack configuration (`<project>:<key>` -> string, as Pulumi hands it to the program; objects
 * arrive as JSON) into one validated value, or throws StackConfigError listing every problem.
 */
export function parseStackConfig(raw: Record<string, string>): StackConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const sep = fullKey.indexOf(":");
    const ns = fullKey.slice(0, sep);
    const key = fullKey.slice(sep + 1);
    if (ns !== project) {
      continue; // other namespaces (e.g. kubernetes:*) belong to their providers
    }
    input[key] = decode(value);
  }
  const result = stackConfigSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(describeIssue(issue));
    }
    throw new StackConfigError(problems);
  }
  return result.data;
}

function decode(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed === "true" || trimmed === "false" || /^-?\d+(\.\d+)?$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
