import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/cli/loadConfigFile.js';
import { parseConfig } from '../../src/core/config/Config.js';
import type { ConfigInput } from '../../src/core/config/Config.js';
import { proprioVector } from '../../src/model/proprioVector.js';
import { loadRobotMjcf } from '../../src/sim/robotMjcf.js';
import { SIM_DATA_DIR } from '../../src/sim/sceneData.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { ARM7_EXAMPLE_CONFIG, ARM7_JOINTS } from './testArm.js';

// examples/arm7.yaml is what `jepa-agent sim --config examples/arm7.yaml` reads: it must stay valid and run.
test('examples/arm7.yaml validates, names the shipped sim/robots/arm7.xml, and its sizes fit the model', () => {
  const config = parseConfig(loadConfigFile(ARM7_EXAMPLE_CONFIG) as ConfigInput, ARM7_EXAMPLE_CONFIG);
  assert.equal(config.sim.robot.mjcf, 'arm7');
  assert.deepEqual(config.sim.robot.joints, ARM7_JOINTS);
  const robot = loadRobotMjcf(config.sim.robot, SIM_DATA_DIR);
  assert.equal(robot.path, join(SIM_DATA_DIR, 'robots', 'arm7.xml'));
  assert.deepEqual(Object.keys(robot.assets), ['assets/arm7_palm.obj'], 'the palm mesh ships beside it');
  assert.equal(config.sim.actionSpace, 'ee_delta');
  assert.equal(config.model.actionDim, 4, 'ee_delta: x, y, z + gripper');
  assert.equal(config.model.proprio.dim, 2 * ARM7_JOINTS.length + 4);
});

test('examples/arm7.yaml: the simulation resets and steps with its arm', async () => {
  const config = parseConfig(loadConfigFile(ARM7_EXAMPLE_CONFIG) as ConfigInput, ARM7_EXAMPLE_CONFIG);
  // Smaller images keep the test quick; everything else as the example says.
  const env = await SimEnv.create({ ...config.sim, camera: { ...config.sim.camera, width: 32, height: 32 }, pointCount: 256 });
  try {
    assert.equal(env.actionSpace.names.length, config.model.actionDim, 'the action space matches model.actionDim');
    const obs = env.reset(0, { task: 'reach' });
    assert.deepEqual(obs.proprio!.jointNames, ARM7_JOINTS);
    assert.equal(proprioVector(obs.proprio!, config.model.proprio.dim).length, config.model.proprio.dim);
    const before = env.trueState().toolPosition;
    let last = obs;
    for (let i = 0; i < 3; i++) last = env.step([0.02, 0, 0, 1]).observation;
    assert.ok(last.rgb && last.points, 'observations keep coming');
    const moved = env.trueState().toolPosition[0] - before[0];
    assert.ok(moved > 0.03, `the tool moves forward under ee_delta actions (${moved} m)`);
  } finally {
    env.close();
  }
});
