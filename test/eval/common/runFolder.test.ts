import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { lineChart } from '../../../src/report/index.js';
import { codeVersion, newExperimentDir, writeRunFolder } from '../../../src/eval/common/runFolder.js';

test('a run folder holds report.json (NaN as null), report.md, each chart as SVG and PNG, images, frames and report.html', async () => {
  const dir = newExperimentDir(mkdtempSync(join(tmpdir(), 'eval-runs-')), 'probe');
  assert.match(basename(dir), /^\d{4}-\d\d-\d\dT.*-probe$/);
  const bitmap = { width: 1, height: 1, rgb: Uint8Array.from([1, 2, 3]) };
  const chart = lineChart({ title: 'Accuracy', xLabel: 'labels', yLabel: 'accuracy', series: [{ name: 'trained', points: [[1, 0.5], [5, 0.8]] }] });
  const files = await writeRunFolder(dir, {
    json: { a: NaN, b: Float32Array.from([1.5]), config: { seed: 7 } },
    markdown: '# r\n\n![accuracy](plots/p.png)\n',
    charts: { p: chart },
    images: { i: bitmap },
    frames: { f: bitmap },
  });
  assert.deepEqual(
    files.map((f) => relative(dir, f)).sort(),
    ['frames/f.png', 'images/i.png', 'plots/p.png', 'plots/p.svg', 'report.html', 'report.json', 'report.md'],
  );
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), { a: null, b: [1.5], config: { seed: 7 } });
  assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), '# r\n\n![accuracy](plots/p.png)\n');
  assert.match(readFileSync(join(dir, 'plots', 'p.svg'), 'utf8'), /^<svg[^>]*>.*>Accuracy<\/text>/s);
  assert.deepEqual([...readFileSync(join(dir, 'plots', 'p.png')).subarray(1, 4)], [...Buffer.from('PNG')]);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /data-chart="p"/, 'the chart is in the page');
  assert.match(html, /<summary>Configuration<\/summary><pre><code>seed: 7\n/, 'the configuration comes from report.json');
  assert.match(html, /<img alt="frames\/f.png" src="data:image\/png;base64,/, 'a frame the markdown does not show follows at the end');
});

test('the code version reads package.json and the commit from .git files', () => {
  const root = mkdtempSync(join(tmpdir(), 'eval-version-'));
  writeFileSync(join(root, 'package.json'), '{"version":"1.2.3"}');
  assert.deepEqual(codeVersion(root), { version: '1.2.3' });
  mkdirSync(join(root, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(root, '.git', 'refs', 'heads', 'main'), `${'a'.repeat(40)}\n`);
  assert.deepEqual(codeVersion(root), { version: '1.2.3', commit: 'a'.repeat(40) });
  assert.match(codeVersion().version, /^\d+\.\d+\.\d+/);
});
