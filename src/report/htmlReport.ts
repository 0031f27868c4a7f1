import { Marked } from 'marked';
import type { Tokens } from 'marked';
import { stringify } from 'yaml';
import type { RenderedChart } from './renderChart.js';
import { vegaRuntime, vegaVersion } from './vegaRuntime.js';

export interface HtmlReportInput {
  /** The report as markdown (report.md): its text and tables become the page. */
  readonly markdown: string;
  /**
   * Charts by name. Where the markdown shows `plots/<name>.png` the chart appears,
   * interactive; charts the markdown does not show follow at the end.
   */
  readonly charts?: Readonly<Record<string, RenderedChart>>;
  /**
   * PNG bytes by path in the run folder (`frames/x.png`, `images/x.png`): shown inline where
   * the markdown shows that path, or at the end when it does not.
   */
  readonly images?: Readonly<Record<string, Uint8Array>>;
  /** The run's configuration, shown as YAML in a closed section at the end. */
  readonly config?: unknown;
}

/** The attribute a chart's container carries; the page's script sets `data-rendered` on it once Vega drew the chart. */
export const CHART_ATTRIBUTE = 'data-chart';

/**
 * A self-contained HTML page of a run's report: the markdown's text and tables, each chart
 * as its Vega spec drawn by the Vega runtime inlined in the page (tooltips, zoom and pan),
 * with the chart's static SVG in place until then (and for good where scripts are off),
 * pictures as inline PNG data, and the configuration. The page names no URL to fetch: no
 * script, style, font or image comes from elsewhere, and the Vega views get a loader that
 * refuses every load. Raw HTML in the markdown is shown as text.
 */
