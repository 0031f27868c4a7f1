import type { TopLevelSpec } from 'vega-lite';
import { CHART_COLORS, CHART_CONFIG, DASH, legendColumns } from './chartStyle.js';

export interface LineSeries {
  readonly name: string;
  /** [x, y] in order of drawing; a non-finite x or y breaks the line there. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** CSS colour; default the next of `CHART_COLORS`. */
  readonly color?: string;
  /** Dashed line, e.g. a baseline. */
  readonly dashed?: boolean;
  /** A dot on every finite point. */
  readonly markers?: boolean;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Size of the plot area in pixels; default 560 x 300. */
  readonly width?: number;
  readonly height?: number;
  /** Default: the data's extent, rounded outwards. Pass [0, 1] for rates. */
  readonly yRange?: readonly [number, number];
  /** Default: the data's extent. */
  readonly xRange?: readonly [number, number];
  /** Logarithmic y axis (losses); every finite y and yRange must then be positive. */
  readonly logY?: boolean;
}

/**
 * A line chart as a Vega-Lite spec: one coloured line per series (dashed where asked), dots
 * where asked, the legend under the plot, a tooltip on each dot, and zoom and pan (drag,
 * wheel; double-click resets) where a browser shows it. Series names must be distinct.
 * Throws RangeError naming the chart for: no series, a repeated name, an empty or reversed
 * range, and non-positive values or range on a log axis.
 */
export function lineChart(spec: LineChartSpec): TopLevelSpec {
  const where = `lineChart(${JSON.stringify(spec.title)})`;
  if (spec.series.length === 0) throw new RangeError(`${where}: no series to plot`);
  const names = spec.series.map((s) => s.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new RangeError(`${where}: series name "${repeated}" is used twice`);
  const logY = spec.logY ?? false;
  if (spec.xRange) checkRange(where, 'xRange', spec.xRange, false);
  if (spec.yRange) checkRange(where, 'yRange', spec.yRange, logY);
  if (logY) {
    spec.series.forEach((s) =>
      s.points.forEach(([, y], j) => {
        if (y <= 0) throw new RangeError(`${where}: logY needs positive y, series "${s.name}" point ${j} has y = ${y}`);
      }),
    );
  }
  const values = spec.series.flatMap((s) =>
    s.points.map(([x, y], i) => ({ series: s.name, i, x: finiteOrNull(x), y: finiteOrNull(y), marker: s.markers === true })),
  );
  const colors = spec.series.map((s, i) => s.color ?? CHART_COLORS[i % CHART_COLORS.length]);
  const dashes = spec.series.map((s) => (s.dashed ? [...DASH] : [1, 0]));
  const legend = { title: null, symbolType: 'stroke', symbolSize: 400, columns: legendColumns(spec.series.length) } as const;
  const x = {
    field: 'x',
    type: 'quantitative',
    title: spec.xLabel,
    // A few pixels of padding, so that lines and dots at the ends of a range are not cut by the frame.
    scale: { zero: false, padding: 5, ...(spec.xRange ? { domain: [...spec.xRange], nice: false } : {}) },
  } as const;
  const y = {
    field: 'y',
    type: 'quantitative',
    title: spec.yLabel,
    scale: { padding: 5, ...(logY ? { type: 'log' as const } : { zero: false }), ...(spec.yRange ? { domain: [...spec.yRange], nice: false } : {}) },
  } as const;
  const color = { field: 'series', type: 'nominal', scale: { domain: names, range: colors }, legend } as const;
  const format = (field: string, title: string) => ({ field, type: 'quantitative', title, format: '.4~g' }) as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: spec.title,
    width: spec.width ?? 560,
    height: spec.height ?? 300,
    config: CHART_CONFIG,
    data: { values },
    encoding: { x, y, color },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2, clip: true },
        encoding: {
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: names, range: dashes }, legend },
          order: { field: 'i', type: 'quantitative' },
        },
        params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x', 'y'] }, bind: 'scales' }],
      },
      {
        // Dots: visible on series with markers; on the others they only catch the pointer for the tooltip.
        mark: { type: 'point', filled: true, size: 40, clip: true },
        encoding: {
          opacity: { condition: { test: 'datum.marker', value: 1 }, value: 0 },
          tooltip: [{ field: 'series', type: 'nominal' }, format('x', spec.xLabel), format('y', spec.yLabel)],
        },
      },
    ],
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function checkRange(where: string, field: string, range: readonly [number, number], log: boolean): void {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new RangeError(`${where}: ${field} must be finite with min < max, got [${lo}, ${hi}]`);
  }
  if (log && !(lo > 0)) throw new RangeError(`${where}: ${field} on a log axis must be positive, got [${lo}, ${hi}]`);
}
