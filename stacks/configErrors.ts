// How a bad config is reported: each problem under the config key path that `pulumi config set --path`
// understands, all of them in one error.
import * as pulumi from "@pulumi/pulumi";
import { ArgsPath, ComponentArgsError, issueMessage } from "../components/defaults";
import { project } from "../components/project";

/** A problem with the stack's config: the key's path and what is wrong. */
export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

/** A line of StackConfigError: `<config key>: <message>`. */
export const issueLine = (issue: ConfigIssue): string => `${configKey(issue.path)}: ${issue.message}`;

/**
 * What a component refused in the arguments the config gave it, under the config keys those arguments come from
 * (`toConfigPath`), the component's messages unchanged but for the arguments they name.
 */
export function componentConfigIssues(error: ComponentArgsError, toConfigPath: (path: ArgsPath) => PropertyKey[]): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: toConfigPath(issue.path), message: issueMessage(issue, (p) => configKey(toConfigPath(p))) }));
}

/** The error a stack with bad configuration fails with: every problem, one per line, no stack trace. */
export class StackConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was changed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "StackConfigError";
  }
}

/** `k8s-daemonsets:nodeLabels.node-1.host`, with brackets for list indexes and keys with dots or slashes. */
export function configKey(path: PropertyKey[]): string {
  const [first, ...rest] = path;
  const tail = rest
    .map((seg) => (typeof seg === "number" ? `[${seg}]` : /^[A-Za-z0-9_-]+$/.test(String(seg)) ? `.${String(seg)}` : `["${String(seg)}"]`))
    .join("");
  return `${project}:${String(first ?? "")}${tail}`;
}
