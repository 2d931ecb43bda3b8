// The CrossGuard policy pack: `pulumi preview --policy-pack policy` (see README, "Policy pack").
// Constructing the PolicyPack starts its gRPC server, so nothing but the engine should import this module.
import { PolicyPack } from "@pulumi/policy";
import { project } from "../components/project";
import { policies } from "./policies";

new PolicyPack(project, {
  description: `Security posture of the ${project} workloads: no privilege, declared host access, pinned images, sane DaemonSets.`,
  enforcementLevel: "mandatory",
  policies,
});
