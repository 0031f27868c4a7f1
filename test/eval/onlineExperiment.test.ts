import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { applyOverrides, parseConfig } from '../../src/core/config/Config.js';
import type { Config } from '../../src/core/config/Config.js';
import { experimentMarkdown } from '../../src/eval/experimentReport.js';
import type { InteractionStats } from '../../src/eval/objectInteraction.js';
import { runOnlineExperiment } from '../../src/eval/onlineExperiment.js';
import type { ExperimentReport } from '../../src/eval/onlineExperiment.js';
import { inlineLearner } from '../../src/eval/onlineLearners.js';
import { InlineLearner } from '../../src/learn/InlineLearner.js';
import { loadCheckpoint } from '../../src/model/checkpoint.js';
import { WorldModel } from '../../src/model/worldModel.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import type { TaskName } from '../../src/core/config/simConfig.js';
import { silentLogger } from '../../src/core/Logger.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../backend.js';

/** A tiny but complete run: small images, few points, small model, a short budget. */
const config: Readonly<Config> = parseConfig(
  // The experiments' quick world (16 px images, 64 points, 16-d latent, small planner).
  applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'seed=5']),
);

async function run(options: { resumeFrom?: string; checkpointTo?: string; tasks?: TaskName[] } = {}): Promise<{ report: ExperimentReport; stepsAtStart: number }> {
  await useTestBackend();
  const env = await SimEnv.create(config.sim);
  const model = options.resumeFrom ? await loadCheckpoint(options.resumeFrom) : new WorldModel(config.model, { seed: config.seed });
  const learner = await InlineLearner.create(config, options.resumeFrom ? { resumeFrom: options.resumeFrom } : {});
  const stepsAtStart = learner.steps;
  try {
    const report = await runOnlineExperiment(
      env,
      model,
      inlineLearner(learner, model, 3),
      config,
      { tasks: options.tasks ?? ['reach'], evalSplits: ['train'], budgetMinutes: 10, budgetSteps: 48, evalEvery: 2, evalEpisodes: 1, finalEvalEpisodes: 2, runDir: mkdtempSync(join(tmpdir(), 'jepa-run-')) },
      silentLogger,
    );
    if (options.checkpointTo) await learner.saveCheckpoint(options.checkpointTo);
    return { report, stepsAtStart };
  } finally {
    await learner.close({ checkpoint: false });
    model.dispose();
    env.close();
  }
}

/** What must repeat exactly for a seed (timings excluded). */
const outcome = (r: ExperimentReport) => ({
  practiceEpisodes: r.practiceEpisodes,
  envSteps: r.envSteps,
  evaluations: r.evaluations.map((e) => ({ ...e, elapsedS: 0 })),
  losses: r.losses.map((l) => ({ ...l, elapsedS: 0 })),
  practiceSuccess: r.practiceSuccess.map((p) => ({ ...p, elapsedS: 0 })),
  practiceInteraction: r.practiceInteraction,
  baseline: r.baseline,
  finalBaselines: r.finalBaselines,
});