export function htmlReport(input: HtmlReportInput): string {
  const charts = input.charts ?? {};
  const images = input.images ?? {};
  const usedCharts = new Set<string>();
  const usedImages = new Set<string>();
  let chartCount = 0;
  const chartFigure = (name: string, caption: string): string => {
    usedCharts.add(name);
    // Each SVG numbers its clip paths from 1: give them ids unique in the page.
    const svg = charts[name].svg.replace(/(id="|url\(#)(clip\d+)/g, `$1chart${++chartCount}-$2`);
    return `<figure class="chart"><div ${CHART_ATTRIBUTE}="${escapeHtml(name)}"><div class="static">${svg}</div></div><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  };
  const imageFigure = (path: string, caption: string): string => {
    usedImages.add(path);
    return `<figure class="picture"><img alt="${escapeHtml(caption)}" src="data:image/png;base64,${Buffer.from(images[path]).toString('base64')}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  };
  const marked = new Marked({
    gfm: true,
    renderer: {
      image({ href, text }: Tokens.Image): string {
        const chart = /^plots\/([^/]+)\.(?:png|svg)$/.exec(href)?.[1];
        if (chart !== undefined && Object.hasOwn(charts, chart)) return chartFigure(chart, text);
        if (Object.hasOwn(images, href)) return imageFigure(href, text);
        return `<span class="missing">(${escapeHtml(text || href)}: not drawn in this run)</span>`;
      },
      paragraph({ tokens }: Tokens.Paragraph): string {
        // A paragraph of pictures only becomes a row of figures (a figure may not sit in a <p>).
        const onlyPictures = tokens.every((t) => t.type === 'image' || (t.type === 'text' && t.raw.trim() === '') || t.type === 'br');
        const inner = this.parser.parseInline(tokens);
        return onlyPictures ? `<div class="figures">${inner}</div>\n` : `<p>${inner}</p>\n`;
      },
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
    },
  });
  const body = marked.parse(input.markdown, { async: false });
  const restCharts = Object.keys(charts).filter((n) => !usedCharts.has(n));
  const restImages = Object.keys(images).filter((p) => !usedImages.has(p));
  const rest =
    restCharts.length + restImages.length === 0
      ? ''
      : `<h2>More figures</h2>\n<div class="figures">${restCharts.map((n) => chartFigure(n, `plots/${n}`)).join('')}${restImages.map((p) => imageFigure(p, p)).join('')}</div>\n`;
  const config = input.config === undefined ? '' : `<details class="config"><summary>Configuration</summary><pre><code>${escapeHtml(stringify(input.config, jsonSafe))}</code></pre></details>\n`;
  const specs: Record<string, unknown> = {};
  for (const name of usedCharts) {
    const { $schema: _schema, ...spec } = charts[name].vega as { $schema?: string };
    specs[name] = spec;
  }
  const title = /^#\s+(.+)$/m.exec(input.markdown)?.[1] ?? 'Report';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title.replace(/`/g, ''))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    rest,
    config,
    `<p class="colophon">Self-contained page${usedCharts.size === 0 ? '' : `: charts drawn by Vega ${escapeHtml(vegaVersion())} (inlined); hover a dot or bar for its values, drag or scroll a line chart to pan and zoom, double-click to reset`}.</p>`,
    '</main>',
    `<script type="application/json" id="vega-specs">${jsonForScript(specs)}</script>`,
    `<script>${scriptSafe(vegaRuntime())}</script>`,
    `<script>${BOOT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Draws every chart with the inlined runtime; on success the static SVG goes, on failure it stays and the error is shown. */
const BOOT = `(function () {
  var specs = JSON.parse(document.getElementById('vega-specs').textContent);
  function refuse(what) { return Promise.reject(new Error('this report loads nothing: ' + what)); }
  var offline = { load: refuse, sanitize: refuse, http: refuse, file: refuse };
  document.querySelectorAll('[${CHART_ATTRIBUTE}]').forEach(function (el) {
    var name = el.getAttribute('${CHART_ATTRIBUTE}');
    var live = document.createElement('div');
    live.className = 'live';
    el.appendChild(live);
    try {
      var view = new vega.View(vega.parse(specs[name]), { renderer: 'svg', loader: offline, hover: true });
      view.initialize(live).runAsync().then(function () {
        var stat = el.querySelector('.static');
        if (stat) stat.remove();
        el.setAttribute('data-rendered', 'true');
      }, fail);
    } catch (e) { fail(e); }
    function fail(e) {
      live.remove();
      el.setAttribute('data-error', String(e));
      var p = document.createElement('p');
      p.className = 'missing';
      p.textContent = 'interactive chart failed (' + e + '): static picture shown';
      el.appendChild(p);
    }
  });
})();`;

const STYLE = `
body { margin: 0; background: #fafafa; color: #222; font: 15px/1.5 'DejaVu Sans', system-ui, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; background: #fff; }
h1 { font-size: 1.6em; border-bottom: 2px solid #ddd; padding-bottom: 6px; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #eee; }
code { background: #f2f2f2; padding: 0 3px; border-radius: 3px; font-size: 0.92em; }
pre { background: #f6f6f6; padding: 12px; overflow: auto; font-size: 0.85em; }
table { border-collapse: collapse; margin: 12px 0; font-size: 0.92em; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d0d0; padding: 4px 8px; }
th { background: #f0f0f0; }
tr:nth-child(even) td { background: #fafafa; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; margin: 12px 0; }
figure { margin: 0; }
figure.picture { max-width: 100%; overflow-x: auto; }
figure.picture img { display: block; border: 1px solid #ccc; } /* natural size: frames are rendered large enough to read */
figcaption { font-size: 0.9em; color: #555; margin-top: 4px; max-width: 760px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.missing { color: #a33; font-style: italic; }
details.config summary { cursor: pointer; font-weight: bold; margin-top: 2em; }
.colophon { color: #777; font-size: 0.85em; margin-top: 2em; }
`;

/** NaN and infinities are no YAML numbers a reader expects: write them as null, like report.json. */
function jsonSafe(_key: unknown, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that cannot end its <script> element early. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Script text that cannot end its <script> element early or open an HTML comment there. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
