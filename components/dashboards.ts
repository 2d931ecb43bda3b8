// Grafana dashboards as typed code (@grafana/grafana-foundation-sdk): what the project's dashboards share. Each
// is a list of rows of panels, each panel a few PromQL queries, on a Prometheus data source chosen by a variable;
// delivered as a ConfigMap with the label kube-prometheus-stack's Grafana sidecar loads dashboards by.
import { StackingConfigBuilder, StackingMode } from "@grafana/grafana-foundation-sdk/common";
import { DashboardBuilder, DatasourceVariableBuilder, QueryVariableBuilder, RowBuilder, VariableRefresh } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanelBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { z } from "zod";
import { labels } from "./kubernetesSyntax";
import { setting } from "./settings";

/** One panel: a title, a unit, its queries (PromQL and legend), and how it draws them. */
export interface PanelSpec {
  title: string;
  description?: string;
  unit: string;
  queries: { expr: string; legend: string }[];
  /** A time series (default), stacked or not, or a single value (`stat`). */
  kind?: "timeseries" | "stacked" | "stat";
  max?: number;
}

/** A dashboard: its uid and title, a variable per label the queries filter by, and rows of panels. */
export interface DashboardSpec {
  uid: string;
  title: string;
  tags: string[];
  /** `$name` variables: name -> the PromQL `label_values(…)` query that lists their values. */
  variables: Record<string, string>;
  rows: { title: string; panels: PanelSpec[] }[];
}

/** The settings every component with dashboards has, spread into its settings. */
export const dashboardSettings = {
  /** A ConfigMap `<name>-dashboards` with the component's Grafana dashboards (needs what its panels read: node-exporter's, its rules; HDFS's, /prom). */
  dashboards: setting(z.boolean(), { default: false }),
  /** Labels of the dashboards' ConfigMap: kube-prometheus-stack's Grafana sidecar loads those labelled grafana_dashboard. */
  dashboardLabels: setting(labels, { default: { grafana_dashboard: "1" }, merge: "replace" }),
};

/** The uid of the Prometheus data source variable every panel queries. */
const datasource = { type: "prometheus", uid: "${datasource}" };

/** A dashboard's Grafana JSON model. */
export function buildDashboard(spec: DashboardSpec): object {
  const board = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .tags(spec.tags)
    .editable()
    .refresh("30s")
    .time({ from: "now-1h", to: "now" })
    .withVariable(new DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"));
  for (const [name, query] of Object.entries(spec.variables)) {
    board.withVariable(new QueryVariableBuilder(name).label(name).query(query).datasource(datasource).refresh(VariableRefresh.OnTimeRangeChanged).sort(1));
  }
  for (const row of spec.rows) {
    board.withRow(new RowBuilder(row.title));
    for (const p of row.panels) {
      const panel = p.kind === "stat" ? new StatPanelBuilder() : new TimeseriesPanelBuilder();
      panel.title(p.title).unit(p.unit).datasource(datasource).height(8).span(p.kind === "stat" ? 6 : 12);
      if (p.description) panel.description(p.description);
      if (p.max !== undefined) panel.max(p.max);
      if (panel instanceof TimeseriesPanelBuilder) {
        panel.min(0);
        if (p.kind === "stacked") panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal)).fillOpacity(10);
      }
      for (const q of p.queries) {
        const target = new DataqueryBuilder().expr(q.expr).legendFormat(q.legend);
        panel.withTarget(p.kind === "stat" ? target.instant() : target.range());
      }
      board.withPanel(panel);
    }
  }
  return board.build();
}

/** Every query of a dashboard, as written (with its `$variables`). */
export function dashboardQueries(spec: DashboardSpec): string[] {
  return spec.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => q.expr)));
}
