// Writes a stack's alerting and recording rules as Prometheus rule files, for a Prometheus without the operator
// (`rule_files:` in its config): each component's rules as the stack configures them (its disabledAlerts and
// alertFor), from the stack file's config, planned and checked as `pulumi preview` does, without a cluster.
//   node --import tsx scripts/render-rules.ts [stack]      (make rules [STACK=name]) -> .state/rules/<stack>/
import * as fs from "node:fs";
import * as path from "node:path";
import { ruleFile, RuleGroup } from "../components/monitoring";
import { hdfsClusterRuleGroups } from "../components/hdfsCluster";
import { nodeExporterRuleGroups } from "../components/nodeExporter";
import { parseStackConfig } from "../stacks/config";
import { StackConfigError } from "../stacks/configErrors";
import { checkedPlan } from "../stacks/program";
import { rawConfig, stackFileConfig } from "../test/support/mocks";

/** A stack's rule files (file name -> groups), from its stack file as make up deploys it; throws StackConfigError. */
export function stackRuleFiles(stack: string, log: (line: string) => void = () => undefined): Record<string, RuleGroup[]> {
  const plan = checkedPlan(parseStackConfig(rawConfig(stackFileConfig(stack))));
  const files: Record<string, RuleGroup[]> = {};
  if (plan.nodeExporter) files[`${plan.nodeExporter.name}.rules.yaml`] = nodeExporterRuleGroups(plan.nodeExporter);
  if (plan.hdfs && plan.hdfs.nameNodeHosts.length > 0) files["hdfs.rules.yaml"] = hdfsClusterRuleGroups(plan.hdfs);
  else if (plan.hdfs) log(`render-rules: stack ${stack} places HDFS on the cluster's labelled nodes at preflight: its rules depend on them and are not written`);
  return files;
}

function main(): number {
  const stack = process.argv[2] ?? "dev";
  const root = path.resolve(__dirname, "..");
  if (!fs.existsSync(path.join(root, `Pulumi.${stack}.yaml`))) {
    console.error(`render-rules: no Pulumi.${stack}.yaml in ${root}`);
    return 2;
  }
  let files: Record<string, RuleGroup[]>;
  try {
    files = stackRuleFiles(stack, console.log);
  } catch (e) {
    if (e instanceof StackConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  const out = path.join(root, ".state", "rules", stack);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const [name, groups] of Object.entries(files)) {
    fs.writeFileSync(path.join(out, name), ruleFile(groups));
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert).length;
    const records = groups.flatMap((g) => g.rules).filter((r) => r.record).length;
    console.log(`wrote ${path.relative(process.cwd(), path.join(out, name))}: ${alerts} alerting and ${records} recording rules`);
  }
  if (Object.keys(files).length === 0) console.log(`render-rules: stack ${stack} deploys no component with rules`);
  return 0;
}

if (require.main === module) process.exit(main());
