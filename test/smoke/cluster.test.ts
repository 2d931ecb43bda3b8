// Smoke tier: the locally built engine and the local cluster work (run by scripts/run-tests.sh smoke, which
// starts the cluster with NODES nodes and stops it afterwards).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
  clusterScript,
  expectedNodeNames,
  getDaemonSet,
  getNodes,
  getPods,
  isNodeReady,
  isPodRunning,
  kubectl,
  kubectlApply,
  nodeCount,
  podsPerNode,
  repoRoot,
  run,
  runOk,
  waitFor,
  type Pod,
} from "../support/localCluster";

/** A version the tools recipes pin (tools/lib.sh, the one place). */
const toolVersion = (name: string) => {
  const m = new RegExp(`^${name}=(\\S+)$`, "m").exec(readFileSync(path.join(repoRoot, "tools", "lib.sh"), "utf8"));
  assert.ok(m, `${name} in tools/lib.sh`);
  return m[1];
};
const PULUMI_VERSION = toolVersion("PULUMI_VERSION");
const PROVIDER_VERSION = toolVersion("PULUMI_KUBERNETES_VERSION");

/** Starts a provider plugin binary as the engine would and returns the version its GetPluginInfo reports. */
async function providerPluginInfoVersion(binary: string): Promise<string> {
  const { execa } = await import("execa");
  // The argument is the engine's address; the provider only dials it when it needs the engine.
  const plugin = execa(binary, ["127.0.0.1:1"], { reject: false, buffer: false, stdin: "ignore", stderr: "ignore" });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`${binary} printed no port within 30s`)), 30_000);
      plugin.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const m = /^(\d+)\s*\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      plugin.on("exit", (code) => reject(new Error(`${binary} exited with ${code} before printing its port: ${out}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      return await new Promise<string>((resolve, reject) =>
        client.getPluginInfo(new Empty(), new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (err, info) =>
          err ? reject(err) : resolve(info.getVersion()),
        ),
      );
    } finally {
      client.close();
    }
  } finally {
    plugin.kill();
    await plugin;
  }
}

describe("engine", () => {
  test(`pulumi version is ${PULUMI_VERSION}`, async () => {
    assert.equal((await runOk("pulumi", ["version"])).trim(), PULUMI_VERSION);
  });

  test(`the Kubernetes provider on PATH is ${PROVIDER_VERSION}, the version package.json pins`, async () => {
    // The program's exact pin (a devDependency: the library takes @pulumi/* as peer dependencies).
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(pkg.devDependencies["@pulumi/kubernetes"], PROVIDER_VERSION);

    const binary = String((await run("sh", ["-c", "command -v pulumi-resource-kubernetes"])).stdout).trim();
    assert.ok(binary, "pulumi-resource-kubernetes is not on PATH (tools/build.sh builds it, scripts/env.sh adds it)");

    // What the plugin itself reports (the version stamped into the binary; the engine records it in state):
    // start it the way the engine does, read the port it prints, ask GetPluginInfo over gRPC.
    assert.equal(await providerPluginInfoVersion(binary), PROVIDER_VERSION);

    // What the engine gets from it: `pulumi package get-schema` starts the plugin, handshakes, fetches the schema.
    const stdout = await runOk("pulumi", ["package", "get-schema", binary], { timeout: 120_000 });
    const schema = JSON.parse(stdout) as { name: string; version: string };
    assert.equal(schema.name, "kubernetes");
    assert.equal(schema.version, PROVIDER_VERSION);
  });
});

describe("local cluster", () => {
  test(`all ${nodeCount} nodes are Ready and named node-1..node-${nodeCount}`, async () => {
    const nodes = await getNodes();
    const byName = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
    assert.deepEqual(nodes.map((n) => n.metadata.name).sort(byName), expectedNodeNames());
    for (const node of nodes) {
      assert.ok(isNodeReady(node), `${node.metadata.name} is not Ready`);
      assert.equal(node.metadata.labels?.["kubernetes.io/os"], "linux");
      assert.equal(node.metadata.labels?.["kubernetes.io/hostname"], node.metadata.name);
      const ip = node.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
      assert.match(ip, /^127\./, `${node.metadata.name} InternalIP ${ip} is not a loopback address`);
    }
    const cp = nodes.find((n) => n.metadata.name === "node-1");
    assert.deepEqual(cp?.spec.taints?.map((t) => `${t.key}:${t.effect}`), ["node-role.kubernetes.io/control-plane:NoSchedule"]);
    assert.equal(cp?.metadata.labels?.["node-role.kubernetes.io/control-plane"], "");
  });

  test("up again (make up): a running cluster of the asked shape is kept; of another shape, or without --keep-running, refused saying why", async () => {
    const script = path.join(repoRoot, "scripts", "cluster.sh");
    // The components' lines of `status` (name, pid, ports): the same processes before and after.
    const components = async () => String((await run(script, ["status"])).stdout).split("\n").filter((l) => /\bpid \d+/.test(l));
    const before = await components();
    assert.equal(before.length, 5, before.join("\n"));
    const kept = await run(script, ["up", "--nodes", String(nodeCount), "--keep-running"]);
    assert.equal(kept.exitCode, 0, String(kept.stderr));
    assert.match(String(kept.stdout), new RegExp(`already running with the ${nodeCount} nodes \\(0 real\\), every node Ready: kept`));
    const other = await run(script, ["up", "--nodes", String(nodeCount + 1), "--keep-running"]);
    assert.equal(other.exitCode, 1);
    assert.match(String(other.stderr), new RegExp(`running with nodes \\[node-1 node-2 .* node-${nodeCount}\\] \\(real: \\[none\\]\\), not the ${nodeCount + 1} nodes \\(0 real\\) asked for: run 'make down'`));
    const plain = await run(script, ["up", "--nodes", String(nodeCount)]);
    assert.equal(plain.exitCode, 1);
    assert.match(String(plain.stderr), /already running \(pids [\d ]+\); run 'scripts\/cluster.sh down' first/);
    assert.deepEqual(await components(), before, "the cluster's processes are the same");
  });

  describe("a DaemonSet", () => {
    const ns = "default";
    const name = `smoke-ds-${process.pid}`;
    const extraNode = `node-${nodeCount + 1}`;
    const selector = `app=${name}`;

    const dsPods = async (): Promise<Pod[]> => getPods(ns, selector);
    const describePods = async () =>
      `pods: ${JSON.stringify((await dsPods()).map((p) => [p.metadata.name, p.spec.nodeName, p.status.phase]))}; ` +
      `daemonset status: ${JSON.stringify((await getDaemonSet(ns, name))?.status)}`;
    /** exactly one Running pod on each of `nodes`, and none elsewhere */
    const onePodPerNode = (nodes: string[]) => async () => {
      const pods = (await dsPods()).filter((p) => !p.metadata.deletionTimestamp);
      const perNode = podsPerNode(pods);
      const ok =
        pods.length === nodes.length &&
        pods.every(isPodRunning) &&
        nodes.every((n) => perNode.get(n) === 1) &&
        (await getDaemonSet(ns, name))?.status?.numberReady === nodes.length;
      return ok ? pods : undefined;
    };

    after(async () => {
      // clean up whatever a failed step left behind
      await kubectl(["delete", "daemonset", name, "-n", ns, "--ignore-not-found", "--wait=false"]).catch(() => {});
      await clusterScript(["remove-node", extraNode]).catch(() => {});
    });

    test("gets exactly one Running pod per node, including the tainted control-plane node", async () => {
      await kubectlApply({
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name, namespace: ns, labels: { app: name } },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              tolerations: [{ operator: "Exists" }],
              containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10" }],
            },
          },
        },
      });
      const pods = await waitFor(onePodPerNode(expectedNodeNames()), 60_000, {
        what: `one Running pod of ${name} on each of ${nodeCount} nodes`,
        describe: describePods,
      });
      assert.ok(pods.some((p) => p.spec.nodeName === "node-1"), "no pod on the tainted node-1");
    });

    test("a node that joins gets its pod", async () => {
      await clusterScript(["add-node", extraNode]);
      await waitFor(onePodPerNode([...expectedNodeNames(), extraNode]), 60_000, {
        what: `a Running pod on the new node ${extraNode}`,
        describe: describePods,
      });
    });

    test("a node that leaves loses its pod", async () => {
      await clusterScript(["remove-node", extraNode]);
      await waitFor(onePodPerNode(expectedNodeNames()), 60_000, {
        what: `no pod left on the removed node ${extraNode}`,
        describe: describePods,
      });
      const nodes = (await getNodes()).map((n) => n.metadata.name);
      assert.ok(!nodes.includes(extraNode), `${extraNode} still exists`);
    });

    test("is deleted with its pods", async () => {
      await kubectl(["delete", "daemonset", name, "-n", ns, "--wait=true"]);
      await waitFor(async () => (await dsPods()).length === 0, 60_000, {
        what: `the pods of ${name} to be gone`,
        describe: describePods,
      });
      assert.equal(await getDaemonSet(ns, name), undefined);
    });
  });
});

describe("pulumi preview of the project", () => {
  test("runs against the local cluster and connects to nothing outside this machine", async () => {
    const { TestStack, assertSucceeded } = await import("../support/pulumi");
    const { mkdtempSync, readFileSync: read, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const stack = new TestStack("smoke");
    const traceDir = mkdtempSync(path.join(os.tmpdir(), "preview-connects-"));
    try {
      await stack.init();
      // The dev stack as make up deploys it: its file, and the HDFS roles' material as Pulumi secrets (stand-ins
      // here: keytabs with the right principals, no real keys; a preview needs no more).
      const { stackFile, standInMaterial } = await import("../support/mocks");
      const { materialSettings } = await import("../support/devStack");
      const dev = stackFile("dev");
      stack.setConfig(dev);
      await stack.setSecrets(Object.fromEntries(materialSettings(standInMaterial(dev) ?? {})));
      // Every connect() of pulumi, the language host, node and the provider, recorded by strace.
      const trace = path.join(traceDir, "connect");
      const r = await stack.pulumi(
        ["preview", "--stack", stack.name, "--config-file", stack.currentConfigFile, "--non-interactive"],
        { allowFailure: true, wrapper: ["strace", "-f", "-qq", "-e", "trace=connect", "-o", trace] },
      );
      assertSucceeded(r, "pulumi preview");
      assert.match(r.stdout, /\+ \d+ to create/);
      const connects = read(trace, "utf8").split("\n").filter((l) => l.includes("connect("));
      assert.ok(connects.some((l) => /sin_addr=inet_addr\("127\.0\.0\.1"\)/.test(l)), "preview never reached the local API server");
      const outside = connects.filter(
        (l) => !/sa_family=AF_UNIX|sa_family=AF_NETLINK/.test(l) && !/inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\./.test(l),
      );
      assert.deepEqual(outside, [], "connections to addresses outside the machine");
    } finally {
      await stack.remove();
      rmSync(traceDir, { recursive: true, force: true });
    }
  });
});
