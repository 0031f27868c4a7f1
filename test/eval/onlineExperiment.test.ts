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
import { initBackend } from '../../src/model/engine/initBackend.js';
import { WorldModel } from '../../src/model/worldModel.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { silentLogger } from '../../src/core/Logger.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';

/** A tiny but complete run: small images, few points, small model, a short budget. */
const config: Readonly<Config> = parseConfig(
  // The experiments' quick world (16 px images, 64 points, 16-d latent, small planner).
  applyOverrides({}, [...QUICK_OVERRIDES, 'seed=5']),
);

async function run(options: { resumeFrom?: string; checkpointTo?: string } = {}): Promise<{ report: ExperimentReport; stepsAtStart: number }> {
  await initBackend({ backend: 'wasm' });
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
      { tasks: ['reach'], evalSplits: ['train'], budgetMinutes: 10, budgetSteps: 48, evalEvery: 2, evalEpisodes: 1, finalEvalEpisodes: 2, runDir: mkdtempSync(join(tmpdir(), 'jepa-run-')) },
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
});

test('a short seeded run practises, learns, evaluates, and is reproducible; no tensors leak', async () => {
  await initBackend({ backend: 'wasm' });
  const tensorsBefore = tf.memory().numTensors;
  const a = await run();
  const tensorsAfter = tf.memory().numTensors;
  assert.equal(tensorsAfter, tensorsBefore, 'every tensor of the run was freed');
  assert.ok(a.report.practiceEpisodes >= 4, `practice episodes ${a.report.practiceEpisodes}`);
  assert.ok(a.report.envSteps >= 48);
  assert.ok(a.report.evaluations.length >= 2, 'periodic and final evaluations');
  assert.deepEqual(a.report.evaluations.map((e) => e.cells[0].episodes), [...Array<number>(a.report.evaluations.length - 1).fill(1), 2], 'the final round runs finalEvalEpisodes');
  assert.ok(a.report.losses.length > 0 && a.report.losses.at(-1)!.step > 0, 'the learner trained');
  assert.equal(a.report.baseline.length, 1);
  assert.ok(a.report.loop.ticks > 0);
  assert.ok(a.report.frames.length === 1, 'goal-vs-achieved frame of the final evaluation');
  // Interaction: every practice and evaluation tick is counted, shares and displacements are sane.
  const practice = a.report.practiceInteraction;
  assert.deepEqual(practice.map((p) => p.task), ['reach']);
  assert.equal(practice[0].episodes, a.report.practiceEpisodes);
  const finalCell = a.report.evaluations.at(-1)!.cells[0];
  assert.equal(practice[0].ticks + a.report.evaluations.reduce((n, e) => n + e.cells[0].interaction.ticks, 0), a.report.envSteps, 'every step measured once');
  assert.equal(finalCell.interaction.episodes, 2);
  assert.equal(
    a.report.evaluations.reduce((n, e) => n + e.practiceInteraction[0].episodes, 0),
    a.report.practiceEpisodes,
    'the per-interval series covers every practice episode once',
  );
  for (const s of [practice[0], finalCell.interaction, a.report.baseline[0].interaction]) {
    assert.ok(s.contactShare >= 0 && s.contactShare <= 1 && s.meanDisplacementCm >= 0, JSON.stringify(s));
  }
  const md = experimentMarkdown(a.report, { command: 'jepa-agent sim', version: '0.0.0', configSummary: '' });
  const row = (split: string, controller: string, s: InteractionStats): string =>
    `| reach | ${split} | ${controller} | ${s.episodes} | ${(100 * s.contactShare).toFixed(1)}% | ${s.meanDisplacementCm.toFixed(1)} | ${(100 * s.movedShare).toFixed(0)}% (${s.movedEpisodes}/${s.episodes}) |`;
  assert.match(md, /## Interaction\n/);
  assert.ok(md.includes('| task | split | controller | episodes | contact share of ticks | mean object displacement (cm) | episodes moving the object > 1 cm |'), md);
  assert.ok(md.includes(row('practice', 'agent', practice[0])), md);
  assert.ok(md.includes(row('train', 'agent', finalCell.interaction)), md);
  assert.ok(md.includes(row('train', 'random actions', a.report.baseline[0].interaction)), md);
  const b = await run();
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
