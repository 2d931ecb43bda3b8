// Prints node -> real or simulated -> labels this stack applies -> the project's pods on that node, read back
// from the cluster, then the metrics URL of each real node with a sample of what it serves, and HDFS's state; with
// Kerberos, how to get a ticket as the realm's user alice and a round trip made as her.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { project } from "../components/project";
import { kdcState, localRealm } from "../test/support/kerberos";

const stack = process.argv[2] ?? "dev";
// How long to wait for an active NameNode; checked first (a value that is not a number would wait forever).
const hdfsStatusWaitSeconds = Number(process.env.HDFS_STATUS_WAIT_SECONDS ?? "300");
if (!Number.isFinite(hdfsStatusWaitSeconds) || hdfsStatusWaitSeconds < 0) {
  console.error(`HDFS_STATUS_WAIT_SECONDS: "${process.env.HDFS_STATUS_WAIT_SECONDS}" is not a number of seconds (default 300)`);
  process.exit(2);
}
const json = (cmd: string, args: string[]) => JSON.parse(execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 }));

const plan: Record<string, Record<string, string>> = json("pulumi", ["stack", "output", "labelPlan", "--json", "--stack", stack]) ?? {};
const nodes: any[] = json("kubectl", ["get", "nodes", "-o", "json"]).items;
const pods: any[] = json("kubectl", ["get", "pods", "--all-namespaces", "-l", `app.kubernetes.io/part-of=${project}`, "-o", "json"]).items;

