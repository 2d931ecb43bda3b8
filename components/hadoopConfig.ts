// Hadoop's *-site.xml files, rendered from typed properties with an XML library (values are escaped,
// the output always parses), and the properties a NameNode needs.
import { XMLBuilder } from "fast-xml-parser";

/** Hadoop configuration properties: name -> value. */
export type HadoopProperties = Record<string, string>;

const builder = new XMLBuilder({ format: true, indentBy: "  ", suppressEmptyNode: false });

/** A Hadoop configuration file (`<configuration><property><name/><value/></property>…`), properties sorted. */
export function renderHadoopXml(properties: HadoopProperties): string {
  const property = Object.keys(properties)
    .sort()
    .map((name) => ({ name, value: properties[name] }));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ configuration: { property } })}`;
}

export interface NameNodeSiteArgs {
  /** Nodes the NameNode runs on, in plan order. The first is the filesystem's default address. */
  hosts: string[];
  rpcPort: number;
  httpPort: number;
  /** Name directory inside the container. */
  nameDir: string;
  replication: number;
  coreSite: HadoopProperties;
  hdfsSite: HadoopProperties;
}

export function nameNodeSiteConfig(args: NameNodeSiteArgs): { coreSite: HadoopProperties; hdfsSite: HadoopProperties } {
  const host = args.hosts[0] ?? "localhost";
  return {
    coreSite: {
      "fs.defaultFS": `hdfs://${host}:${args.rpcPort}`,
      ...args.coreSite,
    },
    hdfsSite: {
      "dfs.namenode.name.dir": `file://${args.nameDir}`,
      "dfs.namenode.rpc-address": `0.0.0.0:${args.rpcPort}`,
      "dfs.namenode.rpc-bind-host": "0.0.0.0",
      "dfs.namenode.http-address": `0.0.0.0:${args.httpPort}`,
      "dfs.namenode.http-bind-host": "0.0.0.0",
      // DataNodes on the host network register by IP; the name check would reject them (kubernetes-HDFS).
      "dfs.namenode.datanode.registration.ip-hostname-check": "false",
      "dfs.replication": String(args.replication),
      "dfs.permissions.enabled": "true",
      ...args.hdfsSite,
    },
  };
}
