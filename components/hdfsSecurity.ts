// HDFS's security: Kerberos for every client and daemon, protected RPC and data transfer, HTTPS with SPNEGO for
// every web endpoint (Hadoop's SecureMode guide), or Hadoop's "simple" mode, where a client is believed as whoever
// it says it is. The cluster's settings (`hdfsSecuritySettings`), the site properties and files they render, and the
// paths where each role's pods find their keytab and TLS material.
//
// Principals are per cluster, as Stackable's operator makes them: `nn/`, `jn/`, `dn/<instance>@<realm>` (the
// instance defaults to `<nameservice>.<namespace>`), never `_HOST`: a DataNode-only host, a node that joins later
// and a DataNode that registers by IP need no key of their own. A web endpoint accepts any `HTTP/*` principal of
// its role's keytab (`hadoop.http.authentication.kerberos.principal=*`): the NameNode's and JournalNodes' keytabs
// hold `HTTP/<host>` for each of their hosts (the names in their URLs), the DataNodes' `HTTP/<instance>` (their
// WebHDFS is reached with the NameNode's delegation tokens, not SPNEGO).
import { z } from "zod";
import { setting } from "./settings";

/** Hadoop's quality of protection (SASL): `authentication` only, `integrity` (signed), `privacy` (encrypted). */
const protection = z.enum(["authentication", "integrity", "privacy"]);

/** A Kerberos realm as MIT writes it: upper case by convention, no spaces. */
const realm = z.string().regex(/^[A-Z0-9][-A-Z0-9._]*$/, "must be a Kerberos realm in upper case, e.g. EXAMPLE.COM").describe("realm");
/** A KDC: host or host:port. */
const kdc = z
  .string()
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:\d{1,5})?$/, "must be host or host:port, e.g. kdc.example.com:88")
  .describe("host[:port]");
/** The instance part of a service principal: a DNS name. */
const principalInstance = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lowercase DNS name, e.g. hdfs-k8s.hdfs").describe("DNS name");

/** The cluster's security settings (`hdfs.security`): its mode and, with Kerberos, the realm's. */
export const hdfsSecuritySettings = {
  /**
   * `kerberos`: clients and daemons authenticate with Kerberos, RPC and block transfers are protected, every web
   * endpoint is HTTPS and asks for SPNEGO. `simple`: any client that reaches a node is believed as any user, the
   * superuser included (throwaway clusters only).
   */
  mode: setting(z.enum(["kerberos", "simple"]), { default: "kerberos" as "kerberos" | "simple" }),
  /** Kerberos: the realm of the service principals (and of users without a realm in their name). */
  realm: setting(realm),
  /** Kerberos: the realm's KDCs (host or host:port), the pods' krb5.conf. */
  kdcs: setting(z.array(kdc).min(1, "must name at least one KDC")),
  /** Kerberos: the instance of the service principals `nn/`, `jn/`, `dn/` and the DataNodes' `HTTP/<instance>@<realm>`. */
  principalInstance: setting(principalInstance, { defaultDoc: "<nameservice>.<namespace>" }),
  /** Kerberos: `hadoop.rpc.protection`, every RPC connection's. */
  rpcProtection: setting(protection, { default: "privacy" as z.output<typeof protection> }),
  /** Kerberos: `dfs.data.transfer.protection`, every block transfer's (SASL; required for DataNodes that are not root). */
  dataTransferProtection: setting(protection, { default: "privacy" as z.output<typeof protection> }),
};

/** What the site needs to render a Kerberized cluster. */
export interface HdfsKerberos {
  realm: string;
  kdcs: string[];
  principalInstance: string;
  rpcProtection: z.output<typeof protection>;
  dataTransferProtection: z.output<typeof protection>;
}

