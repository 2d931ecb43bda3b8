// Every `pulumi config set` example in README.md and docs/*.md, run: the program under mocks with that config renders
// objects that the policy pack and the Kubernetes OpenAPI schema accept, and that do what the example says.
// A new example without an expectation here fails the test.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { policies } from "../../policy/policies";
import { hdfsSecretKeys } from "../../components/hdfsSecurity";
import { environmentPrincipals, hdfsRoleKeys, stackKerberos } from "../support/devStack";
import { fakeApi, type FakeObject } from "../support/fakeApi";
import { keytabBase64 } from "../support/keytab";
import { find, kubernetesObjects, RegisteredResource, runProgram, stackFileConfig } from "../support/mocks";
import { KubernetesSchema, kubernetesSchema } from "../support/openapi";
import { runPolicy, validationArgs } from "../support/policy";

interface Example {
  /** The README line. */
  line: string;
  /** `k8s-daemonsets:a.b.c` or `kubernetes:context`. */
  key: string;
  value: string;
  path: boolean;
}

/** Shell words of one command line (single and double quotes, a trailing `# comment` dropped). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "#" && word === undefined) {
      break;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The docs (README.md, docs/*.md). */
function docs(): string[] {
  const root = path.join(__dirname, "..", "..");
  const pages = fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join(root, "docs", f));
  return [path.join(root, "README.md"), ...pages].map((f) => fs.readFileSync(f, "utf8"));
}

/** The docs' ```sh blocks, each as the `pulumi config set` commands in it, and whether it starts a new stack. */
function readmeExamples(): { fresh: boolean; examples: Example[] }[] {
  const blocks = docs().flatMap((page) => [...page.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1].split("\n")));
  return blocks
    .map((lines) => ({
      fresh: lines.some((l) => /^pulumi stack init\b/.test(l)),
      examples: lines
        .filter((l) => /^pulumi config set\b/.test(l))
        .map((line) => {
          const words = shellWords(line).slice(3);
          const isPath = words.includes("--path");
          const [key, value] = words.filter((w) => w !== "--path");
          return { line, key, value, path: isPath };
        }),
    }))
    .filter((b) => b.examples.length > 0);
}

/** What `pulumi config set [--path] key value` makes of the stack's config (keys without the project prefix). */
function applyExample(config: Record<string, any>, e: Example): Record<string, any> {
  const [ns, key] = [e.key.slice(0, e.key.indexOf(":")), e.key.slice(e.key.indexOf(":") + 1)];
  if (ns !== "k8s-daemonsets") return config; // a provider's key (kubernetes:context): not the program's
  const out = structuredClone(config);
  // --path: `a.b[0]` is a, b, then index 0 of a list.
  const segments: (string | number)[] = e.path ? key.split(/\.|(?=\[)/).map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s)) : [key];
  let at = out;
  segments.slice(0, -1).forEach((s, i) => {
    at = at[s] = typeof at[s] === "object" && at[s] !== null ? at[s] : typeof segments[i + 1] === "number" ? [] : {};
  });
  // As the CLI does with --path: true/false and integers become typed values.
  const v = e.value;
  at[segments.at(-1)!] = e.path && /^(true|false)$/.test(v) ? v === "true" : e.path && /^-?\d+$/.test(v) ? Number(v) : v;
  return out;
}

const ds = (r: RegisteredResource[], name: string) => find(r, "kubernetes:apps/v1:DaemonSet", name).inputs;
const container = (r: RegisteredResource[], name: string, c: string) =>
  ds(r, name).spec.template.spec.containers.find((x: any) => x.name === c);

/** A node label example: the node's patch carries the label. */
const nodeLabelExpectation = (key: string) => (v: string, r: RegisteredResource[]) => {
  const [, node, label] = key.split(".");
  assert.equal(find(r, "kubernetes:core/v1:NodePatch", `node-labels-${node}`).inputs.metadata.labels[label], v);
};

