/** A chart as a Vega-Lite spec with its data inline: what `lineChart` and `groupedBarChart` build and `renderChart` draws. */
export type { TopLevelSpec as ChartSpec } from 'vega-lite';