/** Where the pods find their security material. */
export const hdfsSecurityPaths = {
  /** The role's keytab (from its Secret), the file every `*.keytab` property names. */
  keytabDir: "/etc/hadoop-keytab",
  keytab: "/etc/hadoop-keytab/keytab",
  /** The role's TLS material (from its Secret): a PKCS12 keystore and truststore. */
  tlsDir: "/etc/hadoop-tls",
  keystore: "/etc/hadoop-tls/keystore.p12",
  truststore: "/etc/hadoop-tls/truststore.p12",
  /** MIT tools and Java both read it here. */
  krb5Conf: "/etc/krb5.conf",
} as const;

/** The environment variable that carries the TLS password (from its Secret) into the daemons' configuration. */
export const tlsPasswordEnv = "HADOOP_TLS_PASSWORD";

/** The keys of a role's Secrets. */
export const hdfsSecretKeys = { keytab: "keytab", keystore: "keystore.p12", truststore: "truststore.p12", password: "password" } as const;

/** The HDFS roles, each with the service name of its principal. */
export const hdfsRoleServices = { namenode: "nn", journalnode: "jn", datanode: "dn" } as const;

/** The HDFS roles: the suffix of each one's `app.kubernetes.io/name` (`hdfs-<role>`) and its component label. */
export type HdfsRole = keyof typeof hdfsRoleServices;

/** A role's RPC principal. */
export function servicePrincipal(k: Pick<HdfsKerberos, "realm" | "principalInstance">, role: HdfsRole): string {
  return `${hdfsRoleServices[role]}/${k.principalInstance}@${k.realm}`;
}

/**
 * The name a client of the role's web endpoint puts in its URL when it has no host of its own to name (the
 * readiness probe): the host, for the NameNodes and JournalNodes (their keytabs hold `HTTP/<host>`; undefined:
 * the pod's node), the principal instance for the DataNodes (their keytab's only `HTTP/` key). So the DataNodes'
 * certificate names the instance too (`certificateExtraNames`).
 */
export function webServerName(k: Pick<HdfsKerberos, "principalInstance">, role: HdfsRole): string | undefined {
  return role === "datanode" ? k.principalInstance : undefined;
}

/** The names a role's certificate carries besides its hosts' names and addresses (`webServerName`). */
export function certificateExtraNames(k: Pick<HdfsKerberos, "principalInstance">, role: HdfsRole): string[] {
  const name = webServerName(k, role);
  return name === undefined ? [] : [name];
}

/** The principals a role's keytab must hold: its RPC principal and the HTTP principals of its web endpoints. */
export function keytabPrincipals(k: Pick<HdfsKerberos, "realm" | "principalInstance">, role: HdfsRole, hosts: string[]): string[] {
  const http = role === "datanode" ? [k.principalInstance] : hosts;
  return [servicePrincipal(k, role), ...http.map((h) => `HTTP/${h}@${k.realm}`)];
}

/**
 * The principals a keytab holds (`primary/instance@REALM`), from MIT's keytab file format (version 0x0502: a
 * sequence of length-prefixed entries, each a principal's name and one key). Throws on anything else.
 */
export function principalsInKeytab(keytab: Buffer): string[] {
  if (keytab.length < 2 || keytab[0] !== 0x05 || keytab[1] !== 0x02) {
    throw new Error("not a keytab (MIT keytab format, version 0x0502)");
  }
  const names = new Set<string>();
  let pos = 2;
  try {
    while (pos + 4 <= keytab.length) {
      const size = keytab.readInt32BE(pos);
      pos += 4;
      if (size < 0) {
        pos -= size; // a deleted entry's hole
        continue;
      }
      if (size === 0 || pos + size > keytab.length) break;
      let p = pos;
      const counted = () => {
        const length = keytab.readUInt16BE(p);
        const text = keytab.toString("utf8", p + 2, p + 2 + length);
        p += 2 + length;
        return text;
      };
      const components = keytab.readUInt16BE(p);
      p += 2;
      const realm = counted();
      names.add(`${Array.from({ length: components }, counted).join("/")}@${realm}`);
      pos += size;
    }
  } catch {
    throw new Error("not a keytab (an entry runs past the end)");
  }
  return [...names];
}

