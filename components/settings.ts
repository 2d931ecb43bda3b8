// A component's settings, each declared once: its type and constraints (a zod schema), its default, and, as the
// JSDoc comment of its property in the component's settings object, what it is. From that one declaration come
// the component's argument type (`SettingsArgs`), its defaults and how arguments are laid over them
// (`resolveSettings`, the rules of components/defaults.ts, after checking what is given against the schemas), the
// resolved type (`SettingsResolved`), the stack config's schema for the component
// (`settingsSchema`), and the configuration reference (scripts/config-reference.ts reads the comments).
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ArgsIssue, ArgsPath, ComponentArgsError, resolveOver } from "./defaults";

/** How a setting given as an object is laid over an object default (components/defaults.ts). */
export type MergeRule =
  /** Key by key, recursively (resources, collectors, affinity). */
  | "merge"
  /** As a whole, like a list (a node selector: a node must carry all of its labels). */
  | "replace";

/**
 * One setting: its schema, its default (undefined: none), and how a given object is laid over an object default.
 * `A` is its type as an argument, `R` as resolved (a pass-through setting's may be a pulumi Output).
 */
export interface Setting<S extends z.ZodType = z.ZodType, D = unknown, A = z.input<S>, R = z.output<S>, P extends boolean = boolean> {
  readonly schema: S;
  readonly default: D;
  readonly merge: MergeRule;
  /** Only for programs, not in a stack config (e.g. selector labels, which must never change). */
  readonly programOnly: P;
  /** The reference's words for the default where the value alone would not say it. */
  readonly defaultDoc?: string;
  /** Types only: the argument's and the resolved value's. */
  readonly _types?: { args: A; resolved: R };
}

interface SettingOptions<P extends boolean> {
  merge?: MergeRule;
  programOnly?: P;
  defaultDoc?: string;
}

/** Declares a setting with a default. */
export function setting<S extends z.ZodType, P extends boolean = false>(schema: S, opts: SettingOptions<P> & { default: z.output<S> }): Setting<S, z.output<S>, z.input<S>, z.output<S>, P>;
/** Declares a setting without a default (unset unless given). */
export function setting<S extends z.ZodType, P extends boolean = false>(schema: S, opts?: SettingOptions<P> & { default?: undefined }): Setting<S, undefined, z.input<S>, z.output<S>, P>;
export function setting<S extends z.ZodType>(schema: S, opts: SettingOptions<boolean> & { default?: unknown } = {}): Setting<S, unknown> {
  return { schema, default: opts.default, merge: opts.merge ?? "merge", programOnly: opts.programOnly ?? false, ...(opts.defaultDoc ? { defaultDoc: opts.defaultDoc } : {}) };
}

/** A setting a program may also give as a pulumi Output (or Promise): its value is then checked by no schema. */
export function passThrough<S extends z.ZodType, D, P extends boolean>(s: Setting<S, D, z.input<S>, z.output<S>, P>): Setting<S, D, pulumi.Input<z.input<S>>, pulumi.Input<z.output<S>>, P> {
  return s as unknown as Setting<S, D, pulumi.Input<z.input<S>>, pulumi.Input<z.output<S>>, P>;
}

/** `settings` with the reference's words for some defaults (a default another setting gives, e.g. "the NameNode's"). */
export function withDefaultDocs<D extends Settings>(settings: D, docs: { [K in keyof D]?: string }): D {
  return Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, docs[k] ? { ...s, defaultDoc: docs[k] } : s])) as D;
}

/** A component's settings: name -> declaration. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Settings = Record<string, Setting<z.ZodType, any, any, any, boolean>>;

type ArgsOf<T> = T extends Setting<z.ZodType, unknown, infer A, unknown, boolean> ? A : never;
type ResolvedOf<T> = T extends Setting<z.ZodType, infer D, unknown, infer R, boolean> ? (D extends undefined ? R | undefined : R) : never;

/** The settings a stack config gives (those not only for programs). */
type ConfigKeys<D extends Settings> = { [K in keyof D]: D[K]["programOnly"] extends true ? never : K }[keyof D];

