// HDFS's dashboard: the NameNodes' HA state, capacity, blocks and files, the DataNodes live and dead and their
// volumes, the JournalNodes' transactions and lag, every daemon's endpoint; per cluster (its namespace, chosen in
// `$namespace`), from the metrics Hadoop serves at /prom (the same as the alerting rules read).
import { DashboardSpec } from "./dashboards";
import { hdfsJobs } from "./hdfsRules";

/** The dashboard of every HDFS cluster the data source scrapes. */
export function hdfsDashboard(): DashboardSpec {
  const sel = (job: string) => `job="${job}",namespace="$namespace"`;
  const active = `${sel(hdfsJobs.namenode)},hastate="active"`;
  const dn = sel(hdfsJobs.datanode);
  const jn = sel(hdfsJobs.journalnode);
  const dataset = "org_apache_hadoop_hdfs_server_datanode_fsdataset_impl_fs_dataset_impl";
  return {
    uid: "k8s-daemonsets-hdfs",
    title: "HDFS",
    tags: ["k8s-daemonsets", "hdfs"],
    variables: { namespace: `label_values(name_node_name_node_state{job="${hdfsJobs.namenode}"}, namespace)` },
    rows: [
      {
        title: "NameNodes",
        panels: [
          { title: "HA state (1 active, 2 standby)", unit: "none", kind: "stat", queries: [{ expr: `name_node_name_node_state{${sel(hdfsJobs.namenode)}}`, legend: "{{instance}}" }] },
          { title: "Daemons up", unit: "none", kind: "stat", queries: [{ expr: `sum by (job) (up{job=~"${Object.values(hdfsJobs).join("|")}",namespace="$namespace"})`, legend: "{{job}}" }] },
          {
            title: "Capacity", unit: "bytes", kind: "stacked",
            queries: [
              { expr: `fs_namesystem_capacity_used{${active}}`, legend: "used by HDFS" },
              { expr: `fs_namesystem_capacity_used_non_dfs{${active}}`, legend: "used by others" },
              { expr: `fs_namesystem_capacity_remaining{${active}}`, legend: "remaining" },
            ],
          },
          {
            title: "Blocks", unit: "short",
            queries: [
              { expr: `fs_namesystem_blocks_total{${active}}`, legend: "total" },
              { expr: `fs_namesystem_under_replicated_blocks{${active}}`, legend: "under-replicated" },
              { expr: `fs_namesystem_missing_blocks{${active}}`, legend: "missing" },
              { expr: `fs_namesystem_corrupt_blocks{${active}}`, legend: "corrupt" },
            ],
          },
          { title: "Files and directories", unit: "short", queries: [{ expr: `fs_namesystem_files_total{${active}}`, legend: "files and directories" }] },
        ],
      },
      {
        title: "DataNodes",
        panels: [
          {
            title: "DataNodes live, dead, stale", unit: "short",
            queries: [
              { expr: `fs_namesystem_num_live_data_nodes{${active}}`, legend: "live" },
              { expr: `fs_namesystem_num_dead_data_nodes{${active}}`, legend: "dead" },
              { expr: `fs_namesystem_stale_data_nodes{${active}}`, legend: "stale" },
            ],
          },
          { title: "Remaining per DataNode", unit: "bytes", queries: [{ expr: `${dataset}_remaining{${dn}}`, legend: "{{instance}}" }] },
          { title: "Failed volumes per DataNode", unit: "short", queries: [{ expr: `${dataset}_num_failed_volumes{${dn}}`, legend: "{{instance}}" }] },
        ],
      },
      {
        title: "JournalNodes",
        panels: [
          { title: "Last written transaction", unit: "short", queries: [{ expr: `journal_node_last_written_tx_id{${jn}}`, legend: "{{instance}}" }] },
          { title: "Lag behind the writer (transactions)", unit: "short", queries: [{ expr: `journal_node_current_lag_txns{${jn}}`, legend: "{{instance}}" }] },
        ],
      },
    ],
  };
}
