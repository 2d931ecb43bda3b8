// HDFS's alerting rules, this project's own (no anchor ships any). Each reads a metric Hadoop serves at /prom (its
// metrics2 records, as seen on running NameNodes, JournalNodes and DataNodes of each version the stack runs), named
// in the rule's `data_source` annotation; where /prom has no such metric, the annotation says what the rule reads
// instead and what it cannot see. Series are selected by the roles' jobs (their app.kubernetes.io/name) and the cluster's
// namespace, so that two clusters' rules never mix.
import { z } from "zod";
import { RuleGroup, ruleDuration } from "./monitoring";
import { setting } from "./settings";

/** The thresholds of the rules, each a setting of the cluster. */
export const hdfsRuleSettings = {
  /** HdfsCapacityLow: fires when the DataNodes' remaining capacity is below this percentage of their total. */
  capacityRemainingPercent: setting(z.number().min(0).max(100), { default: 20 }),
  /** HdfsJournalNodeLagging: fires when a JournalNode is more transactions than this behind the writer. */
  journalNodeLagTransactions: setting(z.number().int().min(0), { default: 1000 }),
  /** HdfsUnderReplicatedBlocksNotDecreasing: the window over which under-replicated blocks must decrease. */
  underReplicatedWindow: setting(ruleDuration, { default: "30m" }),
};

/** The roles' jobs: their pods' app.kubernetes.io/name, which the ServiceMonitors and the documented scrape config give as `job`. */
export const hdfsJobs = { namenode: "hdfs-namenode", journalnode: "hdfs-journalnode", datanode: "hdfs-datanode" } as const;

/**
 * Labels Hadoop puts on metrics that would make a new series of the same metric at every scrape: the NameNode's
 * `totalsynctimes` (its edit log's sync counts, a changing string on every `fs_namesystem_*` series). The
 * ServiceMonitors and the documented scrape config drop them; the rules assume they are dropped.
 */
export const hdfsChurningLabels = ["totalsynctimes"];

/** What the rules need to know of one cluster. */
export interface HdfsRuleFacts {
  namespace: string;
  nameNodes: number;
  /** 0 without HA. */
  journalNodes: number;
  dataNodes: boolean;
  capacityRemainingPercent: number;
  journalNodeLagTransactions: number;
  underReplicatedWindow: string;
}

