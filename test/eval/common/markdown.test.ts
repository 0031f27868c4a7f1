import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSource, fmtMeanStd, fmtPct, markdownTable, reportHeader } from '../../../src/eval/common/markdown.js';

test('markdown tables, number formats and the report header', () => {
  assert.equal(markdownTable(['a', 'b'], [['x|y', '1']]), '| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
  assert.throws(() => markdownTable(['a'], [['1', '2']]), /row 0 has 2 cells, expected 1/);
  assert.equal(fmtMeanStd(0.12345, 0.01), '0.123 ± 0.010');
  assert.equal(fmtMeanStd(NaN, 0), '-');
  assert.equal(fmtPct(0.5), '50.0%');
  const head = reportHeader('T', { command: 'c', code: { version: '1', commit: '0123456789abcdef' }, seed: 2, durationS: 90, quick: false, source: { kind: 'checkpoint', dir: 'd' }, configSummary: '' });
  assert.match(head.join('\n'), /# T\n\n`c` — jepa-agent 1, commit 0123456789ab; seed 2; full mode; 1.5 min/);
  assert.match(describeSource({ kind: 'babbling', episodes: 2, frames: 20, steps: 5, seconds: 3 }), /2 episodes, 20 frames, 5 learner steps/);
});
