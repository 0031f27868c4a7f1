import type { Bitmap } from './Bitmap.js';
import { bitmapFont } from './bitmapFont.js';
import { drawPolyline } from './drawPolyline.js';
import type { PixelRect } from './drawPolyline.js';
import { drawText, measureText } from './drawText.js';
import { fillRect } from './fillRect.js';
import type { Rgb } from './fillRect.js';
import { formatTicks, logTicks, niceStep, niceTicks } from './niceTicks.js';

export interface LineSeries {
  readonly name: string;
  /** [x, y] in order of drawing; a non-finite x or y breaks the line there. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** Default: the next colour of `plotPalette`. */
  readonly color?: Rgb;
  /** Dashed line, e.g. a baseline. */
  readonly dashed?: boolean;
  /** A dot on every finite point. */
  readonly markers?: boolean;
}

export interface LinePlotSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Pixels; default 640 x 400, at least 200 x 150. */
  readonly width?: number;
  readonly height?: number;
  /** Default: the data's y extent plus 5% each side (a single value v: v +- 10%). Pass [0, 1] for rates. */
  readonly yRange?: readonly [number, number];
  /** Default: the data's x extent. */
  readonly xRange?: readonly [number, number];
  /** Logarithmic y axis (losses); every finite y and yRange must then be positive. */
  readonly logY?: boolean;
}

/** The picture plus where its axes landed, for overlays and tests. */
export interface LinePlot extends Bitmap {
  /** Pixel rectangle onto which xRange and yRange map exactly (left = xRange[0], bottom = yRange[0]). */
  readonly plotArea: PixelRect;
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
}

/** Okabe-Ito colours (distinguishable with colour-blindness), ordered for a white background; yellow last. */
export const plotPalette: readonly Rgb[] = [
  [0, 114, 178], // blue
  [213, 94, 0], // vermillion
  [0, 158, 115], // bluish green
  [204, 121, 167], // reddish purple
  [86, 180, 233], // sky blue
  [230, 159, 0], // orange
  [0, 0, 0], // black
  [240, 228, 66], // yellow
];

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [34, 34, 34];
const GRID: Rgb = [228, 228, 228];
const LEGEND_EDGE: Rgb = [150, 150, 150];
const PAD = 8; // outer margin
const TICK = 5; // tick mark length
const GAP = 4; // tick mark to its label
const INSET = 4; // frame to data area, so lines at the range ends do not hide under the frame
const PEN = 2;
const DASH: readonly [number, number] = [8, 5];
const MARKER_RADIUS = 3;
const MINOR_TICK = 3;
const DIGIT_MIDDLE = 4; // font row at the middle of digits, aligned with the tick it labels
const { cellWidth: CHAR_W, cellHeight: CHAR_H } = bitmapFont;

/**
 * A line chart as an RGB bitmap: white ground, framed axes with grid lines at round-number
 * ticks (1/2/5 x 10^k; decades on a log axis), tick labels, axis labels (y turned to read
 * upwards), a title, and a legend in whichever inside corner covers the fewest drawn pixels.
 * Lines are 2 px wide, joined in the order given, and clipped to the frame. Series take
 * `plotPalette` colours in turn (cycling after 8). A series with no finite point draws nothing
 * but keeps its legend entry. Title and axis labels too long for the picture end in '...'.
 * Throws RangeError naming the input for: no series, a bad size or colour, an empty or
 * reversed range, non-positive values or range on a log axis, and no finite point to derive
 * a range from.
 */
