// node-exporter's dashboard: the USE method (utilisation and saturation of CPU, memory, network and disks, and
// disk space), for the cluster (each node's share stacked) and for one node, mostly from the node-mixin's
// recording rules (so it needs them delivered), like upstream's USE dashboards.
import { DashboardSpec } from "./dashboards";

/** The dashboard for the series of `job`. */
export function nodeExporterDashboard(job: string): DashboardSpec {
  const j = `job="${job}"`;
  const n = `${j},instance="$instance"`;
  const fs = (sel: string) => `${sel},fstype!="",mountpoint!=""`;
  const share = (rule: string) => `${rule}{${j}} / scalar(count(${rule}{${j}}))`;
  return {
    uid: "k8s-daemonsets-node-use",
    title: "Nodes / USE method",
    tags: ["k8s-daemonsets", "node-exporter"],
    variables: { instance: `label_values(node_uname_info{${j}}, instance)` },
    rows: [
      {
        title: "Cluster",
        panels: [
          { title: "CPU utilisation", unit: "percentunit", kind: "stacked", queries: [{ expr: `instance:node_cpu_utilisation:rate5m{${j}} * instance:node_num_cpu:sum{${j}} / scalar(sum(instance:node_num_cpu:sum{${j}}))`, legend: "{{instance}}" }] },
          { title: "CPU saturation (load1 per CPU)", unit: "percentunit", kind: "stacked", queries: [{ expr: share("instance:node_load1_per_cpu:ratio"), legend: "{{instance}}" }] },
          { title: "Memory utilisation", unit: "percentunit", kind: "stacked", queries: [{ expr: share("instance:node_memory_utilisation:ratio"), legend: "{{instance}}" }] },
          { title: "Memory saturation (major page faults)", unit: "rds", kind: "stacked", queries: [{ expr: `instance:node_vmstat_pgmajfault:rate5m{${j}}`, legend: "{{instance}}" }] },
          {
            title: "Network utilisation (bytes, without lo)", unit: "Bps", kind: "stacked",
            queries: [
              { expr: `instance:node_network_receive_bytes_excluding_lo:rate5m{${j}}`, legend: "{{instance}} receive" },
              { expr: `instance:node_network_transmit_bytes_excluding_lo:rate5m{${j}}`, legend: "{{instance}} transmit" },
            ],
          },
          {
            title: "Network saturation (drops, without lo)", unit: "pps", kind: "stacked",
            queries: [
              { expr: `instance:node_network_receive_drop_excluding_lo:rate5m{${j}}`, legend: "{{instance}} receive" },
              { expr: `instance:node_network_transmit_drop_excluding_lo:rate5m{${j}}`, legend: "{{instance}} transmit" },
            ],
          },
          { title: "Disk IO utilisation", unit: "percentunit", kind: "stacked", queries: [{ expr: share("instance_device:node_disk_io_time_seconds:rate5m"), legend: "{{instance}} {{device}}" }] },
          { title: "Disk IO saturation", unit: "percentunit", kind: "stacked", queries: [{ expr: share("instance_device:node_disk_io_time_weighted_seconds:rate5m"), legend: "{{instance}} {{device}}" }] },
          {
            title: "Disk space utilisation", unit: "percentunit", kind: "stacked",
            queries: [{
              expr: `sum without (device) (max without (fstype, mountpoint) (node_filesystem_size_bytes{${fs(j)}} - node_filesystem_avail_bytes{${fs(j)}})) / scalar(sum(max without (fstype, mountpoint) (node_filesystem_size_bytes{${fs(j)}})))`,
              legend: "{{instance}}",
            }],
          },
        ],
      },
      {
        title: "Node $instance",
        panels: [
          { title: "CPU utilisation", unit: "percentunit", max: 1, queries: [{ expr: `instance:node_cpu_utilisation:rate5m{${n}}`, legend: "utilisation" }] },
          { title: "CPU saturation (load1 per CPU)", unit: "percentunit", queries: [{ expr: `instance:node_load1_per_cpu:ratio{${n}}`, legend: "saturation" }] },
          { title: "Memory utilisation", unit: "percentunit", max: 1, queries: [{ expr: `instance:node_memory_utilisation:ratio{${n}}`, legend: "utilisation" }] },
          { title: "Memory saturation (major page faults)", unit: "rds", queries: [{ expr: `instance:node_vmstat_pgmajfault:rate5m{${n}}`, legend: "major page faults" }] },
          {
            title: "Network utilisation (bytes, without lo)", unit: "Bps",
            queries: [
              { expr: `instance:node_network_receive_bytes_excluding_lo:rate5m{${n}}`, legend: "receive" },
              { expr: `instance:node_network_transmit_bytes_excluding_lo:rate5m{${n}}`, legend: "transmit" },
            ],
          },
          {
            title: "Network saturation (drops, without lo)", unit: "pps",
            queries: [
              { expr: `instance:node_network_receive_drop_excluding_lo:rate5m{${n}}`, legend: "receive" },
              { expr: `instance:node_network_transmit_drop_excluding_lo:rate5m{${n}}`, legend: "transmit" },
            ],
          },
          { title: "Disk IO utilisation", unit: "percentunit", queries: [{ expr: `instance_device:node_disk_io_time_seconds:rate5m{${n}}`, legend: "{{device}}" }] },
          { title: "Disk IO saturation", unit: "percentunit", queries: [{ expr: `instance_device:node_disk_io_time_weighted_seconds:rate5m{${n}}`, legend: "{{device}}" }] },
          { title: "Disk space utilisation", unit: "percentunit", max: 1, queries: [{ expr: `1 - node_filesystem_avail_bytes{${fs(n)}} / node_filesystem_size_bytes{${fs(n)}}`, legend: "{{mountpoint}}" }] },
        ],
      },
    ],
  };
}
