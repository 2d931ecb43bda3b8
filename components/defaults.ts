// How a component's arguments are laid over its defaults: one rule for every component, applied once by each
// component's `resolve…Args()`, which the component itself, the stack's config checks and its plan all call.
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
