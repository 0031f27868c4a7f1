import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { encodePng } from '../../src/viz/index.js';
import { CHART_ATTRIBUTE, groupedBarChart, htmlReport, lineChart, renderChart, vegaRuntime } from '../../src/report/index.js';
import type { RenderedChart } from '../../src/report/index.js';

const markdown = [
  '# Online learning `sim`',
  '',
  '| task | success |',
  '| --- | ---: |',
  '| reach | 50% |',
  '',
  '![success](plots/success.png)',
  '![losses](plots/losses.png)',
  '',
  'Raw markup stays text: <script>alert(1)</script>',
  '',
  '## Frames',
  '',
  '![reach / train: goal (left), achieved (right)](frames/reach_train.png)',
  '',
].join('\n');

const frame = encodePng(2, 1, Uint8Array.from([255, 0, 0, 0, 0, 255]), 3);
const extra = encodePng(1, 1, Uint8Array.from([0, 255, 0]), 3);
let charts: Record<string, RenderedChart>;
let html: string;

before(async () => {
  charts = {
    success: await renderChart(lineChart({ title: 'Evaluation success rate', xLabel: 'minutes', yLabel: 'success rate', yRange: [0, 1], series: [{ name: 'reach / train', markers: true, points: [[0, 0], [1, 0.5]] }] })),
    arms: await renderChart(groupedBarChart({ title: 'By arm', yLabel: 'rate', groups: ['full', 'passive'], series: [{ name: 'reach', values: [0.5, 0.2] }] })),
  };
  html = htmlReport({ markdown, charts, images: { 'frames/reach_train.png': frame, 'images/extra.png': extra }, config: { seed: 3, sim: { task: 'reach' }, bad: Number.NaN } });
});

/** Every JSON object key in `value`, deeply. */
const keysOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap(keysOf) : value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];

test('the page inlines the Vega runtime and fetches nothing: no script, style or image from a URL, no data URL in the specs', () => {
  assert.ok(html.includes(vegaRuntime()), 'the whole Vega runtime is in the page');
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i, 'no external script');
  assert.doesNotMatch(html, /<link\b/i, 'no external stylesheet or font');
  assert.doesNotMatch(html, /@import|url\(\s*['"]?(?:https?:)?\/\//i, 'no CSS import or remote url()');
  for (const m of html.matchAll(/\s(?:src|href|srcset|poster|data)="([^"]*)"/gi)) assert.match(m[1], /^(?:data:image\/png;base64,|#)/, `attribute value ${m[1].slice(0, 60)}`);
  const specs = JSON.parse(/<script type="application\/json" id="vega-specs">([^<]*)<\/script>/.exec(html)![1]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(specs).sort(), ['arms', 'success']);
  const keys = keysOf(specs);
  assert.ok(!keys.includes('url') && !keys.includes('$schema'), 'the specs carry their data and name no URL');
});

test('charts sit where the markdown shows them, with their static SVG until the runtime draws them; the rest follow at the end', () => {
  const containers = [...html.matchAll(new RegExp(`${CHART_ATTRIBUTE}="([^"]+)"`, 'g'))].map((m) => m[1]);
  assert.deepEqual(containers, ['success', 'arms']);
  assert.ok(html.indexOf(`${CHART_ATTRIBUTE}="success"`) < html.indexOf('<h2>Frames</h2>'), 'the success chart is in the text, before Frames');
  assert.ok(html.indexOf('<h2>More figures</h2>') < html.indexOf(`${CHART_ATTRIBUTE}="arms"`), 'the unreferenced chart follows at the end');
  assert.equal(html.match(/<svg\b/g)?.length, 2, 'one static SVG per chart');
  assert.match(html, /\(losses: not drawn in this run\)/);
  const page = html.slice(0, html.indexOf('<script')); // the document, without the runtime's code
  const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, `ids are unique in the page: ${ids.join(', ')}`);
  for (const ref of page.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref[1]), `clip path ${ref[1]} exists`);
});

test('tables, pictures as inline PNG, the configuration as YAML; raw HTML is escaped', () => {
  assert.match(html, /<title>Online learning sim<\/title>/);
  assert.match(html, /<table>\s*<thead>\s*<tr>\s*<th>task<\/th>/);
  assert.match(html, /<td align="right">50%<\/td>/);
  const frameData = /<img alt="reach \/ train: goal \(left\), achieved \(right\)" src="data:image\/png;base64,([^"]+)">/.exec(html);
  assert.ok(frameData, 'the frame is inline where the markdown shows it');
  assert.deepEqual(Buffer.from(frameData[1], 'base64'), frame);
  assert.match(html, /<img alt="images\/extra.png" src="data:image\/png;base64,/);
  assert.match(html, /<details class="config"><summary>Configuration<\/summary><pre><code>seed: 3\nsim:\n {2}task: reach\nbad: null\n/);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.match(html, /charts drawn by Vega 6\.\d+\.\d+ \(inlined\)/);
  assert.ok(!html.includes('<script>alert(1)'));
});

test('a report without charts, pictures or config is still a page with the runtime', () => {
  const page = htmlReport({ markdown: '# Bags\n\nplain text\n' });
  assert.match(page, /<title>Bags<\/title>/);
  assert.match(page, /<p>plain text<\/p>/);
  assert.doesNotMatch(page, /More figures|Configuration|charts drawn by Vega/);
  assert.match(page, /<p class="colophon">Self-contained page.<\/p>/);
});