/** What each example key must do to the rendered objects. */
const expectations: Record<string, (value: string, registered: RegisteredResource[]) => void> = {
  "k8s-daemonsets:nodeExporter.listenHost": (v, r) =>
    assert.ok(container(r, "node-exporter", "node-exporter").args.includes(`--web.listen-address=${v}:9100`)),
  "k8s-daemonsets:nodeExporter.resources.limits.memory": (v, r) =>
    // The limit given, the default requests kept.
    assert.deepEqual(container(r, "node-exporter", "node-exporter").resources, { requests: { cpu: "100m", memory: "180Mi" }, limits: { memory: v } }),
  "k8s-daemonsets:hdfs.nameNode.nameDirHostPath": (v, r) =>
    assert.deepEqual(ds(r, "hdfs-namenode").spec.template.spec.volumes.find((x: any) => x.name === "name-dir").hostPath, { path: v, type: "DirectoryOrCreate" }),
  "k8s-daemonsets:nodeLabels.worker-3.host": nodeLabelExpectation("nodeLabels.worker-3.host"),
  "k8s-daemonsets:nodeLabels.worker-7.host": nodeLabelExpectation("nodeLabels.worker-7.host"),
  "k8s-daemonsets:nodeLabels.worker-9.host": nodeLabelExpectation("nodeLabels.worker-9.host"),
  "kubernetes:context": () => undefined, // the provider's setting; the program does not read it
  "k8s-daemonsets:hdfs.createNamespace": (v, r) => {
    assert.equal(v, "false");
    assert.equal(r.filter((x) => x.type === "kubernetes:core/v1:Namespace" && x.inputs.metadata.name === "hdfs").length, 0);
  },
  "k8s-daemonsets:hdfs.security.realm": (v, r) =>
    assert.ok(hdfsSite(r).includes(`<value>nn/hdfs-k8s.hdfs@${v}</value>`), "the NameNode's principal is in the realm"),
  "k8s-daemonsets:hdfs.security.kdcs[0]": (v, r) =>
    assert.match(find(r, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-config").inputs.data["krb5.conf"], new RegExp(`kdc = ${v.replace(/\./g, "\\.")}\n`)),
  ...Object.fromEntries(["nameNode", "journalNode", "dataNode"].flatMap((role) => ["keytab", "tls"].map((kind) => [
    `k8s-daemonsets:hdfs.${role}.${kind}SecretName`,
    (v: string, r: RegisteredResource[]) =>
      assert.ok(ds(r, `hdfs-${role.toLowerCase()}`).spec.template.spec.volumes.some((x: any) => x.secret?.secretName === v), `${role} mounts Secret ${v}`),
  ]))),
};

const hdfsSite = (r: RegisteredResource[]) => find(r, "kubernetes:core/v1:ConfigMap", "hdfs-namenode-config").inputs.data["hdfs-site.xml"] as string;

/**
 * The cluster a stack's config expects: its labelled nodes, and the Secrets its HDFS roles name, as their owner
 * would create them (a keytab with the principals of the role on any of those nodes; the TLS Secret's keys).
 */
function clusterFor(config: Record<string, any>) {
  const nodes = Object.keys(config.nodeLabels ?? {});
  const k = stackKerberos(config);
  const principals = k ? environmentPrincipals(k, nodes) : undefined;
  const namespace = config.hdfs?.namespace ?? "hdfs";
  const secrets: FakeObject[] = Object.entries(hdfsRoleKeys).flatMap(([role, key]) => {
    const r = config.hdfs?.[key] ?? {};
    const secret = (name: string, data: Record<string, string>): FakeObject => ({ apiVersion: "v1", kind: "Secret", name, namespace, data });
    return [
      ...(r.keytabSecretName && principals ? [secret(r.keytabSecretName, { [hdfsSecretKeys.keytab]: keytabBase64(principals[role as keyof typeof principals]) })] : []),
      ...(r.tlsSecretName ? [secret(r.tlsSecretName, { [hdfsSecretKeys.keystore]: "a2V5", [hdfsSecretKeys.truststore]: "dHJ1c3Q=", [hdfsSecretKeys.password]: "cHc=" })] : []),
    ];
  });
  return fakeApi(nodes, secrets);
}

async function checkRun(config: Record<string, any>): Promise<RegisteredResource[]> {
  const run = await runProgram(config, clusterFor(config));
  assert.equal(run.error, undefined, String(run.error));
  const violations: string[] = [];
  for (const r of run.registered.filter((x) => x.type.startsWith("kubernetes:"))) {
    for (const p of policies) {
      violations.push(...(await runPolicy(p, validationArgs(r.type, r.inputs, r.name))).violations.map((v) => `${r.name} ${p.name}: ${v}`));
    }
  }
  assert.deepEqual(violations, []);
  for (const object of kubernetesObjects(run.registered)) {
    assert.deepEqual(schema.errors(object), [], `${object.kind} ${object.metadata?.name}`);
  }
  return run.registered;
}

let schema: KubernetesSchema;

describe("the docs' `pulumi config set` examples", () => {
  const blocks = readmeExamples();
  before(() => {
    schema = kubernetesSchema();
  });

  it("are found, and each has an expectation", () => {
    const keys = blocks.flatMap((b) => b.examples.map((e) => e.key));
    assert.ok(keys.includes("k8s-daemonsets:nodeExporter.resources.limits.memory"), "the resources example");
    assert.ok(keys.length >= 7, `only ${keys.length} examples`);
    assert.deepEqual(keys.filter((k) => !(k in expectations)), []);
  });

  for (const block of blocks) {
    if (block.fresh) {
      // A new stack: the commands together, from an empty config.
      it(`together on a new stack: ${block.examples.map((e) => e.key).join(", ")}`, async () => {
        const config = block.examples.reduce(applyExample, {} as Record<string, any>);
        const registered = await checkRun(config);
        for (const e of block.examples) expectations[e.key](e.value, registered);
      });
    } else {
      // Alternatives: each command alone, on the dev stack.
      for (const e of block.examples) {
        it(`on the dev stack: ${e.line}`, async () => {
          const registered = await checkRun(applyExample(stackFileConfig("dev"), e));
          expectations[e.key](e.value, registered);
        });
      }
    }
  }
});
