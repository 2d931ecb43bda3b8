// A stack's configuration, parsed and validated key by key (configSchema.ts) into one typed value before any
// resource is registered. Every problem is reported at once, each with the config key path that `pulumi config
// set --path` understands: the path the config used, also for a key that moved (read at its new place, with a
// deprecation warning). What spans keys or components is checked over the plan (plan.ts, checks.ts).
import { project } from "../components/project";
import { zodIssueMessage } from "../components/settings";
import { configKey, StackConfigError } from "./configErrors";
import { StackConfig, movedHdfsKeys, stackConfigSchema } from "./configSchema";

/**
 * Parses raw stack configuration (`<project>:<key>` -> string, as Pulumi hands it to the program; objects
 * arrive as JSON) into one validated value, or throws StackConfigError listing every problem.
 */
export function parseStackConfig(raw: Record<string, string>): StackConfig {
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
  const { movedFrom, deprecations, problems } = moveHdfsKeys(input);
  const result = stackConfigSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        // Each unknown key where it was given (an old key's unknown key is reported under the old key).
        problems.push(...issue.keys.map((k) => `${configKey(pathAsGiven(movedFrom, [...issue.path, k]))}: unknown config key`));
      } else {
        // The same words a component uses for its arguments (components/settings.ts), under the key as given.
        problems.push(`${configKey(pathAsGiven(movedFrom, issue.path))}: ${zodIssueMessage(issue)}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new StackConfigError(problems);
  }
  return { ...result.data!, movedFrom, deprecations };
}

/**
 * Moves the keys of `hdfsNameNode`, `hdfsJournalNode` and `hdfsDataNode` to where they are now (`hdfs`, and its
 * `nameNode`, `journalNode`, `dataNode`), in place: where each came from, a warning per old key, and a problem
 * for a key given at both places.
 */
function moveHdfsKeys(input: Record<string, unknown>): { movedFrom: Record<string, PropertyKey[]>; deprecations: string[]; problems: string[] } {
  const movedFrom: Record<string, PropertyKey[]> = {};
  const deprecations: string[] = [];
  const problems: string[] = [];
  for (const [oldKey, { role, clusterKeys }] of Object.entries(movedHdfsKeys)) {
    const given = input[oldKey];
    if (given === undefined) continue;
    if (!isObject(given)) {
      problems.push(`${configKey([oldKey])}: expected object, got ${Array.isArray(given) ? "a list" : typeof given}`);
      delete input[oldKey];
      continue;
    }
    input.hdfs ??= {};
    const hdfs = input.hdfs;
    if (!isObject(hdfs)) {
      delete input[oldKey]; // nowhere to move it: the schema reports hdfs
      continue;
    }
    const moves: string[] = [];
    for (const [key, value] of Object.entries(given)) {
      const to = (clusterKeys as readonly string[]).includes(key) ? ["hdfs", key] : ["hdfs", role, key];
      hdfs[role] ??= {};
      const parent = to.length === 2 ? hdfs : hdfs[role];
      if (!isObject(parent)) continue; // the schema reports it
      const last = to[to.length - 1];
      if (last in parent) {
        problems.push(`${configKey([oldKey, key])}: also set as ${configKey(to)}; remove ${configKey([oldKey, key])} (its old name)`);
        continue;
      }
      parent[last] = value;
      movedFrom[to.join(".")] = [oldKey, key];
      moves.push(`${key} -> ${to.join(".")}`);
    }
    delete input[oldKey];
    if (moves.length === 0) continue;
    deprecations.push(
      `${configKey([oldKey])} is deprecated: its keys are now under ${configKey(["hdfs"])} (${moves.join(", ")}); ` +
        `it is read as before, but move them (pulumi config set --path) before it is removed`,
    );
  }
  return { movedFrom, deprecations, problems };
}

/** `path` (a config key path) as the config gave it: under its old key if it moved there from one. */
export function pathAsGiven(movedFrom: Record<string, PropertyKey[]>, path: PropertyKey[]): PropertyKey[] {
  for (let n = path.length; n >= 2; n--) {
    const from = movedFrom[path.slice(0, n).join(".")];
    if (from) return [...from, ...path.slice(n)];
  }
  return path;
}

/** An HDFS config key path (under `hdfs`, e.g. `["nameNode", "rpcPort"]`) as the config gave it. */
export function hdfsKeyPath(config: Pick<StackConfig, "movedFrom">, path: PropertyKey[]): PropertyKey[] {
  return pathAsGiven(config.movedFrom, ["hdfs", ...path]);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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
