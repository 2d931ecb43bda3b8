// The dev stack's Kerberos material, made by `make up` (scripts/stack.sh) before `pulumi up`. Where the stack file's
// Kerberized HDFS leaves the roles' keytabs to the environment (test/support/devStack.ts), each role gets a keytab
// from the local realm (scripts/kdc.sh; its principals for every node of the cluster, so that labelling another
// host needs no new key) and a PKCS12 keystore from a CA of the realm's own (covering every node by name and
// address), set as Pulumi secrets in a copy of the stack file, .state/stack-config/Pulumi.<stack>.yaml, whose path
// it prints (nothing when the stack file needs no material). The material is made once per realm and kept in the
// realm's state (removed by `make down`), so another `make up` changes nothing. Without a KDC (no real node) the
// roles get stand-in keytabs: no simulated node runs Hadoop.
//   node --import tsx scripts/dev-stack-security.ts [stack]
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { certificateExtraNames, type HdfsRole } from "../components/hdfsSecurity";
import { environmentKerberos, environmentPrincipals, materialSettings, type RoleMaterial } from "../test/support/devStack";
import { kdcState, localRealm, serviceKeytabs, tlsMaterial } from "../test/support/kerberos";
import { keytabBase64 } from "../test/support/keytab";
import { projectName, stackFile } from "../test/support/mocks";

const roles: HdfsRole[] = ["namenode", "journalnode", "datanode"];

/** The cluster's nodes: name and InternalIP. */
function clusterNodes(): { name: string; ip: string }[] {
  const nodes = JSON.parse(execFileSync("kubectl", ["get", "nodes", "-o", "json"], { encoding: "utf8", maxBuffer: 64 << 20 })).items;
  return nodes.map((n: any) => ({ name: n.metadata.name as string, ip: n.status.addresses?.find((a: any) => a.type === "InternalIP")?.address as string }));
}

async function main(): Promise<number> {
  const stack = process.argv[2] ?? "dev";
  const root = path.resolve(__dirname, "..");
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const k = environmentKerberos(stackFile(stack));
  if (!k) return 0;
  if (k.realm !== localRealm) {
    console.error(`dev-stack-security: ${projectName}:hdfs.security.realm is ${k.realm} in ${path.basename(file)}, but the local realm is ${localRealm}: ` +
      `the environment makes keys in its own realm only; give the roles' keytabs (hdfs.<role>.keytab or keytabSecretName) for another`);
    return 2;
  }
  const nodes = clusterNodes().filter((n) => n.ip);
  const names = nodes.map((n) => n.name).sort();
  const kdc = fs.existsSync(path.join(kdcState, "krb5.conf"));
  const dir = path.join(kdc ? kdcState : path.join(root, ".state"), `stack-${stack}-material`);
  const saved = path.join(dir, "material.json");
  let material: Record<HdfsRole, RoleMaterial>;
  const kept = fs.existsSync(saved) ? JSON.parse(fs.readFileSync(saved, "utf8")) : undefined;
  // Made again when what the certificates name changes (the nodes, the instance, or the names a role's certificate carries besides).
  const extraNames = Object.fromEntries(roles.map((r) => [r, certificateExtraNames(k, r)]));
  if (kept && JSON.stringify(kept.nodes) === JSON.stringify(names) && kept.instance === k.principalInstance && kept.kdc === kdc &&
      JSON.stringify(kept.extraNames) === JSON.stringify(extraNames)) {
    material = kept.material;
  } else {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const hosts = Object.fromEntries(roles.map((r) => [r, names])) as Record<HdfsRole, string[]>;
    const keytabs = kdc
      ? await serviceKeytabs(k.principalInstance, hosts)
      : Object.fromEntries(Object.entries(environmentPrincipals(k, names)).map(([r, p]) => [r, keytabBase64(p)]));
    const tls = await tlsMaterial(dir, Object.fromEntries(roles.map((r) => [r, nodes])), k.principalInstance);
    material = Object.fromEntries(roles.map((r) => [r, { keytab: keytabs[r], tls: tls[r] }])) as Record<HdfsRole, RoleMaterial>;
    fs.writeFileSync(saved, JSON.stringify({ nodes: names, instance: k.principalInstance, kdc, extraNames, material }), { mode: 0o600 });
    if (!kdc) console.error("dev-stack-security: no local KDC (no real node): the HDFS roles get stand-in keytabs; simulated nodes run no Hadoop");
  }

  const out = path.join(root, ".state", "stack-config", `Pulumi.${stack}.yaml`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.copyFileSync(file, out);
  const args = ["config", "set-all", "--stack", stack, "--config-file", out, "--path",
    ...materialSettings(material).flatMap(([key, value]) => ["--secret", `${projectName}:${key}=${value}`])];
  try {
    execFileSync("pulumi", args, { stdio: ["ignore", "ignore", "pipe"], cwd: root });
  } catch (e: any) {
    // (the command line holds the material: never in a message)
    console.error(`dev-stack-security: pulumi config set-all into ${out} failed: ${String(e.stderr ?? "").trim()}`);
    return 1;
  }
  console.log(out);
  return 0;
}

main().then((code) => process.exit(code), (e) => { console.error(`dev-stack-security: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
