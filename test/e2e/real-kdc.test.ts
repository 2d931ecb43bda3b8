// End-to-end on real nodes: the Kerberos KDC the local environment runs for them (scripts/kdc.sh). A pod on a real
// node, in the HDFS image (whose krb5-user gives it kinit and klist), gets tickets from it over the nodes' bridge,
// with the realm's 3-minute lifetime; a wrong password is refused; the KDC listens in its own network namespace
// only; an all-kwok cluster started and stopped beside the real nodes (as `make test` runs its all-kwok round) leaves
// them and the KDC alone. Skipped without real nodes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { hdfsCommonDefaults } from "../../components/hdfsShared";
import { getNodes, isPodRunning, kubectl, kubectlJson, realBridge, realNodeCount, realNodesDir, repoRoot, run, runOk, waitFor, type Pod } from "../support/localCluster";

const realm = "K8S-DAEMONSETS.TEST";
const kdcState = path.join(realNodesDir, "kdc", "state");
const pod = "e2e-kerberos-client";

/** A shell command in the client pod, `input` on its stdin. */
const inPod = (script: string, input?: string) => kubectl(["exec", "-i", "-n", "default", pod, "--", "bash", "-c", script], input);

describe("the real nodes' Kerberos KDC", { skip: realNodeCount < 1 ? "needs real nodes (REAL_NODES=3)" : false }, () => {
  before(async () => {
    await kubectl(["delete", "pod", "-n", "default", pod, "--ignore-not-found", "--wait=true"]);
    await kubectl(["apply", "-f", "-"], JSON.stringify({
      apiVersion: "v1", kind: "Pod",
      metadata: { name: pod, namespace: "default" },
      spec: {
        nodeName: "node-5", hostNetwork: true, restartPolicy: "Never", terminationGracePeriodSeconds: 1,
        containers: [{ name: "client", image: hdfsCommonDefaults.image, imagePullPolicy: "Never", command: ["sleep", "3600"] }],
      },
    }));
    await waitFor(async () => isPodRunning(await kubectlJson<Pod>(["get", "pod", "-n", "default", pod])), 60_000, { what: "the client pod running" });
    // The realm's client configuration, as the local environment wrote it, and alice's keytab.
    await inPod("cat > /tmp/krb5.conf", fs.readFileSync(path.join(kdcState, "krb5.conf"), "utf8"));
    await inPod("base64 -d > /tmp/alice.keytab", fs.readFileSync(path.join(kdcState, "users", "alice.keytab")).toString("base64"));
  });

  after(async () => {
    await kubectl(["delete", "pod", "-n", "default", pod, "--ignore-not-found", "--wait=false"]);
  });

  test("a pod on a real node gets a ticket from its keytab, with the realm's 3-minute lifetime", async () => {
    const klist = await inPod(`export KRB5_CONFIG=/tmp/krb5.conf KRB5CCNAME=FILE:/tmp/cc; kinit -k -t /tmp/alice.keytab alice && klist`);
    assert.match(klist, new RegExp(`Default principal: alice@${realm.replace(/\./g, "\\.")}`));
    const line = klist.split("\n").find((l) => l.includes(`krbtgt/${realm}@${realm}`));
    assert.ok(line, klist);
    const [start, end] = [...line.matchAll(/(\d\d\/\d\d\/\d\d(?:\d\d)? \d\d:\d\d:\d\d)/g)].map((m) => Date.parse(m[1]));
    assert.equal((end - start) / 1000, 180, line);
  });

  test("a password is checked: alice's own gets a ticket, another is refused", async () => {
    const password = fs.readFileSync(path.join(kdcState, "users", "alice.password"), "utf8").trim();
    const env = "export KRB5_CONFIG=/tmp/krb5.conf KRB5CCNAME=FILE:/tmp/cc2;";
    assert.match(await inPod(`${env} kinit alice && klist`, `${password}\n`), /Default principal: alice@/);
    await assert.rejects(inPod(`${env} kdestroy; kinit alice`, "not-her-password\n"), /Password incorrect|Preauthentication failed/);
  });

  test("the KDC listens on port 88 in its own network namespace only, not on the machine", async () => {
    const inKdc = await runOk("ip", ["netns", "exec", "k8s-daemonsets-kdc", "ss", "-Hlnu", "sport = :88"]);
    assert.match(inKdc, /10\.213\.0\.200:88|\*:88|0\.0\.0\.0:88/);
    assert.equal((await runOk("ss", ["-Hlnu", "sport = :88"])).trim(), "");
    assert.equal((await runOk("ss", ["-Hlnt", "sport = :88"])).trim(), "");
  });

  test("an all-kwok cluster of another state directory, up and down beside the real nodes, leaves them and the KDC alone", async () => {
    // The KDC's namespace and link, the bridge and the real nodes' cgroups have machine-wide names: the second
    // cluster's `down` must not take them for leftovers of its own (scripts/real-nodes.sh, real_nodes_elsewhere).
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-daemonsets-beside-"));
    const script = path.join(repoRoot, "scripts", "cluster.sh");
    const env = { DAEMONSETS_STATE_DIR: other, REAL_NODES: "0" };
    try {
      await runOk(script, ["up", "--nodes", "2"], { env });
      await runOk(script, ["down"], { env });
    } finally {
      await run(script, ["down"], { env });
      fs.rmSync(other, { recursive: true, force: true });
    }
    await runOk("ip", ["link", "show", realBridge]);
    assert.match(await runOk("ip", ["netns", "exec", "k8s-daemonsets-kdc", "ss", "-Hlnu", "sport = :88"]), /:88/);
    const klist = await inPod(`export KRB5_CONFIG=/tmp/krb5.conf KRB5CCNAME=FILE:/tmp/cc3; kinit -k -t /tmp/alice.keytab alice && klist`);
    assert.match(klist, /Default principal: alice@/);
    const real = (await getNodes()).filter((n) => n.metadata.labels?.type === "real");
    assert.equal(real.length, realNodeCount);
    for (const n of real) assert.equal(n.status.conditions?.find((c) => c.type === "Ready")?.status, "True", n.metadata.name);
  });
});