/**
 * What a role's keytab (base64) lacks of the principals it must hold: an error text, or undefined when it holds
 * them all.
 */
export function keytabProblem(keytabBase64: string, required: string[]): string | undefined {
  let held: string[];
  try {
    held = principalsInKeytab(Buffer.from(keytabBase64, "base64"));
  } catch (e) {
    return (e as Error).message;
  }
  const missing = required.filter((p) => !held.includes(p));
  return missing.length > 0 ? `holds no key for ${missing.join(", ")} (the role's keytab must hold ${required.join(", ")}; it holds ${held.join(", ") || "none"})` : undefined;
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * core-site.xml's Kerberos properties: authentication and authorization on, RPC protection, the service principals
 * mapped to the daemons' user (`hadoop`: ownership and the superuser stay as in simple mode), everything else by
 * Hadoop's DEFAULT rule (`alice@<realm>` is `alice`), and SPNEGO on every web endpoint, anonymous refused (with only
 * `dfs.web.authentication.*`, WebHDFS would still believe `user.name=`).
 */
export function kerberosCoreSite(k: HdfsKerberos, daemonUser: string): Record<string, string> {
  const rules = (Object.keys(hdfsRoleServices) as HdfsRole[]).map(
    (role) => `RULE:[2:$1/$2@$0](${regexEscape(servicePrincipal(k, role))})s/.*/${daemonUser}/`,
  );
  return {
    "hadoop.security.authentication": "kerberos",
    "hadoop.security.authorization": "true",
    "hadoop.rpc.protection": k.rpcProtection,
    "hadoop.security.auth_to_local": [...rules, "DEFAULT"].join("\n"),
    // Every web server asks: the NameNodes' and JournalNodes' add SPNEGO by themselves, a DataNode's only through
    // this initializer (without it a DataNode's /jmx answered 200 to anyone over HTTPS; the NameNode swaps it for
    // its own AuthFilterInitializer).
    "hadoop.http.filter.initializers": "org.apache.hadoop.security.AuthenticationFilterInitializer",
    "hadoop.http.authentication.type": "kerberos",
    "hadoop.http.authentication.simple.anonymous.allowed": "false",
    "hadoop.http.authentication.kerberos.principal": "*",
    "hadoop.http.authentication.kerberos.keytab": hdfsSecurityPaths.keytab,
    // The image has no native Hadoop library: AES for protected block transfers from the JDK (Hadoop's default
    // tries OpenSSL through it first and logs an UnsatisfiedLinkError for every connection).
    "hadoop.security.crypto.codec.classes.aes.ctr.nopadding": "org.apache.hadoop.crypto.JceAesCtrCryptoCodec",
  };
}

/**
 * hdfs-site.xml's Kerberos properties: each role's principal and keytab, SPNEGO for WebHDFS and the internal web
 * transfers (image, edits), block access tokens, SASL on data transfer (AES when privacy is asked), HTTPS only.
 */
export function kerberosHdfsSite(k: HdfsKerberos): Record<string, string> {
  const keytab = hdfsSecurityPaths.keytab;
  return {
    "dfs.namenode.kerberos.principal": servicePrincipal(k, "namenode"),
    "dfs.namenode.keytab.file": keytab,
    "dfs.journalnode.kerberos.principal": servicePrincipal(k, "journalnode"),
    "dfs.journalnode.keytab.file": keytab,
    "dfs.datanode.kerberos.principal": servicePrincipal(k, "datanode"),
    "dfs.datanode.keytab.file": keytab,
    "dfs.web.authentication.kerberos.principal": "*",
    "dfs.web.authentication.kerberos.keytab": keytab,
    "dfs.namenode.kerberos.internal.spnego.principal": "*",
    "dfs.journalnode.kerberos.internal.spnego.principal": "*",
    "dfs.block.access.token.enable": "true",
    "dfs.data.transfer.protection": k.dataTransferProtection,
    // With privacy, the SASL handshake negotiates AES for the blocks themselves (DIGEST-MD5's own ciphers are slow).
    ...(k.dataTransferProtection === "privacy" ? { "dfs.encrypt.data.transfer.cipher.suites": "AES/CTR/NoPadding" } : {}),
    "dfs.http.policy": "HTTPS_ONLY",
  };
}

