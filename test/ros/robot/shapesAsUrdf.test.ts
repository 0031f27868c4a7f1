import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config/Config.js';
import type { RobotShapes } from '../../../src/core/index.js';
import { frameTransformsFromRos, frameTransformsToRos, getMessageCodec, poseRobotShapes, robotModelShapes, shapesTransforms, shapesUrdf, TransformBuffer } from '../../../src/ros/index.js';
import { SimEnv } from '../../../src/sim/SimEnv.js';

describe("the simulated arm's shapes as a URDF and tf", () => {
  let env: SimEnv;
  before(async () => {
    env = await SimEnv.create(parseConfig({ sim: { pointCount: 64, camera: { width: 32, height: 32 }, task: 'push' } }).sim);
  });
  after(() => env.close());

  test('read back through URDF, TFMessage bytes and the tf buffer, they are the shapes the simulation posed', () => {
    const observation = env.reset(3);
    const sim: RobotShapes = observation.robotShapes!;
    assert.ok(sim.shapes.length > 5);
    const model = robotModelShapes(shapesUrdf('arm', sim.frameId, sim), []);
    assert.deepEqual(model.skipped, []);
    const codec = getMessageCodec('tf2_msgs/msg/TFMessage');
    const tf = new TransformBuffer();
    for (const t of frameTransformsFromRos(codec.decode(codec.encode(frameTransformsToRos(shapesTransforms(sim)))), '/tf')) tf.set(t, false);
    const posed = poseRobotShapes(model.shapes, tf, sim.frameId, sim.stamp);
    if ('error' in posed) assert.fail(posed.error);
    assert.equal(posed.shapes.shapes.length, sim.shapes.length);
    posed.shapes.shapes.forEach((s, i) => {
      const want = sim.shapes[i];
      assert.equal(s.kind, want.kind, `shape ${i}`);
      const diff = Math.max(...s.size.map((v, k) => Math.abs(v - want.size[k])), ...s.position.map((v, k) => Math.abs(v - want.position[k])), ...s.rotation.map((v, k) => Math.abs(v - want.rotation[k])));
      assert.ok(diff < 1e-9, `shape ${i} (${s.kind}) differs by ${diff}`);
    });
  });
});
