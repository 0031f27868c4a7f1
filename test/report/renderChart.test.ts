import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { chartFontFiles, lineChart, renderChart } from '../../src/report/index.js';
import type { ChartSpec } from '../../src/report/index.js';
import { readPng, svgTexts } from './fixtures.js';

const spec = lineChart({ title: 'Losses', xLabel: 'step', yLabel: 'loss', series: [{ name: 'total', points: [[0, 2], [1, 1], [2, 0.5]] }] });

test('a chart compiles to a Vega spec with its data inline, an SVG and a PNG at the asked scale', async () => {
  const chart = await renderChart(spec, { pngScale: 1 });
  assert.equal((chart.vega as { $schema?: string }).$schema, 'https://vega.github.io/schema/vega/v6.json');
  const data = (chart.vega.data ?? []) as Array<{ url?: unknown; values?: unknown[] }>;
  assert.ok(data.some((d) => Array.isArray(d.values) && d.values.length === 3), 'the points travel in the spec');
  assert.ok(data.every((d) => d.url === undefined), 'nothing to load');
  assert.ok(svgTexts(chart.svg).includes('Losses'));
  const png = readPng(chart.png);
  assert.deepEqual([png.width, png.height], [chart.width, chart.height]);
  assert.ok(chart.width > 560 && chart.height > 300, `${chart.width} x ${chart.height}: plot plus axes, title and legend`);
});

test('the PNG font comes from the dejavu-fonts-ttf package', () => {
  const files = chartFontFiles();
  assert.deepEqual(files.map((f) => f.split('/').at(-1)), ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']);
  files.forEach((f) => assert.ok(existsSync(f), f));
});

test('a spec that loads its data from a URL is refused, naming the chart', async () => {
  const remote = { title: 'Remote', data: { url: 'https://example.invalid/data.csv' }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } } as ChartSpec;
  await assert.rejects(renderChart(remote), /renderChart\(Remote\): charts carry their data/);
});

test('a spec Vega-Lite cannot compile is an error naming the chart', async () => {
  const bad = { title: 'Broken', data: { values: [] }, layer: 3 } as unknown as ChartSpec;
  await assert.rejects(renderChart(bad), /renderChart\(Broken\): Vega-Lite could not compile the spec/);
});
