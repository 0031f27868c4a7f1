import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

/** What headless Chromium made of a report.html opened from disk with no network. */
export interface ReportHtmlCheck {
  readonly file: string;
  /** The Chromium binary and the version it states. */
  readonly chromium: string;
  /** Chart containers in the page. */
  readonly charts: number;
  /** Charts the inlined Vega runtime drew (marks in their live SVG). */
  readonly rendered: number;
  /** Charts whose drawing failed, with Vega's error. */
  readonly failed: ReadonlyArray<{ readonly chart: string; readonly error: string }>;
  /** Coloured (not grey) pixels in each chart's screenshot, in page order: a drawn chart has thousands. */
  readonly chartPixels: readonly number[];
  /** Pictures (frames) in the page that decoded, and those that did not. */
  readonly pictures: number;
  readonly brokenPictures: number;
  /** Every URL the page tried to load besides itself and data: URLs; each was refused. Must be empty. */
  readonly requests: readonly string[];
  /** Uncaught errors and console errors of the page. */
  readonly errors: readonly string[];
  /** Where the full-page screenshot went, when one was asked for. */
  readonly screenshot?: string;
}

export interface ReportHtmlOptions {
  /** Chromium or Chrome binary; default `findChromium()`. */
  readonly executablePath?: string;
  /** Write a full-page PNG screenshot here. */
  readonly screenshot?: string;
  /** How long the charts may take to draw; default 60 s. */
  readonly timeoutMs?: number;
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** $CHROMIUM_PATH, else the first Debian/Ubuntu/Chrome binary found; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : CANDIDATES;
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Opens `file` (a report.html) in headless Chromium, offline, with every request other than
 * the file itself and data: URLs recorded and refused; waits until each chart container says
 * it was drawn or failed; counts the charts drawn, the pictures decoded, the coloured pixels of
 * each chart's screenshot; collects page errors. Needs `playwright-core` (a dev dependency)
 * and a Chromium binary; it never downloads a browser.
 */
export async function checkReportHtml(file: string, options: ReportHtmlOptions = {}): Promise<ReportHtmlCheck> {
  const executablePath = options.executablePath ?? findChromium();
  if (executablePath === undefined) throw new Error(`checkReportHtml: no Chromium found (tried ${CANDIDATES.join(', ')}; set CHROMIUM_PATH or apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const url = pathToFileURL(resolve(file)).href;
  const browser = await chromium.launch({ executablePath, args: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
  try {
    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const requests = new Set<string>();
    await context.route('**/*', async (route) => {
      const target = route.request().url();
      if (target === url) return route.continue();
      requests.add(target);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      const target = r.url();
      if (target !== url && !target.startsWith('data:')) requests.add(target);
    });
    await page.goto(url, { waitUntil: 'load' });
    // Page code as strings: this file is compiled without the DOM's types.
    await page.waitForFunction("[...document.querySelectorAll('[data-chart]')].every((el) => el.hasAttribute('data-rendered') || el.hasAttribute('data-error'))", undefined, {
      timeout: options.timeoutMs ?? 60_000,
    });
    const state = (await page.evaluate(`({
      charts: [...document.querySelectorAll('[data-chart]')].map((el) => ({
        name: el.getAttribute('data-chart') ?? '',
        rendered: el.getAttribute('data-rendered') === 'true' && el.querySelectorAll('.live svg .role-mark').length > 0,
        error: el.getAttribute('data-error'),
      })),
      pictures: [...document.images].map((img) => img.complete && img.naturalWidth > 0),
    })`)) as { charts: Array<{ name: string; rendered: boolean; error: string | null }>; pictures: boolean[] };
    const chartPixels: number[] = [];
    for (const el of await page.locator('[data-chart]').all()) {
      const box = await el.boundingBox();
      chartPixels.push(box === null || box.width < 1 || box.height < 1 ? 0 : colouredPixels(await el.screenshot({ timeout: 10_000 })));
    }
    if (options.screenshot !== undefined) await page.screenshot({ path: options.screenshot, fullPage: true });
    return {
      file: resolve(file),
      chromium: `${executablePath} (${browser.version()})`,
      charts: state.charts.length,
      rendered: state.charts.filter((c) => c.rendered).length,
      failed: state.charts.filter((c) => c.error !== null).map((c) => ({ chart: c.name, error: c.error ?? '' })),
      chartPixels,
      pictures: state.pictures.filter(Boolean).length,
      brokenPictures: state.pictures.filter((ok) => !ok).length,
      requests: [...requests],
      errors,
      ...(options.screenshot === undefined ? {} : { screenshot: resolve(options.screenshot) }),
    };
  } finally {
    await browser.close();
  }
}

/** The problems of a check, in words; empty when every chart drew, every picture decoded and nothing was fetched. */
export function reportHtmlProblems(check: ReportHtmlCheck): string[] {
  return [
    ...(check.rendered < check.charts ? [`${check.charts - check.rendered} of ${check.charts} charts not drawn`] : []),
    ...check.failed.map((f) => `chart ${f.chart}: ${f.error}`),
    ...check.chartPixels.flatMap((n, i) => (n < 200 ? [`chart ${i + 1} shows only ${n} coloured pixels`] : [])),
    ...(check.brokenPictures > 0 ? [`${check.brokenPictures} pictures did not decode`] : []),
    ...check.requests.map((r) => `the page tried to load ${r}`),
    ...check.errors,
  ];
}

/** Pixels whose channels differ by more than 40 (not white, grey or black): the charts' colours. */
function colouredPixels(png: Buffer): number {
  const { data } = PNG.sync.read(png);
  let n = 0;
  for (let k = 0; k < data.length; k += 4) {
    if (Math.max(data[k], data[k + 1], data[k + 2]) - Math.min(data[k], data[k + 1], data[k + 2]) > 40) n++;
  }
  return n;
}