/** The arguments a program gives: every setting optional, in its TypeScript type. */
export type SettingsArgs<D extends Settings> = { [K in keyof D]?: ArgsOf<D[K]> };

/** The defaults, as declared. */
export type SettingsDefaults<D extends Settings> = { [K in keyof D]: D[K]["default"] };

/** The arguments laid over the defaults: every setting with a default has a value. */
export type SettingsResolved<D extends Settings> = { -readonly [K in keyof D]: ResolvedOf<D[K]> };

/** The declared defaults, each a copy (no two resolutions share an object). */
export function settingsDefaults<D extends Settings>(settings: D): SettingsDefaults<D> {
  return Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, structuredClone(s.default)])) as SettingsDefaults<D>;
}

/**
 * `given` checked against the settings' schemas (ComponentArgsError with every problem) and laid over the
 * defaults (components/defaults.ts): one resolution of `component`. A value given is taken as its schema
 * outputs it (a quantity given as a number becomes its string); a pulumi Output is taken as it is.
 */
export function resolveSettings<D extends Settings>(component: string, settings: D, given: SettingsArgs<D>): SettingsResolved<D> {
  const issues: ArgsIssue[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    const s = settings[key];
    if (s === undefined) {
      issues.push({ path: [key], message: "is not an argument of this component" });
      continue;
    }
    if (value === undefined || pulumi.Output.isInstance(value) || (value as object) instanceof Promise) {
      parsed[key] = value;
      continue;
    }
    const result = s.schema.safeParse(value, { reportInput: true });
    if (result.success) {
      parsed[key] = result.data;
    } else {
      issues.push(...result.error.issues.map((issue) => ({ path: [key, ...issue.path.map((p) => (typeof p === "number" ? p : String(p)))], message: zodIssueMessage(issue) })));
    }
  }
  if (issues.length > 0) {
    throw new ComponentArgsError(component, issues);
  }
  const replaceWhole = Object.entries(settings).filter(([, s]) => s.merge === "replace").map(([k]) => k);
  return resolveOver(component, settingsDefaults(settings), parsed, replaceWhole) as unknown as SettingsResolved<D>;
}

/**
 * The schema of the settings as a stack config gives them: each optional (the component applies its defaults),
 * unknown keys refused, the settings only programs give left out.
 */
export function settingsSchema<D extends Settings>(settings: D) {
  const shape = Object.fromEntries(
    Object.entries(settings).filter(([, s]) => !s.programOnly).map(([k, s]) => [k, s.schema.optional()]),
  ) as { [K in ConfigKeys<D>]: z.ZodOptional<D[K]["schema"]> };
  return z.strictObject(shape);
}

/** `settingsSchema` for settings only a stack has (no component applies their defaults): each defaults to its declared default. */
export function stackSettingsSchema<D extends Settings>(settings: D) {
  const shape = Object.fromEntries(
    Object.entries(settings).map(([k, s]) => [k, s.default !== undefined ? s.schema.default(() => structuredClone(s.default)) : s.schema.optional()]),
  ) as { [K in keyof D]: D[K]["default"] extends undefined ? z.ZodOptional<D[K]["schema"]> : z.ZodDefault<D[K]["schema"]> };
  return z.strictObject(shape);
}

/** One zod issue in words, without its path (see `configKey`'s callers for the path). */
export function zodIssueMessage(issue: z.core.$ZodIssue, name: (path: ArgsPath) => string = (p) => p.join(".")): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "key" : "keys"} ${issue.keys.map((k) => name([k])).join(", ")}`;
    case "invalid_type":
      return `expected ${issue.expected}${issue.input === undefined ? " (missing)" : `, got ${describeValue(issue.input)}`}`;
    case "invalid_key":
      return [...new Set(issue.issues.map((i) => i.message))].map((m) => `${JSON.stringify(issue.path.at(-1))} ${m}`).join("; ");
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(issue.input)}`;
    default: {
      // A secret's value (a custom issue with `params.secret`) is never repeated.
      const secret = issue.code === "custom" && issue.params?.secret === true;
      const input = !secret && "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? `${JSON.stringify(issue.input)} ` : "";
      return `${input}${issue.message}`;
    }
  }
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}
