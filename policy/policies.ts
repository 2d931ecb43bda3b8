// The pack's policies: each rule of rules.ts as a named, mandatory CrossGuard resource policy. Importing this
// module starts nothing (index.ts does, by constructing the PolicyPack), so tests call validateResource directly.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as rules from "./rules";

function policy(name: string, description: string, rule: rules.Rule, types = rules.workloadTypes): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
      if (!types.includes(args.type)) {
        args.notApplicable(`applies to ${types.join(", ")}`);
      }
      for (const message of rule(args)) {
        reportViolation(message);
      }
    },
  };
}

const workloads = "DaemonSets, Deployments, StatefulSets, Jobs, CronJobs and Pods";
const a = rules.annotations;

export const policies: ResourceValidationPolicy[] = [
  policy(
    "no-privileged-containers",
    `No container or init container of ${workloads} runs privileged, and each sets securityContext.allowPrivilegeEscalation: false explicitly.`,
    rules.noPrivilegeRule,
  ),
  policy(
    "host-access-declared",
    `hostNetwork, hostPID, hostIPC and hostPath volumes only in workloads that declare them in the annotation ${a.hostAccess} (a comma list of network, pid, ipc, hostPath).`,
    rules.hostAccessRule,
  ),
  policy(
    "writable-host-paths-are-data-directories",
    `A hostPath volume is mounted without readOnly: true only if the workload declares it a data directory in the annotation ${a.dataDirectories} (a comma list of volume names).`,
    rules.writableHostPathRule,
  ),
  policy(
    "memory-requests-and-limits",
    `Every container and init container has resources.requests.memory and resources.limits.memory.`,
    rules.memoryRule,
  ),
  policy(
    "images-pinned",
    `Every container image is pinned: by a tag that is not latest, or by a digest.`,
    rules.pinnedImageRule,
  ),
  policy(
    "daemonset-selector-without-version",
    `A DaemonSet's spec.selector has no version label (version, app.kubernetes.io/version, any key ending in /version): the selector is immutable.`,
    rules.selectorVersionRule,
    [rules.daemonSetType],
  ),
  policy(
    "daemonset-on-delete-opt-in",
    `A DaemonSet uses updateStrategy OnDelete only with the annotation ${a.allowOnDelete}: "true".`,
    rules.onDeleteRule,
    [rules.daemonSetType],
  ),
  policy(
    "node-agent-priority-class",
    `A DaemonSet that uses hostNetwork or hostPID (a node-level agent) sets a priorityClassName.`,
    rules.nodeAgentPriorityRule,
    [rules.daemonSetType],
  ),
  policy(
    "capabilities-declared",
    `Containers add only Linux capabilities the workload declares in the annotation ${a.capabilities} (a comma list, e.g. CHOWN,NET_ADMIN).`,
    rules.capabilitiesRule,
  ),
];