test('a short seeded run practises, learns, evaluates, reports the agent beside the baselines, and is reproducible; no tensors leak', async () => {
  await useTestBackend();
  const tensorsBefore = tf.memory().numTensors;
  const a = await run({ tasks: ['reach', 'push'] });
  const tensorsAfter = tf.memory().numTensors;
  assert.equal(tensorsAfter, tensorsBefore, 'every tensor of the run was freed');
  assert.ok(a.report.practiceEpisodes >= 4, `practice episodes ${a.report.practiceEpisodes}`);
  assert.ok(a.report.envSteps >= 48);
  assert.ok(a.report.evaluations.length >= 2, 'periodic and final evaluations');
  assert.deepEqual(a.report.evaluations.map((e) => e.cells[0].episodes), [...Array<number>(a.report.evaluations.length - 1).fill(1), 2], 'the final round runs finalEvalEpisodes');
  assert.ok(a.report.losses.length > 0 && a.report.losses.at(-1)!.step > 0, 'the learner trained');
  assert.deepEqual(a.report.baseline.map((c) => `${c.task}/${c.controller}`), ['reach/random', 'push/random']);
  // After the final round, on its seeds: scripted-subgoals (push only) with the run's model, and the true-state ceiling.
  assert.deepEqual(a.report.finalBaselines.map((c) => `${c.task}/${c.controller}/${c.episodes}`), ['reach/scripted/2', 'push/scripted-subgoals/2', 'push/scripted/2']);
  a.report.finalBaselines.forEach((c) => assert.ok(c.successRate >= 0 && c.successRate <= 1));
  assert.ok(a.report.loop.ticks > 0);
  assert.deepEqual(a.report.frames.map((f) => f.name), ['reach_train', 'reach_sequence', 'push_train', 'push_sequence']);
  for (const f of a.report.frames) assert.ok(f.image.height >= 256 && f.image.width >= 2 * 256, `${f.name}: ${f.image.width}x${f.image.height}, rendered large for a person`);
  // One table: the learned agent beside the three baselines.
  const markdown = experimentMarkdown(a.report, { command: 'jepa-agent sim', version: 'test', configSummary: '' });
  for (const picture of ['![reach / train: goal (left), achieved (right)](frames/reach_train.png)', '![push / train: goal (left), achieved (right)](frames/push_train.png)', '](frames/reach_sequence.png)', '](frames/push_sequence.png)']) {
    assert.ok(markdown.includes(picture), `the report shows ${picture}`);
  }
  assert.match(markdown, /\| task \| split \| learned agent \| random \(baseline\) \| scripted-subgoals \(baseline\) \| true-state scripted \(ceiling\) \| episodes \|/);
  const pct = '\\d+%';
  assert.match(markdown, new RegExp(`\\| push \\| train \\| ${pct} \\| ${pct} \\| ${pct} \\| ${pct} \\| 2 \\|`), 'push: all four controllers');
  assert.match(markdown, new RegExp(`\\| reach \\| train \\| ${pct} \\| ${pct} \\| - \\| ${pct} \\| 2 \\|`), 'reach: scripted-subgoals does not apply');
  // Interaction: every practice and evaluation tick is counted, shares and displacements are sane.
  const practice = a.report.practiceInteraction;
  assert.deepEqual(practice.map((p) => p.task), ['reach', 'push']);
  const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);
  assert.equal(sum(practice, (p) => p.episodes), a.report.practiceEpisodes);
  const finalCell = a.report.evaluations.at(-1)!.cells[0];
  assert.equal(
    sum(practice, (p) => p.ticks) + sum(a.report.evaluations, (e) => sum(e.cells, (c) => c.interaction.ticks)),
    a.report.envSteps,
    'every step measured once',
  );
  assert.equal(finalCell.interaction.episodes, 2);
  assert.equal(sum(a.report.evaluations, (e) => sum(e.practiceInteraction, (p) => p.episodes)), a.report.practiceEpisodes, 'the per-interval series covers every practice episode once');
  for (const s of [...practice, finalCell.interaction, a.report.baseline[0].interaction]) {
    assert.ok(s.contactShare >= 0 && s.contactShare <= 1 && s.meanDisplacementCm >= 0, JSON.stringify(s));
  }
  const row = (split: string, controller: string, s: InteractionStats): string =>
    `| reach | ${split} | ${controller} | ${s.episodes} | ${(100 * s.contactShare).toFixed(1)}% | ${s.meanDisplacementCm.toFixed(1)} | ${(100 * s.movedShare).toFixed(0)}% (${s.movedEpisodes}/${s.episodes}) |`;
  assert.match(markdown, /## Interaction\n/);
  assert.ok(markdown.includes('| task | split | controller | episodes | contact share of ticks | mean object displacement (cm) | episodes moving the object > 1 cm |'), markdown);
  assert.ok(markdown.includes(row('practice', 'agent', practice[0])), markdown);
  assert.ok(markdown.includes(row('train', 'agent', finalCell.interaction)), markdown);
  assert.ok(markdown.includes(row('train', 'random actions', a.report.baseline[0].interaction)), markdown);
  const b = await run({ tasks: ['reach', 'push'] });
  assert.deepEqual(outcome(b.report), outcome(a.report));
});

test('a run resumed from a checkpoint continues the learner where it stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jepa-ckpt-'));
  const first = await run({ checkpointTo: dir });
  const stepsDone = first.report.losses.at(-1)!.step;
  const second = await run({ resumeFrom: dir });
  assert.equal(second.stepsAtStart, stepsDone, 'the step count continues');
  assert.ok(second.report.losses[0].step > stepsDone);
});