/**
 * ssl-server.xml and ssl-client.xml: the role's PKCS12 keystore, and the truststore holding the CA every server's
 * certificate must come from (clients verify it: no trust-all). The password comes from the environment
 * (`${env.HADOOP_TLS_PASSWORD}`, set from the TLS Secret), so the files hold no secret.
 */
export function tlsSiteFiles(): { sslServer: Record<string, string>; sslClient: Record<string, string> } {
  const password = `\${env.${tlsPasswordEnv}}`;
  const p = hdfsSecurityPaths;
  return {
    sslServer: {
      "ssl.server.keystore.type": "pkcs12",
      "ssl.server.keystore.location": p.keystore,
      "ssl.server.keystore.password": password,
      "ssl.server.keystore.keypassword": password,
      "ssl.server.truststore.type": "pkcs12",
      "ssl.server.truststore.location": p.truststore,
      "ssl.server.truststore.password": password,
    },
    sslClient: {
      "ssl.client.truststore.type": "pkcs12",
      "ssl.client.truststore.location": p.truststore,
      "ssl.client.truststore.password": password,
    },
  };
}

/**
 * The ZKFCs' JAAS login for ZooKeeper (its `Client` section): SASL/Kerberos as the NameNodes' principal, from the
 * role's keytab. One principal for every ZKFC of the nameservice, so `ha.zookeeper.acl` can name it alone.
 */
export function zookeeperClientJaas(k: Pick<HdfsKerberos, "realm" | "principalInstance">): string {
  return [
    "Client {",
    "  com.sun.security.auth.module.Krb5LoginModule required",
    "  useKeyTab=true",
    `  keyTab="${hdfsSecurityPaths.keytab}"`,
    "  storeKey=true",
    "  useTicketCache=false",
    `  principal="${servicePrincipal(k, "namenode")}";`,
    "};",
    "",
  ].join("\n");
}

/**
 * The JVM options of a ZooKeeper client in Kerberos mode (the ZKFC, `hdfs zkfc -formatZK`): the JAAS file above,
 * and the server's principal taken from the name in `ha.zookeeper.quorum` as written (`zookeeper/<host>`), not
 * from a reverse lookup.
 */
export function zookeeperClientJvmOptions(confDir: string): string[] {
  return [`-Djava.security.auth.login.config=${confDir}/${zookeeperJaasFile}`, "-Dzookeeper.sasl.client.canonicalize.hostname=false"];
}

/** The JAAS file's name beside the site's files. */
export const zookeeperJaasFile = "zkfc-jaas.conf";

/** The pods' krb5.conf: the realm, its KDCs (over TCP), no DNS lookups or reverse DNS (names are the plan's). */
export function krb5Conf(k: Pick<HdfsKerberos, "realm" | "kdcs">): string {
  return [
    "[libdefaults]",
    `  default_realm = ${k.realm}`,
    "  dns_lookup_kdc = false",
    "  dns_lookup_realm = false",
    "  dns_canonicalize_hostname = false",
    "  rdns = false",
    // MIT's tools (kinit, curl's SPNEGO in the readiness probe) would otherwise qualify a name without dots (node-2)
    // with the pod's first DNS search domain and ask for HTTP/node-2.<domain>, a principal no keytab holds.
    '  qualify_shortname = ""',
    "  udp_preference_limit = 1",
    "[realms]",
    `  ${k.realm} = {`,
    ...k.kdcs.map((kdc) => `    kdc = ${kdc}`),
    "  }",
    "",
  ].join("\n");
}
