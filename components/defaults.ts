// How a component's arguments are laid over its defaults: one rule for every component, applied by each
// component's `resolve…Args()` once per component: the stack's plan resolves, its checks, preflight and the
// constructors read what it resolved (a constructor given raw arguments resolves them itself).
//
// - An object (a plain `{…}`) merges key by key, recursively: `resources: {limits: {memory: "250Mi"}}` keeps the
//   default `requests` and the default `limits.cpu` (if any).
// - A list replaces the default list as a whole (tolerations, args, data directories, affinity terms): nothing
//   is appended.
// - `null` replaces the default with "none" (the key is rendered as absent); `undefined` keeps the default.
// - A few maps are one value rather than a set of settings, and replace as a whole like a list: node
//   selectors (a node must carry all of their labels; merging two selectors would select other nodes). Each
//   component names them (`replaceWhole`).
// - Anything else (strings, numbers, booleans, pulumi Outputs and other class instances) replaces.
import { Channel, channel } from "node:diagnostics_channel";
import { project } from "./project";

/** `defaults` with `given` laid over it (see the rules above). */
export type Resolved<D, A> = Omit<A, keyof D> & {
  -readonly [K in keyof D]: K extends keyof A ? Exclude<A[K], undefined> | Widen<D[K]> : Widen<D[K]>;
};
type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Lays `given` over `defaults`: objects merge key by key, lists and the dotted paths in `replaceWhole` replace,
 * `null` means none, `undefined` keeps the default. Neither input is modified; the result shares no object
 * or list of the defaults' with another result.
 */
export function mergeDefaults<D extends object, A extends object>(defaults: D, given: A, replaceWhole: readonly string[] = []): Resolved<D, A> {
  return merge(defaults, given, "", new Set(replaceWhole)) as Resolved<D, A>;
}

function merge(base: unknown, over: unknown, path: string, whole: Set<string>): unknown {
  if (over === undefined) return copy(base);
  if (isPlainObject(base) && isPlainObject(over) && !whole.has(path)) {
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(base), ...Object.keys(over)])) {
      const value = merge(base[key], over[key], path === "" ? key : `${path}.${key}`, whole);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return over;
}

function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
  return v;
}

/**
 * Every resolution of a component's arguments is published here (`{ component }`), for tracing: a program that
 * resolves each component once publishes one message per component (the unit tier counts them). Publishing
 * costs nothing while no one subscribes.
 */
export const resolutionChannel: Channel = channel(`${project}:resolve-args`);

const resolvedBrand: unique symbol = Symbol.for(`${project}.resolved-args`);

/** A component's arguments as its resolver returned them: its constructor takes them as they are. */
export type Branded<K extends string, T> = T & { readonly [resolvedBrand]: K };

/**
 * Marks `value` as the resolved arguments of component `kind` (a property that neither spreads nor serialises):
 * the component's constructor uses such a value as it is instead of resolving it again.
 */
export function brandResolved<K extends string, T extends object>(kind: K, value: T): Branded<K, T> {
  Object.defineProperty(value, resolvedBrand, { value: kind, enumerable: false });
  return value as Branded<K, T>;
}

/** Whether `value` came from component `kind`'s resolver (see `brandResolved`). */
export function isResolved<K extends string>(kind: K, value: unknown): value is Branded<K, object> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[resolvedBrand] === kind;
}

/** `mergeDefaults` for component `kind`, published on `resolutionChannel`. */
export function resolveOver<D extends object, A extends object>(kind: string, defaults: D, given: A, replaceWhole: readonly string[] = []): Resolved<D, A> {
  if (resolutionChannel.hasSubscribers) {
    resolutionChannel.publish({ component: kind });
  }
  return mergeDefaults(defaults, given, replaceWhole);
}

/** The path of an argument (`["site", "nameNodeRpcPort"]`, `["dataNode", "dataDirHostPaths", 0]`). */
export type ArgsPath = (string | number)[];

/**
 * A problem with a component's arguments: the argument's path and what is wrong. A message that names another
 * argument is a function of how arguments are named (a stack names them by their config keys).
 */
export interface ArgsIssue {
  path: ArgsPath;
  message: string | ((name: (path: ArgsPath) => string) => string);
}

/** An argument's name in a component's own terms: its path with dots. */
export const argName = (path: ArgsPath): string => path.join(".");

/** The issue's message, naming arguments with `name`. */
export function issueMessage(issue: ArgsIssue, name: (path: ArgsPath) => string = argName): string {
  return typeof issue.message === "string" ? issue.message : issue.message(name);
}

/** Thrown by a component (before it creates anything) whose arguments contradict each other: every problem at once. */
export class ComponentArgsError extends Error {
  constructor(public readonly component: string, public readonly issues: ArgsIssue[]) {
    super(`${component}: invalid arguments:\n${issues.map((i) => `  - ${argName(i.path)}: ${issueMessage(i)}`).join("\n")}`);
    this.name = "ComponentArgsError";
  }
}
