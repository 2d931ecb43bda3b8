// A Kerberized HDFS's material for the e2e tests, from the local environment's own KDC (scripts/kdc.sh, whose
// kadmin.local and kinit run chrooted in its root filesystem) and a test CA made with openssl and keytool: the
// service principals and per-role keytabs a stack needs, a user's ticket for curl on this machine, and per-role
// PKCS12 keystores whose certificates cover the hosts the role runs on.
import * as fs from "node:fs";
import * as path from "node:path";
import { certificateExtraNames, keytabPrincipals, servicePrincipal, type HdfsRole } from "../../components/hdfsSecurity";
import { realNodesDir, repoRoot, runOk } from "./localCluster";

/** The local realm (scripts/kdc.sh) and where its state is. */
export const localRealm = "K8S-DAEMONSETS.TEST";
export const kdcState = path.join(realNodesDir, "kdc", "state");
export const kdcAddress = "10.213.0.200:88";

/** Runs commands of the KDC's root filesystem (scripts/kdc.sh's `kdc_run`): each line of `commands` is one. */
async function kdcRun(commands: string[][]): Promise<string> {
  const script = [
    `source scripts/env.sh; LOG_DIR=$STATE_DIR/logs; die() { echo "kdc: $*" >&2; exit 1; }; say() { :; }`,
    "source scripts/real-nodes.sh; source scripts/kdc.sh",
    ...commands.map((c) => `kdc_run ${c.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")} || exit 1`),
  ].join("\n");
  return runOk("bash", ["-c", script], { cwd: repoRoot });
}

/** A role's principals on `hosts` in the local realm (components/hdfsSecurity.ts's `keytabPrincipals`). */
const rolePrincipals = (instance: string, role: HdfsRole, hosts: string[]) => keytabPrincipals({ realm: localRealm, principalInstance: instance }, role, hosts);
/** Every role's principals, each once (`HTTP/<host>` is shared by the roles of a host). */
const servicePrincipals = (instance: string, hosts: Record<HdfsRole, string[]>) =>
  [...new Set((Object.keys(hosts) as HdfsRole[]).flatMap((r) => rolePrincipals(instance, r, hosts[r])))];

/**
 * The service principals of each role (components/hdfsSecurity.ts's `keytabPrincipals`: `nn/<instance>`, its
 * hosts' `HTTP/<host>`, …), each made once with a random key, and each role's keytab (base64) holding its own.
 * A principal two roles share (`HTTP/<host>` of a NameNode and JournalNode host) is exported without a new key.
 */
export async function serviceKeytabs(instance: string, hosts: Record<HdfsRole, string[]>): Promise<Record<HdfsRole, string>> {
  const roles = Object.keys(hosts) as HdfsRole[];
  const file = (role: string) => `/var/lib/krb5kdc/keytabs/e2e-${instance}-${role}.keytab`;
  await kdcRun([
    ...roles.map((r) => ["rm", "-f", file(r)]),
    ...servicePrincipals(instance, hosts).map((p) => ["kadmin.local", "-q", `addprinc -randkey ${p}`]),
    ...roles.flatMap((r) => rolePrincipals(instance, r, hosts[r]).map((p) => ["kadmin.local", "-q", `ktadd -norandkey -k ${file(r)} ${p}`])),
  ]);
  return Object.fromEntries(roles.map((r) => [r, fs.readFileSync(path.join(kdcState, "keytabs", path.basename(file(r)))).toString("base64")])) as Record<HdfsRole, string>;
}

/**
 * The longest ticket the service principals of `hosts`' roles get (kadmin's per-principal maxlife, under the realm's
 * own): a suite that waits for its daemons to log in again (past their tickets' lifetime) waits less with a shorter
 * one. Without `seconds`, the realm's lifetime again (its krbtgt's).
 */
export async function setServiceTicketLifetime(instance: string, hosts: Record<HdfsRole, string[]>, seconds?: number): Promise<void> {
  const principals = servicePrincipals(instance, hosts);
  let life = `${seconds} seconds`;
  if (seconds === undefined) {
    const krbtgt = await kdcRun([["kadmin.local", "-q", `getprinc krbtgt/${localRealm}@${localRealm}`]]);
    const m = /^Maximum ticket life: (\d+) days? (\d\d):(\d\d):(\d\d)$/m.exec(krbtgt);
    if (!m) throw new Error(`no "Maximum ticket life" in kadmin's getprinc krbtgt:\n${krbtgt}`);
    life = `${Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])} seconds`;
  }
  await kdcRun(principals.map((p) => ["kadmin.local", "-q", `modprinc -maxlife "${life}" ${p}`]));
}

