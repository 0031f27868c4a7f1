import type { TopLevelSpec } from 'vega-lite';
import { CHART_COLORS, CHART_CONFIG, DASH, REFERENCE_GREY, legendColumns } from './chartStyle.js';

export interface BarSeries {
  readonly name: string;
  /** One value per group; NaN draws no bar. */
  readonly values: readonly number[];
  /** Error bar half-lengths (e.g. std over seeds), one per group. */
  readonly errors?: readonly number[];
  /** CSS colour; default the next of `CHART_COLORS`. */
  readonly color?: string;
}

export interface ReferenceLine {
  readonly name: string;
  readonly value: number;
  /** CSS colour; default grey. */
  readonly color?: string;
}

export interface GroupedBarChartSpec {
  readonly title: string;
  readonly yLabel: string;
  /** Labels under the groups of bars (e.g. ablation arms). */
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /** Default [0, the data's maximum rounded up]. */
  readonly yRange?: readonly [number, number];
  /** Dashed horizontal reference lines (e.g. chance, random baseline), with a legend of their own. */
  readonly references?: readonly ReferenceLine[];
  /** Plot height in pixels; default 300. */
  readonly height?: number;
}

/**
 * A grouped bar chart as a Vega-Lite spec: one group per label, one bar per series, error
 * bars (value ± error), dashed reference lines, legends under the plot, a tooltip on each bar.
 * Group labels are slanted, so long arm names fit. Throws RangeError naming the chart for:
 * no series or group, a series whose value count differs from the groups', repeated names,
 * and an empty range.
 */
export function groupedBarChart(spec: GroupedBarChartSpec): TopLevelSpec {
  const where = `groupedBarChart(${JSON.stringify(spec.title)})`;
  if (spec.series.length === 0 || spec.groups.length === 0) throw new RangeError(`${where}: needs at least one series and one group`);
  for (const s of spec.series) {
    if (s.values.length !== spec.groups.length) throw new RangeError(`${where}: series "${s.name}" has ${s.values.length} values for ${spec.groups.length} groups`);
    if (s.errors !== undefined && s.errors.length !== spec.groups.length) throw new RangeError(`${where}: series "${s.name}" has ${s.errors.length} errors for ${spec.groups.length} groups`);
  }
  const refs = spec.references ?? [];
  const names = [...spec.series.map((s) => s.name), ...refs.map((r) => r.name)];
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new RangeError(`${where}: name "${repeated}" is used twice`);
  if (spec.yRange && !(Number.isFinite(spec.yRange[0]) && Number.isFinite(spec.yRange[1]) && spec.yRange[1] > spec.yRange[0])) {
    throw new RangeError(`${where}: yRange must be finite with min < max, got [${spec.yRange[0]}, ${spec.yRange[1]}]`);
  }
  const bars = spec.series.flatMap((s) =>
    spec.groups.map((group, g) => {
      const value = s.values[g], error = s.errors?.[g];
      const hasError = Number.isFinite(value) && error !== undefined && Number.isFinite(error) && error > 0;
      return {
        group,
        series: s.name,
        value: Number.isFinite(value) ? value : null,
        error: hasError ? error : null,
        lo: hasError ? value - error : null,
        hi: hasError ? value + error : null,
      };
    }),
  );
  const seriesNames = spec.series.map((s) => s.name);
  const yScale = spec.yRange ? { domain: [...spec.yRange], nice: false } : { zero: true };
  const x = { field: 'group', type: 'nominal', sort: [...spec.groups], title: null, axis: { labelAngle: spec.groups.some((g) => g.length > 8) ? -35 : 0 } } as const;
  const xOffset = { field: 'series', type: 'nominal', sort: seriesNames } as const;
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    {
      mark: { type: 'bar', clip: true },
      encoding: {
        x,
        xOffset,
        y: { field: 'value', type: 'quantitative', title: spec.yLabel, scale: yScale },
        color: {
          field: 'series',
          type: 'nominal',
          scale: { domain: seriesNames, range: spec.series.map((s, i) => s.color ?? CHART_COLORS[i % CHART_COLORS.length]) },
          legend: { title: null, columns: legendColumns(spec.series.length) },
        },
        tooltip: [
          { field: 'group', type: 'nominal' },
          { field: 'series', type: 'nominal' },
          { field: 'value', type: 'quantitative', format: '.3~f' },
          { field: 'error', type: 'quantitative', title: '±', format: '.3~f' },
        ],
      },
    },
    {
      transform: [{ filter: 'isValid(datum.error)' }],
      mark: { type: 'rule', color: '#222222', clip: true },
      encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    },
  ];
  if (refs.length > 0) {
    layers.push({
      data: { values: refs.map((r) => ({ reference: r.name, value: r.value })) },
      mark: { type: 'rule', strokeDash: [...DASH], strokeWidth: 2, clip: true },
      encoding: {
        y: { field: 'value', type: 'quantitative' },
        stroke: {
          field: 'reference',
          type: 'nominal',
          scale: { domain: refs.map((r) => r.name), range: refs.map((r) => r.color ?? REFERENCE_GREY) },
          legend: { title: null, symbolType: 'stroke', symbolSize: 400, symbolDash: [...DASH], columns: legendColumns(refs.length) },
        },
        tooltip: [{ field: 'reference', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.3~f' }],
      },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: spec.title,
    width: { step: Math.max(40, 18 * spec.series.length + 12) },
    height: spec.height ?? 300,
    config: CHART_CONFIG,
    data: { values: bars },
    layer: layers,
    resolve: { legend: { color: 'independent', stroke: 'independent' } },
  };
}
