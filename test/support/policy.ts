// Runs the policy pack's policies without the engine: a fake ResourceValidationArgs and a report callback, the way
// pulumi/compliance-policies' unit-test-helpers do it. policy/index.ts is never imported (it would start a server).
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { project } from "../../components/project";
import { policies } from "../../policy/policies";

class NotApplicable extends Error {}

/** The ResourceValidationArgs the engine would pass for a resource of this type with these input properties. */
export function validationArgs(type: string, props: any, name = "test-resource"): ResourceValidationArgs {
  return {
    type,
    props,
    urn: `urn:pulumi:test::${project}::${type}::${name}`,
    name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export interface PolicyRun {
  /** Violation messages, in the order reported. */
  violations: string[];
  /** The policy declared itself not applicable to the resource's type. */
  notApplicable: boolean;
}

/** Calls every validateResource of the policy, collecting what it reports. */
export async function runPolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<PolicyRun> {
  const violations: string[] = [];
  const validations = [policy.validateResource ?? []].flat();
  try {
    for (const validate of validations) {
      await validate(args, (message) => violations.push(message));
    }
  } catch (e) {
    if (e instanceof NotApplicable) {
      return { violations, notApplicable: true };
    }
    throw e;
  }
  return { violations, notApplicable: false };
}

export function policyNamed(name: string): ResourceValidationPolicy {
  const hit = policies.find((p) => p.name === name);
  if (!hit) {
    throw new Error(`no policy named ${name}`);
  }
  return hit;
}

/** The violations one policy reports for a resource. */
export async function violationsOf(name: string, type: string, props: any): Promise<string[]> {
  return (await runPolicy(policyNamed(name), validationArgs(type, props))).violations;
}