/** The cluster's alerting rules, one group `hdfs-<namespace>`. */
export function hdfsRuleGroups(f: HdfsRuleFacts): RuleGroup[] {
  const sel = (job: string) => `job="${job}",namespace="${f.namespace}"`;
  const nn = sel(hdfsJobs.namenode);
  const jn = sel(hdfsJobs.journalnode);
  const dn = sel(hdfsJobs.datanode);
  // The active NameNode's view of the cluster: a standby reports the DataNodes too, its namespace lags.
  const active = `${nn},hastate="active"`;
  const labels = (severity: string) => ({ severity, namespace: f.namespace });
  const rules: RuleGroup["rules"] = [
    {
      alert: "HdfsNoActiveNameNode",
      expr: `sum(name_node_name_node_state{${nn}} == bool 1) < 1\nor\nabsent(name_node_name_node_state{${nn}})\n`,
      for: "1m",
      labels: labels("critical"),
      annotations: {
        summary: "HDFS has no active NameNode: clients can neither read nor write.",
        description: `No NameNode of the HDFS in ${f.namespace} reports the active state (or none is scraped). With manual failover, make one active (docs/runbooks.md, "HdfsNoActiveNameNode").`,
        data_source: "name_node_name_node_state (the NameNode record's NameNodeState: 1 active, 2 standby)",
      },
    },
    {
      alert: "HdfsMultipleActiveNameNodes",
      expr: `sum(name_node_name_node_state{${nn}} == bool 1) > 1\n`,
      for: "1m",
      labels: labels("critical"),
      annotations: {
        summary: "More than one HDFS NameNode reports the active state.",
        description: `{{ $value }} NameNodes of the HDFS in ${f.namespace} report active for a minute: the JournalNodes fence all but one writer, but clients may talk to a NameNode that can no longer write.`,
        data_source: "name_node_name_node_state",
      },
    },
    {
      alert: "HdfsNameNodeInStartupSafeMode",
      expr: `startup_progress_safe_mode_percent_complete{${nn}} < 1\n`,
      for: "15m",
      labels: labels("warning"),
      annotations: {
        summary: "An HDFS NameNode is still in start-up safe mode.",
        description: "NameNode {{ $labels.instance }} has been waiting for block reports for 15 minutes after its start (safe mode: read-only). DataNodes may be missing.",
        data_source:
          "startup_progress_safe_mode_percent_complete (the start-up progress record's safe-mode phase). /prom has no metric of the current safe-mode state: " +
          "safe mode entered later by hand or on low resources is in JMX only (FSNamesystemState.FSState) and not seen here.",
      },
    },
    {
      alert: "HdfsMissingBlocks",
      expr: `fs_namesystem_missing_blocks{${active}} > 0\n`,
      for: "1m",
      labels: labels("critical"),
      annotations: {
        summary: "HDFS has blocks with no replica left.",
        description: `{{ $value }} blocks of the HDFS in ${f.namespace} have no live replica: their files cannot be read until a DataNode that holds them returns.`,
        data_source: "fs_namesystem_missing_blocks of the active NameNode",
      },
    },
    {
      alert: "HdfsUnderReplicatedBlocksNotDecreasing",
      expr: `fs_namesystem_under_replicated_blocks{${active}} > 0\nand\ndelta(fs_namesystem_under_replicated_blocks{${active}}[${f.underReplicatedWindow}]) >= 0\n`,
      for: f.underReplicatedWindow,
      labels: labels("warning"),
      annotations: {
        summary: "HDFS under-replicated blocks are not decreasing.",
        description: `{{ $value }} blocks of the HDFS in ${f.namespace} have fewer replicas than they should, and re-replication has not reduced them in ${f.underReplicatedWindow}: too few DataNodes, or full ones.`,
        data_source: "fs_namesystem_under_replicated_blocks of the active NameNode",
      },
    },
    ...(f.dataNodes
      ? [
          {
            alert: "HdfsDeadDataNodes",
            expr: `fs_namesystem_num_dead_data_nodes{${active}} > 0\n`,
            for: "1m",
            labels: labels("warning"),
            annotations: {
              summary: "HDFS has dead DataNodes.",
              description: `The active NameNode of the HDFS in ${f.namespace} counts {{ $value }} dead DataNodes (no heartbeat within dfs.namenode.heartbeat.recheck-interval): their replicas are being re-replicated.`,
              data_source: "fs_namesystem_num_dead_data_nodes of the active NameNode",
            },
          },
          {
            alert: "HdfsDataNodeFailedVolumes",
            expr: `org_apache_hadoop_hdfs_server_datanode_fsdataset_impl_fs_dataset_impl_num_failed_volumes{${dn}} > 0\n`,
            for: "1m",
            labels: labels("warning"),
            annotations: {
              summary: "An HDFS DataNode has failed volumes.",
              description: "DataNode {{ $labels.instance }} has {{ $value }} failed data directories; their blocks are gone from it.",
              data_source: "org_apache_hadoop_hdfs_server_datanode_fsdataset_impl_fs_dataset_impl_num_failed_volumes (the DataNode's FSDatasetState record)",
            },
          },
          {
            alert: "HdfsCapacityLow",
            expr: `fs_namesystem_capacity_remaining{${active}} / fs_namesystem_capacity_total{${active}} * 100 < ${f.capacityRemainingPercent}\n`,
            for: "15m",
            labels: labels("warning"),
            annotations: {
              summary: "HDFS capacity is running low.",
              description: `The HDFS in ${f.namespace} has {{ printf "%.1f" $value }}% of its capacity left (threshold ${f.capacityRemainingPercent}%).`,
              data_source: "fs_namesystem_capacity_remaining and fs_namesystem_capacity_total of the active NameNode",
            },
          },
          {
            alert: "HdfsDataNodeNotRegistered",
            expr:
              // rate() drops the metric's name, which alone tells one NameNode's counter from another's: it is copied
              // into a label first (label_replace keeps names; rate then runs over that as a subquery).
              // A DataNode up for less than the window has too few samples to rate: not judged before it is full.
              `(up{${dn}} == 1 and on (instance) count_over_time(up{${dn}}[5m:30s]) >= 10)\nunless on (instance)\n(count by (instance) (rate(label_replace({__name__=~"datanode_heartbeats_for.+_num_ops",__name__!~"datanode_heartbeats_total_.+",${dn}}, ` +
              `"namenode", "$1", "__name__", "datanode_heartbeats_for(.+)_num_ops")[5m:30s]) > 0) >= ${f.nameNodes})\n`,
            for: "10m",
            labels: labels("warning"),
            annotations: {
              summary: "An HDFS DataNode is not registered with every NameNode.",
              description: `DataNode {{ $labels.instance }} runs but has sent no heartbeat in 5 minutes to some of the ${f.nameNodes} NameNodes: it stores nothing for the ones it is not registered with.`,
              data_source:
                "up of the DataNode, and its datanode_heartbeats_for<nameservice>_<namenode>_num_ops counters (one per NameNode it is registered with); the registration itself is in JMX only (DataNodeInfo.BPServiceActorInfo)",
            },
          },
        ]
      : []),
    ...(f.journalNodes > 0
      ? [
          {
            alert: "HdfsJournalNodeDown",
            expr: `(count(up{${jn}} == 1) or vector(0)) < ${f.journalNodes}\n`,
            for: "5m",
            labels: labels("warning"),
            annotations: {
              summary: "An HDFS JournalNode is down.",
              description: `{{ $value }} of the ${f.journalNodes} JournalNodes of the HDFS in ${f.namespace} are up; the NameNodes need a majority (${Math.floor(f.journalNodes / 2) + 1}) to write.`,
              data_source: "up of the JournalNodes' targets, against the cluster's JournalNode count",
            },
          },
          {
            alert: "HdfsJournalNodeLagging",
            expr: `journal_node_current_lag_txns{${jn}} > ${f.journalNodeLagTransactions}\n`,
            for: "5m",
            labels: labels("warning"),
            annotations: {
              summary: "An HDFS JournalNode lags behind the writer.",
              description: `JournalNode {{ $labels.instance }} is {{ $value }} transactions behind (threshold ${f.journalNodeLagTransactions}).`,
              data_source: "journal_node_current_lag_txns (the JournalNode's Journal record, per journal)",
            },
          },
        ]
      : []),
    {
      alert: "HdfsDaemonDown",
      expr: `up{job=~"${Object.values(hdfsJobs).join("|")}",namespace="${f.namespace}"} == 0\n`,
      for: "5m",
      labels: labels("warning"),
      annotations: {
        summary: "An HDFS daemon's metrics endpoint does not answer.",
        description: "{{ $labels.job }} on {{ $labels.instance }} has not answered its scrape for 5 minutes.",
        data_source: "up of the roles' targets",
      },
    },
  ];
  return [{ name: `hdfs-${f.namespace}`, rules }];
}