export function linePlot(spec: LinePlotSpec): LinePlot {
  const where = `linePlot(${JSON.stringify(spec.title)})`;
  const width = spec.width ?? 640, height = spec.height ?? 400;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 200 || height < 150) {
    throw new RangeError(`${where}: width x height must be integers of at least 200 x 150, got ${width} x ${height}`);
  }
  if (spec.series.length === 0) throw new RangeError(`${where}: no series to plot`);
  const logY = spec.logY ?? false;
  const colors = spec.series.map((s, i) => {
    const c = s.color ?? plotPalette[i % plotPalette.length];
    if (c.length !== 3 || !c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new RangeError(`${where}: series "${s.name}" color must be three integers 0..255, got [${c.join(', ')}]`);
    }
    return c;
  });
  if (logY) {
    spec.series.forEach((s) =>
      s.points.forEach(([, y], j) => {
        if (y <= 0) throw new RangeError(`${where}: logY needs positive y, series "${s.name}" point ${j} has y = ${y}`);
      }),
    );
  }
  const xRange = spec.xRange ? checkRange(where, 'xRange', spec.xRange, false) : dataRange(where, spec.series, 0, 0, false);
  const yRange = spec.yRange ? checkRange(where, 'yRange', spec.yRange, logY) : dataRange(where, spec.series, 1, 0.05, logY);

  const rgb = new Uint8Array(3 * width * height).fill(255);
  const bitmap: Bitmap = { width, height, rgb };

  // Layout, outside in: title on top; x label, tick labels and ticks below; y label and tick labels left.
  const titleScale = measureText(spec.title, 2).width <= width - 2 * PAD ? 2 : 1;
  const titleH = spec.title ? CHAR_H * titleScale + 8 : 0;
  const frameTop = PAD + titleH;
  const frameBottom = height - 1 - (PAD + (spec.xLabel ? CHAR_H + 6 : 0) + CHAR_H + GAP + TICK);
  const plotTop = frameTop + INSET, plotBottom = frameBottom - INSET;
  const yTicks = axisTicks(yRange, logY, clamp(Math.floor((plotBottom - plotTop) / 36), 2, 10));
  const yLabels = formatTicks(yTicks, logY ? 'log' : tickStep(yTicks, yRange));
  const yLabelW = Math.max(0, ...yLabels.map((l) => measureText(l).width));
  const frameLeft = PAD + (spec.yLabel ? CHAR_H + 8 : 0) + yLabelW + GAP + TICK;
  const frameRight = width - 1 - 20;
  const plotLeft = frameLeft + INSET, plotRight = frameRight - INSET;
  if (plotRight - plotLeft < 40) throw new RangeError(`${where}: width ${width} leaves no room for the plot beside ${yLabelW} px of y tick labels`);
  const { ticks: xTicks, labels: xLabels } = xAxisTicks(xRange, plotRight - plotLeft);

  const plotArea: PixelRect = { left: plotLeft, top: plotTop, right: plotRight, bottom: plotBottom };
  const fy = logY ? Math.log10 : (v: number): number => v;
  const [fy0, fy1] = [fy(yRange[0]), fy(yRange[1])];
  const toX = (x: number): number => plotLeft + ((x - xRange[0]) / (xRange[1] - xRange[0])) * (plotRight - plotLeft);
  const toY = (y: number): number => plotBottom - ((fy(y) - fy0) / (fy1 - fy0)) * (plotBottom - plotTop);
  const inside: PixelRect = { left: frameLeft + 1, top: frameTop + 1, right: frameRight - 1, bottom: frameBottom - 1 };

  // Grid and ticks.
  for (const [i, t] of yTicks.entries()) {
    const py = Math.round(toY(t));
    fillRect(bitmap, inside.left, py, inside.right - inside.left + 1, 1, GRID);
    fillRect(bitmap, frameLeft - TICK, py, TICK, 1, INK);
    const { width: w } = measureText(yLabels[i]);
    drawText(bitmap, frameLeft - TICK - GAP - w, py - DIGIT_MIDDLE, yLabels[i], INK);
  }
  if (logY) for (const t of minorLogTicks(yRange, yTicks)) fillRect(bitmap, frameLeft - MINOR_TICK, Math.round(toY(t)), MINOR_TICK, 1, INK);
  for (const [i, t] of xTicks.entries()) {
    const px = Math.round(toX(t));
    fillRect(bitmap, px, inside.top, 1, inside.bottom - inside.top + 1, GRID);
    fillRect(bitmap, px, frameBottom + 1, 1, TICK, INK);
    const { width: w } = measureText(xLabels[i]);
    drawText(bitmap, px - Math.floor(w / 2), frameBottom + 1 + TICK + GAP, xLabels[i], INK);
  }
  strokeRect(bitmap, { left: frameLeft, top: frameTop, right: frameRight, bottom: frameBottom }, INK);

  // Texts.
  if (spec.title) {
    const title = fit(spec.title, width - 2 * PAD, titleScale);
    const { width: w } = measureText(title, titleScale);
    const centre = w <= frameRight - frameLeft ? (frameLeft + frameRight) / 2 : width / 2;
    drawText(bitmap, Math.round(centre - w / 2), PAD, title, INK, titleScale);
  }
  if (spec.xLabel) {
    const label = fit(spec.xLabel, width - 2 * PAD);
    const { width: w } = measureText(label);
    const centre = w <= frameRight - frameLeft ? (frameLeft + frameRight) / 2 : width / 2;
    drawText(bitmap, Math.round(centre - w / 2), height - PAD - CHAR_H, label, INK);
  }
  if (spec.yLabel) {
    const label = fit(spec.yLabel, frameBottom - frameTop + 1);
    const { height: h } = measureText(label, 1, 'up');
    drawText(bitmap, PAD, Math.round((frameTop + frameBottom - h) / 2), label, INK, 1, 'up');
  }

  // Data.
  spec.series.forEach((s, i) => {
    const pixels = s.points.map(([x, y]): [number, number] => [toX(x), toY(y)]);
    drawPolyline(bitmap, pixels, { color: colors[i], width: PEN, dash: s.dashed ? DASH : undefined, clip: inside });
    if (s.markers) for (const [px, py] of pixels) if (Number.isFinite(px) && Number.isFinite(py)) dot(bitmap, px, py, colors[i], inside);
  });

  drawLegend(bitmap, spec.series, colors, inside);
  return { width, height, rgb, plotArea, xRange, yRange, xTicks, yTicks };
}

