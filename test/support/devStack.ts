// The dev stack's Kerberos material: each HDFS role's keytab and TLS material, which `make up` makes from the
// local realm (scripts/dev-stack-security.ts) and sets as Pulumi secrets in a copy of the stack file under .state,
// and the unit tier stands in for (`devStackConfig`). One place for which principals each keytab holds and under
// which config keys the material goes.
import { hdfsClusterKerberos } from "../../components/hdfsCluster";
import { hdfsSiteDefaults } from "../../components/hadoopConfig";
import { hdfsCommonDefaults } from "../../components/hdfsShared";
import { keytabPrincipals, type HdfsKerberos, type HdfsRole } from "../../components/hdfsSecurity";

/** Each HDFS role's config key under `hdfs`. */
export const hdfsRoleKeys: Record<HdfsRole, "nameNode" | "journalNode" | "dataNode"> = { namenode: "nameNode", journalnode: "journalNode", datanode: "dataNode" };

/** One role's material as a stack gives it inline (base64 keytab; PKCS12 keystore and truststore with their password). */
export interface RoleMaterial {
  keytab: string;
  tls: { keystore: string; truststore: string; password: string };
}

/** The realm's settings of a stack config's HDFS when it runs Kerberos (the default) with a realm; otherwise undefined. */
export function stackKerberos(config: Record<string, any>): Pick<HdfsKerberos, "realm" | "principalInstance"> | undefined {
  const hdfs = config.hdfs ?? {};
  const security = { mode: "kerberos", ...hdfs.security };
  if (security.mode !== "kerberos" || typeof security.realm !== "string") return undefined;
  return hdfsClusterKerberos({
    security,
    nameservice: hdfs.nameservice ?? hdfsSiteDefaults.nameservice,
    namespace: hdfs.namespace ?? hdfsCommonDefaults.namespace,
  });
}

/** `stackKerberos` when some role's keytab is left to the environment (neither `keytab` nor `keytabSecretName` set). */
export function environmentKerberos(config: Record<string, any>): Pick<HdfsKerberos, "realm" | "principalInstance"> | undefined {
  const roles = Object.values(hdfsRoleKeys).map((key) => config.hdfs?.[key] ?? {});
  return roles.every((r) => r.keytab !== undefined || r.keytabSecretName !== undefined) ? undefined : stackKerberos(config);
}

/**
 * The principals of each role's keytab: those `keytabPrincipals` requires with every node of the cluster as a
 * host, so that labelling another node for a NameNode or JournalNode needs no new keytab.
 */
export function environmentPrincipals(k: Pick<HdfsKerberos, "realm" | "principalInstance">, nodes: string[]): Record<HdfsRole, string[]> {
  return Object.fromEntries((Object.keys(hdfsRoleKeys) as HdfsRole[]).map((r) => [r, keytabPrincipals(k, r, nodes)])) as Record<HdfsRole, string[]>;
}

/** The config paths (`pulumi config set --path`) and values of the roles' material, all of them secrets. */
export function materialSettings(material: Partial<Record<HdfsRole, RoleMaterial>>): [string, string][] {
  return (Object.keys(hdfsRoleKeys) as HdfsRole[]).flatMap((r) => {
    const key = `hdfs.${hdfsRoleKeys[r]}`;
    const m = material[r];
    if (!m) return [];
    return [
      [`${key}.keytab`, m.keytab],
      [`${key}.tls.keystore`, m.tls.keystore],
      [`${key}.tls.truststore`, m.tls.truststore],
      [`${key}.tls.password`, m.tls.password],
    ] as [string, string][];
  });
}

/** A stack config with the roles' material set under their keys (what the copy of the stack file holds). */
export function withMaterial(config: Record<string, any>, material: Record<HdfsRole, RoleMaterial>): Record<string, any> {
  const hdfs = { ...config.hdfs };
  for (const r of Object.keys(hdfsRoleKeys) as HdfsRole[]) hdfs[hdfsRoleKeys[r]] = { ...hdfs[hdfsRoleKeys[r]], ...material[r] };
  return { ...config, hdfs };
}

/**
 * A stack config whose HDFS runs in simple mode unless the config says anything of `hdfs.security`: for the tests
 * of everything but security (Kerberos, the default, needs a realm and each role's keytab; hdfsSecurity.test.ts).
 */
export function simpleHdfs(config: Record<string, unknown>): Record<string, unknown> {
  const hdfs = config.hdfs ?? {};
  if (typeof hdfs !== "object" || Array.isArray(hdfs) || "security" in hdfs) return config;
  return { ...config, hdfs: { ...hdfs, security: { mode: "simple" } } };
}
