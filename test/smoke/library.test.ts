// Smoke tier: the components as a platform team gets them. `npm pack` (its prepack step is the library build)
// packs the project into a temporary directory; a scratch Pulumi program there installs the tarball with
// `npm ci --offline` (a lockfile written from this repository's: the tarball and its own dependencies, all in
// the npm cache since `make deps`; no network), the @pulumi/* peer dependencies linked to this repository's,
// and is type-checked against the published declarations and run under Pulumi mocks. Needs no cluster.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot, runOk } from "../support/localCluster";

const peers = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/kubernetesx"];

/** The scratch program: what a platform team writes against the package (type-checked, then compiled). */
const programSource = `import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { HdfsCluster, NodeExporterArgs, NodeExporterDaemonSet, nodeExporterDefaults } from "k8s-daemonsets";

const quota = new k8s.core.v1.ResourceQuota("platform-quota", { metadata: { namespace: "kube-system" }, spec: { hard: { pods: "100" } } });

const args: NodeExporterArgs = {
  namespace: "platform-monitoring",
  imagePullPolicy: pulumi.output("Always"), // a pass-through field takes an Output
  nodeSelector: { "node-role.example.com/worker": "true" },
  resources: { limits: { memory: "250Mi" } },
};
// @ts-expect-error no test-only switch: the host-access declarations are always rendered
const internal: NodeExporterArgs = { declareHostAccess: false };
void internal;

// What the DaemonSet waits for is a resource option, as for any component.
export const exporter = new NodeExporterDaemonSet("platform-node-exporter", args, { dependsOn: [quota] });
export const daemonSet = exporter.daemonSet.metadata.name;
export const defaultImage: string = nodeExporterDefaults.image;

// One NameNode, no DataNodes: its ConfigMap carries the format script shipped with the package (a throwaway
// cluster: simple mode, chosen; Kerberos, the default, would need a realm and keytabs).
export const hdfs = new HdfsCluster("platform-hdfs", { nameNodeHosts: ["node-a"], dataNode: { enabled: false }, security: { mode: "simple" } });
`;

