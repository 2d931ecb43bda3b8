// A stack's configuration, parsed and validated as a whole into one typed value before any resource is
// registered. Every problem is reported at once, each with the config key path that `pulumi config set
// --path` understands.
//
// The parts, by concern: kubernetesSyntax.ts (Kubernetes' syntax as zod schemas), configSchema.ts (every key),
// configChecks.ts (checks across keys, warnings), topology.ts (where the HDFS roles run), configErrors.ts (the
// config key paths and the one error). This module parses; it re-exports what the program and the tests use.
import * as pulumi from "@pulumi/pulumi";
import { project } from "../components/project";
import { crossChecks } from "./configChecks";
import { configKey, describeIssue, StackConfigError } from "./configErrors";
import { StackConfig, stackConfigSchema } from "./configSchema";

export { project };
export { configWarnings } from "./configChecks";
export { configKey, StackConfigError } from "./configErrors";
export type { HdfsDataNodeConfig, HdfsJournalNodeConfig, HdfsNameNodeConfig, NodeExporterConfig, StackConfig } from "./configSchema";
export { compareNodeNames, formatSelector, hdfsTopology, nodesSelectedBy } from "./topology";
export type { HdfsTopology } from "./topology";

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
  for (const issue of crossChecks(result.data)) {
    problems.push(`${configKey(issue.path)}: ${issue.message}`);
  }
  if (problems.length > 0) {
    throw new StackConfigError(problems);
  }
  return result.data;
}

/** The stack's configuration, validated; throws StackConfigError before any resource is registered. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.runtime.allConfig());
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
