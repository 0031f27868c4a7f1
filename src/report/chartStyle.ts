import type { Config } from 'vega-lite';

/** Okabe-Ito colours (distinguishable with colour-blindness), ordered for a white background; yellow last. */
export const CHART_COLORS: readonly string[] = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#000000', '#f0e442'];

/** Grey for references that are not results (chance, random actions). */
export const REFERENCE_GREY = '#8c8c8c';

/** The font every chart names; the PNG renderer loads it from the package `dejavu-fonts-ttf`, browsers fall back to sans-serif. */
export const CHART_FONT = 'DejaVu Sans';

/** [on, off] pixels of a dashed line. */
export const DASH: readonly [number, number] = [6, 4];

/**
 * The Vega-Lite config every chart shares: white ground, one font, legends outside the plot
 * (below it, so they never cover data), no label truncation (headless rendering only
 * estimates text widths, and a cut label is worse than a wide chart).
 */
export const CHART_CONFIG: Config = {
  background: 'white',
  padding: 8,
  font: `${CHART_FONT}, sans-serif`,
  title: { fontSize: 15, anchor: 'middle', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleLimit: 0, gridColor: '#e4e4e4' },
  legend: { orient: 'bottom', direction: 'horizontal', labelFontSize: 11, labelLimit: 0, symbolStrokeWidth: 2, columnPadding: 14, rowPadding: 4, titleLimit: 0 },
  view: { stroke: '#444444' },
};

/** A legend's columns: all in one row up to four entries, else rows of three. */
export function legendColumns(entries: number): number {
  return entries <= 4 ? entries : 3;
}
