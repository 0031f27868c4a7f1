import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { checkReportHtml, findChromium, reportHtmlProblems } from '../../bench/reportHtml.js';
import { writeRunFolder } from '../../src/eval/common/runFolder.js';
import { groupedBarChart, lineChart } from '../../src/report/index.js';

const chromium = findChromium();
const skip = chromium === undefined ? 'no Chromium found (set CHROMIUM_PATH, or apt-get install chromium): report.html not opened in a browser' : false;

/** A run folder like an experiment's: two charts, a frame, the config. */
async function runFolder(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  const frame = { width: 8, height: 4, rgb: Uint8Array.from({ length: 8 * 4 * 3 }, (_, i) => (i * 37) % 256) };
  await writeRunFolder(dir, {
    json: { config: { seed: 1 } },
    markdown: '# Check\n\n![success](plots/success.png)\n![arms](plots/arms.png)\n\n![goal (left), achieved (right)](frames/reach_train.png)\n',
    charts: {
      success: lineChart({ title: 'Success', xLabel: 'minutes', yLabel: 'rate', yRange: [0, 1], series: [{ name: 'reach', markers: true, points: [[0, 0.1], [1, 0.6]] }, { name: 'random', dashed: true, points: [[0, 0.1], [1, 0.1]] }] }),
      arms: groupedBarChart({ title: 'Arms', yLabel: 'rate', groups: ['full', 'passive'], series: [{ name: 'reach', values: [0.6, 0.2], errors: [0.1, 0.1] }], references: [{ name: 'chance', value: 0.25 }] }),
    },
    frames: { reach_train: frame },
  });
  return dir;
}

test('report.html opens offline in headless Chromium: every chart drawn by the inlined Vega, the frame decoded, no request made', { skip, timeout: 120_000 }, async () => {
  const dir = await runFolder();
  const screenshot = join(dir, 'screenshot.png');
  const check = await checkReportHtml(join(dir, 'report.html'), { executablePath: chromium, screenshot });
  assert.deepEqual(reportHtmlProblems(check), []);
  assert.equal(check.charts, 2);
  assert.equal(check.rendered, 2);
  assert.equal(check.pictures, 1);
  assert.deepEqual(check.requests, []);
  check.chartPixels.forEach((n, i) => assert.ok(n > 1000, `chart ${i + 1}: ${n} coloured pixels`));
  assert.ok(existsSync(screenshot));
  const shot = PNG.sync.read(readFileSync(screenshot));
  assert.ok(shot.width >= 1280 && shot.height >= 900, `full page ${shot.width} x ${shot.height}`);
});

test('the check is not blind: a page that fetches is caught, and its requests are refused', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(
    file,
    '<!DOCTYPE html><html><body><div data-chart="x" data-error="no runtime"></div><img src="http://127.0.0.1:9/a.png"><script>fetch("https://example.invalid/b.json").catch(function () {});</script></body></html>',
  );
  const check = await checkReportHtml(file, { executablePath: chromium });
  assert.deepEqual([...check.requests].sort(), ['http://127.0.0.1:9/a.png', 'https://example.invalid/b.json']);
  assert.equal(check.rendered, 0);
  assert.equal(check.brokenPictures, 1);
  const problems = reportHtmlProblems(check);
  assert.ok(problems.includes('the page tried to load http://127.0.0.1:9/a.png'), problems.join('\n'));
  assert.ok(problems.includes('chart x: no runtime'), problems.join('\n'));
});
