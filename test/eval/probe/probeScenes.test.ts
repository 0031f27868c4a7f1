import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeScenes } from '../../../src/eval/probe/probeScenes.js';
import { SimEnv } from '../../../src/sim/index.js';
import { tinyConfig } from '../common/fixtures.js';

test('probe glimpse: the cloud keeps only what is near the perceived object, so the arm does not dilute its points', async () => {
  // A camera and cloud fine enough for perception to see the object's sides down to the table (the tiny defaults are 32 px, 64 points).
  const config = tinyConfig(['sim.pointCount=4096', 'sim.camera.width=128', 'sim.camera.height=128']);
  const env = await SimEnv.create(config.sim);
  try {
    const options = { split: 'train' as const, shapes: ['box', 'tee'], perClass: 2, seedBase: 11, minPixels: 2, zoom: 2 };
    const scene = probeScenes(env, config.model, { ...options, view: 'scene' });
    const glimpse = probeScenes(env, config.model, { ...options, view: 'glimpse' });
    assert.equal(glimpse.redrawn, 0, 'scene i is seed base + class offset + i (no redraws)');
    glimpse.frames.forEach((frame, i) => {
      // Regenerate scene i to read where its object truly is (the test may; the probe does not).
      env.reset(options.seedBase + (i >= 2 ? 100_000 : 0) + (i % 2), { task: 'push', split: 'train', shape: options.shapes[Math.floor(i / 2)] });
      const object = env.trueState().objects[0].position;
      const points = frame.points!;
      const far = (p: Float32Array): number => {
        let n = 0;
        for (let k = 0; k < p.length; k += 3) if (Math.hypot(p[k] - object[0], p[k + 1] - object[1], p[k + 2] - object[2]) > 0.1) n++;
        return n;
      };
      assert.equal(far(points), 0, `glimpse ${i}: every point within 10 cm of the object`);
      assert.ok(far(scene.frames[i].points!) > 0, `scene ${i}: the whole cloud reaches further`);
    });
  } finally {
    env.close();
  }
});
