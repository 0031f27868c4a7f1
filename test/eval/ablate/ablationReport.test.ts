import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ABLATION_ARMS, ablationMarkdown, ablationPlots, seedSpread, SENSOR_FAULTS } from '../../../src/eval/ablate/index.js';
import type { AblationReport, AblationRun } from '../../../src/eval/ablate/index.js';
import { renderChart } from '../../../src/report/index.js';

/** A made-up two-seed report of two arms: known numbers to find in the text. */
function report(): AblationReport {
  const arms = ABLATION_ARMS.filter((a) => a.name === 'full' || a.name === 'passive');
  const run = (arm: string, seed: number, reach: number, probe: number): AblationRun => ({
    arm,
    seed,
    success: { reach },
    finalDistance: { reach: 0.1 },
    probeAccuracy: probe,
    practiceEpisodes: 10,
    envSteps: 400,
    learnerSteps: 200,
    finalPredictionLoss: 0.05,
    finalStateStd: 0.8,
    fusionWeights: { rgb: 0.5, points: 0.3, proprio: 0.2 },
    durationS: 12,
  });
  const runs = [run('full', 1, 0.5, 0.4), run('full', 2, 1, 0.6), run('passive', 1, 0, 0.3), run('passive', 2, 0, 0.3)];
  return {
    experiment: 'ablate',
    seeds: [1, 2],
    tasks: ['reach'],
    budget: { steps: 400 },
    evalEpisodes: 4,
    trainStepsPerEpisode: 20,
    probe: { perClassTrain: 3, perClassTest: 2, chance: 1 / 7, classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
    arms: arms.map((a) => ({ ...a, faults: SENSOR_FAULTS[a.sensors].description })),
    randomBaseline: { reach: 0.125 },
    runs,
    summary: arms.map((a) => {
      const mine = runs.filter((r) => r.arm === a.name);
      return {
        arm: a.name,
        description: a.description,
        sensors: a.sensors,
        success: { reach: seedSpread(mine.map((r) => r.success.reach!)) },
        finalDistance: { reach: seedSpread(mine.map((r) => r.finalDistance.reach!)) },
        probeAccuracy: seedSpread(mine.map((r) => r.probeAccuracy)),
      };
    }),
    durationS: 90,
  };
}

test('the markdown has the all-arms table with mean ± std, the question it answers, the arms and every run', () => {
  const md = ablationMarkdown(report(), { command: 'jepa-agent eval ablate --quick', code: { version: '9.9.9', commit: 'abcdef0123456789' }, quick: true, configSummary: 'CONFIG LINE' });
  assert.match(md, /jepa-agent 9\.9\.9, commit abcdef012345\); quick mode; 1\.5 min/);
  assert.match(md, /CONFIG LINE/);
  assert.match(md, /\| full \| clean \| 75 ± 35% \| 0\.100 ± 0\.000 \| 50 ± 14% \|/);
  assert.match(md, /\| passive \| clean \| 0 ± 0% \|/);
  assert.match(md, /\| random actions \| - \| 13% \| - \| 14% \(chance\) \|/);
  assert.match(md, /## Action conditioning: action-structured vs passive representation/);
  assert.doesNotMatch(md, /## Point cloud/, 'a question with one arm measured has no table');
  assert.match(md, /`model\.predictor\.actionConditioned=false`/);
  assert.equal(md.match(/^\| (full|passive) \| [12] \|/gm)?.length, 4, 'one row per run');
  assert.match(md, /0\.50 \/ 0\.30 \/ 0\.20/);
});

test('plots: a success chart and a probe chart, each arm a group, random actions and chance as references', async () => {
  const plots = ablationPlots(report());
  assert.deepEqual(Object.keys(plots).sort(), ['probe', 'success']);
  const texts = async (name: string): Promise<string[]> => [...(await renderChart(plots[name])).svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  const success = await texts('success');
  for (const t of ['Closed-loop success by arm', 'full', 'passive', 'reach success', 'random reach']) assert.ok(success.includes(t), `${t} in ${success.join(' | ')}`);
  const probe = await texts('probe');
  for (const t of ['Shape probe accuracy by arm', 'linear probe on the latent state', 'chance']) assert.ok(probe.includes(t), `${t} in ${probe.join(' | ')}`);
});
