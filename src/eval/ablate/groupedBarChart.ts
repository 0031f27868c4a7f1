import type { Bitmap } from '../../viz/Bitmap.js';
import { drawText, measureText } from '../../viz/drawText.js';
import { fillRect } from '../../viz/fillRect.js';
import type { Rgb } from '../../viz/fillRect.js';
import { plotPalette } from '../../viz/linePlot.js';
import { formatTicks, niceStep, niceTicks } from '../../viz/niceTicks.js';

export interface BarSeries {
  readonly name: string;
  /** One value per group; NaN draws no bar. */
  readonly values: readonly number[];
  /** Error bar half-lengths (e.g. std over seeds), one per group. */
  readonly errors?: readonly number[];
  readonly color?: Rgb;
}

export interface GroupedBarChartSpec {
  readonly title: string;
  readonly yLabel: string;
  /** Labels under the groups of bars (e.g. ablation arms). */
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /** Default [0, max of value + error] rounded up. */
  readonly yRange?: readonly [number, number];
  /** Dashed horizontal reference lines (e.g. chance, random baseline). */
  readonly references?: ReadonlyArray<{ readonly name: string; readonly value: number; readonly color?: Rgb }>;
  readonly height?: number;
}

const INK: Rgb = [34, 34, 34];
const GRID: Rgb = [228, 228, 228];
const PAD = 8;
const BAR = 14;
const GROUP_GAP = 16;
const CHAR_H = 10;

/**
 * A grouped bar chart with error bars as an RGB bitmap: one group per label, one bar per
 * series, the legend on top. Group labels are written upward under the axis, so long arm
 * names fit. Written beside linePlot (src/viz) for the experiments' summary figures.
 */
export function groupedBarChart(spec: GroupedBarChartSpec): Bitmap {
  const where = `groupedBarChart(${JSON.stringify(spec.title)})`;
  if (spec.series.length === 0 || spec.groups.length === 0) throw new RangeError(`${where}: needs at least one series and one group`);
  for (const s of spec.series) {
    if (s.values.length !== spec.groups.length) {
      throw new RangeError(`${where}: series "${s.name}" has ${s.values.length} values for ${spec.groups.length} groups`);
    }
  }
  const tops = spec.series.flatMap((s) => s.values.map((v, i) => v + (s.errors?.[i] ?? 0))).filter(Number.isFinite);
  const refs = spec.references ?? [];
  const yMax = spec.yRange?.[1] ?? Math.max(1e-9, ...tops, ...refs.map((r) => r.value));
  const yMin = spec.yRange?.[0] ?? 0;
  if (!(yMax > yMin)) throw new RangeError(`${where}: empty y range [${yMin}, ${yMax}]`);
  const ticks = niceTicks(yMin, yMax, 6);
  const top = Math.max(yMax, ticks.at(-1) ?? yMax);
  const labels = formatTicks(ticks, niceStep(yMin, top, 6));

  const groupW = spec.series.length * BAR + GROUP_GAP;
  const yLabelW = Math.max(...labels.map((l) => measureText(l).width));
  const left = PAD + CHAR_H + 8 + yLabelW + 8;
  const width = Math.max(360, left + spec.groups.length * groupW + PAD + 8);
  const legendItems = [...spec.series.map((s) => s.name), ...refs.map((r) => `- - ${r.name}`)];
  const legendRows = wrapLegend(legendItems, width - 2 * PAD);
  const titleH = CHAR_H * 2 + 8;
  const plotTop = PAD + titleH + legendRows.length * (CHAR_H + 4) + 6;
  const groupLabelH = Math.max(...spec.groups.map((g) => measureText(g).width)) + 8;
  const plotH = Math.max(160, (spec.height ?? 420) - plotTop - groupLabelH - PAD);
  const height = plotTop + plotH + groupLabelH + PAD;
  const bitmap: Bitmap = { width, height, rgb: new Uint8Array(3 * width * height).fill(255) };
  const bottom = plotTop + plotH;
  const right = width - PAD;
  const toY = (v: number): number => bottom - ((Math.min(Math.max(v, yMin), top) - yMin) / (top - yMin)) * plotH;

  drawText(bitmap, PAD, PAD, spec.title, INK, 2);
  const colors = spec.series.map((s, i) => s.color ?? plotPalette[i % plotPalette.length]);
  const refColors = refs.map((r) => r.color ?? ([120, 120, 120] as Rgb));
  let ly = PAD + titleH;
  let k = 0;
  for (const row of legendRows) {
    let lx = PAD;
    for (const item of row) {
      const isRef = k >= spec.series.length;
      const c = isRef ? refColors[k - spec.series.length] : colors[k];
      if (!isRef) fillRect(bitmap, lx, ly + 1, 10, 8, c);
      drawText(bitmap, lx + (isRef ? 0 : 14), ly, item, isRef ? c : INK);
      lx += (isRef ? 0 : 14) + measureText(item).width + 14;
      k++;
    }
    ly += CHAR_H + 4;
  }
  ticks.forEach((t, i) => {
    const y = Math.round(toY(t));
    fillRect(bitmap, left, y, right - left, 1, GRID);
    drawText(bitmap, left - 8 - measureText(labels[i]).width, y - 4, labels[i], INK);
  });
  const yl = measureText(spec.yLabel, 1, 'up');
  drawText(bitmap, PAD, Math.round(plotTop + (plotH - yl.height) / 2), spec.yLabel, INK, 1, 'up');

  spec.groups.forEach((g, gi) => {
    const x0 = left + 8 + gi * groupW;
    spec.series.forEach((s, si) => {
      const v = s.values[gi];
      if (!Number.isFinite(v)) return;
      const x = x0 + si * BAR;
      const y = Math.round(toY(v));
      fillRect(bitmap, x, y, BAR - 2, Math.max(1, bottom - y), colors[si]);
      const e = s.errors?.[gi] ?? 0;
      if (e > 0 && Number.isFinite(e)) {
        const y1 = Math.round(toY(v + e));
        const y2 = Math.round(toY(v - e));
        const cx = x + Math.floor((BAR - 2) / 2);
        fillRect(bitmap, cx, y1, 1, y2 - y1 + 1, INK);
        fillRect(bitmap, cx - 3, y1, 7, 1, INK);
        fillRect(bitmap, cx - 3, y2, 7, 1, INK);
      }
    });
    const label = measureText(g, 1, 'up');
    const cx = x0 + Math.floor((spec.series.length * BAR - label.width) / 2);
    drawText(bitmap, cx, bottom + 6, g, INK, 1, 'up');
  });
  refs.forEach((r, i) => {
    const y = Math.round(toY(r.value));
    for (let x = left; x < right; x += 9) fillRect(bitmap, x, y, 5, 1, refColors[i]);
  });
  fillRect(bitmap, left, plotTop, 1, plotH + 1, INK);
  fillRect(bitmap, left, bottom, right - left, 1, INK);
  return bitmap;
}

/** Legend entries in rows that fit `width`. */
function wrapLegend(items: readonly string[], width: number): string[][] {
  const rows: string[][] = [[]];
  let used = 0;
  for (const item of items) {
    const w = measureText(item).width + 28;
    if (used + w > width && rows.at(-1)!.length > 0) {
      rows.push([]);
      used = 0;
    }
    rows.at(-1)!.push(item);
    used += w;
  }
  return rows;
}
