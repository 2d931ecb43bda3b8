// The stack, from its raw config to the plan its components are constructed from, in one pass:
// parse (config.ts) -> plan, each component resolved once (plan.ts) -> the checks across keys and components
// (checks.ts) -> the cluster's state (preflight.ts) -> warnings. Any problem stops it before anything is registered.
import { parseStackConfig } from "./config";
import { issueLine, StackConfigError } from "./configErrors";
import type { StackConfig } from "./configSchema";
import { stackChecks, stackWarnings } from "./checks";
import { planStack, StackPlan } from "./plan";
import { ApiReader, preflight } from "./preflight";

/** The plan of a parsed config, checked; throws StackConfigError listing every problem. */
export function checkedPlan(config: StackConfig): StackPlan {
  const { plan, issues } = planStack(config);
  const problems = [...issues, ...stackChecks(config, plan)];
  if (problems.length > 0) {
    throw new StackConfigError(problems.map(issueLine));
  }
  return { ...plan, warnings: stackWarnings(config, plan) };
}

/**
 * Raw stack config (`<project>:<key>` -> string, as Pulumi hands it over) to the final plan: parsed, planned,
 * checked, checked against the cluster (which places HDFS when its labels are managed outside the stack).
 * Throws StackConfigError or PreflightError, with every problem, before anything is registered.
 */
export async function stackPlan(raw: Record<string, string>, cluster: ApiReader, stack: string): Promise<StackPlan> {
  const config = parseStackConfig(raw);
  const plan = await preflight(checkedPlan(config), config, cluster, stack);
  if (plan.hdfsHostSource === "nodeLabels") {
    return plan;
  }
  // HDFS was placed at preflight: what depends on its hosts (the JournalNodes' ports, the warnings) is known now.
  const problems = stackChecks(config, plan);
  if (problems.length > 0) {
    throw new StackConfigError(problems.map(issueLine));
  }
  return { ...plan, warnings: stackWarnings(config, plan) };
}