/** One principal with a random key and its keytab (base64), e.g. a test ZooKeeper's `zookeeper/<host>`. */
export async function principalKeytab(principal: string, name: string): Promise<string> {
  const file = `/var/lib/krb5kdc/keytabs/e2e-${name}.keytab`;
  await kdcRun([["rm", "-f", file], ["kadmin.local", "-q", `addprinc -randkey ${principal}@${localRealm}`], ["kadmin.local", "-q", `ktadd -k ${file} ${principal}@${localRealm}`]]);
  return fs.readFileSync(path.join(kdcState, "keytabs", path.basename(file))).toString("base64");
}

/** A ticket from a keytab of the KDC's state, for clients on this machine: the environment curl needs. */
async function ticket(principal: string, keytab: string, cache: string): Promise<{ KRB5_CONFIG: string; KRB5CCNAME: string }> {
  await kdcRun([["kinit", "-k", "-t", `/var/lib/krb5kdc/${keytab}`, "-c", `/var/lib/krb5kdc/${cache}.ccache`, principal]]);
  return { KRB5_CONFIG: path.join(kdcState, "krb5.conf"), KRB5CCNAME: `FILE:${path.join(kdcState, `${cache}.ccache`)}` };
}

/** A ticket of a realm user (scripts/kdc.sh's users). */
export function userTicket(user: string): Promise<{ KRB5_CONFIG: string; KRB5CCNAME: string }> {
  return ticket(user, `users/${user}.keytab`, user);
}

/** A ticket of a role's service principal (`serviceKeytabs` made its keytab): the daemons' user, the superuser. */
export function serviceTicket(instance: string, role: HdfsRole): Promise<{ KRB5_CONFIG: string; KRB5CCNAME: string }> {
  return ticket(servicePrincipal({ realm: localRealm, principalInstance: instance }, role), `keytabs/e2e-${instance}-${role}.keytab`, `e2e-${role}`);
}

/** A role's TLS material as a stack gives it inline. */
export interface TlsMaterial {
  keystore: string;
  truststore: string;
  password: string;
}

/**
 * A CA in `dir` (ca.crt) and, per role, a server certificate from it for the role's hosts (names and addresses)
 * and the names the role's certificate carries besides (`certificateExtraNames` of the principal instance), in a
 * PKCS12 keystore with the CA's truststore; and a second CA (other-ca.crt) that signed none of them.
 */
export async function tlsMaterial(dir: string, hosts: Partial<Record<HdfsRole, { name: string; ip: string }[]>>, principalInstance: string): Promise<Record<string, TlsMaterial>> {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const password = (await runOk("openssl", ["rand", "-hex", "12"])).trim();
  const ca = async (name: string, cn: string) =>
    runOk("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.crt`), "-days", "2", "-subj", `/CN=${cn}`]);
  await ca("ca", "k8s-daemonsets e2e CA");
  await ca("other-ca", "another CA");
  await runOk("keytool", ["-importcert", "-noprompt", "-alias", "ca", "-file", f("ca.crt"), "-keystore", f("truststore.p12"), "-storetype", "PKCS12", "-storepass", password]);
  const out: Record<string, TlsMaterial> = {};
  for (const [role, roleHosts] of Object.entries(hosts)) {
    const extra = certificateExtraNames({ principalInstance }, role as HdfsRole).map((name) => `DNS:${name}`);
    const san = [...roleHosts!.flatMap((h) => [`DNS:${h.name}`, `IP:${h.ip}`]), ...extra].join(",");
    fs.writeFileSync(f(`${role}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    await runOk("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f(`${role}.key`), "-out", f(`${role}.csr`), "-subj", `/CN=hdfs-${role}`]);
    await runOk("openssl", ["x509", "-req", "-in", f(`${role}.csr`), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f(`${role}.crt`), "-days", "2", "-extfile", f(`${role}.ext`)]);
    await runOk("openssl", ["pkcs12", "-export", "-in", f(`${role}.crt`), "-inkey", f(`${role}.key`), "-certfile", f("ca.crt"), "-name", "server", "-out", f(`${role}.p12`), "-passout", `pass:${password}`]);
    out[role] = { keystore: fs.readFileSync(f(`${role}.p12`)).toString("base64"), truststore: fs.readFileSync(f("truststore.p12")).toString("base64"), password };
  }
  return out;
}
