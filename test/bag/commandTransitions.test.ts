// A bag as `ros2 bag record` writes it from a robot: camera, depth, joint states and commands
// as CDR, no agent records, no metadata, topic names of its own. Episodes are built from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BagRecorder, readBagEpisodes } from '../../src/bag/index.js';
import type { Observation } from '../../src/core/index.js';
import { toNanoseconds } from '../../src/core/index.js';
import { getMessageCodec } from '../../src/ros/index.js';
import { plainBagStamp as at, tempDir, writePlainBag } from './fixtures.js';

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `${what}: [${i}] ${actual[i]} vs ${expected[i]}`);
}

describe('episodes of a bag without agent records', () => {
  const tmp = tempDir('plain-bag-');
  let twists: number[][];
  let trajectories: number[][];
  before(async () => {
    twists = await writePlainBag(join(tmp.dir, 'twist'), 'twist');
    trajectories = await writePlainBag(join(tmp.dir, 'trajectory'), 'trajectory');
  });
  after(() => tmp.cleanup());

  test('twist commands: one step per command, from the frame before it to the next one, the twist over one command period', async () => {
    const how: string[] = [];
    const episodes = await readBagEpisodes<Observation>(join(tmp.dir, 'twist'), { convert: (o) => o, jointNames: ['j1', 'j2'], onBag: (_bag, _n, h) => how.push(h) });
    assert.equal(episodes.length, 1);
    const [ep] = episodes;
    assert.match(how[0], /no agent records: \d+ transitions built from 20 commands on \/servo\/cmd and the rgb frames on \/cam\/color/);
    // 20 commands at 7, 57, ..., 957 ms; the last has no next frame.
    assert.equal(ep.actions.length, 19);
    for (let k = 0; k < ep.actions.length; k++) {
      assertClose(ep.actions[k], twists[k], `action ${k}`);
    }
    for (const [k, f] of ep.frames.entries()) {
      assert.ok(f.rgb !== undefined && f.depth !== undefined && f.proprio !== undefined, `frame ${k} has colour, depth and joints`);
      assert.equal(toNanoseconds(f.proprio.stamp), toNanoseconds(f.rgb.stamp), 'the joint state of the frame instant');
      assert.ok(toNanoseconds(f.rgb.stamp) <= toNanoseconds(at(7 + 50 * k)), 'the newest frame at or before the command');
    }
    // Joint states arrive every 10 ms and frames every 33: a frame at 33 ms pairs with the interpolation of 30 and 40.
    const frame33 = ep.frames.find((f) => toNanoseconds(f.rgb!.stamp) === toNanoseconds(at(33)));
    assert.ok(frame33 !== undefined);
    assertClose(frame33.proprio!.positions, [0.2 + 33 / 10000, -0.1 + 33 / 20000], 'interpolated joints');
  });

  test('trajectory commands: the target minus the joint state at the command, by joint name', async () => {
    const episodes = await readBagEpisodes<Observation>(join(tmp.dir, 'trajectory'), { convert: (o) => o, jointNames: ['j1', 'j2'] });
    const actions = episodes.flatMap((e) => e.actions);
    assert.equal(actions.length, 19);
    for (let k = 0; k < actions.length; k++) assertClose(actions[k], trajectories[k], `action ${k}`);
  });

  test('a bag with neither agent records nor a command topic is reported, not read as episodes', async () => {
    const dir = join(tmp.dir, 'sensors-only');
    const recorder = await BagRecorder.start({ dir, thread: 'inline' });
    recorder.writeRaw('/cam/color', 'sensor_msgs/msg/Image', 1n, getMessageCodec('sensor_msgs/msg/Image').encode({ header: { stamp: at(0), frame_id: '' }, height: 1, width: 1, encoding: 'rgb8', is_bigendian: 0, step: 3, data: new Uint8Array(3) }));
    await recorder.close();
    const how: string[] = [];
    assert.deepEqual(await readBagEpisodes(dir, { convert: (o) => o, onBag: (_b, _n, h) => how.push(h) }), []);
    assert.match(how[0], /skipped: no agent transitions, and no command topic \(TwistStamped, JointTrajectory or Float64MultiArray\) with messages to build them from/);
  });
});
