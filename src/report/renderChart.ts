import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import type { LoggerInterface, Spec as VegaSpec } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT } from './chartStyle.js';

/** A pixel rectangle in the chart's own coordinates (x right, y down). */
export interface ChartBounds {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface RenderedChart {
  /** The Vega spec compiled from the Vega-Lite one: what a browser runs. */
  readonly vega: VegaSpec;
  /** SVG text, 1 unit = 1 CSS pixel. */
  readonly svg: string;
  /** PNG bytes of the SVG at `pngScale` x its size, text in the bundled DejaVu Sans. */
  readonly png: Buffer;
  /** Size of the SVG in CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** Where the plot area and each legend landed, in SVG units (for layout checks). */
  readonly layout: { readonly plot: ChartBounds; readonly legends: readonly ChartBounds[] };
}

export interface RenderOptions {
  /** PNG pixels per SVG unit; default 2 (sharp on high-density screens and when zoomed). */
  readonly pngScale?: number;
}

/**
 * Renders a Vega-Lite spec headless: compiled by vega-lite, laid out and drawn to SVG by a
 * Vega view without a renderer (text widths estimated, no canvas needed), then rasterised by
 * resvg with the DejaVu fonts of the `dejavu-fonts-ttf` package only, so the PNG is the same on
 * every machine whatever fonts it has. A spec that loads data from a URL is refused: a
 * report's chart carries its data.
 */
export async function renderChart(spec: TopLevelSpec, options: RenderOptions = {}): Promise<RenderedChart> {
  const title = typeof spec.title === 'string' ? spec.title : JSON.stringify(spec.title ?? '');
  let vega: VegaSpec;
  try {
    vega = compile(spec).spec;
  } catch (cause) {
    throw new Error(`renderChart(${title}): Vega-Lite could not compile the spec: ${(cause as Error).message}`, { cause });
  }
  const remote = (vega.data ?? []).find((d) => 'url' in d);
  if (remote !== undefined) throw new Error(`renderChart(${title}): charts carry their data; data set '${remote.name}' names a URL to load`);
  const errors: string[] = [];
  const view = new View(parse(vega), { renderer: 'none', loader: offlineLoader(title), logger: errorCollector(errors) });
  try {
    const svg = numberClipPaths(await view.toSVG());
    if (errors.length > 0) throw new Error(`renderChart(${title}): Vega failed to draw the chart: ${errors.join('; ')}`);
    const layout = layoutOf(view);
    const scale = options.pngScale ?? 2;
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
    })
      .render()
      .asPng();
    return { vega, svg, png, width: svgSize(svg, 'width'), height: svgSize(svg, 'height'), layout };
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers clip paths with a counter global to the process: number them from 1 in each
 * SVG, so that a chart renders to the same bytes whenever it is drawn.
 */
function numberClipPaths(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/(id="|url\(#)(clip\d+)/g, (_m, prefix: string, id: string) => {
    if (!ids.has(id)) ids.set(id, `clip${ids.size + 1}`);
    return `${prefix}${ids.get(id)}`;
  });
}

/** A Vega logger that keeps the errors (a failed data load, a bad expression) for the caller to raise. */
function errorCollector(errors: string[]): LoggerInterface {
  let level = 0;
  const logger: LoggerInterface = {
    level: (l?: number) => {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: readonly unknown[]) => {
      errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
      return logger;
    },
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  } as LoggerInterface;
  return logger;
}

/** A Vega loader that loads nothing: charts carry their data inline. */
function offlineLoader(title: string): { load: () => Promise<never>; sanitize: () => Promise<never>; http: () => Promise<never>; file: () => Promise<never> } {
  const refuse = (): Promise<never> => Promise.reject(new Error(`renderChart(${title}): charts carry their data; a URL to load was given`));
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

let fontFiles: string[] | undefined;

/** DejaVu Sans regular and bold from the `dejavu-fonts-ttf` package. */
export function chartFontFiles(): string[] {
  if (fontFiles === undefined) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
  }
  return fontFiles;
}

interface SceneMark {
  readonly role?: string;
  readonly items: ReadonlyArray<{ readonly bounds: ChartBounds; readonly items?: readonly SceneMark[] }>;
}

/** The plot area and the legends in SVG units, from the view's scenegraph. */
function layoutOf(view: View): RenderedChart['layout'] {
  // SVG coordinates of the top group: the view's origin inside its padding.
  const pad = view.padding() as number | { left?: number; top?: number };
  const ox = view.origin()[0] + (typeof pad === 'number' ? pad : (pad.left ?? 0));
  const oy = view.origin()[1] + (typeof pad === 'number' ? pad : (pad.top ?? 0));
  const top = (view.scenegraph() as unknown as { root: SceneMark }).root.items[0];
  const legends = (top.items ?? [])
    .filter((m) => m.role === 'legend')
    .flatMap((m) => m.items.map((it) => ({ x1: it.bounds.x1 + ox, y1: it.bounds.y1 + oy, x2: it.bounds.x2 + ox, y2: it.bounds.y2 + oy })));
  return { plot: { x1: ox, y1: oy, x2: ox + view.width(), y2: oy + view.height() }, legends };
}

function svgSize(svg: string, attribute: 'width' | 'height'): number {
  const m = new RegExp(`<svg[^>]*\\s${attribute}="([\\d.]+)"`).exec(svg);
  return m ? Number(m[1]) : NaN;
}
