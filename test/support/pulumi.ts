// Drives the real `pulumi` CLI (built by tools/build.sh, on PATH through scripts/env.sh) against the local
// cluster, the way a user runs it, with each scenario's stack config written to its own file.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { project } from "../../components/project";
import { repoRoot, run } from "./localCluster";
import { tempDir } from "./tempDirs";

export { project };

export interface PulumiResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved. */
  all: string;
  seconds: number;
}

/**
 * A stack of this project with config from files rather than Pulumi.<stack>.yaml, in a file backend of its
 * own (a temporary directory), so that no run sees another run's stacks or locks.
 */
export class TestStack {
  private readonly dir = tempDir("k8s-daemonsets-e2e-");
  private readonly env = { PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}` };
  private configFile = path.join(this.dir, "config.yaml");

  /** The config file the next command uses. */
  get currentConfigFile(): string {
    return this.configFile;
  }

  /** The program the commands run (a checkout of this project). Default: this checkout. */
  programDir = repoRoot;

  constructor(public readonly name: string) {}

  /** Creates the stack (removing a leftover one of the same name first). */
  async init(): Promise<void> {
    fs.mkdirSync(path.join(this.dir, "backend"), { recursive: true });
    await this.pulumi(["stack", "init", this.name, "--secrets-provider", "passphrase"]);
  }

  /** Sets the whole stack config (keys without the project prefix, as in Pulumi.<stack>.yaml). */
  setConfig(config: Record<string, unknown>): void {
    this.configFile = path.join(this.dir, `config-${Date.now()}.yaml`);
    const prefixed = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v]));
    fs.writeFileSync(this.configFile, stringify({ config: prefixed }));
  }

  /**
   * Adds secret values to the current config file, encrypted by the stack's secrets provider as
   * `pulumi config set --secret --path` does: dotted path (without the project prefix) -> value.
   */
  async setSecrets(values: Record<string, string>): Promise<void> {
    const r = await this.pulumi(["config", "set-all", "--stack", this.name, "--config-file", this.configFile, "--path",
      ...Object.entries(values).flatMap(([key, value]) => ["--secret", `${project}:${key}=${value}`])], { allowFailure: true });
    // (the command line holds the values: never in an error)
    if (r.exitCode !== 0) throw new Error(`pulumi config set-all of ${Object.keys(values).join(", ")} failed (exit ${r.exitCode}):\n${r.all}`);
  }

  preview(extra: string[] = []): Promise<PulumiResult> {
    return this.pulumi(["preview", "--stack", this.name, "--config-file", this.configFile, "--non-interactive", "--diff", ...extra], { allowFailure: true });
  }

  up(extra: string[] = []): Promise<PulumiResult> {
    return this.pulumi(["up", "--stack", this.name, "--config-file", this.configFile, "--yes", "--non-interactive", "--skip-preview", ...extra], { allowFailure: true });
  }

  refresh(): Promise<PulumiResult> {
    return this.pulumi(["refresh", "--stack", this.name, "--config-file", this.configFile, "--yes", "--non-interactive", "--skip-preview"], { allowFailure: true });
  }

  destroy(): Promise<PulumiResult> {
    return this.pulumi(["destroy", "--stack", this.name, "--config-file", this.configFile, "--yes", "--non-interactive", "--skip-preview"], { allowFailure: true });
  }

  async outputs(): Promise<Record<string, any>> {
    return JSON.parse((await this.pulumi(["stack", "output", "--stack", this.name, "--json"])).stdout);
  }

  /** Removes the stack, its backend and its config files, whatever they still hold. */
  async remove(): Promise<void> {
    fs.rmSync(this.dir, { recursive: true, force: true });
    // `stack init` with the passphrase provider writes its salt to Pulumi.<stack>.yaml beside Pulumi.yaml.
    fs.rmSync(path.join(repoRoot, `Pulumi.${this.name}.yaml`), { force: true });
  }

  /** Runs pulumi with this stack's backend; `wrapper` runs it under another command (e.g. strace). */
  async pulumi(args: string[], opts: { allowFailure?: boolean; signal?: AbortSignal; wrapper?: string[] } = {}): Promise<PulumiResult> {
    const start = Date.now();
    const [file, ...rest] = [...(opts.wrapper ?? []), "pulumi", ...args];
    const r = await run(file, rest, { cwd: this.programDir, all: true, cancelSignal: opts.signal, env: this.env });
    const result = {
      exitCode: r.exitCode ?? -1,
      stdout: String(r.stdout ?? ""),
      stderr: String(r.stderr ?? ""),
      all: String(r.all ?? ""),
      seconds: (Date.now() - start) / 1000,
    };
    if (!opts.allowFailure && result.exitCode !== 0) {
      throw new Error(`pulumi ${args.join(" ")} failed (exit ${result.exitCode}):\n${result.all}`);
    }
    return result;
  }
}

/** Throws with pulumi's whole output unless it succeeded. */
export function assertSucceeded(r: PulumiResult, what: string): void {
  if (r.exitCode !== 0) {
    throw new Error(`${what} failed (exit ${r.exitCode}) after ${r.seconds}s:\n${r.all}`);
  }
}
