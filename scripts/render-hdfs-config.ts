// Renders a stack's core-site.xml and hdfs-site.xml without a cluster or an engine: the program runs under the
// unit tier's Pulumi mocks with the stack file's config (Pulumi.<stack>.yaml), and its hdfsConfig output is
// written to .state/hdfs-config/ for review before `pulumi up`. Bad config fails with the program's message.
//   node --import tsx scripts/render-hdfs-config.ts [stack]     (make hdfs-config [STACK=name])
import * as fs from "fs";
import * as path from "path";
import { promiseOf, runProgram, stackFileConfig } from "../test/support/mocks";

async function main(): Promise<number> {
  const stack = process.argv[2] ?? "dev";
  const root = path.resolve(__dirname, "..");
  if (!fs.existsSync(path.join(root, `Pulumi.${stack}.yaml`))) {
    console.error(`render-hdfs-config: no Pulumi.${stack}.yaml in ${root}`);
    return 2;
  }
  const run = await runProgram(stackFileConfig(stack));
  if (run.error) {
    console.error(run.error instanceof Error ? run.error.message : String(run.error));
    return 1;
  }
  const hdfs = await promiseOf(run.exports.hdfsConfig as any) as any;
  if (!hdfs) {
    console.error(`render-hdfs-config: stack ${stack} deploys no HDFS (hdfs.enabled is false)`);
    return 1;
  }
  const out = path.join(root, ".state", "hdfs-config");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "core-site.xml"), hdfs.coreSiteXml);
  fs.writeFileSync(path.join(out, "hdfs-site.xml"), hdfs.hdfsSiteXml);
  const summary = hdfs.nameservice
    ? `HA nameservice ${hdfs.nameservice}: NameNodes ${hdfs.nameNodes.map((n: any) => `${n.id}@${n.host}`).join(", ")}; ` +
      `JournalNodes ${hdfs.journalNodes.join(", ")}; formatting host ${hdfs.formatHost}; ` +
      `${hdfs.automaticFailover ? "automatic failover (ZKFC)" : "manual failover (hdfs haadmin)"}`
    : "standalone NameNode";
  console.log(`stack ${stack}: ${summary}`);
  console.log(`wrote ${path.relative(process.cwd(), path.join(out, "core-site.xml"))} and ${path.relative(process.cwd(), path.join(out, "hdfs-site.xml"))}`);
  return 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