/** Runs the compiled program under mocks; prints what was registered on import and in all. */
const harnessSource = `const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
  newResource(a) { registered.push({ type: a.type, name: a.name, inputs: a.inputs }); return { id: a.name + "-id", state: a.inputs }; },
  call(a) { return a.inputs; },
}, "scratch-platform", "dev", false);
const settled = () => require("@pulumi/pulumi/runtime/settings").waitForRPCs();
(async () => {
  require("k8s-daemonsets");
  await settled();
  const onImport = registered.length;
  require("./index.js");
  await settled();
  process.stdout.write(JSON.stringify({ onImport, registered, resolved: require.resolve("k8s-daemonsets") }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** A lockfile for the scratch program: the tarball, and its dependencies' entries from this repository's lockfile. */
function scratchLock(tarball: string, integrity: string, pkg: { version: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }) {
  const repoLock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8"));
  const packages: Record<string, unknown> = {
    "": { name: "scratch-platform", version: "0.0.0", dependencies: { "k8s-daemonsets": `file:${tarball}` } },
    "node_modules/k8s-daemonsets": {
      version: pkg.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
    },
  };
  const queue = Object.keys(pkg.dependencies ?? {});
  while (queue.length > 0) {
    const name = queue.shift()!;
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const entry = repoLock.packages[key];
    assert.ok(entry, `${name} (a dependency of the package) is not at the top of package-lock.json`);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
    packages[key] = rest;
    queue.push(...Object.keys(entry.dependencies ?? {}));
  }
  return { name: "scratch-platform", version: "0.0.0", lockfileVersion: 3, requires: true, packages };
}

describe("the packed library", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-library-"));
  const program = path.join(dir, "program");
  let files: string[] = [];
  let run: { onImport: number; registered: { type: string; name: string; inputs: any }[]; resolved: string };

  before(async () => {
    const packed = JSON.parse(await runOk("npm", ["pack", "--json", "--pack-destination", dir], { cwd: repoRoot }))[0];
    files = packed.files.map((f: { path: string }) => f.path);
    const tarball = path.join(dir, packed.filename);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));

    fs.mkdirSync(program);
    fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: scratch-platform\nmain: index.js\nruntime: nodejs\n");
    fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({
      name: "scratch-platform", version: "0.0.0", private: true, main: "index.js",
      dependencies: { "k8s-daemonsets": `file:${tarball}` },
    }, null, 2));
    fs.writeFileSync(path.join(program, "package-lock.json"), JSON.stringify(scratchLock(tarball, packed.integrity, pkg), null, 2));
    // The peers are the caller's to install: here, this repository's own (legacy-peer-deps: npm leaves them alone).
    await runOk("npm", ["ci", "--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: program });
    fs.mkdirSync(path.join(program, "node_modules", "@pulumi"), { recursive: true });
    for (const peer of peers) {
      fs.symlinkSync(path.join(repoRoot, "node_modules", peer), path.join(program, "node_modules", peer));
    }

    fs.writeFileSync(path.join(program, "index.ts"), programSource);
    fs.writeFileSync(path.join(program, "run.js"), harnessSource);
    // Type-checked against the package's own declarations (its `exports` types), then compiled to index.js.
    fs.writeFileSync(path.join(program, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, skipLibCheck: true, module: "node16", moduleResolution: "node16", target: "es2022", types: [], outDir: "." },
      files: ["index.ts"],
    }));
    await runOk(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", program], { cwd: program });
    run = JSON.parse(await runOk(process.execPath, ["run.js"], { cwd: program }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the tarball holds the built library and its asset, not the sources, tests or program", () => {
    for (const f of ["package.json", "dist/index.js", "dist/index.d.ts", "dist/nodeExporter.js", "dist/assets/namenode-format.sh"]) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.deepEqual(files.filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts")), []);
    assert.deepEqual(files.filter((f) => !f.startsWith("dist/") && !["package.json", "README.md"].includes(f)), []);
  });

  test("the program imports the installed package's built entry point, which registers nothing on import", () => {
    assert.equal(fs.realpathSync(run.resolved), fs.realpathSync(path.join(program, "node_modules", "k8s-daemonsets", "dist", "index.js")));
    assert.equal(run.onImport, 0);
  });

  test("NodeExporterDaemonSet registers its DaemonSet with the caller's arguments over the defaults", () => {
    const components = run.registered.filter((r) => r.type === "k8s-daemonsets:index:NodeExporterDaemonSet");
    assert.deepEqual(components.map((r) => r.name), ["platform-node-exporter"]);
    const daemonSets = run.registered.filter((r) => r.type === "kubernetes:apps/v1:DaemonSet");
    assert.deepEqual(daemonSets.map((r) => r.name), ["node-exporter", "hdfs-namenode"]);
    const ds = daemonSets[0].inputs;
    assert.equal(ds.metadata.name, "node-exporter");
    assert.equal(ds.metadata.namespace, "platform-monitoring");
    assert.equal(ds.metadata.annotations["k8s-daemonsets/host-access"], "network,pid,hostPath");
    const pod = ds.spec.template.spec;
    assert.equal(pod.hostNetwork, true);
    assert.equal(pod.hostPID, true);
    assert.deepEqual(pod.nodeSelector, { "node-role.example.com/worker": "true" });
    const [container] = pod.containers;
    assert.equal(container.image, "quay.io/prometheus/node-exporter:v1.12.1");
    assert.equal(container.imagePullPolicy, "Always");
    assert.deepEqual(container.resources, { requests: { cpu: "100m", memory: "180Mi" }, limits: { memory: "250Mi" } });
    assert.ok(run.registered.some((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata.name === "platform-monitoring"));
  });

  test("the NameNode's format script is found beside the built JavaScript", () => {
    const configMap = run.registered.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata.name === "hdfs-namenode-config");
    assert.ok(configMap, "the NameNode's ConfigMap");
    assert.equal(configMap.inputs.data["namenode-format.sh"], fs.readFileSync(path.join(repoRoot, "components", "assets", "namenode-format.sh"), "utf8"));
  });
});
