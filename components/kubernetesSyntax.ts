// Kubernetes' own syntax for the values a stack config holds (k8s.io/apimachinery/pkg/util/validation and the
// core/v1 types), as zod schemas: names, labels, ports, quantities, images, tolerations, affinity.
import { z } from "zod";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const quantity = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/;
// Docker reference grammar: [registry[:port]/]path[:tag][@digest].
const imageReference =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export const nodeName = z
  .string()
  .max(253, "node name is longer than 253 characters")
  .regex(dns1123Subdomain, "is not a valid node name (lowercase letters, digits, '-' and '.', starting and ending alphanumeric)");

export const labelKey = z.string().superRefine((key, ctx) => {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !dns1123Subdomain.test(prefix))) {
    ctx.addIssue({ code: "custom", message: `label key "${key}": prefix "${prefix}" is not a DNS subdomain` });
  }
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    ctx.addIssue({
      code: "custom",
      message: `label key "${key}": name "${name}" must be 1-63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric`,
    });
  }
});

const labelValue = z
  .string()
  .max(63, "label value is longer than 63 characters")
  .refine((v) => v === "" || qualifiedName.test(v), {
    message: "label value must be empty or letters, digits, '-', '_' and '.', starting and ending alphanumeric",
  });

export const labels = z.record(labelKey, labelValue).describe("map label → value");
export const port = z.number().int("must be a whole number").min(1, "port must be 1-65535").max(65535, "port must be 1-65535").describe("port (1-65535)");
export const resourceName = z.string().max(63).regex(dns1123Label, "must be a DNS label (lowercase letters, digits and '-', at most 63)").describe("DNS label");
export const image = z
  .string()
  .regex(imageReference, "is not a valid image reference")
  .refine((ref) => /:[\w][\w.-]*(@|$)/.test(ref.slice(ref.lastIndexOf("/") + 1)) || ref.includes("@sha256:"), {
    message: "image must be pinned by a tag or a digest",
  })
  .refine((ref) => !/:latest(@|$)/.test(ref), { message: "image must not use the mutable tag 'latest'" })
  .describe("image reference, pinned by tag or digest");
export const pullPolicy = z.enum(["Always", "IfNotPresent", "Never"]);
const quantityString = z.union([z.string(), z.number()]).transform(String).pipe(
  z.string().regex(quantity, "is not a valid resource quantity (e.g. 100m, 180Mi, 2Gi)"),
);
const resourceList = z.strictObject({ cpu: quantityString.optional(), memory: quantityString.optional() });
export const resources = z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).describe("requests / limits of cpu, memory");
export const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.number().int().optional(),
}).describe("toleration ({key, operator, value, effect, tolerationSeconds})");
export const updateStrategy = z.strictObject({
  type: z.enum(["RollingUpdate", "OnDelete"]),
  maxUnavailable: z
    .union([z.number().int().min(1), z.string().regex(/^(100|[1-9]?[0-9])%$/, "must be a percentage like 10%")])
    .optional(),
}).describe("{type: RollingUpdate | OnDelete, maxUnavailable?: n or \"n%\"}");

export const hostPath = z.string().regex(/^\/[^\0]*[^/]$/, "must be an absolute path (not /)").describe("absolute path");

// Node and pod affinity (k8s.io/api/core/v1 Affinity), typed so that a misspelt field is a config error.
const selectorOperator = z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
const nodeSelectorRequirement = z
  .strictObject({ key: z.string().min(1), operator: selectorOperator, values: z.array(z.string()).optional() })
  .superRefine((r, ctx) => {
    const n = r.values?.length ?? 0;
    if ((r.operator === "In" || r.operator === "NotIn") && n === 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `operator ${r.operator} needs at least one value` });
    }
    if ((r.operator === "Exists" || r.operator === "DoesNotExist") && n > 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `operator ${r.operator} takes no values` });
    }
    if ((r.operator === "Gt" || r.operator === "Lt") && (n !== 1 || !/^-?\d+$/.test(r.values![0]))) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `operator ${r.operator} takes exactly one integer value` });
    }
  });
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(nodeSelectorRequirement).optional(),
  matchFields: z.array(nodeSelectorRequirement).optional(),
});
const labelSelector = z.strictObject({
  matchLabels: labels.optional(),
  matchExpressions: z
    .array(z.strictObject({ key: z.string().min(1), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(z.string()).optional() }))
    .optional(),
});
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string().min(1),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});
const weight = z.number().int().min(1, "weight must be 1-100").max(100, "weight must be 1-100");
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});
export const affinity = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z
        .strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1, "must have at least one term") })
        .optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, preference: nodeSelectorTerm })).optional(),
    })
    .optional(),
  podAffinity: podAffinity.optional(),
  podAntiAffinity: podAffinity.optional(),
}).describe("Kubernetes affinity (nodeAffinity, podAffinity, podAntiAffinity)");
