import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transferMarkdown, transferPlots, transferSummary } from '../../../src/eval/transfer/index.js';
import type { TransferCell, TransferReport } from '../../../src/eval/transfer/index.js';
import { renderChart } from '../../../src/report/index.js';

function report(): TransferReport {
  const cell = (seed: number, split: TransferCell['split'], trained: number, adapted: number): TransferCell => ({
    seed, task: 'reach', split, trained, adapted, trainedDistance: 0.2, adaptedDistance: 0.1, random: 0, adaptLearnerSteps: 30,
  });
  const cells = [cell(1, 'train', 0.5, 0.5), cell(2, 'train', 1, 1), cell(1, 'unseen_all', 0, 0.5), cell(2, 'unseen_all', 0, 0)];
  const splits = ['train', 'unseen_all'] as const;
  return {
    experiment: 'transfer',
    seeds: [1, 2],
    tasks: ['reach'],
    splits: [...splits],
    budget: { steps: 400 },
    adaptBudget: { steps: 80 },
    evalEpisodes: 2,
    trainStepsPerEpisode: 10,
    trainLearnerSteps: { 1: 100, 2: 100 },
    cells,
    summary: transferSummary(cells, ['reach'], splits),
    durationS: 60,
  };
}

test('the markdown has a table per task with a row per split (mean ± std), and every seed', () => {
  const md = transferMarkdown(report(), { command: 'jepa-agent eval transfer', code: { version: '1.0.0' }, quick: false, configSummary: 'CFG' });
  assert.match(md, /## reach/);
  assert.match(md, /\| train \| 0 ± 0% \| 75 ± 35% \| 75 ± 35% \| 0 ± 0% \| 0\.200 ± 0\.000 \| 0\.100 ± 0\.000 \|/);
  assert.match(md, /\| unseen_all \| 0 ± 0% \| 0 ± 0% \| 25 ± 35% \| 25 ± 35% \|/);
  assert.match(md, /400 practice steps/);
  assert.match(md, /80 practice steps/);
  assert.match(md, /full mode/);
  assert.equal(md.match(/^\| [12] \| reach \|/gm)?.length, 4);
});

test('one plot per task: a group per split, random, trained and adapted bars', async () => {
  const plots = transferPlots(report());
  assert.deepEqual(Object.keys(plots), ['reach']);
  const { svg } = await renderChart(plots.reach);
  const texts = [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const t of ['reach: success by split', 'train', 'unseen_all', 'random actions', 'after training on train', 'after adaptation on the split']) assert.ok(texts.includes(t), `${t} in ${texts.join(' | ')}`);
});
