// The program (or a component) under Pulumi mocks, in-process, with no engine and no cluster: every registered
// resource is recorded with its inputs, and the tests' ways of looking at them. The unit tier runs on it, and so
// do the scripts that need the program's objects without a cluster (render-hdfs-config.ts, bench-render.ts).
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { ComponentArgsError, issueMessage, resolutionChannel } from "../../components/defaults";
import { project } from "../../components/project";
import type { HdfsRole } from "../../components/hdfsSecurity";
import type { ApiReader } from "../../stacks/preflight";
import { environmentKerberos, environmentPrincipals, withMaterial, type RoleMaterial } from "./devStack";
import { fakeApi } from "./fakeApi";
import { keytabBase64 } from "./keytab";

export interface RegisteredResource {
  type: string;
  name: string;
  inputs: any;
}

export const projectName = project;
const repoRoot = path.resolve(__dirname, "..", "..");

/** Resolves an Output's value (undefined while unknown). */
export function promiseOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Waits until every registration under way has reached the mocks. */
export async function settled(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** Installs fresh mocks (and stack config: `key` -> value, objects as they would be in Pulumi.<stack>.yaml). */
export function useMocks(config: Record<string, unknown> = {}, stack = "test"): RegisteredResource[] {
  const registered: RegisteredResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    projectName,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(rawConfig(config));
  return registered;
}

/** Stack config as Pulumi hands it to the program: `<project>:<key>` -> string (objects as JSON). */
export function rawConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [`${projectName}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

export interface ProgramRun {
  exports?: any;
  /** What the program threw while it ran, if anything. */
  error?: unknown;
  registered: RegisteredResource[];
}

/**
 * Runs index.ts afresh under mocks with the given config against `cluster` (default: a cluster with the nodes that
 * the config labels and nothing else); returns its outputs (or error) and what it registered.
 */
export async function runProgram(config: Record<string, unknown>, cluster?: ApiReader): Promise<ProgramRun> {
  const registered = useMocks(config, "dev");
  const entry = require.resolve(path.join(repoRoot, "index.ts"));
  delete require.cache[entry];
  const labelled = config.nodeLabels && typeof config.nodeLabels === "object" ? Object.keys(config.nodeLabels) : [];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(entry) as (cluster: ApiReader) => Promise<any>;
    const exports = await main(cluster ?? fakeApi(labelled));
    await settled();
    return { exports, registered };
  } catch (error) {
    await settled();
    return { error, registered };
  }
}

/** The config of a stack file (`Pulumi.<stack>.yaml`), keys without the project prefix. */
export function stackFile(stack: string): Record<string, unknown> {
  const file = parse(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
  return Object.fromEntries(
    Object.entries(file.config as Record<string, unknown>).map(([k, v]) => [k.replace(`${projectName}:`, ""), v]),
  );
}

/**
 * A stack's config as `make up` deploys it: the stack file's, and where its Kerberized HDFS leaves the roles'
 * keytabs to the environment, stand-ins for the material the local realm gives (test/support/devStack.ts): keytabs
 * with the principals of the local cluster's ten nodes (and no real keys), placeholder keystores.
 */
export function stackFileConfig(stack: string): Record<string, unknown> {
  const config = stackFile(stack);
  const material = standInMaterial(config);
  return material ? withMaterial(config, material) : config;
}

/** The stand-ins of `stackFileConfig` for a stack config that leaves the roles' keytabs to the environment. */
export function standInMaterial(config: Record<string, unknown>): Record<HdfsRole, RoleMaterial> | undefined {
  const k = environmentKerberos(config);
  if (!k) return undefined;
  const nodes = Array.from({ length: 10 }, (_, i) => `node-${i + 1}`);
  const principals = environmentPrincipals(k, nodes);
  const tls = { keystore: Buffer.from("keystore").toString("base64"), truststore: Buffer.from("truststore").toString("base64"), password: "stand-in" };
  return Object.fromEntries(Object.entries(principals).map(([r, p]) => [r, { keytab: keytabBase64(p), tls }])) as Record<HdfsRole, RoleMaterial>;
}

/** The Kubernetes objects among the registered resources, as `kubectl get -o yaml` would show their spec. */
export function kubernetesObjects(registered: RegisteredResource[]): any[] {
  return registered.filter((r) => r.type.startsWith("kubernetes:")).map((r) => revealed(r.inputs));
}

/** Pulumi's marker of a secret value as the mocks receive it (`{ [secretSignature]: secretSignatureValue, value }`). */
const secretSignature = "4dabf18193072939515e22adb298388d";
const secretSignatureValue = "1b47061264138c4ac30d75fd1eb44270";

/** A value with its secrets' plain values in place of their wrappers: what the API server receives. */
export function revealed(value: any): any {
  if (Array.isArray(value)) return value.map(revealed);
  if (value === null || typeof value !== "object") return value;
  if (value[secretSignature] === secretSignatureValue) return revealed(value.value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v)]));
}

export function find(registered: RegisteredResource[], type: string, name?: string): RegisteredResource {
  const hits = registered.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (hits.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${hits.length}`);
  }
  return hits[0];
}

/**
 * What a component refused (ComponentArgsError), as `<argument>: <message>` lines, after asserting it registered
 * nothing; fails the test when `construct` does not throw.
 */
export function refusedArgs(construct: () => unknown): string[] {
  const registered = useMocks();
  try {
    construct();
  } catch (e) {
    if (!(e instanceof ComponentArgsError)) throw e;
    if (registered.length > 0) throw new Error(`registered ${registered.length} resources before refusing`);
    return e.issues.map((i) => `${i.path.join(".")}: ${issueMessage(i)}`);
  }
  throw new Error("expected ComponentArgsError");
}

/**
 * What `run` returned, and how many times each component's arguments were resolved while it ran
 * (components/defaults.ts `resolutionChannel`), by component.
 */
export async function countingResolutions<T>(run: () => Promise<T>): Promise<{ result: T; resolutions: Record<string, number> }> {
  const resolutions: Record<string, number> = {};
  const count = (message: unknown) => {
    const { component } = message as { component: string };
    resolutions[component] = (resolutions[component] ?? 0) + 1;
  };
  subscribe(resolutionChannel.name, count);
  try {
    return { result: await run(), resolutions };
  } finally {
    unsubscribe(resolutionChannel.name, count);
  }
}

let devStack: Promise<{ run: ProgramRun; resolutions: Record<string, number> }> | undefined;

/**
 * The dev stack's program, run once for the whole unit tier (its results are read, never changed), and how many
 * times each component's arguments were resolved during that run.
 */
export function devStackRun(): Promise<{ run: ProgramRun; resolutions: Record<string, number> }> {
  devStack ??= countingResolutions(() => runProgram(stackFileConfig("dev"))).then(({ result, resolutions }) => ({ run: result, resolutions }));
  return devStack;
}

/** A plan's warnings but the one every simple-mode HDFS gets (stacks/checks.ts), for tests about the others. */
export function apartFromSimpleMode(warnings: string[]): string[] {
  return warnings.filter((w) => !/:hdfs\.security\.mode is simple: /.test(w));
}
