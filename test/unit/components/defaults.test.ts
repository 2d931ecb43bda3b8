// The one rule by which every component's arguments are laid over its defaults (components/defaults.ts), and
// each component's resolve…Args() following it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { mergeDefaults } from "../../../components/defaults";
import { hdfsDataNodeDefaults, resolveHdfsDataNodeArgs } from "../../../components/hdfsDataNode";
import { hdfsJournalNodeDefaults, resolveHdfsJournalNodeArgs } from "../../../components/hdfsJournalNode";
import { hdfsNameNodeDefaults, resolveHdfsNameNodeArgs } from "../../../components/hdfsNameNode";
import { nodeExporterDefaults, resolveNodeExporterArgs } from "../../../components/nodeExporter";

describe("mergeDefaults", () => {
  const defaults = { a: 1, obj: { x: 1, deep: { y: 2, z: 3 } }, list: [1, 2], selector: { os: "linux" }, opt: "on" as string | null };

  it("merges objects key by key, at any depth", () => {
    assert.deepEqual(mergeDefaults(defaults, { obj: { deep: { z: 30 } } }).obj, { x: 1, deep: { y: 2, z: 30 } });
  });

  it("replaces lists, and the paths named to replace whole, rather than merging them", () => {
    const r = mergeDefaults(defaults, { list: [9], selector: { pool: "metal" } }, ["selector"]);
    assert.deepEqual(r.list, [9]);
    assert.deepEqual(r.selector, { pool: "metal" });
    assert.deepEqual(mergeDefaults(defaults, { selector: { pool: "metal" } }).selector, { os: "linux", pool: "metal" }, "not named: merged");
  });

  it("keeps the default for undefined, takes null as none", () => {
    const r = mergeDefaults(defaults, { a: undefined, opt: null });
    assert.equal(r.a, 1);
    assert.equal(r.opt, null);
  });

  it("replaces class instances (Outputs) as values, and never modifies or shares the defaults", () => {
    const out = pulumi.output("ns");
    const r = mergeDefaults({ ns: "hdfs", obj: { x: 1 } }, { ns: out });
    assert.equal(r.ns, out);
    r.obj.x = 2;
    assert.equal(mergeDefaults({ ns: "hdfs", obj: { x: 1 } }, {}).obj.x, 1);
    const fixed = structuredClone(defaults);
    mergeDefaults(defaults, { obj: { deep: { y: 0 } }, list: [] });
    assert.deepEqual(defaults, fixed);
  });
});

describe("each component's resolve…Args()", () => {
  it("keeps the default requests when only a memory limit is given (node-exporter and every HDFS role)", () => {
    const limits = { limits: { memory: "250Mi" } };
    assert.deepEqual(resolveNodeExporterArgs({ resources: limits }).resources, { requests: nodeExporterDefaults.resources.requests, limits: { memory: "250Mi" } });
    assert.deepEqual(resolveHdfsNameNodeArgs({ resources: limits }).resources, { requests: hdfsNameNodeDefaults.resources.requests, limits: { memory: "250Mi" } });
    assert.deepEqual(resolveHdfsNameNodeArgs({ zkfcResources: { requests: { cpu: "1" } } }).zkfcResources, { requests: { cpu: "1", memory: "384Mi" }, limits: { memory: "384Mi" } });
    const site = { hdfsSite: {} } as any;
    assert.deepEqual(resolveHdfsJournalNodeArgs({ site, resources: limits }).resources, { requests: hdfsJournalNodeDefaults.resources.requests, limits: { memory: "250Mi" } });
    assert.deepEqual(resolveHdfsDataNodeArgs({ site, resources: limits }).resources, { requests: hdfsDataNodeDefaults.resources.requests, limits: { memory: "250Mi" } });
  });

  it("replaces node selectors and lists whole", () => {
    assert.deepEqual(resolveNodeExporterArgs({ nodeSelector: { pool: "metal" } }).nodeSelector, { pool: "metal" });
    assert.deepEqual(resolveHdfsNameNodeArgs({ nodeSelector: { role: "nn" } }).nodeSelector, { role: "nn" });
    assert.deepEqual(resolveHdfsDataNodeArgs({ dataDirHostPaths: ["/a", "/b"] }).dataDirHostPaths, ["/a", "/b"]);
    assert.deepEqual(resolveNodeExporterArgs({ extraArgs: ["--x"] }).extraArgs, ["--x"]);
  });

  it("is idempotent: resolving a resolved value changes nothing", () => {
    const ne = resolveNodeExporterArgs({ name: "ne", resources: { limits: { cpu: "1" } }, collectors: { hwmon: true }, affinity: null });
    assert.deepEqual(resolveNodeExporterArgs(ne), ne);
    const nn = resolveHdfsNameNodeArgs({ nameDirHostPath: "/n", resources: { limits: { memory: "3Gi" } } });
    assert.deepEqual(resolveHdfsNameNodeArgs(nn), nn);
  });

  it("derives node-exporter's labels from its name and image, unless given", () => {
    const a = resolveNodeExporterArgs({ name: "ne", image: "quay.io/prometheus/node-exporter:v1.11.0" });
    assert.equal(a.selectorLabels["app.kubernetes.io/instance"], "ne");
    assert.equal(a.podLabels["app.kubernetes.io/version"], "v1.11.0");
    assert.deepEqual(resolveNodeExporterArgs({ podLabels: {} }).podLabels, {});
  });
});