function axisTicks(range: readonly [number, number], log: boolean, maxTicks: number): number[] {
  return log ? logTicks(range[0], range[1], maxTicks) : niceTicks(range[0], range[1], maxTicks);
}

/** 2..9 x 10^k inside the range and not already labelled, when the axis spans 1 to 6 decades. */
function minorLogTicks(range: readonly [number, number], major: readonly number[]): number[] {
  const decades = Math.log10(range[1] / range[0]);
  if (decades < 1 || decades > 6) return [];
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(range[0])); k <= Math.ceil(Math.log10(range[1])); k++) {
    for (let m = 2; m <= 9; m++) {
      const v = m * Math.pow(10, k);
      if (v >= range[0] && v <= range[1] && !major.some((t) => Math.abs(t / v - 1) < 1e-9)) out.push(v);
    }
  }
  return out;
}

/** The spacing of linear ticks; a lone tick takes the step that produced it. */
function tickStep(ticks: readonly number[], range: readonly [number, number]): number {
  return ticks.length >= 2 ? ticks[1] - ticks[0] : niceStep(range[0], range[1], 2);
}

/** As many x ticks as fit with their labels a character apart. */
function xAxisTicks(range: readonly [number, number], span: number): { ticks: number[]; labels: string[] } {
  for (let max = clamp(Math.floor(span / 50), 2, 12); ; max--) {
    const ticks = niceTicks(range[0], range[1], max);
    const labels = formatTicks(ticks, tickStep(ticks, range));
    const widest = Math.max(...labels.map((l) => measureText(l).width));
    const spacing = ticks.length >= 2 ? ((ticks[1] - ticks[0]) / (range[1] - range[0])) * span : Infinity;
    if (spacing >= widest + 2 * CHAR_W || max === 2) return { ticks, labels };
  }
}

function checkRange(where: string, field: string, range: readonly [number, number], log: boolean): [number, number] {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new RangeError(`${where}: ${field} must be finite with min < max, got [${lo}, ${hi}]`);
  }
  if (log && !(lo > 0)) throw new RangeError(`${where}: ${field} on a log axis must be positive, got [${lo}, ${hi}]`);
  return [lo, hi];
}

/** Extent of finite coordinates `axis` over all series, widened by `margin` of its span (in log10 when `log`). */
function dataRange(where: string, series: readonly LineSeries[], axis: 0 | 1, margin: number, log: boolean): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
      lo = Math.min(lo, p[axis]);
      hi = Math.max(hi, p[axis]);
    }
  }
  const field = axis === 0 ? 'xRange' : 'yRange';
  if (lo > hi) throw new RangeError(`${where}: no series has a finite point to derive ${field} from; pass ${field}`);
  if (log) {
    const [a, b] = lo === hi ? [Math.log10(lo) - 0.3, Math.log10(hi) + 0.3] : [Math.log10(lo), Math.log10(hi)];
    return [Math.pow(10, a - margin * (b - a)), Math.pow(10, b + margin * (b - a))];
  }
  if (lo === hi) {
    // A single value: centre it in a window a tenth of its size (or +-1 around zero).
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = margin * (hi - lo);
  return [lo - pad, hi + pad];
}

