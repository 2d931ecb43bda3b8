// Decommissioning DataNodes, Hadoop's way: the NameNodes' exclude file (`dfs.hosts.exclude`) lists the DataNodes
// to drain, by the address they register with; `hdfs dfsadmin -refreshNodes` makes the NameNodes re-read it, and
// they re-replicate every block of those DataNodes elsewhere before reporting them "Decommissioned". Here the file
// is a ConfigMap of its own mounted whole into the NameNode pods (a change reaches running NameNodes, and is no part
// of the pods' config hash: a drain restarts nothing), and a Job the NameNode component creates whenever the list
// differs from the deployed one refreshes the NameNodes until the drain is done (assets/datanode-decommission.sh):
// `pulumi up` returns when it is, or fails after the timeout naming what is still under-replicated.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { hdfsSiteDefaults } from "./hadoopConfig";
import { HdfsNameNodeJobArgs, hdfsContainer, hdfsNameNodeJobPod, hdfsScriptsDir } from "./hdfsShared";
import { hostAccessAnnotations } from "./hostDaemonSet";
import { setting } from "./settings";

import Input = k8s.types.input.core.v1;

/** An IPv4 or IPv6 address, as a DataNode registers with it. */
const address = z.union([z.ipv4(), z.ipv6()], { error: "must be an IP address (the DataNode node's InternalIP)" }).describe("IP address");

/** The NameNode's decommission settings (components/settings.ts). */
export const decommissionSettings = {
  /**
   * DataNodes to decommission, by the address they register with (their node's InternalIP): the NameNodes' exclude
   * file (HdfsCluster sets it from its `decommission` nodes). `pulumi up` drains them (their blocks re-replicated elsewhere) and returns when every one reports
   * Decommissioned; removed from the list, they are recommissioned the same way.
   */
  decommissionAddresses: setting(z.array(address).refine((a) => new Set(a).size === a.length, { message: "lists an address twice" }), {
    default: [] as string[],
    programOnly: true,
  }),
  /**
   * The exclude list as deployed (read from the cluster before the update): the drain runs when the list differs
   * from it, so a recommission to an empty list still refreshes the NameNodes. Unset: as `decommissionAddresses`.
   */
  deployedDecommissionAddresses: setting(z.array(address), { programOnly: true }),
  /** How long a drain may take before `pulumi up` fails, naming the blocks still under-replicated. */
  decommissionTimeoutSeconds: setting(z.number().int().min(60, "must be at least 60"), { default: 3600 }),
};

/** Where the NameNodes read the exclude file: its ConfigMap, mounted whole (not `subPath`: that never updates). */
export const excludeMount = { volume: "exclude", dir: path.posix.dirname(hdfsSiteDefaults.excludeFile), key: path.posix.basename(hdfsSiteDefaults.excludeFile) } as const;

const decommissionScript = { name: "datanode-decommission.sh", text: fs.readFileSync(path.join(__dirname, "assets", "datanode-decommission.sh"), "utf8") };

/** The NameNode's files that the decommission step adds to its ConfigMap (its script). */
export const decommissionFiles: Record<string, string> = { [decommissionScript.name]: decommissionScript.text };

/** The exclude file's content: one address per line. */
export function excludeFileContent(addresses: string[]): string {
  return addresses.map((a) => `${a}\n`).join("");
}

/**
 * Whether the drain Job is part of the stack: while any DataNode is excluded (the succeeded Job is the record that
 * the drain finished: preflight reads it before letting a host leave), and while the list differs from the deployed
 * one (a recommission to an empty list refreshes the NameNodes too).
 */
export function decommissionJobNeeded(addresses: string[], deployed: string[] | undefined): boolean {
  const changed = deployed !== undefined && [...addresses].sort().join(",") !== [...deployed].sort().join(",");
  return addresses.length > 0 || changed;
}

/** The drain Job's name: the NameNode's, and a digest of the list (any order): a new list, a new Job. */
export function decommissionJobName(nameNode: string, addresses: string[]): string {
  return `${nameNode}-decommission-${crypto.createHash("sha256").update([...addresses].sort().join(",")).digest("hex").slice(0, 8)}`;
}

/** The NameNode pod's volume and the namenode container's mount of the exclude file. */
export function excludeVolume(configMapName: string): { volume: Input.Volume; mount: Input.VolumeMount } {
  return {
    volume: { name: excludeMount.volume, configMap: { name: configMapName, defaultMode: 0o444 } },
    mount: { name: excludeMount.volume, mountPath: excludeMount.dir, readOnly: true },
  };
}

/** What the drain Job runs with: the NameNode role's arguments it reads. */
export interface DecommissionJobArgs extends HdfsNameNodeJobArgs {
  addresses: string[];
  timeoutSeconds: number;
  labels: Record<string, string>;
}

/**
 * The drain Job: named after the list (a new list, a new Job; Pulumi replaces the former), on a NameNode host's
 * network as the NameNodes' principal (the superuser; its keytab Secret), running the NameNode ConfigMap's script.
 */
export function decommissionJob(
  resourceName: string,
  a: DecommissionJobArgs,
  configMap: k8s.core.v1.ConfigMap,
  opts: pulumi.CustomResourceOptions,
): k8s.batch.v1.Job {
  const { hostMounts: _none, ...built } = hdfsContainer(a, "namenode", {
    name: "decommission",
    command: ["bash", `${hdfsScriptsDir}/${decommissionScript.name}`, ...a.addresses],
    env: [{ name: "TIMEOUT_SECONDS", value: String(a.timeoutSeconds) }],
    resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "256Mi" } },
    // Its last lines (what is still draining) in the pod's status when it fails.
    terminationMessagePolicy: "FallbackToLogsOnError",
  });
  // hdfsContainer gives env as a list (never kubernetesx's map).
  const container = built as Input.Container;
  return new k8s.batch.v1.Job(resourceName, {
    metadata: {
      name: decommissionJobName(a.name, a.addresses),
      namespace: a.namespace,
      labels: a.labels,
      annotations: {
        ...hostAccessAnnotations({ hostNetwork: true, hostPID: false, hostMounts: [], containers: [container], updateStrategy: { type: "RollingUpdate" } }),
        // The script fails itself at its timeout; Pulumi waits a little longer for it to say why.
        "pulumi.com/timeoutSeconds": String(a.timeoutSeconds + 300),
      },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: a.timeoutSeconds + 240,
      template: { metadata: { labels: a.labels }, spec: hdfsNameNodeJobPod(a, container, configMap) },
    },
  }, opts);
}
