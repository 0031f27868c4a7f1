import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyOverrides, parseConfig } from '../../src/core/config/Config.js';
import type { Config } from '../../src/core/config/Config.js';
import { silentLogger } from '../../src/core/Logger.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';
import { baselineMarkdown, runBaselines } from '../../src/eval/baselineExperiment.js';
import { writeRunFolder } from '../../src/eval/common/runFolder.js';
import { WorldModel } from '../../src/model/worldModel.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../backend.js';

/** The experiments' quick world: 16 px images, 64 points, 16-d latent, small planner, 12-tick episodes. */
const config: Readonly<Config> = parseConfig(applyOverrides({}, [...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'seed=4']));

describe('runBaselines', () => {
  let env: SimEnv;
  let model: WorldModel;
  before(async () => {
    await useTestBackend();
    env = await SimEnv.create(config.sim);
    model = new WorldModel(config.model, { seed: config.seed });
  });
  after(() => {
    model.dispose();
    env.close();
  });

  test('scripted-subgoals plans with a tiny model on seeded push episodes, reproducibly; it is skipped on reach', () => {
    const run = () =>
      runBaselines(env, config, { tasks: ['reach', 'push'], splits: ['train'], episodes: 2, controllers: ['scripted-subgoals'], model, modelLabel: 'a tiny untrained model', logger: silentLogger });
    const report = run();
    assert.deepEqual(report.cells.map((c) => `${c.task}/${c.controller}`), ['push/scripted-subgoals']);
    const cell = report.cells[0];
    assert.equal(cell.episodes, 2);
    assert.ok(cell.successRate >= 0 && cell.successRate <= 1, `success rate ${cell.successRate}`);
    assert.ok(Number.isFinite(cell.meanFinalDistance));
    assert.deepEqual(run().cells, report.cells, 'the same seeds give the same episodes');
    assert.match(baselineMarkdown(report), /\| push \| train \| scripted-subgoals \| \d+% \(\d\/2\) \|/);
    assert.match(baselineMarkdown(report), /a tiny untrained model/);
  });

  test('the goal-vs-achieved frames are rendered at 256 px, one per cell, and shown inline in report.html', async () => {
    const report = runBaselines(env, config, { tasks: ['reach'], splits: ['train'], episodes: 1, controllers: ['random', 'scripted'], logger: silentLogger });
    assert.deepEqual(report.frames.map((f) => f.name), ['reach_train_random', 'reach_train_scripted']);
    for (const f of report.frames) {
      assert.equal(f.image.height, 256);
      assert.equal(f.image.width, 2 * 256 + 4, 'goal beside achieved');
    }
    assert.equal(report.model, undefined);
    const markdown = baselineMarkdown(report);
    assert.ok(markdown.includes('![reach / train / random: goal (left), achieved (right)](frames/reach_train_random.png)'), markdown);
    assert.ok(markdown.includes('![reach / train / scripted: goal (left), achieved (right)](frames/reach_train_scripted.png)'), markdown);
    // In report.html each frame is inline, where the markdown shows it, at its full size.
    const dir = mkdtempSync(join(tmpdir(), 'baselines-'));
    await writeRunFolder(dir, { json: { config }, markdown, frames: Object.fromEntries(report.frames.map((f) => [f.name, f.image])) });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const inline = [...html.matchAll(/<img alt="([^"]*)" src="data:image\/png;base64,([^"]+)">/g)];
    assert.deepEqual(inline.map((m) => m[1]), ['reach / train / random: goal (left), achieved (right)', 'reach / train / scripted: goal (left), achieved (right)']);
    assert.deepEqual(Buffer.from(inline[0][2], 'base64'), readFileSync(join(dir, 'frames', 'reach_train_random.png')));
    assert.doesNotMatch(html, /More figures/, 'every frame is shown where the markdown puts it');
  });

  test('scripted-subgoals without a world model is an error that says what to give', () => {
    assert.throws(
      () => runBaselines(env, config, { tasks: ['push'], splits: ['train'], episodes: 1, controllers: ['scripted-subgoals'], logger: silentLogger }),
      /baseline scripted-subgoals plans with a learned world model, and none was given \(sim baselines: --ckpt DIR\)/,
    );
  });
});