const rows = nodes
  .map((n) => n.metadata.name as string)
  .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
  .map((name) => {
    const labels = Object.entries(plan[name] ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "-";
    const here = pods
      .filter((p) => p.spec.nodeName === name)
      .map((p) => `${p.metadata.labels["app.kubernetes.io/name"]}(${p.status.phase})`)
      .sort()
      .join(" ") || "-";
    const node = nodes.find((n) => n.metadata.name === name);
    const kind = node?.metadata.labels?.type === "real" ? "real" : "simulated";
    return [name, kind, labels, here];
  });
const header = ["NODE", "KIND", "LABELS FROM STACK CONFIG", "PODS"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) {
  console.log(row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}

/** What a real node's node-exporter reports now: its load and the free space of the node's `/`. */
async function metricsSample(ip: string): Promise<string> {
  try {
    const text = await (await fetch(`http://${ip}:9100/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const load = /^node_load1 (\S+)$/m.exec(text)?.[1];
    const avail = /^node_filesystem_avail_bytes\{[^}]*mountpoint="\/"[^}]*\} (\S+)$/m.exec(text)?.[1];
    return `node_load1 ${load ?? "missing"}, / ${avail === undefined ? "missing" : `${(Number(avail) / 2 ** 30).toFixed(1)} GiB available`}`;
  } catch (e) {
    return `not answering (${e instanceof Error ? e.message : String(e)})`;
  }
}

async function main(): Promise<void> {
  const real = nodes.filter((n) => n.metadata.labels?.type === "real");
  if (real.length > 0) {
    console.log("\nmetrics of the real nodes, read from each one's node-exporter now (curl -s URL for all of them):");
    for (const n of real.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, "en", { numeric: true }))) {
      const ip = n.status.addresses?.find((a: any) => a.type === "InternalIP")?.address;
      console.log(`  ${n.metadata.name}  http://${ip}:9100/metrics  ${await metricsSample(ip)}`);
    }
  }

  // HDFS as HDFS reports it, from a NameNode pod on a real node (kwok's stand-ins run no Hadoop): the NameNodes'
  // HA states (waiting up to HDFS_STATUS_WAIT_SECONDS, default 300, for an active one) and the live DataNodes.
  const hdfs = json("pulumi", ["stack", "output", "hdfsConfig", "--json", "--stack", stack]);
  const hdfsPlacement = json("pulumi", ["stack", "output", "placement", "--json", "--stack", stack])?.hdfsNameNode;
  const realNames = new Set(real.map((n) => n.metadata.name));
  const nameNodePod = pods.find((p) => p.metadata.labels["app.kubernetes.io/name"] === "hdfs-namenode" && realNames.has(p.spec.nodeName));
  if (hdfs && hdfsPlacement && nameNodePod) {
    // A shell in the NameNode container: as the daemons' principal from the role's keytab in Kerberos mode (a cache
    // of its own), as the daemons' user in simple mode.
    const shell = (script: string, input?: string) => {
      try {
        return execFileSync("kubectl", ["exec", "-i", "-n", hdfsPlacement.namespace, nameNodePod.metadata.name, "-c", "namenode", "--",
          "sh", "-c", `export HADOOP_CLIENT_OPTS=-Xmx96m; ${script}`], { encoding: "utf8", input: input ?? "", stdio: ["pipe", "pipe", "pipe"] });
      } catch (e: any) {
        return `${e.stdout ?? ""}${e.stderr ?? ""}`;
      }
    };
    const asDaemons = `export KRB5CCNAME=FILE:/tmp/krb5cc-status; [ -z "$HDFS_KEYTAB" ] || kinit -k -t "$HDFS_KEYTAB" "$HDFS_PRINCIPAL" || exit 1;`;
    const inNameNode = (args: string[]) => shell(`${asDaemons} exec hdfs ${args.join(" ")}`);
    const deadline = Date.now() + hdfsStatusWaitSeconds * 1000;
    let states: [string, string][] = [];
    for (;;) {
      const out = hdfs.nameservice ? inNameNode(["haadmin", "-getAllServiceState"]) : "";
      states = [...out.matchAll(/^(\S+):\d+\s+(\w+)\s*$/gm)].map((m) => [m[1], m[2]]);
      if (!hdfs.nameservice || states.some(([, s]) => s === "active") || Date.now() > deadline) break;
      execFileSync("sleep", ["5"]);
    }
    const live = [...inNameNode(["dfsadmin", "-report", "-live"]).matchAll(/^Hostname: (\S+)$/gm)].map((m) => m[1]).sort();
    console.log(`\nHDFS ${hdfs.nameservice ? `nameservice ${hdfs.nameservice}` : "(standalone NameNode)"}, as hdfs haadmin / dfsadmin report it:`);
    if (hdfs.nameservice) {
      const active = states.filter(([, s]) => s === "active").map(([h]) => h);
      console.log(`  active NameNode:  ${active.join(", ") || "none yet (docs/hdfs.md, Failover)"}`);
      console.log(`  standby:          ${states.filter(([, s]) => s === "standby").map(([h]) => h).join(", ") || "-"}`);
    }
    console.log(`  live DataNodes:   ${live.length} (${live.join(", ") || "-"})`);
    if (/<name>hadoop\.security\.authentication<\/name>\s*<value>kerberos<\/value>/.test(hdfs.coreSiteXml)) kerberosRoundTrip(shell, asDaemons, `-n ${hdfsPlacement.namespace} ${nameNodePod.metadata.name} -c namenode`);
  }
}

/**
 * Kerberos: how to run an HDFS command as the realm's user alice (scripts/kdc.sh made her, with a password), and a
 * round trip made as her now: her directory made by the superuser, a file written over RPC and read back.
 */
function kerberosRoundTrip(shell: (script: string, input?: string) => string, asDaemons: string, pod: string): void {
  const passwordFile = path.join(kdcState, "users", "alice.password");
  console.log(`\nHDFS is Kerberized (realm ${localRealm}): a command without a ticket is refused. As alice, whose password is in ${path.relative(process.cwd(), passwordFile)}:`);
  console.log(`  kubectl exec -i ${pod} -- sh -c 'export KRB5CCNAME=FILE:/tmp/cc-alice; kinit alice >/dev/null && hdfs dfs -ls /user/alice' < ${path.relative(process.cwd(), passwordFile)}`);
  if (!fs.existsSync(passwordFile)) {
    console.log("  (no local KDC: no real node runs HDFS here)");
    return;
  }
  const refused = shell("export KRB5CCNAME=FILE:/tmp/cc-none; hdfs dfs -ls / 2>&1 | grep -o 'Client cannot authenticate via:\\[TOKEN, KERBEROS\\]' | head -n 1");
  shell(`${asDaemons} hdfs dfs -mkdir -p /user/alice && hdfs dfs -chown alice /user/alice`);
  const marker = `hello from alice, ${new Date().toISOString()}`;
  const out = shell(
    "export KRB5CCNAME=FILE:/tmp/cc-alice; kinit alice >/dev/null || exit 1; " +
      `echo '${marker}' | hdfs dfs -put -f - /user/alice/hello && hdfs dfs -cat /user/alice/hello && hdfs dfs -stat 'owner %u, %b bytes' /user/alice/hello`,
    fs.readFileSync(passwordFile, "utf8"),
  );
  const ok = out.split("\n").includes(marker);
  console.log(`  without a ticket, hdfs dfs -ls /: ${refused.trim() || "NOT refused"}`);
  console.log(`  round trip as alice now: ${ok ? `wrote /user/alice/hello over RPC and read back the same line (${/owner \S+, \d+ bytes/.exec(out)?.[0] ?? "?"})` : `FAILED: ${out.trim().split("\n").slice(-3).join(" | ")}`}`);
  if (!ok) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