function strokeRect(bitmap: Bitmap, r: PixelRect, color: Rgb): void {
  const w = r.right - r.left + 1, h = r.bottom - r.top + 1;
  fillRect(bitmap, r.left, r.top, w, 1, color);
  fillRect(bitmap, r.left, r.bottom, w, 1, color);
  fillRect(bitmap, r.left, r.top, 1, h, color);
  fillRect(bitmap, r.right, r.top, 1, h, color);
}

/** A filled disc at (cx, cy), clipped to `clip`. */
function dot(bitmap: Bitmap, cx: number, cy: number, color: Rgb, clip: PixelRect): void {
  const x = Math.round(cx), y = Math.round(cy), r = MARKER_RADIUS;
  for (let dy = -r; dy <= r; dy++) {
    const row = y + dy;
    if (row < clip.top || row > clip.bottom) continue;
    const half = Math.floor(Math.sqrt(r * r + r - dy * dy));
    const x0 = Math.max(clip.left, x - half), x1 = Math.min(clip.right, x + half);
    if (x1 >= x0) fillRect(bitmap, x0, row, x1 - x0 + 1, 1, color);
  }
}

/** Legend box in the inside corner whose area holds the fewest non-background pixels. */
function drawLegend(bitmap: Bitmap, series: readonly LineSeries[], colors: readonly Rgb[], inside: PixelRect): void {
  if (series.every((s) => s.name === '')) return;
  const rowH = CHAR_H + 4, sample = 22, pad = 6, margin = 6;
  const w = pad + sample + pad + Math.max(...series.map((s) => measureText(s.name).width)) + pad;
  const h = pad + series.length * rowH - 4 + pad;
  const corners: Array<[number, number]> = [
    [inside.right - margin - w + 1, inside.top + margin], // top right first: wins ties
    [inside.left + margin, inside.top + margin],
    [inside.right - margin - w + 1, inside.bottom - margin - h + 1],
    [inside.left + margin, inside.bottom - margin - h + 1],
  ];
  let best = corners[0], bestCount = Infinity;
  for (const c of corners) {
    const n = countInk(bitmap, c[0], c[1], w, h);
    if (n < bestCount) [best, bestCount] = [c, n];
  }
  const [x, y] = best;
  fillRect(bitmap, x, y, w, h, WHITE);
  strokeRect(bitmap, { left: x, top: y, right: x + w - 1, bottom: y + h - 1 }, LEGEND_EDGE);
  const box: PixelRect = { left: x + 1, top: y + 1, right: x + w - 2, bottom: y + h - 2 };
  series.forEach((s, i) => {
    const top = y + pad + i * rowH;
    const mid = top + Math.floor(CHAR_H / 2) - 1; // line through the middle of lower-case letters, shifted for the 2 px pen
    const points: Array<[number, number]> = [[x + pad, mid], [x + pad + sample - 1, mid]];
    drawPolyline(bitmap, points, { color: colors[i], width: PEN, dash: s.dashed ? [6, 4] : undefined, clip: box });
    if (s.markers) dot(bitmap, x + pad + sample / 2, mid, colors[i], box);
    drawText(bitmap, x + pad + sample + pad, top, s.name, INK);
  });
}

/** Pixels in the rectangle that are neither white nor grid grey, i.e. data, clipped to the bitmap. */
function countInk(bitmap: Bitmap, x: number, y: number, w: number, h: number): number {
  let n = 0;
  for (let row = Math.max(0, y); row < Math.min(bitmap.height, y + h); row++) {
    for (let col = Math.max(0, x); col < Math.min(bitmap.width, x + w); col++) {
      const k = 3 * (row * bitmap.width + col);
      const v = bitmap.rgb;
      const isWhite = v[k] === 255 && v[k + 1] === 255 && v[k + 2] === 255;
      const isGrid = v[k] === GRID[0] && v[k + 1] === GRID[1] && v[k + 2] === GRID[2];
      if (!isWhite && !isGrid) n++;
    }
  }
  return n;
}

/** `text`, cut to at most `maxPx` pixels long with '...' when it is longer. */
function fit(text: string, maxPx: number, scale = 1): string {
  const chars = Math.floor(maxPx / (CHAR_W * scale));
  return text.length <= chars ? text : `${text.slice(0, Math.max(0, chars - 3))}...`;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
